import type { LoopResult } from '../lib/loop';
import { interleave } from '../lib/interleave';
import { compare } from '../lib/report';
import type { BenchRow } from '../lib/row';
import { formatNumber } from '../lib/stats';
import type { TokenClientSide } from '../roles/token-client.role';

const CONCURRENCY = 32;

/**
 * B1 and B1b: `PerformChatAuthService.generateToken` vs a raw keep-alive axios POST, and vs
 * the docs' fetch-per-call example; each in a loop with 32 calls in flight, in one client
 * process, against the emulator in another. A, B and B' interleave round by round.
 */
export const tokenClientRow: BenchRow = {
  ids: ['B1', 'B1b'],
  title: 'generateToken in a loop (concurrency 32) vs raw axios and vs fetch per call',
  async prepare(context) {
    const emulator = await context.emulator();
    await context.child('token-client', { emulatorUrl: emulator.url });
  },
  async run(context) {
    const { settings } = context;
    const emulator = await context.emulator();
    const client = await context.child('token-client', { emulatorUrl: emulator.url });
    const samples = await interleave<TokenClientSide, number>(
      ['service', 'axios', 'fetch'],
      { rounds: settings.rounds, log: context.log },
      async (side, { warmup }) => {
        const result = await client.call<LoopResult>('run', {
          side,
          seconds: warmup ? settings.warmupSeconds : settings.seconds,
          concurrency: CONCURRENCY,
        });
        if (result.errors > 0) throw new Error(`B1 ${side}: ${result.errors} failed calls (${result.firstError})`);
        return result.opsPerSecond;
      },
      (opsPerSecond) => `${formatNumber(opsPerSecond)} calls/s`,
    );
    const b1 = compare(samples.service, samples.axios);
    const b1b = compare(samples.service, samples.fetch);
    return [
      {
        id: 'B1',
        a: '`PerformChatAuthService.generateToken`, 32 in flight',
        b: 'raw keep-alive axios POST, same body',
        unit: 'calls/s',
        ...b1,
        target: 'A/B ≥ 0.90',
        pass: b1.ratio >= 0.9,
      },
      {
        id: 'B1b',
        a: 'the same',
        b: "docs' Node example: `fetch` per call, JSON body, no agent",
        unit: 'calls/s',
        ...b1b,
        target: 'A/B ≥ 1.0',
        pass: b1b.ratio >= 1.0,
      },
    ];
  },
};
