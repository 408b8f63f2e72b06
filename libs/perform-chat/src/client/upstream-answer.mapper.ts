import { PerformChatCallContext, PerformChatHttpAnswer } from './perform-chat-upstream.interfaces';
import { readUpstreamMessage } from '../errors/redact';
import { parseRetryAfter } from './retry-after';
import { Messages } from '../perform-chat.messages';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';

const AGENT_MESSAGE = /agent/i;
const CUSTOMER_USER_MESSAGE = /customer.?user/i;

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Turns a non-2xx answer from PerformChat into a {@link PerformChatError}.
 *
 * Where the docs are silent we chose:
 * - 403 is treated like 401 (`INVALID_CREDENTIALS`): the docs report permission problems as 401,
 *   so a 403 can only be a key problem too;
 * - a 400 whose message mentions an agent is `AGENT_NOT_FOUND` ("Agent not found", "No active
 *   agents"); on invalidation a 400 mentioning the customer user is `CUSTOMER_USER_NOT_FOUND`;
 * - 3xx is `INVALID_RESPONSE`: redirects are never followed (they would resend the secret).
 */
export function mapUpstreamAnswer(
  answer: PerformChatHttpAnswer,
  context: PerformChatCallContext,
  keyId: string,
  secrets: readonly string[],
  now = Date.now(),
): PerformChatError {
  const { status } = answer;
  const upstreamMessage = readUpstreamMessage(parseJsonOrUndefined(answer.body), secrets);
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], now);
  const details = { status, upstreamMessage, retryAfterMs };

  if (status === 401 || status === 403) {
    return new PerformChatError(
      PerformChatErrorCode.INVALID_CREDENTIALS,
      Messages.invalidCredentials(keyId, status, upstreamMessage),
      details,
    );
  }
  if (status === 429) {
    return new PerformChatError(PerformChatErrorCode.RATE_LIMITED, Messages.rateLimited(retryAfterMs), details);
  }
  if (status >= 500) {
    return new PerformChatError(PerformChatErrorCode.UPSTREAM_ERROR, Messages.upstreamError(status, upstreamMessage), details);
  }
  if (status >= 300 && status < 400) {
    return new PerformChatError(PerformChatErrorCode.INVALID_RESPONSE, Messages.redirect(status), details);
  }
  if (status === 400 && context.operation === 'generateToken' && AGENT_MESSAGE.test(upstreamMessage ?? '')) {
    return new PerformChatError(
      PerformChatErrorCode.AGENT_NOT_FOUND,
      Messages.agentNotFound(context.agentId ?? '?', upstreamMessage, context.agentSource),
      { ...details, field: context.agentSource ?? 'agentId' },
    );
  }
  if (
    status === 400 &&
    context.operation === 'invalidateTokens' &&
    CUSTOMER_USER_MESSAGE.test(upstreamMessage ?? '')
  ) {
    return new PerformChatError(
      PerformChatErrorCode.CUSTOMER_USER_NOT_FOUND,
      Messages.customerUserNotFound(context.customerUserId ?? '?', upstreamMessage),
      { ...details, field: 'customerUserId' },
    );
  }
  return new PerformChatError(
    PerformChatErrorCode.UPSTREAM_BAD_REQUEST,
    Messages.upstreamBadRequest(status, upstreamMessage),
    details,
  );
}
