import type { ResolvedPerformChatOptions } from './perform-chat-options.interface';

/**
 * The part of the resolved options each service reads, and its injection token. One module
 * instance builds every slice from its own options (perform-chat.providers.ts); a service never
 * sees the whole object, so nothing couples it to options it does not use, and a second
 * instance is a second set of slices.
 */
type Slice<K extends keyof ResolvedPerformChatOptions> = Readonly<Pick<ResolvedPerformChatOptions, K>>;

/** The HTTP client: where to call, and how much to read (as whom: the keyring's key). */
export type PerformChatClientSlice = Slice<'baseUrl' | 'maxResponseBytes'>;
export const PERFORM_CHAT_CLIENT_SLICE = Symbol('PerformChat options: client');

/** The keyring: the key, where it comes from, the keys to rotate to. The only slice with a secret. */
export type PerformChatCredentialsSlice = Slice<'name' | 'credentials'>;
export const PERFORM_CHAT_CREDENTIALS_SLICE = Symbol('PerformChat options: credentials');

/** Retries, deadline, breaker and shutdown grace. */
export type PerformChatResilienceSlice = Slice<'timeoutMs' | 'resilience'>;
export const PERFORM_CHAT_RESILIENCE_SLICE = Symbol('PerformChat options: resilience');

/** The key-wide upstream budget (and the per-user share of it); `timeoutMs` bounds when an attempt in flight can still reach PerformChat. */
export type PerformChatBudgetSlice = Slice<'keyId' | 'upstreamBudget' | 'timeoutMs'>;
export const PERFORM_CHAT_BUDGET_SLICE = Symbol('PerformChat options: upstream budget');

/** Token policy, reuse and audit hooks of PerformChatAuthService. */
export type PerformChatAuthSlice = Slice<
  | 'defaultAgentId'
  | 'allowedAgentIds'
  | 'defaultExpiresIn'
  | 'maxExpiresIn'
  | 'onTokenIssued'
  | 'onTokensInvalidated'
  | 'tokenReuse'
>;
export const PERFORM_CHAT_AUTH_SLICE = Symbol('PerformChat options: auth');

/** Who the request is for (user, login session for token reuse), and the per-user limits: the token routes and the guard. */
export type PerformChatRequestSlice = Slice<'resolveUserId' | 'rateLimit' | 'tokenReuse'>;
export const PERFORM_CHAT_REQUEST_SLICE = Symbol('PerformChat options: request');

/** Where the auth endpoint is and how it is probed: the health indicators. */
export type PerformChatHealthSlice = Slice<'name' | 'baseUrl' | 'health'>;
export const PERFORM_CHAT_HEALTH_SLICE = Symbol('PerformChat options: health');

/** The agent check (`verifyAgents`): which agents, when, and how long a readiness result is reused. */
export type PerformChatAgentCheckSlice = Slice<'defaultAgentId' | 'allowedAgentIds' | 'verifyAgents' | 'health'>;
export const PERFORM_CHAT_AGENT_CHECK_SLICE = Symbol('PerformChat options: agent check');

/** The stores that may use Redis: the rate-limit store, the token store and the Redis connections. */
export type PerformChatStoresSlice = Slice<'rateLimit' | 'customerUserStore' | 'tokenReuse'>;

export const PERFORM_CHAT_STORES_SLICE = Symbol('PerformChat options: stores');

/** Token reuse and the versions revocations record: the token store. */
export type PerformChatTokenStoreSlice = Slice<'tokenReuse'>;
export const PERFORM_CHAT_TOKEN_STORE_SLICE = Symbol('PerformChat options: token store');

const SLICES: ReadonlyArray<readonly [symbol, readonly (keyof ResolvedPerformChatOptions)[]]> = [
  [PERFORM_CHAT_CLIENT_SLICE, ['baseUrl', 'maxResponseBytes']],
  [PERFORM_CHAT_CREDENTIALS_SLICE, ['name', 'credentials']],
  [PERFORM_CHAT_RESILIENCE_SLICE, ['timeoutMs', 'resilience']],
  [PERFORM_CHAT_BUDGET_SLICE, ['keyId', 'upstreamBudget', 'timeoutMs']],
  [
    PERFORM_CHAT_AUTH_SLICE,
    [
      'defaultAgentId',
      'allowedAgentIds',
      'defaultExpiresIn',
      'maxExpiresIn',
      'onTokenIssued',
      'onTokensInvalidated',
      'tokenReuse',
    ],
  ],
  [PERFORM_CHAT_REQUEST_SLICE, ['resolveUserId', 'rateLimit', 'tokenReuse']],
  [PERFORM_CHAT_HEALTH_SLICE, ['name', 'baseUrl', 'health']],
  [PERFORM_CHAT_STORES_SLICE, ['rateLimit', 'customerUserStore', 'tokenReuse']],
  [PERFORM_CHAT_TOKEN_STORE_SLICE, ['tokenReuse']],
  [PERFORM_CHAT_AGENT_CHECK_SLICE, ['defaultAgentId', 'allowedAgentIds', 'verifyAgents', 'health']],
];

/** Every slice token with the keys it takes from the resolved options. */
export function performChatSlices(): ReadonlyArray<readonly [symbol, readonly (keyof ResolvedPerformChatOptions)[]]> {
  return SLICES;
}

/** The slice of `options` with exactly `keys` (a frozen copy). */
export function sliceOf(
  options: ResolvedPerformChatOptions,
  keys: readonly (keyof ResolvedPerformChatOptions)[],
): object {
  return Object.freeze(Object.fromEntries(keys.map((key) => [key, options[key]])));
}
