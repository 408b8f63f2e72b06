import { Inject, Injectable } from '@nestjs/common';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { PerformChatHttpClient } from '../http/perform-chat-http.client';
import { ResolvedPerformChatOptions } from '../options/perform-chat-options.interface';
import { INVALIDATE_TOKEN_PATH, PERFORM_CHAT_OPTIONS, TOKEN_PATH } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { parseExpiresIn } from './expires-in';
import { assertIdentifier } from './identifier';
import { GenerateTokenRequest, PerformChatInvalidation, PerformChatToken } from './perform-chat-token.interfaces';
import { parseInvalidationResponse, parseTokenResponse } from './token-response.parser';

/**
 * Trades the API key for chat tokens and invalidates them.
 * Inject it anywhere the module is imported; every method validates its input before any
 * network call and fails only with {@link PerformChatError}.
 */
@Injectable()
export class PerformChatAuthService {
  constructor(
    @Inject(PERFORM_CHAT_OPTIONS) private readonly options: ResolvedPerformChatOptions,
    private readonly client: PerformChatHttpClient,
  ) {}

  /**
   * Gets a chat token for one of your users and one agent
   * (`POST /rest/v1/auth/token`). PerformChat creates the customer user on first sight.
   */
  async generateToken(request: GenerateTokenRequest): Promise<PerformChatToken> {
    const userId = assertIdentifier('userId', request?.userId);
    const agentId = this.resolveAgentId(request.agentId);
    const expiresIn = request.expiresIn ?? this.options.defaultExpiresIn;
    const expiresInSeconds = parseExpiresIn(expiresIn, this.options.maxExpiresIn);

    const requestedAt = Date.now();
    return this.client.postJson(
      TOKEN_PATH,
      { keyId: this.options.keyId, keySecret: this.options.keySecret, userId, agentId, expiresIn },
      { operation: 'generateToken', agentId },
      (json) => parseTokenResponse(json, { userId, agentId, expiresInSeconds, requestedAt }),
    );
  }

  /**
   * Invalidates every token of one customer user (`POST /rest/v1/auth/invalidate-token`).
   * @param customerUserId PerformChat's internal id (`customerUser.id` of a token), not your user id.
   */
  async invalidateTokens(customerUserId: string): Promise<PerformChatInvalidation> {
    const id = assertIdentifier('customerUserId', customerUserId);
    return this.client.postJson(
      INVALIDATE_TOKEN_PATH,
      { keyId: this.options.keyId, keySecret: this.options.keySecret, customerUserId: id },
      { operation: 'invalidateTokens', customerUserId: id },
      (json) => parseInvalidationResponse(json, id),
    );
  }

  private resolveAgentId(requested: unknown): string {
    if (requested === undefined && this.options.defaultAgentId === undefined) {
      throw new PerformChatError(PerformChatErrorCode.INVALID_ARGUMENT, Messages.noAgent(), { field: 'agentId' });
    }
    const agentId = assertIdentifier('agentId', requested ?? this.options.defaultAgentId);
    if (this.options.allowedAgentIds && !this.options.allowedAgentIds.has(agentId)) {
      throw new PerformChatError(PerformChatErrorCode.AGENT_NOT_ALLOWED, Messages.agentNotAllowed(agentId), {
        field: 'agentId',
      });
    }
    return agentId;
  }
}
