import type { PerformChatRedisSource } from './redis-source';

/**
 * Reads the login session of a request, to scope token reuse to it (`tokenReuse.resolveSessionId`).
 * Runs after your authentication guard. Return `undefined` when the request has no session:
 * then it gets a fresh token, neither taken from nor kept in the token store.
 */
// `any` on purpose, as for resolveUserId: your resolver may type the request as your framework's.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PerformChatSessionIdResolver = (request: any) => string | undefined;

/** The bounded in-process token store with another bound. */
export interface MemoryTokenStoreOption {
  /** Most tokens kept; the least recently stored is dropped beyond it. @default 10000 */
  maxEntries: number;
}

/** A Redis token store, shared by every instance of the app. */
export interface RedisTokenStoreOption {
  /** Your ioredis client (never closed by the module) or a `redis://` / `rediss://` URL. */
  redis: PerformChatRedisSource;
  /** Namespace of every key the token store writes. @default 'performchat:tokens' */
  keyPrefix?: string;
}

/**
 * Where reusable tokens and the token versions recorded by revocations are kept: `'memory'`
 * (bounded, per instance), `{ maxEntries }`, or `{ redis, keyPrefix? }` (shared by instances).
 */
export type PerformChatTokenStoreOption = 'memory' | MemoryTokenStoreOption | RedisTokenStoreOption;

/**
 * The `tokenReuse` option: a request for a (user, agent, lifetime) that already holds a token
 * with at least `minRemaining` of life left gets that token again instead of a new generation.
 * The PerformChat docs say "generate fresh tokens for each session": reuse trades that for
 * serving more page loads than the key's 100 generations a minute (README "Scaling past the
 * vendor's limit"). Tokens are kept encrypted (AES-256-GCM, key derived from `keySecret`).
 */
export interface PerformChatTokenReuseOptions {
  /**
   * Least life a stored token must have left to be handed out again, `<n>s|m|h|d`; shorter than
   * `defaultExpiresIn`. A request for a lifetime not above it always gets a fresh token.
   * @default '5m'
   */
  minRemaining?: string;
  /**
   * Where the tokens are kept. @default the kind of `rateLimit.store`: its Redis (same
   * connection, key prefix `performchat:tokens`) when it is Redis, else `'memory'`
   */
  store?: PerformChatTokenStoreOption;
  /**
   * Scopes reuse to one login session: only requests of the same user, agent, lifetime and
   * session share a token. Unset: a user's token is shared by all of its sessions.
   */
  resolveSessionId?: PerformChatSessionIdResolver;
}

/** The token store after validation. Internal. */
export type ResolvedTokenStore =
  | { kind: 'memory'; maxEntries: number }
  | {
      kind: 'redis';
      redis: PerformChatRedisSource;
      keyPrefix: string;
      /** True when it is the `rateLimit.store`'s Redis because `tokenReuse.store` was not given. */
      inherited: boolean;
    };

/** `tokenReuse` and `shareConcurrentGenerations` after validation. Internal. */
export interface ResolvedTokenReuse {
  /** Whether tokens are handed out again (`tokenReuse` is not `false`). */
  enabled: boolean;
  minRemainingSeconds: number;
  /** Holds the reusable tokens and, reuse or not, the token versions revocations recorded. */
  store: ResolvedTokenStore;
  resolveSessionId?: PerformChatSessionIdResolver;
  /** Concurrent requests for the same token share one generation. */
  shareConcurrent: boolean;
  /** How long a request waits for another instance's generation of the same token (ms): the call deadline. */
  waitForOtherMs: number;
  /** Longest life a token can have (s): how long a revocation's version is kept. */
  longestLifetimeSeconds: number;
}
