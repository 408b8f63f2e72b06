import { Controller, Get, Header, Inject } from '@nestjs/common';
import { DEMO_TELEMETRY, DemoTelemetryHandle } from './demo-telemetry';

/** Prometheus' text exposition format, version 0.0.4. */
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * `GET /metrics`: the module's metrics (nestjs-performchat/otel) for Prometheus. Open here, as
 * a demo; in production serve it on an internal port or behind your auth.
 */
@Controller('metrics')
export class DemoMetricsController {
  constructor(@Inject(DEMO_TELEMETRY) private readonly handle: DemoTelemetryHandle) {}

  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async metrics(): Promise<string> {
    return (await this.handle.telemetry?.metricsText()) ?? '';
  }
}
