import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { request, tokenBody } from '../test/http';

const ROOT = resolve(__dirname, '../../..');

describe('standalone emulator (npm run emulator)', () => {
  it('starts on PERFORMCHAT_EMULATOR_PORT, prints its URL, the demo credentials and a curl, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'libs/perform-chat-emulator/src/main.ts'],
      { cwd: ROOT, env: { ...process.env, PERFORMCHAT_EMULATOR_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
      const res = await request(url, 'POST', '/rest/v1/auth/token', tokenBody());
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
