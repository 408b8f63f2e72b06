import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompatApp,
  REPO_ROOT,
  bootAndCheck,
  compatSetup,
  prepareApp,
  readmeInstallCommands,
  run,
} from './compat-harness';
import {
  NEST_APP_COMPILER_OPTIONS,
  ReadmeBlock,
  extractTypeScriptBlocks,
  unknownRelativeImports,
  writeReadmeBlocks,
} from './readme-blocks';

/**
 * (a) A new Nest 11 app, CommonJS, on Express, with the dependencies and the Jest e2e test of
 * `nest new`, then the README's Nest 11 install commands run verbatim (npm adds the other
 * missing peers): the README's quick start (`forRootAsync` with `ConfigService` and
 * `performChatConfig`), its health module and its ChatSessions service verbatim (behind the
 * app's own route), an auth stand-in as a global guard. Also: every README TypeScript block
 * type-checks against the installed package (its published .d.ts), and the quick start and
 * tokenRoundTrip blocks run verbatim.
 */
const { runtimes } = compatSetup();
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const blocks = extractTypeScriptBlocks(readme);
const installCommands = readmeInstallCommands(readme, 11);

/** The first README block containing every one of `texts`. */
function blockDeclaring(...texts: string[]): ReadmeBlock {
  const block = blocks.find((b) => texts.every((text) => b.code.includes(text)));
  if (!block) throw new Error(`README.md has no TypeScript block with ${texts.map((t) => `"${t}"`).join(' and ')}`);
  return block;
}

describe('Nest 11, CommonJS, Express: forRootAsync + ConfigService (README quick start)', () => {
  let app: CompatApp;

  beforeAll(async () => {
    app = await prepareApp(
      'nest11-express',
      [{ label: 'nest11-express', nest: '11', platform: 'Express', moduleSystem: 'CommonJS' }],
      async (installed) => {
        // The README's health module and "use the service anywhere" service, verbatim.
        writeFileSync(
          join(installed.dir, 'src/health/health.module.ts'),
          blockDeclaring('export class HealthModule').code,
        );
        writeFileSync(
          join(installed.dir, 'src/chat/chat-sessions.ts'),
          blockDeclaring('export class ChatSessions').code,
        );
        await installed.npmRun('build');
      },
      // The README's install commands, verbatim, in an app with the dependencies of `nest new`.
      { commands: installCommands },
    );
  });

  it('installs with the README commands: Nest 11 majors of the peers, npm adding the others, no peer conflict', async () => {
    expect(installCommands[0].slice(0, 2)).toEqual(['install', 'nestjs-performchat']);
    expect(app.installedVersion('@nestjs/core')).toMatch(/^11\./);
    // The CommonJS majors: the 12s are ES modules only, which the app's Jest test cannot load.
    expect(app.installedVersion('@nestjs/axios')).toMatch(/^4\./);
    expect(app.installedVersion('@nestjs/config')).toMatch(/^4\./);
    expect(app.installedVersion('@nestjs/terminus')).toMatch(/^11\./);
    for (const peer of [
      '@nestjs/axios',
      'axios',
      'class-validator',
      'class-transformer',
      '@nestjs/config',
      '@nestjs/terminus',
    ]) {
      expect([peer, app.isInstalled(peer)]).toEqual([peer, true]);
    }
    expect(app.installedVersion('nestjs-performchat')).toBe(
      JSON.parse(readFileSync(join(REPO_ROOT, 'libs/perform-chat/package.json'), 'utf8')).version,
    );
    await run('npm', ['ls', '--all', '--omit=dev'], { cwd: app.dir }); // exits non-zero on invalid or missing peers
  });

  it('type-checks every README TypeScript block against the installed package', async () => {
    expect(unknownRelativeImports(blocks)).toEqual([]);
    const dir = join(app.dir, 'readme-blocks');
    writeReadmeBlocks(dir, blocks);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: { ...NEST_APP_COMPILER_OPTIONS, noEmit: false, outDir: 'dist', rootDir: '.' },
          include: ['./**/*.ts'],
          exclude: ['dist'],
        },
        null,
        2,
      ),
    );
    const result = await run(join(app.dir, 'node_modules/.bin/tsc'), ['-p', dir], { cwd: app.dir }).catch(
      (error: Error) => error,
    );
    const output = result instanceof Error ? result.message : '';
    // Map block file lines back to README lines in the failure message.
    const mapped = output.replace(
      /readme-block-(\d+)\.ts\((\d+),(\d+)\)/g,
      (whole, n: string, line: string, col: string) => {
        const block = blocks[Number(n) - 1];
        return block ? `README.md:${block.line + Number(line) - 1}:${col}` : whole;
      },
    );
    expect(mapped).toBe('');
  });

  it('runs the README quick start and tokenRoundTrip() verbatim', async () => {
    const js = (block: ReadmeBlock) => join(app.dir, 'readme-blocks/dist', block.file.replace(/\.ts$/, '.js'));
    const quickStart = blockDeclaring('export class AppModule', 'PerformChatModule.forRootAsync', 'performChatConfig');
    const roundTrip = blockDeclaring('export async function tokenRoundTrip');
    const { stdout } = await run(process.execPath, ['readme-runner.js', js(quickStart), js(roundTrip)], {
      cwd: app.dir,
      timeoutMs: 60_000,
    });
    expect(stdout).toContain('README_QUICK_START {"status":200,"token":"string"}');
    expect(stdout).toContain('README_ROUND_TRIP {"valid":false}'); // the README: "false: the token was revoked"
  });

  describe.each(runtimes.map((runtime) => [runtime.version, runtime] as const))('on Node %s', (_version, runtime) => {
    it('passes its own Jest e2e test, then walks the token flow and every failure path against the installed emulator', async () => {
      await bootAndCheck({
        app,
        runtime,
        label: 'nest11-express',
        nest: '11',
        platform: 'Express',
        moduleSystem: 'CommonJS',
        entry: ['dist/main.js'],
        ownTest: 'test:e2e',
      });
    });
  });
});
