/**
 * Standalone emulator: `npm run emulator`.
 * Env: PERFORMCHAT_EMULATOR_PORT (default 4010), PERFORMCHAT_EMULATOR_HOST (default 127.0.0.1),
 * PERFORMCHAT_EMULATOR_RESPONSE_SHAPE (customerUser | user | both, default both).
 */
import { EMULATOR_DEMO_AGENT_ID, EMULATOR_DEMO_AGENTS, EMULATOR_DEMO_KEY, EMULATOR_STANDALONE_DEFAULT_PORT, PERFORMCHAT_TOKEN_PATH } from './emulator.constants';
import type { EmulatorResponseShape } from './emulator.interfaces';
import { startPerformChatEmulator } from './emulator.server';

function envPort(): number {
  const raw = process.env.PERFORMCHAT_EMULATOR_PORT;
  if (raw === undefined || raw === '') return EMULATOR_STANDALONE_DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PERFORMCHAT_EMULATOR_PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const emulator = await startPerformChatEmulator({
    port: envPort(),
    host: process.env.PERFORMCHAT_EMULATOR_HOST || undefined,
    responseShape: (process.env.PERFORMCHAT_EMULATOR_RESPONSE_SHAPE || undefined) as EmulatorResponseShape | undefined,
    logger: { log: (m) => console.log(m), warn: (m) => console.warn(m) },
  });
  const body = JSON.stringify({
    keyId: EMULATOR_DEMO_KEY.keyId,
    keySecret: EMULATOR_DEMO_KEY.keySecret,
    userId: 'user_123',
    agentId: EMULATOR_DEMO_AGENT_ID,
    expiresIn: '1h',
  });
  console.log(
    [
      '',
      `PerformChat emulator ready at ${emulator.url} (demo data only; never use these credentials elsewhere)`,
      `  keyId:     ${EMULATOR_DEMO_KEY.keyId}`,
      `  keySecret: ${EMULATOR_DEMO_KEY.keySecret}`,
      `  companyId: ${EMULATOR_DEMO_KEY.companyId}`,
      `  agents:    ${EMULATOR_DEMO_AGENTS.map((a) => `${a.id} (${a.active ? 'active' : 'inactive'})`).join(', ')}`,
      '',
      'Try:',
      `  curl -s -X POST ${emulator.url}${PERFORMCHAT_TOKEN_PATH} -H 'Content-Type: application/json' -d '${body}'`,
      `  curl -s ${emulator.url}/__emulator/state`,
      '',
    ].join('\n'),
  );
  const stop = (signal: string): void => {
    console.log(`PerformChat emulator: ${signal} received, shutting down`);
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
