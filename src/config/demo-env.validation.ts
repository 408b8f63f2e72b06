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

/**
 * `ConfigModule.forRoot({ validate })`: checks every `PERFORMCHAT_*` variable with the
 * library's own rules (so a typo stops the app at once, naming the variable's option) and
 * the demo's `PORT` and page settings (`DEMO_*`).
 */
export function assertDemoEnv(env: Record<string, unknown>): void {
  validatePerformChatOptions(performChatConfig(env as Record<string, string | undefined>));
  readDemoPort(env);
  readDemoPageConfig(env);
}
