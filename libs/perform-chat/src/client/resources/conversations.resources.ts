import { PerformChatError } from '../../errors/perform-chat.error';
import { PerformChatErrorCode } from '../../errors/perform-chat-error-code';
import { Messages } from '../../perform-chat.messages';
import type { PerformChatResource, PerformChatUpstreamRefusal } from '../perform-chat-resource.interfaces';
import { parseConversation, parseConversationPage, parseMessagePage } from './rest-answers.parser';
import type {
  PerformChatConversation,
  PerformChatMessagePage,
  PerformChatPage,
  PerformChatPageQuery,
} from './rest.interfaces';
import { isNotFound, pageQuery } from './rest-refusals';

const CONVERSATIONS_PATH = '/rest/v1/conversations';

/** `GET /rest/v1/conversations?page&limit`. Refusals: the generic mapping (400 is our bug: the query is checked before). */
export const listConversationsResource: PerformChatResource<
  PerformChatPageQuery,
  PerformChatPage<PerformChatConversation>
> = {
  operation: 'listConversations',
  method: 'GET',
  budget: ['api-request'],
  retry: 'safe',
  path: () => CONVERSATIONS_PATH,
  query: pageQuery,
  body: () => ({}),
  read: (json) => parseConversationPage(json),
};

export interface ConversationParams {
  conversationId: string;
}

/** The 404 of both conversation reads ("Conversation not found or doesn't belong to company"). */
function conversationRefusal(
  { status, upstreamMessage, retryAfterMs }: PerformChatUpstreamRefusal,
  { conversationId }: ConversationParams,
): PerformChatError | undefined {
  if (!isNotFound(status, upstreamMessage, /conversation/i)) return undefined;
  return new PerformChatError(
    PerformChatErrorCode.CONVERSATION_NOT_FOUND,
    Messages.restConversationNotFound(conversationId, upstreamMessage),
    { status, upstreamMessage, retryAfterMs, field: 'conversationId' },
  );
}

/** `GET /rest/v1/conversations/:id`; its 404 is `CONVERSATION_NOT_FOUND`. */
export const getConversationResource: PerformChatResource<ConversationParams, PerformChatConversation> = {
  operation: 'getConversation',
  method: 'GET',
  budget: ['api-request'],
  retry: 'safe',
  path: ({ conversationId }) => `${CONVERSATIONS_PATH}/${encodeURIComponent(conversationId)}`,
  body: () => ({}),
  read: (json, { conversationId }) => parseConversation(json, conversationId),
  classifyRefusal: conversationRefusal,
};

export type ListMessagesParams = ConversationParams & PerformChatPageQuery;

/**
 * `GET /rest/v1/conversations/:id/messages?page&limit` (PerformChat's default limit here is 50).
 * Its errors are on the part of the docs that is cut off; a 404 naming the conversation is
 * `CONVERSATION_NOT_FOUND`, as for the conversation itself.
 */
export const listMessagesResource: PerformChatResource<ListMessagesParams, PerformChatMessagePage> = {
  operation: 'listMessages',
  method: 'GET',
  budget: ['api-request'],
  retry: 'safe',
  path: ({ conversationId }) => `${CONVERSATIONS_PATH}/${encodeURIComponent(conversationId)}/messages`,
  query: pageQuery,
  body: () => ({}),
  read: (json, { conversationId }) => parseMessagePage(json, conversationId),
  classifyRefusal: conversationRefusal,
};
