import { interleaveLoops } from '../lib/loop-rounds';
import { compare, cpuNote } from '../lib/report';
import type { BenchRow } from '../lib/row';
import type { TokenClientSide } from '../roles/token-client.role';

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
    const samples = await interleaveLoops<TokenClientSide>(context, 'token-client', ['service', 'axios', 'fetch'], {
      id: 'B1',
      unit: 'calls/s',
    });
    const rate = (side: TokenClientSide) => samples[side].map((r) => r.opsPerSecond);
    const cpu = (side: TokenClientSide) => samples[side].map((r) => r.cpuMicrosPerOp);
    const b1 = compare(rate('service'), rate('axios'));
    const b1b = compare(rate('service'), rate('fetch'));
    return [
      {
        id: 'B1',
        a: '`PerformChatAuthService.generateToken`, 32 in flight',
        b: 'raw keep-alive axios POST, same body',
        unit: 'calls/s',
        ...b1,
        target: 'A/B ≥ 0.90',
        pass: b1.ratio >= 0.9,
        notes: [
          cpuNote('the client process (the emulator runs elsewhere)', {
            A: cpu('service'),
            B: cpu('axios'),
            "B1b's B": cpu('fetch'),
          }),
        ],
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
