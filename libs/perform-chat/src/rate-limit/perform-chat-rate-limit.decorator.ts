import { SetMetadata } from '@nestjs/common';
import { Messages } from '../perform-chat.messages';
import { PERFORM_CHAT_RATE_LIMIT_METADATA, PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA } from './perform-chat-rate-limit.constants';
import { PerformChatRateLimitOptions } from '../options/rate-limit.options';
import { checkRouteRateLimit } from '../options/rate-limit.validation';

/**
 * Puts a per-user limit on a route (or on every route of a controller) guarded by
 * `PerformChatRateLimitGuard`. Each route counts on its own unless routes share a `keyPrefix`.
 *
 * ```ts
 * @UseGuards(PerformChatRateLimitGuard)
 * @PerformChatRateLimit({ points: 5, duration: 60 }) // 5 requests per user per minute
 * @Post('messages')
 * send() {}
 * ```
 * @throws Error when the application loads, if the options are invalid (naming the field).
 */
export function PerformChatRateLimit(options: PerformChatRateLimitOptions): MethodDecorator & ClassDecorator {
  const problems = checkRouteRateLimit(options);
  if (problems.length > 0) throw new Error(Messages.invalidRouteRateLimit(problems));
  return SetMetadata(PERFORM_CHAT_RATE_LIMIT_METADATA, { ...options });
}

/** Exempts a route (or every route of a controller) from `PerformChatRateLimitGuard`. */
export function SkipPerformChatRateLimit(): MethodDecorator & ClassDecorator {
  return SetMetadata(PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA, true);
}
