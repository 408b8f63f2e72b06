import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { Messages } from '../perform-chat.messages';

/** Longest id accepted for `userId`, `agentId` and `customerUserId`. */
export const MAX_IDENTIFIER_LENGTH = 256;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks an id before it is sent anywhere: a non-empty string of at most 256 characters,
 * not only whitespace, without control characters.
 * @throws PerformChatError `INVALID_ARGUMENT` naming the field.
 */
export function assertIdentifier(field: string, value: unknown): string {
  const fail = (message: string) => new PerformChatError(PerformChatErrorCode.INVALID_ARGUMENT, message, { field });
  if (typeof value !== 'string') throw fail(Messages.identifierNotString(field, value));
  if (value.trim().length === 0) throw fail(Messages.identifierEmpty(field));
  if (value.length > MAX_IDENTIFIER_LENGTH) throw fail(Messages.identifierTooLong(field, MAX_IDENTIFIER_LENGTH));
  if (CONTROL_CHARACTER.test(value)) throw fail(Messages.identifierControlChars(field));
  return value;
}
