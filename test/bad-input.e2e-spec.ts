import { INestApplication } from '@nestjs/common';
import { captureLogs } from '@test/utils';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import { EMULATOR_COUNTER_KEYS, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import request from 'supertest';

const USER = 'x-demo-user';
const huge = 'a'.repeat(1024 * 1024);
const TOKEN = '/api/chat/token';
const REVOKE = '/api/chat/token/revoke';
/** `{"a":[[[…2000 levels…]]]}`: 4 KB that used to overflow the stack of class-transformer (a 500). */
const deepArrays = `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`;
const deepObjects = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;

interface Row {
  name: string;
  method?: 'get' | 'post';
  /** GET: the path with its query; POST: the route (default the token route). */
  path?: string;
  /** Raw body (sent as is) or an object (sent as JSON). */
  body?: string | object;
  /** Sent only with a body; `undefined` with no body means no content type at all. */
  contentType?: string;
  status: number;
  /** What the message must say, so the caller can fix the request. */
  message: RegExp;
}

const post = (
  name: string,
  body: string | object,
  status: number,
  message: RegExp,
  contentType = 'application/json',
): Row => ({
  name,
  method: 'post',
  body,
  contentType,
  status,
  message,
});
const postTo = (
  path: string,
  name: string,
  body: string | object | undefined,
  status: number,
  message: RegExp,
  contentType = 'application/json',
): Row => ({
  ...post(name, body as string, status, message, contentType),
  path,
  ...(body === undefined ? { body: undefined, contentType: undefined } : {}),
});
const get = (name: string, query: string, status: number, message: RegExp): Row => ({
  name,
  method: 'get',
  path: `/api/chat/token?${query}`,
  status,
  message,
});

const STRING = /must be a string/;
const FORMAT = /expiresIn must be .*positive whole number followed by s, m, h or d/;
const TOO_DEEP = /more than \d+ levels deep/;
/** Our 415 says what to send; Fastify refuses a media type it has no parser for itself, before any route code. */
const NOT_JSON = /content-type: application\/json|Unsupported Media Type/;
/** Names of Object.prototype members: class-transformer used to drop them silently instead of a 400. */
const PROTOTYPE_NAMES = [
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
];
/** What a cross-site form (or a no-cors fetch) can POST without a preflight. */
const CROSS_SITE: [string, string | undefined, string | undefined][] = [
  ['an empty form', 'application/x-www-form-urlencoded', ''],
  ['a form', 'application/x-www-form-urlencoded', 'agentId=agent_support'],
  ['an empty multipart form', 'multipart/form-data; boundary=x', ''],
  [
    'a multipart form',
    'multipart/form-data; boundary=x',
    '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
  ],
  ['an empty text/plain body', 'text/plain', ''],
  ['a text/plain JSON body', 'text/plain', '{"expiresIn":"15m"}'],
  ['no content type and no body', undefined, undefined],
];

/** Hostile token requests: each must get a clear 4xx, none a 500, none may reach PerformChat. */
const ROWS: Row[] = [
  post('agentId as a number', { agentId: 123 }, 400, STRING),
  post('agentId as a boolean', { agentId: true }, 400, STRING),
  post('agentId as null', { agentId: null }, 400, STRING),
  post('agentId as an array', { agentId: ['agent_support'] }, 400, STRING),
  post('agentId as an object', { agentId: { id: 'agent_support' } }, 400, STRING),
  // Fastify's JSON parser refuses prototype keys itself ("not valid JSON"); Express's reaches our checks.
  post('agentId nested __proto__', '{"agentId":{"__proto__":{"admin":true}}}', 400, /agentId|__proto__|not valid JSON/),
  post('agentId empty', { agentId: '' }, 400, /agentId must not be empty/),
  post('agentId only spaces', { agentId: '   ' }, 400, /agentId must not be empty/),
  post('agentId of 257 characters', { agentId: 'a'.repeat(257) }, 400, /agentId must be at most 256 characters long/),
  post('agentId with NUL', { agentId: 'agent\u0000support' }, 400, /control characters/),
  post('agentId with BEL', { agentId: 'agent\u0007' }, 400, /control characters/),
  post('agentId with an ANSI escape', { agentId: '\u001b[31magent' }, 400, /control characters/),
  post('agentId with a newline (log injection)', { agentId: 'a\nINFO forged log line' }, 400, /control characters/),
  post('agentId with C1 NEL', { agentId: 'agent\u0085' }, 400, /control characters/),
  post('agentId of 1 MB', { agentId: huge }, 413, /too large/i),
  post('expiresIn as a number', { expiresIn: 3600 }, 400, STRING),
  post('expiresIn negative number', { expiresIn: -5 }, 400, STRING),
  post('expiresIn zero number', { expiresIn: 0 }, 400, STRING),
  post('expiresIn as null', { expiresIn: null }, 400, STRING),
  post('expiresIn as an array', { expiresIn: ['1h'] }, 400, STRING),
  post('expiresIn as an object', { expiresIn: { h: 1 } }, 400, STRING),
  post('expiresIn as a boolean', { expiresIn: true }, 400, STRING),
  post('expiresIn "-5m"', { expiresIn: '-5m' }, 400, FORMAT),
  post('expiresIn "0s"', { expiresIn: '0s' }, 400, FORMAT),
  post('expiresIn "0"', { expiresIn: '0' }, 400, FORMAT),
  post('expiresIn "1.5h"', { expiresIn: '1.5h' }, 400, FORMAT),
  post('expiresIn "1 h"', { expiresIn: '1 h' }, 400, FORMAT),
  post('expiresIn " 1h"', { expiresIn: ' 1h' }, 400, FORMAT),
  post('expiresIn "1H"', { expiresIn: '1H' }, 400, FORMAT),
  post('expiresIn "10w"', { expiresIn: '10w' }, 400, FORMAT),
  post('expiresIn "Infinity"', { expiresIn: 'Infinity' }, 400, FORMAT),
  post('expiresIn "1e3s"', { expiresIn: '1e3s' }, 400, FORMAT),
  post('expiresIn overflow "99999999999999999999d"', { expiresIn: '99999999999999999999d' }, 400, FORMAT),
  post('expiresIn "9999999999d" (above the 365d ceiling)', { expiresIn: '9999999999d' }, 400, /365d/),
  post('expiresIn above maxExpiresIn', { expiresIn: '25h' }, 400, /maximum of "24h"/),
  post('an unknown field', { foo: 'bar' }, 400, /property foo should not exist/),
  post('userId in the body', { userId: 'victim' }, 400, /userId must not be sent/),
  post('a user object in the body', { user: { id: 'victim' } }, 400, /property user should not exist/),
  post('a __proto__ key', '{"__proto__":{"isAdmin":true}}', 400, /__proto__|not valid JSON/),
  post('a constructor key', '{"constructor":{"prototype":{"isAdmin":true}}}', 400, /constructor|not valid JSON/),
  post('a prototype key', '{"prototype":{"isAdmin":true}}', 400, /prototype/),
  post('invalid JSON', '{bad', 400, /JSON|Unexpected|Expected/),
  post('JSON with a trailing comma', '{"agentId":"a",}', 400, /JSON|Unexpected|Expected/),
  post('a JSON array', '[]', 400, /JSON object/),
  post('a JSON array of objects', '[{"agentId":"agent_support"}]', 400, /JSON object/),
  post('a JSON string', '"agent_support"', 400, /JSON|Unexpected|object/),
  post('a JSON number', '42', 400, /JSON|Unexpected|object/),
  post('a JSON null', 'null', 400, /JSON|Unexpected|object/),
  post('a text/plain body', 'agentId=agent_support', 415, /application\/json/, 'text/plain'),
  post('a form body', 'agentId=agent_support', 415, /application\/json/, 'application/x-www-form-urlencoded'),
  // Fastify refuses a media type it has no parser for itself, before any route code.
  post('an XML body', '<agentId>x</agentId>', 415, /application\/json|Unsupported Media Type/, 'application/xml'),
  get('a duplicated agentId', 'agentId=agent_support&agentId=agent_sales', 400, STRING),
  get('a duplicated expiresIn', 'expiresIn=1h&expiresIn=2h', 400, STRING),
  get('bracket array syntax', 'agentId[]=agent_support', 400, /should not exist|must be a string/),
  get('bracket object syntax', 'agentId[id]=agent_support', 400, /should not exist|must be a string/),
  get('userId in the query', 'userId=victim', 400, /userId must not be sent/),
  get('__proto__ in the query', '__proto__[isAdmin]=true', 400, /should not exist|__proto__/),
  get('constructor in the query', 'constructor=x', 400, /constructor/),
  get('an empty agentId', 'agentId=', 400, /agentId must not be empty/),
  get('an empty expiresIn', 'expiresIn=', 400, FORMAT),
  get('a 10 KB agentId', `agentId=${'a'.repeat(10_000)}`, 400, /at most 256 characters/),
  get('an encoded NUL', 'agentId=agent%00', 400, /control characters/),
  get('an encoded C1 control', 'agentId=agent%C2%85', 400, /control characters/),
  get('an unknown parameter', 'debug=true', 400, /property debug should not exist/),
  get('expiresIn with spaces', 'expiresIn=1%20h', 400, FORMAT),
  // Issue 13, item 6: deep nesting is a cheap 400, never a RangeError and a 500.
  post('deeply nested arrays (2000 levels, 4 KB)', deepArrays, 400, TOO_DEEP),
  post('deeply nested objects (2000 levels)', deepObjects, 400, TOO_DEEP),
  post('agentId nested 2000 levels deep', `{"agentId":${'['.repeat(2000)}${']'.repeat(2000)}}`, 400, TOO_DEEP),
  postTo(REVOKE, 'deeply nested arrays to revoke', deepArrays, 400, TOO_DEEP),
  // ...and so is a wide one (class-transformer would copy all of it before the unknown field is refused).
  post(
    'an array of 20,000 empty arrays (80 KB)',
    `{"a":[${Array(20_000).fill('[]').join(',')}]}`,
    400,
    /more than 100 values/,
  ),
  post(
    'an object of 10,000 fields',
    JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, 1]))),
    400,
    /more than 100 values/,
  ),
  post('agentId as an array of 101 items', { agentId: Array(101).fill('a') }, 400, /more than 100 values/),
  postTo(REVOKE, 'deeply nested objects to revoke', deepObjects, 400, TOO_DEEP),
  // Item 7: a +json body is never silently dropped; Express used to answer 200 with the defaults.
  post('an application/vnd.api+json body', { expiresIn: '15m' }, 415, NOT_JSON, 'application/vnd.api+json'),
  post('an application/merge-patch+json body', { expiresIn: '15m' }, 415, NOT_JSON, 'application/merge-patch+json'),
  post('an application/problem+json body', { expiresIn: '15m' }, 415, NOT_JSON, 'application/problem+json'),
  postTo(
    REVOKE,
    'an application/vnd.api+json body to revoke',
    { userId: 'victim' },
    415,
    NOT_JSON,
    'application/vnd.api+json',
  ),
  // Item 8: names of Object.prototype members are unknown fields like any other.
  ...PROTOTYPE_NAMES.map((key) =>
    post(`a ${key} field`, `{"${key}":"x"}`, 400, new RegExp(`property ${key} should not exist`)),
  ),
  post('a valueOf field with a number', '{"valueOf":1}', 400, /property valueOf should not exist/),
  postTo(REVOKE, 'a toString field to revoke', '{"toString":"x"}', 400, /property toString should not exist/),
  postTo(
    REVOKE,
    'a hasOwnProperty field to revoke',
    '{"hasOwnProperty":"x"}',
    400,
    /property hasOwnProperty should not exist/,
  ),
  ...PROTOTYPE_NAMES.map((key) =>
    get(`${key} in the query`, `${key}=x`, 400, new RegExp(`property ${key} should not exist`)),
  ),
  // Item 9: what a cross-site form can send never issues or revokes a token.
  ...CROSS_SITE.flatMap(([name, type, body]) => [
    postTo(TOKEN, `cross-site: ${name}`, body, 415, NOT_JSON, type),
    postTo(REVOKE, `cross-site: ${name} to revoke`, body, 415, NOT_JSON, type),
  ]),
];

describe.each(PLATFORMS)('bad input to the token route on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    app = await startDemoApp(
      platform,
      emulatorConfig(emulator, { PERFORMCHAT_MAX_EXPIRES_IN: '24h', PERFORMCHAT_RATE_LIMIT_POINTS: '0' }),
    );
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it('has at least 50 rows', () => expect(ROWS.length).toBeGreaterThanOrEqual(50));

  it.each(ROWS)('$name → $status', async (row) => {
    let call = (
      row.method === 'get'
        ? request(app.getHttpServer()).get(row.path!)
        : request(app.getHttpServer()).post(row.path ?? TOKEN)
    ).set(USER, 'mallory');
    if (row.body !== undefined) {
      call = call
        .set('content-type', row.contentType ?? 'application/json')
        .send(typeof row.body === 'string' ? row.body : JSON.stringify(row.body));
    }
    const response = await call;

    // Fastify answers some malformed bodies itself, still with a 4xx and a message.
    expect(response.status).toBe(row.status);
    const message = [response.body?.message].flat().join(' ');
    expect(message).toMatch(row.message);
    expect(response.body.statusCode).toBe(row.status);
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(0);
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.invalidateToken).attempts).toBe(0);
  });

  it('still serves a normal request afterwards', async () => {
    await request(app.getHttpServer())
      .post('/api/chat/token')
      .set(USER, 'mallory')
      .send({ agentId: 'agent_support' })
      .expect(200);
  });

  it('refuses input on the revoke route too', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/chat/token/revoke')
      .set(USER, 'mallory')
      .send({ userId: 'victim' })
      .expect(400);
    expect([response.body.message].flat().join(' ')).toMatch(/userId must not be sent/);
  });

  it('takes the last of duplicate keys in a JSON body, as JSON.parse does (documented)', async () => {
    const response = await request(app.getHttpServer())
      .post(TOKEN)
      .set(USER, 'mallory')
      .set('content-type', 'application/json')
      .send('{"expiresIn":"24h","expiresIn":"15m"}')
      .expect(200);
    expect(response.body.expiresIn).toBeGreaterThan(800);
    expect(response.body.expiresIn).toBeLessThanOrEqual(900);
  });

  it.each(CROSS_SITE)('a cross-site POST (%s) to revoke leaves the tokens valid', async (_name, type, body) => {
    const issued = await request(app.getHttpServer()).get(TOKEN).set(USER, 'victim').expect(200);
    let call = request(app.getHttpServer()).post(REVOKE).set(USER, 'victim');
    if (type !== undefined) call = call.set('content-type', type).send(body ?? '');
    const response = await call.expect(415);
    expect(response.body.message).toMatch(NOT_JSON);
    expect(emulator.verify(issued.body.token)).toMatchObject({ valid: true });
  });

  it('revokes with content-type application/json and the body {}', async () => {
    const issued = await request(app.getHttpServer()).get(TOKEN).set(USER, 'victim').expect(200);
    await request(app.getHttpServer()).post(REVOKE).set(USER, 'victim').send({}).expect(200, { revoked: 1 });
    expect(emulator.verify(issued.body.token)).toMatchObject({ valid: false });
  });

  describe('a refused body costs at most one log line, never a stack trace', () => {
    it.each<[string, string, string, number]>([
      ['1 MB of JSON to the token route', TOKEN, JSON.stringify({ agentId: huge }), 413],
      ['1 MB of JSON to revoke', REVOKE, JSON.stringify({ userId: huge }), 413],
      ['2000 levels of nesting', TOKEN, deepArrays, 400],
      ['2000 levels of nesting to revoke', REVOKE, deepObjects, 400],
    ])('%s', async (_name, path, body, status) => {
      const logs = captureLogs();
      try {
        for (let i = 0; i < 3; i++) {
          await request(app.getHttpServer())
            .post(path)
            .set(USER, 'mallory')
            .set('content-type', 'application/json')
            .send(body)
            .expect(status);
        }
      } finally {
        logs.restore();
      }
      // Express: one warning each from the demo's ClientErrorFilter; Fastify refuses them silently.
      expect(logs.lines.length).toBeLessThanOrEqual(3);
      for (const line of logs.lines) {
        expect(line).not.toContain('\n');
        expect(line).not.toMatch(/RangeError|\bat .+:\d+/);
        expect(line).toMatch(new RegExp(`^warn Refused POST ${path}: ${status} `));
      }
    });
  });
});
