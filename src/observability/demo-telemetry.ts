import { Logger } from '@nestjs/common';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { instrumentPerformChat, PerformChatInstrumentation } from 'nestjs-performchat/otel';

/** The demo's OpenTelemetry `service.name` (Prometheus: `target_info{service_name=...}`). */
export const DEMO_SERVICE_NAME = 'nestjs-performchat-demo';

/** The demo app's hold on the process's telemetry (set from bootstrap to shutdown). */
export interface DemoTelemetryHandle {
  traces: DemoTraces;
  telemetry?: DemoTelemetry;
}
export const DEMO_TELEMETRY = Symbol('DEMO_TELEMETRY');

/** `console`: one line per span of the module (development); `off`: none. */
export type DemoTraces = 'console' | 'off';

/**
 * Prints each finished span as one line (`[trace] performchat.token.issue 12.3 ms ok ...`):
 * enough to see the module's operations in development. Export to a collector in production
 * (README "Observability": an OTLP exporter on the tracer provider instead).
 */
class OneLineSpanExporter implements SpanExporter {
  constructor(private readonly logger: Logger) {}

  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    for (const span of spans) {
      const [seconds, nanos] = span.duration;
      const ms = (seconds * 1e3 + nanos / 1e6).toFixed(1);
      const attributes = Object.entries(span.attributes)
        .map(([name, value]) => `${name.replace(/^performchat\./, '')}=${String(value)}`)
        .join(' ');
      this.logger.log(`${span.name} ${ms} ms ${span.status.code === 2 ? 'error' : 'ok'} ${attributes}`);
    }
    done({ code: 0 }); // ExportResultCode.SUCCESS
  }

  async shutdown(): Promise<void> {}
}

/**
 * The demo's OpenTelemetry: a meter provider read by the Prometheus exporter (served at
 * `/metrics` by {@link DemoMetricsController}, not on a port of its own) and, with
 * `traces: 'console'`, a tracer provider printing the module's spans. The providers are local
 * (not registered globally) and handed to `instrumentPerformChat`.
 *
 * One per process, as the instrumentation is (the channels are the process's): every demo app
 * of the process shares it ({@link acquire}/{@link release}; tests build several apps at
 * once), the last one out shuts it down. `traces` is the first app's.
 */
export class DemoTelemetry {
  private static shared?: { telemetry: DemoTelemetry; users: number };

  private readonly prometheus = new PrometheusExporter({ preventServerStart: true });
  private readonly serializer = new PrometheusSerializer();
  private readonly resource = resourceFromAttributes({ 'service.name': DEMO_SERVICE_NAME });
  private readonly meterProvider = new MeterProvider({ resource: this.resource, readers: [this.prometheus] });
  private readonly tracerProvider?: BasicTracerProvider;
  private readonly instrumentation: PerformChatInstrumentation;

  private constructor(traces: DemoTraces) {
    if (traces === 'console') {
      this.tracerProvider = new BasicTracerProvider({
        resource: this.resource,
        spanProcessors: [new SimpleSpanProcessor(new OneLineSpanExporter(new Logger('Trace')))],
      });
    }
    this.instrumentation = instrumentPerformChat({
      meterProvider: this.meterProvider,
      ...(this.tracerProvider ? { tracerProvider: this.tracerProvider } : {}),
    });
  }

  /** The process's telemetry, started by the first app. */
  static acquire(traces: DemoTraces): DemoTelemetry {
    const shared = (DemoTelemetry.shared ??= { telemetry: new DemoTelemetry(traces), users: 0 });
    shared.users++;
    return shared.telemetry;
  }

  /** An app is done with it; the last one stops the instrumentation and the providers. */
  static async release(telemetry: DemoTelemetry): Promise<void> {
    const shared = DemoTelemetry.shared;
    if (!shared || shared.telemetry !== telemetry || --shared.users > 0) return;
    DemoTelemetry.shared = undefined;
    telemetry.instrumentation.disable();
    await Promise.all([telemetry.meterProvider.shutdown(), telemetry.tracerProvider?.shutdown()]);
  }

  /** Every metric of the moment in Prometheus' text format. */
  async metricsText(): Promise<string> {
    const { resourceMetrics } = await this.prometheus.collect();
    return this.serializer.serialize(resourceMetrics);
  }
}
