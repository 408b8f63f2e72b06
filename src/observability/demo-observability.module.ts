import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DemoMetricsController } from './demo-metrics.controller';
import { DEMO_TELEMETRY, DemoTelemetry, DemoTelemetryHandle, DemoTraces } from './demo-telemetry';

/**
 * The demo's observability: `/metrics` (Prometheus) and, with `traces: 'console'`, one log line
 * per span. The instrumentation starts when the first demo app of the process has booted (before
 * its first request) and stops when the last one shuts down.
 */
@Module({})
export class DemoObservabilityModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(DEMO_TELEMETRY) private readonly handle: DemoTelemetryHandle) {}

  static forRoot(traces: DemoTraces): DynamicModule {
    return {
      module: DemoObservabilityModule,
      controllers: [DemoMetricsController],
      providers: [{ provide: DEMO_TELEMETRY, useValue: { traces } satisfies DemoTelemetryHandle }],
    };
  }

  /** Once the app has booted (an app whose boot failed never instruments). */
  onApplicationBootstrap(): void {
    this.handle.telemetry ??= DemoTelemetry.acquire(this.handle.traces);
  }

  async onApplicationShutdown(): Promise<void> {
    const { telemetry } = this.handle;
    this.handle.telemetry = undefined;
    if (telemetry) await DemoTelemetry.release(telemetry);
  }
}
