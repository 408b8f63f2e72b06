import { EMULATOR_DEMO_AGENT_ID, EMULATOR_DEMO_KEY, PERFORMCHAT_TOKEN_PATH } from 'nestjs-performchat/emulator';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret';

/** The emulator's demo key and agent: every token call of the bench uses them. */
export const BENCH_KEY_ID = EMULATOR_DEMO_KEY.keyId;
export const BENCH_KEY_SECRET = EMULATOR_DEMO_KEY.keySecret;
export const BENCH_AGENT_ID = EMULATOR_DEMO_AGENT_ID;
export const BENCH_EXPIRES_IN = '1h';
export const TOKEN_PATH = PERFORMCHAT_TOKEN_PATH;

/** Users the load rotates through (`x-demo-user`, or `userId` of in-process calls). */
export function benchUsers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `bench-user-${i}`);
}

/** The upstream body every side of B1/B2/B5 sends for one user. */
export function tokenRequestBody(userId: string): Record<string, string> {
  return {
    keyId: BENCH_KEY_ID,
    keySecret: BENCH_KEY_SECRET,
    userId,
    agentId: BENCH_AGENT_ID,
    expiresIn: BENCH_EXPIRES_IN,
  };
}
