/** Input of {@link PerformChatAuthService.generateToken}. */
export interface GenerateTokenRequest {
  /** The user's id in your own system (becomes PerformChat's customer-user `externalId`). */
  userId: string;
  /** The agent of the chat session; defaults to the `defaultAgentId` option. */
  agentId?: string;
  /** Token lifetime `<n>s|m|h|d`; defaults to the `defaultExpiresIn` option. */
  expiresIn?: string;
}

/** PerformChat's customer user: its internal `id` is the only handle for invalidation. */
export interface PerformChatCustomerUser {
  /** PerformChat's internal id (store it: invalidation needs it). */
  id: string;
  /** Your user id, as sent in `userId`. */
  externalId: string;
  companyId: string;
  agentId: string;
}

export interface PerformChatAgent {
  id: string;
  name: string;
  active: boolean;
}

export interface PerformChatApiKeyInfo {
  id: string;
  name: string;
  environment: string;
}

/** A chat token and what PerformChat said about it. Only `token`, the expiry and the agent belong in a browser. */
export interface PerformChatToken {
  /** The JWT for the chat widget. Never log it. */
  token: string;
  /** When the token expires: the JWT's `exp` claim, else the lifetime asked for from a clock read before the call. */
  expiresAt: Date;
  /** Seconds from now until `expiresAt` (rounded down), at the time the response was read. */
  expiresInSeconds: number;
  /** Normalised from the response's `customerUser` or `user` (the docs show both). */
  customerUser: PerformChatCustomerUser;
  agent: PerformChatAgent;
  /** Present when PerformChat sends it (the token-generation page shows it, the examples page does not). */
  apiKey?: PerformChatApiKeyInfo;
}

/** Result of invalidating all tokens of one customer user. */
export interface PerformChatInvalidation {
  customerUserId: string;
  /** The customer user's token version after the increment; older tokens are now rejected. */
  newTokenVersion: number;
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
