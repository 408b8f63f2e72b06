/** socket.io's default path: what the docs' `io(baseUrl, { auth: { token } })` connects to. */
export const EMULATOR_CHAT_PATH = '/socket.io';

/** Socket events of the docs' "Using tokens" page (and the emulator's own replies to them). */
export const EMULATOR_CHAT_EVENTS = Object.freeze({
  /** Client → server: `{ agentId?, token?, conversationId? }` (the docs send `{ agentId, token }`). */
  join: 'chat:join',
  /** Server → client: `{ conversationId, agent: { id, name }, messages }` (emulator's answer to `chat:join`). */
  joined: 'chat:joined',
  /** Client → server: `{ agentId?, message, conversationId? }`. */
  message: 'chat:message',
  /** Server → client: `{ content, conversationId, messageId, done }` (the docs name `content`). */
  response: 'chat:response',
  /** Server → client: `{ reason, message, event? }` (emulator's own). */
  error: 'chat:error',
});

/** Defaults of the `chat` option. */
export const EMULATOR_CHAT_DEFAULTS = Object.freeze({
  delayMs: 0,
  chunkIntervalMs: 50,
  disconnectOnInvalidate: true,
  maxMessageLength: 4000,
  maxMessagesPerConversation: 200,
  maxConversations: 10_000,
});

/** Prefix of an echo reply: `Echo: <message>`. */
export const EMULATOR_CHAT_ECHO_PREFIX = 'Echo: ';
