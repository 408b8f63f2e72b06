import type { PerformChatQuery } from '../perform-chat-resource.interfaces';
import type { PerformChatPageQuery } from './rest.interfaces';

/**
 * A 404 about the record asked for, told from a 404 about the path (a wrong `baseUrl` gets
 * "Cannot GET /..."): the message says "not found" and names the kind of record.
 */
export function isNotFound(status: number, upstreamMessage: string | undefined, kind: RegExp): boolean {
  const message = upstreamMessage ?? '';
  return status === 404 && /not found/i.test(message) && kind.test(message);
}

/** `page` and `limit` of a list call (unset ones left out: PerformChat's defaults apply). */
export function pageQuery({ page, limit }: PerformChatPageQuery): PerformChatQuery {
  return { page, limit };
}
