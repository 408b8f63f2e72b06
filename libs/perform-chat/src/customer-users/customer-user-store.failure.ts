import { Messages } from '../perform-chat.messages';
import { redact } from '../errors/redact';

/**
 * ioredis errors that mean "Redis does not answer", recognised by name, message or code:
 * never by `instanceof` on ioredis classes (the app may load another copy of ioredis).
 */
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'AbortError', 'ClusterAllFailedError']);
const UNAVAILABLE_MESSAGES =
  /^(Connection is closed\.|Stream isn't writeable|None of startup nodes is available|Failed to refresh slots cache)/;
/** Redis replies that say the server is there but cannot serve now (loading, failover, cluster down). */
const UNAVAILABLE_REPLIES = /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY)\b/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function shape(error: unknown): { name: string; message: string; code: string } {
  if (typeof error !== 'object' || error === null) return { name: '', message: String(error), code: '' };
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof name === 'string' ? name : '',
    message: typeof message === 'string' ? message : '',
    code: typeof code === 'string' ? code : '',
  };
}

/** True when a Redis command failed because Redis is unreachable or cannot serve right now. */
export function isRedisUnavailable(error: unknown): boolean {
  const { name, message, code } = shape(error);
  return (
    UNAVAILABLE_NAMES.has(name) ||
    UNAVAILABLE_MESSAGES.test(message) ||
    NETWORK_CODES.has(code) ||
    (name === 'ReplyError' && UNAVAILABLE_REPLIES.test(message))
  );
}

/**
 * One short, secret-free phrase for a failed Redis command, for a log line: "does not answer
 * (MaxRetriesPerRequestError)" rather than ioredis's long message and stack.
 */
export function describeRedisFailure(error: unknown): string {
  const { name, message, code } = shape(error);
  if (isRedisUnavailable(error)) {
    // The most telling short word: the network code, the reply (LOADING...), the error class, else the message.
    const what =
      code || (name === 'ReplyError' ? message.split(' ')[0] : name !== 'Error' && name) || redact(message, []);
    return Messages.redisNoAnswer(what);
  }
  if (name === 'ReplyError') return Messages.redisRefusedCommand(redact(message, []));
  return Messages.redisFailed(describeStoreFailure(error));
}

/** `Name: message` of any store failure, without control characters, at most 200 characters. */
export function describeStoreFailure(error: unknown): string {
  const { name, message } = shape(error);
  if (typeof error !== 'object' || error === null) return redact(message, []);
  return redact(name && message ? `${name}: ${message}` : name || message || 'unknown error', []);
}
