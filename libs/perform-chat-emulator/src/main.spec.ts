import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request, tokenBody } from '../test/http';

const ROOT = resolve(__dirname, '../../..');
const NODE_ARGS = [
  '-r',
  'ts-node/register/transpile-only',
  '-r',
  'tsconfig-paths/register',
  'libs/perform-chat-emulator/src/main.ts',
];

describe('standalone emulator (npm run emulator)', () => {
  it('--help prints every option with its environment variable; a bad flag exits 2 naming it', () => {
    const help = spawnSync(process.execPath, [...NODE_ARGS, '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: performchat-emulator [options]');
    expect(help.stdout).toContain('env PERFORMCHAT_EMULATOR_PORT, default 4010');
    const bad = spawnSync(process.execPath, [...NODE_ARGS, '--port', 'x'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port (PERFORMCHAT_EMULATOR_PORT) must be an integer from 0 to 65535, got "x"');
  });

  it('starts on PERFORMCHAT_EMULATOR_PORT, prints its URL, the demo credentials, what it serves and a curl, saves its state file on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'performchat-emulator-'));
    const stateFile = join(dir, 'state.json');
    const child = spawn(process.execPath, [...NODE_ARGS, '--state-file', stateFile, '--log-requests'], {
      cwd: ROOT,
      env: { ...process.env, PERFORMCHAT_EMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      let output = '';
      const url = await new Promise<string>((done, fail) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match && output.includes('__emulator/state')) done(match[1]);
        });
        child.once('exit', () => fail(new Error(`exited early: ${output}`)));
      });
      expect(output).toContain('keyId:     pk_demo_performchat');
      expect(output).toContain('keySecret: sk_demo_performchat_emulator_secret');
      expect(output).toContain(`curl -s -X POST ${url}/rest/v1/auth/token -H 'Content-Type: application/json'`);
      expect(output).toContain(`socket.io /socket.io`);
      expect(output).toContain(`chat: io('${url}', { auth: { token } }); chat:join, chat:message → chat:response`);
      expect(output).toContain(`state file:  ${stateFile} (0 customer users loaded; saved on exit)`);
      const res = await request(url, 'POST', '/rest/v1/auth/token', tokenBody());
      expect(res.status).toBe(200);
      await new Promise((done) => setTimeout(done, 50));
      expect(output).toMatch(/PerformChat emulator: http POST \/rest\/v1\/auth\/token 200 \d+ms user="user_123"/);
      expect(output).not.toContain(res.json.token);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved).toMatchObject({
      format: 'performchat-emulator-state',
      customerUsers: [{ externalId: 'user_123' }],
      signingSecret: expect.any(String),
    });
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    rmSync(dir, { recursive: true, force: true });
  });
});
