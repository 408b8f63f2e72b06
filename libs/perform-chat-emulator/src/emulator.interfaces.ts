import type { EmulatorChat, EmulatorChatOptions, EmulatorConversation } from './chat/chat.interfaces';
import type { EmulatorState } from './emulator.state';
import type { EmulatorConversationSeed } from './rest/rest.conversations';

/** Environment label of an API key, as listed on the docs' API-keys page. */
export type EmulatorEnvironment = 'production' | 'staging' | 'development';

/** Permissions an API key may carry (docs' API-keys page). */
export type EmulatorPermission = 'chat:send' | 'tools:use' | 'rag:access';

/** An API key the emulator accepts. */
export interface EmulatorApiKeyOptions {
  /** Public key id sent as `keyId` (e.g. `pk_...`). */
  keyId: string;
  /** Secret sent as `keySecret`. Never echoed in any response or log line. */
  keySecret: string;
  /** Company the key belongs to; becomes the `companyId` of customer users and tokens. */
  companyId: string;
  /** Display name returned as `apiKey.name`. Default `"Emulator API Key"`. */
  name?: string;
  /** Returned as `apiKey.environment`. Default `"development"`. */
  environment?: EmulatorEnvironment;
  /** Expiry of the key (Date, ISO string or epoch ms). From then on it answers 401 `Expired API key`. Default: never. */
  expiresAt?: Date | string | number;
  /**
   * Permissions of the key. Default: undefined = every permission. When set, token
   * generation requires `chat:send` (the docs do not say which permission it needs:
   * emulator choice) and answers 401 `Insufficient permissions` without it.
   */
  permissions?: EmulatorPermission[];
}

/** An AI agent tokens can be issued for. */
export interface EmulatorAgentOptions {
  /** Agent id sent as `agentId`. */
  id: string;
  /** Display name returned as `agent.name`. */
  name: string;
  /** Inactive agents answer 400 `Agent not found` and make `verify` say `agent_inactive`. Default `true`. */
  active?: boolean;
  /** Company owning the agent. Default: the `companyId` of the first configured key. */
  companyId?: string;
  /** `prompt_template` of `GET /rest/v1/agents/:id`. Default: none (`null`). */
  promptTemplate?: string;
}

/**
 * Where the token response puts the customer-user object.
 * - `'customerUser'`: exactly the token-generation page (`customerUser` + `apiKey`).
 * - `'user'`: exactly the examples page (`user`, no `apiKey`).
 * - `'both'`: the union (`customerUser`, `user` and `apiKey`), so code written against
 *   either documentation page works. The default, because the docs show both names.
 */
export type EmulatorResponseShape = 'customerUser' | 'user' | 'both';

/** One fixed-window limit: at most `points` per `windowMs`. */
export interface EmulatorRateLimit {
  /** Allowed count per window. */
  points: number;
  /** Window length in milliseconds (the window starts at the first hit). */
  windowMs: number;
}

/** Rate limits; each may be overridden partly, or disabled with `false`. */
export interface EmulatorRateLimitsOptions {
  /** Token generations per API key. Default 100 per 60 000 ms (documented). */
  tokenGenerations?: Partial<EmulatorRateLimit> | false;
  /**
   * Failed authentications (every 401) per API key id, or per client address when the
   * key id is unknown. Once spent, every request of that key (even with the right
   * secret) answers 429 until the window ends. Default 10 per 300 000 ms (documented).
   */
  failedAuth?: Partial<EmulatorRateLimit> | false;
  /** Authenticated API requests (both auth endpoints) per API key. Default 1000 per 60 000 ms (documented). */
  apiRequests?: Partial<EmulatorRateLimit> | false;
}

/** Minimal logger; `console` and Nest's `Logger` both fit. Never receives secrets. */
export interface EmulatorLogger {
  log(message: string): void;
  warn?(message: string): void;
}

/** Options of {@link startPerformChatEmulator}. */
export interface PerformChatEmulatorOptions {
  /** TCP port. Default `0` (a free random port; read it from `emulator.port`). */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** API keys. Default `[EMULATOR_DEMO_KEY]`. Replaces the default when given. */
  keys?: EmulatorApiKeyOptions[];
  /** Agents. Default `EMULATOR_DEMO_AGENTS`. Replaces the default when given. */
  agents?: EmulatorAgentOptions[];
  /** Response variant of token generation. Default `'both'` (the docs show both names; see {@link EmulatorResponseShape}). */
  responseShape?: EmulatorResponseShape;
  /** HS256 signing secret. Default: 32 random bytes per emulator instance. */
  signingSecret?: string;
  /** Time source in epoch milliseconds (token `iat`/`exp`, key expiry, rate-limit windows). Default `Date.now`. */
  clock?: () => number;
  /** Rate limits (documented values by default). */
  rateLimits?: EmulatorRateLimitsOptions;
  /** Largest accepted request body in bytes; larger answers 413. Default 102 400 (Express's default). */
  maxBodyBytes?: number;
  /** Where lifecycle messages go (listening, faults, reset). Default: silent. */
  logger?: EmulatorLogger;
  /**
   * The chat socket: a socket.io server on the emulator's port at socket.io's default path
   * (`/socket.io`), as the docs' `io(baseUrl, { auth: { token } })` implies. `true` for the
   * defaults (echo agent). Needs the `socket.io` package (an optional peer dependency), loaded
   * only when this is on. Default `false`.
   */
  chat?: boolean | EmulatorChatOptions;
  /**
   * The request log (`emulator.requestLog()`, `GET /__emulator/log`): the last `maxEntries` API
   * requests and chat socket events, never a body, a secret or a token. `false` turns it off.
   * Default `{ maxEntries: 1000 }`.
   */
  requestLog?: { maxEntries?: number } | false;
  /** Also hands every request-log entry to `logger.log`, one line each. Default `false`. */
  logRequests?: boolean;
}

/** An API request in the request log. */
export interface EmulatorHttpLogEntry {
  /** Increasing from 1 over the emulator's life (a reset or clear does not restart it). */
  seq: number;
  /** ISO 8601, from the emulator's clock, when the request arrived. */
  at: string;
  type: 'http';
  method: string;
  /** Path without the query. */
  path: string;
  /** Status answered; `null` while pending or when the connection was dropped (a fault). */
  status: number | null;
  /** From arrival to the answer. */
  durationMs: number;
  /** The fault applied, if any. */
  faultId?: number;
  /** The `userId` of a token request (your user id). */
  userId?: string;
  /** The `customerUserId` of an invalidation. */
  customerUserId?: string;
}

/** What happened on the chat socket. */
export type EmulatorSocketLogEvent = 'connect' | 'refused' | 'join' | 'message' | 'reply' | 'error' | 'disconnect';

/** A chat socket event in the request log. */
export interface EmulatorSocketLogEntry {
  seq: number;
  at: string;
  type: 'socket';
  event: EmulatorSocketLogEvent;
  socketId?: string;
  customerUserId?: string;
  conversationId?: string;
  /** Refusal reason (`refused`, `error`) or socket.io's disconnect reason (`disconnect`). */
  reason?: string;
}

export type EmulatorLogEntry = EmulatorHttpLogEntry | EmulatorSocketLogEntry;

/** Filter of `emulator.requestLog()` (and the query of `GET /__emulator/log`). */
export interface EmulatorRequestLogFilter {
  type?: 'http' | 'socket';
  /** Only entries with a greater `seq`. */
  sinceSeq?: number;
  /** Only API requests to this path. */
  path?: string;
  /** Only socket events of this kind. */
  event?: EmulatorSocketLogEvent;
}

/**
 * The emulator's data, to save and load again (`exportState()` / `importState()`,
 * `GET /__emulator/state/export`, `POST /__emulator/state/import`, the bin's `--state-file`):
 * customer users with their token versions, agents, conversations. Never key secrets; the
 * signing secret only when asked for in code.
 */
export interface EmulatorStateExport {
  format: 'performchat-emulator-state';
  version: 1;
  exportedAt: string;
  customerUsers: EmulatorStateSnapshot['customerUsers'];
  agents: EmulatorAgent[];
  conversations: EmulatorConversation[];
  /** Only with `exportState({ includeSigningSecret: true })`: tokens signed before stay valid after a restart with it. */
  signingSecret?: string;
}

/** An API key as held in the emulator's state. */
export interface EmulatorApiKey {
  keyId: string;
  keySecret: string;
  companyId: string;
  name: string;
  environment: EmulatorEnvironment;
  expiresAt?: Date;
  permissions?: EmulatorPermission[];
}

/** An agent as held in the emulator's state (mutable: flip `active` in tests). */
export interface EmulatorAgent {
  id: string;
  name: string;
  active: boolean;
  companyId: string;
  /** `prompt_template` of `GET /rest/v1/agents/:id` (`null` when unset). */
  promptTemplate?: string;
}

/** A customer user, created by the first token generation for `(companyId, externalId)`. */
export interface EmulatorCustomerUser {
  /** Internal opaque id (cuid-like), the JWT `sub` and the `customerUserId` of invalidation. */
  id: string;
  /** The integrator's `userId`. */
  externalId: string;
  companyId: string;
  /** Agent of the latest token generation. */
  agentId: string;
  /** Starts at 0; +1 per invalidation. */
  tokenVersion: number;
  /** Inactive users' tokens fail `verify` with `customer_user_inactive`. Default `true`. */
  active: boolean;
  createdAt: Date;
  /** Updated by every token generation. */
  lastSeenAt: Date;
  /** Set by `PUT /rest/v1/customer-users/:id`; `null` (or unset) until then. */
  name?: string | null;
  email?: string | null;
  metadata?: Record<string, unknown> | null;
  /** When `PUT /rest/v1/customer-users/:id` last changed it; unset: `createdAt`. */
  updatedAt?: Date;
}

/** What the emulator counted for one route (`"POST /rest/v1/auth/token"`, ...). */
export interface EmulatorRouteCounter {
  /** Every request received, faulted ones included. */
  attempts: number;
  /** Answers with a 2xx status. */
  successes: number;
  /** Answers with another status, by status code. */
  failures: Record<string, number>;
  /** Requests a fault was applied to (they count in `attempts` too). */
  faulted: number;
  /** Requests whose connection the emulator dropped on purpose (no status). */
  dropped: number;
}

/** Claims of the tokens the emulator signs (all times in seconds). */
export interface PerformChatTokenClaims {
  /** Customer user id. */
  sub: string;
  tokenVersion: number;
  companyId: string;
  agentId: string;
  iat: number;
  exp: number;
}

/** Why `verify` refused a token, in the documented order of checks. */
export type EmulatorTokenInvalidReason =
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'customer_user_not_found'
  | 'customer_user_inactive'
  | 'token_version'
  | 'company'
  | 'agent_inactive';

/** Result of `verify`. */
export type EmulatorVerifyResult =
  { valid: true; payload: PerformChatTokenClaims } | { valid: false; reason: EmulatorTokenInvalidReason };

/** Fault behaviours other than a plain status. See the README for each. */
export type EmulatorFaultKind =
  'drop' | 'drop-mid-response' | 'not-json' | 'html' | 'no-token' | 'oversized' | 'trickle';

/** A fault to inject into the next matching call(s) of the PerformChat API routes. */
export interface EmulatorFaultSpec {
  /** Exact path to match (no query), e.g. `/rest/v1/auth/token`. Default: every API path. */
  path?: string;
  /** HTTP method to match (case-insensitive). Default: every method. */
  method?: string;
  /** How many calls it applies to. Default 1; `null` or `-1` = until cleared. */
  times?: number | null;
  /** Wait this long before answering (alone: a slow but normal answer). */
  delayMs?: number;
  /** Answer with this status instead of processing the call (also overrides the 200 of `not-json`/`html`). */
  status?: number;
  /** `Retry-After` header: seconds (number) or an HTTP-date string. */
  retryAfter?: number | string;
  /** Body for `status` / `not-json` / `html` / `trickle`: a string is sent as-is, anything else as JSON. */
  body?: unknown;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Misbehaviour to produce. */
  kind?: EmulatorFaultKind;
  /** `oversized`: total body size in bytes. Default 262 144 (256 KB). */
  sizeBytes?: number;
  /** `trickle`: milliseconds between bytes. Default 100. */
  intervalMs?: number;
}

/** A registered fault. */
export interface EmulatorFault extends EmulatorFaultSpec {
  /** Id for listing. */
  id: number;
  /** Calls it still applies to; `null` = unlimited. */
  remaining: number | null;
  /** Calls it has been applied to. */
  matched: number;
}

/** JSON-safe view of the state (`GET /__emulator/state`). Never contains key secrets. */
export interface EmulatorStateSnapshot {
  customerUsers: Array<
    Omit<EmulatorCustomerUser, 'createdAt' | 'lastSeenAt' | 'updatedAt'> & {
      createdAt: string;
      lastSeenAt: string;
      updatedAt?: string;
    }
  >;
  agents: EmulatorAgent[];
  keys: Array<Omit<EmulatorApiKey, 'keySecret' | 'expiresAt'> & { expiresAt: string | null }>;
  counters: Record<string, EmulatorRouteCounter>;
  faults: EmulatorFault[];
}

/** A running emulator, returned by {@link startPerformChatEmulator}. */
export interface PerformChatEmulator {
  /** Base URL to configure clients with, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Bound port. */
  readonly port: number;
  /** Bound host. */
  readonly host: string;
  /** Live state: keys, agents, customer users and counters, inspectable and mutable. */
  readonly state: EmulatorState;
  /** The HS256 secret tokens are signed with (for verifying tokens in tests). */
  readonly signingSecret: string;
  /** Validates a token in the documented order (same as `POST /__emulator/verify`). */
  verify(token: string): EmulatorVerifyResult;
  /** Registers a fault (same as `POST /__emulator/faults`). Throws on an invalid spec. */
  addFault(spec: EmulatorFaultSpec): EmulatorFault;
  /** Faults still pending. */
  listFaults(): EmulatorFault[];
  /** Removes every fault; returns how many were pending. */
  clearFaults(): number;
  /**
   * Seeds a conversation of an existing customer user for the conversations API (same as
   * `POST /__emulator/conversations`); `reset()` clears them.
   * @throws EmulatorConversationSeedError naming a bad field
   */
  addConversation(seed: EmulatorConversationSeed): { id: string };
  /** JSON-safe copy of the state (same as `GET /__emulator/state`). */
  snapshot(): EmulatorStateSnapshot;
  /** Clears customer users, counters, rate-limit windows and faults; restores keys and agents as configured. */
  reset(): void;
  /** The chat socket: conversations, live sockets, socket faults (`enabled` false without the `chat` option). */
  readonly chat: EmulatorChat;
  /** The request log, oldest first (empty when `requestLog` is `false`). */
  requestLog(filter?: EmulatorRequestLogFilter): EmulatorLogEntry[];
  /** Empties the request log; returns how many entries it had. */
  clearRequestLog(): number;
  /** The data to save: customer users, agents, conversations (see {@link EmulatorStateExport}). */
  exportState(options?: { includeSigningSecret?: boolean }): EmulatorStateExport;
  /**
   * Replaces customer users, agents and conversations with an exported state. Throws
   * `EmulatorStateImportError` naming a bad field, or when the document carries a signing
   * secret other than this emulator's (start it with that `signingSecret` instead).
   */
  importState(state: unknown): void;
  /** Stops listening and destroys open (keep-alive) connections, live sockets and pending timers. Idempotent. */
  close(): Promise<void>;
}
