import { FactoryProvider } from '@nestjs/common';
// Types only: @nestjs/terminus is an optional peer dependency, loaded below at runtime.
import type { HealthIndicatorService } from '@nestjs/terminus';
import { Messages } from '../perform-chat.messages';
import { PERFORM_CHAT_TERMINUS } from './perform-chat-health.constants';

/** The terminus `HealthIndicatorService`, or why it could not be loaded (internal). */
export class PerformChatTerminus {
  constructor(
    private readonly service: HealthIndicatorService | undefined,
    private readonly loadError?: string,
  ) {}

  /**
   * The service the indicators build their results with.
   * @throws Error saying to install @nestjs/terminus when it could not be loaded.
   */
  get healthIndicatorService(): HealthIndicatorService {
    if (!this.service) throw new Error(Messages.terminusMissing(this.loadError ?? 'unknown error'));
    return this.service;
  }
}

/**
 * Requires `@nestjs/terminus` when the module boots, in a try/catch: an app without it boots
 * and works, and only calling a health indicator fails, with an "install" message.
 */
export function loadPerformChatTerminus(): PerformChatTerminus {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const terminus = require('@nestjs/terminus') as typeof import('@nestjs/terminus');
    return new PerformChatTerminus(new terminus.HealthIndicatorService());
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return new PerformChatTerminus(undefined, reason);
  }
}

export const performChatTerminusProvider: FactoryProvider<PerformChatTerminus> = {
  provide: PERFORM_CHAT_TERMINUS,
  useFactory: loadPerformChatTerminus,
};
