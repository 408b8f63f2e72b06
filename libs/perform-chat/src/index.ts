// The public entry of nestjs-performchat: what an app uses, and every type that appears in a
// public signature. Defaults are documented on the option fields, not exported; internals
// (the HTTP client, limiters, the budget, providers) stay inside.

// Module and options
export { PerformChatModule } from './perform-chat.module';
export type {
  PerformChatAsyncModuleOptions,
  PerformChatControllerExtra,
  PerformChatModuleExtras,
} from './perform-chat.module-definition';
export type { PerformChatModuleOptions } from './options/perform-chat-options.interface';
export { PerformChatOptionsError } from './options/perform-chat-options.error';
export { validatePerformChatOptions } from './options/perform-chat-options.validation';
export { performChatConfig, PERFORMCHAT_ENV } from './options/perform-chat.config';
export type { PerformChatConfigSource } from './options/perform-chat.config';
export { parseExpiresIn } from './options/expires-in';
export type { PerformChatUserIdResolver } from './options/resolve-user-id';
export type { PerformChatRedisSource } from './options/redis-source';
export type { PerformChatRetryOptions, PerformChatCircuitBreakerOptions } from './options/resilience.options';
export type { PerformChatDuration } from './options/duration';
export type {
  PerformChatRateLimitBehaviour,
  PerformChatResolvable,
  PerformChatSkipIf,
  PerformChatTracker,
  PerformChatRateLimitModuleOptions,
  PerformChatRateLimitOptions,
  PerformChatRateLimitStoreOption,
  PerformChatRedisRateLimitStore,
  PerformChatUpstreamBudgetOptions,
} from './options/rate-limit.options';
export type { PerformChatHealthOptions } from './options/health.options';
export type {
  PerformChatCustomerUserStoreOption,
  MemoryCustomerUserStoreOption,
  RedisCustomerUserStoreOption,
} from './options/customer-user-store.options';
export type {
  PerformChatKeyRotatedEvent,
  PerformChatTokenIssuedEvent,
  PerformChatTokensInvalidatedEvent,
} from './telemetry/perform-chat-events.interfaces';

// Observability: diagnostics channels (README "Observability"); nestjs-performchat/otel subscribes to them
export {
  PERFORM_CHAT_CHANNEL_PREFIX,
  PERFORM_CHAT_EVENT_TYPES,
  PERFORM_CHAT_STATE_CHANNEL,
  PerformChatTracingChannels,
  performChatChannelName,
} from './telemetry/perform-chat-channels';
export type {
  PerformChatBudgetState,
  PerformChatChannelMessage,
  PerformChatEventType,
  PerformChatInstanceState,
  PerformChatOperationContext,
  PerformChatStateQuery,
  PerformChatTokenIssueContext,
  PerformChatTokensInvalidateContext,
  PerformChatUpstreamAttemptContext,
} from './telemetry/perform-chat-channels';
export type * from './telemetry/perform-chat-telemetry.events';
export type { PerformChatCredentials, PerformChatCredentialsProvider } from './options/credentials.options';
export type {
  PerformChatTokenReuseOptions,
  PerformChatTokenStoreOption,
  MemoryTokenStoreOption,
  RedisTokenStoreOption,
  PerformChatSessionIdResolver,
} from './options/token-reuse.options';

// Several instances: the service and health indicators of a named instance
export {
  getPerformChatHealthIndicatorToken,
  getPerformChatRedisHealthIndicatorToken,
  getPerformChatServiceToken,
  getPerformChatToken,
} from './instances/perform-chat-instance.tokens';
export {
  InjectPerformChat,
  InjectPerformChatHealthIndicator,
  InjectPerformChatRedisHealthIndicator,
} from './instances/perform-chat-instance.decorators';

// The service
export { PerformChatAuthService } from './auth/perform-chat-auth.service';
export type {
  GenerateTokenRequest,
  InvalidateAllOptions,
  InvalidateAllSummary,
  InvalidateUsersOptions,
  UserInvalidationResult,
} from './auth/perform-chat-token.interfaces';
export type {
  PerformChatAgent,
  PerformChatApiKeyInfo,
  PerformChatCustomerUser,
  PerformChatInvalidation,
  PerformChatToken,
} from './client/resources/auth.interfaces';
export type { PerformChatCircuitBreakerState } from './client/perform-chat-resilience.interfaces';
export type { PerformChatRevokeResponse, PerformChatTokenResponse } from './auth/perform-chat-token.controller';
export { PerformChatTokenRouteErrorCode } from './auth/token-route.errors';

// The agents, customer-users and conversations APIs (answers in camelCase, times as Date)
export { PerformChatAgentsService } from './rest/perform-chat-agents.service';
export { PerformChatCustomerUsersService } from './rest/perform-chat-customer-users.service';
export { PerformChatConversationsService } from './rest/perform-chat-conversations.service';
export type { PerformChatIterateOptions, PerformChatUpdateOptions } from './rest/rest.interfaces';
export type { PerformChatAgentReport, PerformChatAgentStatus } from './rest/perform-chat-agent-check';
export type { PerformChatVerifyAgentsOptions } from './options/verify-agents.options';
export type {
  PerformChatAgentDetails,
  PerformChatAgentSummary,
  PerformChatConversation,
  PerformChatCustomerUserChanges,
  PerformChatCustomerUserFilter,
  PerformChatCustomerUserProfile,
  PerformChatCustomerUserQuery,
  PerformChatMessage,
  PerformChatMessagePage,
  PerformChatMessageRole,
  PerformChatPage,
  PerformChatPageQuery,
  PerformChatPagination,
  PerformChatUpdatedCustomerUser,
} from './client/resources/rest.interfaces';

// Errors
export { PerformChatError, isPerformChatError } from './errors/perform-chat.error';
export type { PerformChatErrorDetails } from './errors/perform-chat.error';
export { PerformChatErrorCode } from './errors/perform-chat-error-code';
export { PerformChatExceptionFilter } from './errors/perform-chat-exception.filter';
export { PerformChatErrorInterceptor } from './errors/perform-chat-error.interceptor';
export { toPerformChatHttpError } from './errors/perform-chat-error.http';
export type { PerformChatHttpError } from './errors/perform-chat-error.http';

// Health
export { PerformChatHealthIndicator } from './health/perform-chat-health.indicator';
export { PerformChatRedisHealthIndicator } from './health/perform-chat-redis-health.indicator';
export type {
  PerformChatHealthDownDetails,
  PerformChatHealthDownReason,
  PerformChatHealthUpDetails,
  PerformChatRedisHealthCheckOptions,
} from './health/perform-chat-health.interfaces';

// Customer-user stores
export { PerformChatCustomerUserStore } from './customer-users/perform-chat-customer-user.store';
export type { PerformChatCustomerUserRecord } from './customer-users/perform-chat-customer-user.store';
export { MemoryCustomerUserStore } from './customer-users/memory-customer-user.store';
export { RedisCustomerUserStore } from './customer-users/redis-customer-user.store';
export type { RedisCustomerUserStoreOptions } from './customer-users/redis-customer-user.store';

// Rate limits
export { PerformChatRateLimitGuard } from './rate-limit/perform-chat-rate-limit.guard';
export { PerformChatRateLimit, SkipPerformChatRateLimit } from './rate-limit/perform-chat-rate-limit.decorator';
export { PerformChatRateLimitException } from './rate-limit/perform-chat-rate-limit.exception';
export type { PerformChatRateLimitBody } from './rate-limit/perform-chat-rate-limit.exception';
export type { PerformChatRateLimitDetails } from './rate-limit/rate-limit-refusal';

// Log lines: the object every line passes to Nest's Logger (README "Log lines"), for log processors
export type {
  PerformChatLogEntry,
  PerformChatLogEvent,
  PerformChatLogValue,
} from './telemetry/perform-chat-log.listener';
