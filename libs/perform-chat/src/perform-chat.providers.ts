import { Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { PerformChatAuthService } from './auth/perform-chat-auth.service';
import { PerformChatHttpClient } from './client/perform-chat.client';
import { PerformChatResilience } from './client/perform-chat-resilience';
import { PerformChatShutdown } from './client/perform-chat-shutdown';
import { PerformChatUpstreamBudget } from './client/upstream-budget';
import { PerformChatStateReporter } from './client/perform-chat-state.reporter';
import { createCustomerUserStore } from './customer-users/customer-user-store.factory';
import { PerformChatCustomerUserStore } from './customer-users/perform-chat-customer-user.store';
import { PerformChatExceptionFilter } from './errors/perform-chat-exception.filter';
import { PERFORM_CHAT_HEALTH_DETAILS } from './health/perform-chat-health.constants';
import { PERFORM_CHAT_HEALTH_PROVIDERS } from './health/perform-chat-health.providers';
import { PerformChatModuleOptions, ResolvedPerformChatOptions } from './options/perform-chat-options.interface';
import {
  PERFORM_CHAT_CREDENTIALS_SLICE,
  PerformChatCredentialsSlice,
  performChatSlices,
  sliceOf,
} from './options/perform-chat-options.slices';
import { resolvePerformChatOptions } from './options/perform-chat-options.validation';
import {
  PERFORM_CHAT_INSTANCE,
  PERFORM_CHAT_INSTANCE_REGISTRATION,
  PERFORM_CHAT_OPTIONS,
} from './perform-chat.constants';
import { PERFORM_CHAT_MODULE_OPTIONS, PerformChatInstanceDefinition } from './perform-chat.module-definition';
import { PerformChatKeyring } from './client/perform-chat-keyring';
import { PerformChatKeyWideLimiters } from './rate-limit/key-wide-limiters';
import { PerformChatInstanceClaim, PerformChatInstances } from './instances/perform-chat-instances.registry';
import { isCustomStore } from './options/customer-user-store.validation';
import { DEFAULT_REDIS_CUSTOMER_USER_PREFIX } from './options/perform-chat-options.defaults';
import { PerformChatRateLimitGuard } from './rate-limit/perform-chat-rate-limit.guard';
import { PerformChatRateLimitStore } from './rate-limit/perform-chat-rate-limit.store';
import { PerformChatRedisConnections } from './redis/perform-chat-redis.connections';
import { PERFORM_CHAT_REST_PROVIDERS } from './rest/perform-chat-rest.providers';
import { PerformChatTelemetry } from './telemetry/perform-chat-telemetry';
import { PerformChatUserShare } from './rate-limit/perform-chat-user-share';
import { PerformChatTokenReuse } from './token-reuse/perform-chat-token-reuse';

/**
 * The object graph of one PerformChat module instance: its options, validated once, the slice
 * each service reads, and the services themselves. Every service depends on slices and on
 * other services of the same instance only, so a second instance is a second call of this
 * function with other tokens.
 *
 *   options (+ the instance's name) → registration in the app → slices → telemetry (the log is
 *           its first listener) → keyring (the key; a provider's first read) → shutdown,
 *           resilience (breaker), rate-limit store (+ the app's key-wide limiters) → budget → client
 *           → user share, token reuse (its sealer per key of the keyring) → customer-user store
 *           → auth service; health probe and indicators; the guard
 *
 * What it exports, and the name-based aliases of a named instance, are the sync extras' business
 * (perform-chat.module-definition.ts, instances/perform-chat-instance.exports.ts).
 */
export function performChatInstanceProviders(): Provider[] {
  return [
    {
      provide: PERFORM_CHAT_OPTIONS,
      useFactory: (options: PerformChatModuleOptions, instance: PerformChatInstanceDefinition) =>
        resolvePerformChatOptions(options, instance.name),
      inject: [PERFORM_CHAT_MODULE_OPTIONS, PERFORM_CHAT_INSTANCE],
    },
    // Before anything connects: a second instance under a taken name (or route, or store prefix) stops the boot.
    {
      provide: PERFORM_CHAT_INSTANCE_REGISTRATION,
      useFactory: (
        modules: ModulesContainer,
        instance: PerformChatInstanceDefinition,
        options: ResolvedPerformChatOptions,
      ) => PerformChatInstances.of(modules).register({ ...instance, customerUsers: redisCustomerUsersOf(options) }),
      inject: [ModulesContainer, PERFORM_CHAT_INSTANCE, PERFORM_CHAT_OPTIONS],
    },
    ...performChatSlices().map(([token, keys]) => ({
      provide: token,
      useFactory: (options: ResolvedPerformChatOptions) => sliceOf(options, keys),
      inject: [PERFORM_CHAT_OPTIONS],
    })),
    PerformChatTelemetry,
    {
      provide: PerformChatKeyring,
      useFactory: (options: PerformChatCredentialsSlice, telemetry: PerformChatTelemetry) =>
        PerformChatKeyring.load(options, telemetry),
      inject: [PERFORM_CHAT_CREDENTIALS_SLICE, PerformChatTelemetry],
    },
    // The upstream budget's memory limiters belong to the key: one set for every instance of the app.
    {
      provide: PerformChatKeyWideLimiters,
      useFactory: (modules: ModulesContainer) => PerformChatKeyWideLimiters.of(modules),
      inject: [ModulesContainer],
    },
    PerformChatShutdown,
    PerformChatResilience,
    // The health indicator shows the circuit breaker's state.
    { provide: PERFORM_CHAT_HEALTH_DETAILS, useExisting: PerformChatResilience },
    PerformChatRedisConnections,
    PerformChatRateLimitStore,
    PerformChatUpstreamBudget,
    PerformChatHttpClient,
    // Answers `nestjs-performchat:state` queries (budget left, breaker) while the module lives.
    PerformChatStateReporter,
    PerformChatUserShare,
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

/** Where an instance keeps customer users in Redis, for the check that no two instances share it. */
function redisCustomerUsersOf(options: ResolvedPerformChatOptions): PerformChatInstanceClaim['customerUsers'] {
  const store = options.customerUserStore;
  if (typeof store !== 'object' || isCustomStore(store) || !('redis' in store)) return undefined;
  return { redis: store.redis, keyPrefix: store.keyPrefix ?? DEFAULT_REDIS_CUSTOMER_USER_PREFIX };
}
