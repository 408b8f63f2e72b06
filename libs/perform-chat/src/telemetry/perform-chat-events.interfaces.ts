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

/**
 * Passed to the `onKeyRotated` hook (and reported as a `key.rotated` event) when the module
 * switched API keys. Key ids only, never a secret.
 */
export interface PerformChatKeyRotatedEvent {
  /** The key used until now. */
  fromKeyId: string;
  /** The key used from now on. */
  toKeyId: string;
  /** `nextKey`: a configured next key worked; `credentials`: the provider gave a new key. */
  source: 'nextKey' | 'credentials';
  /** `unauthorized`: PerformChat answered 401 for the old key; `refresh`: a scheduled read of the provider. */
  trigger: 'unauthorized' | 'refresh';
  /** PerformChat's message for the old key (`Expired API key`, ...), when it sent one. */
  upstreamMessage?: string;
}
