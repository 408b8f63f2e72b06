import { INestApplication } from '@nestjs/common';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import { EMULATOR_DEMO_KEY, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import request from 'supertest';
import { readDemoPageConfig } from '../src/web/demo-page.config';

/** The demo page's routes and its cookie login, over HTTP (the browser tests drive the page itself). */
describe.each(PLATFORMS)('demo page and login on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    emulator = await startPerformChatEmulator({ chat: true });
    app = await startDemoApp(platform, emulatorConfig(emulator, { DEMO_REFRESH_AHEAD_SECONDS: '120' }));
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  async function login(username = 'alice'): Promise<string> {
    const response = await http()
      .post('/api/demo/login')
      .set('content-type', 'application/json')
      .send({ username })
      .expect(200);
    return String(response.headers['set-cookie']).split(';')[0];
  }

  it('serves the page at / with a CSP that allows only this origin and the chat server', async () => {
    const response = await http().get('/').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<script src="/assets/app.js" defer></script>');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        `connect-src 'self' ${emulator.url} ws://${emulator.host}:${emulator.port}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8', 'io(chat.chatUrl'],
    ['/assets/style.css', 'text/css; charset=utf-8', '.messages'],
    ['/assets/socket.io.min.js', 'text/javascript; charset=utf-8', 'Socket.IO'],
  ])('serves %s from this app (no CDN)', async (path, type, content) => {
    const response = await http().get(path).expect(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.text).toContain(content);
  });

  it('logs in with JSON: an HttpOnly, SameSite=Strict session cookie; the session says who and where the chat is', async () => {
    const response = await http()
      .post('/api/demo/login')
      .set('content-type', 'application/json')
      .send({ username: 'alice' })
      .expect(200);
    expect(response.body).toEqual({ user: { id: 'alice' } });
    expect(response.headers['set-cookie']).toEqual([
      expect.stringMatching(/^demo_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/),
    ]);
    const cookie = String(response.headers['set-cookie']).split(';')[0];
    const session = await http().get('/api/demo/session').set('cookie', cookie).expect(200);
    expect(session.headers['cache-control']).toBe('no-store');
    expect(session.body).toEqual({
      user: { id: 'alice' },
      chat: {
        chatUrl: emulator.url,
        refreshAheadSeconds: 120,
        retryBaseMs: 1000,
        retryMaxMs: 30000,
        reconnectDelayMs: 1000,
        reconnectDelayMaxMs: 5000,
      },
    });
    expect((await http().get('/api/demo/session').expect(200)).body.user).toBeNull();
    // The cookie is a login for the token route too.
    expect(
      (
        await http()
          .post('/api/chat/token')
          .set('cookie', cookie)
          .set('content-type', 'application/json')
          .send({})
          .expect(200)
      ).body.token,
    ).toMatch(/^ey/);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'username=mallory', 415],
    ['text/plain', 'text/plain', '{"username":"mallory"}', 415],
  ])('refuses a login a cross-site form could send (%s)', async (_what, type, body, status) => {
    const response = await http().post('/api/demo/login').set('content-type', type).send(body);
    expect(response.status).toBe(status);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a browser POST marked Sec-Fetch-Site: cross-site with 403, even as JSON', async () => {
    const response = await http()
      .post('/api/demo/login')
      .set('content-type', 'application/json')
      .set('sec-fetch-site', 'cross-site')
      .send({ username: 'mallory' })
      .expect(403);
    expect(response.body).toMatchObject({ statusCode: 403, message: 'Cross-site requests are refused' });
  });

  it.each([
    { username: '' },
    { username: 'a b' },
    { username: 'x'.repeat(33) },
    { username: 7 },
    {},
    { username: 'ok', admin: true },
  ])('refuses the login body %j with 400 saying what is wrong', async (body) => {
    const response = await http()
      .post('/api/demo/login')
      .set('content-type', 'application/json')
      .send(body)
      .expect(400);
    expect(JSON.stringify(response.body.message)).toMatch(
      /username must be 1 to 32 letters|property admin should not exist/,
    );
  });

  it('logout ends this session; with everywhere, every session of the user, then revokes its chat tokens', async () => {
    const one = await login('carol');
    const two = await login('carol');
    const other = await login('dave');
    await http()
      .post('/api/chat/token')
      .set('cookie', one)
      .set('content-type', 'application/json')
      .send({})
      .expect(200);

    const single = await http()
      .post('/api/demo/logout')
      .set('cookie', one)
      .set('content-type', 'application/json')
      .send({})
      .expect(200);
    expect(single.body).toEqual({ sessionsEnded: 1 });
    expect(single.headers['set-cookie']).toEqual(['demo_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict']);
    expect((await http().get('/api/demo/session').set('cookie', one)).body.user).toBeNull();

    const three = await login('carol');
    const everywhere = await http()
      .post('/api/demo/logout')
      .set('cookie', three)
      .set('content-type', 'application/json')
      .send({ everywhere: true })
      .expect(200);
    expect(everywhere.body).toEqual({ sessionsEnded: 2, revoked: 1 });
    expect((await http().get('/api/demo/session').set('cookie', two)).body.user).toBeNull();
    expect((await http().get('/api/demo/session').set('cookie', other)).body.user).toEqual({ id: 'dave' });
    expect(emulator.state.findCustomerUser('company_demo', 'carol')!.tokenVersion).toBe(1);

    await http().post('/api/demo/logout').set('content-type', 'application/json').send({}).expect(401);
  });

  it('never hands the API secret to the browser (page, script, session)', async () => {
    const cookie = await login('frank');
    const answers = await Promise.all(
      ['/', '/assets/app.js', '/api/demo/session'].map((path) => http().get(path).set('cookie', cookie)),
    );
    for (const answer of answers) expect(answer.text).not.toContain(EMULATOR_DEMO_KEY.keySecret);
  });

  it('keeps the x-demo-user header working for curl', async () => {
    const response = await http().get('/api/demo/session').set('x-demo-user', 'erin').expect(200);
    expect(response.body.user).toEqual({ id: 'erin' });
  });
});

describe('readDemoPageConfig', () => {
  it('defaults the chat URL to PERFORMCHAT_BASE_URL and the timings to the documented values', () => {
    expect(readDemoPageConfig({ PERFORMCHAT_BASE_URL: 'http://127.0.0.1:4010/' })).toEqual({
      chatUrl: 'http://127.0.0.1:4010',
      refreshAheadSeconds: 300,
      retryBaseMs: 1000,
      retryMaxMs: 30000,
      reconnectDelayMs: 1000,
      reconnectDelayMaxMs: 5000,
    });
    expect(readDemoPageConfig({}).chatUrl).toBe('https://api.performchat.com');
  });

  it.each([
    [{ DEMO_REFRESH_AHEAD_SECONDS: '-1' }, 'DEMO_REFRESH_AHEAD_SECONDS must be a whole number >= 0'],
    [{ DEMO_RETRY_BASE_MS: 'soon' }, 'DEMO_RETRY_BASE_MS must be a whole number >= 1'],
    [{ DEMO_RETRY_BASE_MS: '500', DEMO_RETRY_MAX_MS: '100' }, 'DEMO_RETRY_MAX_MS must be at least DEMO_RETRY_BASE_MS'],
    [{ DEMO_CHAT_URL: 'ftp://x' }, 'DEMO_CHAT_URL must be an http(s) URL'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => readDemoPageConfig(env)).toThrow(message);
  });
});
