import type { PerformChatDuration } from './duration';
import { PerformChatModuleOptions } from './perform-chat-options.interface';

/** Anything that reads configuration values by name: `process.env`, or `@nestjs/config`'s `ConfigService`. */
export type PerformChatConfigSource = Record<string, string | undefined> | { get(key: string): unknown };

/** The environment variables {@link performChatConfig} reads, by option. */
export const PERFORMCHAT_ENV = {
  keyId: 'PERFORMCHAT_KEY_ID',
  keySecret: 'PERFORMCHAT_KEY_SECRET',
  /** The key to switch to when PerformChat says the current one expired or is invalid (both or neither). */
  nextKeyId: 'PERFORMCHAT_NEXT_KEY_ID',
  nextKeySecret: 'PERFORMCHAT_NEXT_KEY_SECRET',
  baseUrl: 'PERFORMCHAT_BASE_URL',
  defaultAgentId: 'PERFORMCHAT_DEFAULT_AGENT_ID',
  allowedAgentIds: 'PERFORMCHAT_ALLOWED_AGENT_IDS',
  defaultExpiresIn: 'PERFORMCHAT_DEFAULT_EXPIRES_IN',
  maxExpiresIn: 'PERFORMCHAT_MAX_EXPIRES_IN',
  timeoutMs: 'PERFORMCHAT_TIMEOUT_MS',
  maxResponseBytes: 'PERFORMCHAT_MAX_RESPONSE_BYTES',
  'health.timeoutMs': 'PERFORMCHAT_HEALTH_TIMEOUT_MS',
  'health.cacheTtlMs': 'PERFORMCHAT_HEALTH_CACHE_TTL_MS',
  /** `true`/`false` (or `1`/`0`). */
  'health.breakerOpenIsDown': 'PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN',
  /** `true`/`false` (or `1`/`0`). */
  'health.notFoundIsDown': 'PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN',
  /** `0` disables retries. */
  'retry.retries': 'PERFORMCHAT_RETRIES',
  deadlineMs: 'PERFORMCHAT_DEADLINE_MS',
  /** `0` disables the circuit breaker. */
  'circuitBreaker.failureThreshold': 'PERFORMCHAT_CIRCUIT_BREAKER_THRESHOLD',
  'circuitBreaker.cooldownMs': 'PERFORMCHAT_CIRCUIT_BREAKER_COOLDOWN_MS',
  /** How long shutdown waits for calls in flight, ms. */
  shutdownGraceMs: 'PERFORMCHAT_SHUTDOWN_GRACE_MS',
  /** Per-user limit of the token routes; `0` disables it. */
  'rateLimit.points': 'PERFORMCHAT_RATE_LIMIT_POINTS',
  /** Its window: seconds, or `<n>s|m|h|d` (`1m`). */
  'rateLimit.duration': 'PERFORMCHAT_RATE_LIMIT_DURATION',
  /** `true`/`false` (or `1`/`0`): check the configured agents at boot and in readiness. */
  verifyAgents: 'PERFORMCHAT_VERIFY_AGENTS',
  /**
   * A `redis://` URL (`redis+cluster://host:port,host:port` for a Redis Cluster): rate limits, the
   * upstream budget and customer users are then kept in Redis.
   */
  redisUrl: 'PERFORMCHAT_REDIS_URL',
  /** With `PERFORMCHAT_REDIS_URL`: prefix of the rate-limit and budget keys (default `performchat:rl`). */
  'rateLimit.store.keyPrefix': 'PERFORMCHAT_RATE_LIMIT_KEY_PREFIX',
  /** With `PERFORMCHAT_REDIS_URL`: prefix of the customer-user keys (default `performchat:cu`). */
  'customerUserStore.keyPrefix': 'PERFORMCHAT_CUSTOMER_USER_KEY_PREFIX',
  /** With `PERFORMCHAT_REDIS_URL`: lifetime of a user's customer-user records in seconds (default: the longest token lifetime). */
  'customerUserStore.ttlSeconds': 'PERFORMCHAT_CUSTOMER_USER_TTL_SECONDS',
  /** `true`/`false` (or `1`/`0`): `tokenReuse` on (`{}`) or off. */
  tokenReuse: 'PERFORMCHAT_TOKEN_REUSE',
  /** `<n>s|m|h|d`, with `PERFORMCHAT_TOKEN_REUSE=true`. */
  'tokenReuse.minRemaining': 'PERFORMCHAT_TOKEN_REUSE_MIN_REMAINING',
} as const;

function reader(source: PerformChatConfigSource): (name: string) => string | undefined {
  const get =
    typeof (source as { get?: unknown }).get === 'function'
      ? (name: string) => (source as { get(key: string): unknown }).get(name)
      : (name: string) => (source as Record<string, unknown>)[name];
  return (name) => {
    const value = get(name);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value);
  };
}

/** A number from text; anything unreadable becomes NaN so option validation names the field. */
function toNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** `true`/`1` and `false`/`0` (any case); anything else is kept as text so option validation names the field. */
function toBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const word = text.trim().toLowerCase();
  if (word === 'true' || word === '1') return true;
  if (word === 'false' || word === '0') return false;
  return text as unknown as boolean;
}

/** `health` from its variables, or undefined when none is set. */
function healthConfig(read: (name: string) => string | undefined): PerformChatModuleOptions['health'] {
  const health = {
    timeoutMs: toNumber(read(PERFORMCHAT_ENV['health.timeoutMs'])),
    cacheTtlMs: toNumber(read(PERFORMCHAT_ENV['health.cacheTtlMs'])),
    breakerOpenIsDown: toBoolean(read(PERFORMCHAT_ENV['health.breakerOpenIsDown'])),
    notFoundIsDown: toBoolean(read(PERFORMCHAT_ENV['health.notFoundIsDown'])),
  };
  const set = Object.entries(health).filter(([, value]) => value !== undefined);
  return set.length ? (Object.fromEntries(set) as PerformChatModuleOptions['health']) : undefined;
}

/** `circuitBreaker` from its variables: threshold `0` means `false` (disabled). */
function circuitBreakerConfig(read: (name: string) => string | undefined): PerformChatModuleOptions['circuitBreaker'] {
  const failureThreshold = toNumber(read(PERFORMCHAT_ENV['circuitBreaker.failureThreshold']));
  const cooldownMs = toNumber(read(PERFORMCHAT_ENV['circuitBreaker.cooldownMs']));
  if (failureThreshold === 0) return false;
  if (failureThreshold === undefined && cooldownMs === undefined) return undefined;
  return {
    ...(failureThreshold === undefined ? {} : { failureThreshold }),
    ...(cooldownMs === undefined ? {} : { cooldownMs }),
  };
}

/** The Redis store of `rateLimit`, from the URL and its key prefix variable. */
function rateLimitStoreConfig(read: (name: string) => string | undefined, redisUrl: string | undefined) {
  if (redisUrl === undefined) return undefined;
  const keyPrefix = read(PERFORMCHAT_ENV['rateLimit.store.keyPrefix']);
  return { redis: redisUrl, ...(keyPrefix === undefined ? {} : { keyPrefix }) };
}

/** The Redis `customerUserStore`, from the URL and its variables; without the URL the memory default. */
function customerUserStoreConfig(
  read: (name: string) => string | undefined,
  redisUrl: string | undefined,
): PerformChatModuleOptions['customerUserStore'] {
  if (redisUrl === undefined) return undefined;
  const keyPrefix = read(PERFORMCHAT_ENV['customerUserStore.keyPrefix']);
  const ttlSeconds = toNumber(read(PERFORMCHAT_ENV['customerUserStore.ttlSeconds']));
  return {
    redis: redisUrl,
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  };
}

/** `rateLimit` from its variables and the Redis URL: points `0` means `false` (no default limit). */
function rateLimitConfig(
  read: (name: string) => string | undefined,
  redisUrl: string | undefined,
): PerformChatModuleOptions['rateLimit'] {
  const points = toNumber(read(PERFORMCHAT_ENV['rateLimit.points']));
  const durationText = read(PERFORMCHAT_ENV['rateLimit.duration']);
  // A unit (`1m`) is kept as text for the duration row; a bare number is seconds, as before.
  const duration =
    durationText === undefined
      ? undefined
      : /[smhd]$/.test(durationText)
        ? (durationText as PerformChatDuration)
        : Number(durationText);
  if (points === 0) return false;
  const limit = {
    ...(points === undefined ? {} : { points }),
    ...(duration === undefined ? {} : { duration }),
    ...(redisUrl === undefined ? {} : { store: rateLimitStoreConfig(read, redisUrl) }),
  };
  return Object.keys(limit).length ? limit : undefined;
}

/** `nextKey` from its two variables; one without the other is passed on so validation names the missing one. */
function nextKeyConfig(read: (name: string) => string | undefined): PerformChatModuleOptions['nextKey'] {
  const keyId = read(PERFORMCHAT_ENV.nextKeyId);
  const keySecret = read(PERFORMCHAT_ENV.nextKeySecret);
  if (keyId === undefined && keySecret === undefined) return undefined;
  return { keyId, keySecret } as PerformChatModuleOptions['nextKey'];
}

/** `tokenReuse` from its variables: `false`, `{ minRemaining? }`, or undefined when unset. */
function tokenReuseConfig(read: (name: string) => string | undefined): PerformChatModuleOptions['tokenReuse'] {
  const enabled = toBoolean(read(PERFORMCHAT_ENV.tokenReuse));
  if (enabled === undefined || enabled === false) return enabled;
  // Anything but true/false is kept as is, so the validation names the option.
  if (enabled !== true) return enabled as never;
  const minRemaining = read(PERFORMCHAT_ENV['tokenReuse.minRemaining']);
  return minRemaining === undefined ? {} : { minRemaining };
}

/**
 * Builds module options from `PERFORMCHAT_*` variables (see `.env.example`), from
 * `process.env` by default or from a `ConfigService`:
 *
 * ```ts
 * PerformChatModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => performChatConfig(config),
 * })
 * ```
 * Unset variables leave the option at its default; the module validates the result at boot.
 */
export function performChatConfig(source: PerformChatConfigSource = process.env): PerformChatModuleOptions {
  const read = reader(source);
  const allowed = read(PERFORMCHAT_ENV.allowedAgentIds);
  const redisUrl = read(PERFORMCHAT_ENV.redisUrl);
  const options: PerformChatModuleOptions = {
    keyId: read(PERFORMCHAT_ENV.keyId) as string,
    keySecret: read(PERFORMCHAT_ENV.keySecret) as string,
    nextKey: nextKeyConfig(read),
    baseUrl: read(PERFORMCHAT_ENV.baseUrl),
    defaultAgentId: read(PERFORMCHAT_ENV.defaultAgentId),
    allowedAgentIds: allowed
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    defaultExpiresIn: read(PERFORMCHAT_ENV.defaultExpiresIn),
    maxExpiresIn: read(PERFORMCHAT_ENV.maxExpiresIn),
    timeoutMs: toNumber(read(PERFORMCHAT_ENV.timeoutMs)),
    maxResponseBytes: toNumber(read(PERFORMCHAT_ENV.maxResponseBytes)),
    health: healthConfig(read),
    retry: ((retries) => (retries === undefined ? undefined : { retries }))(
      toNumber(read(PERFORMCHAT_ENV['retry.retries'])),
    ),
    deadlineMs: toNumber(read(PERFORMCHAT_ENV.deadlineMs)),
    circuitBreaker: circuitBreakerConfig(read),
    shutdownGraceMs: toNumber(read(PERFORMCHAT_ENV.shutdownGraceMs)),
    rateLimit: rateLimitConfig(read, redisUrl),
    customerUserStore: customerUserStoreConfig(read, redisUrl),
    verifyAgents: toBoolean(read(PERFORMCHAT_ENV.verifyAgents)),
    tokenReuse: tokenReuseConfig(read),
  };
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as unknown as PerformChatModuleOptions;
}
