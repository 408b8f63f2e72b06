import { failOption as fail } from '../emulator-options.error';
import { EMULATOR_CHAT_DEFAULTS } from './chat.constants';
import type { EmulatorChatOptions, EmulatorChatReplyContext } from './chat.interfaces';

/** The `chat` option with every default applied and every value checked. */
export interface ResolvedChatOptions {
  replies: string[] | ((context: EmulatorChatReplyContext) => string) | undefined;
  delayMs: number;
  chunkSize: number | undefined;
  chunkIntervalMs: number;
  disconnectOnInvalidate: boolean;
  maxMessageLength: number;
  maxMessagesPerConversation: number;
  maxConversations: number;
}

function count(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    fail(`chat.${field} must be an integer >= ${min}`);
  return value;
}

/** `chat: true | { ... }` → resolved options; `false`/`undefined` → `false` (no socket). */
export function resolveChatOptions(value: boolean | EmulatorChatOptions | undefined): ResolvedChatOptions | false {
  if (value === undefined || value === false) return false;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    fail('chat must be a boolean or an object');
  }
  const options: EmulatorChatOptions = value === true ? {} : value;
  const agent = options.agent ?? {};
  if (typeof agent !== 'object' || agent === null) fail('chat.agent must be an object');
  const replies = agent.replies;
  if (replies !== undefined && typeof replies !== 'function') {
    if (
      !Array.isArray(replies) ||
      replies.length === 0 ||
      replies.some((r) => typeof r !== 'string' || r.length === 0)
    ) {
      fail('chat.agent.replies must be a non-empty array of non-empty strings, or a function');
    }
  }
  if (options.disconnectOnInvalidate !== undefined && typeof options.disconnectOnInvalidate !== 'boolean') {
    fail('chat.disconnectOnInvalidate must be a boolean');
  }
  return {
    replies: Array.isArray(replies) ? [...replies] : replies,
    delayMs: count(agent.delayMs, 'agent.delayMs', EMULATOR_CHAT_DEFAULTS.delayMs, 0),
    chunkSize: agent.chunkSize === undefined ? undefined : count(agent.chunkSize, 'agent.chunkSize', 0, 1),
    chunkIntervalMs: count(agent.chunkIntervalMs, 'agent.chunkIntervalMs', EMULATOR_CHAT_DEFAULTS.chunkIntervalMs, 0),
    disconnectOnInvalidate: options.disconnectOnInvalidate ?? EMULATOR_CHAT_DEFAULTS.disconnectOnInvalidate,
    maxMessageLength: count(options.maxMessageLength, 'maxMessageLength', EMULATOR_CHAT_DEFAULTS.maxMessageLength, 1),
    maxMessagesPerConversation: count(
      options.maxMessagesPerConversation,
      'maxMessagesPerConversation',
      EMULATOR_CHAT_DEFAULTS.maxMessagesPerConversation,
      1,
    ),
    maxConversations: count(options.maxConversations, 'maxConversations', EMULATOR_CHAT_DEFAULTS.maxConversations, 1),
  };
}
