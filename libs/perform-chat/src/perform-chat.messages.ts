/**
 * Every user-facing string of the library in one place (STYLE point 6).
 * None of these ever interpolates a key secret or a token.
 */
export const EXPIRES_IN_FORMAT =
  'a positive whole number followed by s, m, h or d (e.g. "30s", "15m", "1h", "24h", "7d")';

/** Shows a caller-supplied value in a message without flooding it: JSON, at most 40 characters. */
export function showValue(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (value === undefined) return 'undefined';
  else if (typeof value === 'object' && value !== null) shown = Array.isArray(value) ? 'an array' : 'an object';
  else shown = String(value);
  return shown.length > 40 ? `${shown.slice(0, 37)}...` : shown;
}

export const Messages = {
  invalidExpiresIn: (field: string, value: unknown) => `${field} must be ${EXPIRES_IN_FORMAT}; got ${showValue(value)}`,
  expiresInTooLong: (field: string, value: string, max: string) =>
    `${field} ${JSON.stringify(value)} is longer than the allowed maximum of "${max}" (maxExpiresIn)`,
  expiresInAboveCeiling: (field: string, value: string, ceiling: string) =>
    `${field} ${JSON.stringify(value)} is longer than ${ceiling}, the longest lifetime this library accepts`,
  identifierNotString: (field: string, value: unknown) =>
    `${field} must be a non-empty string; got ${showValue(value)}`,
  identifierEmpty: (field: string) => `${field} must not be empty or only whitespace`,
  identifierTooLong: (field: string, max: number) => `${field} must be at most ${max} characters long`,
  identifierControlChars: (field: string) => `${field} must not contain control characters`,
  noAgent: () =>
    'No agentId was given and no defaultAgentId is configured: pass agentId or set the defaultAgentId option',
  agentNotAllowed: (agentId: string) => `Agent ${showValue(agentId)} is not in the allowedAgentIds option`,
  storeSaveFailed: (userId: string, reason: string) =>
    `Could not save the customer user of user ${JSON.stringify(userId)} (${reason}); the token was issued and is valid, but revoking it will not be possible until a later token is saved`,
  hookFailed: (hook: string, reason: string) => `The ${hook} hook failed (${reason}); the request went on`,
  resolverThrew: (reason: string) =>
    `resolveUserId threw (${reason}); the request counts as having no user (401). Return undefined for "no user" instead of throwing (logged once)`,
  noUser: () =>
    'No logged-in user on this request: an authentication guard must run before the PerformChat token route and set req.user (with id or sub), or set the resolveUserId option to read the user id from the request',
  notJson: () =>
    'POST to the token routes needs the header content-type: application/json and a JSON object body ({} when there is nothing to send); forms, text and other media types are refused so that a cross-site form cannot issue or revoke tokens. Or use GET with query parameters',
  invalidOptions: (problems: string[]) => `Invalid PerformChatModule options: ${problems.join('; ')}`,

  // Upstream answers.
  invalidCredentials: (keyId: string, status: number, upstream?: string) =>
    `PerformChat rejected API key "${keyId}" (HTTP ${status}${upstream ? `: ${upstream}` : ''}); check keyId and keySecret, the key's expiry and its permissions`,
  agentNotFound: (agentId: string, upstream?: string, source?: string) =>
    `PerformChat has no active agent "${agentId}" for this key's company${upstream ? ` (${upstream})` : ''}${
      source === 'defaultAgentId' ? '; check the defaultAgentId option' : ''
    }`,
  customerUserNotFound: (customerUserId: string, upstream?: string) =>
    `PerformChat has no customer user "${customerUserId}" in this key's company${upstream ? ` (${upstream})` : ''}`,
  upstreamBadRequest: (status: number, upstream?: string) =>
    `PerformChat refused the request with HTTP ${status}${upstream ? `: ${upstream}` : ''}`,
  rateLimited: (retryAfterMs?: number) =>
    `PerformChat rate limit reached (HTTP 429)${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`,
  upstreamError: (status: number, upstream?: string) =>
    `PerformChat failed with HTTP ${status}${upstream ? `: ${upstream}` : ''}`,
  redirect: (status: number) =>
    `PerformChat answered with a redirect (HTTP ${status}); redirects are never followed because they would resend the key secret: check baseUrl`,
  timeout: (ms: number) => `PerformChat did not answer within ${ms} ms (timeout of ${ms} ms exceeded)`,
  unreachable: (origin: string, reason: string) => `PerformChat at ${origin} is unreachable: ${reason}`,
  invalidResponse: (reason: string) => `PerformChat sent an invalid response: ${reason}`,

  // Transport failures, for the token calls and the health probe alike (client/transport-error.ts).
  transportRefused: () => 'connection refused',
  transportDnsFailure: (host: string, code: string) => `DNS lookup of ${host} failed (${code})`,
  transportTlsFailure: (code: string) => `TLS handshake failed (${code})`,
  transportDropped: () => 'the connection was closed without a complete response',
  transportNetworkError: (code: string) => `network error (${code})`,
  transportTooLarge: () => 'the response body is larger than maxResponseBytes',
  /** An error of an unknown kind thrown by the HTTP transport, scrubbed of the key secret. */
  transportUnexpected: (name: string, message: string) => `${name} thrown by the HTTP transport: ${message}`,
  circuitOpened: (failures: number, cooldownMs: number) =>
    `PerformChat failed ${failures} calls in a row: circuit breaker open, calls fail fast for ${cooldownMs} ms, then one trial call decides`,
  circuitClosed: () => 'PerformChat answers again: circuit breaker closed',
  circuitOpen: (retryAfterMs: number) =>
    `PerformChat is failing repeatedly, so calls fail fast for now (circuit breaker open); next trial call in ${Math.ceil(retryAfterMs / 1000)} s`,

  // Health indicators (never a credential: the probe sends none).
  healthTimeout: (ms: number) => `timeout of ${ms} ms exceeded`,
  healthServerError: (status: number) => `PerformChat answered HTTP ${status}`,
  healthUnexpected: (name: string) => `unexpected ${name} while probing`,
  redisPingFailed: (status: string, reason: string) => `PING failed (connection ${status}): ${reason}`,
  terminusMissing: (reason: string) =>
    `The PerformChat health indicators need @nestjs/terminus (an optional peer dependency): npm install @nestjs/terminus (loading it failed: ${reason})`,

  // Rate limits (rate-limit/) and the upstream budget (client/upstream-budget.ts).
  userRateLimited: (retryAfterSeconds: number) =>
    `Too many requests: you have reached the limit of this route; try again in ${retryAfterSeconds} s`,
  invalidRouteRateLimit: (problems: string[]) => `Invalid @PerformChatRateLimit options: ${problems.join('; ')}`,
  rateLimitRedisDown: (where: string) =>
    `Redis at ${where} does not answer: rate limits and the upstream budget now count in memory on each instance (not shared) until it answers again`,
  rateLimitRedisBack: (where: string) =>
    `Redis at ${where} answers again: rate limits are shared across instances again`,
  rateLimitRoundedUp: (name: string, duration: number, blockDuration: number) =>
    `Rate limit ${name}: the Redis store counts in whole seconds, so it uses duration ${duration} s and blockDuration ${blockDuration} s`,
  upstreamTokenBudgetSpent: (points: number, windowSeconds: number, retryAfterMs: number) =>
    `Refused locally without calling PerformChat: the upstream budget of ${points} token generations per ${windowSeconds} s (upstreamBudget.tokensPerMinute) is spent; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
  upstreamAuthBudgetSpent: (points: number, windowSeconds: number, retryAfterMs: number) =>
    `Refused locally without calling PerformChat: PerformChat rejected the API key ${points} times within ${windowSeconds} s (upstreamBudget.authFailuresPer5Minutes), so calls pause for ${Math.ceil(retryAfterMs / 1000)} s to keep the key from PerformChat's lockout after 10 failed authentications per 5 minutes; check keyId and keySecret`,

  // Token route input (issue 13, input): shape checks before class-validator.
  tokenInputNotObject: () => 'The token request must be a JSON object such as {"agentId":"...","expiresIn":"15m"}',
  tokenInputTooDeep: (maxDepth: number) =>
    `The token request nests objects or arrays more than ${maxDepth} levels deep; send a flat JSON object such as {"agentId":"...","expiresIn":"15m"}`,
  tokenInputTooLarge: (maxValues: number) =>
    `The token request holds more than ${maxValues} values (fields and array items); send a flat JSON object such as {"agentId":"...","expiresIn":"15m"}`,
  tokenInputUnknownField: (key: string) => `property ${key} should not exist`,
  headNotAllowed: () =>
    'HEAD is not served on the token route (it would issue a token and spend the limit): use GET or POST',

  // Customer-user store failures (customer-users/, auth/; issue 13 item 5).
  storeRedisNotConnected: (where: string, status: string) => `Redis at ${where} is not connected (${status})`,
  storeRedisFailed: (where: string, what: string) => `Redis at ${where} ${what}`,
  storeReadFailed: (userId: string, reason: string) =>
    `Could not read the customer users of user ${JSON.stringify(userId)} from the store: ${reason}; nothing was revoked, retry when the store answers`,
  storeReadFailedForUsers: (failed: number, total: number, reason: string) =>
    `Could not read the customer users of ${failed} of ${total} users from the store: ${reason}; they were not revoked (see each result's error), retry when the store answers`,
  storeIterateFailed: (reason: string) =>
    `Could not list the customer users in the store: ${reason}; nothing was revoked, retry when the store answers`,

  // Readiness rules of the PerformChat health indicator (health/; issue 13).
  healthNotFound: (path: string) =>
    `PerformChat answered HTTP 404 for ${path}: the path of baseUrl is probably wrong (give the host only, e.g. https://api.performchat.com; the module adds /rest/v1)`,
  healthCircuitOpen: (failures: number, retryAfterMs: number) =>
    `the circuit breaker is open after ${failures} failed calls in a row: token calls fail fast for ${Math.ceil(retryAfterMs / 1000)} s more, then one trial call decides`,

  // Configuration checked at boot (options/: URLs, duration bounds; redis/: the database). Issue 13.
  // A URL is only ever shown through maskUrl (password as ****), and not at all when it does not parse.
  urlNotText: (label: string, expected: string) => `${label} must be ${expected}`,
  urlSurroundingWhitespace: (label: string) =>
    `${label} must not start or end with whitespace (a trailing newline from a secrets file?)`,
  urlUnparseable: (label: string, form: string) =>
    `${label} is not a valid URL: write it as ${form} (a port from 1 to 65535; percent-encode @ : / ? # in a password)`,
  urlScheme: (label: string, schemes: string, shown: string) => `${label} must use ${schemes}; got ${shown}`,
  baseUrlCredentials: (label: string, shown: string) =>
    `${label} must not contain a user or password (the module authenticates with keyId and keySecret); got ${shown}`,
  baseUrlQuery: (label: string, shown: string) => `${label} must not have a query string (?...); got ${shown}`,
  baseUrlFragment: (label: string, shown: string) =>
    `${label} must not have a #fragment (every call would go to the path before it); got ${shown}`,
  baseUrlRestPrefix: (label: string, shown: string) =>
    `${label} must not contain /rest/v1: give the host, the module adds /rest/v1; got ${shown}`,
  redisUrlNoHost: (label: string, shown: string) =>
    `${label} must name a host, as in redis://127.0.0.1:6379; got ${shown}`,
  redisUrlFragment: (label: string, shown: string) =>
    `${label} must not have a #fragment (a # in the password must be written %23); got ${shown}`,
  redisUrlDatabase: (label: string, shown: string) =>
    `${label} must name the database as a whole number after the host, as in redis://127.0.0.1:6379/2; got ${shown}`,
  redisDatabaseMissing: (label: string, db: number, server: string, databases?: number) =>
    `${label}: database ${db} does not exist on the server at ${server}${databases === undefined ? '' : ` (it has ${databases}: 0 to ${databases - 1})`}`,
  redisDatabaseRefused: (label: string, db: number, server: string, reason: string) =>
    `${label}: the server at ${server} refused SELECT ${db} (${reason})`,
  redisDatabaseStopped: (problem: string) =>
    `${problem}; this connection is closed so nothing is written to another database (rate limits count in memory, the customer-user store fails) until the URL is fixed and the app restarted`,
  durationTooLong: (field: string, max: number, unit: string, human: string) =>
    `${field} must be at most ${max} ${unit} (${human})`,

  // Upstream pipeline: the probe queue's deadline, graceful shutdown (issue 13).
  probeWaitTimedOut: () =>
    "Not sent: until PerformChat has answered a call with something other than 401, calls go one at a time, and the call ahead had no answer before this call's deadline (deadlineMs) passed",
  shuttingDown: () => 'Not sent: the application is shutting down and starts no new PerformChat calls',
  shutdownWaiting: (calls: number, graceMs: number) =>
    `Shutting down: waiting for ${calls} PerformChat call(s) in flight, at most ${graceMs} ms (shutdownGraceMs)`,
  shutdownCutting: (calls: number, graceMs: number) =>
    `Shutting down: ${calls} PerformChat call(s) still in flight after ${graceMs} ms (shutdownGraceMs) are cut`,
  shutdownCut: (graceMs: number) =>
    `PerformChat did not answer before the application's shutdown grace period of ${graceMs} ms (shutdownGraceMs) ended`,
  // The token route's input (auth/dto): the shape of the body or query.
  tokenInputAgentIdType: () => 'agentId must be a string (send it once)',
  tokenInputExpiresInType: () => `expiresIn must be a string: ${EXPIRES_IN_FORMAT}`,
  tokenInputUserId: () => 'userId must not be sent: the token is always for the logged-in user',
  // Login storms (issue 15): the widget's "my token was refused" flag.
  tokenInputFreshType: () => 'fresh must be true (or, in a query, true or 1) when sent',

  // PerformChat answers that are not the documented shape (client/resources): INVALID_RESPONSE reasons.
  answerNotObject: () => 'the body is not a JSON object',
  answerFieldNotObject: (path: string) => `${path} is missing or not an object`,
  answerFieldNotString: (path: string) => `${path} is missing or not a string`,
  answerFieldNotBoolean: (path: string) => `${path} is missing or not a boolean`,
  answerOtherUser: (userKey: string) => `${userKey}.externalId is not the user the token was asked for`,
  answerOtherAgent: () => 'agent.id is not the agent the token was asked for',
  answerBadTokenVersion: () => 'newTokenVersion is missing or not a non-negative integer',
  answerOtherCustomerUser: () => 'customerUserId is not the customer user that was invalidated',
  answerNotJson: (status: number, type: string) => `HTTP ${status} body is not JSON (${type})`,

  // What a browser is told when the failure is not its fault (errors/perform-chat-error.http.ts).
  browser: {
    credentials: "The chat service refused this server's credentials; the server log has the details",
    badGateway: 'The chat service sent an answer this server cannot use; please try again later',
    unavailable: 'The chat service is temporarily unavailable; please try again later',
    busy: 'The chat service is busy; please try again later',
    agent: 'The configured chat agent is not available; the server log has the details',
    store: 'The chat session store is temporarily unavailable, so nothing was revoked; please try again later',
    userShare: (retryAfterSeconds: number) =>
      `You have opened the chat too many times in a short while; try again in ${retryAfterSeconds} s`,
  },

  // Stores (redis/, customer-users/).
  ioredisMissing: () => 'A Redis store needs the ioredis package: npm install ioredis',

  // The OpenTelemetry bridge (otel/).
  otelApiMissing: () =>
    'nestjs-performchat/otel needs the @opentelemetry/api package (an optional peer dependency): npm install @opentelemetry/api',
  otelAlreadyActive: () =>
    'instrumentPerformChat() is already active in this process: call disable() on the instrumentation it returned before instrumenting again (two would count everything twice)',
  memoryStoreMaxRecords: () => 'MemoryCustomerUserStore maxRecords must be a positive whole number',
  redisNoAnswer: (what: string) => `does not answer (${what})`,
  redisRefusedCommand: (reply: string) => `refused the command (${reply})`,
  redisFailed: (reason: string) => `failed (${reason})`,

  // The log line of a failed attempt (telemetry/): the facts as JSON after a fixed prefix.
  attemptFailed: (facts: Record<string, unknown>) => `PerformChat call failed ${JSON.stringify(facts)}`,

  // Options validation (options/option-rules.ts and the option tables; issue 14 item 1). A
  // problem names the option's path and says what it must be; it never shows the value.
  optionMustBe: (path: string, expected: string) => `${path} must be ${expected}`,
  /** What a number option must be, from its row: `a whole number of milliseconds, at least 1`. */
  optionWholeNumber: (min: number, max: number | undefined, unit: string | undefined) =>
    unit === undefined
      ? min === 1 && max === undefined
        ? 'a positive integer'
        : `an integer ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}`
      : max === undefined
        ? `a whole number of ${unit}, at least ${min}`
        : `a whole number of ${unit} from ${min} to ${max}`,
  optionFractionalNumber: (min: number, aboveMin: boolean, unit: string) =>
    aboveMin && min === 0 ? `a positive number of ${unit}` : `a number of ${unit} >= ${min}`,
  optionDuration: (min: number, aboveMin: boolean) =>
    `${aboveMin && min === 0 ? 'a positive number of seconds' : `a number of seconds >= ${min}`} or a duration with its unit such as "90s", "15m", "1h", "7d"`,
  optionObject: (fields: string[]) => `an object { ${fields.join(', ')} }`,
  optionEither: (alternatives: string[]) =>
    alternatives.length <= 1
      ? alternatives.join('')
      : `${alternatives.slice(0, -1).join(', ')} or ${alternatives[alternatives.length - 1]}`,
  optionUnknown: (path: string, suggestion: string | undefined, known: readonly string[]) =>
    suggestion === undefined
      ? `${path}: unknown option; known here: ${known.join(', ')}`
      : `${path}: unknown option, did you mean ${suggestion}?`,
  optionsNotObject: (expected: string) => `the options must be ${expected}`,
  credentialRequired: (path: string, env?: string) =>
    env === undefined
      ? `${path} is required (a non-empty string)`
      : `${path} is required (a non-empty string; env ${env} with performChatConfig)`,
  agentIdSurroundingWhitespace: (path: string) => `${path} must not start or end with whitespace`,
  defaultExpiresInAboveMax: (value: string, max: string) =>
    `defaultExpiresIn ("${value}") must not be longer than maxExpiresIn ("${max}")`,
  defaultAgentNotAllowed: () => 'defaultAgentId must be one of allowedAgentIds',
  storeMissingMethods: (path: string, missing: string[]) => `${path} is missing the method(s) ${missing.join(', ')}`,
  storeIsRedisClient: (path: string) =>
    `${path} is an ioredis client: to keep customer users in Redis write ${path}: { redis: client }`,
  redisWholeSeconds: (path: string, minimum: number) =>
    `${path} must be whole seconds (>= ${minimum}) with a Redis store, which counts in whole seconds`,
  routeKeyPrefixInvalid: (path: string) =>
    `${path} may only contain letters, digits, ".", "_" and "-" (1 to 100 characters)`,
  invalidHealthCheckOptions: (problems: string[]) => `Invalid health check options: ${problems.join('; ')}`,

  // Rate limits everywhere (issue 19): named limits, answered limits, transports, OpenAPI, route codes.
  limitNameInvalid: (path: string) => `${path} may only contain letters, digits, "_" and "-" (1 to 40 characters)`,
  limitNameTwice: (path: string, name: string) =>
    `${path} ${JSON.stringify(name)} is used twice: each limit of a list needs a name of its own (an unnamed one is "default")`,
  limitListBeside: (fields: string[]) =>
    `rateLimit.limits replaces ${fields.join(', ')}: give either the list or one limit, not both`,
  invalidAnsweredRateLimit: (problems: string[]) =>
    `A rate-limit function answered a value its option does not accept: ${problems.join('; ')}`,
  // Redis Cluster and the key layout (redis/, options/, customer-users/, rate-limit/, health/; issue 20).
  redisClusterUrlProblem: (label: string, problem: string, shown: string) =>
    `${label} is not a usable Redis Cluster URL: ${
      {
        'no-node': 'it lists no node',
        'bad-node': 'every node must be host:port (port 1 to 65535), separated by commas',
        path: 'a Redis Cluster has only database 0, so the URL names no /db',
        query: 'it must not have a query string (?...)',
        fragment: 'it must not have a #fragment (a # in the password must be written %23)',
        credentials: 'write the password after a colon (redis+cluster://:password@host:port,...) and percent-encode it',
      }[problem] ?? problem
    }; write it as redis+cluster://[[user]:password@]host:port,host:port (or rediss+cluster://); got ${shown}`,
  redisKeyPrefix: (field: string) =>
    `${field} must be 1 to 200 characters without whitespace, { or } (a hash tag in the prefix would put every key in one cluster slot), and must not end with ":" (the store adds the separator)`,
  redisKeyPrefixesOverlap: (rateLimit: string, customerUsers: string) =>
    `customerUserStore.keyPrefix (${JSON.stringify(customerUsers)}) must not start with rateLimit.store.keyPrefix and ":" (${JSON.stringify(`${rateLimit}:`)}): its keys would sit among the rate-limit counters, and listing the customer users would read them`,
  rateLimitRedisClusterDown: (where: string) =>
    `Redis ${where} does not answer for some keys (a master is down or failing over): their rate limits and upstream budget now count in memory on each instance (not shared) until it answers again`,
  rateLimitRedisClusterBack: (where: string) =>
    `Redis ${where} answers again for every key: rate limits are shared across instances again`,
  redisClusterNoMaster: (where: string, status: string) => `Redis ${where} has no master to ask (connection ${status})`,
  redisClusterMasterLost: () =>
    'PING not sent: the cluster client has no connection to this master (lost, or failing over)',

  // REST API resources beyond auth (issue 21): client/resources/{agents,customer-users,conversations},
  // rest/ (the services and the agent check), the API-request budget.
  upstreamApiBudgetSpent: (points: number, windowSeconds: number, retryAfterMs: number) =>
    `Refused locally without calling PerformChat: the upstream budget of ${points} API requests per ${windowSeconds} s (upstreamBudget.apiRequestsPerMinute) is spent; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
  restAgentUnknown: (agentId: string, upstream?: string) =>
    `PerformChat has no agent "${agentId}" in this key's company${upstream ? ` (${upstream})` : ''}`,
  restAgentIdRefused: (agentId: string, upstream?: string) =>
    `PerformChat refused the agent id ${showValue(agentId)}${upstream ? ` (${upstream})` : ''}`,
  restConversationNotFound: (conversationId: string, upstream?: string) =>
    `PerformChat has no conversation "${conversationId}" in this key's company${upstream ? ` (${upstream})` : ''}`,
  restChangesRefused: (customerUserId: string, upstream?: string) =>
    `PerformChat refused the changes to customer user "${customerUserId}"${upstream ? ` (${upstream})` : ''}`,
  restPageNotInteger: (field: string, value: unknown) =>
    `${field} must be a whole number of at least 1; got ${showValue(value)}`,
  restLimitOutOfRange: (field: string, max: number, value: unknown) =>
    `${field} must be a whole number from 1 to ${max} (PerformChat's maximum page size); got ${showValue(value)}`,
  restNotObject: (what: string, example: string) => `${what} must be an object, e.g. ${example}`,
  restUnknownField: (what: string, field: string, known: string) =>
    `${what} has no field ${showValue(field)} (known: ${known})`,
  restFieldNotString: (field: string, value: unknown) => `${field} must be a string; got ${showValue(value)}`,
  restFieldTooLong: (field: string, max: number) => `${field} must be at most ${max} characters long`,
  restMetadataNotObject: (value: unknown) => `metadata must be a plain JSON object; got ${showValue(value)}`,
  restMetadataNotJson: (reason: string) => `metadata must be JSON-serialisable: ${reason}`,
  restMetadataTooLarge: (max: number) => `metadata must be at most ${max} bytes as JSON`,
  restNoChanges: () => 'The customer-user changes are empty: give at least one of name, email or metadata',
  restRetryMode: (value: unknown) => `retry must be 'safe' or 'never'; got ${showValue(value)}`,
  answerFieldNotInteger: (path: string) => `${path} is missing or not a non-negative whole number`,
  answerFieldNotArray: (path: string) => `${path} is missing or not an array`,
  answerFieldNotTime: (path: string) => `${path} is missing or not an ISO 8601 time`,
  answerFieldNotNullableString: (path: string) => `${path} is not a string or null`,
  answerFieldNotNullableObject: (path: string) => `${path} is not an object or null`,
  answerFieldBadRole: (path: string) => `${path} is not "user" or "assistant"`,
  answerOtherId: (path: string) => `${path} is not the id that was asked for`,
  verifyAgentsWithoutAgents: () =>
    'verifyAgents is on but there is no agent to verify: set defaultAgentId or allowedAgentIds (or turn verifyAgents off)',
  agentCheckInactive: (field: string, agentId: string) => `${field} "${agentId}" is inactive at PerformChat`,
  agentCheckNotFound: (field: string, agentId: string) =>
    `${field} "${agentId}" does not exist in this key's company at PerformChat`,
  agentCheckFailed: (problems: string[]) =>
    `PerformChat agent check (verifyAgents) failed: ${problems.join('; ')}. Every token for it would be refused: activate the agent in the PerformChat dashboard or fix the option`,
  agentCheckKeyRejected: (agentId: string, reason: string) =>
    `PerformChat agent check (verifyAgents) could not read agent "${agentId}": ${reason}`,
  agentCheckUnchecked: (agentIds: string[], reason: string) =>
    `PerformChat agent check (verifyAgents) could not check ${agentIds.map((id) => `"${id}"`).join(', ')} at boot (${reason}); the app starts anyway and readiness checks again`,
  healthAgentsUnavailable: (agents: string[]) =>
    `configured agent(s) cannot be used for tokens: ${agents.join(', ')} (verifyAgents)`,

  // Several instances and key rotation (instances/, client/perform-chat-keyring.ts; issue 18).
  // A key id may be shown; a secret, or the text of a provider's error unredacted, never.
  credentialsTwice: () =>
    'keyId and keySecret must not be set beside credentials: give the key either as keyId + keySecret or through the credentials provider',
  credentialsRefreshWithoutProvider: () =>
    'credentialsRefreshMs needs credentials (a provider to read the key again); with keyId + keySecret nothing is refreshed',
  instanceNameInvalid: (path: string) =>
    `${path} may only contain letters, digits, ".", "_" and "-" (1 to 100 characters)`,
  instanceOptionsInvalid: (name: string, problems: string[]) =>
    `Invalid PerformChatModule options of the instance "${name}": ${problems.join('; ')}`,
  instanceNameTaken: (name: string) =>
    `Two PerformChatModule instances are named "${name}": give each forRoot/forRootAsync its own name (the one without a name is "default")`,
  instanceRouteTaken: (path: string, first: string, second: string) =>
    `The PerformChatModule instances "${first}" and "${second}" both serve the token routes under /${path}: give one another controller.path, or controller: false`,
  instanceStoreShared: (first: string, second: string, prefix: string) =>
    `The PerformChatModule instances "${first}" and "${second}" keep customer users in one Redis under one key prefix ("${prefix}"): one would list and revoke the other's users; give each its own customerUserStore.keyPrefix`,
  credentialsProviderBootFailed: (reason: string) =>
    `The credentials provider failed at boot (${reason}); PerformChat cannot be called without a key`,
  credentialsProviderFailed: (trigger: string, reason: string) =>
    `The credentials provider failed (${trigger}: ${reason}); the module keeps the last good key`,
  credentialsProviderTimedOut: (ms: number) => `no answer within ${ms} ms (deadlineMs)`,
  credentialsProviderAnswer: (problems: string[]) => `its answer is not a key: ${problems.join('; ')}`,
  keyRotated: (from: string, to: string, source: string, trigger: string) =>
    `PerformChat API key switched from "${from}" to "${to}" (${source}, after ${trigger})`,
  keyRotationFailed: (from: string, candidate: string, reason: string) =>
    `PerformChat API key "${from}" was refused and the next key "${candidate}" did not work either (${reason}); the module keeps "${from}"`,

  // Login storms (issue 15): token reuse, the token store, the per-user share and the bounded wait.
  minRemainingNotShorter: (minRemaining: string, lifetime: string) =>
    `tokenReuse.minRemaining ("${minRemaining}") must be shorter than defaultExpiresIn ("${lifetime}"): a token is handed out again only while it has at least minRemaining left`,
  tokensPerUserAboveBudget: (perUser: number, perWindow: number) =>
    `upstreamBudget.tokensPerUser (${perUser}) must not be more than upstreamBudget.tokensPerMinute (${perWindow})`,
  userShareSpent: (limit: number, windowSeconds: number, retryAfterMs: number) =>
    `Refused locally without calling PerformChat: this user has spent its share of ${limit} token generations per ${windowSeconds} s (upstreamBudget.tokensPerUser), so that it cannot starve the other users; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
  upstreamTokenWaitTooLong: (points: number, windowSeconds: number, retryAfterMs: number, maxWaitMs: number) =>
    `Refused locally without calling PerformChat: the upstream budget of ${points} token generations per ${windowSeconds} s (upstreamBudget.tokensPerMinute) is spent and the next free slot is ${Math.ceil(retryAfterMs / 1000)} s away, longer than this call may wait (${maxWaitMs} ms: upstreamBudget.maxWaitMs, within deadlineMs); retry after ${Math.ceil(retryAfterMs / 1000)} s`,
  tokenStoreDown: (where: string, reason: string) =>
    `The token store (${where}) failed (${reason}): tokens are generated for every request, none is reused, until it answers again (logged once)`,
  tokenStoreBack: (where: string) => `The token store (${where}) answers again: tokens are reused again`,
  revocationNotRecorded: (customerUserId: string, where: string) =>
    `PerformChat invalidated the tokens of customer user "${customerUserId}", but the token store (${where}) could not record it (see the token store warning); PerformChat rejects those tokens, but the store may hand one out again until it expires`,
  revokedWhileGenerating: (generations: number) =>
    `A revocation of this user's tokens ran during each of ${generations} generations in a row, so no token that is still valid could be obtained; try again`,
} as const;

/**
 * What an option must be, in the words of the option tables (options/; issue 14 item 1): each
 * problem reads `<path> must be <words>`.
 */
export const OptionWords = {
  flag: 'true or false',
  fn: 'a function',
  credential: 'a non-empty string',
  agentId: 'an agent id',
  agentIds: 'a non-empty array of agent ids',
  expiresIn: EXPIRES_IN_FORMAT,
  baseUrl: 'an http(s) URL',
  redisSource: 'an ioredis client or a redis:// (rediss://) URL',
  redisKeyPrefix: 'a string of 1 to 200 characters without whitespace, { or }, not ending with ":"',
  nonEmptyString: 'a non-empty string',
  routeKeyPrefix: 'a string of letters, digits, ".", "_" and "-"',
  limitName: 'a string of letters, digits, "_" and "-"',
  limitList: 'a non-empty array of limits { name?, points, duration, ... }',
  customStore: 'a PerformChatCustomerUserStore',
  moduleOptions: 'an object with keyId and keySecret, or credentials',
  apiKey: 'an object { keyId, keySecret }',
  apiKeys: 'a non-empty array of objects { keyId, keySecret }',
  instanceName: 'a name of letters, digits, ".", "_" and "-"',
} as const;
