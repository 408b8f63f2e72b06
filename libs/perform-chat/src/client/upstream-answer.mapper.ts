import { readUpstreamMessage } from '../errors/redact';
import { Messages } from '../perform-chat.messages';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatUpstreamRefusal } from './perform-chat-resource.interfaces';
import { PerformChatHttpAnswer } from './perform-chat-upstream.interfaces';
import { parseRetryAfter } from './retry-after';

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Turns a non-2xx answer from PerformChat into a {@link PerformChatError}: the generic
 * mapping, the same for every operation, with a resource's own classification of its 4xx.
 *
 * Where the docs are silent we chose:
 * - 403 is treated like 401 (`INVALID_CREDENTIALS`): the docs report permission problems as 401,
 *   so a 403 can only be a key problem too;
 * - 3xx is `INVALID_RESPONSE`: redirects are never followed (they would resend the secret);
 * - any other 4xx is `UPSTREAM_BAD_REQUEST` unless the operation's resource knows it
 *   (`classify`, e.g. "Agent not found" on token generation).
 */
export function mapUpstreamAnswer(
  answer: PerformChatHttpAnswer,
  keyId: string,
  secrets: readonly string[],
  classify?: (refusal: PerformChatUpstreamRefusal) => PerformChatError | undefined,
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
    return new PerformChatError(
      PerformChatErrorCode.UPSTREAM_ERROR,
      Messages.upstreamError(status, upstreamMessage),
      details,
    );
  }
  if (status >= 300 && status < 400) {
    return new PerformChatError(PerformChatErrorCode.INVALID_RESPONSE, Messages.redirect(status), details);
  }
  return (
    classify?.(details) ??
    new PerformChatError(
      PerformChatErrorCode.UPSTREAM_BAD_REQUEST,
      Messages.upstreamBadRequest(status, upstreamMessage),
      details,
    )
  );
}
