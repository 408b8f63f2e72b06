import type { PerformChatInvalidation } from '../client/resources/auth.interfaces';

/** Input of {@link PerformChatAuthService.generateToken}. */
export interface GenerateTokenRequest {
  /** The user's id in your own system (becomes PerformChat's customer-user `externalId`). */
  userId: string;
  /** The agent of the chat session; defaults to the `defaultAgentId` option. */
  agentId?: string;
  /** Token lifetime `<n>s|m|h|d`; defaults to the `defaultExpiresIn` option. */
  expiresIn?: string;
  /**
   * With `tokenReuse`: the login session the token is for; only requests of the same session
   * share a token (the token route sets it from `tokenReuse.resolveSessionId`).
   */
  sessionId?: string;
  /** With `tokenReuse`: `false` gets a fresh token that is not kept for reuse. @default true */
  reuse?: boolean;
  /**
   * With `tokenReuse`: the stored token was refused by the chat server (expired by its clock,
   * revoked elsewhere): generate a new one, which replaces it. @default false
   */
  fresh?: boolean;
}

/** Options of {@link PerformChatAuthService.invalidateUsers}. */
export interface InvalidateUsersOptions {
  /** Invalidations in flight at once. @default 4 */
  concurrency?: number;
}

/** One user's outcome in {@link PerformChatAuthService.invalidateUsers}. */
export interface UserInvalidationResult {
  userId: string;
  invalidations: PerformChatInvalidation[];
  /** Set when this user's revocation failed (retrying is safe). */
  error?: Error;
}

/** Options of {@link PerformChatAuthService.invalidateAllKnownUsers}. */
export interface InvalidateAllOptions {
  /** Invalidations in flight at once. @default 4 */
  concurrency?: number;
  /** Called after each customer user is handled. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/** Outcome of {@link PerformChatAuthService.invalidateAllKnownUsers}. */
export interface InvalidateAllSummary {
  /** Customer users found in the store. */
  total: number;
  invalidated: number;
  /** Customer users PerformChat no longer knows (dropped from the store). */
  gone: number;
  failed: { userId: string; customerUserId: string; error: Error }[];
}
