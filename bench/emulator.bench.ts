/**
 * Emulator throughput benchmark (issue 3): token generations per second on loopback with
 * keep-alive, against a minimal node:http server that only signs an HS256 JWT (the limit).
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/emulator.bench.ts [--quick] [--rounds=N] [--duration=S]
 *
 * Each server runs in its own child process; autocannon drives load from this process.
 * Runs are interleaved A,B,A,B,... so drift of the machine hits both sides alike.
 * Targets: emulator median >= 15,000 req/s and >= 0.6 of the reference median.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number };
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon: Autocannon = require('autocannon');

const TARGET_RPS = 15_000;
const TARGET_RATIO = 0.6;
const quick = process.argv.includes('--quick');
const flag = (name: string): number | undefined => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return raw === undefined ? undefined : Math.max(1, Math.floor(Number(raw)) || 1);
};
const DURATION_S = flag('duration') ?? (quick ? 3 : 10);
const WARMUP_S = quick ? 1 : 3;
const ROUNDS = Math.max(3, flag('rounds') ?? 3);
const CONNECTIONS = 50;
const SECRET = 'bench-signing-secret';

const child = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);

/** Child: the emulator, with limits too high to trigger. */
async function runEmulatorChild(): Promise<void> {
  const { startPerformChatEmulator } = await import('nestjs-performchat/emulator');
  const emulator = await startPerformChatEmulator({
    signingSecret: SECRET,
    rateLimits: {
      tokenGenerations: { points: 1e12 },
      apiRequests: { points: 1e12 },
      failedAuth: { points: 1e12 },
    },
  });
  process.send?.({ port: emulator.port });
}

/** Child: the reference limit, a node:http server that drains the body and signs an HS256 JWT. */
function runReferenceChild(): void {
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const iat = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(JSON.stringify({ sub: 'user_bench', iat, exp: iat + 3600 })).toString('base64url');
      const input = header + '.' + payload;
      const body = JSON.stringify({ token: input + '.' + createHmac('sha256', SECRET).update(input).digest('base64url') });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
}

function startChild(kind: 'emulator' | 'reference'): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, [`--child=${kind}`], {
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    proc.once('message', (message: { port: number }) => resolve({ proc, port: message.port }));
    proc.once('exit', (code) => reject(new Error(`${kind} child exited early with code ${code}`)));
  });
}

function load(port: number, seconds: number): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/rest/v1/auth/token`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          keyId: 'pk_demo_performchat',
          keySecret: 'sk_demo_performchat_emulator_secret',
          userId: 'user_bench',
          agentId: 'agent_support',
          expiresIn: '1h',
        }),
        connections: CONNECTIONS,
        pipelining: 1,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  console.log(`emulator benchmark: ${ROUNDS} rounds x ${DURATION_S}s per side, ${CONNECTIONS} connections, keep-alive${quick ? ' (quick)' : ''}`);
  const emulator = await startChild('emulator');
  const reference = await startChild('reference');
  const sides = [
    { name: 'emulator', port: emulator.port, rps: [] as number[] },
    { name: 'reference (sign only)', port: reference.port, rps: [] as number[] },
  ];
  try {
    for (const side of sides) await load(side.port, WARMUP_S);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const side of sides) {
        const result = await load(side.port, DURATION_S);
        const bad = result.non2xx + result.errors + result.timeouts;
        if (bad > 0) throw new Error(`${side.name}: ${bad} failed requests (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
        side.rps.push(result.requests.average);
        console.log(`  round ${round} ${side.name.padEnd(22)} ${fmt(result.requests.average).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms`);
      }
    }
  } finally {
    emulator.proc.kill();
    reference.proc.kill();
  }
  const emulatorMedian = median(sides[0].rps);
  const referenceMedian = median(sides[1].rps);
  const ratio = emulatorMedian / referenceMedian;
  const rpsOk = emulatorMedian >= TARGET_RPS;
  const ratioOk = ratio >= TARGET_RATIO;
  console.log(`\nmedian emulator:  ${fmt(emulatorMedian)} req/s  (target >= ${fmt(TARGET_RPS)}: ${rpsOk ? 'PASS' : 'FAIL'})`);
  console.log(`median reference: ${fmt(referenceMedian)} req/s`);
  console.log(`ratio:            ${ratio.toFixed(2)}  (target >= ${TARGET_RATIO}: ${ratioOk ? 'PASS' : 'FAIL'})`);
  if (!rpsOk || !ratioOk) process.exitCode = 1;
}

if (child === 'emulator') void runEmulatorChild();
else if (child === 'reference') runReferenceChild();
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
