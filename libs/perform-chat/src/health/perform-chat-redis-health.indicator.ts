import { Inject, Injectable } from '@nestjs/common';
// Types only: @nestjs/terminus and ioredis are optional peer dependencies.
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { redact } from '../errors/redact';
import { PERFORM_CHAT_HEALTH_SLICE, PerformChatHealthSlice } from '../options/perform-chat-options.slices';
import { Messages } from '../perform-chat.messages';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import {
  PerformChatRedisClient,
  currentClusterSlotOwners,
  isRedisCluster,
  redisSecretsOf,
  refreshClusterSlots,
} from '../redis/redis-client';
import { describeRedisClient, describeRedisNode } from '../redis/redis-client-name';
import {
  PERFORM_CHAT_REDIS_HEALTH_KEY,
  PERFORM_CHAT_TERMINUS,
  instanceHealthKey,
} from './perform-chat-health.constants';
import { PerformChatRedisHealthCheckOptions } from './perform-chat-health.interfaces';
import { resolveRedisHealthCheckTimeout } from '../options/health.validation';
import { PerformChatTerminus } from './perform-chat-terminus.provider';

/** One Redis client that did not answer PING. */
export interface PerformChatRedisPingFailure {
  /** `host:port` or the socket path; never credentials. */
  client: string;
  reason: 'timeout' | 'not_connected' | 'error';
  message: string;
}

/**
 * Terminus health indicator for the Redis connections of the module's stores (rate limits,
 * upstream budget, customer users): PINGs every client in use, each with a time limit.
 * With no Redis store configured it is up with `{ clients: 0 }`; use {@link hasClients} to
 * leave it out of a readiness check in that case.
 */
@Injectable()
export class PerformChatRedisHealthIndicator {
  constructor(
    @Inject(PERFORM_CHAT_TERMINUS) private readonly terminus: PerformChatTerminus,
    private readonly connections: PerformChatRedisConnections,
    @Inject(PERFORM_CHAT_HEALTH_SLICE) private readonly options: PerformChatHealthSlice,
  ) {}

  /** Whether any store of the module uses Redis. */
  hasClients(): boolean {
    return this.connections.all().length > 0;
  }

  /**
   * Up with `{ clients, latencyMs }` when every client answers PING within `timeoutMs` (just
   * `{ clients: 0 }` when no store uses Redis: nothing to be unready about); down
   * with `{ clients, message, failures: [{ client, reason, message }] }` otherwise. Never
   * throws for a Redis outage.
   * @throws Error when @nestjs/terminus is not installed, or timeoutMs is not a positive whole number
   */
  async isHealthy<const Key extends string = string>(
    key: Key = instanceHealthKey(PERFORM_CHAT_REDIS_HEALTH_KEY, this.options.name) as Key,
    options: PerformChatRedisHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.terminus.healthIndicatorService.check(key);
    const timeoutMs = resolveRedisHealthCheckTimeout(options, this.options.health.timeoutMs);
    const clients = this.connections.all();
    if (clients.length === 0) return session.up({ clients: 0 });
    const startedAt = performance.now();
    const results = await Promise.all(clients.map((client) => this.check(client, timeoutMs)));
    const latencyMs = Math.round(performance.now() - startedAt);
    const failures = results.flat();
    if (failures.length === 0) return session.up({ clients: clients.length, latencyMs });
    const message = failures.map((failure) => `${failure.client}: ${failure.message}`).join('; ');
    return session.down({ clients: clients.length, message, failures });
  }

  /**
   * One node: PING it. A Redis Cluster: PING every master serving slots (a PING to the cluster
   * client would reach one random node and prove nothing about the others), each named
   * `host:port`; a master the client has no connection to (lost, failing over; the slot table is
   * reloaded once first) and a cluster that knows no master yet are `not_connected`. During a
   * failover the failed master is down until its replica has taken its slots over; a failed
   * check reloads the slot table for the next one.
   */
  private async check(client: PerformChatRedisClient, timeoutMs: number): Promise<PerformChatRedisPingFailure[]> {
    const secrets = redisSecretsOf(client);
    if (!isRedisCluster(client)) {
      const failure = await this.ping(client, describeRedisNode(client), timeoutMs, secrets);
      return failure ? [failure] : [];
    }
    const owners = await currentClusterSlotOwners(client, timeoutMs);
    if (owners.length === 0) {
      const name = describeRedisClient(client);
      return [{ client: name, reason: 'not_connected', message: Messages.redisClusterNoMaster(name, client.status) }];
    }
    const results = await Promise.all(
      owners.map(({ address, node }) =>
        node
          ? this.ping(node, address, timeoutMs, secrets)
          : { client: address, reason: 'not_connected' as const, message: Messages.redisClusterMasterLost() },
      ),
    );
    const failures = results.filter((failure): failure is PerformChatRedisPingFailure => failure !== undefined);
    // ioredis reloads its slot table only when a command is redirected: after a failover a master
    // that is gone may still be listed. Reload it now (not awaited) so the next check sees the new one.
    if (failures.length > 0) void refreshClusterSlots(client, timeoutMs);
    return failures;
  }

  private async ping(
    client: Redis,
    name: string,
    timeoutMs: number,
    secrets: string[],
  ): Promise<PerformChatRedisPingFailure | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const answered = client.ping().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    try {
      const outcome = await Promise.race([answered, timedOut]);
      if (outcome === undefined) return undefined;
      if (outcome === 'timeout') return { client: name, reason: 'timeout', message: Messages.healthTimeout(timeoutMs) };
      const connected = client.status === 'ready';
      return {
        client: name,
        reason: connected ? 'error' : 'not_connected',
        message: Messages.redisPingFailed(client.status, redact(outcome.message, secrets)),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
