import { createCustomerUserId } from '../customer-user-id';
import type { EmulatorChatMessage, EmulatorChatRole, EmulatorConversation } from './chat.interfaces';

function copy(conversation: EmulatorConversation): EmulatorConversation {
  return { ...conversation, messages: conversation.messages.map((m) => ({ ...m })) };
}

/**
 * Conversations and their messages, bounded: the oldest conversation goes past
 * `maxConversations`, the oldest message of a conversation past `maxMessages`.
 */
export class ConversationStore {
  private readonly byId = new Map<string, EmulatorConversation>();
  /** User messages per conversation, all time (the turn of canned replies survives trimming). */
  private readonly turns = new Map<string, number>();

  constructor(
    private readonly maxConversations: number,
    private readonly maxMessages: number,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  create(customerUserId: string, agentId: string, companyId: string, now: number): EmulatorConversation {
    const conversation: EmulatorConversation = {
      id: createCustomerUserId(),
      customerUserId,
      agentId,
      companyId,
      createdAt: new Date(now).toISOString(),
      messages: [],
    };
    this.put(conversation);
    return conversation;
  }

  /** The live conversation (not a copy). */
  get(id: string): EmulatorConversation | undefined {
    return this.byId.get(id);
  }

  /** Appends a message; returns the user turn it makes (user messages) or the current turn. */
  append(
    conversation: EmulatorConversation,
    role: EmulatorChatRole,
    content: string,
    now: number,
    id = createCustomerUserId(),
  ): { message: EmulatorChatMessage; turn: number } {
    const message: EmulatorChatMessage = { id, role, content, at: new Date(now).toISOString() };
    conversation.messages.push(message);
    if (conversation.messages.length > this.maxMessages)
      conversation.messages.splice(0, conversation.messages.length - this.maxMessages);
    const turn = (this.turns.get(conversation.id) ?? 0) + (role === 'user' ? 1 : 0);
    this.turns.set(conversation.id, turn);
    return { message, turn };
  }

  /** Copies, oldest first, optionally of one customer user. */
  list(customerUserId?: string): EmulatorConversation[] {
    const all = [...this.byId.values()];
    return (customerUserId === undefined ? all : all.filter((c) => c.customerUserId === customerUserId)).map(copy);
  }

  /** Replaces every conversation (state import). */
  replaceAll(conversations: readonly EmulatorConversation[]): void {
    this.clear();
    for (const conversation of conversations) {
      this.put(copy(conversation));
      this.turns.set(conversation.id, conversation.messages.filter((m) => m.role === 'user').length);
    }
  }

  clear(): void {
    this.byId.clear();
    this.turns.clear();
  }

  private put(conversation: EmulatorConversation): void {
    this.byId.set(conversation.id, conversation);
    if (this.byId.size > this.maxConversations) {
      const oldest = this.byId.keys().next().value as string;
      this.byId.delete(oldest);
      this.turns.delete(oldest);
    }
  }
}
