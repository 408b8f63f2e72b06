import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import type { PerformChatToken } from '../client/resources/auth.interfaces';
import { PerformChatActiveKey, PerformChatKeyring } from '../client/perform-chat-keyring';
import { PERFORM_CHAT_TOKEN_STORE_SLICE, PerformChatTokenStoreSlice } from '../options/perform-chat-options.slices';
import { PerformChatRedisConnections } from '../redis/perform-chat-redis.connections';
import type { PerformChatRedisClient } from '../redis/redis-client';
import { REDIS_READY_TIMEOUT_MS, whenRedisReady } from '../redis/redis-ready';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { MemoryTokenStore } from './memory-token.store';
import { RedisTokenStore } from './redis-token.store';
import { PerformChatTokenSealer } from './token-sealer';
import type { TokenStore } from './token-store.interfaces';

/** What a token is for: one entry of the store (and one generation shared by concurrent requests). */
export interface TokenScope {
  userId: string;
  agentId: string;
  /** The lifetime asked for, in seconds. */
  expiresInSeconds: number;
  /** The login session, when reuse is scoped to sessions. */
  sessionId?: string;
}

/** A generation of a scope claimed in a shared store: give it back once the token is kept (or not made). */
export interface TokenClaim {
  release(): Promise<void>;
}

/** How often a request polls for another instance's generation of its token (ms). */
const POLL_MS = 25;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What is sealed: the token and what PerformChat said about it (never in clear in the store). */
interface StoredToken {
  t: string;
  /** expiresAt, epoch ms. */
  e: number;
  c: PerformChatToken['customerUser'];
  a: PerformChatToken['agent'];
  k?: PerformChatToken['apiKey'];
}

/**
 * Token reuse and exact revocation (`tokenReuse`), over the token store (memory or Redis):
 *
 * - {@link find} hands out a stored token of the same scope with at least `minRemaining` left;
 *   {@link keep} stores a fresh one, sealed (see {@link PerformChatTokenSealer});
 * - {@link recordRevocation} records, before a revocation returns, the least token version
 *   PerformChat still accepts for the customer user; {@link isCurrent} checks every token
 *   served against it (the version is the token's `tokenVersion` claim, read with jose's
 *   `decodeJwt`), so no token issued before a revocation is served after it, from the store or
 *   from a generation that was in flight while it ran, on any instance sharing the store;
 * - {@link claim} / {@link waitForOther}: with a Redis store, one instance generates a scope's
 *   token while requests on the others wait for it.
 *
 * A store that fails is a miss (a fresh token, not kept) and never fails a request; the outage
 * is reported once (`token-store.down`), and its end (`token-store.up`).
 */
@Injectable()
export class PerformChatTokenReuse implements OnModuleInit {
  private readonly store: TokenStore;
  private readonly redisClient?: PerformChatRedisClient;
  private readonly owner = randomBytes(9).toString('base64url');
  private down = false;
  /** The sealer of each key the keyring has used (a rotated key is a new object: its own keys). */
  private readonly sealers = new WeakMap<PerformChatActiveKey, PerformChatTokenSealer>();

  constructor(
    @Inject(PERFORM_CHAT_TOKEN_STORE_SLICE) private readonly options: PerformChatTokenStoreSlice,
    private readonly keyring: PerformChatKeyring,
    connections: PerformChatRedisConnections,
    private readonly telemetry: PerformChatTelemetry,
  ) {
    const { store } = options.tokenReuse;
    if (store.kind === 'redis') {
      const client = connections.get(store.redis);
      this.redisClient = client;
      this.store = new RedisTokenStore(client, store.keyPrefix);
    } else {
      this.store = new MemoryTokenStore(store.maxEntries);
    }
  }

  /** A Redis store's connection is awaited at boot (at most 3 s), as the rate-limit store's is. */
  async onModuleInit(): Promise<void> {
    if (this.redisClient) await whenRedisReady(this.redisClient, REDIS_READY_TIMEOUT_MS);
  }

  /** Where the store is, for messages: `memory`, or Redis `host:port`. */
  get where(): string {
    return this.store.where;
  }

  /** Whether tokens are handed out again (`tokenReuse` on). */
  get enabled(): boolean {
    return this.options.tokenReuse.enabled;
  }

  /** Whether requests on other instances can wait for this one's generation (a shared store with reuse on). */
  get sharedAcrossInstances(): boolean {
    return this.enabled && this.store.shared;
  }

  /**
   * The entry name of a scope: an HMAC of its parts and the key in use (the store never sees a
   * user or session id). A rotated key names and seals with keys of its own, so what was kept
   * under the previous key is neither found nor readable: the cache drops itself.
   */
  nameOf(scope: TokenScope): string {
    const key = this.keyring.current;
    return this.sealerOf(key).name([
      key.keyId,
      scope.userId,
      scope.agentId,
      scope.expiresInSeconds,
      scope.sessionId ?? null,
    ]);
  }

  /**
   * A stored token of the scope with at least `minRemaining` left and issued after the last
   * revocation of its customer user, its `expiresInSeconds` counted from now; else `undefined`
   * (a token that fails the version check is dropped and reported).
   */
  async find(name: string): Promise<PerformChatToken | undefined> {
    const sealed = await this.attempt(() => this.store.get(name), undefined);
    if (sealed === undefined) return undefined;
    const stored = this.unseal(name, sealed);
    if (!stored) {
      // Another key (a rotated secret), or not ours: never readable again.
      await this.attempt(() => this.store.delete(name), undefined);
      return undefined;
    }
    const remainingMs = stored.e - Date.now();
    if (remainingMs < this.options.tokenReuse.minRemainingSeconds * 1000) return undefined;
    const token = this.toToken(stored);
    if (!(await this.isCurrent(token))) {
      this.telemetry.report({ type: 'token.stale', source: 'reused' });
      await this.attempt(() => this.store.delete(name), undefined);
      return undefined;
    }
    return token;
  }

  /** Keeps a fresh token of the scope until only `minRemaining` of it is left (nothing when that is no time). */
  async keep(name: string, token: PerformChatToken): Promise<void> {
    const ttlMs = token.expiresAt.getTime() - Date.now() - this.options.tokenReuse.minRemainingSeconds * 1000;
    // A token without a version cannot be checked against revocations: never handed out again.
    if (ttlMs <= 0 || this.versionOf(token) === undefined) return;
    const stored: StoredToken = {
      t: token.token,
      e: token.expiresAt.getTime(),
      c: token.customerUser,
      a: token.agent,
      ...(token.apiKey ? { k: token.apiKey } : {}),
    };
    const sealed = this.sealerOf(this.keyring.current).seal(name, JSON.stringify(stored));
    await this.attempt(() => this.store.put(name, sealed, ttlMs, token.customerUser.id), undefined);
  }

  /**
   * False when the token was issued before the last revocation recorded for its customer user
   * (its `tokenVersion` is below the recorded one). True when it cannot tell: no version in the
   * token, or the store does not answer (then revocation is as exact as PerformChat alone).
   */
  async isCurrent(token: PerformChatToken): Promise<boolean> {
    const version = this.versionOf(token);
    if (version === undefined) return true;
    const least = await this.attempt(() => this.store.minVersion(token.customerUser.id), undefined);
    return least === undefined || version >= least;
  }

  /**
   * Records a revocation: tokens of the customer user below `newTokenVersion` are never served
   * again (kept as long as a token can live). Stored tokens of it are dropped too (memory store).
   * @returns false when the store could not record it (reported; PerformChat rejects those tokens anyway).
   */
  async recordRevocation(customerUserId: string, newTokenVersion: number): Promise<boolean> {
    const ttlMs = this.options.tokenReuse.longestLifetimeSeconds * 1000;
    const failed = Symbol('failed');
    const outcome = await this.attempt(
      () => this.store.raiseMinVersion(customerUserId, newTokenVersion, ttlMs),
      failed,
    );
    return outcome !== failed;
  }

  /**
   * Claims the generation of a scope in a shared store, for the call's deadline: `undefined` when
   * another instance holds it (then {@link waitForOther}); a claim that does nothing with a store
   * of this instance only, or when the store fails.
   */
  async claim(name: string): Promise<TokenClaim | undefined> {
    if (!this.sharedAcrossInstances) return { release: async () => undefined };
    const claimed = await this.attempt(
      () => this.store.claim(name, this.owner, this.options.tokenReuse.waitForOtherMs),
      true,
    );
    if (!claimed) return undefined;
    return { release: () => this.attempt(() => this.store.unclaim(name, this.owner), undefined) };
  }

  /**
   * Waits for the instance that claimed the scope: its token once stored, `'claimable'` when its
   * claim ended without one (the caller claims again), `undefined` at `deadlineAt`.
   */
  async waitForOther(name: string, deadlineAt: number): Promise<PerformChatToken | 'claimable' | undefined> {
    while (Date.now() < deadlineAt) {
      await sleep(Math.min(POLL_MS, Math.max(1, deadlineAt - Date.now())));
      const token = await this.find(name);
      if (token) return token;
      if (!(await this.attempt(() => this.store.isClaimed(name), false))) return 'claimable';
    }
    return undefined;
  }

  /** The sealer of a key, its keys derived once (HKDF). */
  private sealerOf(key: PerformChatActiveKey): PerformChatTokenSealer {
    let sealer = this.sealers.get(key);
    if (!sealer) {
      sealer = new PerformChatTokenSealer(key.keyId, key.keySecret);
      this.sealers.set(key, sealer);
    }
    return sealer;
  }

  private versionOf(token: PerformChatToken): number | undefined {
    try {
      const { tokenVersion } = decodeJwt(token.token);
      return typeof tokenVersion === 'number' && Number.isFinite(tokenVersion) ? tokenVersion : undefined;
    } catch {
      return undefined;
    }
  }

  private unseal(name: string, sealed: string): StoredToken | undefined {
    const plain = this.sealerOf(this.keyring.current).open(name, sealed);
    if (plain === undefined) return undefined;
    try {
      const stored = JSON.parse(plain) as StoredToken;
      return typeof stored.t === 'string' && typeof stored.e === 'number' ? stored : undefined;
    } catch {
      return undefined;
    }
  }

  private toToken(stored: StoredToken): PerformChatToken {
    return {
      token: stored.t,
      expiresAt: new Date(stored.e),
      expiresInSeconds: Math.max(0, Math.floor((stored.e - Date.now()) / 1000)),
      customerUser: stored.c,
      agent: stored.a,
      ...(stored.k ? { apiKey: stored.k } : {}),
    };
  }

  /** Runs a store operation; a failure is `fallback`, and the outage (then its end) is reported once. */
  private async attempt<T, F>(operation: () => Promise<T>, fallback: F): Promise<T | F> {
    try {
      const value = await operation();
      if (this.down) {
        this.down = false;
        this.telemetry.report({ type: 'token-store.up', where: this.store.where });
      }
      return value;
    } catch (error) {
      if (!this.down) {
        this.down = true;
        const reason = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 120) : 'error';
        this.telemetry.report({ type: 'token-store.down', where: this.store.where, reason });
      }
      return fallback;
    }
  }
}
