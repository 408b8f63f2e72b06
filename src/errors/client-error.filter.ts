import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

/** What the framework throws for a request it refuses before any route (body-parser's http-errors). */
interface FrameworkClientError {
  statusCode: number;
  message: string;
  /** http-errors: `false` when the message must not reach the client. */
  expose?: boolean;
}

/** A 4xx error object that is not an `HttpException` (those have `getStatus()` and are never logged). */
function asFrameworkClientError(exception: unknown): FrameworkClientError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { statusCode, message, getStatus } = exception as Partial<FrameworkClientError> & { getStatus?: unknown };
  if (typeof getStatus === 'function' || typeof message !== 'string') return undefined;
  return Number.isInteger(statusCode) && statusCode! >= 400 && statusCode! <= 499
    ? (exception as FrameworkClientError)
    : undefined;
}

/**
 * One log line per refused request, never a stack trace.
 *
 * Nest's built-in filter logs every error that is not an `HttpException` with its whole stack,
 * and Express's body parser throws plain http-errors: each 413 (body over the size limit), bad
 * charset (415) or aborted upload (400) costs about 16 lines, so anyone can flood the logs.
 * Fastify's own refusals already arrive as `HttpException`s (logged not at all). This filter
 * answers those client errors exactly as the built-in one does (`{ statusCode, message }`) and
 * logs one warning line; everything else (5xx, your own exceptions) goes to the built-in filter.
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const error = host.getType() === 'http' ? asFrameworkClientError(exception) : undefined;
    if (error === undefined) return super.catch(exception, host);

    const adapter = this.httpAdapterHost!.httpAdapter;
    const request = host.switchToHttp().getRequest();
    const response = host.switchToHttp().getResponse();
    const { statusCode } = error;
    const message = error.expose === false ? (STATUS_CODES[statusCode] ?? 'Client error') : error.message;
    // The path without its query (which may hold anything), bounded.
    const path = String(adapter.getRequestUrl(request)).split('?')[0].slice(0, 200);
    this.logger.warn(`Refused ${adapter.getRequestMethod(request)} ${path}: ${statusCode} ${message}`);
    if (adapter.isHeadersSent(response)) adapter.end(response);
    else adapter.reply(response, { statusCode, message }, statusCode);
  }
}
