/**
 * What the diagnostics channels of issue 16 cost one `generateToken` with nobody subscribed,
 * measured directly: a tight in-process loop over the very functions the path calls, no
 * fakes (the real channels, created by the library's module, none subscribed). Per generated
 * token the path runs `isTraced('tokenIssue')` once, and per HTTP attempt
 * `isTraced('upstreamAttempt')` (and reads the call's absent `trace`), and the telemetry seam
 * calls the channel listener once for `call.succeeded`. The ns figures have the empty loop's own cost subtracted.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/events-cost.ts [iterations]
 *
 * The bench's B1e row runs it too (in the bench process) and puts the figures in its notes.
 */
import { isTraced, performChatChannelListener } from '../libs/perform-chat/src/telemetry/perform-chat-channels';
import type { PerformChatTelemetryEvent } from '../libs/perform-chat/src/telemetry/perform-chat-telemetry.events';

export interface EventsCost {
  iterations: number;
  /** ns per call, the empty loop's cost subtracted (best of the repeats). */
  isTracedTokenIssue: number;
  isTracedUpstreamAttempt: number;
  /** The channel listener given one `call.succeeded` event (no subscriber: nothing built or published). */
  listener: number;
  /** One generated token with one attempt: the three above together. */
  perToken: number;
  /** The empty loop itself, ns per iteration. */
  loop: number;
}

const REPEATS = 5;

/** ns per iteration of `body`, the best of REPEATS runs of `iterations` each (after one warm-up run). */
function timeLoop(iterations: number, body: (i: number) => number): number {
  let sink = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let repeat = 0; repeat <= REPEATS; repeat++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += body(i);
    const ns = Number(process.hrtime.bigint() - started) / iterations;
    if (repeat > 0) best = Math.min(best, ns);
  }
  // Keeps the sums alive (a loop whose result is unused could be dropped by the compiler).
  if (sink === -1) console.log(sink);
  return best;
}

export function measureEventsCost(iterations = 1_000_000): EventsCost {
  for (const name of ['tokenIssue', 'upstreamAttempt'] as const) {
    if (isTraced(name)) throw new Error(`events-cost: someone subscribes to ${name} in this process`);
  }
  const listener = performChatChannelListener('default');
  const event: PerformChatTelemetryEvent = {
    type: 'call.succeeded',
    operation: 'generateToken',
    attempts: 1,
    latencyMs: 3,
  };
  const loop = timeLoop(iterations, (i) => i & 1);
  const net = (body: (i: number) => number) => Math.max(0, timeLoop(iterations, body) - loop);
  const isTracedTokenIssue = net((i) => (isTraced('tokenIssue') ? 2 : i & 1));
  const isTracedUpstreamAttempt = net((i) => (isTraced('upstreamAttempt') ? 2 : i & 1));
  const listenerNs = net((i) => {
    listener(event);
    return i & 1;
  });
  const perToken = net((i) => {
    const traced = isTraced('tokenIssue');
    const attemptTraced = isTraced('upstreamAttempt');
    listener(event);
    return traced || attemptTraced ? 2 : i & 1;
  });
  return {
    iterations,
    isTracedTokenIssue,
    isTracedUpstreamAttempt,
    listener: listenerNs,
    perToken,
    loop,
  };
}

/** One line for the report: `ns per call ...`. */
export function describeEventsCost(cost: EventsCost): string {
  const ns = (value: number) => `${value.toFixed(1)} ns`;
  return (
    `nobody subscribed, in process, ${cost.iterations.toLocaleString('en-US')} calls each (best of ${REPEATS}, ` +
    `empty loop ${ns(cost.loop)} subtracted): isTraced('tokenIssue') ${ns(cost.isTracedTokenIssue)}, ` +
    `isTraced('upstreamAttempt') ${ns(cost.isTracedUpstreamAttempt)}, ` +
    `channel listener (call.succeeded) ${ns(cost.listener)}; one generated token's path (the three) ${ns(cost.perToken)}`
  );
}

if (require.main === module) {
  const iterations = Number(process.argv[2] ?? 1_000_000);
  console.log(describeEventsCost(measureEventsCost(iterations)));
}
