import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { EMULATOR_DEMO_AGENT_ID, EMULATOR_DEMO_KEY } from 'nestjs-performchat/emulator';
import { PerformChatModuleOptions, performChatConfig } from 'nestjs-performchat';
import { PERFORM_CHAT_MODULE_OPTIONS } from '../../libs/perform-chat/src/perform-chat.module-definition';
import { PerformChatTelemetry } from '../../libs/perform-chat/src/telemetry/perform-chat-telemetry';
import type { PerformChatTelemetryEvent } from '../../libs/perform-chat/src/telemetry/perform-chat-telemetry.events';
import { AppModule } from '../../src/app.module';

/** One app instance of the storm: the demo app of src/, its options scaled in time, its stores in one Redis. */
export interface StormAppConfig {
  emulatorUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key of the run (shared by the instances of one side). */
  keyPrefix: string;
  reuse: boolean;
  /** Token generations per window for the whole key. */
  limit: number;
  windowSeconds: number;
  maxWaitMs: number;
  tokensPerUser: number;
  timeoutMs: number;
  platform?: 'express' | 'fastify';
}

/** What one instance saw of the storm, from its telemetry. */
export interface StormAppReport {
  waits: { ticket: number; slotAt: number; waitMs: number; plannedMs: number }[];
  reused: number;
  shared: number;
  stale: number;
  refused: Record<string, number>;
  generated: number;
}

export interface RunningStormApp {
  app: INestApplication;
  url: string;
  report(): StormAppReport;
  close(): Promise<void>;
}

/** The module options of a storm instance: the demo's, with the budget, the stores and reuse of the run. */
export function stormModuleOptions(base: PerformChatModuleOptions, config: StormAppConfig): PerformChatModuleOptions {
  const redis = config.redisUrl;
  return {
    ...base,
    timeoutMs: config.timeoutMs,
    // The route guard's own per-user limit out of the way: the share in the service is what is measured.
    rateLimit: { points: 1_000_000_000, duration: 60, store: { redis, keyPrefix: `${config.keyPrefix}rl` } },
    customerUserStore: { redis, keyPrefix: `${config.keyPrefix}cu` },
    upstreamBudget: {
      tokensPerMinute: config.limit,
      tokenWindowSeconds: config.windowSeconds,
      maxWaitMs: config.maxWaitMs,
      tokensPerUser: config.tokensPerUser,
      // PerformChat's 1,000 API requests a minute, scaled with the rest (whole seconds: the Redis limiter's).
      apiRequestsPerMinute: 1_000,
      apiRequestWindowSeconds: Math.max(1, Math.ceil(config.windowSeconds)),
    },
    tokenReuse: config.reuse ? { store: { redis, keyPrefix: `${config.keyPrefix}tokens` } } : false,
  };
}

/** Builds, starts (loopback, a free port) and watches one storm instance. */
export async function startStormApp(config: StormAppConfig): Promise<RunningStormApp> {
  const env = {
    PERFORMCHAT_BASE_URL: config.emulatorUrl,
    PERFORMCHAT_KEY_ID: EMULATOR_DEMO_KEY.keyId,
    PERFORMCHAT_KEY_SECRET: EMULATOR_DEMO_KEY.keySecret,
    PERFORMCHAT_DEFAULT_AGENT_ID: EMULATOR_DEMO_AGENT_ID,
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] })
    .overrideProvider(PERFORM_CHAT_MODULE_OPTIONS)
    .useFactory({
      factory: (service: ConfigService) => stormModuleOptions(performChatConfig(service), config),
      inject: [ConfigService],
    })
    .compile();
  let app: INestApplication;
  if (config.platform === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  } else {
    app = moduleRef.createNestApplication({ logger: false });
  }
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready'] });
  const report: StormAppReport = { waits: [], reused: 0, shared: 0, stale: 0, refused: {}, generated: 0 };
  app.get(PerformChatTelemetry, { strict: false }).subscribe((event: PerformChatTelemetryEvent) => {
    if (event.type === 'budget.waited') {
      report.waits.push({
        ticket: event.ticket,
        slotAt: event.slotAt,
        waitMs: event.waitMs,
        plannedMs: event.plannedMs,
      });
    } else if (event.type === 'token.reused') report.reused++;
    else if (event.type === 'token.shared') report.shared++;
    else if (event.type === 'token.stale') report.stale++;
    else if (event.type === 'budget.refused') report.refused[event.budget] = (report.refused[event.budget] ?? 0) + 1;
    else if (event.type === 'call.succeeded' && event.operation === 'generateToken') report.generated++;
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, report: () => report, close: () => app.close() };
}
