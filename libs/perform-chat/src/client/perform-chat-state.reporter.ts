import { Injectable, OnModuleDestroy } from '@nestjs/common';
import {
  PerformChatInstanceState,
  PerformChatStateQuery,
  performChatStateChannel,
} from '../telemetry/perform-chat-channels';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { PerformChatKeyring } from './perform-chat-keyring';
import { PerformChatResilience } from './perform-chat-resilience';
import { PerformChatUpstreamBudget } from './upstream-budget';

/**
 * Answers state queries on `nestjs-performchat:state` (the pull side of the channels, for
 * gauges: the budget left, the breaker's state) from the app's bootstrap to its shutdown. Reading costs a Redis
 * round trip or two with a Redis store, and only when someone asks.
 */
@Injectable()
export class PerformChatStateReporter implements OnModuleDestroy {
  private subscribed = false;
  private readonly onQuery = (message: unknown): void => {
    const query = message as Partial<PerformChatStateQuery> | null;
    if (typeof query?.reply === 'function') query.reply(this.state());
  };

  constructor(
    private readonly telemetry: PerformChatTelemetry,
    private readonly resilience: PerformChatResilience,
    private readonly budget: PerformChatUpstreamBudget,
    private readonly keyring: PerformChatKeyring,
  ) {}

  /**
   * Starts answering; `PerformChatModule` calls it from its own bootstrap hook, which Nest runs
   * once every provider of the instance booted (so an instance whose boot failed never answers).
   * Once: Nest runs the hooks again when a testing module's app is initialised after it, and the
   * channel would keep a second subscription that one unsubscribe does not remove.
   */
  start(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    performChatStateChannel.subscribe(this.onQuery);
  }

  onModuleDestroy(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    performChatStateChannel.unsubscribe(this.onQuery);
  }

  /** This instance's state of the moment. Never rejects. */
  async state(): Promise<PerformChatInstanceState> {
    const { keyId } = this.keyring.current;
    return {
      instance: this.telemetry.instance,
      keyId,
      breaker: this.resilience.state().state,
      budgets: await this.budget.state(keyId).catch(() => []),
    };
  }
}
