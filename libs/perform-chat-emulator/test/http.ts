import * as http from 'node:http';
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
export function invalidateBody(
  customerUserId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { keyId: EMULATOR_DEMO_KEY.keyId, keySecret: EMULATOR_DEMO_KEY.keySecret, customerUserId, ...overrides };
}

/** Decodes the payload segment of a JWT without checking it. */
export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Like {@link request}, over node:http, so that a GET can carry a JSON body (fetch refuses one):
 * PerformChat's REST endpoints take the credentials in the body whatever the method.
 */
export function requestWithBody(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Omit<HttpResult, 'headers'> & { headers: Record<string, string | string[] | undefined> }> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const allHeaders: Record<string, string> = { ...headers };
  if (payload !== undefined && typeof body !== 'string') allHeaders['content-type'] ??= 'application/json';
  if (payload !== undefined) allHeaders['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = http.request(baseUrl + path, { method, headers: allHeaders }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The demo key's credentials, the body of every REST call. */
export function credentials(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { keyId: EMULATOR_DEMO_KEY.keyId, keySecret: EMULATOR_DEMO_KEY.keySecret, ...overrides };
}
