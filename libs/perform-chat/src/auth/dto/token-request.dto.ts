import { Equals, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { EXPIRES_IN_PATTERN } from '../expires-in';
import { MAX_IDENTIFIER_LENGTH } from '../identifier';
import { EXPIRES_IN_FORMAT } from '../../perform-chat.messages';

const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** Optional, but when present it must be valid: `null` is a wrong type, not "absent" (unlike `@IsOptional`). */
const IsOptionalButNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** Refused with a message saying why: the user comes from the session, never from the browser. */
const NO_USER_ID_MESSAGE = 'userId must not be sent: the token is always for the logged-in user';

/**
 * Body (POST) or query (GET) of the token route. The user is never part of it: the token is
 * always for the logged-in user, read with the `resolveUserId` option.
 */
export class TokenRequestDto {
  /** The agent of the chat session; defaults to the `defaultAgentId` option. */
  // class-validator runs these bottom-up; with stopAtFirstError the type check must come first.
  @IsOptionalButNotNull()
  @Matches(NO_CONTROL_CHARACTERS, { message: 'agentId must not contain control characters' })
  @Length(1, MAX_IDENTIFIER_LENGTH, { message: `agentId must be 1 to ${MAX_IDENTIFIER_LENGTH} characters long` })
  @IsString({ message: 'agentId must be a string (send it once)' })
  agentId?: string;

  /** Token lifetime, `<n>s|m|h|d`; defaults to the `defaultExpiresIn` option. */
  @IsOptionalButNotNull()
  @Matches(EXPIRES_IN_PATTERN, { message: `expiresIn must be ${EXPIRES_IN_FORMAT}` })
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
