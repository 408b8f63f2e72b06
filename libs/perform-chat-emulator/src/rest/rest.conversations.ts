import { createCustomerUserId } from '../customer-user-id';

/** Who wrote a message, as the REST API says it. */
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
}

/** What `addConversation` / `POST /__emulator/conversations` takes. */
export interface EmulatorConversationSeed {
  /** An existing customer user (created by a token generation): its company owns the conversation. */
  customerUserId: string;
  /** Default: `null`. */
  title?: string | null;
  /** Oldest first; each gets an id and a time (one second apart, ending now). */
  messages?: ReadonlyArray<{ role: RestMessageRole; content: string }>;
}

/** Most seeded conversations kept (the oldest goes past it), and messages per seeded conversation. */
const MAX_SEEDED_CONVERSATIONS = 10_000;
const MAX_SEEDED_MESSAGES = 1_000;

/** Why a seed was refused (a 400 of `POST /__emulator/conversations`). */
export class EmulatorConversationSeedError extends Error {
  override readonly name = 'EmulatorConversationSeedError';
}

/**
 * Conversations seeded by tests and demos (`emulator.addConversation`, `POST /__emulator/conversations`),
 * in memory, bounded; cleared by `reset()`.
 */
export class SeededConversations implements RestConversationSource {
  private readonly byId = new Map<string, RestConversation>();

  constructor(private readonly clock: () => number) {}

  list(): readonly RestConversation[] {
    return [...this.byId.values()];
  }

  get(id: string): RestConversation | undefined {
    return this.byId.get(id);
  }

  /**
   * Adds a conversation of `customer` (found by the caller).
   * @throws EmulatorConversationSeedError naming the bad field
   */
  add(seed: EmulatorConversationSeed, companyId: string): RestConversation {
    const title = seed.title ?? null;
    if (title !== null && typeof title !== 'string')
      throw new EmulatorConversationSeedError('title must be a string or null');
    const messages = seed.messages ?? [];
    if (!Array.isArray(messages) || messages.length > MAX_SEEDED_MESSAGES) {
      throw new EmulatorConversationSeedError(
        `messages must be an array of at most ${MAX_SEEDED_MESSAGES} { role, content }`,
      );
    }
    const now = this.clock();
    const seeded: RestMessage[] = messages.map((message, index) => {
      if (
        typeof message !== 'object' ||
        message === null ||
        (message.role !== 'user' && message.role !== 'assistant')
      ) {
        throw new EmulatorConversationSeedError(`messages[${index}].role must be "user" or "assistant"`);
      }
      if (typeof message.content !== 'string')
        throw new EmulatorConversationSeedError(`messages[${index}].content must be a string`);
      return {
        id: createCustomerUserId(),
        role: message.role,
        content: message.content,
        createdAt: new Date(now - (messages.length - 1 - index) * 1000),
      };
    });
    const createdAt = seeded.length > 0 ? seeded[0].createdAt : new Date(now);
    const conversation: RestConversation = {
      id: createCustomerUserId(),
      title,
      customerUserId: seed.customerUserId,
      companyId,
      createdAt,
      messages: seeded,
    };
    this.byId.set(conversation.id, conversation);
    if (this.byId.size > MAX_SEEDED_CONVERSATIONS) this.byId.delete(this.byId.keys().next().value as string);
    return conversation;
  }

  clear(): void {
    this.byId.clear();
  }
}
