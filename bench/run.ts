/**
 * `npm run bench` — every comparison of issue 8, interleaved A, B, A, B, ... with medians,
 * spreads, ratios and verdicts; writes BENCHMARKS.md (full mode).
 *
 *   npm run bench                      full run (about 9 minutes), writes BENCHMARKS.md
 *   npm run bench -- --quick           about a minute: 3 short rounds, fewer users; prints only
 *   npm run bench -- --only=B3,B5      some rows (ids as in the table; prints only)
 *   npm run bench -- --rounds=7 --duration=8 --warmup=3
 *   npm run bench -- --cpu-prof=guard-app   run a child role under node --cpu-prof (bench/profiles/;
 *                                      summarize with bench/profile-top.ts)
 *   npm run bench -- --out=FILE        write the report to FILE (any mode)
 *   npm run bench -- --only=B1e,B2e --baseline=<git ref>   compare against another ref than
 *                                      cd24f13 (extracted into bench/.baseline/<ref>/, reused)
 *
 * Nothing has to be started by hand: the emulator, the reference servers and the apps under
 * test each run in a child process of their own (bench/child.ts + bench/roles/); HTTP load comes
 * from this process with autocannon (keep-alive). Redis for B3r: REDIS_URL or 127.0.0.1:6379;
 * B3c starts its own Redis Cluster (redis-server and redis-cli on the PATH).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, type BenchSettings } from './lib/context';
import { flag, settingsFromArgs } from './lib/settings';
import { loadAverage, machineInfo } from './lib/machine';
import { consoleTable, markdownTable, type RowResult } from './lib/report';
import type { BenchRow } from './lib/row';
import { demoRouteRow } from './rows/demo-route.row';
import { emulatorRow } from './rows/emulator.row';
import { clusterGuardRow, memoryGuardRow, redisGuardRow } from './rows/guards.row';
import { healthRow } from './rows/health.row';
import { rateLimitMemoryRow } from './rows/rate-limit-memory.row';
import { tokenClientRow } from './rows/token-client.row';
import { loginStormRow } from './rows/login-storm.row';
import { eventsRows } from './rows/events.row';

const ROWS: BenchRow[] = [
  tokenClientRow,
  demoRouteRow,
  memoryGuardRow,
  redisGuardRow(),
  clusterGuardRow(),
  rateLimitMemoryRow,
  emulatorRow,
  healthRow,
  loginStormRow,
  ...eventsRows,
];

/** What B1e, B2e, B1o and B2o measure (also pasted into BENCHMARKS.md by hand). */
export const EVENTS_DESCRIPTION = `- **B1e, B2e, B1o, B2o** (issue 16: diagnostics channels and the OpenTelemetry bridge): each
  side in a child process of its own (children of their own per row, so both sides start from
  the same state), the two sides measured **together**, at the same time on the same core (CPU 1;
  the emulator and the load generator on CPU 0), round after round: each side gets half of the
  core in the same seconds, so its throughput follows its CPU cost per call, and the machine's
  wandering speed (tens of percent from one minute to the next on this shared VM; sides measured
  in turn saw different machines) hits both alike. B1e and B1o are B1's A
  (\`generateToken\`, 32 in flight, in process), B2e and B2o B2's throughput (the demo's
  \`POST /api/chat/token\` over HTTP, 32 connections, 100 users). **B1e/B2e**: the current code
  with nobody subscribed to its channels against the library and demo app as they were before
  the channels (\`cd24f13\` = 47b6009 + the sliding-log fix c29873f, \`EVENTS_BASELINE_REF\`; \`--baseline=<ref>\` for another),
  materialised by \`bench/lib/baseline.ts\` into \`bench/.baseline/<ref>/\` (\`git archive | tar -x\`,
  \`node_modules\` a symlink to this repository's, reused by later runs) and run from there
  (\`<root>/bench/child.ts\`, cwd and tsconfig of that tree, so its own \`libs/\` and \`src/\` load;
  each child is checked to resolve \`nestjs-performchat\` inside its own tree). The harness is
  the same on both sides: this tree's \`bench/\` is copied over the baseline's on every run (at
  \`47b6009\` it differed only by the API-request budget its roles left at 1000/min). The demo app
  has no OpenTelemetry in either B2e side (its DemoObservabilityModule is not on main yet): the
  bridge is **not** loaded. **B1o/B2o**: the current code with the OpenTelemetry SDK and
  \`instrumentPerformChat({ tracerProvider, meterProvider })\` of \`nestjs-performchat/otel\`
  loaded in that child (role config \`otel: true\`, \`bench/lib/otel-sdk.ts\`) against the same
  without them: a \`BasicTracerProvider\` with a \`BatchSpanProcessor\` (defaults: 5 s, batches of
  512, queue 2048) on an exporter that drops spans; metrics in B1o through a
  \`PeriodicExportingMetricReader\` every 10 s on an exporter that drops them (a worker pushing
  OTLP), in B2o through the Prometheus exporter without its server, collected and serialised
  once per round half-way through it (what the demo's GET /metrics does). Dropping exporters
  leave out the export itself (serialisation for the wire, the network), which is the
  collector's cost; everything up to it is measured. A row whose bridge handed no span to the
  exporter is a MISS. Skipped ("nestjs-performchat/otel not built yet") while the bridge's module
  does not resolve. B1e's notes also give \`bench/events-cost.ts\`: ns per call of
  \`isTraced\` and the channel listener with nobody subscribed (1e6 calls each, in
  the bench process).
`;

/** What B7 measures (also pasted into BENCHMARKS.md by hand after a B7-only run). */
export const B7_DESCRIPTION = `- **B7** (login storm, issue 15): three children run the demo app of \`src/\` (Express), sharing
  one Redis (a key prefix of the run, deleted afterwards) for the rate limits, the upstream
  budget, the customer users and the token store; a fourth runs the emulator with its rate limits
  **on**, scaled 10x in time on both sides: 100 generations per 6 s (API requests 1000 per 6 s),
  \`tokensPerMinute: 100, tokenWindowSeconds: 6, apiRequestsPerMinute: 1000,
  apiRequestWindowSeconds: 6, maxWaitMs: 1000, tokensPerUser: 10, timeoutMs: 1000\`. The bench process plays a seeded workload (\`bench/lib/storm-workload.ts\`):
  420 users arriving over 24 s, 40% of them within 4 s (about 42 new users a second against a
  budget of 16.7 generations a second), each opening the chat a Zipf-distributed number of times
  (1–50, exponent 1.1, 0.4 s apart on average, 15% of the loads in 2–3 tabs at once), 10% of
  them revoking half-way; requests go to the instances in turn (no stickiness), a 503 is retried
  after its \`Retry-After\` (scaled) at most twice. Played twice, token reuse on then off, from
  an empty emulator. PerformChat's side (429s, generations per window, per user) comes from the
  emulator's request log; every token served to a user who never revoked, or after its
  revocation returned, goes through the emulator's verify; waits and arrival tickets come from
  the apps' telemetry (\`budget.waited\`).
`;

function report(
  rows: RowResult[],
  settings: BenchSettings,
  started: Date,
  seconds: number,
  loads: { start: string; end: string },
): string {
  const machine = machineInfo();
  const notes = rows.flatMap((row) => (row.notes ?? []).map((note) => `- ${row.id}: ${note}`));
  return `# Benchmarks

Generated by \`npm run bench\`${settings.quick ? ' -- --quick' : ''} on ${started.toISOString().slice(0, 10)} (${settings.quick ? 'QUICK' : 'FULL'} mode, ${Math.round(seconds)} s).

| machine | |
|---|---|
| CPU | ${machine.cpu} |
| cores | ${machine.cores} |
| memory | ${machine.memoryGb} GB |
| Node | ${machine.node} |
| OS | ${machine.os} |
| load average (1/5/15 min) | start ${loads.start}, end ${loads.end} |
| mode | ${settings.quick ? 'quick' : 'full'}: ${settings.rounds} interleaved rounds × ${settings.seconds} s per side (B5: ${settings.quick ? settings.seconds : settings.seconds * 2} s), one ${settings.warmupSeconds} s warm-up per side first |

## Results

A is ours, B the reference. Each comparison runs its sides in turn, A, B, A, B, ..., so
whatever else the machine does hits both alike. Medians with min–max over the rounds; the
ratio is median(A) / median(B), with the min–max of the per-round ratios A_i / B_i.

${markdownTable(rows)}
${notes.length ? `\n${notes.join('\n')}\n` : ''}
## What each row measures

Every process below is a child of the bench process; HTTP load comes from the bench process
with autocannon (keep-alive, no pipelining); the emulator runs alone in its process with its
rate limits off (the documented 100 generations/min would cap every row at 1.7 calls/s).

- **B1, B1b**: a client process runs 32 calls in flight for each measurement against the
  emulator. A: \`PerformChatAuthService.generateToken\` from \`PerformChatModule.forRoot\` in a
  Nest application context, with the per-user limit off (\`rateLimit: false\`; it is a route
  guard anyway) and the upstream budget raised to 1e9 tokens and 1e9 API requests/min (still counted on every call);
  retries, circuit breaker, response validation and the memory customer-user store as shipped.
  B: \`axios.post\` of the same JSON body over a keep-alive agent. B' (B1b): the PerformChat
  docs' Node example: \`fetch\` per call with a JSON body, \`ok\` check, \`response.json()\`, no
  agent configured (Node's fetch still pools connections in undici's global dispatcher).
- **B2**: the demo app of \`src/\` (AppModule, global prefix \`api\`, Express) with one extra
  route that exists only in \`bench/roles/demo-app.role.ts\`: \`POST /api/bench/raw-token\`, the
  global auth stand-in then raw axios (keep-alive) to the emulator. The demo runs with its
  per-user limit raised to 1e9 (PERFORMCHAT_RATE_LIMIT_POINTS) and its upstream budget raised
  to 1e9 tokens and 1e9 API requests/min (module options overridden in the bench only; there is no environment
  variable for it); both still count every request. 100 users rotate through \`x-demo-user\`,
  body \`{"expiresIn":"1h"}\`. Throughput at 32 connections; latency one request at a time (one
  connection, so no queueing), p99 of every round's per-response timings pooled per side.
- **B3, B3t, B3r, B3c**: one Express app with the demo auth guard global and the same trivial
  \`GET\` route three times: no limit, \`PerformChatRateLimitGuard\` (\`@PerformChatRateLimit\`
  1e9 points / 60 s), and @nestjs/throttler 6's \`ThrottlerGuard\` (1e9 / 60 s, \`getTracker\`
  = the user id). 200 users rotate, 32 connections. B3r: the same guard with the Redis store
  (a key prefix of the run, deleted afterwards). B3c: the same guard on a Redis Cluster of the
  run (3 masters + 3 replicas on this machine, \`redis+cluster://\` URL; the users' counters
  spread over the masters by their hash tags), stopped after the row.
- **B4**: \`bench/rate-limit-memory.bench.ts\` in a child with \`--expose-gc\`: one request per
  distinct user through the real store (\`PerformChatRateLimitStore\` → \`PerformChatLimiter\`),
  heap after GC with every window open, then again once the last window has ended.
- **B5**: autocannon, 50 connections, \`POST /rest/v1/auth/token\` to the emulator vs a node:http
  server that only drains the body and signs an HS256 JWT (also: \`bench/emulator.bench.ts\`).
- **B6**: in process, 32 checks in flight: \`PerformChatHealthIndicator.isHealthy()\` (default
  \`health\` option: 5 s cache, so one HEAD per 5 s) vs terminus \`HttpHealthIndicator.pingCheck\`
  of the same URL with the same rule (HEAD, any status below 500 is up, 1 s timeout): one HTTP
  request per check.
${B7_DESCRIPTION}${EVENTS_DESCRIPTION}
## Changes made to meet the targets

Measured when they were made (same machine); each commit message has the profile behind it.

- **B4** (rate-limit memory store): rate-limiter-flexible's \`RateLimiterMemory\` keeps one
  unref'd \`setTimeout\` per key and window (~300 bytes) and stores each key with its prefix.
  The limiter gives \`RateLimiterMemory\`'s answers on a storage of ours without per-key timers (one
  sweep timer per limit; expired windows are never answered and are freed from the front of
  the insertion-ordered Map) and keyed without the redundant prefix:
  **466 → 138 bytes per tracked user**, 360k → 620k inserts/s, heap back to baseline after expiry.
  Since issue 14 it is a limiter of ours on rate-limiter-flexible's exported
  \`RateLimiterCompatibleAbstract\` instead of \`RateLimiterMemory\` with its private storage field
  replaced: still 139 bytes per tracked user.
- **B1** (and B2): \`PerformChatHttpClient\` called axios through \`HttpService\`'s Observable
  wrapper, which creates a CancelToken per call and cancels it afterwards, building a
  CanceledError with a stack trace each time (~60 µs CPU per call); it now calls the same
  axios instance (\`HttpService.axiosRef\`). The request config is built once per client, and
  the attempt's time limit is a small \`GenericAbortSignal\` with one timer instead of an
  \`AbortController\` (Node 20 builds an AbortSignal in ~2.5 µs). B1: **0.73 → 0.95** of raw
  axios (client CPU per call 367 → ~260 µs, raw axios ~255 µs); B2: **0.77 → 0.87**.

## Rerun

\`\`\`bash
npm ci
npm run bench              # full run, rewrites BENCHMARKS.md (needs Redis for B3r: REDIS_URL or 127.0.0.1:6379; redis-server + redis-cli for B3c)
npm run bench -- --quick   # about a minute, prints the table only
npm run bench -- --only=B2 --cpu-prof=demo-app   # one row, its app under node --cpu-prof (bench/profiles/)
npx ts-node --transpile-only bench/profile-top.ts bench/profiles/<file>.cpuprofile   # top self-time frames
\`\`\`

Check \`uptime\` first: the run is meant for an otherwise quiet machine; interleaving evens out
the noise between A and B, not its effect on absolute numbers.
`;
}

async function main(): Promise<void> {
  const settings = settingsFromArgs();
  const only = flag('only')
    ?.split(',')
    .map((id) => id.trim().toUpperCase());
  const rows = only ? ROWS.filter((row) => row.ids.some((id) => only.includes(id.toUpperCase()))) : ROWS;
  if (rows.length === 0) throw new Error(`--only matched no row (ids: ${ROWS.flatMap((row) => row.ids).join(', ')})`);

  const started = new Date();
  const loadAtStart = loadAverage();
  const context = new BenchContext(settings);
  console.log(
    `bench: ${settings.quick ? 'quick' : 'full'} mode, ${settings.rounds} rounds × ${settings.seconds} s, warm-up ${settings.warmupSeconds} s; ` +
      `load average ${loadAtStart}; rows ${rows.flatMap((row) => row.ids).join(', ')}`,
  );
  const results: RowResult[] = [];
  try {
    console.log('starting the children...');
    await Promise.all(rows.map((row) => row.prepare?.(context)));
    console.log(`children ready after ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
    for (const row of rows) {
      const rowStarted = Date.now();
      console.log(`\n${row.ids.join(', ')}: ${row.title}`);
      results.push(...(await row.run(context)));
      console.log(`  (${((Date.now() - rowStarted) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await context.stopAll();
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  const loads = { start: loadAtStart, end: loadAverage() };
  console.log(
    `\n${consoleTable(results)}\n\n${Math.round(seconds)} s; load average at start ${loads.start}, at end ${loads.end}`,
  );

  const out = flag('out') ?? (settings.quick || only ? undefined : join(__dirname, '..', 'BENCHMARKS.md'));
  if (out) {
    writeFileSync(out, report(results, settings, started, seconds, loads));
    console.log(`wrote ${out}`);
  }
  if (results.some((row) => !row.pass)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
