/** `code` of the 429 body the guard sends. */
export const USER_RATE_LIMITED = 'USER_RATE_LIMITED';

/** `code` of a GraphQL or WebSocket refusal of the guard (`extensions.code`, or the `exception` event's). */
export const TRANSPORT_RATE_LIMITED = 'RATE_LIMITED';

/** Response headers of guarded routes (the names @nestjs/throttler users know). */
export const RATE_LIMIT_HEADERS = Object.freeze({
  /** Requests allowed per window. */
  limit: 'X-RateLimit-Limit',
  /** Requests left in the current window. */
  remaining: 'X-RateLimit-Remaining',
  /** Whole seconds (rounded up) until the window, or the block, ends. A named limit's headers end with `-<name>`. */
  reset: 'X-RateLimit-Reset',
  /** On a 429 only: whole seconds (rounded up, at least 1) before trying again. */
  retryAfter: 'Retry-After',
});

/** Metadata keys of the decorators (internal). */
export const PERFORM_CHAT_RATE_LIMIT_METADATA = 'performchat:rate-limit';
export const PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA = 'performchat:skip-rate-limit';

/**
 * Internal: the counter a route without `@PerformChatRateLimit` counts on, so several routes
 * share the module's default limit (GET and POST of the token route are one budget).
 */
export const PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA = 'performchat:rate-limit-counter';
