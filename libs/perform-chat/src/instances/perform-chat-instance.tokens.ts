import type { InjectionToken } from '@nestjs/common';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatHealthIndicator } from '../health/perform-chat-health.indicator';
import { PerformChatRedisHealthIndicator } from '../health/perform-chat-redis-health.indicator';
import { DEFAULT_INSTANCE_NAME } from '../options/instance-name';

/**
 * The token of one service of the instance `name`. A string of its own for every instance, the
 * default one included: the class token is also each instance's internal provider, so
 * `app.get(PerformChatAuthService)` may find any instance's, `app.get(getPerformChatToken())` only the default's.
 */
function tokenOf<T>(service: abstract new (...args: never[]) => T, name: string): InjectionToken<T> {
  return `PerformChat(${name}):${service.name}`;
}

/**
 * The injection token of another service of an instance, e.g. the REST API's:
 * `@Inject(getPerformChatServiceToken(PerformChatAgentsService, 'eu'))`.
 */
export function getPerformChatServiceToken<T>(
  service: abstract new (...args: never[]) => T,
  name: string = DEFAULT_INSTANCE_NAME,
): InjectionToken<T> {
  return tokenOf(service, name);
}

/**
 * The injection token of the `PerformChatAuthService` of an instance (the `name` of its
 * `forRoot`/`forRootAsync`; `default` for the unnamed one, which also exports the class itself).
 */
export function getPerformChatToken(name: string = DEFAULT_INSTANCE_NAME): InjectionToken<PerformChatAuthService> {
  return tokenOf(PerformChatAuthService, name);
}

/** The injection token of the `PerformChatHealthIndicator` of an instance (`default` for the unnamed one). */
export function getPerformChatHealthIndicatorToken(
  name: string = DEFAULT_INSTANCE_NAME,
): InjectionToken<PerformChatHealthIndicator> {
  return tokenOf(PerformChatHealthIndicator, name);
}

/** The injection token of the `PerformChatRedisHealthIndicator` of an instance (`default` for the unnamed one). */
export function getPerformChatRedisHealthIndicatorToken(
  name: string = DEFAULT_INSTANCE_NAME,
): InjectionToken<PerformChatRedisHealthIndicator> {
  return tokenOf(PerformChatRedisHealthIndicator, name);
}
