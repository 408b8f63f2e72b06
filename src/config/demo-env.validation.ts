import { performChatConfig, validatePerformChatOptions } from 'nestjs-performchat';
import { readDemoPageConfig } from '../web/demo-page.config';

/** The demo's port: `PORT`, 3000 when unset or empty (as in `.env.example`). */
export function readDemoPort(env: Record<string, unknown>): number {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('PORT must be a whole number from 0 to 65535');
  }
  return port;
}

/** `DEMO_TRACES`: `console` (one log line per span of the module, the default of `npm start`) or `off`. */
export function readDemoTraces(env: Record<string, unknown>): 'console' | 'off' {
  const value = env.DEMO_TRACES === undefined || env.DEMO_TRACES === '' ? 'console' : env.DEMO_TRACES;
  if (value !== 'console' && value !== 'off') throw new Error('DEMO_TRACES must be console or off');
  return value;
}

/**
 * `ConfigModule.forRoot({ validate })`: checks every `PERFORMCHAT_*` variable with the
 * library's own rules (so a typo stops the app at once, naming the variable's option) and
 * the demo's `PORT` and page settings (`DEMO_*`).
 */
export function assertDemoEnv(env: Record<string, unknown>): void {
  validatePerformChatOptions(performChatConfig(env as Record<string, string | undefined>));
  readDemoPort(env);
  readDemoTraces(env);
  readDemoPageConfig(env);
}
