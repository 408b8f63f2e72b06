import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { PERFORM_CHAT_HEALTH_SLICE, PerformChatHealthSlice } from '../options/perform-chat-options.slices';
import { LIBRARY_USER_AGENT, TOKEN_PATH } from '../perform-chat.constants';
import { AttemptDeadline } from '../client/attempt-deadline';
import { Messages } from '../perform-chat.messages';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import { describeProbeFailure } from './perform-chat-health.failure';
import { PerformChatHealthDownDetails, PerformChatHealthUpDetails } from './perform-chat-health.interfaces';

/** What one probe found. */
export type PerformChatProbeOutcome =
  { up: true; details: PerformChatHealthUpDetails } | { up: false; details: PerformChatHealthDownDetails };

/** The auth endpoint as probed and reported: origin and path of `baseUrl` + the token path, no credentials. */
export function probeEndpoint(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${TOKEN_PATH}`;
}

/**
 * Sends one unauthenticated `HEAD` to the auth endpoint through the module's own axios
 * instance (so proxy settings match the token calls) with a request config of its own: no
 * body, no credentials, no keep-alive (a fresh connection per probe also re-checks DNS, TCP
 * and TLS, and leaves no idle socket behind). HEAD because its answer has no body to read;
 * with no body there are no credentials to fail, so a probe is no authentication attempt and
 * spends neither the failed-authentication lockout nor the token-generation budget.
 */
@Injectable()
export class PerformChatHealthProbe implements OnModuleDestroy {
  /** The probed URL (origin + path). */
  readonly endpoint: string;
  private readonly host: string;
  private readonly httpAgent = new http.Agent({ keepAlive: false });
  private readonly httpsAgent = new https.Agent({ keepAlive: false });

  constructor(
    private readonly httpService: HttpService,
    @Inject(PERFORM_CHAT_HEALTH_SLICE) options: PerformChatHealthSlice,
    private readonly telemetry: PerformChatTelemetry,
  ) {
    this.endpoint = probeEndpoint(options.baseUrl);
    this.host = new URL(options.baseUrl).host;
  }

  /**
   * Probes once. Any answer below 500 within `timeoutMs` is up (PerformChat answers; whether a
   * 404 makes the pod unready is the indicator's call, per call); everything else is down with
   * a reason. Never throws for a network failure.
   */
  async probe(timeoutMs: number): Promise<PerformChatProbeOutcome> {
    const outcome = await this.probeOnce(timeoutMs);
    const { details } = outcome;
    this.telemetry.report({
      type: 'health.probed',
      up: outcome.up,
      reason: outcome.up ? undefined : outcome.details.reason,
      statusCode: details.statusCode,
      latencyMs: details.latencyMs,
    });
    return outcome;
  }

  private async probeOnce(timeoutMs: number): Promise<PerformChatProbeOutcome> {
    const endpoint = this.endpoint;
    // The same time limit as a token call's attempt (one mechanism for both).
    const deadline = new AttemptDeadline(timeoutMs);
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    try {
      const response = await firstValueFrom(
        this.httpService.head(endpoint, {
          headers: { 'User-Agent': LIBRARY_USER_AGENT, Accept: '*/*' },
          httpAgent: this.httpAgent,
          httpsAgent: this.httpsAgent,
          signal: deadline,
          maxRedirects: 0,
          maxContentLength: 1024,
          responseType: 'text',
          transformResponse: (data: string) => data,
          validateStatus: () => true,
        }),
      );
      const statusCode = response.status;
      const latencyMs = elapsed();
      if (statusCode < 500) return { up: true, details: { endpoint, statusCode, latencyMs } };
      return {
        up: false,
        details: {
          endpoint,
          reason: 'server_error',
          message: Messages.healthServerError(statusCode),
          statusCode,
          latencyMs,
        },
      };
    } catch (error) {
      const latencyMs = elapsed();
      if (deadline.aborted) {
        return {
          up: false,
          details: { endpoint, reason: 'timeout', message: Messages.healthTimeout(timeoutMs), latencyMs },
        };
      }
      return { up: false, details: { endpoint, ...describeProbeFailure(error, this.host), latencyMs } };
    } finally {
      deadline.clear();
    }
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
