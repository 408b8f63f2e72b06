import type { PerformChatError } from '../errors/perform-chat.error';

/** Which budget one attempt of an operation spends (see `upstreamBudget`). */
export type PerformChatBudgetCharge = 'token-generation' | 'none';

/** What a resource may look at to classify a 4xx answer of its own operation. */
export interface PerformChatUpstreamRefusal {
  status: number;
  /** The `message` of PerformChat's error body, redacted of the secret, at most 200 characters. */
  upstreamMessage?: string;
  retryAfterMs?: number;
}

/**
 * One PerformChat operation, declared beside the client rather than inside it: its path, its
 * request body, how its answer is read and how its own refusals classify. The client adds the
 * credentials, the budget, the breaker and retries, the transport and the generic mapping
 * (401, 429, 5xx, redirects), the same for every resource; adding an endpoint adds a resource.
 */
export interface PerformChatResource<Params, Result> {
  /** The operation's name in logs and telemetry, e.g. `generateToken`. */
  readonly operation: string;
  /** Which budget each attempt spends. */
  readonly budget: PerformChatBudgetCharge;
  /** Whose share of the budget each attempt spends too (the user of a token generation; `upstreamBudget.tokensPerUser`). */
  share?(params: Params): string;
  /** The path below the base URL, e.g. `/rest/v1/auth/token`. */
  path(params: Params): string;
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
