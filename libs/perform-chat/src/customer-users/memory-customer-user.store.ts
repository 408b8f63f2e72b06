import { Messages } from '../perform-chat.messages';
import { PerformChatCustomerUserRecord, PerformChatCustomerUserStore } from './perform-chat-customer-user.store';

/** Default bound of the memory store. */
export const DEFAULT_MEMORY_STORE_MAX_RECORDS = 100_000;

/**
 * A bounded in-process store: at most `maxRecords` records; when full, the record least
 * recently saved is dropped (its tokens simply cannot be revoked through this store any
 * more). Fine for one instance and for development; use the Redis store or your own with
 * several instances or when revocation must survive restarts.
 */
export class MemoryCustomerUserStore implements PerformChatCustomerUserStore {
  /** Records in least-recently-saved-first order (a Map keeps insertion order). */
  private readonly records = new Map<string, PerformChatCustomerUserRecord>();
  private readonly byExternalId = new Map<string, Set<string>>();

  constructor(readonly maxRecords = DEFAULT_MEMORY_STORE_MAX_RECORDS) {
    if (!Number.isInteger(maxRecords) || maxRecords < 1) {
      throw new Error(Messages.memoryStoreMaxRecords());
    }
  }

  /** Number of records held. */
  get size(): number {
    return this.records.size;
  }

  async save(record: PerformChatCustomerUserRecord): Promise<void> {
    const key = this.key(record.externalId, record.customerUserId);
    this.records.delete(key);
    this.records.set(key, { ...record });
    let keys = this.byExternalId.get(record.externalId);
    if (!keys) this.byExternalId.set(record.externalId, (keys = new Set()));
    keys.add(key);
    while (this.records.size > this.maxRecords) {
      const oldest = this.records.keys().next().value as string;
      this.forget(oldest);
    }
  }

  async listByExternalId(externalId: string): Promise<PerformChatCustomerUserRecord[]> {
    const keys = this.byExternalId.get(externalId);
    return keys ? [...keys].map((key) => ({ ...(this.records.get(key) as PerformChatCustomerUserRecord) })) : [];
  }

  async remove(externalId: string, customerUserId?: string): Promise<void> {
    if (customerUserId !== undefined) {
      this.forget(this.key(externalId, customerUserId));
      return;
    }
    for (const key of [...(this.byExternalId.get(externalId) ?? [])]) this.forget(key);
  }

  async *iterate(): AsyncIterable<PerformChatCustomerUserRecord> {
    for (const record of [...this.records.values()]) yield { ...record };
  }

  private key(externalId: string, customerUserId: string): string {
    return `${externalId}\u0000${customerUserId}`;
  }

  private forget(key: string): void {
    const record = this.records.get(key);
    if (!record) return;
    this.records.delete(key);
    const keys = this.byExternalId.get(record.externalId);
    keys?.delete(key);
    if (keys?.size === 0) this.byExternalId.delete(record.externalId);
  }
}
