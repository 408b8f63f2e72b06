import type { InjectionToken, Provider } from '@nestjs/common';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';
import { PerformChatExceptionFilter } from '../errors/perform-chat-exception.filter';
import { PerformChatHealthIndicator } from '../health/perform-chat-health.indicator';
import { PerformChatRedisHealthIndicator } from '../health/perform-chat-redis-health.indicator';
import { isDefaultInstance } from '../options/instance-name';
import { PERFORM_CHAT_REQUEST_SLICE } from '../options/perform-chat-options.slices';
import { PERFORM_CHAT_OPTIONS } from '../perform-chat.constants';
import { PerformChatRateLimitGuard } from '../rate-limit/perform-chat-rate-limit.guard';
import { PerformChatRateLimitStore } from '../rate-limit/perform-chat-rate-limit.store';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { PERFORM_CHAT_REST_SERVICES } from '../rest/perform-chat-rest.providers';
import {
  getPerformChatHealthIndicatorToken,
  getPerformChatRedisHealthIndicatorToken,
  getPerformChatServiceToken,
  getPerformChatToken,
} from './perform-chat-instance.tokens';

/** What the default instance exports to the app's modules: its services by class, as always. */
const DEFAULT_EXPORTS: InjectionToken[] = [
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

/** The name-based tokens of an instance, each an alias of the instance's own service. */
function namedTokens(name: string): [InjectionToken, InjectionToken][] {
  return [
    [getPerformChatToken(name), PerformChatAuthService],
    [getPerformChatHealthIndicatorToken(name), PerformChatHealthIndicator],
    [getPerformChatRedisHealthIndicatorToken(name), PerformChatRedisHealthIndicator],
    ...PERFORM_CHAT_REST_SERVICES.map((service): [InjectionToken, InjectionToken] => [
      getPerformChatServiceToken<object>(service, name),
      service,
    ]),
  ];
}

/** The providers an instance adds for its name: aliases of its services under name-based tokens. */
export function performChatInstanceAliases(name: string): Provider[] {
  return namedTokens(name).map(([provide, useExisting]) => ({ provide, useExisting }));
}

/**
 * What an instance exports: its name-based tokens; the default one also its services by class
 * (`PerformChatAuthService`, the guard and what it injects, ...), as always. A named one never
 * exports a class, so two instances imported side by side never offer two
 * `PerformChatAuthService`s to pick from silently.
 */
export function performChatInstanceExports(name: string): InjectionToken[] {
  const tokens = namedTokens(name).map(([token]) => token);
  return isDefaultInstance(name) ? [...DEFAULT_EXPORTS, ...tokens] : tokens;
}
