import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import type { PerformChatRedisSource } from '../options/redis-source';
import { PerformChatOptionsError } from '../options/perform-chat-options.error';
import { maskUrl } from '../options/mask-url';
import { redisDatabaseOf, redisUrlName, redisUrlOptions } from '../options/perform-chat-url.validation';
import { REDIS_CLUSTER_URL_FORM, isRedisClusterUrl, parseRedisClusterUrl } from '../options/redis-cluster-url';
import { LOGGER_CONTEXT } from '../perform-chat.constants';
import { PERFORM_CHAT_STORES_SLICE } from '../options/perform-chat-options.slices';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';
import { PerformChatRedisClient } from './redis-client';
import { describeRedisClient } from './redis-client-name';
import { RedisDatabaseProblem, checkRedisDatabase } from './redis-database.check';
import { REDIS_READY_TIMEOUT_MS, whenRedisReady } from './redis-ready';

/**
 * Cluster options of a connection the module opens from a `redis+cluster://` URL. During a
 * failover, a command to the failed master's slots is retried on `MOVED`, `CLUSTERDOWN` and
 * closed connections `retryDelayOn*` apart, at most `maxRedirections` times: ioredis's 16 let a
 * request wait ~1.6 s for nothing; 4 fail it within ~0.4 s, and the caller (the insurance
 * limiter, or the store's STORE_UNAVAILABLE) answers instead. A `MOVED` after a resharding needs 1.
 */
export const REDIS_CLUSTER_OPTIONS = {
  maxRedirections: 4,
  retryDelayOnFailover: 100,
  retryDelayOnClusterDown: 100,
  retryDelayOnTryAgain: 100,
  slotsRefreshTimeout: 1_000,
} as const;

/** A connection the module opened from a URL, and the last check of the database it names. */
interface OwnedConnection {
  client: PerformChatRedisClient;
  /** `rateLimit.store.redis and customerUserStore.redis (env PERFORMCHAT_REDIS_URL)`. */
  label: string;
  /** `host:port` (never credentials). */
  server: string;
  db: number;
  /** Whether it became ready within {@link REDIS_READY_TIMEOUT_MS} of being opened. */
  readyAtBoot: Promise<boolean>;
  /** The problem found on the last `ready`, if any; unset until the first check ends. */
  check?: Promise<string | undefined>;
}

/**
 * Every Redis connection the module's stores use (rate limits, upstream budget,
 * customer users), so one URL means one connection, the Redis health indicator can PING
 * them, and shutdown closes exactly the connections the module opened (never yours).
 *
 * A URL naming a database (`redis://host/2`) is checked each time its connection is ready:
 * at boot a database the server does not have stops the boot; later (Redis was down at boot)
 * it is logged and the connection closed, so nothing is written to database 0 instead.
 *
 * ioredis is an optional peer dependency: it is loaded only when a URL is given.
 */
@Injectable()
export class PerformChatRedisConnections implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly byUrl = new Map<string, OwnedConnection>();
  private readonly clients = new Set<PerformChatRedisClient>();
  /** Which options hold each URL, to name them in messages. */
  private readonly fieldsByUrl: Map<string, string[]>;
  private booted = false;

  constructor(
    @Optional()
    @Inject(PERFORM_CHAT_STORES_SLICE)
    options?: {
      rateLimit?: unknown;
      customerUserStore?: unknown;
      tokenReuse?: unknown;
    },
  ) {
    this.fieldsByUrl = options ? redisUrlOptions(options) : new Map();
  }

  /** The client for a source; URLs are connected once and shared. */
  get(source: Redis): Redis;
  get(source: Cluster): Cluster;
  get(source: PerformChatRedisSource): PerformChatRedisClient;
  get(source: PerformChatRedisSource): PerformChatRedisClient {
    if (typeof source !== 'string') {
      this.clients.add(source);
      return source;
    }
    let owned = this.byUrl.get(source);
    if (!owned) {
      owned = this.connect(source);
      this.byUrl.set(source, owned);
      this.clients.add(owned.client);
    }
    return owned.client;
  }

  /** Every client in use, yours and the module's. */
  all(): PerformChatRedisClient[] {
    return [...this.clients];
  }

  /**
   * Runs after every store's `onModuleInit`: waits for each connection naming a database to be
   * ready (at most {@link REDIS_READY_TIMEOUT_MS} from its opening, the wait the rate-limit store
   * already makes) and fails the boot when the server does not have that database. A Redis that
   * is down at boot does not stop the app; its database is checked when it comes up.
   * @throws PerformChatOptionsError naming the URL's options and variable, the password masked
   */
  async onApplicationBootstrap(): Promise<void> {
    const checked = [...this.byUrl.values()].filter((owned) => owned.db !== 0);
    const problems = await Promise.all(
      checked.map(async (owned) => ((await owned.readyAtBoot) ? owned.check : undefined)),
    );
    this.booted = true;
    const found = problems.filter((problem): problem is string => problem !== undefined);
    if (found.length > 0) {
      checked.forEach((owned) => owned.client.disconnect());
      throw new PerformChatOptionsError(found);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // One closed after a failed database check is left alone (disconnecting it again would arm ioredis's 2 s timer).
    const owned = [...this.byUrl.values()].map(({ client }) => client).filter((client) => client.status !== 'end');
    this.byUrl.clear();
    await Promise.all(owned.map((client) => client.quit().catch(() => client.disconnect())));
  }

  private connect(url: string): OwnedConnection {
    let ioredis: typeof import('ioredis');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ioredis = require('ioredis') as typeof import('ioredis');
    } catch {
      throw new Error(Messages.ioredisMissing());
    }
    const label = redisUrlName(this.fieldsByUrl.get(url));
    if (isRedisClusterUrl(url)) return this.connectCluster(ioredis.Cluster, url, label);
    const RedisClass = ioredis.Redis;
    let client: Redis;
    try {
      client = new RedisClass(url, {
        // Commands sent while connecting wait for the connection (the first requests after boot
        // work); during an outage a command fails after one reconnection attempt instead of
        // queueing for ever. The rate limiter does not wait at all: it checks readiness first.
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
      });
    } catch {
      // The options validation refuses such a URL first; ioredis's own error (a TypeError whose
      // `input` is the whole URL, password included) must never surface.
      throw new PerformChatOptionsError([Messages.urlUnparseable(label, 'redis://[[user]:password@]host[:port][/db]')]);
    }
    // Without a listener ioredis prints every reconnection failure; callers log outages once.
    client.on('error', () => undefined);
    const db = redisDatabaseOf(url);
    const owned: OwnedConnection = {
      client,
      label,
      server: new URL(url).host,
      db,
      readyAtBoot: Promise.resolve(false),
    };
    if (db !== 0) {
      // Registered before any other `ready` listener, so the check has started when a waiter wakes.
      client.on('ready', () => this.checkDatabase(owned, client));
      owned.readyAtBoot = whenRedisReady(client, REDIS_READY_TIMEOUT_MS);
    }
    const shown = maskUrl(url);
    this.logger.debug(
      performChatLogEntry('redis.connected', Messages.redisConnected(shown ?? 'a Redis URL'), {
        label,
        cluster: false,
        where: shown,
      }),
    );
    return owned;
  }

  /**
   * A Redis Cluster from its startup nodes. Node connections get the options of a single-node
   * connection (one retry per command, 2 s to connect); the cluster ones fail fast during a
   * failover ({@link REDIS_CLUSTER_OPTIONS}). A cluster has database 0 only: nothing to check.
   */
  private connectCluster(ClusterClass: typeof import('ioredis').Cluster, url: string, label: string): OwnedConnection {
    const parsed = parseRedisClusterUrl(url);
    // The options validation refuses such a URL first.
    if (typeof parsed === 'string')
      throw new PerformChatOptionsError([Messages.urlUnparseable(label, REDIS_CLUSTER_URL_FORM)]);
    const client = new ClusterClass(parsed.nodes, {
      ...REDIS_CLUSTER_OPTIONS,
      enableOfflineQueue: true,
      // TLS (managed services): certificates name the host, so ioredis must connect by name, not by a looked-up IP.
      ...(parsed.tls
        ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) }
        : {}),
      redisOptions: {
        ...(parsed.username ? { username: parsed.username } : {}),
        ...(parsed.password ? { password: parsed.password } : {}),
        ...(parsed.tls ? { tls: {} } : {}),
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        // ioredis opens a short-lived connection per slot-table reload; closing one arms a timer
        // of disconnectTimeout (2 s by default) that would hold the process open after shutdown.
        disconnectTimeout: 200,
      },
    });
    client.on('error', () => undefined);
    const server = describeRedisClient(client);
    this.logger.debug(
      performChatLogEntry('redis.connected', Messages.redisClusterConnected(server), {
        label,
        cluster: true,
        where: server,
      }),
    );
    return { client, label, server, db: 0, readyAtBoot: Promise.resolve(false) };
  }

  /** One database check per `ready`; after boot a failed one is logged and closes the connection. */
  private checkDatabase(owned: OwnedConnection, client: Redis): void {
    owned.check = checkRedisDatabase(client, owned.db).then((problem) => {
      const message = problem && this.describe(owned, problem);
      if (problem && message && this.booted) {
        this.logger.error(
          performChatLogEntry('redis.database-stopped', Messages.redisDatabaseStopped(message), {
            label: owned.label,
            server: owned.server,
            db: owned.db,
            problem: problem.kind,
            databases: problem.kind === 'missing' ? problem.databases : undefined,
            reason: problem.kind === 'missing' ? undefined : problem.reason,
          }),
        );
        owned.client.disconnect();
      }
      return message;
    });
  }

  private describe(owned: OwnedConnection, problem: RedisDatabaseProblem): string {
    return problem.kind === 'missing'
      ? Messages.redisDatabaseMissing(owned.label, owned.db, owned.server, problem.databases)
      : Messages.redisDatabaseRefused(owned.label, owned.db, owned.server, problem.reason);
  }
}
