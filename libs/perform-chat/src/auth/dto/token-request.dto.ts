import { Equals, IsIn, IsString, ValidateIf } from 'class-validator';
import { Messages } from '../../perform-chat.messages';

/** Optional, but when present it must be valid: `null` is a wrong type, not "absent" (unlike `@IsOptional`). */
const IsOptionalButNotNull = () => ValidateIf((_object, value) => value !== undefined);

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
  @IsString({ message: Messages.tokenInputAgentIdType() })
  agentId?: string;

  /** Token lifetime, `<n>s|m|h|d`; defaults to the `defaultExpiresIn` option. */
  @IsOptionalButNotNull()
  @IsString({ message: Messages.tokenInputExpiresInType() })
  expiresIn?: string;

  /**
   * With `tokenReuse`: the chat server refused the current token (expired, revoked elsewhere),
   * so do not hand it out again: a new one is generated and replaces it. `true` in a body,
   * `true` or `1` in a query.
   */
  @IsOptionalButNotNull()
  @IsIn([true, 'true', '1'], { message: Messages.tokenInputFreshType() })
  fresh?: boolean | 'true' | '1';

  // Refused with a message saying why: the user comes from the session, never from the browser.
  @Equals(undefined, { message: Messages.tokenInputUserId() })
  userId?: never;
}

/** Body of the revoke route: nothing. It always revokes the logged-in user's own tokens. */
export class RevokeRequestDto {
  // Refused with a message saying why: the user comes from the session, never from the browser.
  @Equals(undefined, { message: Messages.tokenInputUserId() })
  userId?: never;
}
