import type { PerformChatError } from '../errors/perform-chat.error';

/**
 * A budget one attempt of an operation spends (see `upstreamBudget`): `token-generation`, a
 * point of the 100 generations per minute; `api-request`, a point of the 1,000 API requests
 * per minute. A resource lists every budget its attempts spend (a token generation is an API
 * request too); the key-wide auth-failure check applies to every attempt whatever it lists.
 */
export type PerformChatBudgetCharge = 'token-generation' | 'api-request';

/** The HTTP methods PerformChat's documented operations use. */
export type PerformChatHttpMethod = 'GET' | 'POST' | 'PUT';

/**
 * When a failed attempt of an operation may be sent again:
 * - `safe`: after any retryable failure (timeouts, dropped connections, 5xx, 429): repeating the
 *   operation cannot do harm (reads; a token generation or an invalidation repeated is the same
 *   outcome);
 * - `never`: only after a failure that proves PerformChat did not act on the request (no
 *   connection was made, or a 429 refused it); never after a timeout, a dropped connection or a
 *   5xx, where it may have been applied.
 */
export type PerformChatRetryMode = 'safe' | 'never';

/** A query string's values; `undefined` values are left out. */
export type PerformChatQuery = Readonly<Record<string, string | number | undefined>>;

/** What a resource may look at to classify a 4xx answer of its own operation. */
export interface PerformChatUpstreamRefusal {
  status: number;
  /** The `message` of PerformChat's error body, redacted of the secret, at most 200 characters. */
  upstreamMessage?: string;
  retryAfterMs?: number;
}

/**
 * One PerformChat operation, declared beside the client rather than inside it: its method, path,
 * query and body, how its answer is read, what it spends, whether it may be repeated, and how its
 * own refusals classify. The client adds the credentials, the budget, the breaker and retries,
 * the transport and the generic mapping (401, 429, 5xx, redirects), the same for every resource;
 * adding an endpoint adds a resource.
 */
export interface PerformChatResource<Params, Result> {
  /** The operation's name in logs and telemetry, e.g. `generateToken`. */
  readonly operation: string;
  /** The HTTP method. The credentials travel in the JSON body whatever it is (PerformChat's documented way, GET included). */
  readonly method: PerformChatHttpMethod;
  /** What each attempt spends; `[]`: only the auth-failure check. */
  readonly budget: readonly PerformChatBudgetCharge[];
  /** When a failed attempt may be sent again. */
  readonly retry: PerformChatRetryMode;
  /** The path below the base URL, its variable parts encoded, e.g. `/rest/v1/agents/agent%20a`. */
  path(params: Params): string;
  /** The query string's values (`page`, `limit`); omitted: no query string. */
  query?(params: Params): PerformChatQuery;
  /** The JSON body without the credentials (the client adds `keyId` and `keySecret`). */
  body(params: Params): Record<string, unknown>;
  /**
   * Reads the JSON of a 2xx answer into the result.
   * @throws PerformChatError `INVALID_RESPONSE` for anything but the documented shape
   */
  read(json: unknown, params: Params): Result;
  /** A 4xx (other than 401/403/429) this operation knows, e.g. "Agent not found"; `undefined`: the generic mapping. */
  classifyRefusal?(refusal: PerformChatUpstreamRefusal, params: Params): PerformChatError | undefined;
}
