import { measureRateLimitMemory } from '../rate-limit-memory.bench';
import type { Role } from '../lib/role';

/** B4 in a child of its own (node --expose-gc), so the heap holds nothing but the limiter. */
export const rateLimitMemoryRole: Role = async () => ({
  commands: {
    measure: ({ users, windowSeconds, graceMs }: { users: number; windowSeconds: number; graceMs: number }) =>
      measureRateLimitMemory(users, windowSeconds, graceMs),
  },
});
