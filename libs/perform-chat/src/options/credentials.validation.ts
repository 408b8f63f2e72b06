import { Messages, OptionWords } from '../perform-chat.messages';
import type { PerformChatModuleOptions } from './perform-chat-options.interface';
import type { PerformChatCredentials, ResolvedCredentials } from './credentials.options';
import { DEFAULT_CREDENTIALS_REFRESH_MS } from './perform-chat-options.defaults';
import {
  OptionRule,
  custom,
  fn,
  literal,
  isPlainObject,
  nonEmptyArrayOf,
  object,
  required,
  union,
  wholeNumber,
} from './option-rules';
import { PERFORMCHAT_ENV } from './perform-chat.config';

/** No leading/trailing whitespace: a secret read from a file with a trailing newline fails here, not at PerformChat. */
export const NO_SURROUNDING_WHITESPACE = /^\S(.*\S)?$/s;

/** A key id or secret: a non-empty string without surrounding whitespace. Never shown. */
function credential(env?: string): OptionRule {
  return custom(OptionWords.credential, (value, path) => {
    if (typeof value !== 'string' || value === '') return [Messages.credentialRequired(path, env)];
    return NO_SURROUNDING_WHITESPACE.test(value) ? [] : [Messages.urlSurroundingWhitespace(path)];
  });
}

/** One whole key `{ keyId, keySecret }`: a `nextKey`, or what a credentials provider answers. */
const API_KEY = (ids?: { keyId: string; keySecret: string }) =>
  object({
    keyId: required(credential(ids?.keyId)),
    keySecret: required(credential(ids?.keySecret)),
  } satisfies Record<keyof PerformChatCredentials, OptionRule>);

const NEXT_KEY = API_KEY({ keyId: PERFORMCHAT_ENV.nextKeyId, keySecret: PERFORMCHAT_ENV.nextKeySecret });

/** The rows of the key and where it comes from, in the module options. */
export const CREDENTIALS_OPTIONS = {
  // Required unless `credentials` gives the key: checked between options (checkCredentialSource).
  keyId: credential(PERFORMCHAT_ENV.keyId),
  keySecret: credential(PERFORMCHAT_ENV.keySecret),
  credentials: fn(),
  credentialsRefreshMs: union([
    [(value) => value === false, literal(false)],
    [() => true, wholeNumber({ min: 1000, unit: 'milliseconds', bound: 'credentialsRefreshMs' })],
  ]),
  nextKey: union([
    [Array.isArray, nonEmptyArrayOf(NEXT_KEY, OptionWords.apiKeys)],
    [isPlainObject, NEXT_KEY],
  ]),
  onKeyRotated: fn(),
} satisfies Partial<Record<keyof PerformChatModuleOptions, OptionRule>>;

/**
 * Between options: the key comes from `keyId` + `keySecret`, or from `credentials`, never
 * from both (which one would win is a guess), and never from neither. A refresh interval
 * without a provider refreshes nothing.
 */
export function checkCredentialSource(raw: PerformChatModuleOptions): string[] {
  const fromProvider = raw.credentials !== undefined;
  if (!fromProvider) {
    const problems: string[] = [];
    if (raw.keyId === undefined) problems.push(Messages.credentialRequired('keyId', PERFORMCHAT_ENV.keyId));
    if (raw.keySecret === undefined) problems.push(Messages.credentialRequired('keySecret', PERFORMCHAT_ENV.keySecret));
    if (raw.credentialsRefreshMs !== undefined) problems.push(Messages.credentialsRefreshWithoutProvider());
    return problems;
  }
  return raw.keyId !== undefined || raw.keySecret !== undefined ? [Messages.credentialsTwice()] : [];
}

const PROVIDED = 'credentials()';

/**
 * Problems of what a credentials provider answered (`credentials().keySecret must ...`); `[]`
 * for a key. Other fields of the answer are ignored (a secrets manager's record may hold more).
 */
export function checkProvidedCredentials(value: unknown): string[] {
  if (!isPlainObject(value)) return [Messages.optionMustBe(PROVIDED, OptionWords.apiKey)];
  return [
    credential().check(value.keyId, `${PROVIDED}.keyId`),
    credential().check(value.keySecret, `${PROVIDED}.keySecret`),
  ].flat();
}

/** The key options with their defaults (valid options). */
export function resolveCredentialsOptions(raw: PerformChatModuleOptions, deadlineMs: number): ResolvedCredentials {
  const next = raw.nextKey === undefined ? [] : Array.isArray(raw.nextKey) ? raw.nextKey : [raw.nextKey];
  const freeze = ({ keyId, keySecret }: PerformChatCredentials) => Object.freeze({ keyId, keySecret });
  return {
    initial:
      raw.credentials === undefined
        ? freeze({ keyId: raw.keyId as string, keySecret: raw.keySecret as string })
        : undefined,
    provider: raw.credentials,
    refreshMs: raw.credentials === undefined ? false : (raw.credentialsRefreshMs ?? DEFAULT_CREDENTIALS_REFRESH_MS),
    providerTimeoutMs: deadlineMs,
    next: next.map(freeze),
    onKeyRotated: raw.onKeyRotated,
  };
}
