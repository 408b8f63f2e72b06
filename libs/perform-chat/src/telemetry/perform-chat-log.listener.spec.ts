import { Test, TestingModule } from '@nestjs/testing';
import { captureLogs, CapturedLogs, closedPort } from '@test/utils';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  PerformChatEmulator,
  startPerformChatEmulator,
} from '../../../perform-chat-emulator/src';
import { PerformChatAuthService } from '../auth/perform-chat-auth.service';
import { PerformChatKeyring } from '../client/perform-chat-keyring';
import { PerformChatShutdown } from '../client/perform-chat-shutdown';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatCustomerUserStore } from '../customer-users/perform-chat-customer-user.store';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import type { PerformChatResilienceSlice } from '../options/perform-chat-options.slices';
import { resolvePerformChatOptions } from '../options/perform-chat-options.validation';
import { readUserId } from '../options/resolve-user-id';
import { PerformChatModule } from '../perform-chat.module';
import { PerformChatRateLimitStore } from '../rate-limit/perform-chat-rate-limit.store';
import { RedisOutageMonitor } from '../rate-limit/redis-outage.monitor';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import { PERFORM_CHAT_LOG_EVENTS } from './perform-chat-log.listener';
import { PerformChatTelemetry } from './perform-chat-telemetry';

/**
 * Every log line of the library, driven for real (loopback PerformChat, Redis, the units that
 * write them) through Nest's `Logger`: one object `{ msg, event, ...fields }`, flat primitive
 * fields, the logger's context kept, never a secret, a token or a Redis password.
 */
const SECRET = EMULATOR_DEMO_KEY.keySecret;
const KEY_ID = EMULATOR_DEMO_KEY.keyId;
const REDIS_PASSWORD = 'r3dis_PASSWORD_for_logs';
const PREFIX = `wt-logs-spec-${process.pid}`;
const TOKEN_PATH = '/rest/v1/auth/token';
const JWT = /ey[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;
/** Logged by the Redis database check after a restart of the server: test/config-boot.e2e-spec.ts drives it. */
const DRIVEN_ELSEWHERE = ['redis.database-stopped'];

describe('log lines: one object { msg, event, ...fields } each, through Nest’s Logger', () => {
  let emulator: PerformChatEmulator;
  let logs: CapturedLogs;
  let moduleRef: TestingModule | undefined;
  const seen = new Set<string>();

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    logs = captureLogs();
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    // Every line of every test: the one-object shape, flat fields, nothing secret.
    for (const entry of logs.entries) {
      const message = entry.message as Record<string, unknown>;
      if (typeof message !== 'object' || !String(entry.context ?? '').startsWith('PerformChat')) continue;
      expect(entry.params).toEqual([]);
      expect(Object.keys(message).slice(0, 2)).toEqual(['msg', 'event']);
      expect(PERFORM_CHAT_LOG_EVENTS).toContain(message.event);
      for (const value of Object.values(message)) {
        expect(['string', 'number', 'boolean']).toContain(typeof value);
        expect(String(value)).not.toContain(SECRET);
        expect(String(value)).not.toContain(REDIS_PASSWORD);
        expect(String(value)).not.toMatch(JWT);
        expect(String(value)).not.toMatch(/^\{|^\[/); // no JSON inside a field or the sentence
      }
      seen.add(message.event as string);
    }
    expect(logs.text()).not.toContain(SECRET);
    expect(logs.text()).not.toContain(REDIS_PASSWORD);
    logs.restore();
  });

  async function boot(overrides: Partial<PerformChatModuleOptions> = {}) {
    moduleRef = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: KEY_ID,
          keySecret: SECRET,
          baseUrl: emulator.url,
          defaultAgentId: EMULATOR_DEMO_AGENT_ID,
          timeoutMs: 500,
          retry: false,
          circuitBreaker: false,
          ...overrides,
        }),
      ],
    }).compile();
    await moduleRef.init();
    logs.clear(); // Nest's own boot lines
    return moduleRef.get(PerformChatAuthService);
  }

  /** The one entry of `event`, with its level and context. */
  function only(event: string) {
    const found = logs.entries.filter((entry) => (entry.message as { event?: string })?.event === event);
    expect(found).toHaveLength(1);
    return found[0];
  }

  /** A customer-user store whose every method fails the way a driver would (its message names a host, not a secret). */
  function failingStore(): PerformChatCustomerUserStore {
    const fail = () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.9:5432'));
    return {
      save: fail,
      listByExternalId: fail,
      remove: fail,
      iterate: () => ({
        [Symbol.asyncIterator]: () => ({ next: fail }),
      }),
    };
  }

  it('attempt.failed (warn): one per failed attempt, the facts as fields, the sentence without JSON', async () => {
    const auth = await boot();
    emulator.addFault({ path: TOKEN_PATH, times: 1, status: 503 });
    await expect(auth.generateToken({ userId: 'alice' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    const reason = 'PerformChat failed with HTTP 503';
    expect(only('attempt.failed')).toEqual({
      level: 'warn',
      message: {
        msg: expect.stringMatching(
          /^PerformChat call failed \(generateToken, attempt 1\): PerformChat failed with HTTP 503/,
        ),
        event: 'attempt.failed',
        operation: 'generateToken',
        code: 'UPSTREAM_ERROR',
        status: 503,
        attempt: 1,
        latencyMs: expect.any(Number),
        keyId: KEY_ID,
        reason: expect.stringMatching(new RegExp(`^${reason}`)),
      },
      params: [],
      context: 'PerformChat',
    });
    const { msg, reason: field } = only('attempt.failed').message as { msg: string; reason: string };
    expect(msg).toBe(`PerformChat call failed (generateToken, attempt 1): ${field}`);
  });

  it('attempt.failed without an answer has no status; a named instance keeps its own context', async () => {
    const port = await closedPort();
    const auth = await boot({ baseUrl: `http://127.0.0.1:${port}`, name: 'eu' } as Partial<PerformChatModuleOptions>);
    await expect(auth.generateToken({ userId: 'alice' })).rejects.toMatchObject({ code: 'UNREACHABLE' });
    const entry = only('attempt.failed');
    expect(entry.context).toBe('PerformChat(eu)');
    expect(entry.message).toEqual({
      msg: `PerformChat call failed (generateToken, attempt 1): PerformChat at http://127.0.0.1:${port} is unreachable: connection refused`,
      event: 'attempt.failed',
      operation: 'generateToken',
      code: 'UNREACHABLE',
      attempt: 1,
      latencyMs: expect.any(Number),
      keyId: KEY_ID,
      reason: `PerformChat at http://127.0.0.1:${port} is unreachable: connection refused`,
    });
  });

  it('breaker.opened (warn) and breaker.closed (log)', async () => {
    const auth = await boot({ circuitBreaker: { failureThreshold: 1, cooldownMs: 30 } });
    emulator.addFault({ path: TOKEN_PATH, times: 1, status: 503 });
    await expect(auth.generateToken({ userId: 'alice' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(only('breaker.opened')).toMatchObject({
      level: 'warn',
      message: {
        msg: 'PerformChat failed 1 calls in a row: circuit breaker open, calls fail fast for 30 ms, then one trial call decides',
        event: 'breaker.opened',
        failureThreshold: 1,
        cooldownMs: 30,
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    await auth.generateToken({ userId: 'alice' });
    expect(only('breaker.closed')).toEqual({
      level: 'log',
      message: {
        msg: 'PerformChat answers again: circuit breaker closed',
        event: 'breaker.closed',
        failureThreshold: 1,
        cooldownMs: 30,
      },
      params: [],
      context: 'PerformChat',
    });
  });

  it('budget.refused (warn): once per window, with the budget, limit, window and wait; a user share refusal is not logged', async () => {
    const auth = await boot({ upstreamBudget: { tokensPerMinute: 2, tokensPerUser: 1 } });
    await auth.generateToken({ userId: 'alice' });
    await expect(auth.generateToken({ userId: 'alice', fresh: true })).rejects.toMatchObject({
      code: 'USER_RATE_LIMITED',
    });
    expect(logs.entries).toEqual([]);
    await auth.generateToken({ userId: 'bob' });
    await expect(auth.generateToken({ userId: 'carol' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(auth.generateToken({ userId: 'dave' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const { retryAfterMs } = only('budget.refused').message as { retryAfterMs: number };
    expect(only('budget.refused')).toEqual({
      level: 'warn',
      message: {
        msg: `Refused locally without calling PerformChat: the upstream budget of 2 token generations per 60 s (upstreamBudget.tokensPerMinute) is spent; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
        event: 'budget.refused',
        budget: 'tokens',
        limit: 2,
        windowSeconds: 60,
        retryAfterMs: expect.any(Number),
      },
      params: [],
      context: 'PerformChat',
    });
    expect(retryAfterMs).toBeGreaterThan(0);
  });

  it('hook.failed and store.save-failed (error): the token is still issued', async () => {
    const auth = await boot({
      customerUserStore: failingStore(),
      onTokenIssued: () => {
        throw new TypeError('audit sink down');
      },
    });
    const { token, customerUser } = await auth.generateToken({ userId: 'alice' });
    expect(logs.text()).not.toContain(token);
    expect(only('store.save-failed')).toEqual({
      level: 'error',
      message: {
        msg: expect.stringMatching(
          /^Could not save the customer user of user "alice" \(Error: connect ECONNREFUSED 10\.0\.0\.9:5432\); the token was issued/,
        ),
        event: 'store.save-failed',
        userId: 'alice',
        agentId: EMULATOR_DEMO_AGENT_ID,
        customerUserId: customerUser.id,
        reason: 'Error: connect ECONNREFUSED 10.0.0.9:5432',
      },
      params: [],
      context: 'PerformChat',
    });
    expect(only('hook.failed')).toEqual({
      level: 'error',
      message: {
        msg: 'The onTokenIssued hook failed (TypeError: audit sink down); the request went on',
        event: 'hook.failed',
        hook: 'onTokenIssued',
        reason: 'TypeError: audit sink down',
      },
      params: [],
      context: 'PerformChat',
    });
  });

  it('store.read-failed, store.read-failed-for-users, store.list-failed (warn): nothing revoked', async () => {
    const auth = await boot({ customerUserStore: failingStore() });
    const reason = 'Error: connect ECONNREFUSED 10.0.0.9:5432';
    await expect(auth.invalidateUserTokens('alice')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(only('store.read-failed').message).toEqual({
      msg: `Could not read the customer users of user "alice" from the store: ${reason}; nothing was revoked, retry when the store answers`,
      event: 'store.read-failed',
      userId: 'alice',
      reason,
    });
    await auth.invalidateUsers(['bob', 'carol']);
    expect(only('store.read-failed-for-users').message).toEqual({
      msg: `Could not read the customer users of 2 of 2 users from the store: ${reason}; they were not revoked (see each result's error), retry when the store answers`,
      event: 'store.read-failed-for-users',
      failedUsers: 2,
      totalUsers: 2,
      reason,
    });
    await expect(auth.invalidateAllKnownUsers()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(only('store.list-failed')).toMatchObject({
      level: 'warn',
      message: {
        msg: `Could not list the customer users in the store: ${reason}; nothing was revoked, retry when the store answers`,
        event: 'store.list-failed',
        reason,
      },
    });
  });

  it('token-store.down (warn), token-store.revocation-not-recorded (error), token-store.up (log)', async () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      const auth = await boot({ tokenReuse: { store: { redis: client, keyPrefix: `${PREFIX}:tokens` } } });
      await auth.generateToken({ userId: 'alice', expiresIn: '1h' });
      client.disconnect();
      await auth.generateToken({ userId: 'bob', expiresIn: '1h' });
      const [invalidation] = await auth.invalidateUserTokens('alice');
      expect(only('token-store.down')).toEqual({
        level: 'warn',
        message: {
          msg: expect.stringMatching(
            /^The token store \(Redis at 127\.0\.0\.1:6379\) failed \(.+\): tokens are generated/,
          ),
          event: 'token-store.down',
          where: 'Redis at 127.0.0.1:6379',
          reason: expect.any(String),
        },
        params: [],
        context: 'PerformChat',
      });
      expect(only('token-store.revocation-not-recorded')).toEqual({
        level: 'error',
        message: {
          msg: expect.stringMatching(
            new RegExp(
              `^PerformChat invalidated the tokens of customer user "${invalidation.customerUserId}", but the token store \\(Redis at 127\\.0\\.0\\.1:6379\\) could not record it`,
            ),
          ),
          event: 'token-store.revocation-not-recorded',
          customerUserId: invalidation.customerUserId,
          newTokenVersion: invalidation.newTokenVersion,
          where: 'Redis at 127.0.0.1:6379',
        },
        params: [],
        context: 'PerformChat',
      });
      await client.connect();
      await auth.generateToken({ userId: 'carol', expiresIn: '1h' });
      expect(only('token-store.up')).toEqual({
        level: 'log',
        message: {
          msg: 'The token store (Redis at 127.0.0.1:6379) answers again: tokens are reused again',
          event: 'token-store.up',
          where: 'Redis at 127.0.0.1:6379',
        },
        params: [],
        context: 'PerformChat',
      });
    } finally {
      const keys = await client.keys(`${PREFIX}:*`).catch(() => []);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    }
  });

  it('agent-check.unchecked (warn): PerformChat could not be asked at boot', async () => {
    emulator.addFault({ path: `/rest/v1/agents/${EMULATOR_DEMO_AGENT_ID}`, status: 503 });
    moduleRef = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          keyId: KEY_ID,
          keySecret: SECRET,
          baseUrl: emulator.url,
          defaultAgentId: EMULATOR_DEMO_AGENT_ID,
          retry: false,
          circuitBreaker: false,
          verifyAgents: true,
        }),
      ],
    }).compile();
    await moduleRef.init();
    const entry = only('agent-check.unchecked');
    expect(entry).toMatchObject({ level: 'warn', context: 'PerformChat' });
    const { reason } = entry.message as { reason: string };
    expect(reason).toMatch(/^PerformChat failed with HTTP 503/);
    expect(entry.message).toEqual({
      msg: `PerformChat agent check (verifyAgents) could not check "${EMULATOR_DEMO_AGENT_ID}" at boot (${reason}); the app starts anyway and readiness checks again`,
      event: 'agent-check.unchecked',
      agentIds: EMULATOR_DEMO_AGENT_ID,
      reason,
    });
  });

  it('key.rotated, key.rotation-failed, credentials.refresh-failed (warn), hook.failed of onKeyRotated (error)', async () => {
    const A = { keyId: 'pk_a', keySecret: 'sk_a_SECRET_for_logs' };
    const B = { keyId: 'pk_b', keySecret: 'sk_b_SECRET_for_logs' };
    const C = { keyId: 'pk_c', keySecret: 'sk_c_SECRET_for_logs' };
    let answer: typeof A | Error = A;
    const keyring = await PerformChatKeyring.load(
      resolvePerformChatOptions({
        credentials: async () => {
          if (answer instanceof Error) throw answer;
          return answer;
        },
        credentialsRefreshMs: false,
        nextKey: [C],
        onKeyRotated: () => Promise.reject(new Error(`audit refused ${B.keySecret}`)),
      } as PerformChatModuleOptions),
      new PerformChatTelemetry(),
    );
    try {
      answer = B;
      await keyring.refresh('refresh');
      await new Promise((resolve) => setImmediate(resolve));
      expect(only('key.rotated')).toEqual({
        level: 'warn',
        message: {
          msg: 'PerformChat API key switched from "pk_a" to "pk_b" (credentials, after a scheduled read of credentials)',
          event: 'key.rotated',
          fromKeyId: 'pk_a',
          toKeyId: 'pk_b',
          source: 'credentials',
          trigger: 'refresh',
        },
        params: [],
        context: 'PerformChat',
      });
      expect(only('hook.failed')).toEqual({
        level: 'error',
        message: {
          msg: 'The onKeyRotated hook failed (Error: audit refused [REDACTED]); the request went on',
          event: 'hook.failed',
          hook: 'onKeyRotated',
          reason: 'Error: audit refused [REDACTED]',
        },
        params: [],
        context: 'PerformChat',
      });

      answer = new Error(`vault sealed, token ${B.keySecret}`);
      await keyring.refresh('refresh');
      expect(only('credentials.refresh-failed')).toEqual({
        level: 'warn',
        message: {
          msg: 'The credentials provider failed (refresh: Error: vault sealed, token [REDACTED]); the module keeps the last good key',
          event: 'credentials.refresh-failed',
          trigger: 'refresh',
          reason: 'Error: vault sealed, token [REDACTED]',
        },
        params: [],
        context: 'PerformChat',
      });

      const refused = new PerformChatError(PerformChatErrorCode.INVALID_CREDENTIALS, 'PerformChat rejected API key', {
        status: 401,
        upstreamMessage: 'Expired API key',
      });
      const trial = () =>
        Promise.reject(
          new PerformChatError(PerformChatErrorCode.INVALID_CREDENTIALS, 'PerformChat rejected API key "pk_c"', {
            status: 401,
          }),
        );
      await expect(keyring.recover(keyring.current, refused, Date.now() + 60_000, trial)).rejects.toMatchObject({
        status: 401,
      });
      expect(only('key.rotation-failed')).toEqual({
        level: 'warn',
        message: {
          msg: 'PerformChat API key "pk_b" was refused and the next key "pk_c" did not work either (PerformChat rejected API key "pk_c"); the module keeps "pk_b"',
          event: 'key.rotation-failed',
          fromKeyId: 'pk_b',
          candidateKeyId: 'pk_c',
          code: 'INVALID_CREDENTIALS',
          reason: 'PerformChat rejected API key "pk_c"',
        },
        params: [],
        context: 'PerformChat',
      });
      for (const secret of [A.keySecret, B.keySecret, C.keySecret]) expect(logs.text()).not.toContain(secret);
    } finally {
      keyring.onModuleDestroy();
    }
  });

  it('key.rotated after a 401 carries upstreamMessage', async () => {
    const keyring = await PerformChatKeyring.load(
      resolvePerformChatOptions({
        keyId: 'pk_a',
        keySecret: 'sk_a_SECRET_for_logs',
        nextKey: [{ keyId: 'pk_b', keySecret: 'sk_b_SECRET_for_logs' }],
      } as PerformChatModuleOptions),
      new PerformChatTelemetry(),
    );
    try {
      const refused = new PerformChatError(PerformChatErrorCode.INVALID_CREDENTIALS, 'PerformChat rejected API key', {
        status: 401,
        upstreamMessage: 'Expired API key',
      });
      await keyring.recover(keyring.current, refused, Date.now() + 60_000, async (key) => key.keyId);
      expect(only('key.rotated').message).toEqual({
        msg: 'PerformChat API key switched from "pk_a" to "pk_b" (nextKey, after a 401)',
        event: 'key.rotated',
        fromKeyId: 'pk_a',
        toKeyId: 'pk_b',
        source: 'nextKey',
        trigger: 'unauthorized',
        upstreamMessage: 'Expired API key',
      });
    } finally {
      keyring.onModuleDestroy();
    }
  });

  it('shutdown.draining (log) and shutdown.drain-timeout (warn)', async () => {
    const shutdown = new PerformChatShutdown({
      resilience: { shutdownGraceMs: 20 },
    } as unknown as PerformChatResilienceSlice);
    shutdown.enter();
    shutdown.enter();
    await expect(shutdown.drain()).resolves.toBe(2);
    expect(logs.entries.map(({ level, message }) => ({ level, message }))).toEqual([
      {
        level: 'log',
        message: {
          msg: 'Shutting down: waiting for 2 PerformChat call(s) in flight, at most 20 ms (shutdownGraceMs)',
          event: 'shutdown.draining',
          inFlightCalls: 2,
          graceMs: 20,
        },
      },
      {
        level: 'warn',
        message: {
          msg: 'Shutting down: 2 PerformChat call(s) still in flight after 20 ms (shutdownGraceMs) are cut',
          event: 'shutdown.drain-timeout',
          inFlightCalls: 2,
          graceMs: 20,
        },
      },
    ]);
  });

  it('rate-limit-store.down (warn), rate-limit-store.up (log): Redis host:port only, never its password', () => {
    const client = new Redis({ host: '10.1.2.3', port: 6380, password: REDIS_PASSWORD, lazyConnect: true });
    try {
      const monitor = new RedisOutageMonitor(client, 'PerformChat');
      monitor.observe(true);
      monitor.observe(true);
      monitor.observe(false);
      expect(only('rate-limit-store.down')).toEqual({
        level: 'warn',
        message: {
          msg: 'Redis at 10.1.2.3:6380 does not answer: rate limits and the upstream budget now count in memory on each instance (not shared) until it answers again',
          event: 'rate-limit-store.down',
          where: '10.1.2.3:6380',
          cluster: false,
        },
        params: [],
        context: 'PerformChat',
      });
      expect(only('rate-limit-store.up').message).toEqual({
        msg: 'Redis at 10.1.2.3:6380 answers again: rate limits are shared across instances again',
        event: 'rate-limit-store.up',
        where: '10.1.2.3:6380',
        cluster: false,
      });
    } finally {
      client.disconnect();
    }
  });

  it('rate-limit.rounded-up (warn) and redis.connected (debug): the URL with its password masked', async () => {
    const connections = new PerformChatRedisConnections();
    const url = `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0`;
    const store = new PerformChatRateLimitStore(
      resolvePerformChatOptions({
        keyId: KEY_ID,
        keySecret: SECRET,
        rateLimit: { store: { redis: url, keyPrefix: `${PREFIX}:rl` } },
      }),
      connections,
    );
    try {
      store.limiter({ name: 'Chat.fast', points: 4, duration: 0.25, blockDuration: 1.5 });
      expect(only('redis.connected')).toEqual({
        level: 'debug',
        message: {
          msg: 'Redis connection opened to redis://:****@127.0.0.1:6379/0',
          event: 'redis.connected',
          label: expect.any(String),
          cluster: false,
          where: 'redis://:****@127.0.0.1:6379/0',
        },
        params: [],
        context: 'PerformChat',
      });
      expect(only('rate-limit.rounded-up')).toEqual({
        level: 'warn',
        message: {
          msg: 'Rate limit Chat.fast: the Redis store counts in whole seconds, so it uses duration 1 s and blockDuration 2 s',
          event: 'rate-limit.rounded-up',
          limitName: 'Chat.fast',
          durationSeconds: 1,
          blockDurationSeconds: 2,
        },
        params: [],
        context: 'PerformChat',
      });
    } finally {
      await connections.onApplicationShutdown();
    }
  });

  it('user-id.resolver-threw (warn): once', () => {
    const broken = (request: { user: { id: string } }) => request.user.id;
    readUserId({}, broken);
    readUserId({}, broken);
    const entry = only('user-id.resolver-threw');
    const { reason } = entry.message as { reason: string };
    expect(reason).toMatch(/^TypeError: /);
    expect(entry).toEqual({
      level: 'warn',
      message: {
        msg: `resolveUserId threw (${reason}); the request counts as having no user (401). Return undefined for "no user" instead of throwing (logged once)`,
        event: 'user-id.resolver-threw',
        reason,
      },
      params: [],
      context: 'PerformChat',
    });
  });

  it('covers the whole catalog, and README "Log lines" has one row per event', () => {
    expect([...seen, ...DRIVEN_ELSEWHERE].sort()).toEqual([...PERFORM_CHAT_LOG_EVENTS].sort());
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const from = readme.indexOf('\n### Log lines\n');
    expect(from).toBeGreaterThan(0);
    const doc = readme.slice(from, readme.indexOf('\n## ', from));
    const rows = [...doc.matchAll(/^\| `([a-z.-]+)` \| (warn|log|error|debug) \|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual([...PERFORM_CHAT_LOG_EVENTS].sort());
  });
});
