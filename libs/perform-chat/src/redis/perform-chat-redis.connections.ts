import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LOGGER_CONTEXT } from '../perform-chat.constants';

/** A Redis connection for the module's stores: your ioredis client (used as is) or a `redis://` URL. */
export type PerformChatRedisSource = Redis | string;

/**
 * Every Redis connection the module's stores use (rate limits, upstream budget,
 * customer users), so one URL means one connection, the Redis health indicator can PING
 * them, and shutdown closes exactly the connections the module opened (never yours).
 *
 * ioredis is an optional peer dependency: it is loaded only when a URL is given.
 */
@Injectable()
export class PerformChatRedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly byUrl = new Map<string, Redis>();
  private readonly clients = new Set<Redis>();

  /** The client for a source; URLs are connected once and shared. */
  get(source: PerformChatRedisSource): Redis {
    if (typeof source !== 'string') {
      this.clients.add(source);
      return source;
    }
    let client = this.byUrl.get(source);
    if (!client) {
      client = this.connect(source);
      this.byUrl.set(source, client);
      this.clients.add(client);
    }
    return client;
  }

  /** Every client in use, yours and the module's. */
  all(): Redis[] {
    return [...this.clients];
  }

  async onApplicationShutdown(): Promise<void> {
    const owned = [...this.byUrl.values()];
    this.byUrl.clear();
    await Promise.all(owned.map((client) => client.quit().catch(() => client.disconnect())));
  }

  private connect(url: string): Redis {
    let RedisClass: typeof import('ioredis').Redis;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      RedisClass = (require('ioredis') as typeof import('ioredis')).Redis;
    } catch {
      throw new Error('A Redis store needs the ioredis package: npm install ioredis');
    }
    const client = new RedisClass(url, {
      // Commands sent while connecting wait for the connection (the first requests after boot
      // work); during an outage a command fails after one reconnection attempt instead of
      // queueing for ever. The rate limiter does not wait at all: it checks readiness first.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
    });
    // Without a listener ioredis prints every reconnection failure; callers log outages once.
    client.on('error', () => undefined);
    this.logger.debug(`Redis connection opened to ${new URL(url).host}`);
    return client;
  }
}
