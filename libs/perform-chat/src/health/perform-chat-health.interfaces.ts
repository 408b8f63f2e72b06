import type { PerformChatCircuitBreakerState } from '../http/perform-chat-resilience.interfaces';

/**
 * The `health` option of `PerformChatModule`, and the per-call overrides of
 * `PerformChatHealthIndicator.isHealthy(key, options)`.
 */
export interface PerformChatHealthOptions {
  /**
   * Time limit of one probe of the auth endpoint (DNS, connect, TLS and the answer), in
   * milliseconds (at most 60000); over it the check is down with `timeout of N ms exceeded`. Also the
   * default PING time limit of `PerformChatRedisHealthIndicator`.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * How long one probe result, up or down, is reused before PerformChat is asked again, in
   * milliseconds (at most 3600000). Many pods probing every few seconds then reach PerformChat at most once per
   * TTL per pod. `0` probes on every call (concurrent calls still share one request).
   * @default 5000
   */
  cacheTtlMs?: number;
  /**
   * An open circuit breaker makes the check down (`reason: 'circuit_open'`): every token call
   * fails fast then, so the pod cannot serve tokens. Only while the cooldown runs: once it is
   * over the check is up again, so the pod gets the call that is the breaker's trial. `false`:
   * the breaker shows only in the details. Env: `PERFORMCHAT_HEALTH_BREAKER_OPEN_IS_DOWN`.
   * @default true
   */
  breakerOpenIsDown?: boolean;
  /**
   * A `404` to the probe makes the check down (`reason: 'not_found'`): nothing at the probed
   * path, so `baseUrl` has a wrong path and every token call would fail. `false` for a server
   * that answers `HEAD` of its POST-only route with 404 (PerformChat's answer is undocumented;
   * the emulator answers 405). Env: `PERFORMCHAT_HEALTH_NOT_FOUND_IS_DOWN`.
   * @default true
   */
  notFoundIsDown?: boolean;
}

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
  | 'circuit_open';

/** Details of an up `performchat` result. */
export interface PerformChatHealthUpDetails {
  /** The probed URL: origin and path, never credentials or a query. */
  endpoint: string;
  /** PerformChat's HTTP status: any answer below 500 except 404 (HEAD of the POST-only auth path is usually 405). */
  statusCode: number;
  /** Time from sending the probe to the answer, in milliseconds. */
  latencyMs: number;
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
