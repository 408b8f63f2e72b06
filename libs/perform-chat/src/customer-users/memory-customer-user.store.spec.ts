import { MemoryCustomerUserStore } from './memory-customer-user.store';
import { PerformChatCustomerUserRecord } from './perform-chat-customer-user.store';

const record = (externalId: string, customerUserId: string, agentId = 'agent_a'): PerformChatCustomerUserRecord => ({
  externalId,
  customerUserId,
  agentId,
  companyId: 'company_1',
  updatedAt: new Date('2026-11-28T12:00:00Z'),
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('MemoryCustomerUserStore', () => {
  it('saves, lists by external id, updates in place and removes', async () => {
    const store = new MemoryCustomerUserStore();
    await store.save(record('alice', 'cu_1'));
    await store.save(record('alice', 'cu_2'));
    await store.save(record('bob', 'cu_3'));
    await store.save(record('alice', 'cu_1', 'agent_b'));

    expect(await store.listByExternalId('alice')).toEqual([
      record('alice', 'cu_1', 'agent_b'),
      record('alice', 'cu_2'),
    ]);
    expect(await store.listByExternalId('nobody')).toEqual([]);
    expect(store.size).toBe(3);

    await store.remove('alice', 'cu_1');
    expect(await store.listByExternalId('alice')).toEqual([record('alice', 'cu_2')]);
    await store.remove('alice');
    expect(await store.listByExternalId('alice')).toEqual([]);
    expect(await collect(store.iterate())).toEqual([record('bob', 'cu_3')]);
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const store = new MemoryCustomerUserStore();
    await store.save(record('alice', 'cu_1'));
    (await store.listByExternalId('alice'))[0].customerUserId = 'tampered';
    expect((await store.listByExternalId('alice'))[0].customerUserId).toBe('cu_1');
  });

  it('never holds more than maxRecords, dropping the least recently saved', async () => {
    const store = new MemoryCustomerUserStore(3);
    await store.save(record('u1', 'cu_1'));
    await store.save(record('u2', 'cu_2'));
    await store.save(record('u3', 'cu_3'));
    await store.save(record('u1', 'cu_1')); // touched: now the most recent
    await store.save(record('u4', 'cu_4')); // evicts u2

    expect(store.size).toBe(3);
    expect(await store.listByExternalId('u2')).toEqual([]);
    expect((await collect(store.iterate())).map((r) => r.externalId).sort()).toEqual(['u1', 'u3', 'u4']);
  });

  it('stays bounded with many distinct users', async () => {
    const store = new MemoryCustomerUserStore(1000);
    for (let i = 0; i < 20_000; i++) await store.save(record(`user-${i}`, `cu_${i}`));
    expect(store.size).toBe(1000);
    expect(await store.listByExternalId('user-19000')).toHaveLength(1);
    expect(await store.listByExternalId('user-18999')).toEqual([]);
    expect(await store.listByExternalId('user-0')).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxRecords %p', (bad) => {
    expect(() => new MemoryCustomerUserStore(bad)).toThrow(/maxRecords must be a positive whole number/);
  });
});
