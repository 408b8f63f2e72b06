import { tmpdir } from 'node:os';
import { INestApplication } from '@nestjs/common';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  startPerformChatEmulator,
  type PerformChatEmulator,
  type PerformChatEmulatorOptions,
} from 'nestjs-performchat/emulator';
import { createDemoApp } from '../../src/demo-app';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Where the tests write their screenshots: `docs/screenshots/` (the README shows them) when
 * `UPDATE_SCREENSHOTS=1`, else a folder under the OS temp dir, so a test run leaves the
 * checkout unchanged.
 */
export const SCREENSHOTS_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(__dirname, '..', '..', 'docs', 'screenshots')
    : join(tmpdir(), 'nestjs-performchat-screenshots');

/**
 * Headless Chromium driven by playwright-core (Playwright's own browser download cannot work
 * here). `launch()` gives the browser a new, empty profile directory of its own
 * (`--user-data-dir` in a fresh temp folder) and deletes it on close; each user gets its own
 * context (cookies, storage) inside it.
 */
export function launchChromium(): Promise<Browser> {
  // Never skipped: a missing browser fails the run, saying how to install it.
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (as root; .ci/run does it), or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** An emulator with the chat socket and the demo app listening on 127.0.0.1, wired together. */
export interface DemoStack {
  emulator: PerformChatEmulator;
  app: INestApplication;
  /** The demo page, `http://127.0.0.1:<port>/`. */
  url: string;
  /** Emulator options it was started with (to start it again on the same port). */
  emulatorOptions: PerformChatEmulatorOptions;
  close(): Promise<void>;
}

/**
 * Short, test-friendly timings unless `config` says otherwise: tokens of a few seconds, fast
 * backoff and reconnection. Everything else is `npm start`'s setup.
 */
export async function startDemoStack(
  config: Record<string, string> = {},
  emulatorOptions: PerformChatEmulatorOptions = {},
): Promise<DemoStack> {
  const options: PerformChatEmulatorOptions = {
    chat: true,
    signingSecret: `browser-test-${process.pid}`,
    ...emulatorOptions,
  };
  let emulator = await startPerformChatEmulator(options);
  const app = await createDemoApp({
    logger: false,
    config: {
      PERFORMCHAT_BASE_URL: emulator.url,
      PERFORMCHAT_KEY_ID: EMULATOR_DEMO_KEY.keyId,
      PERFORMCHAT_KEY_SECRET: EMULATOR_DEMO_KEY.keySecret,
      PERFORMCHAT_DEFAULT_AGENT_ID: EMULATOR_DEMO_AGENT_ID,
      PERFORMCHAT_HEALTH_CACHE_TTL_MS: '0',
      DEMO_RETRY_BASE_MS: '200',
      DEMO_RETRY_MAX_MS: '2000',
      DEMO_RECONNECT_DELAY_MS: '150',
      DEMO_RECONNECT_DELAY_MAX_MS: '400',
      ...config,
    },
  }).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1') + '/';
  const stack: DemoStack = {
    get emulator() {
      return emulator;
    },
    set emulator(value: PerformChatEmulator) {
      emulator = value;
    },
    app,
    url,
    emulatorOptions: { ...options, port: emulator.port },
    async close() {
      await app.close();
      await emulator.close();
    },
  };
  return stack;
}

/** A new window (its own cookies and storage) on the demo page. */
export async function openPage(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 960, height: 720 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-view="login"]');
  return { context, page };
}

/** Logs in with the form and waits for the socket. */
export async function logIn(page: Page, username: string): Promise<void> {
  await page.fill('#username', username);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('body[data-view="chat"][data-socket="connected"]');
}

/** Sends a message and waits for the agent's complete reply containing `expected`. */
export async function chat(page: Page, message: string, expected = `Echo: ${message}`): Promise<void> {
  await page.fill('#message', message);
  await page.click('#send');
  await page.waitForSelector(`#messages li.agent[data-done="true"]:has-text(${JSON.stringify(expected)})`);
}

/** The texts of the conversation, `role: content`. */
export function transcript(page: Page): Promise<string[]> {
  return page.$$eval('#messages li', (items) => items.map((li) => `${li.className}: ${li.textContent}`));
}

/** Writes `<SCREENSHOTS_DIR>/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`) });
}
