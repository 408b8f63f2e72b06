import type { Redis } from 'ioredis';
import { PerformChatRedisClient, isRedisCluster } from './redis-client';

/** Startup nodes named in a cluster's description; more are counted, not listed. */
const NAMED_NODES = 3;

/** `host:port` (or the socket path) of one node's client: never its password. */
export function describeRedisNode(client: Redis): string {
  const options = (client as { options?: { host?: string; port?: number; path?: string } }).options ?? {};
  return options.path || `${options.host ?? 'localhost'}:${options.port ?? 6379}`;
}

/**
 * How a client is named in logs and health details, never with its password: `host:port` for one
 * node, `cluster host1:port1,host2:port2,host3:port3 (+2 more)` for a Redis Cluster (its startup nodes).
 */
export function describeRedisClient(client: PerformChatRedisClient): string {
  if (!isRedisCluster(client)) return describeRedisNode(client);
  const startup = ((client as unknown as { startupNodes?: unknown[] }).startupNodes ?? []).map((node) => {
    if (typeof node === 'string')
      return node
        .replace(/^[a-z+]+:\/\//i, '')
        .replace(/^.*@/, '')
        .replace(/\/.*$/, '');
    if (typeof node === 'number') return `localhost:${node}`;
    const { host, port } = (node ?? {}) as { host?: string; port?: number };
    return `${host ?? 'localhost'}:${port ?? 6379}`;
  });
  const more = startup.length > NAMED_NODES ? ` (+${startup.length - NAMED_NODES} more)` : '';
  return `cluster ${startup.slice(0, NAMED_NODES).join(',') || 'without startup nodes'}${more}`;
}
