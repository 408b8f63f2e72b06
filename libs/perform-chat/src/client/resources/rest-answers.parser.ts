import { PerformChatError } from '../../errors/perform-chat.error';
import { PerformChatErrorCode } from '../../errors/perform-chat-error-code';
import { Messages } from '../../perform-chat.messages';
import type {
  PerformChatAgentDetails,
  PerformChatAgentSummary,
  PerformChatConversation,
  PerformChatCustomerUserProfile,
  PerformChatMessage,
  PerformChatMessagePage,
  PerformChatMessageRole,
  PerformChatPage,
  PerformChatPagination,
  PerformChatUpdatedCustomerUser,
} from './rest.interfaces';

/*
 * Readers of the agents, customer-users and conversations answers. Each checks the documented
 * shape (snake_case, as PerformChat sends it) and returns the camelCase form; anything else is
 * `INVALID_RESPONSE` naming the field by its path in PerformChat's JSON (`data[2].created_at`).
 * Only documented fields are read: an extra field is ignored, never passed on.
 */

type Json = Record<string, unknown>;

/** ISO 8601 as PerformChat shows it (`2025-01-15T10:30:00Z`, fractions and offsets allowed). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function invalid(reason: string): PerformChatError {
  return new PerformChatError(PerformChatErrorCode.INVALID_RESPONSE, Messages.invalidResponse(reason));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object field reader that names what it reads by its path in the answer. */
class Fields {
  constructor(
    private readonly json: Json,
    private readonly where: string,
  ) {}

  static of(value: unknown, where: string): Fields {
    if (!isObject(value)) throw invalid(where ? Messages.answerFieldNotObject(where) : Messages.answerNotObject());
    return new Fields(value, where);
  }

  private path(key: string): string {
    return this.where ? `${this.where}.${key}` : key;
  }

  object(key: string): Fields {
    return Fields.of(this.json[key], this.path(key));
  }

  id(key: string): string {
    const value = this.json[key];
    if (typeof value !== 'string' || value.length === 0) throw invalid(Messages.answerFieldNotString(this.path(key)));
    return value;
  }

  /** A string that may be empty (a message's content). */
  text(key: string): string {
    const value = this.json[key];
    if (typeof value !== 'string') throw invalid(Messages.answerFieldNotString(this.path(key)));
    return value;
  }

  nullableText(key: string): string | null {
    const value = this.json[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw invalid(Messages.answerFieldNotNullableString(this.path(key)));
    return value;
  }

  nullableObject(key: string): Record<string, unknown> | null {
    const value = this.json[key];
    if (value === undefined || value === null) return null;
    if (!isObject(value)) throw invalid(Messages.answerFieldNotNullableObject(this.path(key)));
    return value;
  }

  flag(key: string): boolean {
    const value = this.json[key];
    if (typeof value !== 'boolean') throw invalid(Messages.answerFieldNotBoolean(this.path(key)));
    return value;
  }

  count(key: string, min = 0): number {
    const value = this.json[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw invalid(Messages.answerFieldNotInteger(this.path(key)));
    }
    return value;
  }

  time(key: string): Date {
    const value = this.json[key];
    const time = typeof value === 'string' && ISO_TIME.test(value) ? new Date(value) : undefined;
    if (!time || Number.isNaN(time.getTime())) throw invalid(Messages.answerFieldNotTime(this.path(key)));
    return time;
  }

  list<T>(key: string, read: (item: Fields) => T): T[] {
    const value = this.json[key];
    if (!Array.isArray(value)) throw invalid(Messages.answerFieldNotArray(this.path(key)));
    return value.map((item, index) => read(Fields.of(item, `${this.path(key)}[${index}]`)));
  }

  /** A message's author: `user` or `assistant`, the documented roles. */
  role(key: string): PerformChatMessageRole {
    const value = this.json[key];
    if (value !== 'user' && value !== 'assistant') throw invalid(Messages.answerFieldBadRole(this.path(key)));
    return value;
  }

  /** The id `key`, which must be `expected` (an answer about another record is refused). */
  sameId(key: string, expected: string): string {
    const id = this.id(key);
    if (id !== expected) throw invalid(Messages.answerOtherId(this.path(key)));
    return id;
  }
}

function pagination(fields: Fields): PerformChatPagination {
  return {
    page: fields.count('page', 1),
    limit: fields.count('limit', 1),
    total: fields.count('total'),
    totalPages: fields.count('total_pages'),
  };
}

function page<T>(body: unknown, read: (item: Fields) => T): PerformChatPage<T> {
  const fields = Fields.of(body, '');
  return { data: fields.list('data', read), pagination: pagination(fields.object('pagination')) };
}

function agentSummary(fields: Fields): PerformChatAgentSummary {
  return {
    id: fields.id('id'),
    name: fields.text('name'),
    active: fields.flag('active'),
    createdAt: fields.time('created_at'),
    updatedAt: fields.time('updated_at'),
  };
}

function customerUser(fields: Fields): PerformChatCustomerUserProfile {
  return {
    id: fields.id('id'),
    externalId: fields.id('external_id'),
    name: fields.nullableText('name'),
    email: fields.nullableText('email'),
    metadata: fields.nullableObject('metadata'),
    active: fields.flag('active'),
    createdAt: fields.time('created_at'),
    lastSeenAt: fields.time('last_seen_at'),
  };
}

function conversation(fields: Fields): PerformChatConversation {
  return {
    id: fields.id('id'),
    title: fields.nullableText('title'),
    customerUserId: fields.id('customer_user_id'),
    messageCount: fields.count('message_count'),
    createdAt: fields.time('created_at'),
    updatedAt: fields.time('updated_at'),
  };
}

function message(fields: Fields, conversationId: string): PerformChatMessage {
  return {
    id: fields.id('id'),
    content: fields.text('content'),
    role: fields.role('role'),
    conversationId: fields.sameId('conversation_id', conversationId),
    createdAt: fields.time('created_at'),
  };
}

/** `GET /rest/v1/agents`. */
export function parseAgentPage(body: unknown): PerformChatPage<PerformChatAgentSummary> {
  return page(body, agentSummary);
}

/** `GET /rest/v1/agents/:id`: the agent asked for. */
export function parseAgent(body: unknown, agentId: string): PerformChatAgentDetails {
  const fields = Fields.of(body, '');
  const agent = agentSummary(fields);
  fields.sameId('id', agentId);
  return { ...agent, promptTemplate: fields.nullableText('prompt_template') };
}

/** `GET /rest/v1/customer-users`. */
export function parseCustomerUserPage(body: unknown): PerformChatPage<PerformChatCustomerUserProfile> {
  return page(body, customerUser);
}

/** `PUT /rest/v1/customer-users/:id`: the customer user changed. */
export function parseUpdatedCustomerUser(body: unknown, customerUserId: string): PerformChatUpdatedCustomerUser {
  const fields = Fields.of(body, '');
  return {
    id: fields.sameId('id', customerUserId),
    externalId: fields.id('external_id'),
    name: fields.nullableText('name'),
    email: fields.nullableText('email'),
    metadata: fields.nullableObject('metadata'),
    active: fields.flag('active'),
    updatedAt: fields.time('updated_at'),
  };
}

/** `GET /rest/v1/conversations`. */
export function parseConversationPage(body: unknown): PerformChatPage<PerformChatConversation> {
  return page(body, conversation);
}

/** `GET /rest/v1/conversations/:id`: the conversation asked for. */
export function parseConversation(body: unknown, conversationId: string): PerformChatConversation {
  const fields = Fields.of(body, '');
  fields.sameId('id', conversationId);
  return conversation(fields);
}

/** `GET /rest/v1/conversations/:id/messages`: messages of the conversation asked for, and the conversation. */
export function parseMessagePage(body: unknown, conversationId: string): PerformChatMessagePage {
  const fields = Fields.of(body, '');
  const about = fields.object('conversation');
  return {
    data: fields.list('data', (item) => message(item, conversationId)),
    pagination: pagination(fields.object('pagination')),
    conversation: { id: about.sameId('id', conversationId), title: about.nullableText('title') },
  };
}
