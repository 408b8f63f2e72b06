import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PerformChatError } from './perform-chat.error';
import { toPerformChatHttpError } from './perform-chat-error.http';

/**
 * Turns a {@link PerformChatError} into an HTTP answer `{ statusCode, message, error, code }`
 * (plus `Retry-After` when the caller should retry), on Express and Fastify. Used by the
 * token routes; put it on your own routes that call `PerformChatAuthService` with
 * `@UseFilters(PerformChatExceptionFilter)` or `app.useGlobalFilters(...)`.
 *
 * It writes nothing to the log: the module already logs one line per failed upstream call.
 */
@Catch(PerformChatError)
@Injectable()
export class PerformChatExceptionFilter implements ExceptionFilter<PerformChatError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: PerformChatError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse();
    const answer = toPerformChatHttpError(error);
    if (answer.retryAfterSeconds !== undefined) {
      httpAdapter.setHeader(response, 'Retry-After', String(answer.retryAfterSeconds));
    }
    httpAdapter.setHeader(response, 'Cache-Control', 'no-store');
    httpAdapter.reply(response, answer.body, answer.status);
  }
}
