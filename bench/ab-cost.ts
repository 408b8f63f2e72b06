import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as current from 'nestjs-performchat';
import { EMULATOR_DEMO_AGENT_ID, EMULATOR_DEMO_KEY, startPerformChatEmulator } from 'nestjs-performchat/emulator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const baseline = require('./.baseline/cd24f13/libs/perform-chat/src') as typeof current;

async function appOf(lib: typeof current, url: string) {
  @Module({
    imports: [
      lib.PerformChatModule.forRoot({
        keyId: EMULATOR_DEMO_KEY.keyId,
        keySecret: EMULATOR_DEMO_KEY.keySecret,
        baseUrl: url,
        defaultAgentId: EMULATOR_DEMO_AGENT_ID,
        rateLimit: false,
        upstreamBudget: { tokensPerMinute: 1e9, apiRequestsPerMinute: 1e9 },
        controller: false,
      }),
    ],
  })
  class M {}
  const app = await NestFactory.createApplicationContext(M, { logger: false });
  return app.get(lib.PerformChatAuthService);
}

async function main() {
  const emulator = await startPerformChatEmulator({ rateLimits: { tokenGenerations: false, apiRequests: false, failedAuth: false } });
  const sides = { current: await appOf(current, emulator.url), baseline: await appOf(baseline, emulator.url) };
  const run = async (auth: current.PerformChatAuthService, n: number) => {
    const start = process.cpuUsage();
    let i = 0;
    await Promise.all(Array.from({ length: 16 }, async () => { while (i < n) await auth.generateToken({ userId: `u${i++ % 100}` }); }));
    const used = process.cpuUsage(start);
    return (used.user + used.system) / n;
  };
  await run(sides.current, 2000); await run(sides.baseline, 2000);
  for (let r = 0; r < 6; r++) {
    const c = await run(sides.current, 3000); const b = await run(sides.baseline, 3000);
    console.log(`round ${r}: current ${c.toFixed(0)} baseline ${b.toFixed(0)} µs/call (emulator included)`);
  }
  process.exit(0);
}
void main();
