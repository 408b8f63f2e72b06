/**
 * Reads the logged-in user's id from the request, the way the `resolveUserId` option
 * says. The default takes `req.user.id`, else `req.user.sub` (what Passport strategies and
 * JWT guards usually leave there). It runs after your authentication guard.
 */
export type PerformChatUserIdResolver = (request: any) => string | number | null | undefined;

export const defaultResolveUserId: PerformChatUserIdResolver = (request) => {
  const user = request?.user;
  return user?.id ?? user?.sub;
};

/**
 * Applies a resolver and normalises its answer: a number becomes its decimal string;
 * `undefined`, `null`, `''` and anything else that is not a string or finite number mean
 * "no user". A resolver that throws also means "no user".
 */
export function readUserId(request: unknown, resolve: PerformChatUserIdResolver): string | undefined {
  let value: unknown;
  try {
    value = resolve(request);
  } catch {
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.length > 0) return value;
  return undefined;
}
