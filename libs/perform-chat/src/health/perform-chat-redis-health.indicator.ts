import { Inject, Injectable } from '@nestjs/common';
// Types only: @nestjs/terminus and ioredis are optional peer dependencies.
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { redact } from '../errors/redact';
import { PERFORM_CHAT_HEALTH_SLICE, PerformChatHealthSlice } from '../options/perform-chat-options.slices';
import { Messages } from '../perform-chat.messages';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import { describeRedisClient } from '../redis/redis-client-name';
import { PERFORM_CHAT_REDIS_HEALTH_KEY, PERFORM_CHAT_TERMINUS, instanceHealthKey } from './perform-chat-health.constants';
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
    const results = await Promise.all(clients.map((client) => this.ping(client, timeoutMs)));
    const latencyMs = Math.round(performance.now() - startedAt);
    const failures = results.filter((failure): failure is PerformChatRedisPingFailure => failure !== undefined);
    if (failures.length === 0) return session.up({ clients: clients.length, latencyMs });
    const message = failures.map((failure) => `${failure.client}: ${failure.message}`).join('; ');
    return session.down({ clients: clients.length, message, failures });
  }

  private async ping(client: Redis, timeoutMs: number): Promise<PerformChatRedisPingFailure | undefined> {
    const name = describeRedisClient(client);
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
        message: Messages.redisPingFailed(client.status, redact(outcome.message, [client.options.password ?? ''])),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
