import type { PerformChatRedisClient } from './redis-client';

/** How long the boot waits for a Redis connection to be ready, in milliseconds. */
export const REDIS_READY_TIMEOUT_MS = 3_000;

/** Resolves true when the client is ready, false after `timeoutMs` (never rejects). */
export function whenRedisReady(client: PerformChatRedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once('ready', onReady);
  });
}
