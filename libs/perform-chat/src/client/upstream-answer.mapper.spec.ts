import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { secretForms } from '../errors/redact';
import type { PerformChatUpstreamRefusal } from './perform-chat-resource.interfaces';
import { generateTokenResource, invalidateTokensResource } from './resources/auth.resources';
import { mapUpstreamAnswer } from './upstream-answer.mapper';

const KEY_ID = 'pk_mapper_spec';
const SECRET = 'sk_mapper_spec_S3CR3T/+&"';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The call that was refused: which resource classifies its own 4xx, with its params; `none`: a resource without. */
type Call =
  { operation: 'generateToken'; agentId: string } | { operation: 'invalidateTokens'; customerUserId: string } | 'none';
const token = (agentId: string): Call => ({ operation: 'generateToken', agentId });
const invalidation = (customerUserId: string): Call => ({ operation: 'invalidateTokens', customerUserId });

/** The classifier the client hands the mapper for this call (as in PerformChatHttpClient). */
function classifierOf(call: Call) {
  if (call === 'none') return undefined;
  if (call.operation === 'generateToken') {
    const params = { userId: 'u', agentId: call.agentId, expiresIn: '1h', expiresInSeconds: 3600, requestedAt: NOW };
    return (refusal: PerformChatUpstreamRefusal) => generateTokenResource.classifyRefusal?.(refusal, params);
  }
  return (refusal: PerformChatUpstreamRefusal) =>
    invalidateTokensResource.classifyRefusal?.(refusal, { customerUserId: call.customerUserId });
}

/** An error body as PerformChat sends it (`{ statusCode, message, error }`), the secret echoed inside. */
const echo = (status: number, message: string) =>
  JSON.stringify({ statusCode: status, message: `${message} (key ${SECRET})`, error: 'x' });
/** What is left of {@link echo}'s message once redacted. */
const echoed = (message: string) => `${message} (key [REDACTED])`;

interface Row {
  name: string;
  status: number;
  body: string;
  headers?: Record<string, unknown>;
  call?: Call;
  code: PerformChatErrorCode;
  field?: string;
  retryAfterMs?: number;
  upstreamMessage?: string;
  message: RegExp;
}

const C = PerformChatErrorCode;

/**
 * Every status class and every body shape the mapper tells apart. A row states the whole
 * outcome (code, status, field, retryAfterMs, upstream message, message), so a change of any
 * of them in the mapper fails exactly the rows it touches.
 */
const rows: Row[] = [
  // The key is refused: 401, and 403 treated like it.
  {
    name: '401',
    status: 401,
    body: echo(401, 'Invalid API key'),
    code: C.INVALID_CREDENTIALS,
    upstreamMessage: echoed('Invalid API key'),
    message:
      /^PerformChat rejected API key "pk_mapper_spec" \(HTTP 401: Invalid API key \(key \[REDACTED\]\)\); check keyId/,
  },
  {
    name: '403',
    status: 403,
    body: echo(403, 'Missing permission'),
    code: C.INVALID_CREDENTIALS,
    upstreamMessage: echoed('Missing permission'),
    message: /^PerformChat rejected API key "pk_mapper_spec" \(HTTP 403: Missing permission/,
  },
  {
    name: '401 on invalidation',
    status: 401,
    body: echo(401, 'Expired key'),
    call: invalidation('cu_1'),
    code: C.INVALID_CREDENTIALS,
    upstreamMessage: echoed('Expired key'),
    message: /\(HTTP 401: Expired key/,
  },
  {
    name: '401 with an empty body',
    status: 401,
    body: '',
    code: C.INVALID_CREDENTIALS,
    message: /^PerformChat rejected API key "pk_mapper_spec" \(HTTP 401\); check keyId/,
  },

  // 429: the vendor's own limit, with or without a delay.
  {
    name: '429 with Retry-After in seconds',
    status: 429,
    body: echo(429, 'Too Many Requests'),
    headers: { 'retry-after': '7' },
    code: C.RATE_LIMITED,
    retryAfterMs: 7_000,
    upstreamMessage: echoed('Too Many Requests'),
    message: /^PerformChat rate limit reached \(HTTP 429\); retry after 7 s$/,
  },
  {
    name: '429 with an HTTP-date Retry-After',
    status: 429,
    body: echo(429, 'Too Many Requests'),
    headers: { 'retry-after': new Date(NOW + 90_000).toUTCString() },
    code: C.RATE_LIMITED,
    retryAfterMs: 90_000,
    upstreamMessage: echoed('Too Many Requests'),
    message: /; retry after 90 s$/,
  },
  {
    name: '429 with an HTTP-date Retry-After in the past',
    status: 429,
    body: '{}',
    headers: { 'retry-after': new Date(NOW - 5_000).toUTCString() },
    code: C.RATE_LIMITED,
    retryAfterMs: 0,
    message: /; retry after 0 s$/,
  },
  {
    name: '429 with Retry-After as a header array',
    status: 429,
    body: '{}',
    headers: { 'retry-after': ['3', '9'] },
    code: C.RATE_LIMITED,
    retryAfterMs: 3_000,
    message: /; retry after 3 s$/,
  },
  {
    name: '429 with an unreadable Retry-After',
    status: 429,
    body: '{}',
    headers: { 'retry-after': 'soon' },
    code: C.RATE_LIMITED,
    message: /^PerformChat rate limit reached \(HTTP 429\)$/,
  },
  {
    name: '429 without Retry-After',
    status: 429,
    body: '',
    code: C.RATE_LIMITED,
    message: /^PerformChat rate limit reached \(HTTP 429\)$/,
  },

  // 5xx: PerformChat is unwell.
  ...[500, 501, 502, 503, 504, 599].map((status): Row => ({
    name: String(status),
    status,
    body: echo(status, 'Internal error'),
    code: C.UPSTREAM_ERROR,
    upstreamMessage: echoed('Internal error'),
    message: new RegExp(`^PerformChat failed with HTTP ${status}: Internal error \\(key \\[REDACTED\\]\\)$`),
  })),
  {
    name: '503 with Retry-After',
    status: 503,
    body: '<html>maintenance</html>',
    headers: { 'retry-after': '120' },
    code: C.UPSTREAM_ERROR,
    retryAfterMs: 120_000,
    message: /^PerformChat failed with HTTP 503$/,
  },

  // 3xx: never followed.
  ...[300, 301, 302, 303, 307, 308].map((status): Row => ({
    name: String(status),
    status,
    body: '',
    headers: { location: 'https://elsewhere.example/rest/v1/auth/token' },
    code: C.INVALID_RESPONSE,
    message: new RegExp(`^PerformChat answered with a redirect \\(HTTP ${status}\\); redirects are never followed`),
  })),

  // 400 about the agent, on token generation (whether the caller or defaultAgentId chose it is
  // the service's to say: perform-chat-auth.service.spec.ts).
  {
    name: '400 "Agent not found" on token generation',
    status: 400,
    body: echo(400, 'Agent not found'),
    call: token('agent_x'),
    code: C.AGENT_NOT_FOUND,
    field: 'agentId',
    upstreamMessage: echoed('Agent not found'),
    message:
      /^PerformChat has no active agent "agent_x" for this key's company \(Agent not found \(key \[REDACTED\]\)\)$/,
  },
  {
    name: '400 "No active agents"',
    status: 400,
    body: echo(400, 'No active agents for this company'),
    call: token('agent_y'),
    code: C.AGENT_NOT_FOUND,
    field: 'agentId',
    upstreamMessage: echoed('No active agents for this company'),
    message: /^PerformChat has no active agent "agent_y" for this key's company \(No active agents/,
  },
  {
    name: '400 about the agent as a Nest-style message array',
    status: 400,
    body: JSON.stringify({ statusCode: 400, message: ['agentId must be a string', 42, `not ${SECRET}`] }),
    call: token('agent_z'),
    code: C.AGENT_NOT_FOUND,
    field: 'agentId',
    upstreamMessage: 'agentId must be a string; not [REDACTED]',
    message: /\(agentId must be a string; not \[REDACTED\]\)$/,
  },
  {
    name: '400 on token generation not about the agent',
    status: 400,
    body: echo(400, 'userId is required'),
    call: token('agent_x'),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: echoed('userId is required'),
    message: /^PerformChat refused the request with HTTP 400: userId is required/,
  },
  {
    name: '400 on token generation about a customer user',
    status: 400,
    body: echo(400, 'Customer user not found'),
    call: token('agent_x'),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: echoed('Customer user not found'),
    message: /^PerformChat refused the request with HTTP 400: Customer user not found/,
  },

  // 400 about the customer user, on invalidation.
  ...['Customer user not found', 'customerUser does not belong to this company', 'unknown customer-user'].map(
    (text): Row => ({
      name: `400 "${text}" on invalidation`,
      status: 400,
      body: echo(400, text),
      call: invalidation('cu_42'),
      code: C.CUSTOMER_USER_NOT_FOUND,
      field: 'customerUserId',
      upstreamMessage: echoed(text),
      message: new RegExp(`^PerformChat has no customer user "cu_42" in this key's company \\(${text}`),
    }),
  ),
  {
    name: '400 on invalidation about an agent',
    status: 400,
    body: echo(400, 'Agent not found'),
    call: invalidation('cu_42'),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: echoed('Agent not found'),
    message: /^PerformChat refused the request with HTTP 400: Agent not found/,
  },
  {
    name: '400 on invalidation with no message',
    status: 400,
    body: '{"statusCode":400}',
    call: invalidation('cu_42'),
    code: C.UPSTREAM_BAD_REQUEST,
    message: /^PerformChat refused the request with HTTP 400$/,
  },

  // Only a 400 is classified by the resource.
  {
    name: '404 "Agent not found" on token generation',
    status: 404,
    body: echo(404, 'Agent not found'),
    call: token('agent_x'),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: echoed('Agent not found'),
    message: /^PerformChat refused the request with HTTP 404: Agent not found/,
  },
  {
    name: '404 "Customer user not found" on invalidation',
    status: 404,
    body: echo(404, 'Customer user not found'),
    call: invalidation('cu_42'),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: echoed('Customer user not found'),
    message: /^PerformChat refused the request with HTTP 404: Customer user not found/,
  },

  // A resource that classifies nothing of its own: every 4xx is the generic one.
  {
    name: '400 "Agent not found" from a resource without a classification',
    status: 400,
    body: echo(400, 'Agent not found'),
    call: 'none',
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: echoed('Agent not found'),
    message: /^PerformChat refused the request with HTTP 400: Agent not found/,
  },
  {
    name: '401 from a resource without a classification',
    status: 401,
    body: echo(401, 'Invalid API key'),
    call: 'none',
    code: C.INVALID_CREDENTIALS,
    upstreamMessage: echoed('Invalid API key'),
    message: /^PerformChat rejected API key "pk_mapper_spec" \(HTTP 401: Invalid API key/,
  },

  // Any other 4xx, and bodies of every shape.
  ...[402, 404, 405, 409, 413, 422].map((status): Row => ({
    name: String(status),
    status,
    body: echo(status, 'Nope'),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: echoed('Nope'),
    message: new RegExp(`^PerformChat refused the request with HTTP ${status}: Nope \\(key \\[REDACTED\\]\\)$`),
  })),
  {
    name: '404 with only an error string',
    status: 404,
    body: JSON.stringify({ error: `Not Found ${SECRET}` }),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: 'Not Found [REDACTED]',
    message: /HTTP 404: Not Found \[REDACTED\]$/,
  },
  {
    name: '404 with an HTML body',
    status: 404,
    body: `<html><body>Not Found ${SECRET}</body></html>`,
    code: C.UPSTREAM_BAD_REQUEST,
    message: /^PerformChat refused the request with HTTP 404$/,
  },
  {
    name: '400 with a JSON string body',
    status: 400,
    body: JSON.stringify(`bad ${SECRET}`),
    code: C.UPSTREAM_BAD_REQUEST,
    message: /^PerformChat refused the request with HTTP 400$/,
  },
  {
    name: '400 with the secret JSON-escaped in the message',
    status: 400,
    body: JSON.stringify({ message: `body was ${JSON.stringify({ keySecret: SECRET })}` }),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: 'body was {"keySecret":"[REDACTED]"}',
    message: /HTTP 400: body was \{"keySecret":"\[REDACTED\]"\}$/,
  },
  {
    name: '400 with the secret URL-encoded and control characters in the message',
    status: 400,
    body: JSON.stringify({ message: `line1\n\tkeySecret=${encodeURIComponent(SECRET)}\u0007` }),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: 'line1 keySecret=[REDACTED]',
    message: /HTTP 400: line1 keySecret=\[REDACTED\]$/,
  },
  {
    name: '400 with a message longer than 200 characters',
    status: 400,
    body: JSON.stringify({ message: `${'x'.repeat(250)}${SECRET}` }),
    code: C.UPSTREAM_BAD_REQUEST,
    upstreamMessage: `${'x'.repeat(197)}...`,
    message: /HTTP 400: x{197}\.\.\.$/,
  },
  {
    name: '400 with a message of only whitespace',
    status: 400,
    body: JSON.stringify({ message: ' \n ' }),
    code: C.UPSTREAM_BAD_REQUEST,
    message: /^PerformChat refused the request with HTTP 400$/,
  },
];

describe('mapUpstreamAnswer: every status and body → the PerformChatError', () => {
  const secrets = secretForms(SECRET);

  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const error = mapUpstreamAnswer(
      { status: row.status, headers: row.headers ?? {}, body: row.body },
      KEY_ID,
      secrets,
      classifierOf(row.call ?? token('agent_x')),
      NOW,
    );

    expect(error.toJSON()).toEqual({
      name: 'PerformChatError',
      code: row.code,
      message: expect.stringMatching(row.message),
      status: row.status,
      upstreamMessage: row.upstreamMessage,
      retryAfterMs: row.retryAfterMs,
      field: row.field,
    });
    // Nothing a thrown error shows, in any form, holds the secret.
    const shown = [error.message, error.stack, JSON.stringify(error), String(error.upstreamMessage)].join('\n');
    for (const form of secrets) expect(shown).not.toContain(form);
  });

  it('covers every code the mapper can return', () => {
    expect(new Set(rows.map((row) => row.code))).toEqual(
      new Set([
        C.INVALID_CREDENTIALS,
        C.RATE_LIMITED,
        C.UPSTREAM_ERROR,
        C.INVALID_RESPONSE,
        C.AGENT_NOT_FOUND,
        C.CUSTOMER_USER_NOT_FOUND,
        C.UPSTREAM_BAD_REQUEST,
      ]),
    );
  });
});
