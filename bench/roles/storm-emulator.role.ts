import { EmulatorHttpLogEntry, PERFORMCHAT_TOKEN_PATH, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import { BENCH_SIGNING_SECRET } from '../lib/bench.constants';
import type { Role } from '../lib/role';

/** One token generation as PerformChat saw it: when it arrived (epoch ms), for whom, its status. */
export interface StormGeneration {
  at: number;
  userId: string;
  status: number | null;
}

/**
 * B7's PerformChat: the emulator with its documented rate limits ON, scaled in time (`limit`
 * generations per `windowMs`, API requests 1000 per the same window, failed authentications as
 * documented), and a request log large enough for the whole run. Commands: `generations` (what
 * it received on the token path), `verify` (tokens, in batches: how many are invalid and why),
 * `reset` (between the two sides).
 */
export const stormEmulatorRole: Role<{ limit: number; windowMs: number }> = async ({ limit, windowMs }) => {
  const emulator = await startPerformChatEmulator({
    signingSecret: BENCH_SIGNING_SECRET,
    rateLimits: { tokenGenerations: { points: limit, windowMs }, apiRequests: { points: 1_000, windowMs } },
    requestLog: { maxEntries: 500_000 },
  });
  return {
    port: emulator.port,
    commands: {
      generations: async (): Promise<StormGeneration[]> =>
        (emulator.requestLog({ type: 'http' }) as EmulatorHttpLogEntry[])
          .filter((entry) => entry.path === PERFORMCHAT_TOKEN_PATH)
          .map((entry) => ({ at: Date.parse(entry.at), userId: entry.userId ?? '', status: entry.status })),
      verify: async ({ tokens }: { tokens: string[] }) => {
        const reasons: Record<string, number> = {};
        for (const token of tokens) {
          const verdict = emulator.verify(token);
          if (!verdict.valid) reasons[verdict.reason] = (reasons[verdict.reason] ?? 0) + 1;
        }
        return { checked: tokens.length, invalid: Object.values(reasons).reduce((a, b) => a + b, 0), reasons };
      },
      reset: async () => {
        emulator.reset();
        emulator.clearRequestLog();
        return true;
      },
    },
    close: () => emulator.close(),
  };
};
