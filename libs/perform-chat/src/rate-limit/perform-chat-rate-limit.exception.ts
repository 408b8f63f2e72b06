import { HttpException, HttpStatus } from '@nestjs/common';
import { Messages } from '../perform-chat.messages';
import { USER_RATE_LIMITED } from './perform-chat-rate-limit.constants';

/** Body of the 429 answer of `PerformChatRateLimitGuard`. */
export interface PerformChatRateLimitBody {
  statusCode: 429;
  message: string;
  error: 'Too Many Requests';
  code: typeof USER_RATE_LIMITED;
}

/**
 * Thrown by `PerformChatRateLimitGuard` when a caller is over its limit: HTTP 429 with
 * `{ statusCode, message, error, code: 'USER_RATE_LIMITED' }`. The guard has already set
 * `Retry-After` and the `X-RateLimit-*` headers on the response.
 */
export class PerformChatRateLimitException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    const body: PerformChatRateLimitBody = {
      statusCode: HttpStatus.TOO_MANY_REQUESTS,
      message: Messages.userRateLimited(retryAfterSeconds),
      error: 'Too Many Requests',
      code: USER_RATE_LIMITED,
    };
    super(body, HttpStatus.TOO_MANY_REQUESTS);
  }
}
