import { createHash, randomBytes } from 'node:crypto';
import type { PerformChatRedisClient } from '../redis/redis-client';
import { hashTag, redisKey } from '../redis/redis-keys';
import { RedisOutageMonitor } from './redis-outage.monitor';
import {
  MemorySlidingWindowLog,
  SlidingWindowLog,
  SlidingWindowRequest,
  SlidingWindowSpec,
  SlidingWindowVerdict,
} from './sliding-window-log';

/**
 * One acquisition, atomic: a ticket (the arrival order across instances), the expired entries
 * dropped, the earliest slot (the expiry that leaves `limit - 1` entries counting after it,
 * never before the last slot given), and the reservation, or the refusal with the wait.
 * Redis' own clock (TIME), so every instance agrees on it.
 *
 * KEYS: log (sorted set: entry id → expiry ms), last slot, ticket counter: one hash tag.
 * ARGV: limit, windowMs, holdMs, maxWaitMs, entry id.
 * Returns { 1, waitMs, slotAt, ticket } or { 0, waitMs }.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, hold, maxWait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local ticket = redis.call('INCR', KEYS[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local count = redis.call('ZCARD', KEYS[1])
local slot = now
if count >= limit then
  slot = tonumber(redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')[2])
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last > slot then slot = last end
local wait = slot - now
if wait > maxWait then return {0, wait} end
local expiry = slot + hold + window
redis.call('ZADD', KEYS[1], expiry, ARGV[5])
redis.call('PEXPIRE', KEYS[1], expiry - now)
if slot > last then redis.call('SET', KEYS[2], slot, 'PX', expiry - now) end
redis.call('PEXPIRE', KEYS[3], expiry - now)
return {1, wait, slot, ticket}
`;

/** The slot was used: it counts until now + window (never longer than it did). ARGV: windowMs, entry id, slotAt. */
const SETTLE = `
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not expiry then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local settled = math.max(now, tonumber(ARGV[3])) + tonumber(ARGV[1])
if settled < tonumber(expiry) then redis.call('ZADD', KEYS[1], settled, ARGV[2]) end
return 1
`;

/** Entries counting now (Redis' clock), for the budget-left gauge. KEYS: log. */
const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`;

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');
const SCRIPTS = {
  acquire: { text: ACQUIRE, sha: sha1(ACQUIRE) },
  settle: { text: SETTLE, sha: sha1(SETTLE) },
  count: { text: COUNT, sha: sha1(COUNT) },
};

/**
 * The sliding-window log in Redis, shared by every instance (see {@link SlidingWindowLog}): one
 * round trip per acquisition (a Lua script), one per settle, a `ZREM` per release. Keys:
 * `<prefix>:<name>:{<key>}` (the log), `<prefix>:<name>:last:{<key>}`, `<prefix>:<name>:ticket:{<key>}`,
 * the hash tag on `<key>` so that one script's keys live in one Redis Cluster slot; they expire
 * with their last entry.
 *
 * While Redis does not answer, a per-instance log in memory takes over (as the insurance
 * limiter does for the other limits; the outage is logged once, by the store's monitor).
 */
export class RedisSlidingWindowLog implements SlidingWindowLog {
  private readonly fallback: MemorySlidingWindowLog;
  /** Entry ids: unique across instances. */
  private readonly instance = randomBytes(6).toString('base64url');
  private nextId = 0;

  constructor(
    readonly spec: SlidingWindowSpec,
    private readonly redis: PerformChatRedisClient,
    private readonly keyPrefix: string,
    private readonly monitor?: RedisOutageMonitor,
  ) {
    this.fallback = new MemorySlidingWindowLog(spec);
  }

  /** The Redis keys of `key`'s log (log, last slot, ticket counter), `key` their hash tag (README "Redis keys"). */
  keysOf(key: string): [string, string, string] {
    const tag = hashTag(key);
    return [
      redisKey(this.keyPrefix, tag),
      redisKey(this.keyPrefix, 'last', tag),
      redisKey(this.keyPrefix, 'ticket', tag),
    ];
  }

  async acquire(key: string, request: SlidingWindowRequest): Promise<SlidingWindowVerdict> {
    // Not ready (reconnecting, ...): memory at once rather than a command queued for a reconnection,
    // as the other limits do (rate-limiter-flexible's rejectIfRedisNotReady).
    if (this.redis.status !== 'ready') return this.inMemory(key, request);
    const keys = this.keysOf(key);
    const id = `${this.instance}.${++this.nextId}`;
    const { limit, windowMs } = this.spec;
    let reply: number[];
    try {
      reply = (await this.run('acquire', keys, [limit, windowMs, request.holdMs, request.maxWaitMs, id])) as number[];
    } catch {
      return this.inMemory(key, request);
    }
    this.monitor?.observe(false);
    if (reply[0] !== 1) return { granted: false, retryAfterMs: Math.max(1, reply[1]) };
    const [, waitMs, slotAt, ticket] = reply;
    return {
      granted: true,
      waitMs,
      slotAt,
      ticket,
      // A settle or release that fails leaves the entry counting until its hold ends: safe.
      settle: () =>
        this.run('settle', [keys[0]], [windowMs, id, slotAt]).then(
          () => undefined,
          () => undefined,
        ),
      release: () =>
        this.redis.zrem(keys[0], id).then(
          () => undefined,
          () => undefined,
        ),
    };
  }

  /** Slots free now in the shared log; while Redis does not answer, in the memory log that stands in for it. */
  async remaining(key: string): Promise<number> {
    if (this.redis.status !== 'ready') return this.fallback.remaining(key);
    const counting = Number(await this.run('count', [this.keysOf(key)[0]], []));
    return Math.max(0, this.spec.limit - counting);
  }

  private inMemory(key: string, request: SlidingWindowRequest): Promise<SlidingWindowVerdict> {
    this.monitor?.observe(true);
    return this.fallback.acquire(key, request);
  }

  /** EVALSHA, or EVAL once when the server does not have the script yet. */
  private async run(name: keyof typeof SCRIPTS, keys: string[], args: (string | number)[]): Promise<unknown> {
    const script = SCRIPTS[name];
    try {
      return await this.redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(script.text, keys.length, ...keys, ...args);
    }
  }
}
