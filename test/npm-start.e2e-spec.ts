import { ChildProcess, spawn } from 'node:child_process';
import { EMULATOR_DEMO_KEY } from 'nestjs-performchat/emulator';

/**
 * `npm start` as the README says: the demo app builds, starts the emulator in-process, prints
 * a curl line; the request it prints returns a chat token. Then the process is stopped.
 */
describe('npm start (smoke)', () => {
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  });

  it('prints a curl that returns a token, with zero configuration', async () => {
    child = spawn('npm', ['start'], {
      cwd: process.cwd(),
      detached: true,
      env: { ...process.env, PORT: '0', PERFORMCHAT_BASE_URL: '', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /Get a chat token:\s+curl -s -H 'x-demo-user: alice' (\S+)/.exec(output);
        if (match) {
          clearInterval(timer);
          resolve(match[1]);
        } else if (child!.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`npm start exited early:\n${output}`));
        }
      }, 100);
    });

    // The demo page's URL is printed too, and serves the page.
    const pageUrl = /Open the demo page:\s+(http:\/\/localhost:\d+\/)/.exec(output)?.[1];
    expect(pageUrl).toBeDefined();
    const page = await fetch(pageUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>PerformChat demo');

    const response = await fetch(url, { headers: { 'x-demo-user': 'alice' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; agent: { id: string } };
    expect(body.token).toMatch(/^ey/);
    expect(body.agent.id).toBe('agent_support');

    // The revoke line works as printed: its headers (content-type: application/json, or the
    // route refuses it as a possible cross-site form) and its body.
    const revokeLine = /Revoke its tokens:\s+(curl .*)/.exec(output)?.[1] ?? '';
    const headers = Object.fromEntries([...revokeLine.matchAll(/-H '([^:']+): ([^']*)'/g)].map((m) => [m[1], m[2]]));
    expect(headers).toMatchObject({ 'content-type': 'application/json' });
    const revokeUrl = /(http\S+\/api\/chat\/token\/revoke)/.exec(revokeLine)?.[1] ?? '';
    const revoked = await fetch(revokeUrl, { method: 'POST', headers, body: /-d '([^']*)'/.exec(revokeLine)?.[1] });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ revoked: 1 });
    expect(output).toMatch(/using the built-in PerformChat emulator/);
    expect(output).not.toContain(EMULATOR_DEMO_KEY.keySecret);
    expect(output).not.toContain(body.token);
  }, 90_000);
});
