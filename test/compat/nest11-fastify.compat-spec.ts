import { bootAndCheck, compatSetup, CompatApp, prepareApp, run } from './compat-harness';

/**
 * (b) A Nest 11 app on Fastify, CommonJS, `forRootAsync` with `performChatConfig(process.env)`
 * (no ConfigService), with the Jest e2e test of `nest new` on Fastify, pinned to the lowest
 * versions our peer ranges admit (@nestjs/* 11.0.0, @nestjs/axios 4.0.0, @nestjs/terminus
 * 11.0.0, axios 1.3.1, class-validator 0.14.0, rxjs 7.1.0, reflect-metadata 0.1.12) and
 * compiled with TypeScript 5.7 (the floor of a new Nest 11 app): the other end of the ranges
 * from the Express app, which gets the newest.
 */
const { runtimes } = compatSetup();

describe('Nest 11, CommonJS, Fastify: no ConfigService, lowest peer versions', () => {
  let app: CompatApp;

  beforeAll(async () => {
    app = await prepareApp(
      'nest11-fastify',
      [{ label: 'nest11-fastify-lowest', nest: '11', platform: 'Fastify', moduleSystem: 'CommonJS' }],
      (installed) => installed.npmRun('build').then(() => undefined),
    );
  });

  it('installs the tarball with the lowest admitted peers and no peer conflict', async () => {
    expect(app.installedVersion('@nestjs/core')).toBe('11.0.0');
    expect(app.installedVersion('class-validator')).toBe('0.14.0');
    await run('npm', ['ls', '--all', '--omit=dev'], { cwd: app.dir });
  });

  describe.each(runtimes.map((runtime) => [runtime.version, runtime] as const))('on Node %s', (_version, runtime) => {
    it('passes its own Jest e2e test, then walks the token flow and every failure path against the installed emulator', async () => {
      await bootAndCheck({
        app,
        runtime,
        label: 'nest11-fastify-lowest',
        nest: '11',
        platform: 'Fastify',
        moduleSystem: 'CommonJS',
        entry: ['dist/main.js'],
        ownTest: 'test:e2e',
      });
    });
  });
});
