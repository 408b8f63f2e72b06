import type { Cluster, Redis } from 'ioredis';

/**
 * A Redis option's value: your ioredis client, one node (`Redis`) or a Redis Cluster (`Cluster`),
 * used as is and never closed by the module; or a URL, connected and closed by the module:
 * `redis://` / `rediss://` for one node, `redis+cluster://host:port,host:port` /
 * `rediss+cluster://...` for a cluster.
 */
export type PerformChatRedisSource = Redis | Cluster | string;
