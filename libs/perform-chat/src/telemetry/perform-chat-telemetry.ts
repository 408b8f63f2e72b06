import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DEFAULT_INSTANCE_NAME, LOGGER_CONTEXT, PERFORM_CHAT_INSTANCE } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import type { PerformChatTelemetryEvent } from './perform-chat-telemetry.events';
import { performChatChannelListener } from './perform-chat-channels';

/** Receives every event of one module instance, synchronously. It must not throw (if it does, it is ignored). */
export type PerformChatTelemetryListener = (event: PerformChatTelemetryEvent) => void;

/**
 * The one seam where the pipeline, the guard, the budget, the breaker and the health probe
 * report what happened. The module's own log lines are a listener of it
 * ({@link performChatLogListener}); metrics and traces attach here too. Reporting costs one
 * call per listener; with no listener beyond the log, nothing is built that is not logged.
 */
@Injectable()
export class PerformChatTelemetry {
  private listeners: PerformChatTelemetryListener[] = [];
  /** The module instance reporting (`default`, or its `name`): a low-cardinality attribute for metrics and traces. */
  readonly instance: string;

  constructor(@Optional() @Inject(PERFORM_CHAT_INSTANCE) definition?: { name: string }) {
    this.instance = definition?.name ?? DEFAULT_INSTANCE_NAME;
    // A named instance's lines say which one they are about: `[PerformChat(eu)]`.
    const context = this.instance === DEFAULT_INSTANCE_NAME ? LOGGER_CONTEXT : `${LOGGER_CONTEXT}(${this.instance})`;
    this.subscribe(performChatLogListener(new Logger(context)));
    this.subscribe(performChatChannelListener(this.instance));
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: PerformChatTelemetryListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  report(event: PerformChatTelemetryEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug never fails a call.
      }
    }
  }
}

/** The module's log lines, as events: failures and state changes, never successes. */
export function performChatLogListener(logger: Pick<Logger, 'log' | 'warn'>): PerformChatTelemetryListener {
  return (event) => {
    switch (event.type) {
      case 'attempt.failed': {
        const { operation, code, status, attempt, latencyMs, keyId, message } = event;
        logger.warn(Messages.attemptFailed({ operation, code, status, attempt, latencyMs, keyId, message }));
        return;
      }
      case 'budget.refused':
        // One user over its share is that user's 429, as the route guard's refusals: not logged.
        if (!event.firstInWindow || event.budget === 'user') return;
        logger.warn(
          event.budget === 'tokens'
            ? Messages.upstreamTokenBudgetSpent(event.limit, event.windowSeconds, event.retryAfterMs)
            : event.budget === 'api-requests'
              ? Messages.upstreamApiBudgetSpent(event.limit, event.windowSeconds, event.retryAfterMs)
              : Messages.upstreamAuthBudgetSpent(event.limit, event.windowSeconds, event.retryAfterMs),
        );
        return;
      case 'breaker.opened':
        logger.warn(Messages.circuitOpened(event.failureThreshold, event.cooldownMs));
        return;
      case 'breaker.closed':
        logger.log(Messages.circuitClosed());
        return;
      case 'token-store.down':
        logger.warn(Messages.tokenStoreDown(event.where, event.reason ?? 'no answer'));
        return;
      case 'token-store.up':
        logger.log(Messages.tokenStoreBack(event.where));
        return;
      case 'key.rotated':
        logger.warn(
          Messages.keyRotated(
            event.fromKeyId,
            event.toKeyId,
            event.source,
            event.trigger === 'refresh' ? 'a scheduled read of credentials' : 'a 401',
          ),
        );
        return;
      case 'key.rotation-failed':
        logger.warn(Messages.keyRotationFailed(event.fromKeyId, event.candidateKeyId, event.message));
        return;
      case 'credentials.refresh-failed':
        logger.warn(Messages.credentialsProviderFailed(event.trigger, event.reason));
        return;
      default:
        return;
    }
  };
}
