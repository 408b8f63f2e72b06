/** The two documented operations the client performs. */
export type PerformChatOperation = 'generateToken' | 'invalidateTokens';

/** What the error mapping needs to know about the call that failed. */
export interface PerformChatCallContext {
  operation: PerformChatOperation;
  /** The agent asked for (token generation), named in `AGENT_NOT_FOUND` messages. */
  agentId?: string;
  /** Where `agentId` came from: the caller, or the `defaultAgentId` option (a configuration problem). */
  agentSource?: 'agentId' | 'defaultAgentId';
  /** The customer user (invalidation), named in `CUSTOMER_USER_NOT_FOUND` messages. */
  customerUserId?: string;
}

/** A raw HTTP answer from PerformChat, before any interpretation. */
export interface PerformChatHttpAnswer {
  status: number;
  headers: Record<string, unknown>;
  /** The body as text (at most `maxResponseBytes`). */
  body: string;
}
