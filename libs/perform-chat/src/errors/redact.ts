import { Messages } from '../perform-chat.messages';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;
const MAX_UPSTREAM_MESSAGE_LENGTH = 200;

/**
 * Makes a text from PerformChat safe to put in an error or a log: removes every occurrence
 * of the given secrets, control characters, and cuts it to 200 characters.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let safe = text;
  for (const secret of secrets) {
    if (secret) safe = safe.split(secret).join('[REDACTED]');
  }
  safe = safe.replace(CONTROL_CHARACTERS, ' ').trim();
  return safe.length > MAX_UPSTREAM_MESSAGE_LENGTH ? `${safe.slice(0, MAX_UPSTREAM_MESSAGE_LENGTH - 3)}...` : safe;
}

/** The `message` of an error body (`{ statusCode, message, error }`), which Nest-style APIs may send as an array. */
export function readUpstreamMessage(body: unknown, secrets: readonly string[]): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, error } = body as { message?: unknown; error?: unknown };
  const text = Array.isArray(message)
    ? message.filter((m) => typeof m === 'string').join('; ')
    : typeof message === 'string'
      ? message
      : typeof error === 'string'
        ? error
        : undefined;
  return text ? redact(text, secrets) || undefined : undefined;
}

/**
 * The forms in which a secret can show up in text: as is, JSON-escaped (inside a serialised
 * request body) and URL-encoded. Redact all of them.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  return [...forms].filter((form) => form.length > 0);
}

/**
 * A new, plain `Error` in place of something unexpected the HTTP transport threw: the name and
 * message redacted, the stack frames kept (file positions, never data), and nothing else — no
 * `config`, `request` or `response`, where an axios error keeps the request body and headers.
 */
export function scrubUnexpectedError(error: unknown, secrets: readonly string[]): Error {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const scrubbed = new Error(Messages.transportUnexpected(redact(name, secrets), redact(message, secrets)));
  const frames =
    error instanceof Error && typeof error.stack === 'string'
      ? error.stack.split('\n').filter((line) => /^\s+at /.test(line))
      : [];
  scrubbed.stack = [`Error: ${scrubbed.message}`, ...frames.map((frame) => redact(frame, secrets))].join('\n');
  return scrubbed;
}
