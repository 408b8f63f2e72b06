// The public entry of nestjs-performchat: everything a user may import, and nothing else.
export { PerformChatModule } from './perform-chat.module';
export {
  PERFORM_CHAT_MODULE_OPTIONS,
  PERFORM_CHAT_OPTIONS_TYPE,
  PERFORM_CHAT_ASYNC_OPTIONS_TYPE,
  DEFAULT_CONTROLLER_PATH,
} from './perform-chat.module-definition';
export type { PerformChatModuleExtras, PerformChatControllerExtra } from './perform-chat.module-definition';
export type { PerformChatModuleOptions } from './options/perform-chat-options.interface';
export { PerformChatOptionsError, validatePerformChatOptions } from './options/perform-chat-options.validation';
export {
  DEFAULT_BASE_URL,
  DEFAULT_EXPIRES_IN,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './options/perform-chat-options.defaults';
export { PerformChatAuthService } from './auth/perform-chat-auth.service';
export type {
  GenerateTokenRequest,
  PerformChatToken,
  PerformChatCustomerUser,
  PerformChatAgent,
  PerformChatApiKeyInfo,
  PerformChatInvalidation,
} from './auth/perform-chat-token.interfaces';
export { parseExpiresIn, EXPIRES_IN_CEILING_SECONDS } from './auth/expires-in';
export { MAX_IDENTIFIER_LENGTH } from './auth/identifier';
export { PerformChatError, isPerformChatError } from './errors/perform-chat.error';
export type { PerformChatErrorDetails } from './errors/perform-chat.error';
export { PerformChatErrorCode } from './errors/perform-chat-error-code';
export { performChatConfig, PERFORMCHAT_ENV } from './options/perform-chat.config';
export type { PerformChatConfigSource } from './options/perform-chat.config';
export { defaultResolveUserId } from './auth/resolve-user-id';
export type { PerformChatUserIdResolver } from './auth/resolve-user-id';
export type { PerformChatRedisSource } from './redis/perform-chat-redis.connections';
export { PerformChatHealthIndicator } from './health/perform-chat-health.indicator';
export { PerformChatRedisHealthIndicator } from './health/perform-chat-redis-health.indicator';
export type { PerformChatRedisPingFailure } from './health/perform-chat-redis-health.indicator';
export { PERFORM_CHAT_HEALTH_KEY, PERFORM_CHAT_REDIS_HEALTH_KEY } from './health/perform-chat-health.constants';
export type {
  PerformChatHealthOptions,
  PerformChatRedisHealthCheckOptions,
  PerformChatHealthDownReason,
  PerformChatHealthUpDetails,
  PerformChatHealthDownDetails,
} from './health/perform-chat-health.interfaces';
export { DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_HEALTH_CACHE_TTL_MS } from './options/perform-chat-options.defaults';
export type {
  InvalidateUsersOptions,
  UserInvalidationResult,
  InvalidateAllOptions,
  InvalidateAllSummary,
} from './auth/perform-chat-token.interfaces';
export type { PerformChatTokenIssuedEvent, PerformChatTokensInvalidatedEvent } from './auth/perform-chat-events.interfaces';
export { PerformChatTokenController } from './auth/perform-chat-token.controller';
export type { PerformChatTokenResponse, PerformChatRevokeResponse } from './auth/perform-chat-token.controller';
export { TokenRequestDto } from './auth/dto/token-request.dto';
export { PerformChatExceptionFilter } from './errors/perform-chat-exception.filter';
export { PerformChatErrorInterceptor } from './errors/perform-chat-error.interceptor';
export { toPerformChatHttpError, DEFAULT_RETRY_AFTER_SECONDS } from './errors/perform-chat-error.http';
export type { PerformChatHttpError } from './errors/perform-chat-error.http';
export { PerformChatCustomerUserStore } from './customer-users/perform-chat-customer-user.store';
export type { PerformChatCustomerUserRecord } from './customer-users/perform-chat-customer-user.store';
export { MemoryCustomerUserStore, DEFAULT_MEMORY_STORE_MAX_RECORDS } from './customer-users/memory-customer-user.store';
export { RedisCustomerUserStore, DEFAULT_REDIS_CUSTOMER_USER_PREFIX } from './customer-users/redis-customer-user.store';
export type { RedisCustomerUserStoreOptions } from './customer-users/redis-customer-user.store';
export type {
  PerformChatCustomerUserStoreOption,
  MemoryCustomerUserStoreOption,
  RedisCustomerUserStoreOption,
} from './customer-users/customer-user-store.options';
export { PerformChatRateLimitGuard } from './rate-limit/perform-chat-rate-limit.guard';
export { PerformChatRateLimit, SkipPerformChatRateLimit } from './rate-limit/perform-chat-rate-limit.decorator';
export { PerformChatRateLimitException } from './rate-limit/perform-chat-rate-limit.exception';
export type { PerformChatRateLimitBody } from './rate-limit/perform-chat-rate-limit.exception';
export { PerformChatRateLimitStore } from './rate-limit/perform-chat-rate-limit.store';
export type { PerformChatLimiterSpec } from './rate-limit/perform-chat-rate-limit.store';
export { PerformChatLimiter } from './rate-limit/perform-chat-limiter';
export type { RateLimitVerdict } from './rate-limit/perform-chat-limiter';
export { PerformChatUpstreamBudget } from './rate-limit/perform-chat-upstream-budget';
export type { PerformChatUpstreamOperation, PerformChatUpstreamPermit } from './rate-limit/perform-chat-upstream-budget';
export {
  DEFAULT_RATE_LIMIT_POINTS,
  DEFAULT_RATE_LIMIT_DURATION,
  DEFAULT_RATE_LIMIT_BLOCK_DURATION,
  DEFAULT_RATE_LIMIT_KEY_PREFIX,
  DEFAULT_UPSTREAM_TOKENS_PER_MINUTE,
  DEFAULT_UPSTREAM_AUTH_FAILURES_PER_5_MINUTES,
  DEFAULT_UPSTREAM_TOKEN_WINDOW_SECONDS,
  DEFAULT_UPSTREAM_AUTH_FAILURE_WINDOW_SECONDS,
  RATE_LIMIT_HEADERS,
  USER_RATE_LIMITED,
} from './rate-limit/perform-chat-rate-limit.constants';
export type {
  PerformChatRateLimitOptions,
  PerformChatRateLimitModuleOptions,
  PerformChatRateLimitStoreOption,
  PerformChatRedisRateLimitStore,
  PerformChatUpstreamBudgetOptions,
  ResolvedRateLimit,
} from './rate-limit/perform-chat-rate-limit.interfaces';
export type {
  PerformChatRetryOptions,
  PerformChatCircuitBreakerOptions,
  PerformChatCircuitBreakerState,
} from './http/perform-chat-resilience.interfaces';
export {
  DEFAULT_RETRIES,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
  DEFAULT_BREAKER_COOLDOWN_MS,
} from './options/perform-chat-options.defaults';
