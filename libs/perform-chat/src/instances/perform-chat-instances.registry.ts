import type { ModulesContainer } from '@nestjs/core';
import type { PerformChatRedisSource } from '../options/redis-source';
import { PerformChatOptionsError } from '../options/perform-chat-options.error';
import { Messages } from '../perform-chat.messages';

/** What one instance claims in its application, checked against the others at boot. */
export interface PerformChatInstanceClaim {
  /** The `name` extra (`default` without one). */
  name: string;
  /** The path of its token routes (`controller.path`); unset with `controller: false`. */
  routePath?: string;
  /** Where it keeps customer users, with a Redis store. */
  customerUsers?: { redis: PerformChatRedisSource; keyPrefix: string };
}

/** One registry per application (its module container), gone with it. */
const byApplication = new WeakMap<object, PerformChatInstances>();

const normalisedPath = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/**
 * The PerformChatModule instances of one application. Each registers at boot; a second one
 * under a taken name, serving the token routes on a taken path, or keeping customer users in
 * the same Redis under the same key prefix (one would list and revoke the other's users)
 * stops the boot with a message naming both. Per application, not per process: two apps in one
 * process (tests) may each have a `default`.
 */
export class PerformChatInstances {
  private readonly claims: PerformChatInstanceClaim[] = [];

  /** The registry of the application whose modules are `modules`. */
  static of(modules: ModulesContainer): PerformChatInstances {
    let registry = byApplication.get(modules);
    if (!registry) {
      registry = new PerformChatInstances();
      byApplication.set(modules, registry);
    }
    return registry;
  }

  /** @throws PerformChatOptionsError naming the instance and the one it collides with. */
  register(claim: PerformChatInstanceClaim): void {
    const problems = this.claims.flatMap((other) => this.conflicts(claim, other));
    if (problems.length > 0) throw new PerformChatOptionsError(problems, claim.name);
    this.claims.push(claim);
  }

  /** The names registered so far, in boot order. */
  names(): string[] {
    return this.claims.map((claim) => claim.name);
  }

  private conflicts(claim: PerformChatInstanceClaim, other: PerformChatInstanceClaim): string[] {
    if (claim.name === other.name) return [Messages.instanceNameTaken(claim.name)];
    const problems: string[] = [];
    if (
      claim.routePath !== undefined &&
      other.routePath !== undefined &&
      normalisedPath(claim.routePath) === normalisedPath(other.routePath)
    ) {
      problems.push(Messages.instanceRouteTaken(normalisedPath(claim.routePath), other.name, claim.name));
    }
    // Customer users live at `<prefix>:{<user id>}` and are listed by `<prefix>:{*`: one prefix
    // in one Redis is one set of users; a prefix nested in another (`app:cu:eu`) is not.
    const [mine, theirs] = [claim.customerUsers, other.customerUsers];
    if (mine && theirs && mine.redis === theirs.redis && mine.keyPrefix === theirs.keyPrefix) {
      problems.push(Messages.instanceStoreShared(other.name, claim.name, mine.keyPrefix));
    }
    return problems;
  }
}
