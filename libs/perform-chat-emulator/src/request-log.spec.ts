import { invalidateBody, request, tokenBody } from '../test/http';
import { startPerformChatEmulator, type PerformChatEmulator } from './index';

describe('request log', () => {
  let emulator: PerformChatEmulator | undefined;
  afterEach(() => emulator?.close());

  it('records each API request: method, path, status, duration, who it was about, the fault; never a secret', async () => {
    const lines: string[] = [];
    emulator = await startPerformChatEmulator({ logRequests: true, logger: { log: (m) => lines.push(m) } });
    const token = (await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ userId: 'alice' }))).json
      .token as string;
    const id = emulator.state.findCustomerUser('company_demo', 'alice')!.id;
    await request(emulator.url, 'POST', '/rest/v1/auth/invalidate-token', invalidateBody(id));
    await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ keySecret: 'sk_wrong_secret' }));
    emulator.addFault({ path: '/rest/v1/auth/token', status: 503 });
    await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody());
    emulator.addFault({ kind: 'drop' });
    await expect(request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody())).rejects.toThrow();
    await request(emulator.url, 'GET', '/__emulator/state');
    await new Promise((resolve) => setTimeout(resolve, 20));

    const log = emulator.requestLog();
    expect(log).toEqual([
      {
        seq: 1,
        at: expect.any(String),
        type: 'http',
        method: 'POST',
        path: '/rest/v1/auth/token',
        status: 200,
        durationMs: expect.any(Number),
        userId: 'alice',
      },
      {
        seq: 2,
        at: expect.any(String),
        type: 'http',
        method: 'POST',
        path: '/rest/v1/auth/invalidate-token',
        status: 200,
        durationMs: expect.any(Number),
        customerUserId: id,
      },
      {
        seq: 3,
        at: expect.any(String),
        type: 'http',
        method: 'POST',
        path: '/rest/v1/auth/token',
        status: 401,
        durationMs: expect.any(Number),
        userId: 'user_123',
      },
      {
        seq: 4,
        at: expect.any(String),
        type: 'http',
        method: 'POST',
        path: '/rest/v1/auth/token',
        status: 503,
        durationMs: expect.any(Number),
        faultId: 1,
      },
      {
        seq: 5,
        at: expect.any(String),
        type: 'http',
        method: 'POST',
        path: '/rest/v1/auth/token',
        status: null,
        durationMs: expect.any(Number),
        faultId: 2,
      },
    ]);
    expect(lines.filter((l) => l.includes(' http '))).toEqual([
      expect.stringMatching(/^PerformChat emulator: http POST \/rest\/v1\/auth\/token 200 \d+ms user="alice"$/),
      expect.stringMatching(/invalidate-token 200 \d+ms customerUser=c/),
      expect.stringMatching(/token 401 \d+ms user="user_123"$/),
      expect.stringMatching(/token 503 \d+ms fault=#1$/),
      expect.stringMatching(/token dropped \d+ms fault=#2$/),
    ]);
    const everything = JSON.stringify(log) + lines.join('\n');
    expect(everything).not.toContain('sk_');
    expect(everything).not.toContain(token);
  });

  it('filters, clears, and keeps only the last maxEntries; GET/DELETE /__emulator/log', async () => {
    emulator = await startPerformChatEmulator({ requestLog: { maxEntries: 3 } });
    for (let i = 0; i < 5; i++)
      await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ userId: `u${i}` }));
    await request(emulator.url, 'GET', '/nowhere');
    const res = await request(emulator.url, 'GET', '/__emulator/log?type=http&sinceSeq=4&path=/rest/v1/auth/token');
    expect(res.status).toBe(200);
    expect(res.json.entries.map((e: { userId: string }) => e.userId)).toEqual(['u4']);
    expect(emulator.requestLog().map((e) => e.seq)).toEqual([4, 5, 6]);
    expect((await request(emulator.url, 'GET', '/__emulator/log?sinceSeq=-1')).json).toMatchObject({
      statusCode: 400,
      message: 'sinceSeq must be an integer >= 0',
    });
    expect((await request(emulator.url, 'GET', '/__emulator/log?type=ftp')).status).toBe(400);
    expect((await request(emulator.url, 'DELETE', '/__emulator/log')).json).toEqual({ cleared: 3 });
    expect(emulator.requestLog()).toEqual([]);
  });

  it('is empty with requestLog: false', async () => {
    emulator = await startPerformChatEmulator({ requestLog: false });
    await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody());
    expect(emulator.requestLog()).toEqual([]);
  });
});
