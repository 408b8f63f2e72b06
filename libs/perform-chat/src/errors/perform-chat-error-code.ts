/**
 * Stable machine-readable codes carried by every {@link PerformChatError}.
 * Switch on these, never on messages: messages may be reworded, codes never change.
 */
export const PerformChatErrorCode = {
  /** An argument failed validation before any network call (empty id, control characters...). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** `expiresIn` is not `<positive integer><s|m|h|d>` or is above `maxExpiresIn`. */
  INVALID_EXPIRES_IN: 'INVALID_EXPIRES_IN',
  /** PerformChat answered 401 (or 403): the key id/secret is wrong, expired or lacks a permission. */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /**
   * The agent is unknown to PerformChat: on token generation a 400 about the agent (unknown,
   * inactive, or the company has no active agent); on `GET /agents/:id` a 404 (`status` says
   * which). Also the agent check at boot (`verifyAgents`): not found or inactive.
   */
  AGENT_NOT_FOUND: 'AGENT_NOT_FOUND',
  /** The agent is not in the `allowedAgentIds` option; refused before any network call. */
  AGENT_NOT_ALLOWED: 'AGENT_NOT_ALLOWED',
  /**
   * The customer user is unknown or of another company: PerformChat's 400 on invalidation, its
   * 404 on `PUT /customer-users/:id`.
   */
  CUSTOMER_USER_NOT_FOUND: 'CUSTOMER_USER_NOT_FOUND',
  /** PerformChat answered 404 on `GET /conversations/:id` (or its messages): unknown or of another company. */
  CONVERSATION_NOT_FOUND: 'CONVERSATION_NOT_FOUND',
  /** Any other 4xx answer from PerformChat. */
  UPSTREAM_BAD_REQUEST: 'UPSTREAM_BAD_REQUEST',
  /** PerformChat answered 429, or the module's own upstream budget refused the call. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** PerformChat answered 5xx. */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  /** PerformChat did not answer completely within the timeout, the call's deadline passed while it waited its turn, or the shutdown grace period ended. */
  TIMEOUT: 'TIMEOUT',
  /** No HTTP answer: connection refused or reset, DNS or TLS failure. */
  UNREACHABLE: 'UNREACHABLE',
  /** Not sent: the circuit breaker is open after repeated failures (calls fail fast until it half-opens), or the app is shutting down. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** A 2xx answer that is not the documented JSON (not JSON, HTML, missing `token`, wrong types, too large). */
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  /**
   * The customer-user store (Redis, or your own) could not be read: revocation did nothing (it
   * could not learn which customer users to invalidate); retry when the store answers. Never
   * thrown by `generateToken`, whose token is valid whatever the store does.
   */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
} as const;

export type PerformChatErrorCode = (typeof PerformChatErrorCode)[keyof typeof PerformChatErrorCode];
