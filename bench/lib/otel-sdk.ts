/**
 * The OpenTelemetry SDK and the `nestjs-performchat/otel` bridge as a bench child loads them
 * (B1o, B2o): spans through a `BatchSpanProcessor` (its defaults: 5 s delay, batches of 512, a
 * queue of 2048) on an exporter that drops them, and metrics through either
 * - `push`: a `PeriodicExportingMetricReader` every 10 s on an exporter that drops them (a worker
 *   pushing OTLP), or
 * - `prometheus`: the Prometheus exporter without its server (the demo's GET /metrics), collected
 *   and serialised by `scrape()`, which the row calls once per measured round.
 * The exporters drop what they get: the export itself (serialisation, the network) is the
 * collector's cost, not the bridge's; everything before it (spans, attributes, instruments,
 * aggregation, the batch queue, collection) is measured.
 */
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTEL_BRIDGE_MODULE, type OtelBridgeModule } from './otel-bridge';

export type OtelMetricsMode = 'push' | 'prometheus';

/** What was loaded: `scrape` collects the metrics once (Prometheus mode; a no-op in push mode). */
export interface LoadedOtel {
  metrics: OtelMetricsMode;
  /** Collects and serialises the metrics as GET /metrics would; resolves with the text's length. */
  scrape(): Promise<number>;
  /** Spans handed to the exporter so far (to check the bridge did trace something). */
  exportedSpans(): number;
  close(): Promise<void>;
}

/** ExportResultCode.SUCCESS of @opentelemetry/core (not a dependency of ours). */
const EXPORT_SUCCESS = { code: 0 };
/** The interval of the push reader (OpenTelemetry's default is 60 s; 10 s makes it count in a full run). */
export const OTEL_METRIC_INTERVAL_MS = 10_000;

/** Starts the SDK and the bridge in this process (the bridge imported on demand: it may not be built). */
export async function loadOtel(metrics: OtelMetricsMode): Promise<LoadedOtel> {
  let spans = 0;
  const spanExporter: SpanExporter = {
    export(batch: ReadableSpan[], done) {
      spans += batch.length;
      done(EXPORT_SUCCESS);
    },
    shutdown: async () => undefined,
  };
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter)] });

  const metricExporter: PushMetricExporter = {
    export(_metrics: ResourceMetrics, done) {
      done(EXPORT_SUCCESS);
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const prometheus = metrics === 'prometheus' ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  const serializer = new PrometheusSerializer();
  const meterProvider = new MeterProvider({
    readers: [
      prometheus ??
        new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: OTEL_METRIC_INTERVAL_MS }),
    ],
  });

  const bridge = (await import(OTEL_BRIDGE_MODULE)) as OtelBridgeModule;
  const instrumentation = bridge.instrumentPerformChat({ tracerProvider, meterProvider });
  return {
    metrics,
    async scrape() {
      if (!prometheus) return 0;
      const { resourceMetrics } = await prometheus.collect();
      return serializer.serialize(resourceMetrics).length;
    },
    exportedSpans: () => spans,
    async close() {
      instrumentation.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
