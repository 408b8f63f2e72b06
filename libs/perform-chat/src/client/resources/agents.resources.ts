import { PerformChatError } from '../../errors/perform-chat.error';
import { PerformChatErrorCode } from '../../errors/perform-chat-error-code';
import { Messages } from '../../perform-chat.messages';
import type { PerformChatResource } from '../perform-chat-resource.interfaces';
import { parseAgent, parseAgentPage } from './rest-answers.parser';
import type {
  PerformChatAgentDetails,
  PerformChatAgentSummary,
  PerformChatPage,
  PerformChatPageQuery,
} from './rest.interfaces';
import { isNotFound, pageQuery } from './rest-refusals';

/** The docs' snippets write `/rest/v1/v1/agents`: a doc error (the headings and client classes say `/rest/v1`). */
const AGENTS_PATH = '/rest/v1/agents';

/** `GET /rest/v1/agents?page&limit`: one page of the company's agents. Refusals: the generic mapping (400 is our bug: the query is checked before). */
export const listAgentsResource: PerformChatResource<PerformChatPageQuery, PerformChatPage<PerformChatAgentSummary>> = {
  operation: 'listAgents',
  method: 'GET',
  budget: ['api-request'],
  retry: 'safe',
  path: () => AGENTS_PATH,
  query: pageQuery,
  body: () => ({}),
  read: (json) => parseAgentPage(json),
};

export interface GetAgentParams {
  agentId: string;
}

/**
 * `GET /rest/v1/agents/:id`. Its 404 ("Agent not found or doesn't belong to company") is
 * `AGENT_NOT_FOUND` with `status: 404` (token generation says the same with a 400: the status
 * tells them apart); its 400 ("Invalid agent ID format") is the caller's `INVALID_ARGUMENT`.
 */
export const getAgentResource: PerformChatResource<GetAgentParams, PerformChatAgentDetails> = {
  operation: 'getAgent',
  method: 'GET',
  budget: ['api-request'],
  retry: 'safe',
  path: ({ agentId }) => `${AGENTS_PATH}/${encodeURIComponent(agentId)}`,
  body: () => ({}),
  read: (json, { agentId }) => parseAgent(json, agentId),
  classifyRefusal: ({ status, upstreamMessage, retryAfterMs }, { agentId }) => {
    const details = { status, upstreamMessage, retryAfterMs, field: 'agentId' };
    if (isNotFound(status, upstreamMessage, /agent/i)) {
      return new PerformChatError(
        PerformChatErrorCode.AGENT_NOT_FOUND,
        Messages.restAgentUnknown(agentId, upstreamMessage),
        details,
      );
    }
    if (status === 400) {
      return new PerformChatError(
        PerformChatErrorCode.INVALID_ARGUMENT,
        Messages.restAgentIdRefused(agentId, upstreamMessage),
        details,
      );
    }
    return undefined;
  },
};
