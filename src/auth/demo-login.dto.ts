import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { DemoMessages } from '../demo.messages';

/** `POST /api/demo/login`: the demo trusts any user name (it is a stand-in for your login). */
export class DemoLoginDto {
  @IsString({ message: DemoMessages.username })
  @Matches(/^[A-Za-z0-9._-]{1,32}$/, { message: DemoMessages.username })
  username!: string;
}

/** `POST /api/demo/logout`: `everywhere` ends every session of the user, not only this one. */
export class DemoLogoutDto {
  @IsOptional()
  @IsBoolean()
  everywhere?: boolean;
}
