/** The library's default `baseUrl` (PerformChat's API host, where the docs connect socket.io). */
const DEFAULT_BASE_URL = 'https://api.performchat.com';

/** What the demo page is told by `GET /api/demo/session`: where the chat is, and its timings. */
export interface DemoPageConfig {
  /** socket.io URL of the chat (PerformChat's API host; the emulator's URL by default). */
  chatUrl: string;
  /** Renew the token this long before `expiresAt` (halfway through for shorter tokens). */
  refreshAheadSeconds: number;
  /** First wait after a 429/503 without `Retry-After`, doubled each time up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** socket.io's reconnection delays when the chat server is unreachable. */
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
}

/** The demo page's variables: name, default, minimum. */
export const DEMO_PAGE_ENV = Object.freeze({
  DEMO_REFRESH_AHEAD_SECONDS: { key: 'refreshAheadSeconds', default: 300, min: 0 },
  DEMO_RETRY_BASE_MS: { key: 'retryBaseMs', default: 1000, min: 1 },
  DEMO_RETRY_MAX_MS: { key: 'retryMaxMs', default: 30_000, min: 1 },
  DEMO_RECONNECT_DELAY_MS: { key: 'reconnectDelayMs', default: 1000, min: 1 },
  DEMO_RECONNECT_DELAY_MAX_MS: { key: 'reconnectDelayMaxMs', default: 5000, min: 1 },
} as const);

/**
 * Reads the page's configuration; a bad value fails the boot naming the variable. `DEMO_CHAT_URL`
 * defaults to `PERFORMCHAT_BASE_URL` (the docs connect socket.io to the API host).
 */
export function readDemoPageConfig(env: Record<string, unknown>): DemoPageConfig {
  const text = (name: string): string | undefined => {
    const value = env[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const chatUrl = text('DEMO_CHAT_URL') ?? text('PERFORMCHAT_BASE_URL') ?? DEFAULT_BASE_URL;
  if (!/^https?:\/\/[^/\s]+/.test(chatUrl)) throw new Error('DEMO_CHAT_URL must be an http(s) URL');
  const config = { chatUrl: chatUrl.replace(/\/+$/, '') } as DemoPageConfig;
  for (const [name, spec] of Object.entries(DEMO_PAGE_ENV)) {
    const raw = text(name);
    const value = raw === undefined ? spec.default : Number(raw);
    if (!Number.isInteger(value) || value < spec.min) throw new Error(`${name} must be a whole number >= ${spec.min}`);
    config[spec.key] = value;
  }
  if (config.retryMaxMs < config.retryBaseMs) throw new Error('DEMO_RETRY_MAX_MS must be at least DEMO_RETRY_BASE_MS');
  return config;
}
