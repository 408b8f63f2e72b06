import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { PerformChatModule, performChatConfig } from 'nestjs-performchat';
import { DemoAuthGuard } from './auth/demo-auth.guard';
import { assertDemoEnv } from './config/demo-env.validation';
import { ClientErrorFilter } from './errors/client-error.filter';
import { HealthModule } from './health/health.module';
import { DemoObservabilityModule } from './observability/demo-observability.module';
import type { DemoTraces } from './observability/demo-telemetry';
import { DemoWebModule } from './web/demo-web.module';

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
}

@Module({})
export class AppModule {
  /**
   * @param overrides configuration values that win over the environment (the in-process
   * emulator's URL and demo key, or a test's settings).
   * @param observability `/metrics` and the module's instrumentation (default on); `traces`:
   * `console` for one log line per span.
   */
  static forRoot(
    overrides: Record<string, string | undefined> = {},
    { traces = 'off', observability = true }: { traces?: DemoTraces; observability?: boolean } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          // Overrides are validated with the environment but kept out of process.env (ConfigModule
          // copies what `validate` returns there); `load` makes them win in ConfigService.get.
          validate: (env) => {
            assertDemoEnv({ ...env, ...overrides });
            return env;
          },
          load: [() => definedOnly(overrides)],
        }),
        PerformChatModule.forRootAsync({
          // Global, so feature modules (HealthModule) can inject the PerformChat services and indicators.
          isGlobal: true,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const options = performChatConfig(config);
            // The demo hands a user's live token out again (README "Scaling past the vendor's
            // limit"); PERFORMCHAT_TOKEN_REUSE=false gives every page load a fresh token.
            return { ...options, tokenReuse: options.tokenReuse ?? {} };
          },
        }),
        HealthModule,
        // GET /metrics (Prometheus, through nestjs-performchat/otel) and, with traces: 'console', a line per span.
        ...(observability ? [DemoObservabilityModule.forRoot(traces)] : []),
        // The demo page at / and its cookie login (DemoAuthGuard reads the session store).
        DemoWebModule,
      ],
      providers: [
        // Your app's authentication runs first (global guard); PerformChat's guards come after it.
        { provide: APP_GUARD, useClass: DemoAuthGuard },
        // A refused body (413 over the size limit, ...) is one log line, not a 16-line stack trace.
        { provide: APP_FILTER, useClass: ClientErrorFilter },
      ],
    };
  }
}
