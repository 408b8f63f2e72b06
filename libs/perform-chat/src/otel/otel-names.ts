/**
 * Every span, metric and attribute name the bridge emits (README "OpenTelemetry"). Names
 * from OpenTelemetry's semantic conventions are marked `semconv`; the others are ours, under
 * the `performchat.` namespace.
 */

/** Tracer and meter name (their version is the package's). */
export const PERFORM_CHAT_INSTRUMENTATION_NAME = 'nestjs-performchat';

/** The spans: one INTERNAL span per logical operation. */
export const PerformChatSpanNames = {
  tokenIssue: 'performchat.token.issue',
  tokensInvalidate: 'performchat.tokens.invalidate',
} as const;

/** The metrics (instrument names). */
export const PerformChatMetricNames = {
  /** Histogram, `s`: one token request or invalidation, from start to end. */
  operationDuration: 'performchat.operation.duration',
  /** Counter, `{operation}`: operations by outcome (`ok` or the error code). */
  operationOutcomes: 'performchat.operation.outcomes',
  /** Histogram, `s`: one HTTP attempt at PerformChat (the upstream latency; its count: the attempts). */
  upstreamAttemptDuration: 'performchat.upstream.attempt.duration',
  /** Counter, `{refusal}`: requests refused by a per-user (or per-IP) limit. */
  rateLimitRefusals: 'performchat.rate_limit.refusals',
  /** Counter, `{refusal}`: attempts the module's own upstream budget refused. */
  budgetRefusals: 'performchat.budget.refusals',
  /** Histogram, `s`: how long a token generation waited for a slot of the token budget. */
  budgetWaitDuration: 'performchat.budget.wait.duration',
  /** Observable gauge, `{request}`: what is left of an upstream budget now. */
  budgetRemaining: 'performchat.budget.remaining',
  /** Observable gauge, `{request}`: an upstream budget's size per window. */
  budgetLimit: 'performchat.budget.limit',
  /** Observable gauge, `1`: 0 closed, 1 half-open, 2 open (a disabled breaker reports nothing). */
  breakerState: 'performchat.breaker.state',
  /** Counter, `{transition}`: the breaker opened or closed. */
  breakerTransitions: 'performchat.breaker.transitions',
  /** Counter, `{probe}`: health probes of the auth endpoint, up or down. */
  healthProbes: 'performchat.health.probes',
  /** Counter, `{token}`: tokens issued before a revocation, found and not served. */
  tokensStale: 'performchat.tokens.stale',
  /** Counter, `{transition}`: the token store went down or came back. */
  tokenStoreTransitions: 'performchat.token_store.transitions',
  /** Counter, `{rotation}`: key rotations after a 401, by outcome. */
  keyRotations: 'performchat.key.rotations',
  /** Counter, `{failure}`: failures of the credentials provider, by trigger. */
  credentialsRefreshFailures: 'performchat.credentials.refresh_failures',
} as const;

/** The attributes. */
export const PerformChatAttributes = {
  instance: 'performchat.instance',
  operation: 'performchat.operation',
  outcome: 'performchat.outcome',
  agentId: 'performchat.agent.id',
  tokenSource: 'performchat.token.source',
  tokenExpiresIn: 'performchat.token.expires_in',
  tokenVersion: 'performchat.token.version',
  attempts: 'performchat.attempts',
  customerUserId: 'performchat.customer_user.id',
  upstreamOperation: 'performchat.upstream.operation',
  limiter: 'performchat.rate_limit.limiter',
  budget: 'performchat.budget',
  breakerState: 'performchat.breaker.state',
  healthReason: 'performchat.health.reason',
  tokenStoreState: 'performchat.token_store.state',
  credentialsTrigger: 'performchat.credentials.trigger',
  /** semconv */
  errorType: 'error.type',
  /** semconv */
  serverAddress: 'server.address',
  /** semconv */
  serverPort: 'server.port',
  /** semconv */
  httpResponseStatusCode: 'http.response.status_code',
  /** semconv (only with `recordUserId`) */
  userId: 'user.id',
} as const;

/** Bucket boundaries (s) of the duration histograms: 1 ms to 30 s. */
export const DURATION_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;
