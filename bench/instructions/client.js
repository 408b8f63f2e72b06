/**
 * One process of `bench/instructions/count.sh`: the built library (`libs/perform-chat/dist`,
 * `npm run build:lib` first; plain JavaScript, so that valgrind does not count ts-node compiling)
 * generating tokens against an emulator already listening at <url>, 32 in flight, as B1's A does.
 *
 *   node bench/instructions/client.js <url> <mode> <warm-up tokens> <measured tokens>
 *
 * Modes: `none` (no OpenTelemetry loaded); `noop` (no-op subscribers on every channel the bridge
 * listens to: what the core's tracing costs); `sdk` (the SDK's providers created, no bridge);
 * `otel` (the SDK and `instrumentPerformChat`, as B1o). With `otel`, NO_TRACE=1 or NO_METRICS=1
 * hand the bridge the API's no-op provider instead of the SDK's. With `sdk`, REQUIRE=<a,b,...>
 * only requires those packages (no provider created): which of them costs what once loaded.
 * LIBROOT=<tree> runs another checkout's build (built there).
 */
const path = require('node:path');
const root = process.env.LIBROOT || path.resolve(__dirname, '../..');
require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const lib = require(path.join(root, 'libs/perform-chat/dist'));
const emulator = require(path.join(root, 'libs/perform-chat/dist/emulator'));

const [url, mode, warm, measured] = process.argv.slice(2);
const CONCURRENCY = 32;

/** The SDK as bench/lib/otel-sdk.ts loads it in push mode, exporters dropping what they get. */
function loadOtel() {
  if (mode === 'sdk' && process.env.REQUIRE) {
    for (const name of process.env.REQUIRE.split(',')) require(name);
    return async () => 0;
  }
  const api = require('@opentelemetry/api');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
  const done = (callback) => callback({ code: 0 });
  let spans = 0;
  const spanExporter = {
    export: (batch, callback) => {
      spans += batch.length;
      done(callback);
    },
    shutdown: async () => undefined,
  };
  const metricExporter = {
    export: (_metrics, callback) => done(callback),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 10_000 })],
  });
  const instrumentation =
    mode === 'otel'
      ? require(path.join(root, 'libs/perform-chat/dist/otel')).instrumentPerformChat({
          tracerProvider: process.env.NO_TRACE ? api.trace.getTracerProvider() : tracerProvider,
          meterProvider: process.env.NO_METRICS ? api.metrics.getMeterProvider() : meterProvider,
        })
      : { disable: () => undefined };
  return async () => {
    instrumentation.disable();
    await tracerProvider.forceFlush();
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    return spans;
  };
}

function subscribeNoops() {
  const channels = require('node:diagnostics_channel');
  const nothing = () => undefined;
  const handlers = { start: nothing, end: nothing, asyncStart: nothing, asyncEnd: nothing, error: nothing };
  for (const name of Object.values(lib.PerformChatTracingChannels)) channels.tracingChannel(name).subscribe(handlers);
  for (const type of lib.PERFORM_CHAT_EVENT_TYPES) channels.subscribe(lib.performChatChannelName(type), nothing);
}

async function main() {
  const closeOtel = mode === 'otel' || mode === 'sdk' ? loadOtel() : undefined;
  if (mode === 'noop') subscribeNoops();
  class InstructionsModule {}
  Module({
    imports: [
      lib.PerformChatModule.forRoot({
        keyId: emulator.EMULATOR_DEMO_KEY.keyId,
        keySecret: emulator.EMULATOR_DEMO_KEY.keySecret,
        baseUrl: url,
        defaultAgentId: emulator.EMULATOR_DEMO_AGENT_ID,
        defaultExpiresIn: '1h',
        rateLimit: false,
        upstreamBudget: { tokensPerMinute: 1e9, apiRequestsPerMinute: 1e9 },
        controller: false,
        timeoutMs: 30_000,
      }),
    ],
  })(InstructionsModule);
  const app = await NestFactory.createApplicationContext(InstructionsModule, { logger: false });
  const service = app.get(lib.PerformChatAuthService);
  let issued = 0;
  const run = async (count) => {
    let left = count;
    const worker = async () => {
      while (left-- > 0) await service.generateToken({ userId: `user-${issued++ % 100}` });
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
  await run(Number(warm));
  await run(Number(measured));
  await app.close();
  const spans = closeOtel ? await closeOtel() : 0;
  console.error(`done ${mode}: ${issued} tokens, ${spans} spans exported`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
