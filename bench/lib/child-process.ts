import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** The one entry every bench child runs (bench/child.ts), with the role to play as argument. */
const CHILD_ENTRY = join(__dirname, '..', 'child.ts');
/** Same loader as `npm run bench`: TypeScript transpiled on load, tsconfig paths. */
const LOADER = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

/** Messages a child sends: `ready` once, then one `result` or `failure` per request. */
export type ChildMessage =
  | { type: 'ready'; port?: number; url?: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'failure'; id: number; error: string };

export interface ChildOptions {
  /** Extra node flags (`--expose-gc`, `--cpu-prof`, ...). */
  nodeFlags?: string[];
  env?: Record<string, string>;
  /**
   * Pins the child (every thread) to this CPU with `taskset`, when the machine has more than
   * one: the two sides of a comparison then run on the same core, whatever the scheduler does
   * with the other processes (without it, one side of a row could keep a core to itself).
   */
  cpu?: number;
  /** How long the child may take to say `ready`. @default 60 s */
  readyTimeoutMs?: number;
  /**
   * Another checkout to run the child from (a baseline of bench/lib/baseline.ts): forks
   * `<root>/bench/child.ts` with `<root>` as working directory, so tsconfig-paths resolves that
   * checkout's own tsconfig paths (its library, its roles). @default this repository
   */
  root?: string;
}

/** A running bench child: a port when it serves HTTP, and `call` for in-process measurements. */
export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited = false;

  private constructor(
    readonly role: string,
    readonly proc: ChildProcess,
    readonly port: number | undefined,
  ) {
    proc.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.type === 'result') waiter.resolve(message.value);
      else waiter.reject(new Error(`${role}: ${message.error}`));
    });
    proc.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${role} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /** Forks `bench/child.ts <role> <json config>` (of `options.root` when given) and waits for its `ready` message. */
  static start(role: string, config: unknown = {}, options: ChildOptions = {}): Promise<BenchChild> {
    const entry = options.root ? join(options.root, 'bench', 'child.ts') : CHILD_ENTRY;
    const proc = fork(entry, [role, JSON.stringify(config)], {
      execArgv: [...(options.nodeFlags ?? []), ...LOADER],
      ...(options.root ? { cwd: options.root } : {}),
      // TS_NODE_PROJECT / TS_NODE_CWD of ours would point the baseline at our tsconfig.
      env: {
        ...process.env,
        ...(options.root ? { TS_NODE_PROJECT: join(options.root, 'tsconfig.json') } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (options.cpu !== undefined && availableParallelism() > 1 && proc.pid !== undefined) {
      const pinned = spawnSync('taskset', ['-a', '-p', '-c', String(options.cpu), String(proc.pid)], {
        stdio: 'ignore',
      });
      if (pinned.status !== 0) console.warn(`bench: could not pin ${role} to CPU ${options.cpu} (taskset missing?)`);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${role} did not start within ${options.readyTimeoutMs ?? 60_000} ms`));
      }, options.readyTimeoutMs ?? 60_000);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${role} exited with code ${code} before it was ready`));
      };
      proc.once('exit', onExit);
      proc.on('message', function onReady(message: ChildMessage) {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        proc.off('exit', onExit);
        proc.off('message', onReady);
        resolve(new BenchChild(role, proc, message.port));
      });
    });
  }

  /** Asks the child to run `command` (see bench/child.ts) and resolves with its answer. */
  call<T>(command: string, args: unknown = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.role} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.proc.send({ id, command, args });
    });
  }

  /** The child's base URL on loopback. */
  get url(): string {
    if (this.port === undefined) throw new Error(`${this.role} serves no port`);
    return `http://127.0.0.1:${this.port}`;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
  stop(graceMs = 5_000): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.proc.kill('SIGTERM');
    });
  }
}

/**
 * Pins this (the bench) process, every thread, to `cpu` until the returned function puts it back
 * on every CPU: the load generator of a row whose sides share the other core stays off it.
 * Does nothing on a single-CPU machine or without `taskset`.
 */
export function pinBenchProcess(cpu: number): () => void {
  const cpus = availableParallelism();
  const pin = (list: string) =>
    spawnSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' }).status === 0;
  if (cpus < 2 || !pin(String(cpu))) return () => undefined;
  return () => void pin(`0-${cpus - 1}`);
}
