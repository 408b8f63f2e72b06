import { performChatConfig, validatePerformChatOptions } from 'nestjs-performchat';

/** Variables the demo app reads besides the library's `PERFORMCHAT_*` ones. */
export interface DemoEnv {
  PORT: number;
  [key: string]: unknown;
}

/**
 * `ConfigModule.forRoot({ validate })`: checks every `PERFORMCHAT_*` variable with the
 * library's own rules (so a typo stops the app at once, naming the variable's option) and
 * the demo's `PORT`.
 */
export function validateDemoEnv(env: Record<string, unknown>): DemoEnv {
  validatePerformChatOptions(performChatConfig(env as Record<string, string | undefined>));
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('PORT must be a whole number from 0 to 65535');
  }
  return { ...env, PORT: port };
}
