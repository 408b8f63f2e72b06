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
