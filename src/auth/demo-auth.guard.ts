import { CanActivate, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { DEMO_SESSION_COOKIE, readCookie } from './demo-cookies';
import { DemoSessionStore } from './demo-session.store';

/** Header the demo reads the "logged-in" user from. Demo only: never trust a header like this in production. */
export const DEMO_USER_HEADER = 'x-demo-user';

/**
 * STAND-IN FOR YOUR APP'S AUTHENTICATION.
 *
 * A real app puts its own guard here (Passport `AuthGuard('jwt')`, a session guard, ...),
 * which sets `req.user`. The PerformChat token route then reads the user id with the
 * `resolveUserId` option (default `req.user.id ?? req.user.sub`).
 *
 * This demo guard knows two kinds of users:
 * - the `x-demo-user: <id>` header, so the flow can be tried with curl (and tests);
 * - the `demo_session` cookie of the demo page's login (`POST /api/demo/login`).
 * It never rejects: requests with neither stay anonymous, and the token route answers them 401.
 */
@Injectable()
export class DemoAuthGuard implements CanActivate {
  /** Optional: a module without the demo page (a test app) has header users only. */
  constructor(@Optional() private readonly sessions?: DemoSessionStore) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; user?: unknown }>();
    const header = request.headers[DEMO_USER_HEADER];
    if (typeof header === 'string' && header.trim().length > 0) {
      request.user = { id: header.trim() };
      return true;
    }
    const sessionId = readCookie(request.headers.cookie, DEMO_SESSION_COOKIE);
    const session = sessionId === undefined ? undefined : this.sessions?.get(sessionId);
    if (session !== undefined) request.user = { id: session.userId, sessionId };
    return true;
  }
}
