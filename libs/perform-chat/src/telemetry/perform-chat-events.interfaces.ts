/** Passed to the `onTokenIssued` hook after every token handed out. Never holds the token or the secret. */
export interface PerformChatTokenIssuedEvent {
  /** Your user id. */
  userId: string;
  agentId: string;
  customerUserId: string;
  companyId: string;
  expiresAt: Date;
  expiresInSeconds: number;
  /**
   * How the token was obtained: `generated` by PerformChat for this call, `reused` (a stored
   * token handed out again, `tokenReuse`), or `shared` (the generation of a concurrent request
   * for the same token).
   */
  source: 'generated' | 'reused' | 'shared';
}

/** Passed to the `onTokensInvalidated` hook after each successful invalidation. */
export interface PerformChatTokensInvalidatedEvent {
  customerUserId: string;
  newTokenVersion: number;
  /** Your user id, when the invalidation went through `invalidateUserTokens` and friends. */
  userId?: string;
}
