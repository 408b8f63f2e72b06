import { isDefaultInstance } from '../options/instance-name';

/** Default key of `PerformChatHealthIndicator.isHealthy()` in terminus's output. */
export const PERFORM_CHAT_HEALTH_KEY = 'performchat';
/** Default key of `PerformChatRedisHealthIndicator.isHealthy()` in terminus's output. */
export const PERFORM_CHAT_REDIS_HEALTH_KEY = 'performchat_redis';

/**
 * The default health key of an instance: `key` for the default instance, `key:<name>` for a
 * named one, so two instances checked without a key never overwrite each other in terminus's output.
 */
export const instanceHealthKey = (key: string, instance: string | undefined): string =>
  instance === undefined || isDefaultInstance(instance) ? key : `${key}:${instance}`;

/** Injection token of the lazily loaded terminus `HealthIndicatorService` (internal). */
export const PERFORM_CHAT_TERMINUS = Symbol('PERFORM_CHAT_TERMINUS');

/**
 * Optional injection token of a {@link PerformChatHealthDetailsProvider} (internal): the
 * circuit breaker hook. Register it in PerformChatModule with
 * `{ provide: PERFORM_CHAT_HEALTH_DETAILS, useExisting: PerformChatHttpClient }` once the
 * client implements `healthDetails()`, e.g. `{ circuitBreaker: 'closed' }`.
 */
export const PERFORM_CHAT_HEALTH_DETAILS = Symbol('PERFORM_CHAT_HEALTH_DETAILS');
