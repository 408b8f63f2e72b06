import { isDeepStrictEqual } from 'node:util';
import type { AppClient } from './app-client';
import type { HttpAnswer } from './http-request';
import type { InstalledEmulator } from './installed-emulator';

/**
 * The failure paths every cell of the compatibility run walks, with the same expected statuses
 * and bodies everywhere (Nest 11/12, Express/Fastify, every Node runtime): what the README's
 * "When PerformChat misbehaves", "Errors", "Health" and "The token route" sections promise.
 */

const TIMEOUT_MS = 250;
const DEADLINE_MS = 1500;
/** Room for a loaded 2-core machine above the deadline before "answered in time" fails. */
const DEADLINE_SLACK_MS = 2000;

/**
 * The app's PERFORMCHAT_* environment for the failure paths (performChatConfig reads it): short
 * attempt timeout and deadline, breaker and per-user limit off so that the rows are independent,
 * health probed on every call so that up → down → up shows at once.
 */
export const FAILURE_PATH_ENV: Readonly<Record<string, string>> = {
  PERFORMCHAT_TIMEOUT_MS: String(TIMEOUT_MS),
  PERFORMCHAT_DEADLINE_MS: String(DEADLINE_MS),
  PERFORMCHAT_CIRCUIT_BREAKER_THRESHOLD: '0',
  PERFORMCHAT_RATE_LIMIT_POINTS: '0',
  PERFORMCHAT_HEALTH_CACHE_TTL_MS: '0',
  PERFORMCHAT_HEALTH_TIMEOUT_MS: '500',
};

/** The library's token route (global prefix `api`). */
export const TOKEN_ROUTE = '/api/chat/token';
/** The app's own route: injects PerformChatAuthService (README "use the service anywhere"). */
export const OWN_ROUTE = '/api/me/chat-token';
const REVOKE_ROUTE = '/api/chat/token/revoke';
const HEALTH_ROUTE = '/health/ready';

/** Browser-facing messages of errors/perform-chat-error.http.ts. */
const MESSAGE = {
  unavailable: 'The chat service is temporarily unavailable; please try again later',
  busy: 'The chat service is busy; please try again later',
  credentials: "The chat service refused this server's credentials; the server log has the details",
  badGateway: 'The chat service sent an answer this server cannot use; please try again later',
};

interface ExpectedError {
  status: number;
  body: { statusCode: number; message: string; error: string; code: string };
  /** `Retry-After` header, or undefined when there must be none. */
  retryAfter?: string;
}

const unavailable = (code: string): ExpectedError => ({
  status: 503,
  body: { statusCode: 503, message: MESSAGE.unavailable, error: 'Service Unavailable', code },
  retryAfter: '5',
});

interface FaultRow {
  name: string;
  /** Emulator fault on token generation (never the health probe's HEAD). */
  fault: Record<string, unknown>;
  expected: ExpectedError;
  /** Attempts the emulator must count: 3 = the first and both retries, 1 = never retried. */
  attempts: number;
  /** Also ask the app's own route, which must answer exactly like the token route. */
  ownRoute: boolean;
}

export const FAULT_ROWS: readonly FaultRow[] = [
  {
    name: 'PerformChat drops the connection',
    fault: { kind: 'drop' },
    expected: unavailable('UNREACHABLE'),
    attempts: 3,
    ownRoute: true,
  },
  {
    name: 'PerformChat hangs past the deadline',
    fault: { delayMs: 2 * DEADLINE_MS },
    expected: unavailable('TIMEOUT'),
    attempts: 3,
    ownRoute: false,
  },
  {
    name: 'PerformChat answers 500',
    fault: { status: 500 },
    expected: unavailable('UPSTREAM_ERROR'),
    attempts: 3,
    ownRoute: false,
  },
  {
    // A Retry-After beyond the deadline: no wait, no retry, the browser gets PerformChat's delay.
    name: 'PerformChat answers 429 with Retry-After: 7',
    fault: { status: 429, retryAfter: 7 },
    expected: {
      status: 429,
      body: { statusCode: 429, message: MESSAGE.busy, error: 'Too Many Requests', code: 'RATE_LIMITED' },
      retryAfter: '7',
    },
    attempts: 1,
    ownRoute: true,
  },
  {
    name: 'PerformChat answers 401 (our key)',
    fault: { status: 401 },
    expected: {
      status: 502,
      body: { statusCode: 502, message: MESSAGE.credentials, error: 'Bad Gateway', code: 'INVALID_CREDENTIALS' },
    },
    attempts: 1,
    ownRoute: true,
  },
  {
    name: 'PerformChat answers an HTML page',
    fault: { kind: 'html', status: 200 },
    expected: {
      status: 502,
      body: { statusCode: 502, message: MESSAGE.badGateway, error: 'Bad Gateway', code: 'INVALID_RESPONSE' },
    },
    attempts: 1,
    ownRoute: true,
  },
];

/** Hostile token requests: each a 400 whose message says what is wrong, none sent upstream. */
export const BAD_INPUT_ROWS: readonly { name: string; body: string; message: RegExp }[] = [
  { name: 'userId in the body', body: JSON.stringify({ userId: 'mallory' }), message: /userId must not be sent/ },
  { name: 'an operator object as agentId', body: '{"agentId":{"$ne":1}}', message: /agentId must be a string/ },
  // Express's and Fastify's JSON parsers word it differently.
  { name: 'broken JSON', body: '{"agentId":', message: /JSON|Unexpected|Expected/ },
];

export interface FailurePathContext {
  client: AppClient;
  emulator: InstalledEmulator;
  /** Everything the app printed so far. */
  appOutput: () => string;
  /** `up`: terminus is installed; `terminus-missing`: the indicator answers an install hint. */
  health: 'up' | 'terminus-missing';
}

/**
 * Walks every failure path against a running app and its emulator; throws on the first
 * difference, naming the case. Leaves the emulator running and the app healthy.
 */
export async function checkFailurePaths(context: FailurePathContext): Promise<void> {
  await checkBadInput(context);
  await checkOwnRouteAndRevoke(context);
  for (const row of FAULT_ROWS) await checkFault(context, row);
  await checkRefusedAndBack(context);
}

async function checkBadInput({ client, emulator }: FailurePathContext): Promise<void> {
  const before = await emulator.attempts();
  for (const row of BAD_INPUT_ROWS) {
    const answer = await client.post(TOKEN_ROUTE, { user: 'alice', body: row.body, issuesToken: true });
    const message = [answer.json?.message].flat().join(' ');
    expectThat(
      answer.status === 400 && answer.json?.statusCode === 400 && row.message.test(message),
      `POST ${TOKEN_ROUTE} with ${row.name}: expected 400 with a message matching ${row.message}, got ${answer.status} ${answer.text}`,
    );
  }
  const after = await emulator.attempts();
  expectThat(after === before, `bad input reached PerformChat: ${after - before} token calls`);
}

async function checkOwnRouteAndRevoke({ client, emulator }: FailurePathContext): Promise<void> {
  const own = await client.get(OWN_ROUTE, { user: 'alice', issuesToken: true });
  expectThat(
    own.status === 200 && typeof own.json?.token === 'string',
    `GET ${OWN_ROUTE} (the app's own route) answered ${own.status}: ${own.text}`,
  );
  expectThat(
    (await emulator.verify(own.json.token)).valid === true,
    `the emulator does not accept the token of GET ${OWN_ROUTE}`,
  );

  // A POST to the token routes is a JSON object, `{}` when there is nothing to send.
  const revoked = await client.post(REVOKE_ROUTE, { user: 'alice', body: '{}' });
  expectThat(
    revoked.status === 200 && isDeepStrictEqual(revoked.json, { revoked: 1 }),
    `POST ${REVOKE_ROUTE} answered ${revoked.status}: ${revoked.text} (expected 200 {"revoked":1})`,
  );
  const verified = await emulator.verify(own.json.token);
  expectThat(
    verified.valid === false && verified.reason === 'token_version',
    `a revoked token still verifies: ${JSON.stringify(verified)}`,
  );
}

async function checkFault({ client, emulator }: FailurePathContext, row: FaultRow): Promise<void> {
  await emulator.addFault({ path: '/rest/v1/auth/token', method: 'POST', times: -1, ...row.fault });
  try {
    for (const route of row.ownRoute ? [TOKEN_ROUTE, OWN_ROUTE] : [TOKEN_ROUTE]) {
      const before = await emulator.attempts();
      const started = Date.now();
      // A user of its own per row and route: the per-user share of the token budget (10 per
      // window by default) counts every attempt, retries included, so one user would run out.
      const user = `fault-${row.name.replace(/\W+/g, '-')}-${route === TOKEN_ROUTE ? 'route' : 'own'}`;
      const answer = await client.get(route, { user, issuesToken: true });
      const elapsed = Date.now() - started;
      expectError(answer, row.expected, `${row.name}: GET ${route}`);
      const attempts = (await emulator.attempts()) - before;
      expectThat(
        attempts === row.attempts,
        `${row.name}: GET ${route} made ${attempts} attempts at PerformChat, expected ${row.attempts}`,
      );
      expectThat(
        elapsed < DEADLINE_MS + DEADLINE_SLACK_MS,
        `${row.name}: GET ${route} answered after ${elapsed} ms (deadline ${DEADLINE_MS} ms)`,
      );
    }
  } finally {
    await emulator.clearFaults();
  }
}

/** Emulator stopped: refused connections on both routes, health down; started again: up. */
async function checkRefusedAndBack(context: FailurePathContext): Promise<void> {
  const { client, emulator, appOutput } = context;
  await emulator.stop();
  try {
    const mark = appOutput().length;
    const token = await client.get(TOKEN_ROUTE, { user: 'refused-route', issuesToken: true });
    expectError(token, unavailable('UNREACHABLE'), `connection refused: GET ${TOKEN_ROUTE}`);
    // No emulator to count attempts: the app logs one line per failed attempt.
    const attempts = await eventually(
      () => failedAttemptLines(appOutput().slice(mark), 'UNREACHABLE'),
      (n) => n >= 3,
    );
    expectThat(
      attempts === 3,
      `connection refused: the app logged ${attempts} failed attempts, expected 3 (the first and 2 retries); its output since the request:\n${appOutput().slice(mark).slice(-3000)}`,
    );

    const own = await client.get(OWN_ROUTE, { user: 'refused-own', issuesToken: true });
    expectError(own, unavailable('UNREACHABLE'), `connection refused: GET ${OWN_ROUTE}`);

    const health = await client.get(HEALTH_ROUTE);
    if (context.health === 'up') {
      const details = health.json?.details?.performchat;
      expectThat(
        health.status === 503 && details?.status === 'down' && details?.reason === 'connection_refused',
        `connection refused: GET ${HEALTH_ROUTE} answered ${health.status} ${health.text} (expected 503, details.performchat.reason connection_refused)`,
      );
    } else {
      expectHealthInstallHint(health);
    }
  } finally {
    await emulator.start();
  }

  const health = await client.get(HEALTH_ROUTE);
  if (context.health === 'up') {
    expectThat(
      health.status === 200 && health.json?.details?.performchat?.status === 'up',
      `PerformChat back: GET ${HEALTH_ROUTE} answered ${health.status}: ${health.text}`,
    );
  } else {
    expectHealthInstallHint(health);
  }
  const token = await client.get(TOKEN_ROUTE, { user: 'alice', issuesToken: true });
  expectThat(
    token.status === 200 && (await emulator.verify(token.json?.token ?? '')).valid,
    `PerformChat back: GET ${TOKEN_ROUTE} answered ${token.status}: ${token.text}`,
  );
}

/** The answer of the health route when @nestjs/terminus is not installed. */
export function expectHealthInstallHint(health: HttpAnswer): void {
  expectThat(
    health.status === 503 && String(health.json?.message).includes('npm install @nestjs/terminus'),
    `GET ${HEALTH_ROUTE} without terminus answered ${health.status}: ${health.text} (expected 503 with an install hint)`,
  );
}

function expectError(answer: HttpAnswer, expected: ExpectedError, what: string): void {
  const actual = { status: answer.status, body: answer.json, retryAfter: answer.headers['retry-after'] };
  expectThat(
    isDeepStrictEqual(actual, { status: expected.status, body: expected.body, retryAfter: expected.retryAfter }),
    `${what}: expected ${expected.status} ${JSON.stringify(expected.body)}` +
      `${expected.retryAfter ? ` with Retry-After: ${expected.retryAfter}` : ' without Retry-After'}, ` +
      `got ${answer.status} ${answer.text}${answer.headers['retry-after'] ? ` with Retry-After: ${answer.headers['retry-after']}` : ''}`,
  );
}

/**
 * The library's log lines of failed PerformChat attempts with `code` in `log`. Each line is one
 * object `{ msg, event, ...fields }`, which Nest's default text logger prints over several
 * lines: `WARN [PerformChat] Object(9) {\n  msg: 'PerformChat call failed ...',\n  event: 'attempt.failed', ...\n}`.
 */
export function failedAttemptLines(log: string, code: string): number {
  // Nest's text logger colours its output (and util.inspect's strings) unless NO_COLOR is set.
  const plain = log.replace(/\x1b\[[0-9;]*m/g, '');
  const objects = plain.match(/\[PerformChat\] Object\(\d+\) \{\n[^]*?\n\}/g) ?? [];
  return objects.filter(
    (object) =>
      /\n {2}msg: .PerformChat call failed \(/.test(object) &&
      object.includes(`\n  event: 'attempt.failed',`) &&
      object.includes(`\n  code: '${code}',`),
  ).length;
}

/** Reads `value()` until `done` or 2 s passed (the app's output arrives through a pipe). */
async function eventually<T>(value: () => T, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 2_000;
  let current = value();
  while (!done(current) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    current = value();
  }
  return current;
}

export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
