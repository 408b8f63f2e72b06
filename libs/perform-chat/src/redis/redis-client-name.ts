import type { Redis } from 'ioredis';

/** `host:port` (or the socket path) of an ioredis client, for logs and health: never its password. */
export function describeRedisClient(client: Redis): string {
  const options = (client as { options?: { host?: string; port?: number; path?: string } }).options ?? {};
  return options.path || `${options.host ?? 'localhost'}:${options.port ?? 6379}`;
}
