import { Injectable } from '@nestjs/common';
import { PerformChatHttpClient } from '../client/perform-chat.client';
import {
  getConversationResource,
  listConversationsResource,
  listMessagesResource,
} from '../client/resources/conversations.resources';
import type {
  PerformChatConversation,
  PerformChatMessage,
  PerformChatMessagePage,
  PerformChatPage,
  PerformChatPageQuery,
} from '../client/resources/rest.interfaces';
import { assertIdentifier } from '../options/identifier';
import { paginate } from './paginate';
import { MAX_PAGE_LIMIT, checkLimit, checkObject, checkPage } from './rest-input';
import type { PerformChatIterateOptions } from './rest.interfaces';

/**
 * The company's chat conversations and their messages (`GET /rest/v1/conversations`,
 * `/conversations/:id`, `/conversations/:id/messages`): a user's chat history. Reads only.
 */
@Injectable()
export class PerformChatConversationsService {
  constructor(private readonly client: PerformChatHttpClient) {}

  /** One page of conversations (PerformChat's default: page 1, 20 per page). */
  async list(query?: PerformChatPageQuery): Promise<PerformChatPage<PerformChatConversation>> {
    const { page, limit } = checkObject<PerformChatPageQuery>('query', query, ['page', 'limit']);
    return this.client.call(listConversationsResource, { page: checkPage(page), limit: checkLimit(limit) });
  }

  /** Every conversation, page after page (`for await`). */
  listAll(options?: PerformChatIterateOptions): AsyncGenerator<PerformChatConversation, void, undefined> {
    const limit = iterateLimit(options);
    return paginate((page) => this.client.call(listConversationsResource, { page, limit }));
  }

  /**
   * One conversation.
   * @throws PerformChatError `CONVERSATION_NOT_FOUND` (404)
   */
  async get(conversationId: string): Promise<PerformChatConversation> {
    return this.client.call(getConversationResource, {
      conversationId: assertIdentifier('conversationId', conversationId),
    });
  }

  /**
   * One page of a conversation's messages, oldest first as PerformChat sends them (its default:
   * page 1, 50 per page), with the conversation's id and title.
   * @throws PerformChatError `CONVERSATION_NOT_FOUND` (404)
   */
  async listMessages(conversationId: string, query?: PerformChatPageQuery): Promise<PerformChatMessagePage> {
    const id = assertIdentifier('conversationId', conversationId);
    const { page, limit } = checkObject<PerformChatPageQuery>('query', query, ['page', 'limit']);
    return this.client.call(listMessagesResource, {
      conversationId: id,
      page: checkPage(page),
      limit: checkLimit(limit),
    });
  }

  /** Every message of a conversation, page after page (`for await`). */
  listAllMessages(
    conversationId: string,
    options?: PerformChatIterateOptions,
  ): AsyncGenerator<PerformChatMessage, void, undefined> {
    const id = assertIdentifier('conversationId', conversationId);
    const limit = iterateLimit(options);
    return paginate((page) => this.client.call(listMessagesResource, { conversationId: id, page, limit }));
  }
}

function iterateLimit(options: PerformChatIterateOptions | undefined): number {
  return (
    checkLimit(checkObject<PerformChatIterateOptions>('options', options, ['limit'], '{ limit: 100 }').limit) ??
    MAX_PAGE_LIMIT
  );
}
