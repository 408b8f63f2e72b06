import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DEFAULT_INSTANCE_NAME, LOGGER_CONTEXT, PERFORM_CHAT_INSTANCE } from '../perform-chat.constants';
import { performChatLogListener } from './perform-chat-log.listener';
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
