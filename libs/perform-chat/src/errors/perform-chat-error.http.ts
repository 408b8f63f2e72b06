import { HttpStatus } from '@nestjs/common';
import { Messages } from '../perform-chat.messages';
import { PerformChatError } from './perform-chat.error';
import { PerformChatErrorCode } from './perform-chat-error-code';

/** `Retry-After` sent for unavailability when PerformChat gave no delay, in seconds. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** The HTTP answer a browser gets for a {@link PerformChatError}. */
export interface PerformChatHttpError {
  status: number;
  body: { statusCode: number; message: string; error: string; code: PerformChatErrorCode };
  /** Whole seconds for a `Retry-After` header, when the caller should retry later. */
  retryAfterSeconds?: number;
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Browser-safe messages for failures that are not the browser's fault (details stay in the server log). */
const GENERIC = Messages.browser;

/**
 * Maps a {@link PerformChatError} to an HTTP answer that does not mislead the browser:
 * - input problems (the caller's own `agentId`/`expiresIn`) → 400 / 403 with the real message;
 * - something the caller asked for by id that PerformChat does not have: an agent (`GET
 *   /agents/:id`'s 404), a customer user, a conversation → 404; an agent unknown to token
 *   generation (its 400) stays the caller's 400, or a 502 when `defaultAgentId` chose it;
 * - our key being refused (upstream 401) → 502, never 401, which would log the user out;
 * - PerformChat's 429 → 429, the module's own upstream budget → 503, both with `Retry-After`;
 * - timeouts, unreachability, 5xx, an open circuit → 503 + `Retry-After`;
 * - a customer-user store that cannot be read (revocation did nothing) → 503 + `Retry-After`;
 * - an unusable answer or an upstream 4xx about our own request → 502.
 */
export function toPerformChatHttpError(error: PerformChatError): PerformChatHttpError {
  const retryAfter = () =>
    error.retryAfterMs !== undefined ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : DEFAULT_RETRY_AFTER_SECONDS;
  const answer = (status: number, message: string, retryAfterSeconds?: number): PerformChatHttpError => ({
    status,
    body: { statusCode: status, message, error: REASON[status], code: error.code },
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });

  switch (error.code) {
    case PerformChatErrorCode.INVALID_ARGUMENT:
    case PerformChatErrorCode.INVALID_EXPIRES_IN:
      return answer(HttpStatus.BAD_REQUEST, error.message);
    case PerformChatErrorCode.AGENT_NOT_ALLOWED:
      return answer(HttpStatus.FORBIDDEN, error.message);
    case PerformChatErrorCode.AGENT_NOT_FOUND:
      if (error.field === 'defaultAgentId') return answer(HttpStatus.BAD_GATEWAY, GENERIC.agent);
      return error.status === HttpStatus.NOT_FOUND
        ? answer(HttpStatus.NOT_FOUND, error.message)
        : answer(HttpStatus.BAD_REQUEST, error.message);
    case PerformChatErrorCode.CUSTOMER_USER_NOT_FOUND:
    case PerformChatErrorCode.CONVERSATION_NOT_FOUND:
      return answer(HttpStatus.NOT_FOUND, error.message);
    case PerformChatErrorCode.INVALID_CREDENTIALS:
      return answer(HttpStatus.BAD_GATEWAY, GENERIC.credentials);
    case PerformChatErrorCode.RATE_LIMITED:
      return error.status === HttpStatus.TOO_MANY_REQUESTS
        ? answer(HttpStatus.TOO_MANY_REQUESTS, GENERIC.busy, retryAfter())
        : answer(HttpStatus.SERVICE_UNAVAILABLE, GENERIC.busy, retryAfter());
    case PerformChatErrorCode.TIMEOUT:
    case PerformChatErrorCode.UNREACHABLE:
    case PerformChatErrorCode.UPSTREAM_ERROR:
    case PerformChatErrorCode.UPSTREAM_UNAVAILABLE:
      return answer(HttpStatus.SERVICE_UNAVAILABLE, GENERIC.unavailable, retryAfter());
    case PerformChatErrorCode.STORE_UNAVAILABLE:
      return answer(HttpStatus.SERVICE_UNAVAILABLE, GENERIC.store, retryAfter());
    case PerformChatErrorCode.UPSTREAM_BAD_REQUEST:
    case PerformChatErrorCode.INVALID_RESPONSE:
    default:
      return answer(HttpStatus.BAD_GATEWAY, GENERIC.badGateway);
  }
}
