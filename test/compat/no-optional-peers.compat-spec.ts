import { bootAndCheck, compatSetup, CompatApp, http, prepareApp, run, spawnNode } from './compat-harness';

/**
 * Optional peers are optional: an app with only the required peers (npm installs no optional
 * peer) requires the package, boots PerformChatModule and serves tokens; the health indicator
 * answers with an "install @nestjs/terminus" error and a Redis store with an "install ioredis"
 * error, only when used. Without @nestjs/swagger, graphql or @nestjs/websockets the token
 * routes and the rate-limit guard work on HTTP as ever (their OpenAPI docs and the GraphQL and
 * WebSocket refusals are the only things that use them).
 */
const { runtimes } = compatSetup();

describe('Nest 11 without the optional peers (@nestjs/terminus, ioredis)', () => {
  let app: CompatApp;

  beforeAll(async () => {
    app = await prepareApp('no-optional-peers', [
      { label: 'no-optional-peers', nest: '11', platform: 'Express', moduleSystem: 'CommonJS' },
    ]);
  });

  it('has none of the optional peers installed (@nestjs/terminus, ioredis, @nestjs/swagger, graphql, @nestjs/websockets, @opentelemetry/api)', async () => {
    for (const peer of [
      '@nestjs/terminus',
      'ioredis',
      '@nestjs/swagger',
      'graphql',
      '@nestjs/websockets',
      '@nestjs/graphql',
      '@opentelemetry/api',
    ]) {
      expect([peer, app.isInstalled(peer)]).toEqual([peer, false]);
    }
    await run('npm', ['ls', '--all'], { cwd: app.dir });
  });

  it('requires both entry points', async () => {
    const code =
      "const m = require('nestjs-performchat'); const e = require('nestjs-performchat/emulator');" +
      'console.log(typeof m.PerformChatModule, typeof m.PerformChatHealthIndicator, typeof m.RedisCustomerUserStore, typeof e.startPerformChatEmulator)';
    const { stdout } = await run(process.execPath, ['-e', code], { cwd: app.dir });
    expect(stdout.trim()).toBe('function function function function');
  });

  it('fails nestjs-performchat/otel (only that subpath) with a message that says to install @opentelemetry/api', async () => {
    const code =
      "require('nestjs-performchat'); try { require('nestjs-performchat/otel'); console.log('LOADED') } catch (e) { console.log('FAILED', e.message) }";
    const { stdout } = await run(process.execPath, ['-e', code], { cwd: app.dir });
    expect(stdout.trim()).toBe(
      'FAILED nestjs-performchat/otel needs the @opentelemetry/api package (an optional peer dependency): npm install @opentelemetry/api',
    );
  });

  it('starts the standalone emulator as the package README says (dist/emulator/main.js)', async () => {
    const emulator = spawnNode(
      compatSetup().runtimes[0],
      ['node_modules/nestjs-performchat/dist/emulator/main.js'],
      app.dir,
      {
        PERFORMCHAT_EMULATOR_PORT: '0',
      },
    );
    try {
      const [, url] = await emulator.waitFor(/PerformChat emulator ready at (http:\/\/\S+)/);
      const state = await http('GET', `${url}/__emulator/state`);
      expect(state.status).toBe(200);
    } finally {
      expect((await emulator.stop()).killed).toBe(false);
    }
  });

  it('fails a Redis store at boot with a message that says to install ioredis', async () => {
    const { stdout } = await run(process.execPath, ['redis-store.js'], { cwd: app.dir });
    expect(stdout).toContain('REDIS_STORE A Redis store needs the ioredis package: npm install ioredis');
  });

  describe.each(runtimes.map((runtime) => [runtime.version, runtime] as const))('on Node %s', (_version, runtime) => {
    it('boots, walks the token flow and every failure path (the health indicator saying to install @nestjs/terminus)', async () => {
      await bootAndCheck({
        app,
        runtime,
        label: 'no-optional-peers',
        nest: '11',
        platform: 'Express',
        moduleSystem: 'CommonJS',
        entry: ['main.js'],
        health: 'terminus-missing',
      });
    });
  });
});
