/**
 * Where token reuse keeps its entries (sealed tokens, never usable in clear) and where
 * revocations record the least token version still valid per customer user. Internal: the
 * module builds a memory or a Redis one from `tokenReuse.store`.
 */
export interface TokenStore {
  /** Where it is, for messages: `memory`, or Redis `host:port` (never credentials). */
  readonly where: string;
  /** Whether other instances see it too (then generations in progress are claimed in it). */
  readonly shared: boolean;
  get(name: string): Promise<string | undefined>;
  /** Keeps `sealed` under `name` for `ttlMs`; `customerUserId` lets a revocation drop it. */
  put(name: string, sealed: string, ttlMs: number, customerUserId: string): Promise<void>;
  delete(name: string): Promise<void>;
  /** The least token version a revocation left valid for a customer user, if one was recorded. */
  minVersion(customerUserId: string): Promise<number | undefined>;
  /** Records `version` as the least valid one (never lowers it), for `ttlMs`. */
  raiseMinVersion(customerUserId: string, version: number, ttlMs: number): Promise<void>;
  /** Claims the generation of `name` for `owner` for `ttlMs`; false when someone else holds it. */
  claim(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back (only `owner`'s). */
  unclaim(name: string, owner: string): Promise<void>;
  isClaimed(name: string): Promise<boolean>;
}
