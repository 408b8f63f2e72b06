import type { Cluster, Redis } from 'ioredis';

/** A client the module's Redis features accept: one node (`Redis`) or a Redis Cluster (`Cluster`). */
export type PerformChatRedisClient = Redis | Cluster;

/**
 * Whether a client is an ioredis `Cluster`, by shape (`isCluster`, `nodes()`), never by class:
 * the app may load another copy of ioredis than the module (STYLE 19).
 */
export function isRedisCluster(client: unknown): client is Cluster {
  if (typeof client !== 'object' || client === null) return false;
  const shape = client as { isCluster?: unknown; nodes?: unknown };
  return shape.isCluster === true || (shape.isCluster === undefined && typeof shape.nodes === 'function');
}

/** The masters a cluster client knows right now (none before its first `CLUSTER SLOTS` answer). */
export function clusterMasters(cluster: Cluster): Redis[] {
  return cluster.nodes('master');
}

/** Secrets of a client's options, to redact from any text that may quote them. */
export function redisSecretsOf(client: PerformChatRedisClient): string[] {
  const options = isRedisCluster(client)
    ? (client as { options?: { redisOptions?: { password?: string } } }).options?.redisOptions
    : (client as { options?: { password?: string } }).options;
  return options?.password ? [options.password] : [];
}
