/*
 * The answers of PerformChat's agents, customer-users and conversations APIs, as this library
 * hands them out: normalised to camelCase (PerformChat sends snake_case: `created_at` is
 * `createdAt`, `total_pages` is `totalPages`), timestamps as `Date`, fields PerformChat may leave
 * empty as `null`. Fields beyond the documented ones are not passed on.
 */

/** Where a page sits in the whole list (PerformChat's `pagination` object). */
export interface PerformChatPagination {
  /** This page's number, from 1. */
  page: number;
  /** Items per page as PerformChat applied it. */
  limit: number;
  /** Items in the whole list. */
  total: number;
  /** Pages in the whole list (`total_pages`); 0 for an empty list. */
  totalPages: number;
}

/** One page of a list: `{ data, pagination }`. */
export interface PerformChatPage<T> {
  data: T[];
  pagination: PerformChatPagination;
}

/** Which page to read. Unset fields leave PerformChat's defaults (page 1; 20 items, 50 for messages). */
export interface PerformChatPageQuery {
  /** Page number, from 1. */
  page?: number;
  /** Items per page, 1 to 100. */
  limit?: number;
}

/** An agent as `GET /rest/v1/agents` lists it. */
export interface PerformChatAgentSummary {
  id: string;
  name: string;
  /** Only active agents can be used for tokens. */
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** An agent as `GET /rest/v1/agents/:id` returns it. */
export interface PerformChatAgentDetails extends PerformChatAgentSummary {
  /** The agent's prompt (`prompt_template`); `null` when PerformChat sends none. */
  promptTemplate: string | null;
}

/** A customer user as `GET /rest/v1/customer-users` lists it. */
export interface PerformChatCustomerUserProfile {
  /** PerformChat's internal id (the `customerUser.id` of a token). */
  id: string;
  /** Your user id, as sent in `userId` of token generation (`external_id`). */
  externalId: string;
  name: string | null;
  email: string | null;
  /** Your own JSON data about the user; never put secrets or sensitive data here (PerformChat's advice). */
  metadata: Record<string, unknown> | null;
  active: boolean;
  createdAt: Date;
  /** Updated by every token generation for the user (`last_seen_at`). */
  lastSeenAt: Date;
}

/** Filters of `GET /rest/v1/customer-users` (sent in the JSON body, as PerformChat documents). */
export interface PerformChatCustomerUserFilter {
  name?: string;
  email?: string;
  /** Your user id (`external_id`). */
  externalId?: string;
}

/** A page of customer users, optionally filtered. */
export interface PerformChatCustomerUserQuery extends PerformChatPageQuery, PerformChatCustomerUserFilter {}

/** What `PUT /rest/v1/customer-users/:id` may change: at least one field. */
export interface PerformChatCustomerUserChanges {
  name?: string;
  email?: string;
  /** A plain JSON object, at most 16 KB as JSON. No secrets, passwords or sensitive data. */
  metadata?: Record<string, unknown>;
}

/** A customer user as `PUT /rest/v1/customer-users/:id` returns it. */
export interface PerformChatUpdatedCustomerUser {
  id: string;
  externalId: string;
  name: string | null;
  email: string | null;
  metadata: Record<string, unknown> | null;
  active: boolean;
  updatedAt: Date;
}

/** A conversation as `GET /rest/v1/conversations` and `GET /rest/v1/conversations/:id` return it. */
export interface PerformChatConversation {
  id: string;
  /** `null` when PerformChat sends none. */
  title: string | null;
  /** The customer user it belongs to (`customer_user_id`). */
  customerUserId: string;
  /** Messages in the conversation (`message_count`). */
  messageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Who wrote a message: the customer user, or the AI agent. */
export type PerformChatMessageRole = 'user' | 'assistant';

/** One message of a conversation. */
export interface PerformChatMessage {
  id: string;
  content: string;
  role: PerformChatMessageRole;
  conversationId: string;
  createdAt: Date;
}

/** A page of `GET /rest/v1/conversations/:id/messages`, with the conversation it is of. */
export interface PerformChatMessagePage extends PerformChatPage<PerformChatMessage> {
  conversation: { id: string; title: string | null };
}
