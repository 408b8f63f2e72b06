import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Messages } from '../perform-chat.messages';
import { unsupportedMediaType } from './token-route.errors';

/** `application/json`, with parameters (`; charset=utf-8`) or none; not the `+json` types. */
const JSON_CONTENT_TYPE = /^application\/json[ \t]*(?:;|$)/i;

/**
 * Every POST to the token routes must say `content-type: application/json`, even with an empty
 * body; anything else is refused with 415 before the per-user limit is spent.
 *
 * - CSRF: a cross-site HTML form (or a no-cors `fetch`) can POST a form, multipart or
 *   `text/plain` body, or none at all, without a CORS preflight, and with the user's cookies.
 *   `application/json` cannot be sent cross-site without a preflight that your CORS policy
 *   answers, so requiring it keeps other sites from issuing or revoking the user's tokens.
 * - `+json` types (`application/vnd.api+json`, `merge-patch+json`, ...) are refused too: the
 *   framework's default JSON parsers (Express `express.json()`, Fastify's) do not read them, so
 *   their body would arrive empty and the request would silently get the defaults.
 *
 * GET and HEAD pass through (HEAD is {@link NoHeadGuard}'s business).
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { method, headers } = context
      .switchToHttp()
      .getRequest<{ method: string; headers: Record<string, string | string[] | undefined> }>();
    if (method !== 'POST') return true;
    const type = headers['content-type'];
    if (!(typeof type === 'string' && JSON_CONTENT_TYPE.test(type))) {
      throw unsupportedMediaType(Messages.notJson());
    }
    return true;
  }
}
