import { PerformChatError, PerformChatErrorDetails } from './perform-chat.error';
import { PerformChatErrorCode } from './perform-chat-error-code';
import { DEFAULT_RETRY_AFTER_SECONDS, toPerformChatHttpError } from './perform-chat-error.http';

const C = PerformChatErrorCode;

/** The server-side message: it names the key and upstream text, which must stay out of generic answers. */
const SERVER_MESSAGE = 'server-side detail about key pk_http_spec';

const GENERIC = {
  credentials: "The chat service refused this server's credentials; the server log has the details",
  badGateway: 'The chat service sent an answer this server cannot use; please try again later',
  unavailable: 'The chat service is temporarily unavailable; please try again later',
  busy: 'The chat service is busy; please try again later',
  agent: 'The configured chat agent is not available; the server log has the details',
  store: 'The chat session store is temporarily unavailable, so nothing was revoked; please try again later',
};

interface Row {
  name: string;
  code: PerformChatErrorCode;
  details?: PerformChatErrorDetails;
  status: number;
  error: string;
  /** The browser's message: the error's own (`true`) or a generic one. */
  message: string | true;
  retryAfterSeconds?: number;
}

const rows: Row[] = [
  // The caller's own input: the real message, no Retry-After.
  {
    name: 'INVALID_ARGUMENT',
    code: C.INVALID_ARGUMENT,
    details: { field: 'agentId' },
    status: 400,
    error: 'Bad Request',
    message: true,
  },
  {
    name: 'INVALID_EXPIRES_IN',
    code: C.INVALID_EXPIRES_IN,
    details: { field: 'expiresIn' },
    status: 400,
    error: 'Bad Request',
    message: true,
  },
  { name: 'AGENT_NOT_ALLOWED', code: C.AGENT_NOT_ALLOWED, status: 403, error: 'Forbidden', message: true },
  {
    name: "AGENT_NOT_FOUND for the caller's agentId",
    code: C.AGENT_NOT_FOUND,
    details: { status: 400, field: 'agentId' },
    status: 400,
    error: 'Bad Request',
    message: true,
  },
  {
    name: 'AGENT_NOT_FOUND without a field',
    code: C.AGENT_NOT_FOUND,
    details: { status: 400 },
    status: 400,
    error: 'Bad Request',
    message: true,
  },
  {
    name: 'CUSTOMER_USER_NOT_FOUND',
    code: C.CUSTOMER_USER_NOT_FOUND,
    details: { status: 400, field: 'customerUserId' },
    status: 404,
    error: 'Not Found',
    message: true,
  },
  // A record asked for by id that PerformChat does not have (GET /agents/:id's 404, not token generation's 400).
  {
    name: 'AGENT_NOT_FOUND from GET /agents/:id (404)',
    code: C.AGENT_NOT_FOUND,
    details: { status: 404, field: 'agentId' },
    status: 404,
    error: 'Not Found',
    message: true,
  },
  {
    name: 'CUSTOMER_USER_NOT_FOUND from PUT /customer-users/:id (404)',
    code: C.CUSTOMER_USER_NOT_FOUND,
    details: { status: 404, field: 'customerUserId' },
    status: 404,
    error: 'Not Found',
    message: true,
  },
  {
    name: 'CONVERSATION_NOT_FOUND',
    code: C.CONVERSATION_NOT_FOUND,
    details: { status: 404, field: 'conversationId' },
    status: 404,
    error: 'Not Found',
    message: true,
  },

  // The server's configuration or PerformChat's answer: 502, a generic message.
  {
    name: 'AGENT_NOT_FOUND for defaultAgentId',
    code: C.AGENT_NOT_FOUND,
    details: { status: 400, field: 'defaultAgentId' },
    status: 502,
    error: 'Bad Gateway',
    message: GENERIC.agent,
  },
  {
    name: 'INVALID_CREDENTIALS (401), never a 401 to the browser',
    code: C.INVALID_CREDENTIALS,
    details: { status: 401 },
    status: 502,
    error: 'Bad Gateway',
    message: GENERIC.credentials,
  },
  {
    name: 'INVALID_CREDENTIALS (403)',
    code: C.INVALID_CREDENTIALS,
    details: { status: 403 },
    status: 502,
    error: 'Bad Gateway',
    message: GENERIC.credentials,
  },
  {
    name: 'UPSTREAM_BAD_REQUEST',
    code: C.UPSTREAM_BAD_REQUEST,
    details: { status: 422 },
    status: 502,
    error: 'Bad Gateway',
    message: GENERIC.badGateway,
  },
  {
    name: 'INVALID_RESPONSE',
    code: C.INVALID_RESPONSE,
    status: 502,
    error: 'Bad Gateway',
    message: GENERIC.badGateway,
  },
  {
    name: 'INVALID_RESPONSE with a retry delay (none is sent)',
    code: C.INVALID_RESPONSE,
    details: { retryAfterMs: 4_000 },
    status: 502,
    error: 'Bad Gateway',
    message: GENERIC.badGateway,
  },

  // Limits: PerformChat's 429 stays 429, the module's own budget is 503; both say when to retry.
  {
    name: "RATE_LIMITED by PerformChat's 429 with Retry-After",
    code: C.RATE_LIMITED,
    details: { status: 429, retryAfterMs: 7_000 },
    status: 429,
    error: 'Too Many Requests',
    message: GENERIC.busy,
    retryAfterSeconds: 7,
  },
  {
    name: "RATE_LIMITED by PerformChat's 429 without Retry-After",
    code: C.RATE_LIMITED,
    details: { status: 429 },
    status: 429,
    error: 'Too Many Requests',
    message: GENERIC.busy,
    retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
  },
  {
    name: 'RATE_LIMITED by the upstream budget',
    code: C.RATE_LIMITED,
    details: { retryAfterMs: 12_345 },
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.busy,
    retryAfterSeconds: 13,
  },
  {
    name: 'RATE_LIMITED by the budget, 1 ms left',
    code: C.RATE_LIMITED,
    details: { retryAfterMs: 1 },
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.busy,
    retryAfterSeconds: 1,
  },
  {
    name: 'RATE_LIMITED by the budget, 0 ms left (never Retry-After: 0)',
    code: C.RATE_LIMITED,
    details: { retryAfterMs: 0 },
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.busy,
    retryAfterSeconds: 1,
  },

  // Unavailability: 503 + Retry-After (PerformChat's, else the default).
  {
    name: 'TIMEOUT',
    code: C.TIMEOUT,
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.unavailable,
    retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
  },
  {
    name: 'UNREACHABLE',
    code: C.UNREACHABLE,
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.unavailable,
    retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
  },
  {
    name: 'UPSTREAM_ERROR',
    code: C.UPSTREAM_ERROR,
    details: { status: 500 },
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.unavailable,
    retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
  },
  {
    name: 'UPSTREAM_ERROR with Retry-After 120 s',
    code: C.UPSTREAM_ERROR,
    details: { status: 503, retryAfterMs: 120_000 },
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.unavailable,
    retryAfterSeconds: 120,
  },
  {
    name: 'UPSTREAM_ERROR with Retry-After 1.001 s (rounded up)',
    code: C.UPSTREAM_ERROR,
    details: { status: 503, retryAfterMs: 1_001 },
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.unavailable,
    retryAfterSeconds: 2,
  },
  {
    name: 'UPSTREAM_UNAVAILABLE (open circuit)',
    code: C.UPSTREAM_UNAVAILABLE,
    details: { retryAfterMs: 2_500 },
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.unavailable,
    retryAfterSeconds: 3,
  },
  {
    name: 'STORE_UNAVAILABLE',
    code: C.STORE_UNAVAILABLE,
    status: 503,
    error: 'Service Unavailable',
    message: GENERIC.store,
    retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
  },

  // A code this version does not know (a newer library's error): the safe generic answer.
  {
    name: 'an unknown code',
    code: 'SOMETHING_NEW' as PerformChatErrorCode,
    status: 502,
    error: 'Bad Gateway',
    message: GENERIC.badGateway,
  },
];

describe('toPerformChatHttpError: every code → HTTP status, body and Retry-After', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const error = new PerformChatError(row.code, SERVER_MESSAGE, row.details);
    const message = row.message === true ? SERVER_MESSAGE : row.message;

    const answer = toPerformChatHttpError(error);

    const expected: Record<string, unknown> = {
      status: row.status,
      body: { statusCode: row.status, message, error: row.error, code: row.code },
    };
    if (row.retryAfterSeconds !== undefined) expected.retryAfterSeconds = row.retryAfterSeconds;
    // toStrictEqual: a `retryAfterSeconds: undefined` key where none belongs fails too.
    expect(answer).toStrictEqual(expected);
    if (row.message !== true) expect(JSON.stringify(answer)).not.toContain('pk_http_spec');
  });

  it('has a row for every code', () => {
    const covered = new Set(rows.map((row) => row.code));
    expect(Object.values(PerformChatErrorCode).filter((code) => !covered.has(code))).toEqual([]);
  });

  it('sends 5 s when nothing says how long to wait', () => {
    expect(DEFAULT_RETRY_AFTER_SECONDS).toBe(5);
  });
});
