import type { InjectionToken } from '@nestjs/common';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatHealthIndicator } from '../health/perform-chat-health.indicator';
import { PerformChatRedisHealthIndicator } from '../health/perform-chat-redis-health.indicator';
import { DEFAULT_INSTANCE_NAME, isDefaultInstance } from '../options/instance-name';

/** The token of one service of the instance `name`: the class itself for the default instance. */
function tokenOf<T>(service: abstract new (...args: never[]) => T, name: string): InjectionToken<T> {
  return isDefaultInstance(name) ? service : `PerformChat(${name}):${service.name}`;
}

/**
 * The injection token of the `PerformChatAuthService` of an instance (the `name` of its
 * `forRoot`/`forRootAsync`): `PerformChatAuthService` itself for the default (unnamed) one, so
 * `moduleRef.get(getPerformChatToken())` and a plain constructor injection agree.
 */
export function getPerformChatToken(name: string = DEFAULT_INSTANCE_NAME): InjectionToken<PerformChatAuthService> {
  return tokenOf(PerformChatAuthService, name);
}

/** The injection token of the `PerformChatHealthIndicator` of an instance (the class for the default one). */
export function getPerformChatHealthIndicatorToken(name: string = DEFAULT_INSTANCE_NAME): InjectionToken<PerformChatHealthIndicator> {
  return tokenOf(PerformChatHealthIndicator, name);
}

/** The injection token of the `PerformChatRedisHealthIndicator` of an instance (the class for the default one). */
export function getPerformChatRedisHealthIndicatorToken(
  name: string = DEFAULT_INSTANCE_NAME,
): InjectionToken<PerformChatRedisHealthIndicator> {
  return tokenOf(PerformChatRedisHealthIndicator, name);
}
