import type { EmulatorTokenInvalidReason } from '../emulator.interfaces';

/** Who wrote a chat message. */
export type EmulatorChatRole = 'user' | 'agent';

/** One message of a conversation. */
export interface EmulatorChatMessage {
  /** Opaque id (cuid-like). */
  id: string;
  role: EmulatorChatRole;
  content: string;
  /** ISO 8601. */
  at: string;
}

/** A conversation: one customer user with one agent, its messages in order. */
export interface EmulatorConversation {
  /** Opaque id (cuid-like), the `conversationId` of the socket events. */
  id: string;
  customerUserId: string;
  agentId: string;
  companyId: string;
  /** ISO 8601. */
  createdAt: string;
  /** Oldest first; at most `maxMessagesPerConversation` (the oldest are dropped). */
  messages: EmulatorChatMessage[];
  /** The `title` of the conversations API: set by a seed (`addConversation`); chats have none (`null`). */
  title?: string;
}

/** What a scripted reply function is given. */
export interface EmulatorChatReplyContext {
  /** The user's message. */
  message: string;
  conversationId: string;
  customerUserId: string;
  agentId: string;
  /** How many user messages this conversation has had, this one included (1 for the first). */
  turn: number;
}

/**
 * The scripted agent that answers `chat:message`. Default: echo (`Echo: <message>`), at once,
 * in one piece.
 */
export interface EmulatorChatAgentScript {
  /**
   * Canned replies, used in turn (the first message gets the first reply, and so on, cycling).
   * A function computes each reply instead. Default: echo.
   */
  replies?: string[] | ((context: EmulatorChatReplyContext) => string);
  /** Milliseconds before the reply (or its first chunk). Default 0. */
  delayMs?: number;
  /**
   * Sends the reply in chunks of this many characters, each a `chat:response` with `done: false`
   * except the last. Default: the whole reply at once.
   */
  chunkSize?: number;
  /** Milliseconds between chunks. Default 50. */
  chunkIntervalMs?: number;
}

/** Options of the chat socket (`chat` option of the emulator). */
export interface EmulatorChatOptions {
  /** Scripted agent replies (every agent answers with the same script). Default: echo. */
  agent?: EmulatorChatAgentScript;
  /**
   * Invalidating a customer user's tokens (`POST /rest/v1/auth/invalidate-token`) disconnects
   * that user's live sockets at once, after a `chat:error` with reason `token_version`.
   * The PerformChat docs do not say whether PerformChat does this. Default `true`.
   */
  disconnectOnInvalidate?: boolean;
  /** Longest accepted `message`, in characters. Default 4000. */
  maxMessageLength?: number;
  /** Messages kept per conversation (the oldest are dropped). Default 200. */
  maxMessagesPerConversation?: number;
  /** Conversations kept (the oldest are dropped). Default 10 000. */
  maxConversations?: number;
}

/** Why a handshake or an event was refused: a token check, or a chat rule. */
export type EmulatorChatRefusalReason =
  | EmulatorTokenInvalidReason
  | 'missing_token'
  | 'unavailable'
  | 'agent_mismatch'
  | 'user_mismatch'
  | 'conversation_not_found'
  | 'not_joined'
  | 'invalid_message';

/**
 * The `data` of a refused handshake's `connect_error` (its `message` is the same text), and the
 * payload of `chat:error`.
 */
export interface EmulatorChatError {
  reason: EmulatorChatRefusalReason;
  message: string;
  /** The event refused (`chat:join`, `chat:message`); absent for a disconnect by the server. */
  event?: string;
}

/** Where a socket fault applies. */
export type EmulatorSocketFaultTarget = 'handshake' | 'join' | 'message';

/** What a socket fault does. */
export type EmulatorSocketFaultKind = 'refuse' | 'drop' | 'delay';

/**
 * A fault of the chat socket, applied to the next matching handshake(s) or event(s):
 * - `refuse`: a handshake gets `connect_error` (reason `unavailable` unless `reason` says
 *   otherwise); an event gets `chat:error` instead of being processed;
 * - `drop`: the connection is closed without an answer (the client sees `transport close`
 *   and reconnects by itself);
 * - `delay`: the handshake is accepted, or the event answered, `delayMs` later.
 */
export interface EmulatorSocketFaultSpec {
  on: EmulatorSocketFaultTarget;
  kind: EmulatorSocketFaultKind;
  /** How many matches it applies to. Default 1; `null` or `-1` = until cleared. */
  times?: number | null;
  /** `delay`: milliseconds. Required for `delay`. */
  delayMs?: number;
  /** `refuse`: the refusal reason. Default `unavailable`. */
  reason?: EmulatorChatRefusalReason;
}

/** A registered socket fault. */
export interface EmulatorSocketFault extends EmulatorSocketFaultSpec {
  id: number;
  /** Matches it still applies to; `null` = unlimited. */
  remaining: number | null;
  /** Matches it has been applied to. */
  matched: number;
}

/** A live socket, as `emulator.chat.sockets()` lists it. */
export interface EmulatorChatSocketInfo {
  /** socket.io's socket id. */
  id: string;
  customerUserId: string;
  agentId: string;
  /** The conversation joined, once `chat:join` succeeded. */
  conversationId?: string;
  /** `exp` of the token the socket is authenticated with (seconds since epoch). */
  tokenExp: number;
}

/** The chat side of a running emulator (`emulator.chat`). */
export interface EmulatorChat {
  /** Whether the socket.io server is attached (the `chat` option). */
  readonly enabled: boolean;
  /** socket.io's path (`/socket.io`). */
  readonly path: string;
  /** Conversations, optionally of one customer user, oldest first (copies). */
  conversations(customerUserId?: string): EmulatorConversation[];
  /** The live sockets. */
  sockets(): EmulatorChatSocketInfo[];
  /** Disconnects the customer user's live sockets (after a `chat:error` with `reason`); returns how many. */
  disconnectCustomerUser(customerUserId: string, reason?: EmulatorChatRefusalReason): number;
  /** Registers a socket fault. Throws `EmulatorFaultSpecError` on an invalid spec. */
  addFault(spec: EmulatorSocketFaultSpec): EmulatorSocketFault;
  /** Socket faults still pending. */
  listFaults(): EmulatorSocketFault[];
  /** Removes every socket fault; returns how many were pending. */
  clearFaults(): number;
}
