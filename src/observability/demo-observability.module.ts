import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DemoMetricsController } from './demo-metrics.controller';
import { DemoTelemetry, DemoTraces } from './demo-telemetry';

/**
 * The demo's observability: `/metrics` (Prometheus) and, with `traces: 'console'`, one log line
 * per span. The instrumentation starts when the first demo app of the process is built (before
 * its first request) and stops when the last one shuts down.
 */
@Module({})
export class DemoObservabilityModule implements OnApplicationShutdown {
  constructor(@Inject(DemoTelemetry) private readonly telemetry: DemoTelemetry) {}

  static forRoot(traces: DemoTraces): DynamicModule {
    return {
      module: DemoObservabilityModule,
      controllers: [DemoMetricsController],
      providers: [{ provide: DemoTelemetry, useFactory: () => DemoTelemetry.acquire(traces) }],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await DemoTelemetry.release(this.telemetry);
  }
}
