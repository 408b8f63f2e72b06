import { startPerformChatEmulator } from 'nestjs-performchat/emulator';
import type { Role } from '../lib/role';
import { BENCH_SIGNING_SECRET } from '../lib/bench.constants';

/**
 * The PerformChat emulator alone in its process, with its rate limits off (the documented
 * 100 generations/min would cap every benchmark at 1.7 calls/s). Demo key and agents.
 */
export const emulatorRole: Role = async () => {
  const emulator = await startPerformChatEmulator({
    signingSecret: BENCH_SIGNING_SECRET,
    rateLimits: { tokenGenerations: false, apiRequests: false, failedAuth: false },
  });
  return { port: emulator.port, close: () => emulator.close() };
};
