import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { AppClient } from './app-client';
import { Child, RunResult, run, spawnNode } from './child-process';
import { FAILURE_PATH_ENV, TOKEN_ROUTE, checkFailurePaths, expectHealthInstallHint, expectThat } from './failure-paths';
import { InstalledEmulator } from './installed-emulator';
import { findLeaks } from './leak-scan';

/**
 * Harness of the compatibility run (`npm run test:compat`): throwaway apps made from
 * test/compat/fixtures/<name>, with the packed tarball and their dependencies installed from
 * the registry, booted against the emulator of the installed package on each Node runtime that
 * global-setup.js prepared.
 */

export { Child, run, spawnNode } from './child-process';
export type { RunResult } from './child-process';
export { http } from './http-request';
export type { HttpAnswer } from './http-request';

export const REPO_ROOT = resolve(__dirname, '../..');
export const COMPAT_OUT = join(REPO_ROOT, 'dist-pack', 'compat');
export const RESULTS_DIR = join(COMPAT_OUT, 'results');

export interface NodeRuntime {
  /** `20.20.2` */
  version: string;
  /** Absolute path of the node binary. */
  bin: string;
  /** `system` (the node running the tests) or the npm package it came from. */
  source: string;
}

interface CompatSetup {
  tarball: string;
  workDir: string;
  runtimes: NodeRuntime[];
}

/** What global-setup.js prepared: the tarball, the temp folder, the Node runtimes. */
export function compatSetup(): CompatSetup {
  return JSON.parse(readFileSync(join(COMPAT_OUT, 'setup.json'), 'utf8')) as CompatSetup;
}

export class CompatApp {
  readonly log: string[] = [];

  constructor(
    readonly fixture: string,
    readonly dir: string,
  ) {}

  /** `version` of an installed package, or undefined when it is not installed. */
  installedVersion(name: string): string | undefined {
    const file = join(this.dir, 'node_modules', name, 'package.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
  }

  isInstalled(name: string): boolean {
    return existsSync(join(this.dir, 'node_modules', name, 'package.json'));
  }

  /** `npm run <script>` in the app, with the npm of the test runner. */
  async npmRun(script: string): Promise<RunResult> {
    return run('npm', ['run', script, '--silent'], { cwd: this.dir });
  }
}

/**
 * Copies a fixture into the temp folder, points its `nestjs-performchat` dependency at the
 * tarball and installs: `npm install --no-audit --no-fund --prefer-offline`, with npm's
 * shared cache (COMPAT_NPM_CACHE overrides it). No --legacy-peer-deps: a peer range that does
 * not admit the app's Nest version fails the install, as it would for a user.
 */
export async function installFixture(fixture: string, options: InstallOptions = {}): Promise<CompatApp> {
  const { tarball, workDir } = compatSetup();
  const dir = join(workDir, fixture);
  cpSync(join(__dirname, 'fixtures', fixture), dir, { recursive: true });
  const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  if (process.env.COMPAT_NPM_CACHE) flags.push('--cache', process.env.COMPAT_NPM_CACHE);
  if (options.commands) {
    // The user's way: `npm install nestjs-performchat ...` in an app that does not list it yet.
    for (const command of options.commands) {
      const [verb, ...packages] = command;
      await run('npm', [verb, ...packages.map((p) => (p === 'nestjs-performchat' ? tarball : p)), ...flags], {
        cwd: dir,
        timeoutMs: 480_000,
      });
    }
  } else {
    const pkgFile = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { dependencies: Record<string, string> };
    pkg.dependencies['nestjs-performchat'] = `file:${tarball}`;
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    await run('npm', ['install', ...flags], { cwd: dir, timeoutMs: 480_000 });
  }
  return new CompatApp(fixture, dir);
}

export interface InstallOptions {
  /**
   * npm commands to run instead of one `npm install` of the fixture with the tarball added,
   * e.g. `[['install', 'nestjs-performchat']]`; `nestjs-performchat` stands for the tarball.
   */
  commands?: string[][];
}

/**
 * The `npm install ...` lines of the README's Install section for one Nest major: its bash
 * blocks whose first line is the comment `# Nest <major>`, as argument lists without the `npm`
 * and without comments.
 */
export function readmeInstallCommands(readme: string, nestMajor: 11 | 12): string[][] {
  // Up to the next heading (`# ` lines inside the code blocks are comments).
  const section = /^## Install\n([\s\S]*?)(?=^##+ )/m.exec(readme)?.[1] ?? '';
  const commands: string[][] = [];
  for (const [, block] of section.matchAll(/^```(?:bash|sh)\n([\s\S]*?)^```/gm)) {
    const [first, ...lines] = block.split('\n');
    if (first.trim() !== `# Nest ${nestMajor}`) continue;
    for (const line of lines) {
      const words = line.replace(/#.*$/, '').trim().split(/\s+/);
      if (words[0] === 'npm' && (words[1] === 'install' || words[1] === 'i')) commands.push(words.slice(1));
    }
  }
  if (commands.length === 0)
    throw new Error(`README.md: no bash block starting with "# Nest ${nestMajor}" in ## Install`);
  return commands;
}

export interface CompatRow {
  app: string;
  nest: string;
  platform: string;
  moduleSystem: 'CommonJS' | 'ESM';
  node: string;
  nodeSource: string;
  status: 'pass' | 'fail';
  versions: Record<string, string | undefined>;
  failure?: string;
}

/** Records one row of the compatibility table (global-teardown.js prints them all). */
export function recordRow(row: CompatRow): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${row.app}--${row.platform}--node-${row.node}.json`.replace(/[^\w.-]+/g, '_');
  writeFileSync(join(RESULTS_DIR, file), `${JSON.stringify(row, null, 2)}\n`);
}

/** Versions worth reporting for an app. */
export function reportedVersions(app: CompatApp): Record<string, string | undefined> {
  const names = [
    '@nestjs/core',
    '@nestjs/common',
    '@nestjs/platform-express',
    '@nestjs/platform-fastify',
    '@nestjs/axios',
    '@nestjs/config',
    '@nestjs/terminus',
    'axios',
    'rxjs',
    'class-validator',
    'class-transformer',
    'reflect-metadata',
    'ioredis',
    'typescript',
    'jest',
    'vitest',
    'nestjs-performchat',
  ];
  return Object.fromEntries(names.map((name) => [name, app.installedVersion(name)]).filter(([, v]) => v !== undefined));
}

export interface TokenFlowOptions {
  client: AppClient;
  emulator: InstalledEmulator;
  /** `up`: /health/ready is 200 with PerformChat up; `terminus-missing`: 503 saying to install it. */
  health: 'up' | 'terminus-missing';
}

/**
 * The happy path every app must walk: a token for a logged-in user (valid at the emulator),
 * 401 without a user, and a healthy readiness check. Throws on the first difference.
 */
export async function checkTokenFlow({ client, emulator, health: expectedHealth }: TokenFlowOptions): Promise<void> {
  const token = await client.get(TOKEN_ROUTE, { user: 'alice', issuesToken: true });
  expectThat(token.status === 200, `GET ${TOKEN_ROUTE} answered ${token.status}: ${token.text}`);
  expectThat(
    typeof token.json?.token === 'string' && token.json.token.split('.').length === 3,
    `no JWT in ${token.text}`,
  );
  expectThat(
    token.json.agent?.id === emulator.agentId,
    `agent ${JSON.stringify(token.json.agent)} is not ${emulator.agentId}`,
  );
  expectThat(
    typeof token.json.expiresIn === 'number' && !Number.isNaN(Date.parse(token.json.expiresAt)),
    `bad expiry in ${token.text}`,
  );
  expectThat(
    String(token.headers['cache-control']).includes('no-store'),
    `Cache-Control is ${token.headers['cache-control']}`,
  );
  const verified = await emulator.verify(token.json.token);
  expectThat(verified.valid === true, `the emulator does not accept the token: ${JSON.stringify(verified)}`);

  const anonymous = await client.get(TOKEN_ROUTE, { issuesToken: true });
  expectThat(
    anonymous.status === 401,
    `GET ${TOKEN_ROUTE} without a user answered ${anonymous.status}: ${anonymous.text}`,
  );

  const health = await client.get('/health/ready');
  if (expectedHealth === 'up') {
    expectThat(health.status === 200, `GET /health/ready answered ${health.status}: ${health.text}`);
    expectThat(health.json?.info?.performchat?.status === 'up', `PerformChat is not up in ${health.text}`);
  } else {
    expectHealthInstallHint(health);
  }
}

/**
 * Terminus's own line for a failed check (HealthCheckService logs every 503 at ERROR): expected
 * once, for the connection-refused step of the failure paths, and only with that reason.
 */
const EXPECTED_HEALTH_DOWN =
  /ERROR (\[HealthCheckService\] )?Health Check has failed! \{"performchat":\{[^\n]*"reason":"connection_refused"/;

/** Lines of a Nest log at level ERROR, or an unhandled rejection/exception. */
export function errorLines(log: string): string[] {
  return log
    .split('\n')
    .filter(
      (line) =>
        /\bERROR\b|Unhandled|UnhandledPromiseRejection|uncaughtException/.test(line) &&
        !EXPECTED_HEALTH_DOWN.test(line),
    );
}

export interface BootOptions {
  app: CompatApp;
  runtime: NodeRuntime;
  /** Row label, e.g. `nest11-express`. */
  label: string;
  nest: string;
  platform: 'Express' | 'Fastify';
  moduleSystem: 'CommonJS' | 'ESM';
  /** Arguments of `node`, e.g. `['dist/main.js']`. */
  entry: string[];
  env?: NodeJS.ProcessEnv;
  userHeader?: string;
  health?: TokenFlowOptions['health'];
  /**
   * npm script of the app's own test, the way `nest new` sets it up for its Nest major
   * (`test:e2e`: Jest + supertest on Nest 11, Vitest + supertest on Nest 12), run first with
   * `env`, on `runtime`.
   */
  ownTest?: string;
  /** More checks once the app is up (the emulator and the app's URL are known). */
  extraChecks?: (client: AppClient, emulator: InstalledEmulator, appProcess: Child) => Promise<void>;
}

/**
 * One cell: the app's own test (when given), then the installed emulator and the app on
 * `runtime` (the app prints `COMPAT_APP_LISTENING <url>`) with the env of the failure paths:
 * {@link checkTokenFlow}, {@link checkFailurePaths}, extra checks; then SIGTERM (the app must
 * be gone within 10 s), no error line in its log, and no secret or token anywhere in what it
 * printed or answered but the token answers themselves. Records the row, pass or fail.
 */
export async function bootAndCheck(options: BootOptions): Promise<void> {
  const { app, runtime } = options;
  const health = options.health ?? 'up';
  const row: CompatRow = {
    app: options.label,
    nest: options.nest,
    platform: options.platform,
    moduleSystem: options.moduleSystem,
    node: runtime.version,
    nodeSource: runtime.source,
    status: 'fail',
    versions: reportedVersions(app),
  };
  const emulator = new InstalledEmulator(app, runtime, options.moduleSystem === 'ESM' ? 'import' : 'require');
  let appProcess: Child | undefined;
  try {
    if (options.ownTest) await runOwnTest(app, runtime, options.ownTest, options.env);
    await emulator.start();
    appProcess = spawnNode(runtime, options.entry, app.dir, {
      PORT: '0',
      PERFORMCHAT_BASE_URL: emulator.url,
      PERFORMCHAT_KEY_ID: emulator.keyId,
      PERFORMCHAT_KEY_SECRET: emulator.keySecret,
      PERFORMCHAT_DEFAULT_AGENT_ID: emulator.agentId,
      ...FAILURE_PATH_ENV,
      ...options.env,
    });
    const started = appProcess;
    const [, appUrl] = await started.waitFor(/COMPAT_APP_LISTENING (\S+)/, 60_000);
    const client = new AppClient(appUrl.replace('[::1]', '127.0.0.1'), options.userHeader ?? 'x-user');
    let failedCheck: unknown;
    try {
      await checkTokenFlow({ client, emulator, health });
      await checkFailurePaths({ client, emulator, health, appOutput: () => started.text });
      if (options.extraChecks) await options.extraChecks(client, emulator, started);
    } catch (error) {
      failedCheck = error;
    }
    const stopped = await started.stop();
    // Scanned after a failed check too: a leak explains many failures.
    const leaks = findLeaks({
      appOutput: started.text,
      answers: client.answers,
      secret: emulator.keySecret,
      issuedTokens: client.issuedTokens,
    });
    if (leaks.length > 0) {
      const check = failedCheck instanceof Error ? `${failedCheck.message}\n` : '';
      throw new Error(`${check}leaked: ${leaks.join('; ')}\napp output:\n${started.text}`);
    }
    if (failedCheck !== undefined) throw failedCheck;
    if (stopped.killed) throw new Error(`the app did not stop within 10 s of SIGTERM; output:\n${started.text}`);
    if (!(stopped.code === 0 || stopped.signal === 'SIGTERM')) {
      throw new Error(`the app ended with code ${stopped.code}, signal ${stopped.signal}; output:\n${started.text}`);
    }
    const errors = errorLines(started.text);
    if (errors.length > 0) throw new Error(`error lines in the app's log:\n${errors.join('\n')}`);
    row.status = 'pass';
  } catch (error) {
    row.failure = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    await appProcess?.stop(2_000);
    await emulator.stop();
    recordRow(row);
  }
}

/**
 * `npm run <script>` in the app with `runtime`'s node first in PATH (npm, and the test runner's
 * `#!/usr/bin/env node`, then run on it); rejects with the output when the test fails.
 */
async function runOwnTest(
  app: CompatApp,
  runtime: NodeRuntime,
  script: string,
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  const PATH = `${dirname(runtime.bin)}${delimiter}${process.env.PATH ?? ''}`;
  try {
    await run('npm', ['run', script], {
      cwd: app.dir,
      env: { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', PATH, ...env },
      timeoutMs: 180_000,
    });
  } catch (error) {
    const output = error instanceof Error ? error.message : String(error);
    // The table shows the first line: the first error or failed test of the output.
    const reason = /\b[A-Z]\w*Error\b.*|[✕×].*/.exec(output)?.[0].trim() ?? output.split('\n')[0];
    throw new Error(`the app's own test (npm run ${script}) failed on Node ${runtime.version}: ${reason}\n${output}`, {
      cause: error,
    });
  }
}

export interface PlannedRow {
  label: string;
  nest: string;
  platform: 'Express' | 'Fastify';
  moduleSystem: 'CommonJS' | 'ESM';
}

/**
 * {@link installFixture} plus `prepare` (a build), recording a failed row for each planned
 * row and runtime when either fails, so the table shows an app that could not even be
 * installed or built (with npm's or tsc's message).
 */
export async function prepareApp(
  fixture: string,
  planned: PlannedRow[],
  prepare?: (app: CompatApp) => Promise<void>,
  install?: InstallOptions,
): Promise<CompatApp> {
  let app: CompatApp | undefined;
  try {
    app = await installFixture(fixture, install);
    if (prepare) await prepare(app);
    return app;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const stage = app ? 'build failed' : 'npm install failed';
    const detail = message.split('\n').find((line) => /\berror\b/i.test(line)) ?? message.split('\n')[0];
    for (const row of planned) {
      for (const runtime of compatSetup().runtimes) {
        recordRow({
          app: row.label,
          nest: row.nest,
          platform: row.platform,
          moduleSystem: row.moduleSystem,
          node: runtime.version,
          nodeSource: runtime.source,
          status: 'fail',
          versions: app ? reportedVersions(app) : {},
          failure: `${stage}: ${detail}\n${message}`,
        });
      }
    }
    throw error;
  }
}
