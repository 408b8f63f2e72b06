import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import axios from 'axios';
import * as http from 'node:http';
import { PerformChatAuthService, PerformChatModule } from 'nestjs-performchat';
import {
  BENCH_AGENT_ID,
  BENCH_EXPIRES_IN,
  BENCH_KEY_ID,
  BENCH_KEY_SECRET,
  TOKEN_PATH,
  benchUsers,
  tokenRequestBody,
} from '../lib/bench.constants';
import { runLoop } from '../lib/loop';
import type { Role } from '../lib/role';

export type TokenClientSide = 'service' | 'axios' | 'fetch';

export interface TokenClientRunArgs {
  side: TokenClientSide;
  seconds: number;
  concurrency: number;
}

/**
 * B1/B1b: token generations per second from one process against the emulator (in another).
 * - `service`: `PerformChatAuthService.generateToken` in a Nest application context
 *   (PerformChatModule.forRoot, per-user limit off, upstream budget (tokens and API requests) raised out of reach, the
 *   rest at defaults: retries, circuit breaker, memory customer-user store, keep-alive agent);
 * - `axios`: a raw axios POST of the same body over a keep-alive agent;
 * - `fetch`: the PerformChat docs' Node example: a `fetch` per call with a JSON body, `ok`
 *   check, `response.json()`, no agent configured.
 *
 * With `otel: true` (B1o) the OpenTelemetry SDK and the `nestjs-performchat/otel` bridge are
 * loaded first (bench/lib/otel-sdk.ts, metrics pushed every 10 s to an exporter that drops them);
 * without it nothing of OpenTelemetry is loaded.
 */
export const tokenClientRole: Role<{ emulatorUrl: string; otel?: boolean }> = async ({ emulatorUrl, otel }) => {
  const telemetry = otel ? await (await import('../lib/otel-sdk')).loadOtel('push') : undefined;

  @Module({
    imports: [
      PerformChatModule.forRoot({
        keyId: BENCH_KEY_ID,
        keySecret: BENCH_KEY_SECRET,
        baseUrl: emulatorUrl,
        defaultAgentId: BENCH_AGENT_ID,
        defaultExpiresIn: BENCH_EXPIRES_IN,
        rateLimit: false,
        upstreamBudget: { tokensPerMinute: 1_000_000_000, apiRequestsPerMinute: 1_000_000_000 },
        controller: false,
      }),
    ],
  })
  class TokenClientModule {}

  const app = await NestFactory.createApplicationContext(TokenClientModule, { logger: false });
  const service = app.get(PerformChatAuthService);
  const users = benchUsers(100);
  const url = `${emulatorUrl}${TOKEN_PATH}`;
  // Keep-alive as the library's own agent (with a timeout, so Node honours the server's Keep-Alive hint).
  const agent = new http.Agent({ keepAlive: true, timeout: 30_000 });

  const operations: Record<TokenClientSide, (i: number) => Promise<unknown>> = {
    service: (i) => service.generateToken({ userId: users[i % users.length] }),
    axios: async (i) => {
      const response = await axios.post<{ token: string }>(url, tokenRequestBody(users[i % users.length]), {
        httpAgent: agent,
      });
      return response.data.token;
    },
    fetch: async (i) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(tokenRequestBody(users[i % users.length])),
      });
      if (!response.ok) throw new Error(`HTTP error! status: ${response.status}`);
      const data = (await response.json()) as { token: string; user: { id: string; externalId: string } };
      return { token: data.token, userId: data.user.id, externalId: data.user.externalId };
    },
  };

  return {
    commands: {
      run: ({ side, seconds, concurrency }: TokenClientRunArgs) => runLoop(operations[side], seconds, concurrency),
      /** Spans the bridge handed to the exporter so far (0 without `otel`). */
      'otel-spans': async () => telemetry?.exportedSpans() ?? 0,
    },
    close: async () => {
      agent.destroy();
      await app.close();
      await telemetry?.close();
    },
  };
};
