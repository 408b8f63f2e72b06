import type { ConversationStore } from '../chat/conversation.store';
import type { EmulatorConversation } from '../chat/chat.interfaces';

/** Who wrote a message, as the conversations API says it (the chat socket's `agent` is `assistant`). */
export type RestMessageRole = 'user' | 'assistant';

/** A message as the conversations API serves it. */
export interface RestMessage {
  id: string;
  role: RestMessageRole;
  content: string;
  createdAt: Date;
}

/** A conversation as the conversations API serves it. */
export interface RestConversation {
  id: string;
  title: string | null;
  customerUserId: string;
  companyId: string;
  createdAt: Date;
  /** Oldest first. */
  messages: readonly RestMessage[];
}

/** Where the conversations API reads conversations from. */
export interface RestConversationSource {
  /** Every conversation, oldest first. */
  list(): readonly RestConversation[];
  get(id: string): RestConversation | undefined;
  /** Adds a seeded conversation of an existing customer user. */
  add(seed: EmulatorConversationSeed, customer: { companyId: string; agentId: string }): RestConversation;
}

/** What `addConversation` / `POST /__emulator/conversations` takes. */
export interface EmulatorConversationSeed {
  /** An existing customer user (created by a token generation): its company owns the conversation. */
  customerUserId: string;
  /** Default: the agent of the customer user's latest token. */
  agentId?: string;
  /** Default: `null`. */
  title?: string | null;
  /** Oldest first; each gets an id and a time (one second apart, ending now). */
  messages?: ReadonlyArray<{ role: RestMessageRole; content: string }>;
}

/** Messages per seed (the chat store keeps at most its own `maxMessagesPerConversation` of them). */
const MAX_SEEDED_MESSAGES = 1_000;

/** Why a seed was refused (a 400 of `POST /__emulator/conversations`). */
export class EmulatorConversationSeedError extends Error {
  override readonly name = 'EmulatorConversationSeedError';
}

function toRest(conversation: EmulatorConversation): RestConversation {
  return {
    id: conversation.id,
    title: conversation.title ?? null,
    customerUserId: conversation.customerUserId,
    companyId: conversation.companyId,
    createdAt: new Date(conversation.createdAt),
    messages: conversation.messages.map((message) => ({
      id: message.id,
      role: message.role === 'agent' ? 'assistant' : 'user',
      content: message.content,
      createdAt: new Date(message.at),
    })),
  };
}

/**
 * The conversations API's view of the chat socket's conversations (one store: what a user chats
 * over the socket is what the API lists, and what a test seeds the socket can continue).
 */
export class ChatConversations implements RestConversationSource {
  constructor(
    private readonly store: ConversationStore,
    private readonly clock: () => number,
  ) {}

  list(): readonly RestConversation[] {
    return this.store.list().map(toRest);
  }

  get(id: string): RestConversation | undefined {
    const conversation = this.store.get(id);
    return conversation === undefined ? undefined : toRest(conversation);
  }

  /** @throws EmulatorConversationSeedError naming the bad field */
  add(seed: EmulatorConversationSeed, customer: { companyId: string; agentId: string }): RestConversation {
    const title = seed.title ?? null;
    if (title !== null && typeof title !== 'string')
      throw new EmulatorConversationSeedError('title must be a string or null');
    if (seed.agentId !== undefined && (typeof seed.agentId !== 'string' || seed.agentId.length === 0)) {
      throw new EmulatorConversationSeedError('agentId must be a non-empty string');
    }
    const messages = seed.messages ?? [];
    if (!Array.isArray(messages) || messages.length > MAX_SEEDED_MESSAGES) {
      throw new EmulatorConversationSeedError(
        `messages must be an array of at most ${MAX_SEEDED_MESSAGES} { role, content }`,
      );
    }
    messages.forEach((message, index) => {
      if (
        typeof message !== 'object' ||
        message === null ||
        (message.role !== 'user' && message.role !== 'assistant')
      ) {
        throw new EmulatorConversationSeedError(`messages[${index}].role must be "user" or "assistant"`);
      }
      if (typeof message.content !== 'string')
        throw new EmulatorConversationSeedError(`messages[${index}].content must be a string`);
    });
    const now = this.clock();
    const first = now - Math.max(0, messages.length - 1) * 1000;
    const conversation = this.store.create(
      seed.customerUserId,
      seed.agentId ?? customer.agentId,
      customer.companyId,
      first,
    );
    if (title !== null) conversation.title = title;
    messages.forEach((message, index) => {
      this.store.append(
        conversation,
        message.role === 'assistant' ? 'agent' : 'user',
        message.content,
        first + index * 1000,
      );
    });
    return toRest(conversation);
  }
}
