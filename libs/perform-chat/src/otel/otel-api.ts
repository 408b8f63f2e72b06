import { Messages } from '../perform-chat.messages';

/** The `@opentelemetry/api` module, as the app has it installed. */
export type OtelApi = typeof import('@opentelemetry/api');

let loaded: OtelApi;
// The one deliberate load-time require of an optional peer (scripts/pack-lib.js allows it here
// only): `nestjs-performchat/otel` is useless without the API, so importing the subpath without
// it fails at once with what to install. The core entry never loads this file.
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = require('@opentelemetry/api') as OtelApi;
} catch (error) {
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  // Only a missing package is reported as such; a broken install keeps its own error.
  if (code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes("'@opentelemetry/api'")) {
    throw new Error(Messages.otelApiMissing(), { cause: error });
  }
  throw error;
}

/** `@opentelemetry/api`, loaded once. */
export const otelApi: OtelApi = loaded;
