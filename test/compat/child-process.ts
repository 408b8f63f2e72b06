import { ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { NodeRuntime } from './compat-harness';

/** Processes of the compatibility run: commands run to completion, and long-running children. */

const execFileAsync = promisify(execFile);

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its output when it fails. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
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
    throw new Error(
      `${command} ${args.join(' ')} failed in ${options.cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
      { cause: error },
    );
  }
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
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${pattern}; output:\n${this.output}`)),
        timeoutMs,
      );
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
