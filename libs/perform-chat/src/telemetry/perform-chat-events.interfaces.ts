/** Passed to the `onTokenIssued` hook. Never holds the token or the secret. */
export interface PerformChatTokenIssuedEvent {
  /** Your user id. */
  userId: string;
  agentId: string;
  customerUserId: string;
  companyId: string;
  expiresAt: Date;
  expiresInSeconds: number;
}

/** Passed to the `onTokensInvalidated` hook after each successful invalidation. */
export interface PerformChatTokensInvalidatedEvent {
  customerUserId: string;
  newTokenVersion: number;
  /** Your user id, when the invalidation went through `invalidateUserTokens` and friends. */
  userId?: string;
}
