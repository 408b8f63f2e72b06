import type { PerformChatCircuitBreakerState } from '../client/perform-chat-resilience.interfaces';
import type { PerformChatAgentReport } from '../rest/perform-chat-agent-check';

/** Options of `PerformChatRedisHealthIndicator.isHealthy(key, options)`. */
export interface PerformChatRedisHealthCheckOptions {
  /** Time limit of the PING of each Redis client, in milliseconds. @default the module's `health.timeoutMs` (1000) */
  timeoutMs?: number;
}

/** Why the auth endpoint counts as unreachable (the `reason` of a down result). */
export type PerformChatHealthDownReason =
  | 'timeout'
  | 'connection_refused'
  | 'dns_failure'
  | 'tls_failure'
  | 'connection_dropped'
  | 'server_error'
  | 'network_error'
  /** A 404 to the probe: the path of `baseUrl` is probably wrong (`health.notFoundIsDown`). */
  | 'not_found'
  /** The probe is fine but the circuit breaker is open: token calls fail fast (`health.breakerOpenIsDown`). */
  | 'circuit_open'
  /** The probe is fine but a configured agent does not exist or is inactive (`verifyAgents`). */
  | 'agent_unavailable';

/** Details of an up `performchat` result. */
export interface PerformChatHealthUpDetails {
  /** The probed URL: origin and path, never credentials or a query. */
  endpoint: string;
  /** PerformChat's HTTP status: any answer below 500 except 404 (HEAD of the POST-only auth path is usually 405). */
  statusCode: number;
  /** Time from sending the probe to the answer, in milliseconds. */
  latencyMs: number;
  /** With `verifyAgents` in readiness: each configured agent's status (`active`, `inactive`, `not_found`, `unchecked`). */
  agents?: PerformChatAgentReport;
}

/** Details of a down `performchat` result. */
export interface PerformChatHealthDownDetails {
  endpoint: string;
  reason: PerformChatHealthDownReason;
  /** One secret-free sentence, e.g. `timeout of 1000 ms exceeded`. */
  message: string;
  /** Time until the failure was known, in milliseconds. */
  latencyMs: number;
  /** Present when PerformChat answered (5xx, 404, or any status with `circuit_open`). */
  statusCode?: number;
  /** With `verifyAgents` in readiness: each configured agent's status. */
  agents?: PerformChatAgentReport;
}

/**
 * Live, uncached details merged into every `performchat` result, read on each call (no
 * network). The hook for the circuit breaker state: the HTTP client implements this and is
 * registered under `PERFORM_CHAT_HEALTH_DETAILS` (see perform-chat-health.constants.ts).
 * Must never return a `status` key (terminus reserves it) or anything secret.
 */
export interface PerformChatHealthDetailsProvider {
  /** `circuitBreaker`, when present, also decides `health.breakerOpenIsDown`. */
  healthDetails(): { circuitBreaker?: PerformChatCircuitBreakerState } & Record<string, unknown>;
}
