import { classifyTransportError } from '../client/transport-error';
import { Messages } from '../perform-chat.messages';
import { PerformChatHealthDownReason } from './perform-chat-health.interfaces';

/** A transport failure of the probe, in short: never the error itself (or its config). */
export interface PerformChatProbeFailure {
  reason: PerformChatHealthDownReason;
  message: string;
}

/**
 * Names a transport failure of the probe, with the same classifier as the token calls.
 * Anything else the transport throws is down too (`network_error`), described by its name
 * only: a health check never turns an unexpected error into a 500, and the probe sends no
 * credentials, so there is nothing to leak, but nothing of the error is kept either.
 * @param host the probed host (no credentials), for the DNS message
 */
export function describeProbeFailure(error: unknown, host: string): PerformChatProbeFailure {
  const failure = classifyTransportError(error, host);
  if (!failure) {
    const name = error instanceof Error ? error.name : typeof error;
    return { reason: 'network_error', message: Messages.healthUnexpected(name) };
  }
  // A HEAD answer has no body, so "too large" cannot happen; it would still mean "no usable answer".
  const reason = failure.kind === 'response_too_large' ? 'network_error' : failure.kind;
  return { reason, message: failure.reason };
}
