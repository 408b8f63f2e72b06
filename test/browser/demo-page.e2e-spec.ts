import type { Browser, Page, Response } from 'playwright-core';
import { startPerformChatEmulator } from 'nestjs-performchat/emulator';
import {
  chat,
  launchChromium,
  logIn,
  openPage,
  screenshot,
  startDemoStack,
  transcript,
  type DemoStack,
} from './browser-harness';

/**
 * The whole loop in a real browser (headless Debian Chromium, playwright-core): the demo page
 * logs in, fetches a chat token from the demo app, connects to the emulator's socket.io chat,
 * and keeps chatting across token expiry, revocation, rate limits and a chat server outage.
 * Tokens live seconds; every wait is for a page state, never a fixed sleep.
 */
describe('demo page in headless Chromium', () => {
  let browser: Browser;
  let stack: DemoStack | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    for (const context of browser.contexts()) await context.close();
    await stack?.close();
    stack = undefined;
  });

  /** Token-route answers seen by the page, with the time each arrived. */
  function recordTokenResponses(page: Page): Array<{ status: number; at: number; retryAfter: string | null }> {
    const seen: Array<{ status: number; at: number; retryAfter: string | null }> = [];
    page.on('response', (response: Response) => {
      if (new URL(response.url()).pathname === '/api/chat/token') {
        seen.push({ status: response.status(), at: Date.now(), retryAfter: response.headers()['retry-after'] ?? null });
      }
    });
    return seen;
  }

  it('logs in with the form, sends, receives; two users in two windows each see only their own conversation', async () => {
    stack = await startDemoStack();
    const alice = await openPage(browser, stack.url);
    await screenshot(alice.page, 'login');
    await logIn(alice.page, 'alice');
    await chat(alice.page, 'Hello, I need help with my order');
    await chat(alice.page, 'It has not arrived yet');

    const bob = await openPage(browser, stack.url);
    await logIn(bob.page, 'bob');
    await chat(bob.page, 'Hi from Bob');

    expect(await transcript(alice.page)).toEqual([
      'user: Hello, I need help with my order',
      'agent: Echo: Hello, I need help with my order',
      'user: It has not arrived yet',
      'agent: Echo: It has not arrived yet',
    ]);
    expect(await transcript(bob.page)).toEqual(['user: Hi from Bob', 'agent: Echo: Hi from Bob']);
    expect(await alice.page.textContent('#who-name')).toBe('alice');
    expect(await alice.page.textContent('#agent-name')).toBe('Customer Support Agent');
    await screenshot(alice.page, 'chat');

    // Server side: one conversation each, kept by the emulator; the session is an HttpOnly cookie.
    const byUser = (externalId: string) => stack!.emulator.state.findCustomerUser('company_demo', externalId)!.id;
    expect(stack.emulator.chat.conversations(byUser('alice'))[0].messages).toHaveLength(4);
    expect(stack.emulator.chat.conversations(byUser('bob'))[0].messages).toHaveLength(2);
    const [cookie] = await alice.context.cookies();
    expect(cookie).toMatchObject({ name: 'demo_session', httpOnly: true, sameSite: 'Strict' });
    expect(await alice.page.evaluate('document.cookie')).toBe('');
  });

  it('renews the token ahead of expiry on the live socket and keeps chatting past the first token', async () => {
    stack = await startDemoStack({ PERFORMCHAT_DEFAULT_EXPIRES_IN: '3s', DEMO_REFRESH_AHEAD_SECONDS: '1' });
    const { page } = await openPage(browser, stack.url);
    await logIn(page, 'alice');
    await chat(page, 'before');
    const firstExp = stack.emulator.chat.sockets()[0].tokenExp;
    // Two renewals: the second one happens after the first token has expired.
    await page.waitForSelector('#token-info[data-refreshes="2"]', { timeout: 10_000 });
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(firstExp);
    await chat(page, 'after');

    expect(await transcript(page)).toEqual([
      'user: before',
      'agent: Echo: before',
      'user: after',
      'agent: Echo: after',
    ]);
    const sockets = stack.emulator.chat.sockets();
    expect(sockets).toHaveLength(1);
    expect(sockets[0].tokenExp).toBeGreaterThan(firstExp);
    // Same socket all along (one connect, no refusal), same conversation, three tokens.
    const log = stack.emulator.requestLog();
    expect(log.filter((e) => e.type === 'socket' && e.event === 'connect')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'socket' && (e.event === 'refused' || e.event === 'error'))).toEqual([]);
    expect(
      new Set(
        log
          .filter((e) => e.type === 'socket' && e.event === 'join')
          .map((e) => e.type === 'socket' && e.conversationId),
      ).size,
    ).toBe(1);
    expect(
      log.filter((e) => e.type === 'http' && e.path === '/rest/v1/auth/token' && e.status === 200).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('reconnects with a fresh token when the socket is refused for an expired token', async () => {
    let offsetMs = 0;
    stack = await startDemoStack({}, { clock: () => Date.now() + offsetMs });
    const { page } = await openPage(browser, stack.url);
    await logIn(page, 'alice');
    await chat(page, 'first');
    // The laptop slept for two hours: the chat server sees the token expired, and the
    // connection drops; socket.io reconnects with the old token and is refused.
    offsetMs = 2 * 3600_000;
    stack.emulator.chat.addFault({ on: 'message', kind: 'drop' });
    await page.fill('#message', 'lost in the drop');
    await page.click('#send');
    await page.waitForSelector('body[data-socket="connected"]');
    await page.waitForFunction("document.querySelectorAll('#messages li').length === 3");
    await chat(page, 'back again');

    const socketEvents = stack.emulator
      .requestLog({ type: 'socket' })
      .map((e) => (e.type === 'socket' ? `${e.event}${e.reason ? ` ${e.reason}` : ''}` : ''))
      .filter((e) => !e.startsWith('message') && !e.startsWith('reply'));
    expect(socketEvents).toEqual(['connect', 'join', 'disconnect forced close', 'refused expired', 'connect', 'join']);
    expect(await transcript(page)).toEqual([
      'user: first',
      'agent: Echo: first',
      'user: lost in the drop',
      'user: back again',
      'agent: Echo: back again',
    ]);
  });

  it('"Log out everywhere" revokes, the chat server closes the socket (every window of the user), and a new login works', async () => {
    stack = await startDemoStack();
    const first = await openPage(browser, stack.url);
    await logIn(first.page, 'alice');
    await chat(first.page, 'hello');
    const second = await first.context.newPage();
    await second.goto(stack.url);
    await second.waitForSelector('body[data-view="chat"][data-socket="connected"]');
    // The same conversation in the second window of the same browser session.
    expect(await transcript(second)).toEqual(['user: hello', 'agent: Echo: hello']);

    await first.page.click('#logout-everywhere');
    await first.page.waitForSelector('body[data-view="login"][data-socket="closed"]');
    expect(await first.page.textContent('#notice')).toBe(
      'Logged out everywhere: 1 session(s) ended, chat tokens revoked; PerformChat closed the socket.',
    );
    await screenshot(first.page, 'logged-out-everywhere');
    // The other window: its socket was closed by the server and its session is gone.
    await second.waitForSelector('body[data-view="login"]');
    expect(await second.textContent('#notice')).toBe('Your session has ended. Log in again.');
    expect(stack.emulator.chat.sockets()).toEqual([]);
    expect(stack.emulator.requestLog({ event: 'disconnect' }).map((e) => e.type === 'socket' && e.reason)).toEqual([
      'server namespace disconnect',
      'server namespace disconnect',
    ]);

    await logIn(first.page, 'alice');
    await chat(first.page, 'I am back');
  });

  it('backs off on a 429 from the token route for its Retry-After, without hammering', async () => {
    stack = await startDemoStack({ PERFORMCHAT_RATE_LIMIT_POINTS: '1', PERFORMCHAT_RATE_LIMIT_DURATION: '2' });
    const { page } = await openPage(browser, stack.url);
    const seen = recordTokenResponses(page);
    await logIn(page, 'alice');
    await page.click('#renew');
    await page.waitForSelector('body[data-token-wait="429"]');
    expect(await page.textContent('#notice')).toMatch(/^Too many token requests \(429\): retrying in [12] s\.$/);
    await screenshot(page, 'rate-limited');
    await page.waitForSelector('#token-info[data-refreshes="1"]', { timeout: 5000 });
    await chat(page, 'still here');

    expect(seen.map((r) => r.status)).toEqual([200, 429, 200]);
    const retryAfterMs = Number(seen[1].retryAfter) * 1000;
    expect(retryAfterMs).toBeGreaterThanOrEqual(1000);
    const waited = seen[2].at - seen[1].at;
    expect(waited).toBeGreaterThanOrEqual(retryAfterMs - 100);
    expect(waited).toBeLessThan(retryAfterMs + 1500);
  });

  it('says so when the chat server is down, and recovers with the conversation when it is back', async () => {
    stack = await startDemoStack();
    const { page } = await openPage(browser, stack.url);
    await logIn(page, 'alice');
    await chat(page, 'before the outage');
    const saved = stack.emulator.exportState();

    await stack.emulator.close();
    await page.waitForSelector('body[data-socket="unreachable"]');
    expect(await page.textContent('#notice')).toBe('The chat server is unreachable; reconnecting by itself…');
    expect(await page.isDisabled('#send')).toBe(true);
    await screenshot(page, 'chat-server-down');

    // Back on the same port with the same signing secret and its saved state.
    stack.emulator = await startPerformChatEmulator(stack.emulatorOptions);
    stack.emulator.importState(saved);
    await page.waitForSelector('body[data-socket="connected"]', { timeout: 5000 });
    expect(await page.isHidden('#notice')).toBe(true);
    await chat(page, 'after the outage');
    expect(await transcript(page)).toEqual([
      'user: before the outage',
      'agent: Echo: before the outage',
      'user: after the outage',
      'agent: Echo: after the outage',
    ]);
  });
});
