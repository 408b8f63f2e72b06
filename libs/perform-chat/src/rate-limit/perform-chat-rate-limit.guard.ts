import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { defaultResolveUserId, readUserId } from '../options/resolve-user-id';
import { PERFORM_CHAT_REQUEST_SLICE, PerformChatRequestSlice } from '../options/perform-chat-options.slices';
import { PerformChatRateLimitOptions, PerformChatTracker } from '../options/rate-limit.options';
import { resolveRouteRateLimits } from '../options/rate-limit.validation';
import {
  PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA,
  PERFORM_CHAT_RATE_LIMIT_METADATA,
  PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA,
  RATE_LIMIT_HEADERS,
} from './perform-chat-rate-limit.constants';
import { PerformChatRateLimitStore } from './perform-chat-rate-limit.store';
import { RateLimitVerdict } from './perform-chat-limiter';
import { PlannedRateLimit } from './perform-chat-rate-limit.plan';
import { RateLimitTarget, clientAddressOf, readRateLimitTarget } from './rate-limit-context';
import { refusalOf } from './rate-limit-refusal';
import { ipKey } from './ip-key';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

/** Characters of a derived counter name that are not allowed in a key segment. */
const NOT_IN_KEY_SEGMENT = /[^A-Za-z0-9._-]/g;

/**
 * Per-user rate limit for HTTP routes (Express and Fastify), GraphQL resolvers and WebSocket
 * gateways.
 *
 * The caller is the user id read by the module's `resolveUserId` option (the same one the
 * token routes use), so **your authentication guard must run first** (register it globally
 * with `APP_GUARD`, or list it before this guard in `@UseGuards`). A request without a user is
 * counted by client IP (`req.ip`: Express's `trust proxy` setting, Fastify's `trustProxy`;
 * IPv6 grouped by the `rateLimit.ipv6Subnet` prefix). User ids and IPs never share a counter
 * (`u:<id>` / `ip:<address>`); a `tracker` option replaces that key.
 *
 * The limits are the route's `@PerformChatRateLimit(...)` (one, or several named ones, all
 * enforced in order), else the module's `rateLimit` option (none when `rateLimit: false`).
 * `@SkipPerformChatRateLimit()` exempts a route, `skipIf` a request. Every counted HTTP answer
 * has `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (whole seconds until
 * the window ends; `-<name>` after each for a named limit) unless `headers: false`; a refusal is
 * a 429 with `Retry-After` ({@link PerformChatRateLimitException}). On GraphQL a refusal is a
 * `GraphQLError`, on a gateway a `WsException`, both with `code: 'RATE_LIMITED'` and
 * `retryAfterMs`; GraphQL subscriptions are not counted unless a limit says `subscriptions: true`.
 * Other contexts (microservices) are not limited.
 */
@Injectable()
export class PerformChatRateLimitGuard implements CanActivate {
  /** Limits of each route (`null`: not limited), resolved on its first request. */
  private readonly routes = new WeakMap<Target, Map<Target, readonly PlannedRateLimit[] | null>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly store: PerformChatRateLimitStore,
    @Inject(PERFORM_CHAT_REQUEST_SLICE) private readonly options: PerformChatRequestSlice,
    private readonly telemetry: PerformChatTelemetry,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const target = readRateLimitTarget(context);
    if (!target) return true;
    const limits = this.limitsOf(context.getClass(), context.getHandler());
    if (!limits) return true;
    const { skipIf } = this.options.rateLimit;
    if (skipIf && (await skipIf(context))) return true;

    // The default key is the same for every limit of the request: worked out once.
    let defaultKey: string | undefined;
    for (const limit of limits) {
      if (target.subscription && !limit.subscriptions) continue;
      if (limit.skipIf && (await limit.skipIf(context))) continue;
      const limiter = limit.limiter ?? (await limit.limiterFor(context));
      const key = limit.tracker
        ? await this.trackedKey(limit.tracker, target, context, () => (defaultKey ??= this.defaultKey(target)))
        : (defaultKey ??= this.defaultKey(target));
      // In order, and a refusal stops here: the limits after it do not count a refused request.
      this.answer(limit, target, await limiter.consume(key));
    }
    return true;
  }

  /** `u:<user id>` when `resolveUserId` finds a user, else `ip:<client address>` (IPv6 by its prefix). */
  callerKey(request: {
    ip?: string;
    socket?: { remoteAddress?: string };
    raw?: { socket?: { remoteAddress?: string } };
  }): string {
    return this.defaultKey({ transport: 'http', request, subscription: false });
  }

  private defaultKey(target: RateLimitTarget): string {
    const userId = this.userIdOf(target);
    if (userId !== undefined) return `u:${userId}`;
    const address = clientAddressOf(target);
    return `ip:${address === undefined ? 'unknown' : ipKey(address, this.options.rateLimit.ipv6Subnet)}`;
  }

  /**
   * The user of a request. On a gateway the default resolver reads the socket's `user`
   * (`client.user`, where WebSocket auth guards commonly put it), then socket.io's `client.data.user`.
   */
  private userIdOf(target: RateLimitTarget): string | undefined {
    const resolve = this.options.resolveUserId;
    const userId = readUserId(target.request, resolve);
    if (userId !== undefined || target.transport !== 'ws' || resolve !== defaultResolveUserId) return userId;
    return readUserId(target.request.data, resolve);
  }

  /** What a tracker answers, as a key; no answer (`undefined`, `null`, `''`) is the default key. */
  private async trackedKey(
    tracker: PerformChatTracker,
    target: RateLimitTarget,
    context: ExecutionContext,
    fallback: () => string,
  ): Promise<string> {
    const key = await tracker(target.request, context);
    if (typeof key === 'number' && Number.isFinite(key)) return String(key);
    return typeof key === 'string' && key !== '' ? key : fallback();
  }

  /** Headers for one limit's verdict; a refusal is reported and thrown in the transport's form. */
  private answer(limit: PlannedRateLimit, target: RateLimitTarget, verdict: RateLimitVerdict): void {
    const resetSeconds = Math.ceil(verdict.msBeforeReset / 1000);
    const { response } = target;
    if (limit.headers && response) {
      this.setHeader(target, limit.headerNames.limit, String(verdict.limit));
      this.setHeader(target, limit.headerNames.remaining, String(verdict.remaining));
      this.setHeader(target, limit.headerNames.reset, String(resetSeconds));
    }
    if (verdict.allowed) return;
    const retryAfterSeconds = Math.max(1, resetSeconds);
    // HTTP's own header, sent whatever `headers` says; a GraphQL answer is a 200 with `errors`.
    if (target.transport === 'http' && response) {
      this.setHeader(target, RATE_LIMIT_HEADERS.retryAfter, String(retryAfterSeconds));
    }
    this.telemetry.report({ type: 'rate-limit.refused', limiter: limit.counter, retryAfterSeconds });
    throw refusalOf(target.transport, retryAfterSeconds, Math.max(1, Math.ceil(verdict.msBeforeReset)));
  }

  private limitsOf(controller: Target, handler: Target): readonly PlannedRateLimit[] | null {
    let byHandler = this.routes.get(controller);
    if (!byHandler) {
      byHandler = new Map();
      this.routes.set(controller, byHandler);
    }
    let limits = byHandler.get(handler);
    if (limits === undefined) {
      limits = this.resolveRoute(controller, handler);
      byHandler.set(handler, limits);
    }
    return limits;
  }

  private resolveRoute(controller: Target, handler: Target): readonly PlannedRateLimit[] | null {
    const targets = [handler, controller];
    const skips = this.reflector.getAll<(true | string[] | undefined)[]>(
      PERFORM_CHAT_SKIP_RATE_LIMIT_METADATA,
      targets,
    );
    if (skips.includes(true)) return null;
    const skippedNames = new Set(skips.flatMap((skip) => (Array.isArray(skip) ? skip : [])));
    const route = this.reflector.getAllAndOverride<
      PerformChatRateLimitOptions | PerformChatRateLimitOptions[] | undefined
    >(PERFORM_CHAT_RATE_LIMIT_METADATA, targets);
    const rules = route ? resolveRouteRateLimits(route) : this.options.rateLimit.defaultLimits;
    if (!rules) return null;
    const sharedCounter = this.reflector.getAllAndOverride<string | undefined>(
      PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA,
      targets,
    );
    const routeCounter = sharedCounter ?? `${controller.name}.${handler.name}`.replace(NOT_IN_KEY_SEGMENT, '_');
    const limits = rules
      .filter((rule) => !skippedNames.has(rule.name ?? 'default'))
      .map((rule) => new PlannedRateLimit(rule, routeCounter, this.options.rateLimit, this.store));
    return limits.length > 0 ? limits : null;
  }

  private setHeader(target: RateLimitTarget, name: string, value: string): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter && target.transport === 'http') {
      adapter.setHeader(target.response, name, value);
      return;
    }
    // A GraphQL context's `res` (Express) or `reply` (Fastify), read by shape.
    const raw = target.response as {
      header?: (n: string, v: string) => void;
      setHeader?: (n: string, v: string) => void;
    };
    if (typeof raw.header === 'function') raw.header(name, value);
    else if (typeof raw.setHeader === 'function') raw.setHeader(name, value);
  }
}
