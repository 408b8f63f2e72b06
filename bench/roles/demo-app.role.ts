import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import axios from 'axios';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performChatConfig } from 'nestjs-performchat';
import { PERFORM_CHAT_MODULE_OPTIONS } from '../../libs/perform-chat/src/perform-chat.module-definition';
import { AppModule } from '../../src/app.module';
import { BENCH_AGENT_ID, BENCH_KEY_ID, BENCH_KEY_SECRET, TOKEN_PATH, tokenRequestBody } from '../lib/bench.constants';
import type { Role } from '../lib/role';

/** Path of the reference route (B2 side B), under the app's global prefix `api`. */
export const RAW_TOKEN_ROUTE = '/api/bench/raw-token';

/**
 * The demo app of src/ as `createDemoApp()` builds it (AppModule, global prefix `api`, the
 * health routes outside it, Express), listening on loopback, plus one reference route that
 * exists only here: B2's side B.
 *
 * Two differences from `npm start`, both for the benchmark only:
 * - the per-user limit is raised out of reach (PERFORMCHAT_RATE_LIMIT_POINTS) so it never
 *   refuses; the guard still counts every request;
 * - the upstream budget (100 tokens/min and 1000 API requests/min, no environment variable) is
 *   raised out of reach by overriding the module options provider with
 *   `performChatConfig(config)` plus `upstreamBudget: { tokensPerMinute: 1e9,
 *   apiRequestsPerMinute: 1e9 }`; it still counts every call.
 *
 * With `otel: true` (B2o) the OpenTelemetry SDK and the `nestjs-performchat/otel` bridge are
 * loaded first (bench/lib/otel-sdk.ts: the Prometheus exporter without its server, collected by
 * the `scrape` command as GET /metrics would); without it nothing of OpenTelemetry is loaded.
 */
export const demoAppRole: Role<{ emulatorUrl: string; otel?: boolean }> = async ({ emulatorUrl, otel }) => {
  const telemetry = otel ? await (await import('../lib/otel-sdk')).loadOtel('prometheus') : undefined;

  /** The bare reference route: the auth stand-in (global guard of AppModule) then raw axios to PerformChat. */
  @Controller('bench')
  class RawTokenController {
    // Keep-alive as the library's own agent (with a timeout, so Node honours the server's Keep-Alive hint).
    private readonly agent = new http.Agent({ keepAlive: true, timeout: 30_000 });

    @Post('raw-token')
    @HttpCode(200)
    async token(@Req() request: { user?: { id: string } }): Promise<{ token: string }> {
      try {
        const response = await axios.post<{ token: string }>(
          `${emulatorUrl}${TOKEN_PATH}`,
          tokenRequestBody(request.user?.id ?? 'anonymous'),
          { httpAgent: this.agent },
        );
        return { token: response.data.token };
      } catch (error) {
        const { code, message } = error as { code?: string; message?: string };
        console.error(`raw-token reference route failed: ${code ?? ''} ${message ?? String(error)}`);
        throw error;
      }
    }
  }

  const config = {
    PERFORMCHAT_BASE_URL: emulatorUrl,
    PERFORMCHAT_KEY_ID: BENCH_KEY_ID,
    PERFORMCHAT_KEY_SECRET: BENCH_KEY_SECRET,
    PERFORMCHAT_DEFAULT_AGENT_ID: BENCH_AGENT_ID,
    PERFORMCHAT_RATE_LIMIT_POINTS: '1000000000',
  };
  const moduleRef = await Test.createTestingModule({
    // The demo's own /metrics module off: the bridge is loaded only with `otel` (B2o), by
    // bench/lib/otel-sdk.ts, and one instrumentation per process is all there may be. (The
    // baseline's AppModule.forRoot takes the overrides only and ignores the second argument.)
    imports: [AppModule.forRoot(config, { observability: false })],
    controllers: [RawTokenController],
  })
    .overrideProvider(PERFORM_CHAT_MODULE_OPTIONS)
    .useFactory({
      factory: (configService: ConfigService) => ({
        ...performChatConfig(configService),
        upstreamBudget: { tokensPerMinute: 1_000_000_000, apiRequestsPerMinute: 1_000_000_000 },
      }),
      inject: [ConfigService],
    })
    .compile();
  const app = moduleRef.createNestApplication({ logger: false, abortOnError: false });
  // As createDemoApp() does.
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready'] });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    port,
    commands: {
      /** Collects and serialises the metrics once (the length of the text; 0 without `otel`). */
      scrape: async () => (await telemetry?.scrape()) ?? 0,
      /** Spans the bridge handed to the exporter so far (0 without `otel`). */
      'otel-spans': async () => telemetry?.exportedSpans() ?? 0,
    },
    close: async () => {
      await app.close();
      await telemetry?.close();
    },
  };
};
