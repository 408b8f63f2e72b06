/** Name of the demo's session cookie. */
export const DEMO_SESSION_COOKIE = 'demo_session';

/** The value of cookie `name` in a `Cookie` header, or undefined. */
export function readCookie(header: unknown, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * `Set-Cookie` of the session: `HttpOnly` (no script reads it), `SameSite=Strict` (no other
 * site's page, link or form sends it: the token routes' GET cannot be triggered cross-site),
 * `Path=/`. A real app on HTTPS adds `Secure`; the demo runs on plain http://localhost.
 */
export function sessionCookie(id: string, maxAgeSeconds: number): string {
  return `${DEMO_SESSION_COOKIE}=${id}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Strict`;
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(): string {
  return `${DEMO_SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`;
}
