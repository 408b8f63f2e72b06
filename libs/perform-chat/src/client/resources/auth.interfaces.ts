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
