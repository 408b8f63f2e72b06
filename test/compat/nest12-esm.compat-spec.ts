import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bootAndCheck,
  compatSetup,
  CompatApp,
  prepareApp,
  readmeInstallCommands,
  REPO_ROOT,
  run,
} from './compat-harness';

/**
 * (c) A new Nest 12 app (the dependencies and the Vitest e2e test of `nest new` 12: ESM,
 * TypeScript 6), then the README's Nest 12 install commands run verbatim, on Express and
 * Fastify. Nest 12 is ESM-only; the package is CommonJS and requires @nestjs/common etc. with
 * require(), which loads ES modules on Node >= 20.19 (require(esm), unflagged) into the same
 * module map as the app's imports, so DI sees the same classes. The install runs without
 * --legacy-peer-deps: it only succeeds because the peer ranges admit ^12.
 */
const { runtimes } = compatSetup();
const installCommands = readmeInstallCommands(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'), 12);

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
      { commands: installCommands },
    );
  });

  it('installs with the README commands: Nest 12 majors of the peers, no peer conflict', async () => {
    expect(installCommands[0].slice(0, 2)).toEqual(['install', 'nestjs-performchat']);
    expect(app.installedVersion('@nestjs/core')).toMatch(/^12\./);
    expect(app.installedVersion('@nestjs/axios')).toMatch(/^12\./);
    expect(app.installedVersion('@nestjs/config')).toMatch(/^12\./);
    expect(app.installedVersion('@nestjs/terminus')).toMatch(/^12\./);
    await run('npm', ['ls', '--all', '--omit=dev'], { cwd: app.dir });
  });

  it('imports nestjs-performchat/otel from an ES module, with @opentelemetry/api installed (the app depends on it)', async () => {
    expect(app.installedVersion('@opentelemetry/api')).toMatch(/^1\./);
    const code =
      "const otel = await import('nestjs-performchat/otel'); const i = otel.instrumentPerformChat();" +
      'i.disable(); console.log(typeof otel.instrumentPerformChat, otel.PerformChatSpanNames.tokenIssue)';
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: app.dir });
    expect(stdout.trim()).toBe('function performchat.token.issue');
  });

  describe.each(runtimes.map((runtime) => [runtime.version, runtime] as const))('on Node %s', (_version, runtime) => {
    it.each([
      ['Express', 'express'],
      ['Fastify', 'fastify'],
    ] as const)(
      'on %s: passes its own Vitest e2e test, then walks the token flow and every failure path against the installed emulator',
      async (platform, env) => {
        await bootAndCheck({
          app,
          runtime,
          label: 'nest12-esm',
          nest: '12',
          platform,
          moduleSystem: 'ESM',
          entry: ['dist/main.js'],
          env: { PLATFORM: env },
          ownTest: 'test:e2e',
          extraChecks: async (_client, _emulator, appProcess) => {
            if (!appProcess.text.includes('COMPAT_SAME_NEST_COMMON true')) {
              throw new Error(`the package did not get the app's @nestjs/common:\n${appProcess.text}`);
            }
          },
        });
      },
    );
  });
});
