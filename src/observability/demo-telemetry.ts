import { Logger } from '@nestjs/common';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { instrumentPerformChat, PerformChatInstrumentation } from 'nestjs-performchat/otel';

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
 * `traces: 'console'`, a tracer provider printing the module's spans. Providers are local (not
 * registered globally), handed to `instrumentPerformChat`, so tests can build many apps.
 */
export class DemoTelemetry {
  private readonly prometheus = new PrometheusExporter({ preventServerStart: true });
  private readonly serializer = new PrometheusSerializer();
  private readonly meterProvider = new MeterProvider({ readers: [this.prometheus] });
  private readonly tracerProvider?: BasicTracerProvider;
  private readonly instrumentation: PerformChatInstrumentation;

  constructor(traces: DemoTraces) {
    if (traces === 'console') {
      this.tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(new OneLineSpanExporter(new Logger('Trace')))],
      });
    }
    this.instrumentation = instrumentPerformChat({
      meterProvider: this.meterProvider,
      ...(this.tracerProvider ? { tracerProvider: this.tracerProvider } : {}),
    });
  }

  /** Every metric of the moment in Prometheus' text format. */
  async metricsText(): Promise<string> {
    const { resourceMetrics } = await this.prometheus.collect();
    return this.serializer.serialize(resourceMetrics);
  }

  async shutdown(): Promise<void> {
    this.instrumentation.disable();
    await Promise.all([this.meterProvider.shutdown(), this.tracerProvider?.shutdown()]);
  }
}
