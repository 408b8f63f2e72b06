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
