import { CanActivate, ExecutionContext, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { Messages } from '../perform-chat.messages';

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * A POST body in another format (form, text, XML) is refused with 415 rather than silently
 * ignored; a POST without a body is fine. Runs before validation on Express and Fastify alike.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
    const type = headers['content-type'];
    if (hasBody && !(typeof type === 'string' && JSON_CONTENT_TYPE.test(type))) {
      throw new UnsupportedMediaTypeException(Messages.notJson());
    }
    return true;
  }
}
