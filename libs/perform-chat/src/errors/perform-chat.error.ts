import { inspect } from 'node:util';
import { PerformChatErrorCode } from './perform-chat-error-code';

/** Extra facts an error may carry. None of them ever holds a key secret or a token. */
export interface PerformChatErrorDetails {
  /** HTTP status PerformChat answered with, when it answered. */
  status?: number;
  /** The `message` of PerformChat's error body (redacted, at most 200 characters). */
  upstreamMessage?: string;
  /** How long to wait before trying again, from `Retry-After` or a local limiter. */
  retryAfterMs?: number;
  /** The argument or option at fault, for `INVALID_ARGUMENT` / `INVALID_EXPIRES_IN`. */
  field?: string;
}

/**
 * The only error type the library throws for PerformChat-related failures.
 *
 * It is built from facts, never by wrapping a transport error: an `AxiosError` keeps the
 * request body (with `keySecret`) in `config.data`, so it is never attached as `cause`.
 */
export class PerformChatError extends Error {
  override readonly name = 'PerformChatError';
  readonly code: PerformChatErrorCode;
  readonly status?: number;
  readonly upstreamMessage?: string;
  readonly retryAfterMs?: number;
  readonly field?: string;

  constructor(code: PerformChatErrorCode, message: string, details: PerformChatErrorDetails = {}) {
    super(message);
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.upstreamMessage !== undefined) this.upstreamMessage = details.upstreamMessage;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.field !== undefined) this.field = details.field;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      upstreamMessage: this.upstreamMessage,
      retryAfterMs: this.retryAfterMs,
      field: this.field,
    };
  }

  /** `util.inspect` / `console.log` show the same safe fields as `toJSON`, plus the stack. */
  [inspect.custom](): string {
    const extras = Object.entries(this.toJSON())
      .filter(([key, value]) => value !== undefined && key !== 'name' && key !== 'message')
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
      .join(', ');
    return `${this.stack ?? `${this.name}: ${this.message}`}${extras ? ` { ${extras} }` : ''}`;
  }
}

/** True when `error` is a {@link PerformChatError}, optionally of one of the given codes. */
export function isPerformChatError(error: unknown, ...codes: PerformChatErrorCode[]): error is PerformChatError {
  return error instanceof PerformChatError && (codes.length === 0 || codes.includes(error.code));
}
