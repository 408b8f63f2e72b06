import { bootAndCheck, compatSetup, CompatApp, prepareApp, run } from './compat-harness';

/**
 * (c) A Nest 12 app. Nest 12 is ESM-only; the package is CommonJS and requires @nestjs/common
 * etc. with require(), which loads ES modules on Node >= 20.19 (require(esm), unflagged) into
 * the same module map as the app's imports, so DI sees the same classes. The install runs
 * without --legacy-peer-deps: it only succeeds because the peer ranges admit ^12.
 */
const { runtimes } = compatSetup();

describe('Nest 12, ESM app, CommonJS package: forRootAsync + ConfigService', () => {
  let app: CompatApp;

  beforeAll(async () => {
    app = await prepareApp(
      'nest12-esm',
      [
        { label: 'nest12-esm', nest: '12', platform: 'Express', moduleSystem: 'ESM' },
        { label: 'nest12-esm', nest: '12', platform: 'Fastify', moduleSystem: 'ESM' },
      ],
      (installed) => installed.npmRun('build').then(() => undefined),
    );
  });

  it('installs the tarball with Nest 12 peers and no peer conflict', async () => {
    expect(app.installedVersion('@nestjs/core')).toMatch(/^12\./);
    expect(app.installedVersion('@nestjs/axios')).toMatch(/^12\./);
    expect(app.installedVersion('@nestjs/terminus')).toMatch(/^12\./);
    await run('npm', ['ls', '--all', '--omit=dev'], { cwd: app.dir });
  });

  describe.each(runtimes.map((runtime) => [runtime.version, runtime] as const))('on Node %s', (_version, runtime) => {
    it.each([
      ['Express', 'express'],
      ['Fastify', 'fastify'],
    ] as const)('boots on %s against the installed emulator, serves a token and /health/ready, and shuts down', async (platform, env) => {
      await bootAndCheck({
        app,
        runtime,
        label: 'nest12-esm',
        nest: '12',
        platform,
        moduleSystem: 'ESM',
        entry: ['dist/main.js'],
        env: { PLATFORM: env },
        extraChecks: async (_url, _emulator, appProcess) => {
          if (!appProcess.text.includes('COMPAT_SAME_NEST_COMMON true')) {
            throw new Error(`the package did not get the app's @nestjs/common:\n${appProcess.text}`);
          }
        },
      });
    });
  });
});
