import type { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatKeyRotatedEvent } from './perform-chat-events.interfaces';

/**
 * What the module reports about itself, through {@link PerformChatTelemetry}. Every field is
 * safe to log: no event ever holds the key secret or a token (messages are the library's own,
 * redacted), and the user id appears only where the event is about one user.
 */
export type PerformChatTelemetryEvent =
  | PerformChatAttemptFailedEvent
  | PerformChatCallSucceededEvent
  | PerformChatBudgetRefusedEvent
  | PerformChatBreakerEvent
  | PerformChatRateLimitedEvent
  | PerformChatProbeEvent
  | PerformChatKeyRotatedTelemetryEvent
  | PerformChatKeyRotationFailedEvent
  | PerformChatCredentialsRefreshFailedEvent
  | PerformChatBudgetWaitedEvent
  | PerformChatTokenServedEvent
  | PerformChatTokenStaleEvent
  | PerformChatTokenStoreEvent;

/** One HTTP attempt at PerformChat failed (each attempt of a retried call reports its own). */
export interface PerformChatAttemptFailedEvent {
  type: 'attempt.failed';
  /** The resource's operation, e.g. `generateToken`. */
  operation: string;
  code: PerformChatErrorCode;
  /** PerformChat's HTTP status, when it answered. */
  status?: number;
  /** 1 for the first attempt. */
  attempt: number;
  latencyMs: number;
  keyId: string;
  /** The error's message (secret-free). */
  message: string;
}

/** A call to PerformChat succeeded (after `attempts` attempts). */
export interface PerformChatCallSucceededEvent {
  type: 'call.succeeded';
  operation: string;
  attempts: number;
  latencyMs: number;
}

/** The module's own upstream budget refused an attempt before anything was sent. */
export interface PerformChatBudgetRefusedEvent {
  type: 'budget.refused';
  /**
   * `tokens`: the token generations per window (for a generation: the wait for the next slot
   * would be longer than allowed); `api-requests`: the API requests per window; `auth`: the
   * failed authentications per window; `user`: one user's share of the token generations per
   * window (`upstreamBudget.tokensPerUser`).
   */
  budget: 'tokens' | 'api-requests' | 'auth' | 'user';
  limit: number;
  windowSeconds: number;
  retryAfterMs: number;
  /** The first refusal of this window (the log says it once per window, not once per call). */
  firstInWindow: boolean;
}

/** The circuit breaker opened (calls fail fast for `cooldownMs`) or closed again. */
export interface PerformChatBreakerEvent {
  type: 'breaker.opened' | 'breaker.closed';
  failureThreshold: number;
  cooldownMs: number;
}

/** A per-user (or per-IP) limit refused a request. */
export interface PerformChatRateLimitedEvent {
  type: 'rate-limit.refused';
  /** The counter's name (the route's, or the shared token-route counter). */
  limiter: string;
  retryAfterSeconds: number;
}

/** One probe of the auth endpoint by the health indicator (cached results report nothing). */
export interface PerformChatProbeEvent {
  type: 'health.probed';
  up: boolean;
  /** Why it is down (`timeout`, `connection_refused`, ...). */
  reason?: string;
  statusCode?: number;
  latencyMs: number;
}

/** The module switched API keys (the `onKeyRotated` hook gets the same facts). */
export interface PerformChatKeyRotatedTelemetryEvent extends PerformChatKeyRotatedEvent {
  type: 'key.rotated';
}

/** PerformChat refused the current key, and the one extra attempt with the next key failed too. */
export interface PerformChatKeyRotationFailedEvent {
  type: 'key.rotation-failed';
  fromKeyId: string;
  /** The key that was tried. */
  candidateKeyId: string;
  /** How the trial ended (`INVALID_CREDENTIALS`: that key is refused too). */
  code: PerformChatErrorCode;
  /** The trial's error message (secret-free). */
  message: string;
}

/** The credentials provider threw, timed out or answered something that is not a key. */
export interface PerformChatCredentialsRefreshFailedEvent {
  type: 'credentials.refresh-failed';
  /** `boot`, `refresh` (the schedule) or `unauthorized` (after a 401). */
  trigger: 'boot' | 'refresh' | 'unauthorized';
  /** What went wrong, redacted of every secret the module knows. */
  reason: string;
}

/** A token generation waited for a slot of the spent upstream budget (reported when the wait ends, before it is sent). */
export interface PerformChatBudgetWaitedEvent {
  type: 'budget.waited';
  /** How long it waited, in ms (timers may fire a little late). */
  waitMs: number;
  /** How long it was to wait: at most `upstreamBudget.maxWaitMs`. */
  plannedMs: number;
  /** Its arrival number in the budget (across instances with Redis): slots follow ticket order. */
  ticket: number;
  /** When its slot starts (epoch ms, in the budget store's clock: Redis' with Redis). */
  slotAt: number;
  limit: number;
  windowSeconds: number;
}

/**
 * A token request was served without a generation of its own: `reused` (a stored token with at
 * least `tokenReuse.minRemaining` left) or `shared` (the generation of a concurrent request for
 * the same token, in this instance or, with a Redis token store, another one).
 */
export interface PerformChatTokenServedEvent {
  type: 'token.reused' | 'token.shared';
  agentId: string;
  /** Seconds of life the token has left. */
  remainingSeconds: number;
}

/**
 * A token issued before a revocation was found and not served: a stored one (`reused`, dropped)
 * or a generation that was in flight while the revocation ran (`generated`, generated again).
 */
export interface PerformChatTokenStaleEvent {
  type: 'token.stale';
  source: 'reused' | 'generated';
}

/** The token store stopped answering (tokens are generated, none reused) or answers again. */
export interface PerformChatTokenStoreEvent {
  type: 'token-store.down' | 'token-store.up';
  /** `host:port` of the store (never credentials). */
  where: string;
  /** Why it is down (a one-line reason, no keys or values). */
  reason?: string;
}
