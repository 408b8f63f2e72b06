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
  | PerformChatCredentialsRefreshFailedEvent;

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
   * `tokens`: the token generations per window; `api-requests`: the API requests per window;
   * `auth`: the failed authentications per window.
   */
  budget: 'tokens' | 'api-requests' | 'auth';
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
