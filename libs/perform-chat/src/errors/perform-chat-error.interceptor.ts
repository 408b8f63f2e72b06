import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Observable, throwError } from 'rxjs';
// From rxjs/operators, not the root: the root exports operators only since rxjs 7.2 and the peer range starts at 7.1.
import { catchError } from 'rxjs/operators';
import { isPerformChatError } from './perform-chat.error';
import { toPerformChatHttpError } from './perform-chat-error.http';

/**
 * Registered app-wide by `PerformChatModule` (the `globalErrorInterceptor` extra, on by
 * default): a {@link PerformChatError} thrown by any HTTP route of the app, typically your
 * own route calling `PerformChatAuthService`, becomes the honest answer the token route gives
 * (503/502/504/429/400/403/404 with `Retry-After` where it applies) instead of a 500.
 *
 * Why an interceptor and not a global filter: Nest picks the most recently registered global
 * filter first, so a filter of ours would take PerformChat errors away from an app's own
 * catch-all filter. Here the error is only translated, into an `HttpException` whose `cause`
 * is the original error: the app's filters still see it (with the right status), and Nest's
 * default handler answers the same body as the token route. Any other error passes untouched.
 */
@Injectable()
export class PerformChatErrorInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() => (isPerformChatError(error) ? this.translate(error, context) : error)),
        ),
      );
  }

  private translate(error: Parameters<typeof toPerformChatHttpError>[0], context: ExecutionContext): HttpException {
    const answer = toPerformChatHttpError(error);
    const { httpAdapter } = this.adapterHost;
    const response: unknown = context.switchToHttp().getResponse();
    if (httpAdapter && response) {
      if (answer.retryAfterSeconds !== undefined)
        httpAdapter.setHeader(response, 'Retry-After', String(answer.retryAfterSeconds));
      httpAdapter.setHeader(response, 'Cache-Control', 'no-store');
    }
    return new HttpException(answer.body, answer.status, { cause: error });
  }
}
