import { closedPort } from '@test/utils';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../../..');
const INDEX = resolve(__dirname, '../index.ts');
const SECRET = 'sk_optional_peer_SECRET_0c9';

/**
 * Runs in a fresh Node process (real module resolution, no Jest registry): optionally makes
 * @nestjs/terminus unresolvable, requires the library's index.ts through ts-node, boots
 * PerformChatModule and calls both indicators. Prints what happened as JSON.
 */
const CHILD = `
const Module = require('node:module');
const attempts = [];
if (process.env.BLOCK_TERMINUS === '1') {
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === '@nestjs/terminus' || request.startsWith('@nestjs/terminus/')) {
      attempts.push(request);
      const error = new Error("Cannot find module '" + request + "'");
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    }
    return resolveFilename.call(this, request, ...rest);
  };
}
let resolvable = true;
try { require.resolve('@nestjs/terminus'); } catch { resolvable = false; }
attempts.length = 0;
require('ts-node').register({ transpileOnly: true, project: 'tsconfig.json' });
require('reflect-metadata');
const lib = require(process.env.INDEX);
const attemptsAtImport = attempts.length;
const terminusLoadedAtImport = Object.keys(require.cache).some((file) => file.includes('@nestjs/terminus'));
const { NestFactory } = require('@nestjs/core');
(async () => {
  const app = await NestFactory.createApplicationContext(
    lib.PerformChatModule.forRoot({ keyId: 'pk_optional_peer', keySecret: process.env.SECRET, baseUrl: process.env.BASE_URL }),
    { logger: false },
  );
  const outcome = (promise) => promise.then((result) => ({ result }), (error) => ({ error: error.message }));
  const health = await outcome(app.get(lib.PerformChatHealthIndicator).isHealthy());
  const redis = await outcome(app.get(lib.PerformChatRedisHealthIndicator).isHealthy());
  await app.close();
  console.log(JSON.stringify({ resolvable, exports: Object.keys(lib), attemptsAtImport, terminusLoadedAtImport, attempts, health, redis }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('@nestjs/terminus is an optional peer dependency', () => {
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = `http://127.0.0.1:${await closedPort()}`;
  });

  async function runChild(blockTerminus: boolean) {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, BLOCK_TERMINUS: blockTerminus ? '1' : '0', INDEX, SECRET, BASE_URL: baseUrl },
      timeout: 30_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop() as string);
  }

  it('without it, index.ts imports, the module boots, and only the indicators fail, saying what to install', async () => {
    const child = await runChild(true);

    expect(child.resolvable).toBe(false);
    expect(child.exports).toEqual(
      expect.arrayContaining(['PerformChatModule', 'PerformChatHealthIndicator', 'PerformChatRedisHealthIndicator']),
    );
    expect(child.attemptsAtImport).toBe(0);
    expect(child.terminusLoadedAtImport).toBe(false);
    expect(child.attempts).toEqual(['@nestjs/terminus']);
    const install =
      /need @nestjs\/terminus .*npm install @nestjs\/terminus \(loading it failed: Cannot find module '@nestjs\/terminus'\)$/;
    expect(child.health).toEqual({ error: expect.stringMatching(install) });
    expect(child.redis).toEqual({ error: expect.stringMatching(install) });
    expect(JSON.stringify(child)).not.toContain(SECRET);
  }, 30_000);

  it('with it (control run of the same script), both indicators answer', async () => {
    const child = await runChild(false);

    expect(child.resolvable).toBe(true);
    expect(child.terminusLoadedAtImport).toBe(false);
    expect(child.health).toEqual({
      result: {
        performchat: expect.objectContaining({
          status: 'down',
          reason: 'connection_refused',
          endpoint: `${baseUrl}/rest/v1/auth/token`,
        }),
      },
    });
    expect(child.redis).toEqual({ result: { performchat_redis: { status: 'up', clients: 0 } } });
  }, 30_000);
});
