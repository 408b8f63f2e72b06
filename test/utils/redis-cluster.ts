import { ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closedPort } from './loopback-server';
import { REDIS_SERVER_BIN } from './redis-server';

/** The redis-cli binary: `REDIS_CLI_BIN`, else `redis-cli` on the PATH (Debian's redis-tools). */
export const REDIS_CLI_BIN = process.env.REDIS_CLI_BIN ?? 'redis-cli';

const run = promisify(execFile);
const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 5_000;
const CLUSTER_OK_TIMEOUT_MS = 10_000;

/** One redis-server of the cluster. */
export interface RedisClusterNode {
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** False once killed. */
  readonly running: boolean;
}

/** A private Redis Cluster (3 masters, 3 replicas) owned by one test file. */
export interface RedisClusterProcess {
  readonly nodes: readonly RedisClusterNode[];
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,...`: every node as a startup node. */
  readonly url: string;
  /** `[{ host, port }]` of every node, for `new Cluster(startupNodes)`. */
  readonly startupNodes: { host: string; port: number }[];
  /** `CLUSTER NODES` of a running node, parsed: address, role (`master`/`slave`), master id, flags. */
  topology(): Promise<ClusterNodeInfo[]>;
  /** Ports of the masters serving slots right now. */
  masterPorts(): Promise<number[]>;
  /** The master serving the slot of `key`, and its running replica (none after its old master was killed). */
  ownersOf(key: string): Promise<{ master: number; replica?: number }>;
  /** SIGKILLs one node (an outage, not a shutdown) and waits for its exit. */
  kill(port: number): Promise<void>;
  /**
   * Makes the replica a master at once (`CLUSTER FAILOVER TAKEOVER`: no agreement needed from
   * the dead master) and waits until every running node agrees and the cluster state is ok.
   */
  promote(replicaPort: number): Promise<void>;
  /** Resolves once every running node reports `cluster_state:ok` and the same masters. */
  waitUntilOk(): Promise<void>;
  /** Sends one command with redis-cli to a node and returns its trimmed output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** Kills every node it started and deletes its temporary directory. */
  stop(): Promise<void>;
  /** The same, synchronously and without waiting for the exits: for a process `exit` handler. */
  stopNow(): void;
}

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'slave';
  masterId: string;
  failed: boolean;
  /** Slot ranges served (masters only), `[from, to]` inclusive. */
  slotRanges: [number, number][];
}

interface RunningNode {
  port: number;
  busPort: number;
  child?: ChildProcess;
}

function launch(node: RunningNode, dir: string, nodeTimeoutMs: number): Promise<ChildProcess> {
  const args = [
    '--port',
    String(node.port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-port',
    String(node.busPort),
    '--cluster-config-file',
    join(dir, `nodes-${node.port}.conf`),
    '--cluster-node-timeout',
    String(nodeTimeoutMs),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `redis-server (cluster) on port ${node.port} did not start within ${START_TIMEOUT_MS} ms:\n${output}`,
        ),
      );
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
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
      reject(new Error(`redis-server (cluster) on port ${node.port} exited with code ${code}:\n${output}`));
    });
  });
}

/** Two distinct free ports per node (client port and cluster bus port, both below 65536). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await closedPort());
  return [...ports];
}

function parseNodes(text: string): ClusterNodeInfo[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      const flagList = flags.split(',');
      return {
        id,
        port: Number(address.split('@')[0].split(':')[1]),
        role: flagList.includes('master') ? 'master' : 'slave',
        masterId,
        failed: flagList.includes('fail') || flagList.includes('fail?'),
        slotRanges: slots
          .filter((range) => /^\d/.test(range))
          .map((range) => {
            const [from, to = from] = range.split('-').map(Number);
            return [from, to] as [number, number];
          }),
      } as ClusterNodeInfo;
    });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a private Redis Cluster on free ports: 6 `redis-server --cluster-enabled yes`
 * processes without persistence, joined by `redis-cli --cluster create --cluster-replicas 1`
 * (3 masters with one replica each), and waits for `cluster_state:ok`. `cluster-node-timeout`
 * is low (1000 ms by default) so a killed master is noticed fast. Fails, never skips, when the
 * binaries are missing. Never touches any other Redis.
 */
export async function startRedisCluster(options: { nodeTimeoutMs?: number } = {}): Promise<RedisClusterProcess> {
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1_000;
  const dir = await mkdtemp(join(tmpdir(), 'performchat-cluster-'));
  const ports = await freePorts(12);
  const nodes: RunningNode[] = Array.from({ length: 6 }, (_, i) => ({ port: ports[i], busPort: ports[i + 6] }));

  const cli = async (port: number, ...args: string[]): Promise<string> => {
    const { stdout } = await run(REDIS_CLI_BIN, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
    return stdout.trim();
  };
  const runningPorts = () => nodes.filter((node) => node.child).map((node) => node.port);
  const topology = async () => parseNodes(await cli(runningPorts()[0], 'cluster', 'nodes'));

  const stop = async () => {
    await Promise.all(
      nodes.map(async (node) => {
        const child = node.child;
        node.child = undefined;
        if (!child || child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };

  const waitUntilOk = async () => {
    const deadline = Date.now() + CLUSTER_OK_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const views = await Promise.all(
          runningPorts().map(async (port) => {
            const info = await cli(port, 'cluster', 'info');
            const masters = parseNodes(await cli(port, 'cluster', 'nodes'))
              .filter((node) => node.role === 'master' && node.slotRanges.length > 0 && !node.failed)
              .map((node) => node.port)
              .sort()
              .join(',');
            return { ok: /cluster_state:ok/.test(info), masters };
          }),
        );
        last = JSON.stringify(views);
        if (
          views.every((view) => view.ok && view.masters === views[0].masters) &&
          views[0].masters.split(',').length === 3
        )
          return;
      } catch (error) {
        last = String(error);
      }
      await pause(50);
    }
    throw new Error(`the Redis Cluster is not ok after ${CLUSTER_OK_TIMEOUT_MS} ms: ${last}`);
  };

  try {
    await Promise.all(nodes.map(async (node) => (node.child = await launch(node, dir, nodeTimeoutMs))));
    await run(
      REDIS_CLI_BIN,
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { timeout: 20_000 },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(
        `redis-cli --cluster create failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
    });
    await waitUntilOk();
  } catch (error) {
    await stop();
    throw error;
  }

  const startupNodes = nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  return {
    get nodes() {
      return nodes.map((node) => ({
        port: node.port,
        address: `127.0.0.1:${node.port}`,
        running: node.child !== undefined,
      }));
    },
    url: `redis+cluster://${startupNodes.map((node) => `${node.host}:${node.port}`).join(',')}`,
    startupNodes,
    topology,
    masterPorts: async () =>
      (await topology())
        .filter((node) => node.role === 'master' && node.slotRanges.length > 0 && !node.failed)
        .map((node) => node.port),
    ownersOf: async (key: string) => {
      const slot = Number(await cli(runningPorts()[0], 'cluster', 'keyslot', key));
      const all = await topology();
      const master = all.find(
        (node) =>
          node.role === 'master' && !node.failed && node.slotRanges.some(([from, to]) => slot >= from && slot <= to),
      );
      if (!master) throw new Error(`no master serves slot ${slot}`);
      // A replica shows in a node's view only once it has attached to its master: on a loaded
      // machine that can come after cluster_state:ok, so wait for it (bounded) before saying none.
      for (let waited = 0; ; waited += 100) {
        const view = waited === 0 ? all : await topology();
        const replica = view.find((node) => node.masterId === master.id && !node.failed);
        if (replica || waited >= 15_000) return { master: master.port, replica: replica?.port };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill: async (port: number) => {
      const node = nodes.find((candidate) => candidate.port === port);
      const child = node?.child;
      if (!node || !child) return;
      node.child = undefined;
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
    promote: async (replicaPort: number) => {
      // Already promoted by the cluster itself (its node timeout passed): nothing to take over.
      if (/^role:master/m.test(await cli(replicaPort, 'info', 'replication'))) return waitUntilOk();
      const answer = await cli(replicaPort, 'cluster', 'failover', 'takeover');
      if (answer !== 'OK') throw new Error(`CLUSTER FAILOVER TAKEOVER on ${replicaPort} answered ${answer}`);
      await waitUntilOk();
    },
    waitUntilOk,
    cli,
    stop,
    stopNow: () => {
      for (const node of nodes) {
        node.child?.kill('SIGKILL');
        node.child = undefined;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
