import type { ModulesContainer } from '@nestjs/core';
import type { PerformChatLimiter } from './perform-chat-limiter';

/** One registry per application (its module container), gone with it. */
const byApplication = new WeakMap<object, PerformChatKeyWideLimiters>();

/**
 * The in-memory limiters that count for an API key rather than for one module instance (the
 * upstream budget), shared by every PerformChatModule instance of one application: two
 * instances using one key spend one budget, as they would through Redis. Per application, not
 * per process, so two apps in one process (tests) count apart, as two pods would.
 */
export class PerformChatKeyWideLimiters {
  /** Limiters and sliding-window logs (issue 15), by id. */
  private readonly limiters = new Map<string, unknown>();

  /** The registry of the application whose modules are `modules`. */
  static of(modules: ModulesContainer): PerformChatKeyWideLimiters {
    let registry = byApplication.get(modules);
    if (!registry) {
      registry = new PerformChatKeyWideLimiters();
      byApplication.set(modules, registry);
    }
    return registry;
  }

  /** The limiter (or log) `id` (prefix, name and limits), made by `create` on first use. */
  get<T = PerformChatLimiter>(id: string, create: () => T): T {
    let limiter = this.limiters.get(id) as T | undefined;
    if (!limiter) {
      limiter = create();
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
