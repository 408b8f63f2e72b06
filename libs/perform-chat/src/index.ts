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
