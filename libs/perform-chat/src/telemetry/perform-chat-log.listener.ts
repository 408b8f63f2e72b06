import type { Logger } from '@nestjs/common';
import { Messages } from '../perform-chat.messages';
import type { PerformChatTelemetryListener } from './perform-chat-telemetry';

/**
 * The catalog of the library's log lines: the `event` of each (public, documented in
 * README "Log lines"). Lines from telemetry events carry the event's `type`; the
 * others a name of their own.
 */
export const PERFORM_CHAT_LOG_EVENTS = [
  // From telemetry events (this file's listener).
  'attempt.failed',
  'budget.refused',
  'breaker.opened',
  'breaker.closed',
  'token-store.down',
  'token-store.up',
  'key.rotated',
  'key.rotation-failed',
  'credentials.refresh-failed',
  // Written where they happen.
  'agent-check.unchecked',
  'user-id.resolver-threw',
  'redis.connected',
  'redis.database-stopped',
  'store.read-failed',
  'store.read-failed-for-users',
  'store.list-failed',
  'store.save-failed',
  'token-store.revocation-not-recorded',
  'hook.failed',
  'shutdown.draining',
  'shutdown.drain-timeout',
  'rate-limit-store.down',
  'rate-limit-store.up',
  'rate-limit.rounded-up',
] as const;

/** The `event` of a log line: one of {@link PERFORM_CHAT_LOG_EVENTS}. */
export type PerformChatLogEvent = (typeof PERFORM_CHAT_LOG_EVENTS)[number];

/** A field of a log line: flat and primitive (no objects, arrays or `Error`s). */
export type PerformChatLogValue = string | number | boolean;

/**
 * What every log line of the library passes to Nest's `Logger` as its one argument: `msg`
 * (pino's message key: one human sentence), `event` and flat fields in camelCase with their
 * unit in the name (`latencyMs`, `windowSeconds`). nestjs-pino merges it into the pino line;
 * Nest's JSON `ConsoleLogger` prints it as `message`. Never holds a key secret, a token, a
 * Redis password or a request body.
 */
export interface PerformChatLogEntry {
  /** The human sentence (pino's `msg`). */
  msg: string;
  event: PerformChatLogEvent;
  [field: string]: PerformChatLogValue;
}

/** Builds a {@link PerformChatLogEntry}; fields that are `undefined` are left out. */
export function performChatLogEntry(
  event: PerformChatLogEvent,
  msg: string,
  fields: Readonly<Record<string, PerformChatLogValue | undefined>> = {},
): PerformChatLogEntry {
  const entry: PerformChatLogEntry = { msg, event };
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && name !== 'msg' && name !== 'event') entry[name] = value;
  }
  return entry;
}

/** The module's log lines, as events: failures and state changes, never successes. */
export function performChatLogListener(logger: Pick<Logger, 'log' | 'warn'>): PerformChatTelemetryListener {
  return (event) => {
    switch (event.type) {
      case 'attempt.failed': {
        const { type, operation, code, status, attempt, latencyMs, keyId, message } = event;
        logger.warn(
          performChatLogEntry(type, Messages.attemptFailed(operation, attempt, message), {
            operation,
            code,
            status,
            attempt,
            latencyMs,
            keyId,
            reason: message,
          }),
        );
        return;
      }
      case 'budget.refused': {
        // One user over its share is that user's 429, as the route guard's refusals: not logged.
        if (!event.firstInWindow || event.budget === 'user') return;
        const { type, budget, limit, windowSeconds, retryAfterMs } = event;
        const msg =
          budget === 'tokens'
            ? Messages.upstreamTokenBudgetSpent(limit, windowSeconds, retryAfterMs)
            : budget === 'api-requests'
              ? Messages.upstreamApiBudgetSpent(limit, windowSeconds, retryAfterMs)
              : Messages.upstreamAuthBudgetSpent(limit, windowSeconds, retryAfterMs);
        logger.warn(performChatLogEntry(type, msg, { budget, limit, windowSeconds, retryAfterMs }));
        return;
      }
      case 'breaker.opened': {
        const { type, failureThreshold, cooldownMs } = event;
        logger.warn(
          performChatLogEntry(type, Messages.circuitOpened(failureThreshold, cooldownMs), {
            failureThreshold,
            cooldownMs,
          }),
        );
        return;
      }
      case 'breaker.closed': {
        const { type, failureThreshold, cooldownMs } = event;
        logger.log(performChatLogEntry(type, Messages.circuitClosed(), { failureThreshold, cooldownMs }));
        return;
      }
      case 'token-store.down': {
        const reason = event.reason ?? 'no answer';
        logger.warn(
          performChatLogEntry(event.type, Messages.tokenStoreDown(event.where, reason), { where: event.where, reason }),
        );
        return;
      }
      case 'token-store.up':
        logger.log(performChatLogEntry(event.type, Messages.tokenStoreBack(event.where), { where: event.where }));
        return;
      case 'key.rotated': {
        const { type, fromKeyId, toKeyId, source, trigger, upstreamMessage } = event;
        const after = trigger === 'refresh' ? 'a scheduled read of credentials' : 'a 401';
        logger.warn(
          performChatLogEntry(type, Messages.keyRotated(fromKeyId, toKeyId, source, after), {
            fromKeyId,
            toKeyId,
            source,
            trigger,
            upstreamMessage,
          }),
        );
        return;
      }
      case 'key.rotation-failed': {
        const { type, fromKeyId, candidateKeyId, code, message } = event;
        logger.warn(
          performChatLogEntry(type, Messages.keyRotationFailed(fromKeyId, candidateKeyId, message), {
            fromKeyId,
            candidateKeyId,
            code,
            reason: message,
          }),
        );
        return;
      }
      case 'credentials.refresh-failed': {
        const { type, trigger, reason } = event;
        logger.warn(
          performChatLogEntry(type, Messages.credentialsProviderFailed(trigger, reason), { trigger, reason }),
        );
        return;
      }
      default:
        return;
    }
  };
}
