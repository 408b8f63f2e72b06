import { INestApplication } from '@nestjs/common';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import { EMULATOR_COUNTER_KEYS, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import request from 'supertest';

const USER = 'x-demo-user';
const huge = 'a'.repeat(1024 * 1024);

interface Row {
  name: string;
  method?: 'get' | 'post';
  path?: string;
  /** Raw body (sent as is) or an object (sent as JSON). */
  body?: string | object;
  contentType?: string;
  status: number;
  /** What the message must say, so the caller can fix the request. */
  message: RegExp;
}

const post = (name: string, body: string | object, status: number, message: RegExp, contentType = 'application/json'): Row => ({
  name,
  method: 'post',
  body,
  contentType,
  status,
  message,
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
];

describe.each(PLATFORMS)('bad input to the token route on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    app = await startDemoApp(platform, emulatorConfig(emulator, { PERFORMCHAT_MAX_EXPIRES_IN: '24h', PERFORMCHAT_RATE_LIMIT_POINTS: '0' }));
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it('has at least 50 rows', () => expect(ROWS.length).toBeGreaterThanOrEqual(50));

  it.each(ROWS)('$name → $status', async (row) => {
    let call = (row.method === 'get' ? request(app.getHttpServer()).get(row.path!) : request(app.getHttpServer()).post('/api/chat/token')).set(
      USER,
      'mallory',
    );
    if (row.body !== undefined) {
      call = call.set('content-type', row.contentType ?? 'application/json').send(typeof row.body === 'string' ? row.body : JSON.stringify(row.body));
    }
    const response = await call;

    // Fastify answers some malformed bodies itself, still with a 4xx and a message.
    expect(response.status).toBe(row.status);
    const message = [response.body?.message].flat().join(' ');
    expect(message).toMatch(row.message);
    expect(response.body.statusCode).toBe(row.status);
    expect(emulator.state.counter(EMULATOR_COUNTER_KEYS.token).attempts).toBe(0);
  });

  it('still serves a normal request afterwards', async () => {
    await request(app.getHttpServer()).post('/api/chat/token').set(USER, 'mallory').send({ agentId: 'agent_support' }).expect(200);
  });

  it('refuses input on the revoke route too', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/chat/token/revoke')
      .set(USER, 'mallory')
      .send({ userId: 'victim' })
      .expect(400);
    expect([response.body.message].flat().join(' ')).toMatch(/userId must not be sent/);
  });
});
