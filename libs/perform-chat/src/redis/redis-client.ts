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

/** A master serving slots, by address, with the client's connection to it (none while the client has lost it). */
export interface ClusterSlotOwner {
  /** `host:port`, as in the slot table. */
  address: string;
  node?: Redis;
}

/**
 * The masters that serve slots according to the client's slot table (`cluster.slots`), each with
 * the client's connection to it. Not `cluster.nodes('master')` alone: ioredis drops a lost master's
 * connection at once while the slot table still routes its slots to it, so that list would look
 * complete with a master missing. Empty before the first `CLUSTER SLOTS` answer.
 */
export function clusterSlotOwners(cluster: Cluster): ClusterSlotOwner[] {
  const addresses = new Set<string>();
  for (const owners of cluster.slots ?? []) if (owners?.[0]) addresses.add(owners[0]);
  const connections = new Map(cluster.nodes('all').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  return [...addresses].map((address) => ({ address, node: connections.get(address) }));
}

/**
 * Asks ioredis to reload the slot table from the cluster, and waits at most `timeoutMs`. After a
 * failover ioredis reloads it only when a command is redirected, so a check that found a master
 * without a connection asks once before concluding. Never rejects; a client without the method
 * (another ioredis) is left as it is.
 */
export function refreshClusterSlots(cluster: Cluster, timeoutMs: number): Promise<void> {
  const refresh = (cluster as { refreshSlotsCache?: (callback: () => void) => void }).refreshSlotsCache;
  if (typeof refresh !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    refresh.call(cluster, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The slot owners, reloading the slot table once if one of them has no connection. */
export async function currentClusterSlotOwners(cluster: Cluster, timeoutMs: number): Promise<ClusterSlotOwner[]> {
  const owners = clusterSlotOwners(cluster);
  if (owners.length > 0 && owners.every((owner) => owner.node)) return owners;
  await refreshClusterSlots(cluster, timeoutMs);
  return clusterSlotOwners(cluster);
}

/** Secrets of a client's options, to redact from any text that may quote them. */
export function redisSecretsOf(client: PerformChatRedisClient): string[] {
  const options = isRedisCluster(client)
    ? (client as { options?: { redisOptions?: { password?: string } } }).options?.redisOptions
    : (client as { options?: { password?: string } }).options;
  return options?.password ? [options.password] : [];
}
