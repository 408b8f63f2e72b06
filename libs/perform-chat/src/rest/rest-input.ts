import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { Messages } from '../perform-chat.messages';
import type { PerformChatCustomerUserChanges } from '../client/resources/rest.interfaces';

/** PerformChat's documented largest page. */
export const MAX_PAGE_LIMIT = 100;
/** Longest `name` / `email` sent (320: the longest email address RFC 5321 allows). */
const MAX_NAME_LENGTH = 256;
const MAX_EMAIL_LENGTH = 320;
/** Largest `metadata` sent, as JSON: PerformChat documents no limit; a profile, not a document store. */
export const MAX_METADATA_BYTES = 16 * 1024;

function fail(message: string, field?: string): PerformChatError {
  return new PerformChatError(PerformChatErrorCode.INVALID_ARGUMENT, message, field === undefined ? {} : { field });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Checks an options object of a call: undefined or a plain object with only `known` keys (a
 * typo such as `external_id` for `externalId` must not silently list everyone).
 * @throws PerformChatError `INVALID_ARGUMENT`
 */
export function checkObject<T extends object>(
  what: string,
  value: unknown,
  known: readonly (keyof T & string)[],
  example = '{ page: 1, limit: 20 }',
): Partial<T> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw fail(Messages.restNotObject(what, example), what);
  for (const key of Object.keys(value)) {
    if (!(known as readonly string[]).includes(key))
      throw fail(Messages.restUnknownField(what, key, known.join(', ')), key);
  }
  return value as Partial<T>;
}

/** `page`: unset, or a whole number from 1. */
export function checkPage(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw fail(Messages.restPageNotInteger('page', value), 'page');
  return value;
}

/** `limit`: unset, or a whole number from 1 to 100. */
export function checkLimit(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw fail(Messages.restLimitOutOfRange('limit', MAX_PAGE_LIMIT, value), 'limit');
  }
  return value;
}

/** An optional text field (a filter, a name, an email): a string of at most `max` characters. */
export function checkText(field: string, value: unknown, max: number = MAX_NAME_LENGTH): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw fail(Messages.restFieldNotString(field, value), field);
  if (value.length > max) throw fail(Messages.restFieldTooLong(field, max), field);
  return value;
}

/** `metadata`: a plain object that serialises to JSON of at most 16 KB. */
function checkMetadata(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw fail(Messages.restMetadataNotObject(value), 'metadata');
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw fail(Messages.restMetadataNotJson(error instanceof Error ? error.message : String(error)), 'metadata');
  }
  if (Buffer.byteLength(json) > MAX_METADATA_BYTES)
    throw fail(Messages.restMetadataTooLarge(MAX_METADATA_BYTES), 'metadata');
  return value;
}

/** The changes of a customer-user update: known fields only, at least one. */
export function checkChanges(value: unknown): PerformChatCustomerUserChanges {
  const raw = checkObject<PerformChatCustomerUserChanges>(
    'changes',
    value ?? null,
    ['name', 'email', 'metadata'],
    '{ name: "Ada" }',
  );
  const changes: PerformChatCustomerUserChanges = {
    ...(raw.name !== undefined ? { name: checkText('name', raw.name) } : {}),
    ...(raw.email !== undefined ? { email: checkText('email', raw.email, MAX_EMAIL_LENGTH) } : {}),
    ...(raw.metadata !== undefined ? { metadata: checkMetadata(raw.metadata) } : {}),
  };
  if (Object.keys(changes).length === 0) throw fail(Messages.restNoChanges(), 'changes');
  return changes;
}

/** `retry` of an update: unset, `'safe'` or `'never'`. */
export function checkRetryMode(value: unknown): 'safe' | 'never' {
  if (value === undefined || value === 'never') return 'never';
  if (value === 'safe') return 'safe';
  throw fail(Messages.restRetryMode(value), 'retry');
}
