/**
 * What the module remembers about each customer user PerformChat created for one of your
 * users: PerformChat's internal `customerUserId` is the only handle for invalidation.
 */
export interface PerformChatCustomerUserRecord {
  /** Your user id (the `userId` sent to PerformChat). */
  externalId: string;
  /** The agent of the last token issued for this customer user. */
  agentId: string;
  /** PerformChat's internal customer-user id (`customerUser.id`). */
  customerUserId: string;
  companyId: string;
  /** When a token was last issued for it. */
  updatedAt: Date;
}

/**
 * Where customer-user ids are kept. The module ships a memory store (default) and a Redis
 * store; pass your own implementation (e.g. a column on your users table through Prisma or
 * TypeORM) as the `customerUserStore` option. Inject the active store with
 * `@Inject(PerformChatCustomerUserStore)`.
 */
export interface PerformChatCustomerUserStore {
  /** Inserts or updates the record of `(externalId, customerUserId)`. */
  save(record: PerformChatCustomerUserRecord): Promise<void>;
  /** Every record of one of your users (one per customer user PerformChat made for it). */
  listByExternalId(externalId: string): Promise<PerformChatCustomerUserRecord[]>;
  /** Forgets one customer user of a user, or all of them when `customerUserId` is omitted. */
  remove(externalId: string, customerUserId?: string): Promise<void>;
  /** Every record, for app-wide revocation. Order is unspecified. */
  iterate(): AsyncIterable<PerformChatCustomerUserRecord>;
}

/** Injection token of the active {@link PerformChatCustomerUserStore} (same name, STYLE point 3). */
export const PerformChatCustomerUserStore = Symbol('PerformChatCustomerUserStore');
