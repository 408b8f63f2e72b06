import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import type { DemoTraces } from './observability/demo-telemetry';
import { serveDemoOpenApi } from './openapi/demo-openapi';
import { DEMO_PAGE_ROUTES } from './web/demo-page.controller';

export type DemoPlatform = 'express' | 'fastify';

export interface DemoAppOptions {
  /** Configuration values that win over the environment. */
  config?: Record<string, string | undefined>;
  platform?: DemoPlatform;
  /** `console`: one log line per span of the module (`npm start` does, unless `DEMO_TRACES=off`). @default 'off' */
  traces?: DemoTraces;
  /**
   * `GET /metrics` and the module's OpenTelemetry instrumentation (nestjs-performchat/otel);
   * `false` leaves the bridge unloaded (the benchmark's "without" side). @default true
   */
  observability?: boolean;
  /** Nest logger setting (`false` silences the app). */
  logger?: false | ('log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal')[];
}

/**
 * Builds the demo application exactly as `npm start` runs it (global prefix `api`, its OpenAPI
 * document, shutdown hooks), without listening. Tests use it too, over Express and Fastify.
 */
export async function createDemoApp(options: DemoAppOptions = {}): Promise<INestApplication> {
  const module = AppModule.forRoot(options.config, {
    traces: options.traces ?? 'off',
    observability: options.observability ?? true,
  });
  const settings = { logger: options.logger, abortOnError: false };
  let app: INestApplication;
  if (options.platform === 'fastify') {
    // Loaded only when asked for: the demo runs on Express.
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(module, new FastifyAdapter(), settings);
  } else {
    app = await NestFactory.create(module, settings);
  }
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics', ...DEMO_PAGE_ROUTES] });
  // The OpenAPI document of the app, token routes included: GET /api/docs/openapi.json (UI at /api/docs on Express).
  serveDemoOpenApi(app, options.platform ?? 'express');
  app.enableShutdownHooks();
  return app;
}
