import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { readUserId } from '../options/resolve-user-id';
import { PERFORM_CHAT_REQUEST_SLICE, PerformChatRequestSlice } from '../options/perform-chat-options.slices';
import {
  PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA,
  PERFORM_CHAT_RATE_LIMIT_METADATA,
  PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA,
  RATE_LIMIT_HEADERS,
} from './perform-chat-rate-limit.constants';
import { PerformChatRateLimitException } from './perform-chat-rate-limit.exception';
import { PerformChatRateLimitOptions } from '../options/rate-limit.options';
import { PerformChatRateLimitStore } from './perform-chat-rate-limit.store';
import { PerformChatLimiter } from './perform-chat-limiter';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

/** Characters of a derived counter name that are not allowed in a key segment. */
const NOT_IN_KEY_SEGMENT = /[^A-Za-z0-9._-]/g;

/**
 * Per-user rate limit for HTTP routes, on Express and Fastify.
 *
 * The caller is the user id read by the module's `resolveUserId` option (the same one the
 * token routes use), so **your authentication guard must run first** (register it globally
 * with `APP_GUARD`, or list it before this guard in `@UseGuards`). A request without a user is
 * counted by client IP (`req.ip`: Express's `trust proxy` setting, Fastify's `trustProxy`).
 * User ids and IPs never share a counter (`u:<id>` / `ip:<address>`).
 *
 * The limit is the route's `@PerformChatRateLimit(...)`, else the module's `rateLimit` option
 * (none when `rateLimit: false`). `@SkipPerformChatRateLimit()` exempts a route. Every
 * counted answer has `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
 * (whole seconds until the window ends); a refusal is a 429 with `Retry-After`
 * ({@link PerformChatRateLimitException}). Non-HTTP contexts are not limited.
 */
@Injectable()
export class PerformChatRateLimitGuard implements CanActivate {
  /** Limiter of each route (`null`: not limited), resolved on its first request. */
  private readonly routes = new WeakMap<Target, Map<Target, PerformChatLimiter | null>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly store: PerformChatRateLimitStore,
    @Inject(PERFORM_CHAT_REQUEST_SLICE) private readonly options: PerformChatRequestSlice,
    private readonly telemetry: PerformChatTelemetry,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const limiter = this.limiterOf(context.getClass(), context.getHandler());
    if (!limiter) return true;

    const http = context.switchToHttp();
    const response = http.getResponse();
    const verdict = await limiter.consume(this.callerKey(http.getRequest()));
    const resetSeconds = Math.ceil(verdict.msBeforeReset / 1000);
    this.setHeader(response, RATE_LIMIT_HEADERS.limit, String(verdict.limit));
    this.setHeader(response, RATE_LIMIT_HEADERS.remaining, String(verdict.remaining));
    this.setHeader(response, RATE_LIMIT_HEADERS.reset, String(resetSeconds));
    if (!verdict.allowed) {
      const retryAfterSeconds = Math.max(1, resetSeconds);
      this.setHeader(response, RATE_LIMIT_HEADERS.retryAfter, String(retryAfterSeconds));
      this.telemetry.report({ type: 'rate-limit.refused', limiter: limiter.name, retryAfterSeconds });
      throw new PerformChatRateLimitException(retryAfterSeconds);
    }
    return true;
  }

  /** `u:<user id>` when `resolveUserId` finds a user, else `ip:<client address>`. */
  callerKey(request: { ip?: string; socket?: { remoteAddress?: string }; raw?: { socket?: { remoteAddress?: string } } }): string {
    const userId = readUserId(request, this.options.resolveUserId);
    if (userId !== undefined) return `u:${userId}`;
    return `ip:${request.ip ?? request.socket?.remoteAddress ?? request.raw?.socket?.remoteAddress ?? 'unknown'}`;
  }

  private limiterOf(controller: Target, handler: Target): PerformChatLimiter | null {
    let byHandler = this.routes.get(controller);
    if (!byHandler) {
      byHandler = new Map();
      this.routes.set(controller, byHandler);
    }
    let limiter = byHandler.get(handler);
    if (limiter === undefined) {
      limiter = this.resolveRoute(controller, handler);
      byHandler.set(handler, limiter);
    }
    return limiter;
  }

  private resolveRoute(controller: Target, handler: Target): PerformChatLimiter | null {
    const targets = [handler, controller];
    if (this.reflector.getAllAndOverride<boolean>(PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA, targets)) return null;
    const route = this.reflector.getAllAndOverride<PerformChatRateLimitOptions | undefined>(PERFORM_CHAT_RATE_LIMIT_METADATA, targets);
    const limit = route
      ? { points: route.points, duration: route.duration, blockDuration: route.blockDuration ?? 0 }
      : this.options.rateLimit.defaultLimit;
    if (!limit) return null;
    const sharedCounter = this.reflector.getAllAndOverride<string | undefined>(PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA, targets);
    const name =
      route?.keyPrefix ?? sharedCounter ?? `${controller.name}.${handler.name}`.replace(NOT_IN_KEY_SEGMENT, '_');
    return this.store.limiter({ name, ...limit });
  }

  private setHeader(response: unknown, name: string, value: string): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter) {
      adapter.setHeader(response, name, value);
      return;
    }
    const raw = response as { header?: (n: string, v: string) => void; setHeader?: (n: string, v: string) => void };
    if (typeof raw.header === 'function') raw.header(name, value);
    else raw.setHeader?.(name, value);
  }
}
