import { request, tokenBody } from '../test/http';
import { startPerformChatEmulator, type PerformChatEmulator } from './index';

describe('emulator: /__emulator/ routes', () => {
  let emulator: PerformChatEmulator;
  beforeEach(async () => {
    emulator = await startPerformChatEmulator({ clock: () => Date.UTC(2025, 0, 1) });
  });
  afterEach(() => emulator.close());

  it('POST /__emulator/faults registers a fault (201), GET lists, DELETE clears; curl -d bodies work without a content type', async () => {
    const created = await request(
      emulator.url,
      'POST',
      '/__emulator/faults',
      JSON.stringify({ path: '/rest/v1/auth/token', status: 503, times: 3 }),
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: 1,
      path: '/rest/v1/auth/token',
      status: 503,
      times: 3,
      remaining: 3,
      matched: 0,
    });
    expect((await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody())).status).toBe(503);
    const listed = await request(emulator.url, 'GET', '/__emulator/faults');
    expect(listed.json).toEqual({
      faults: [{ id: 1, path: '/rest/v1/auth/token', status: 503, times: 3, remaining: 2, matched: 1 }],
    });
    expect((await request(emulator.url, 'DELETE', '/__emulator/faults')).json).toEqual({ cleared: 1 });
    expect((await request(emulator.url, 'GET', '/__emulator/faults')).json).toEqual({ faults: [] });
  });

  it('POST /__emulator/faults answers 400 naming the problem', async () => {
    const res = await request(emulator.url, 'POST', '/__emulator/faults', { kind: 'meteor' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      statusCode: 400,
      message: 'kind must be one of drop, drop-mid-response, not-json, html, no-token, oversized, trickle',
      error: 'Bad Request',
    });
    expect(
      (await request(emulator.url, 'POST', '/__emulator/faults', 'nope', { 'content-type': 'application/json' }))
        .status,
    ).toBe(400);
    expect(emulator.listFaults()).toEqual([]);
  });

  it('GET /__emulator/state shows customer users, agents, keys (no secrets), counters and faults', async () => {
    const token = await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody());
    await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ keySecret: 'bad' }));
    emulator.addFault({ status: 500, times: null, path: '/never' });
    const res = await request(emulator.url, 'GET', '/__emulator/state');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      customerUsers: [
        {
          id: token.json.customerUser.id,
          externalId: 'user_123',
          companyId: 'company_demo',
          agentId: 'agent_support',
          tokenVersion: 0,
          active: true,
          createdAt: '2025-01-01T00:00:00.000Z',
          lastSeenAt: '2025-01-01T00:00:00.000Z',
        },
      ],
      agents: [
        { id: 'agent_support', name: 'Customer Support Agent', active: true, companyId: 'company_demo' },
        { id: 'agent_sales', name: 'Sales Agent', active: true, companyId: 'company_demo' },
        { id: 'agent_retired', name: 'Retired Agent', active: false, companyId: 'company_demo' },
      ],
      keys: [
        {
          keyId: 'pk_demo_performchat',
          companyId: 'company_demo',
          name: 'Emulator Demo Key',
          environment: 'development',
          expiresAt: null,
        },
      ],
      counters: {
        'POST /rest/v1/auth/token': { attempts: 2, successes: 1, failures: { 401: 1 }, faulted: 0, dropped: 0 },
      },
      faults: [{ id: 1, status: 500, times: null, path: '/never', remaining: null, matched: 0 }],
    });
    expect(emulator.snapshot()).toEqual(res.json);
    expect(res.text).not.toContain('sk_demo');
  });

  it('POST /__emulator/reset clears customer users, counters and faults and restores agents', async () => {
    await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody());
    await request(emulator.url, 'GET', '/unknown');
    emulator.addFault({ status: 500, path: '/never' });
    emulator.state.agents.get('agent_support')!.active = false;
    const res = await request(emulator.url, 'POST', '/__emulator/reset');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ message: 'Emulator state reset' });
    expect(emulator.snapshot()).toMatchObject({ customerUsers: [], counters: {}, faults: [] });
    expect(emulator.state.agents.get('agent_support')!.active).toBe(true);
  });

  it('does not count its own routes as upstream attempts', async () => {
    await request(emulator.url, 'GET', '/__emulator/state');
    await request(emulator.url, 'POST', '/__emulator/verify', { token: 'x' });
    expect(emulator.snapshot().counters).toEqual({});
  });

  it('counts unknown paths under "unmatched"', async () => {
    await request(emulator.url, 'GET', '/a');
    await request(emulator.url, 'POST', '/b', {});
    expect(emulator.state.counter('unmatched')).toEqual({
      attempts: 2,
      successes: 0,
      failures: { 404: 2 },
      faulted: 0,
      dropped: 0,
    });
  });
});
