import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { PerformChatAuthService } from './auth/perform-chat-auth.service';
import { PerformChatHealthIndicator } from './health/perform-chat-health.indicator';
import { PERFORM_CHAT_HEALTH_PROVIDERS } from './health/perform-chat-health.providers';
import { PerformChatRedisHealthIndicator } from './health/perform-chat-redis-health.indicator';
import { PerformChatHttpClient } from './client/perform-chat.client';
import { PerformChatResilience } from './client/perform-chat-resilience';
import { PerformChatShutdown } from './client/perform-chat-shutdown';
import { PERFORM_CHAT_HEALTH_DETAILS } from './health/perform-chat-health.constants';
import { PerformChatModuleOptions, ResolvedPerformChatOptions } from './options/perform-chat-options.interface';
import { resolvePerformChatOptions } from './options/perform-chat-options.validation';
import { PERFORM_CHAT_OPTIONS } from './perform-chat.constants';
import { PERFORM_CHAT_MODULE_OPTIONS, PerformChatConfigurableModule } from './perform-chat.module-definition';
import { PerformChatRedisConnections } from './redis/perform-chat-redis.connections';
import { createCustomerUserStore } from './customer-users/customer-user-store.factory';
import { PerformChatCustomerUserStore } from './customer-users/perform-chat-customer-user.store';
import { PerformChatExceptionFilter } from './errors/perform-chat-exception.filter';
import { PerformChatRateLimitGuard } from './rate-limit/perform-chat-rate-limit.guard';
import { PerformChatRateLimitStore } from './rate-limit/perform-chat-rate-limit.store';
import { PerformChatUpstreamBudget } from './client/upstream-budget';

/**
 * `PerformChatModule.forRoot(options)` or `PerformChatModule.forRootAsync({ imports, inject,
 * useFactory | useClass | useExisting, isGlobal?, controller? })`.
 *
 * The options are validated when the application boots. The module keeps its own axios
 * instance (HttpModule) so your app's HttpService settings never touch PerformChat calls.
 */
@Module({
  // A private axios instance; PerformChatHttpClient sets every request's config (no redirects, limits, agents).
  imports: [HttpModule.register({})],
  providers: [
    {
      provide: PERFORM_CHAT_OPTIONS,
      useFactory: (options: PerformChatModuleOptions) => resolvePerformChatOptions(options),
      inject: [PERFORM_CHAT_MODULE_OPTIONS],
    },
    PerformChatShutdown,
    PerformChatResilience,
    // The health indicator shows the circuit breaker's state.
    { provide: PERFORM_CHAT_HEALTH_DETAILS, useExisting: PerformChatResilience },
    PerformChatHttpClient,
    PerformChatRedisConnections,
    {
      provide: PerformChatCustomerUserStore,
      useFactory: (options: ResolvedPerformChatOptions, redis: PerformChatRedisConnections) =>
        createCustomerUserStore(options.customerUserStore, redis),
      inject: [PERFORM_CHAT_OPTIONS, PerformChatRedisConnections],
    },
    PerformChatAuthService,
    PerformChatExceptionFilter,
    ...PERFORM_CHAT_HEALTH_PROVIDERS,
    PerformChatRateLimitStore,
    PerformChatUpstreamBudget,
    PerformChatRateLimitGuard,
  ],
  exports: [
    PerformChatAuthService,
    PerformChatCustomerUserStore,
    PerformChatExceptionFilter,
    PerformChatHealthIndicator,
    PerformChatRedisHealthIndicator,
    // PerformChatRateLimitGuard and what it injects, so `@UseGuards(PerformChatRateLimitGuard)` works in your modules.
    PerformChatRateLimitGuard,
    PerformChatRateLimitStore,
    PERFORM_CHAT_OPTIONS,
  ],
})
export class PerformChatModule extends PerformChatConfigurableModule {}
