import { ChildProcess, spawn } from 'node:child_process';
import { closedPort } from './loopback-server';

/** The redis-server binary: `REDIS_SERVER_BIN`, else `redis-server` on the PATH (/usr/bin here). */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** A redis-server child process owned by one test, on its own port, without persistence. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** Starts it (again) on the same port, with other extra arguments if given; resolves once it accepts connections. */
  start(args?: string[]): Promise<void>;
  /** Kills it with SIGKILL (an outage, not a shutdown) and waits for the exit. */
  kill(): Promise<void>;
}

const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 5_000;

function launch(port: number, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      REDIS_SERVER_BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new Error(`cannot run ${REDIS_SERVER_BIN} (${error.message}): install redis-server or set REDIS_SERVER_BIN`),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited with code ${code}:\n${output}`));
    });
  });
}

/**
 * Starts a private redis-server on a free port (never the shared one), with extra arguments
 * such as `['--databases', '4']`. Fails, never skips, when the binary is missing.
 */
export async function startRedisServer(args: string[] = []): Promise<RedisServerProcess> {
  const port = await closedPort();
  let child: ChildProcess | undefined;
  const server: RedisServerProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async (nextArgs = args) => {
      if (child) throw new Error(`redis-server on port ${port} is already running`);
      child = await launch(port, nextArgs);
    },
    kill: async () => {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await server.start();
  return server;
}
