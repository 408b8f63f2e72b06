import type { PerformChatSessionIdResolver } from './token-reuse.options';

/**
 * Applies `tokenReuse.resolveSessionId` to a request: a non-empty string is the session; anything
 * else, or a resolver that throws, is "no session" (the request then gets a fresh token that is
 * not kept, never one of another session).
 */
export function readSessionId(request: unknown, resolve: PerformChatSessionIdResolver): string | undefined {
  try {
    const value: unknown = resolve(request);
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
