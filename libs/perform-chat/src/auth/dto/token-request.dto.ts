import { Equals, IsString, ValidateIf } from 'class-validator';
import { EXPIRES_IN_FORMAT } from '../../perform-chat.messages';

/** Optional, but when present it must be valid: `null` is a wrong type, not "absent" (unlike `@IsOptional`). */
const IsOptionalButNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** Refused with a message saying why: the user comes from the session, never from the browser. */
const NO_USER_ID_MESSAGE = 'userId must not be sent: the token is always for the logged-in user';

/**
 * Body (POST) or query (GET) of the token route. The user is never part of it: the token is
 * always for the logged-in user, read with the `resolveUserId` option.
 *
 * Only the shape is checked here (strings, no unknown fields). What a valid `agentId` or
 * `expiresIn` is (length, control characters, `<n>s|m|h|d`, the caps) is decided in one place,
 * `PerformChatAuthService`, before any network call, and answered 400 by the exception filter.
 */
export class TokenRequestDto {
  /** The agent of the chat session; defaults to the `defaultAgentId` option. */
  @IsOptionalButNotNull()
  @IsString({ message: 'agentId must be a string (send it once)' })
  agentId?: string;

  /** Token lifetime, `<n>s|m|h|d`; defaults to the `defaultExpiresIn` option. */
  @IsOptionalButNotNull()
  @IsString({ message: `expiresIn must be a string: ${EXPIRES_IN_FORMAT}` })
  expiresIn?: string;

  @Equals(undefined, { message: NO_USER_ID_MESSAGE })
  userId?: never;
}

/** Body of the revoke route: nothing. It always revokes the logged-in user's own tokens. */
export class RevokeRequestDto {
  @Equals(undefined, { message: NO_USER_ID_MESSAGE })
  userId?: never;
}
