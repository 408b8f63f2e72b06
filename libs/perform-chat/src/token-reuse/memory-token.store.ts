import type { TokenStore } from './token-store.interfaces';

interface Entry {
  sealed: string;
  expiresAt: number;
  customerUserId: string;
}

/**
 * The token store in this process: at most `maxEntries` sealed tokens (the least recently kept
 * is dropped beyond it), each until its TTL, and as many recorded versions. A revocation drops
 * the customer user's tokens at once. Claims are not needed: concurrent requests of this
 * instance already share one generation.
 */
export class MemoryTokenStore implements TokenStore {
  readonly where = 'memory';
  readonly shared = false;
  /** Least recently kept first (a Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  private readonly byCustomerUser = new Map<string, Set<string>>();
  private readonly versions = new Map<string, { version: number; expiresAt: number }>();

  constructor(
    readonly maxEntries: number,
    // Read at each call (not `Date.now` itself), so a clock faked after construction is seen.
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Tokens held (expired ones included until they are read or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  async get(name: string): Promise<string | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.forget(name);
      return undefined;
    }
    return entry.sealed;
  }

  async put(name: string, sealed: string, ttlMs: number, customerUserId: string): Promise<void> {
    this.forget(name);
    this.entries.set(name, { sealed, expiresAt: this.now() + ttlMs, customerUserId });
    let names = this.byCustomerUser.get(customerUserId);
    if (!names) this.byCustomerUser.set(customerUserId, (names = new Set()));
    names.add(name);
    while (this.entries.size > this.maxEntries) this.forget(this.entries.keys().next().value as string);
  }

  async delete(name: string): Promise<void> {
    this.forget(name);
  }

  async minVersion(customerUserId: string): Promise<number | undefined> {
    const record = this.versions.get(customerUserId);
    if (!record) return undefined;
    if (record.expiresAt > this.now()) return record.version;
    this.versions.delete(customerUserId);
    return undefined;
  }

  async raiseMinVersion(customerUserId: string, version: number, ttlMs: number): Promise<void> {
    const current = await this.minVersion(customerUserId);
    this.versions.delete(customerUserId);
    this.versions.set(customerUserId, {
      version: Math.max(version, current ?? version),
      expiresAt: this.now() + ttlMs,
    });
    while (this.versions.size > this.maxEntries) this.versions.delete(this.versions.keys().next().value as string);
    for (const name of [...(this.byCustomerUser.get(customerUserId) ?? [])]) this.forget(name);
  }

  async claim(): Promise<boolean> {
    return true;
  }

  async unclaim(): Promise<void> {}

  async isClaimed(): Promise<boolean> {
    return false;
  }

  private forget(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    const names = this.byCustomerUser.get(entry.customerUserId);
    names?.delete(name);
    if (names?.size === 0) this.byCustomerUser.delete(entry.customerUserId);
  }
}
