import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/** A browser's demo session. */
export interface DemoSession {
  userId: string;
  createdAt: number;
}

/** Sessions kept at most (the oldest goes first): a demo, but bounded all the same. */
export const DEMO_MAX_SESSIONS = 10_000;
/** Lifetime of a demo session, ms (12 h). */
export const DEMO_SESSION_TTL_MS = 12 * 3600_000;

/**
 * STAND-IN FOR YOUR APP'S SESSIONS: in memory, one process. A real app has its own session
 * store (express-session with Redis, Passport, its own JWT cookie, ...).
 */
@Injectable()
export class DemoSessionStore {
  private readonly sessions = new Map<string, DemoSession>();

  /** Time source, epoch ms (a test may replace it). */
  now: () => number = Date.now;

  /** Opens a session; returns its id (32 random bytes, base64url: the cookie value). */
  create(userId: string): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { userId, createdAt: this.now() });
    if (this.sessions.size > DEMO_MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    return id;
  }

  /** The live session of `id`, or undefined (unknown or expired). */
  get(id: string): DemoSession | undefined {
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (this.now() - session.createdAt >= DEMO_SESSION_TTL_MS) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Ends one session. */
  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  /** Ends every session of the user ("log out everywhere"); returns how many. */
  deleteUser(userId: string): number {
    let count = 0;
    for (const [id, session] of this.sessions) {
      if (session.userId === userId) {
        this.sessions.delete(id);
        count++;
      }
    }
    return count;
  }
}
