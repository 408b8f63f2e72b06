import { Controller, DynamicModule, Get, INestApplication, Module, Type, UseGuards } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';
import {
  PerformChatModule,
  PerformChatModuleOptions,
  PerformChatRateLimit,
  PerformChatRateLimitGuard,
  SkipPerformChatRateLimit,
} from 'nestjs-performchat';
import { DemoAuthGuard } from '../../src/auth/demo-auth.guard';

export type TestPlatform = 'express' | 'fastify';
export const PLATFORMS: TestPlatform[] = ['express', 'fastify'];

/** Routes with every kind of limit. All of them answer `{ route }`. */
@Controller('rl')
@UseGuards(PerformChatRateLimitGuard)
export class RateLimitedController {
  /** No decorator: the module's default (token-route) limit. */
  @Get('default')
  default() {
    return { route: 'default' };
  }

  @Get('a')
  @PerformChatRateLimit({ points: 3, duration: 60 })
  a() {
    return { route: 'a' };
  }

  @Get('b')
  @PerformChatRateLimit({ points: 3, duration: 60 })
  b() {
    return { route: 'b' };
  }

  @Get('shared-1')
  @PerformChatRateLimit({ points: 2, duration: 60, keyPrefix: 'shared' })
  shared1() {
    return { route: 'shared-1' };
  }

  @Get('shared-2')
  @PerformChatRateLimit({ points: 2, duration: 60, keyPrefix: 'shared' })
  shared2() {
    return { route: 'shared-2' };
  }

  @Get('skip')
  @SkipPerformChatRateLimit()
  skip() {
    return { route: 'skip' };
  }

  @Get('exact')
  @PerformChatRateLimit({ points: 50, duration: 60 })
  exact() {
    return { route: 'exact' };
  }

  /** 250 ms window (memory store only: Redis would round it up to 1 s). */
  @Get('short')
  @PerformChatRateLimit({ points: 2, duration: 0.25 })
  short() {
    return { route: 'short' };
  }

  /** 150 ms window, but a caller over the limit stays refused for 600 ms. */
  @Get('blocking')
  @PerformChatRateLimit({ points: 1, duration: 0.15, blockDuration: 0.6 })
  blocking() {
    return { route: 'blocking' };
  }
}

/** A limit on the whole controller, overridden on one route. */
@Controller('class')
@UseGuards(PerformChatRateLimitGuard)
@PerformChatRateLimit({ points: 2, duration: 60 })
export class ClassLimitedController {
  @Get('one')
  one() {
    return { route: 'one' };
  }

  @Get('two')
  two() {
    return { route: 'two' };
  }

  @Get('override')
  @PerformChatRateLimit({ points: 5, duration: 60 })
  override() {
    return { route: 'override' };
  }
}

/** Guard order: the limit before authentication (the mistake) and after it (right). */
@Controller('order')
export class GuardOrderController {
  @Get('limit-first')
  @UseGuards(PerformChatRateLimitGuard, DemoAuthGuard)
  @PerformChatRateLimit({ points: 2, duration: 60 })
  limitFirst() {
    return { route: 'limit-first' };
  }

  @Get('auth-first')
  @UseGuards(DemoAuthGuard, PerformChatRateLimitGuard)
  @PerformChatRateLimit({ points: 2, duration: 60 })
  authFirst() {
    return { route: 'auth-first' };
  }
}

export interface RateLimitAppOptions {
  platform: TestPlatform;
  /** Module options besides the key (which is a dummy: these routes never call PerformChat). */
  module?: Partial<PerformChatModuleOptions>;
  /** Register DemoAuthGuard (`x-demo-user` header → req.user) as a global guard. @default true */
  globalAuth?: boolean;
  /** Express `trust proxy` / Fastify `trustProxy`. @default false */
  trustProxy?: boolean;
  /** More controllers beside the ones above. */
  controllers?: Type[];
}

@Module({})
class RateLimitTestModule {
  static forRoot(options: RateLimitAppOptions): DynamicModule {
    return {
      module: RateLimitTestModule,
      imports: [
        PerformChatModule.forRoot({
          keyId: 'pk_rate_limit_test',
          keySecret: 'sk_rate_limit_test',
          baseUrl: 'http://127.0.0.1:9',
          ...options.module,
        }),
      ],
      controllers: [
        RateLimitedController,
        ClassLimitedController,
        GuardOrderController,
        ...(options.controllers ?? []),
      ],
      providers: options.globalAuth === false ? [] : [{ provide: APP_GUARD, useClass: DemoAuthGuard }],
    };
  }
}

export interface RunningRateLimitApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** A Nest app listening on 127.0.0.1 with the test routes, on Express or Fastify. */
export async function startRateLimitApp(options: RateLimitAppOptions): Promise<RunningRateLimitApp> {
  const module = RateLimitTestModule.forRoot(options);
  let app: INestApplication;
  if (options.platform === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(module, new FastifyAdapter({ trustProxy: options.trustProxy ?? false }), {
      logger: false,
    });
  } else {
    const express = await NestFactory.create<NestExpressApplication>(module, { logger: false });
    express.set('trust proxy', options.trustProxy ?? false);
    app = express;
  }
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
