import { Provider } from '@nestjs/common';
import { PerformChatAuthService } from './auth/perform-chat-auth.service';
import { PerformChatHttpClient } from './client/perform-chat.client';
import { PerformChatResilience } from './client/perform-chat-resilience';
import { PerformChatShutdown } from './client/perform-chat-shutdown';
import { PerformChatUpstreamBudget } from './client/upstream-budget';
import { createCustomerUserStore } from './customer-users/customer-user-store.factory';
import { PerformChatCustomerUserStore } from './customer-users/perform-chat-customer-user.store';
import { PerformChatExceptionFilter } from './errors/perform-chat-exception.filter';
import { PERFORM_CHAT_HEALTH_DETAILS } from './health/perform-chat-health.constants';
import { PerformChatHealthIndicator } from './health/perform-chat-health.indicator';
import { PERFORM_CHAT_HEALTH_PROVIDERS } from './health/perform-chat-health.providers';
import { PerformChatRedisHealthIndicator } from './health/perform-chat-redis-health.indicator';
import { PerformChatModuleOptions, ResolvedPerformChatOptions } from './options/perform-chat-options.interface';
import { PERFORM_CHAT_REQUEST_SLICE, performChatSlices, sliceOf } from './options/perform-chat-options.slices';
import { resolvePerformChatOptions } from './options/perform-chat-options.validation';
import { PERFORM_CHAT_OPTIONS } from './perform-chat.constants';
import { PERFORM_CHAT_MODULE_OPTIONS } from './perform-chat.module-definition';
import { PerformChatRateLimitGuard } from './rate-limit/perform-chat-rate-limit.guard';
import { PerformChatRateLimitStore } from './rate-limit/perform-chat-rate-limit.store';
import { PerformChatRedisConnections } from './redis/perform-chat-redis.connections';
import { PERFORM_CHAT_REST_PROVIDERS, PERFORM_CHAT_REST_SERVICES } from './rest/perform-chat-rest.providers';
import { PerformChatTelemetry } from './telemetry/perform-chat-telemetry';
import { PerformChatUserShare } from './rate-limit/perform-chat-user-share';
import { PerformChatTokenReuse } from './token-reuse/perform-chat-token-reuse';
import { PerformChatTokenSealer } from './token-reuse/token-sealer';

/**
 * The object graph of one PerformChat module instance: its options, validated once, the slice
 * each service reads, and the services themselves. Every service depends on slices and on
 * other services of the same instance only, so a second instance is a second call of this
 * function with other tokens.
 *
 *   options → slices → telemetry (the log is its first listener) → shutdown, resilience (breaker), rate-limit store → budget → client
 *           → user share, token sealer → token reuse → customer-user store → auth service; health probe and indicators; the guard
 */
export function performChatInstanceProviders(): Provider[] {
  return [
    {
      provide: PERFORM_CHAT_OPTIONS,
      useFactory: (options: PerformChatModuleOptions) => resolvePerformChatOptions(options),
      inject: [PERFORM_CHAT_MODULE_OPTIONS],
    },
    ...performChatSlices().map(([token, keys]) => ({
      provide: token,
      useFactory: (options: ResolvedPerformChatOptions) => sliceOf(options, keys),
      inject: [PERFORM_CHAT_OPTIONS],
    })),
    PerformChatTelemetry,
    PerformChatShutdown,
    PerformChatResilience,
    // The health indicator shows the circuit breaker's state.
    { provide: PERFORM_CHAT_HEALTH_DETAILS, useExisting: PerformChatResilience },
    PerformChatRedisConnections,
    PerformChatRateLimitStore,
    PerformChatUpstreamBudget,
    PerformChatHttpClient,
    PerformChatUserShare,
    // The token store's keys are derived from the secret here: no slice but the client's holds it.
    {
      provide: PerformChatTokenSealer,
      useFactory: (options: ResolvedPerformChatOptions) => new PerformChatTokenSealer(options.keyId, options.keySecret),
      inject: [PERFORM_CHAT_OPTIONS],
    },
    PerformChatTokenReuse,
    {
      provide: PerformChatCustomerUserStore,
      useFactory: (options: ResolvedPerformChatOptions, redis: PerformChatRedisConnections) =>
        createCustomerUserStore(options.customerUserStore, redis),
      inject: [PERFORM_CHAT_OPTIONS, PerformChatRedisConnections],
    },
    PerformChatAuthService,
    ...PERFORM_CHAT_REST_PROVIDERS,
    PerformChatExceptionFilter,
    ...PERFORM_CHAT_HEALTH_PROVIDERS,
    PerformChatRateLimitGuard,
  ];
}

/** What an instance exports to the app's modules. */
export const PERFORM_CHAT_EXPORTS = [
  PerformChatAuthService,
  ...PERFORM_CHAT_REST_SERVICES,
  PerformChatCustomerUserStore,
  PerformChatExceptionFilter,
  PerformChatHealthIndicator,
  PerformChatRedisHealthIndicator,
  // PerformChatRateLimitGuard and what it injects, so `@UseGuards(PerformChatRateLimitGuard)` works in your modules.
  PerformChatRateLimitGuard,
  PerformChatRateLimitStore,
  PERFORM_CHAT_REQUEST_SLICE,
  PerformChatTelemetry,
  PERFORM_CHAT_OPTIONS,
];
