import { Injectable } from '@nestjs/common';
import { PerformChatHttpClient } from '../client/perform-chat.client';
import { getAgentResource, listAgentsResource } from '../client/resources/agents.resources';
import type {
  PerformChatAgentDetails,
  PerformChatAgentSummary,
  PerformChatPage,
  PerformChatPageQuery,
} from '../client/resources/rest.interfaces';
import { assertIdentifier } from '../options/identifier';
import { paginate } from './paginate';
import { MAX_PAGE_LIMIT, checkLimit, checkObject, checkPage } from './rest-input';
import type { PerformChatIterateOptions } from './rest.interfaces';

/**
 * The company's AI agents (`GET /rest/v1/agents`, `GET /rest/v1/agents/:id`), through the same
 * pipeline as the token calls: API-request budget, retries (reads are safe to repeat), circuit
 * breaker, timeouts, redaction. Every method checks its input before any call and fails only
 * with `PerformChatError`.
 */
@Injectable()
export class PerformChatAgentsService {
  constructor(private readonly client: PerformChatHttpClient) {}

  /** One page of agents (PerformChat's default: page 1, 20 per page). */
  async list(query?: PerformChatPageQuery): Promise<PerformChatPage<PerformChatAgentSummary>> {
    const { page, limit } = checkObject<PerformChatPageQuery>('query', query, ['page', 'limit']);
    return this.client.call(listAgentsResource, { page: checkPage(page), limit: checkLimit(limit) });
  }

  /** Every agent, page after page (`for await`); the next page is fetched only when needed. */
  listAll(options?: PerformChatIterateOptions): AsyncGenerator<PerformChatAgentSummary, void, undefined> {
    const limit =
      checkLimit(checkObject<PerformChatIterateOptions>('options', options, ['limit'], '{ limit: 100 }').limit) ??
      MAX_PAGE_LIMIT;
    return paginate((page) => this.client.call(listAgentsResource, { page, limit }));
  }

  /**
   * One agent, with its prompt template.
   * @throws PerformChatError `AGENT_NOT_FOUND` (`status` 404) when the company has no such agent;
   *   `INVALID_ARGUMENT` when the id is not one PerformChat accepts
   */
  async get(agentId: string): Promise<PerformChatAgentDetails> {
    return this.client.call(getAgentResource, { agentId: assertIdentifier('agentId', agentId) });
  }
}
