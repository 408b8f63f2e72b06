import type { PerformChatCircuitBreakerState } from '../client/perform-chat-resilience.interfaces';
import { Messages } from '../perform-chat.messages';
import { PerformChatHealthOptions } from '../options/health.options';
import { PerformChatProbeOutcome } from './perform-chat-health.probe';
import { PerformChatAgentCheck, type PerformChatAgentReport } from '../rest/perform-chat-agent-check';

/** The readiness rules of one call (the probe result itself may be shared and cached). */
export type PerformChatReadinessRules = Required<
  Pick<PerformChatHealthOptions, 'breakerOpenIsDown' | 'notFoundIsDown'>
>;

/**
 * Can this pod serve tokens now? The probe says whether PerformChat answers; two more facts
 * say whether the token calls can work:
 * - a 404 to the probe means nothing is at the probed path: `baseUrl` has a wrong path, and
 *   every token call would get a 404 too (`notFoundIsDown`);
 * - an open circuit breaker fails every token call fast (`breakerOpenIsDown`), but only while
 *   its cooldown runs: once the cooldown is over the next call is the trial that can close it,
 *   and an unready pod would never get that call (cockatiel half-opens on a call, not on time).
 * A probe that is already down keeps its own reason: it is the cause.
 */
export function judgeReadiness(
  outcome: PerformChatProbeOutcome,
  breaker: PerformChatCircuitBreakerState | undefined,
  rules: PerformChatReadinessRules,
): PerformChatProbeOutcome {
  if (!outcome.up) return outcome;
  const { endpoint, statusCode, latencyMs } = outcome.details;
  if (statusCode === 404 && rules.notFoundIsDown) {
    const message = Messages.healthNotFound(new URL(endpoint).pathname);
    return { up: false, details: { endpoint, reason: 'not_found', message, statusCode, latencyMs } };
  }
  const retryAfterMs = breaker?.state === 'open' ? (breaker.retryAfterMs ?? 0) : 0;
  if (retryAfterMs > 0 && rules.breakerOpenIsDown) {
    const message = Messages.healthCircuitOpen(breaker?.failureThreshold ?? 0, retryAfterMs);
    return { up: false, details: { endpoint, reason: 'circuit_open', message, statusCode, latencyMs } };
  }
  return outcome;
}

/**
 * With `verifyAgents` in readiness: the agents' statuses join the details, and an agent that does
 * not exist or is inactive makes an up result down (`agent_unavailable`): every token for it would
 * be refused. An agent that could not be checked (`unchecked`) decides nothing: the probe and the
 * breaker already say whether PerformChat answers.
 */
export function judgeAgents(
  outcome: PerformChatProbeOutcome,
  agents: PerformChatAgentReport | undefined,
): PerformChatProbeOutcome {
  if (agents === undefined) return outcome;
  const unusable = PerformChatAgentCheck.unusable(agents);
  if (!outcome.up || unusable.length === 0)
    return { ...outcome, details: { ...outcome.details, agents } } as PerformChatProbeOutcome;
  const { endpoint, statusCode, latencyMs } = outcome.details;
  return {
    up: false,
    details: {
      endpoint,
      reason: 'agent_unavailable',
      message: Messages.healthAgentsUnavailable(unusable),
      statusCode,
      latencyMs,
      agents,
    },
  };
}
