/**
 * HTTP load with autocannon (keep-alive connections, no pipelining), from the bench process:
 * the server under test always runs in a child process of its own.
 */

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void,
  ): void;
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon: Autocannon = require('autocannon');

export interface LoadOptions {
  /** Origin, e.g. `http://127.0.0.1:4010`. */
  url: string;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /**
   * Rotate these values through this header, one prebuilt request per value: each connection
   * cycles through them (e.g. many `x-demo-user` users without per-request setup cost).
   */
  rotate?: { header: string; values: string[] };
  connections: number;
  seconds: number;
}

export interface LoadResult {
  /** Successful (2xx) requests per second. */
  rps: number;
  /** Successful (2xx) requests. */
  requests: number;
  /** Latency percentiles of the 2xx answers in ms, from autocannon's raw per-response timings (not its 1 ms histogram). */
  p50: number;
  p99: number;
  /** Every 2xx latency in ms, sorted (to pool rounds before taking percentiles). */
  latencies: Float64Array;
  failed: number;
  statusCodes: Record<string, number>;
}

/** The q-quantile (nearest rank) of sorted values. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Runs autocannon once; rejects if any request failed (non-2xx, error or timeout). */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base: AutocannonRequest = {
    method: options.method ?? 'GET',
    path: options.path,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
  };
  const requests = options.rotate
    ? options.rotate.values.map((value) => ({ ...base, headers: { ...base.headers, [options.rotate!.header]: value } }))
    : [base];
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        requests,
        connections: options.connections,
        pipelining: 1,
        duration: options.seconds,
      },
      (error, result) => {
        if (error) return reject(error);
        const failed = result.non2xx + result.errors + result.timeouts;
        const statusCodes = Object.fromEntries(
          Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count]),
        );
        if (failed > 0) {
          return reject(
            new Error(
              `${options.method ?? 'GET'} ${options.path}: ${failed} failed requests (statuses ${JSON.stringify(statusCodes)}, errors ${result.errors}, timeouts ${result.timeouts})`,
            ),
          );
        }
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          rps: (result.requests.total - failed) / (result.duration || options.seconds),
          requests: result.requests.total - failed,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          latencies: sorted,
          failed,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** A load result with the CPU time the server process spent per request (µs, user + system). */
export type LoadWithCpu = LoadResult & { cpuMicrosPerRequest: number };

/** Runs `load` and reads the server child's CPU time around it (the `cpu-usage` command of every role). */
export async function withServerCpu(
  server: { call<T>(command: string): Promise<T> },
  load: () => Promise<LoadResult>,
): Promise<LoadWithCpu> {
  const before = await server.call<NodeJS.CpuUsage>('cpu-usage');
  const result = await load();
  const after = await server.call<NodeJS.CpuUsage>('cpu-usage');
  const micros = after.user - before.user + (after.system - before.system);
  return { ...result, cpuMicrosPerRequest: micros / Math.max(1, result.requests) };
}
