import { PerformChatError } from '../../errors/perform-chat.error';
import { PerformChatErrorCode } from '../../errors/perform-chat-error-code';
import { INVALIDATE_TOKEN_PATH, TOKEN_PATH } from '../../perform-chat.constants';
import { Messages } from '../../perform-chat.messages';
import type { PerformChatResource } from '../perform-chat-resource.interfaces';
import { parseInvalidationResponse, parseTokenResponse } from './auth-answers.parser';
import type { PerformChatInvalidation, PerformChatToken } from './auth.interfaces';

const AGENT_MESSAGE = /agent/i;
const CUSTOMER_USER_MESSAGE = /customer.?user/i;

export interface GenerateTokenParams {
  userId: string;
  agentId: string;
  /** As sent: `<n>s|m|h|d`. */
  expiresIn: string;
  /** The same, in seconds: the lifetime when the token carries no `exp`. */
  expiresInSeconds: number;
  /** When the call began (epoch ms), the start of that lifetime. */
  requestedAt: number;
}

/**
 * `POST /rest/v1/auth/token`. A 400 that mentions the agent ("Agent not found", "No active
 * agents") is `AGENT_NOT_FOUND` with `field: 'agentId'`; whether the caller or the
 * `defaultAgentId` option chose it is the service's to say.
 */
export const generateTokenResource: PerformChatResource<GenerateTokenParams, PerformChatToken> = {
  operation: 'generateToken',
  method: 'POST',
  // A generation counts against both documented limits: 100 generations and 1,000 API requests per minute.
  budget: ['token-generation', 'api-request'],
  // Repeating it gives the same customer user and a fresh token: safe.
  retry: 'safe',
  path: () => TOKEN_PATH,
  body: ({ userId, agentId, expiresIn }) => ({ userId, agentId, expiresIn }),
  read: (json, { userId, agentId, expiresInSeconds, requestedAt }) =>
    parseTokenResponse(json, { userId, agentId, expiresInSeconds, requestedAt }),
  classifyRefusal: ({ status, upstreamMessage, retryAfterMs }, { agentId }) =>
    status === 400 && AGENT_MESSAGE.test(upstreamMessage ?? '')
      ? new PerformChatError(PerformChatErrorCode.AGENT_NOT_FOUND, Messages.agentNotFound(agentId, upstreamMessage), {
          status,
          upstreamMessage,
          retryAfterMs,
          field: 'agentId',
        })
      : undefined,
};

export interface InvalidateTokensParams {
  /** PerformChat's internal customer-user id. */
  customerUserId: string;
}

/**
 * `POST /rest/v1/auth/invalidate-token`. A 400 that mentions the customer user ("Customer user
 * not found or does not belong to your company") is `CUSTOMER_USER_NOT_FOUND`.
 */
export const invalidateTokensResource: PerformChatResource<InvalidateTokensParams, PerformChatInvalidation> = {
  operation: 'invalidateTokens',
  method: 'POST',
  budget: ['api-request'],
  // Repeating it only bumps the token version once more: every older token is refused either way.
  retry: 'safe',
  path: () => INVALIDATE_TOKEN_PATH,
  body: ({ customerUserId }) => ({ customerUserId }),
  read: (json, { customerUserId }) => parseInvalidationResponse(json, customerUserId),
  classifyRefusal: ({ status, upstreamMessage, retryAfterMs }, { customerUserId }) =>
    status === 400 && CUSTOMER_USER_MESSAGE.test(upstreamMessage ?? '')
      ? new PerformChatError(
          PerformChatErrorCode.CUSTOMER_USER_NOT_FOUND,
          Messages.customerUserNotFound(customerUserId, upstreamMessage),
          { status, upstreamMessage, retryAfterMs, field: 'customerUserId' },
        )
      : undefined,
};
