import type {
  PerformChatKeyRotatedEvent,
  PerformChatTokenIssuedEvent,
  PerformChatTokensInvalidatedEvent,
} from '../telemetry/perform-chat-events.interfaces';
import type {
  PerformChatCredentials,
  PerformChatCredentialsProvider,
  ResolvedCredentials,
} from './credentials.options';
import type { PerformChatUserIdResolver } from './resolve-user-id';
import type {
  PerformChatCircuitBreakerOptions,
  PerformChatRetryOptions,
  ResolvedPerformChatResilience,
} from './resilience.options';
import type {
  PerformChatRateLimitModuleOptions,
  PerformChatUpstreamBudgetOptions,
  ResolvedPerformChatRateLimit,
  ResolvedUpstreamBudget,
} from './rate-limit.options';
import type { PerformChatHealthOptions } from './health.options';
import type { PerformChatCustomerUserStoreOption } from './customer-user-store.options';
import type { PerformChatVerifyAgentsOptions, ResolvedVerifyAgents } from './verify-agents.options';
import type { PerformChatTokenReuseOptions, ResolvedTokenReuse } from './token-reuse.options';

/**
 * Options of `PerformChatModule.forRoot()` / `forRootAsync()`.
 * Validated when the application boots: a bad value stops the boot with a message naming
 * every bad field (never echoing the secret).
 */
export interface PerformChatModuleOptions {
  /**
   * API key id from the PerformChat dashboard (public; safe to log). Required unless
   * `credentials` gives the key. Env: `PERFORMCHAT_KEY_ID`.
   */
  keyId?: string;
  /**
   * API key secret (private: never logged, never sent to a browser). Required unless
   * `credentials` gives the key. Env: `PERFORMCHAT_KEY_SECRET`.
   */
  keySecret?: string;
  /**
   * The key from your secrets manager instead of `keyId`/`keySecret`: a function answering
   * `{ keyId, keySecret }` (it may be async). Called at boot (the app does not start without an
   * answer, bounded by `deadlineMs`), every `credentialsRefreshMs`, and after PerformChat
   * answers 401 (then the failed call is sent again once with the new key, if it is new).
   * Concurrent calls share one read; when it throws, the last good key stays and the failure
   * is logged without the secret.
   */
  credentials?: PerformChatCredentialsProvider;
  /**
   * How often `credentials` is read again, in milliseconds, from 1000 to 86400000 (1 day);
   * `false`: only at boot and after a 401. Only with `credentials`.
   * @default 600000 (10 minutes)
   */
  credentialsRefreshMs?: number | false;
  /**
   * The key (or keys, tried in order) to switch to without a restart: when PerformChat answers
   * 401 "Expired API key" or "Invalid API credentials" for the current key, the failed call is
   * sent once with the next key; if that works the module keeps using it (logged, reported to
   * `onKeyRotated` and as a `key.rotated` event). Never more than one extra authentication per
   * failure, and concurrent failures share one trial. Env: `PERFORMCHAT_NEXT_KEY_ID`,
   * `PERFORMCHAT_NEXT_KEY_SECRET`.
   */
  nextKey?: PerformChatCredentials | PerformChatCredentials[];
  /** Audit hook called after the module switched keys (`nextKey` or a new key from `credentials`); not awaited, errors logged. */
  onKeyRotated?: (event: PerformChatKeyRotatedEvent) => void | Promise<void>;
  /**
   * Base URL of the PerformChat API, http(s): the host, optionally with a path prefix, without
   * the `/rest/v1` the module adds, a query, a `#fragment` or credentials (refused at boot).
   * The docs show both `https://api.performchat.com` and `https://api.perform.chat`.
   * @default 'https://api.performchat.com'
   */
  baseUrl?: string;
  /**
   * Agent used when a token request names none. Without it, every request must name an agent.
   * Checked at boot like a requested `agentId` (at most 256 characters, no control characters).
   */
  defaultAgentId?: string;
  /** When set, only these agents can be requested; others are refused (403 on the route) before any call. */
  allowedAgentIds?: string[];
  /**
   * Token lifetime when a request names none, `<n>s|m|h|d`. PerformChat's own default is `24h`;
   * this library asks for less by default because the docs recommend `15m`–`1h`.
   * @default '1h'
   */
  defaultExpiresIn?: string;
  /** Policy cap on the lifetime a request may ask for, `<n>s|m|h|d`; above it → `INVALID_EXPIRES_IN` (400). */
  maxExpiresIn?: string;
  /**
   * Time limit for one HTTP attempt to PerformChat, from connect to the last byte, in milliseconds;
   * at most 300000 (5 minutes).
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Largest response body accepted from PerformChat, in bytes; larger → `INVALID_RESPONSE`.
   * @default 65536
   */
  maxResponseBytes?: number;
  /**
   * Retries of failed calls (connection errors, timeouts, 500/502/503/504, 429) with exponential
   * backoff and full jitter; a `Retry-After` is honoured when it fits in `deadlineMs`.
   * `false` = no retries.
   * @default { retries: 2, baseDelayMs: 100, maxDelayMs: 2000 }
   */
  retry?: PerformChatRetryOptions | false;
  /**
   * Longest time one call may take across all its attempts and waits, in milliseconds; at most
   * 600000 (10 minutes).
   * @default 10000
   */
  deadlineMs?: number;
  /**
   * After `failureThreshold` consecutive failed calls, calls fail at once with
   * `UPSTREAM_UNAVAILABLE` for `cooldownMs`, then one trial call decides. `false` disables.
   * @default { failureThreshold: 5, cooldownMs: 10000 }
   */
  circuitBreaker?: PerformChatCircuitBreakerOptions | false;
  /**
   * On shutdown (`app.close()`, or SIGTERM with `app.enableShutdownHooks()`), how long calls in
   * flight may go on before they are cut (`TIMEOUT`), in milliseconds, 0 to 600000. New calls are
   * refused and no retry starts once shutdown has begun. Env: `PERFORMCHAT_SHUTDOWN_GRACE_MS`.
   * @default 10000
   */
  shutdownGraceMs?: number;
  /**
   * Reads the logged-in user's id from the request (token routes and rate-limit guards).
   * Runs after your authentication guard. Return `undefined` when there is no user.
   * @default (req) => req.user?.id ?? req.user?.sub
   */
  resolveUserId?: PerformChatUserIdResolver;
  /**
   * Per-user limit of the token routes (and of any route with `PerformChatRateLimitGuard` but
   * no `@PerformChatRateLimit`), plus the store of every limit: `{ points, duration (seconds),
   * blockDuration (seconds), store: 'memory' | { redis, keyPrefix? } }`. `false`: no default
   * limit (decorated routes and the upstream budget still count, in memory).
   * @default { points: 10, duration: 60, blockDuration: 0, store: 'memory' }
   */
  rateLimit?: PerformChatRateLimitModuleOptions | false;
  /**
   * Key-wide budget in front of PerformChat, shared through `rateLimit.store`: token generations
   * per minute, and PerformChat 401s per 5 minutes after which calls stop until the window ends.
   * Refusals are `PerformChatError` `RATE_LIMITED` before any network call. `false`: no budget.
   * @default { tokensPerMinute: 100, authFailuresPer5Minutes: 10 }
   */
  upstreamBudget?: PerformChatUpstreamBudgetOptions | false;
  /**
   * `PerformChatHealthIndicator`: `{ timeoutMs }` (time limit of one probe, ms; default 1000),
   * `{ cacheTtlMs }` (how long a result, up or down, is reused, ms; default 5000; 0 = no
   * reuse), `{ breakerOpenIsDown }` (an open circuit breaker is down; default true) and
   * `{ notFoundIsDown }` (a 404 to the probe is down; default true). Env:
   * `PERFORMCHAT_HEALTH_TIMEOUT_MS`, `PERFORMCHAT_HEALTH_CACHE_TTL_MS`,
   * `PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN`, `PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN`.
   * @default { timeoutMs: 1000, cacheTtlMs: 5000, breakerOpenIsDown: true, notFoundIsDown: true }
   */
  health?: PerformChatHealthOptions;
  /**
   * Where the customer-user ids needed for invalidation are kept: `'memory'` (bounded LRU,
   * 100,000 records), `{ maxRecords }`, `{ redis, keyPrefix?, ttlSeconds? }`, or your own
   * `PerformChatCustomerUserStore` instance (build it in `useFactory` with your injected services).
   * @default 'memory'
   */
  customerUserStore?: PerformChatCustomerUserStoreOption;
  /**
   * Hand a user's live token out again instead of generating a new one, for a (user, agent,
   * lifetime[, session]) whose token has at least `minRemaining` left: `{ minRemaining?, store?,
   * resolveSessionId? }`. Tokens are kept encrypted (AES-256-GCM, a key derived from
   * `keySecret`); revocations stay exact. `false`: every request generates. See README
   * "Scaling past the vendor's limit". Env: `PERFORMCHAT_TOKEN_REUSE`, `PERFORMCHAT_TOKEN_REUSE_MIN_REMAINING`.
   * @default false
   */
  tokenReuse?: PerformChatTokenReuseOptions | false;
  /**
   * Concurrent requests in one instance for the same (user, agent, lifetime[, session]) share one
   * generation (double clicks, several tabs). With `tokenReuse` and a Redis token store, requests
   * on other instances wait for it too.
   * @default true
   */
  shareConcurrentGenerations?: boolean;
  /**
   * Audit hook called (and awaited) after every token handed out: generated, reused or shared
   * (its `source`). Errors it throws are logged and never fail the request. Never receives the
   * token or the secret.
   */
  onTokenIssued?: (event: PerformChatTokenIssuedEvent) => void | Promise<void>;
  /** Audit hook called (and awaited) after every successful invalidation. Errors are logged, never thrown. */
  onTokensInvalidated?: (event: PerformChatTokensInvalidatedEvent) => void | Promise<void>;
  /**
   * Check that `defaultAgentId` and every `allowedAgentIds` entry exists at PerformChat and is
   * active: at boot (an unknown or inactive agent fails it, naming the agent) and in the
   * readiness indicator's details. Costs one `GET /rest/v1/agents/:id` per agent, from the
   * API-request budget: once at boot, then at most once per `health.cacheTtlMs` while readiness
   * is probed. `true` = `{ atBoot: true, inReadiness: true }`. Needs `defaultAgentId` or
   * `allowedAgentIds`. Env: `PERFORMCHAT_VERIFY_AGENTS` (`true`/`false`).
   * @default false
   */
  verifyAgents?: boolean | PerformChatVerifyAgentsOptions;
}

/** Options after validation, with every default applied. Internal. */
export interface ResolvedPerformChatOptions extends Required<
  Omit<
    PerformChatModuleOptions,
    | 'keyId'
    | 'keySecret'
    | 'credentials'
    | 'credentialsRefreshMs'
    | 'nextKey'
    | 'onKeyRotated'
    | 'defaultAgentId'
    | 'allowedAgentIds'
    | 'maxExpiresIn'
    | 'onTokenIssued'
    | 'onTokensInvalidated'
    | 'rateLimit'
    | 'upstreamBudget'
    | 'retry'
    | 'deadlineMs'
    | 'circuitBreaker'
    | 'shutdownGraceMs'
    | 'verifyAgents'
    | 'tokenReuse'
    | 'shareConcurrentGenerations'
  >
> {
  /** The instance's name (the `name` extra; `default` without one). */
  name: string;
  /** The `keyId` option (public); unset with `credentials`. The key in use is the keyring's. */
  keyId?: string;
  /** Where the key comes from: `keyId`/`keySecret` or a provider, and the keys to rotate to. */
  credentials: ResolvedCredentials;
  resilience: ResolvedPerformChatResilience;
  onTokenIssued?: PerformChatModuleOptions['onTokenIssued'];
  onTokensInvalidated?: PerformChatModuleOptions['onTokensInvalidated'];
  defaultAgentId?: string;
  allowedAgentIds?: ReadonlySet<string>;
  maxExpiresIn?: string;
  health: Required<PerformChatHealthOptions>;
  rateLimit: ResolvedPerformChatRateLimit;
  upstreamBudget: ResolvedUpstreamBudget | false;
  verifyAgents: ResolvedVerifyAgents;
  /** `tokenReuse` and `shareConcurrentGenerations`, resolved together. */
  tokenReuse: ResolvedTokenReuse;
}
