import { ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Harness of the compatibility run (`npm run test:compat`): throwaway apps made from
 * test/compat/fixtures/<name>, with the packed tarball and their dependencies installed from
 * the registry, booted against the emulator of the installed package on each Node runtime that
 * global-setup.js prepared.
 */

const execFileAsync = promisify(execFile);

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

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its output when it fails. */
export async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      timeout: options.timeoutMs ?? 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
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
      await run('npm', [verb, ...packages.map((p) => (p === 'nestjs-performchat' ? tarball : p)), ...flags], { cwd: dir, timeoutMs: 480_000 });
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
 * The `npm install ...` lines of the README's Install section (its bash blocks), as argument
 * lists without the `npm` and without comments.
 */
export function readmeInstallCommands(readme: string): string[][] {
  const section = /^## Install\n([\s\S]*?)(?=^##? )/m.exec(readme)?.[1] ?? '';
  const commands: string[][] = [];
  for (const [, block] of section.matchAll(/^```(?:bash|sh)\n([\s\S]*?)^```/gm)) {
    for (const line of block.split('\n')) {
      const words = line.replace(/#.*$/, '').trim().split(/\s+/);
      if (words[0] === 'npm' && (words[1] === 'install' || words[1] === 'i')) commands.push(words.slice(1));
    }
  }
  return commands;
}

/** A child process whose output is collected, with a way to wait for a line. */
export class Child {
  private output = '';
  private readonly waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly process: ChildProcess) {
    const onData = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      for (const waiter of [...this.waiters]) {
        const match = this.output.match(waiter.pattern);
        if (match) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    };
    process.stdout?.on('data', onData);
    process.stderr?.on('data', onData);
    this.exited = new Promise((resolveExit) => process.once('exit', (code, signal) => resolveExit({ code, signal })));
  }

  get text(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const existing = this.output.match(pattern);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolveMatch, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${this.output}`)), timeoutMs);
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`exited (code ${code}, signal ${signal}) before ${pattern}; output:\n${this.output}`));
      });
      this.waiters.push({
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolveMatch(match);
        },
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  async stop(graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) {
      return { code: this.process.exitCode, signal: this.process.signalCode, killed: false };
    }
    this.process.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.process.kill('SIGKILL');
    }, graceMs);
    const result = await this.exited;
    clearTimeout(timer);
    return { ...result, killed };
  }
}

export function spawnNode(runtime: NodeRuntime, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(runtime.bin, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Child(child);
}

export interface StartedEmulator {
  url: string;
  keyId: string;
  keySecret: string;
  agentId: string;
  child: Child;
}

/**
 * Starts the emulator of the installed package in its own process, through the public subpath
 * `nestjs-performchat/emulator`, with `require` or with `import`.
 */
export async function startInstalledEmulator(app: CompatApp, runtime: NodeRuntime, loader: 'require' | 'import'): Promise<StartedEmulator> {
  const print =
    "startPerformChatEmulator().then((e) => console.log('EMULATOR ' + JSON.stringify({ url: e.url, " +
    'keyId: EMULATOR_DEMO_KEY.keyId, keySecret: EMULATOR_DEMO_KEY.keySecret, agentId: EMULATOR_DEMO_AGENT_ID })));';
  const code =
    loader === 'require'
      ? `const { startPerformChatEmulator, EMULATOR_DEMO_KEY, EMULATOR_DEMO_AGENT_ID } = require('nestjs-performchat/emulator'); ${print}`
      : `import { startPerformChatEmulator, EMULATOR_DEMO_KEY, EMULATOR_DEMO_AGENT_ID } from 'nestjs-performchat/emulator'; ${print}`;
  const args = loader === 'require' ? ['-e', code] : ['--input-type=module', '-e', code];
  const child = spawnNode(runtime, args, app.dir);
  const [, json] = await child.waitFor(/EMULATOR (\{.*\})\n/);
  return { ...(JSON.parse(json) as Omit<StartedEmulator, 'child'>), child };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One HTTP request (no keep-alive, so nothing holds the app open at shutdown). */
export function http(method: string, url: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(url, { method, headers: { connection: 'close', ...options.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${url}: no answer in 15 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
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
    'nestjs-performchat',
  ];
  return Object.fromEntries(names.map((name) => [name, app.installedVersion(name)]).filter(([, v]) => v !== undefined));
}

export interface TokenFlowOptions {
  /** Base URL of the app, e.g. http://127.0.0.1:41234 */
  appUrl: string;
  emulator: StartedEmulator;
  /** Header that the app's auth stand-in reads the user from. */
  userHeader: string;
  /** `up`: /health/ready is 200 with PerformChat up; `terminus-missing`: 503 saying to install it. */
  health: 'up' | 'terminus-missing';
}

/**
 * What every app must do: a token for a logged-in user (valid at the emulator), 401 without a
 * user, 400 for a body that names a user, and a healthy readiness check. Throws on the first
 * difference.
 */
export async function checkTokenFlow({ appUrl, emulator, userHeader, health: expectedHealth }: TokenFlowOptions): Promise<void> {
  const token = await http('GET', `${appUrl}/api/chat/token`, { headers: { [userHeader]: 'alice' } });
  expectThat(token.status === 200, `GET /api/chat/token answered ${token.status}: ${token.text}`);
  expectThat(typeof token.json?.token === 'string' && token.json.token.split('.').length === 3, `no JWT in ${token.text}`);
  expectThat(token.json.agent?.id === emulator.agentId, `agent ${JSON.stringify(token.json.agent)} is not ${emulator.agentId}`);
  expectThat(typeof token.json.expiresIn === 'number' && !Number.isNaN(Date.parse(token.json.expiresAt)), `bad expiry in ${token.text}`);
  expectThat(String(token.headers['cache-control']).includes('no-store'), `Cache-Control is ${token.headers['cache-control']}`);
  const verified = await http('POST', `${emulator.url}/__emulator/verify`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: token.json.token }),
  });
  expectThat(verified.json?.valid === true, `the emulator does not accept the token: ${verified.text}`);

  const anonymous = await http('GET', `${appUrl}/api/chat/token`);
  expectThat(anonymous.status === 401, `GET /api/chat/token without a user answered ${anonymous.status}: ${anonymous.text}`);

  const smuggled = await http('POST', `${appUrl}/api/chat/token`, {
    headers: { [userHeader]: 'alice', 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'mallory' }),
  });
  expectThat(smuggled.status === 400, `POST /api/chat/token with a userId answered ${smuggled.status}: ${smuggled.text}`);

  const health = await http('GET', `${appUrl}/health/ready`);
  if (expectedHealth === 'up') {
    expectThat(health.status === 200, `GET /health/ready answered ${health.status}: ${health.text}`);
    expectThat(health.json?.info?.performchat?.status === 'up', `PerformChat is not up in ${health.text}`);
  } else {
    expectThat(health.status === 503, `GET /health/ready answered ${health.status}: ${health.text}`);
    expectThat(String(health.json?.message).includes('npm install @nestjs/terminus'), `no install hint in ${health.text}`);
  }
}

function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Lines of a Nest log at level ERROR, or an unhandled rejection/exception. */
export function errorLines(log: string): string[] {
  return log.split('\n').filter((line) => /\bERROR\b|Unhandled|UnhandledPromiseRejection|uncaughtException/.test(line));
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
  /** More checks once the app is up (the emulator and the app's URL are known). */
  extraChecks?: (appUrl: string, emulator: StartedEmulator, appProcess: Child) => Promise<void>;
}

/**
 * Starts the installed emulator and the app on `runtime` (the app prints
 * `COMPAT_APP_LISTENING <url>`), runs {@link checkTokenFlow}, stops the app with SIGTERM (it
 * must be gone within 10 s, without error lines in its log) and the emulator, and records the
 * row, pass or fail.
 */
export async function bootAndCheck(options: BootOptions): Promise<void> {
  const { app, runtime } = options;
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
  let emulator: StartedEmulator | undefined;
  let appProcess: Child | undefined;
  try {
    emulator = await startInstalledEmulator(app, runtime, options.moduleSystem === 'ESM' ? 'import' : 'require');
    appProcess = spawnNode(runtime, options.entry, app.dir, {
      PORT: '0',
      PERFORMCHAT_BASE_URL: emulator.url,
      PERFORMCHAT_KEY_ID: emulator.keyId,
      PERFORMCHAT_KEY_SECRET: emulator.keySecret,
      PERFORMCHAT_DEFAULT_AGENT_ID: emulator.agentId,
      ...options.env,
    });
    const [, appUrl] = await appProcess.waitFor(/COMPAT_APP_LISTENING (\S+)/, 60_000);
    const base = appUrl.replace('[::1]', '127.0.0.1');
    await checkTokenFlow({ appUrl: base, emulator, userHeader: options.userHeader ?? 'x-user', health: options.health ?? 'up' });
    if (options.extraChecks) await options.extraChecks(base, emulator, appProcess);
    const stopped = await appProcess.stop();
    if (stopped.killed) throw new Error(`the app did not stop within 10 s of SIGTERM; output:\n${appProcess.text}`);
    if (!(stopped.code === 0 || stopped.signal === 'SIGTERM')) {
      throw new Error(`the app ended with code ${stopped.code}, signal ${stopped.signal}; output:\n${appProcess.text}`);
    }
    const errors = errorLines(appProcess.text);
    if (errors.length > 0) throw new Error(`error lines in the app's log:\n${errors.join('\n')}`);
    row.status = 'pass';
  } catch (error) {
    row.failure = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    await appProcess?.stop(2_000);
    await emulator?.child.stop(2_000);
    recordRow(row);
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
