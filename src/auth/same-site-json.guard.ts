import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { DemoMessages } from '../demo.messages';

const JSON_CONTENT_TYPE = /^application\/json[ \t]*(?:;|$)/i;

/**
 * The demo's own POSTs (login, logout) against cross-site requests, like the token routes:
 * - `content-type: application/json` is required (415 otherwise): a page of another site can
 *   only send JSON after a CORS preflight, which this app never answers;
 * - a browser's `Sec-Fetch-Site: cross-site` is refused (403) outright (defence in depth; curl
 *   sends no such header).
 * Together with the `SameSite=Strict` session cookie, no other site can log a user in or out.
 */
@Injectable()
export class SameSiteJsonGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { method, headers } = context
      .switchToHttp()
      .getRequest<{ method: string; headers: Record<string, string | undefined> }>();
    if (method !== 'POST') return true;
    if (headers['sec-fetch-site'] === 'cross-site') throw new ForbiddenException(DemoMessages.crossSite);
    const type = headers['content-type'];
    if (!(typeof type === 'string' && JSON_CONTENT_TYPE.test(type)))
      throw new UnsupportedMediaTypeException(DemoMessages.notJson);
    return true;
  }
}
