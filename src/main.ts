import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import { DEMO_USER_HEADER } from './auth/demo-auth.guard';
import { readDemoPort, readDemoTraces } from './config/demo-env.validation';
import { createDemoApp } from './demo-app';
import { DEMO_OPENAPI_JSON_PATH, DEMO_OPENAPI_UI_PATH } from './openapi/demo-openapi';

/**
 * `npm start`. Without `PERFORMCHAT_BASE_URL`, the built-in PerformChat emulator starts
 * in this process and the app uses its demo key, so the whole flow works with zero setup.
 * With `PERFORMCHAT_BASE_URL` set, the emulator never starts.
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('Demo');
  let emulator: PerformChatEmulator | undefined;
  const config: Record<string, string | undefined> = {};

  // ConfigModule reads .env too, but only once the app is built: read it now, so that a
  // PERFORMCHAT_BASE_URL set there decides against the emulator.
  if (existsSync('.env')) process.loadEnvFile('.env');

  if (!process.env.PERFORMCHAT_BASE_URL) {
    // With the chat socket (socket.io), so the demo page can chat.
    emulator = await startPerformChatEmulator({ chat: true });
    Object.assign(config, {
      PERFORMCHAT_BASE_URL: emulator.url,
      PERFORMCHAT_KEY_ID: EMULATOR_DEMO_KEY.keyId,
      PERFORMCHAT_KEY_SECRET: EMULATOR_DEMO_KEY.keySecret,
      PERFORMCHAT_DEFAULT_AGENT_ID: process.env.PERFORMCHAT_DEFAULT_AGENT_ID || EMULATOR_DEMO_AGENT_ID,
    });
    logger.warn(
      `PERFORMCHAT_BASE_URL is not set: using the built-in PerformChat emulator at ${emulator.url} ` +
        '(set PERFORMCHAT_BASE_URL, PERFORMCHAT_KEY_ID and PERFORMCHAT_KEY_SECRET to use the real API)',
    );
  }

  const app = await createDemoApp({ config, traces: readDemoTraces(process.env) });
  if (emulator) {
    const running = emulator;
    app.getHttpServer().on('close', () => void running.close());
  }
  const port = readDemoPort(process.env);
  await app.listen(port, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');

  logger.log(`Demo app ready on ${base}`);
  logger.log(`Open the demo page:  ${base}/  (log in with any name, then chat)`);
  logger.log(`Get a chat token:    curl -s -H '${DEMO_USER_HEADER}: alice' ${base}/api/chat/token`);
  // content-type: application/json even with nothing to send: the route refuses what a cross-site form could POST.
  logger.log(
    `Revoke its tokens:   curl -s -X POST -H 'content-type: application/json' -H '${DEMO_USER_HEADER}: alice' -d '{}' ${base}/api/chat/token/revoke`,
  );
  logger.log(`Readiness:           curl -s ${base}/health/ready`);
  logger.log(`Metrics:             curl -s ${base}/metrics  (Prometheus; DEMO_TRACES=off silences the [Trace] lines)`);
  logger.log(`OpenAPI document:    ${base}/${DEMO_OPENAPI_JSON_PATH} (Swagger UI: ${base}/${DEMO_OPENAPI_UI_PATH})`);
}

bootstrap().catch((error: unknown) => {
  // Boot errors (bad configuration) are printed without a stack: they say what to fix.
  new Logger('Demo').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
