import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HttpHealthIndicator, TerminusModule } from '@nestjs/terminus';
import { PerformChatHealthIndicator, PerformChatModule } from 'nestjs-performchat';
import { BENCH_KEY_ID, BENCH_KEY_SECRET, TOKEN_PATH } from '../lib/bench.constants';
import { runLoop } from '../lib/loop';
import type { Role } from '../lib/role';

export type HealthSide = 'cached' | 'ping';

/**
 * B6: health checks per second, in process (a Nest application context), against the emulator
 * in its own process.
 * - `cached`: `PerformChatHealthIndicator.isHealthy()` with the default `health` option
 *   (cacheTtlMs 5000: one real HEAD per 5 s, every other call served from the cache);
 * - `ping`: terminus `HttpHealthIndicator.pingCheck` of the same URL with the same method and
 *   the same "up" rule for the emulator's 405 (HEAD, any status below 500, 1 s timeout), i.e. one HTTP
 *   request per check.
 * Each call must report `up`; anything else counts as an error.
 */
export const healthClientRole: Role<{ emulatorUrl: string }> = async ({ emulatorUrl }) => {
  @Module({
    imports: [
      PerformChatModule.forRoot({
        keyId: BENCH_KEY_ID,
        keySecret: BENCH_KEY_SECRET,
        baseUrl: emulatorUrl,
        controller: false,
      }),
      TerminusModule,
      HttpModule,
    ],
  })
  class HealthClientModule {}

  const app = await NestFactory.createApplicationContext(HealthClientModule, { logger: false });
  const ours = app.get(PerformChatHealthIndicator);
  // Transient in terminus 11: one instance, as a controller injecting it would get.
  const terminus = await app.resolve(HttpHealthIndicator);
  const url = `${emulatorUrl}${TOKEN_PATH}`;
  const up = (result: Record<string, { status: string }>) => {
    if (result.performchat?.status !== 'up') throw new Error(`down: ${JSON.stringify(result)}`);
  };
  const operations: Record<HealthSide, () => Promise<unknown>> = {
    cached: async () => up(await ours.isHealthy('performchat')),
    ping: async () =>
      up(
        await terminus.pingCheck('performchat', url, {
          method: 'HEAD',
          timeout: 1000,
          validateStatus: (status: number) => status < 500,
        }),
      ),
  };

  return {
    commands: {
      run: ({ side, seconds, concurrency }: { side: HealthSide; seconds: number; concurrency: number }) =>
        runLoop(operations[side], seconds, concurrency),
    },
    close: () => app.close(),
  };
};
