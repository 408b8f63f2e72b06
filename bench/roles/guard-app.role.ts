import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { PerformChatModule, PerformChatRateLimit, PerformChatRateLimitGuard } from 'nestjs-performchat';
import { DemoAuthGuard } from '../../src/auth/demo-auth.guard';
import { deleteRedisPrefix } from '../../test/utils/redis';
import type { Role } from '../lib/role';

/** Limits no benchmark reaches: the guards count every request and never refuse. */
const OUT_OF_REACH = { points: 1_000_000_000, duration: 60 };

export interface GuardAppConfig {
  /** `cluster`: the Redis store on a Redis Cluster (`redisUrl` is a `redis+cluster://` URL the module connects to). */
  store: 'memory' | 'redis' | 'cluster';
  /** Redis URL and a key prefix of this run only (deleted on close; a cluster is the run's own, discarded whole). */
  redisUrl?: string;
  keyPrefix?: string;
}

/** The same trivial answer on every route. */
const answer = () => ({ ok: true });

@Controller('bench')
class PlainController {
  @Get('plain')
  plain() {
    return answer();
  }
}

@Controller('bench')
@UseGuards(PerformChatRateLimitGuard)
class GuardedController {
  @Get('guarded')
  @PerformChatRateLimit(OUT_OF_REACH)
  guarded() {
    return answer();
  }
}

@Controller('bench')
@UseGuards(ThrottlerGuard)
class ThrottledController {
  @Get('throttled')
  throttled() {
    return answer();
  }
}

/**
 * B3/B3t/B3r/B3c: one Express app with the demo's auth stand-in as global guard (`x-demo-user` →
 * `req.user`) and the same trivial route three times: without a limit (`/bench/plain`), behind
 * PerformChatRateLimitGuard (`/bench/guarded`, memory, Redis or Redis Cluster store) and, with the memory
 * store, behind @nestjs/throttler 6's ThrottlerGuard with a per-user `getTracker`
 * (`/bench/throttled`). Both limiters set the X-RateLimit-* headers on every answer.
 */
export const guardAppRole: Role<GuardAppConfig> = async (config) => {
  const redis = config.store === 'redis' ? new Redis(config.redisUrl ?? 'redis://127.0.0.1:6379') : undefined;
  const throttling = config.store === 'memory';

  @Module({
    imports: [
      PerformChatModule.forRoot({
        keyId: 'pk_bench',
        keySecret: 'sk_bench',
        baseUrl: 'http://127.0.0.1:9',
        controller: false,
        rateLimit: redis
          ? { store: { redis, keyPrefix: config.keyPrefix } }
          : config.store === 'cluster'
            ? { store: { redis: config.redisUrl as string, keyPrefix: config.keyPrefix } }
            : {},
      }),
      ...(throttling
        ? [
            ThrottlerModule.forRoot({
              throttlers: [{ ttl: OUT_OF_REACH.duration * 1000, limit: OUT_OF_REACH.points }],
              getTracker: (req: { user?: { id?: string }; ip?: string }) =>
                req.user?.id ? `u:${req.user.id}` : `ip:${req.ip}`,
            }),
          ]
        : []),
    ],
    controllers: throttling
      ? [PlainController, GuardedController, ThrottledController]
      : [PlainController, GuardedController],
    providers: [{ provide: APP_GUARD, useClass: DemoAuthGuard }],
  })
  class GuardAppModule {}

  const app = await NestFactory.create(GuardAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      await app.close();
      if (redis && config.keyPrefix) await deleteRedisPrefix(redis, config.keyPrefix);
      redis?.disconnect();
    },
  };
};
