import { SetMetadata } from '@nestjs/common';
import { Messages } from '../perform-chat.messages';
import {
  PERFORM_CHAT_RATE_LIMIT_METADATA,
  PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA,
} from './perform-chat-rate-limit.constants';
import { PerformChatRateLimitOptions } from '../options/rate-limit.options';
import { checkRouteRateLimit } from '../options/rate-limit.validation';

/**
 * Puts a per-user limit on a route (or on every route of a controller) guarded by
 * `PerformChatRateLimitGuard`: an HTTP route, a GraphQL resolver or a WebSocket handler. Each
 * route counts on its own unless routes share a `keyPrefix`.
 *
 * ```ts
 * @UseGuards(PerformChatRateLimitGuard)
 * @PerformChatRateLimit({ points: 5, duration: '1m' }) // 5 requests per user per minute
 * @Post('messages')
 * send() {}
 * ```
 *
 * Several named limits, all enforced (in this order), each with its own headers
 * (`X-RateLimit-Remaining-burst`, ...):
 *
 * ```ts
 * @PerformChatRateLimit([
 *   { name: 'burst', points: 3, duration: '1s' },
 *   { name: 'sustained', points: 100, duration: '1h' },
 * ])
 * ```
 * @throws Error when the application loads, if the options are invalid (naming the field).
 */
export function PerformChatRateLimit(
  options: PerformChatRateLimitOptions | readonly PerformChatRateLimitOptions[],
): MethodDecorator & ClassDecorator {
  const problems = checkRouteRateLimit(options);
  if (problems.length > 0) throw new Error(Messages.invalidRouteRateLimit(problems));
  return SetMetadata(
    PERFORM_CHAT_RATE_LIMIT_METADATA,
    Array.isArray(options) ? options.map((limit) => ({ ...limit })) : { ...options },
  );
}

/**
 * Exempts a route (or every route of a controller) from `PerformChatRateLimitGuard`; with
 * names, only those limits of it (`@SkipPerformChatRateLimit('burst')`; `default` is an
 * unnamed limit).
 */
export function SkipPerformChatRateLimit(...names: string[]): MethodDecorator & ClassDecorator {
  return SetMetadata(PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA, names.length > 0 ? [...names] : true);
}
