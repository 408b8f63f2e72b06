import { Inject, Injectable, Optional } from '@nestjs/common';
// Types only: @nestjs/terminus is an optional peer dependency (see perform-chat-terminus.provider.ts).
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { PERFORM_CHAT_HEALTH_SLICE, PerformChatHealthSlice } from '../options/perform-chat-options.slices';
import { PerformChatHealthCache } from './perform-chat-health.cache';
import {
  PERFORM_CHAT_HEALTH_DETAILS,
  PERFORM_CHAT_HEALTH_KEY,
  PERFORM_CHAT_TERMINUS,
  instanceHealthKey,
} from './perform-chat-health.constants';
import { PerformChatHealthOptions } from '../options/health.options';
import { PerformChatHealthDetailsProvider } from './perform-chat-health.interfaces';
import { resolveHealthCheckOptions } from '../options/health.validation';
import { PerformChatHealthProbe, PerformChatProbeOutcome } from './perform-chat-health.probe';
import { judgeAgents, judgeReadiness } from './perform-chat-health.readiness';
import { PerformChatAgentCheck } from '../rest/perform-chat-agent-check';
import { PerformChatTerminus } from './perform-chat-terminus.provider';

/**
 * Terminus health indicator: can this pod get tokens from PerformChat now?
 *
 * Up means an unauthenticated `HEAD` of `{baseUrl}/rest/v1/auth/token` gets an HTTP answer
 * below 500 other than 404 within `timeoutMs`, and the circuit breaker is not open (see
 * {@link judgeReadiness}; both rules can be turned off); with `verifyAgents` in readiness, also
 * that every configured agent exists and is active ({@link judgeAgents}: one call per agent per
 * `health.cacheTtlMs`, the only part of the check that spends API budget). The probe never sends the key id or
 * secret (a failed authentication counts against PerformChat's 10-per-5-minutes lockout) and
 * never generates a token (that would spend the 100-per-minute budget). Probe results, up and
 * down, are cached for `cacheTtlMs`, and concurrent calls share one request; the breaker's
 * state is read on every call.
 *
 * ```ts
 * @Get('ready') @HealthCheck()
 * ready() {
 *   return this.health.check([() => this.performChat.isHealthy('performchat')]);
 * }
 * ```
 */
@Injectable()
export class PerformChatHealthIndicator {
  private readonly cache = new PerformChatHealthCache<PerformChatProbeOutcome>();

  constructor(
    @Inject(PERFORM_CHAT_TERMINUS) private readonly terminus: PerformChatTerminus,
    private readonly probe: PerformChatHealthProbe,
    @Inject(PERFORM_CHAT_HEALTH_SLICE) private readonly options: PerformChatHealthSlice,
    @Optional() @Inject(PERFORM_CHAT_HEALTH_DETAILS) private readonly live?: PerformChatHealthDetailsProvider,
    @Optional() private readonly agentCheck?: PerformChatAgentCheck,
  ) {}

  /**
   * Up with `{ endpoint, statusCode, latencyMs, circuitBreaker }`, or down with `{ endpoint,
   * reason, message, latencyMs, statusCode?, circuitBreaker }`. Never throws for an unreachable
   * PerformChat.
   * @param key the key of this check in terminus's output. @default 'performchat' (`performchat:<name>` for a named instance)
   * @param options per-call overrides of the module's `health` option
   * @throws Error when @nestjs/terminus is not installed, or an option is not a valid number
   */
  async isHealthy<const Key extends string = string>(
    key: Key = instanceHealthKey(PERFORM_CHAT_HEALTH_KEY, this.options.name) as Key,
    options: PerformChatHealthOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.terminus.healthIndicatorService.check(key);
    const { timeoutMs, cacheTtlMs, ...rules } = resolveHealthCheckOptions(options, this.options.health);
    // The agents (verifyAgents) are checked beside the probe, each cached on its own.
    const [probed, agents] = await Promise.all([
      this.cache.get(cacheTtlMs, () => this.probe.probe(timeoutMs)),
      this.agentCheck?.inReadiness ? this.agentCheck.report() : undefined,
    ]);
    const live = this.live?.healthDetails();
    const outcome = judgeAgents(judgeReadiness(probed, live?.circuitBreaker, rules), agents);
    return outcome.up ? session.up({ ...outcome.details, ...live }) : session.down({ ...outcome.details, ...live });
  }
}
