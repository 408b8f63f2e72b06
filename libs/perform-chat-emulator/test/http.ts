import { EMULATOR_DEMO_AGENT_ID, EMULATOR_DEMO_KEY } from '../src';

/** A response read whole: status, headers, raw text and parsed JSON (undefined when not JSON). */
export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Sends a request with `fetch` and reads the whole answer. A non-string body is sent as JSON. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A valid token-generation body for the demo key, with overrides. */
export function tokenBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keyId: EMULATOR_DEMO_KEY.keyId,
    keySecret: EMULATOR_DEMO_KEY.keySecret,
    userId: 'user_123',
    agentId: EMULATOR_DEMO_AGENT_ID,
    ...overrides,
  };
}

/** A valid invalidation body for the demo key. */
export function invalidateBody(customerUserId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { keyId: EMULATOR_DEMO_KEY.keyId, keySecret: EMULATOR_DEMO_KEY.keySecret, customerUserId, ...overrides };
}

/** Decodes the payload segment of a JWT without checking it. */
export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}
