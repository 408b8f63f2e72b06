import { request as httpRequest, Agent } from 'node:http';
import { request, tokenBody } from '../test/http';
import { startPerformChatEmulator } from './index';

describe('startPerformChatEmulator', () => {
  it('listens on a random port of 127.0.0.1 by default and exposes url, port and host', async () => {
    const emulator = await startPerformChatEmulator();
    try {
      expect(emulator.host).toBe('127.0.0.1');
      expect(emulator.port).toBeGreaterThan(0);
      expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
      expect((await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody())).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const first = await startPerformChatEmulator();
    try {
      await expect(startPerformChatEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  it('close() destroys idle keep-alive connections, is idempotent, and frees the port', async () => {
    const emulator = await startPerformChatEmulator();
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${emulator.url}/__emulator/state`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const socket = Object.values(agent.freeSockets).flat()[0]!;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const started = Date.now();
    await emulator.close();
    await emulator.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(200);
    const again = await startPerformChatEmulator({ port: emulator.port });
    expect(again.port).toBe(emulator.port);
    await again.close();
    agent.destroy();
  });

  it('logs lifecycle messages to the logger, never a secret', async () => {
    const lines: string[] = [];
    const emulator = await startPerformChatEmulator({
      logger: { log: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ keySecret: 'sk_logged_nowhere' }));
    emulator.addFault({ status: 503, path: '/rest/v1/auth/token', times: 2, delayMs: 10 });
    emulator.reset();
    await emulator.close();
    expect(lines).toEqual([
      `PerformChat emulator listening on ${emulator.url}`,
      'PerformChat emulator: fault #1 added (status 503 on * /rest/v1/auth/token, 2x, after 10 ms)',
      'PerformChat emulator: state reset',
    ]);
    expect(lines.join('\n')).not.toMatch(/sk_/);
  });
});
