import { Logger } from '@nestjs/common';
import { LOGGER_CONTEXT } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';

/**
 * Reads the logged-in user's id from the request, the way the `resolveUserId` option
 * says. The default takes `req.user.id`, else `req.user.sub` (what Passport strategies and
 * JWT guards usually leave there). It runs after your authentication guard.
 */
// `any` on purpose: your resolver may type the request as your framework's (Express, Fastify, with your user).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PerformChatUserIdResolver = (request: any) => string | number | null | undefined;

export const defaultResolveUserId: PerformChatUserIdResolver = (request) => {
  const user = request?.user;
  return user?.id ?? user?.sub;
};

/** What a resolver answered for a request, normalised: the guard and the route resolve once per request. */
const resolved = new WeakMap<object, Map<PerformChatUserIdResolver, string | undefined>>();
let warnedAboutThrowingResolver = false;

/**
 * Applies a resolver and normalises its answer: a number becomes its decimal string;
 * `undefined`, `null`, `''` and anything else that is not a string or finite number mean
 * "no user". A resolver that throws also means "no user" (a 401), and the first time it does
 * its error is logged: a silent 401 would hide a bug in the resolver. The answer is kept for
 * the request once a user is found, so the rate-limit guard and the token route call the
 * resolver once.
 */
export function readUserId(request: unknown, resolve: PerformChatUserIdResolver): string | undefined {
  const cache = typeof request === 'object' && request !== null ? resolved.get(request) : undefined;
  if (cache?.has(resolve)) return cache.get(resolve);
  const userId = resolveOnce(request, resolve);
  // Only a user found is kept: a guard that (wrongly) runs before authentication must not
  // make the route see "no user" after authentication has set it.
  if (userId !== undefined && typeof request === 'object' && request !== null) {
    (cache ?? resolved.set(request, new Map()).get(request))?.set(resolve, userId);
  }
  return userId;
}

function resolveOnce(request: unknown, resolve: PerformChatUserIdResolver): string | undefined {
  let value: unknown;
  try {
    value = resolve(request);
  } catch (error) {
    if (!warnedAboutThrowingResolver) {
      warnedAboutThrowingResolver = true;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      new Logger(LOGGER_CONTEXT).warn(
        performChatLogEntry('user-id.resolver-threw', Messages.resolverThrew(reason), { reason }),
      );
    }
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.length > 0) return value;
  return undefined;
}
