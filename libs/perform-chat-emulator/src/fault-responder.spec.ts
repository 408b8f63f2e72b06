import { request, tokenBody } from '../test/http';
import { EMULATOR_COUNTER_KEYS, startPerformChatEmulator, type PerformChatEmulator } from './index';

const TOKEN = '/rest/v1/auth/token';

describe('emulator: fault kinds', () => {
  let emulator: PerformChatEmulator;
  beforeEach(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterEach(() => emulator.close());

  const postToken = (body = tokenBody()) => request(emulator.url, 'POST', TOKEN, body);
  const tokenCounter = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token);

  it('status: answers the status with a Nest-shaped body and Retry-After, without processing the call', async () => {
    emulator.addFault({ status: 503, retryAfter: 7 });
    const res = await postToken();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.json).toEqual({ statusCode: 503, message: 'Service Unavailable', error: 'Service Unavailable' });
    expect(emulator.state.customerUsers.size).toBe(0);
    expect(tokenCounter()).toEqual({ attempts: 1, successes: 0, failures: { 503: 1 }, faulted: 1, dropped: 0 });
    expect((await postToken()).status).toBe(200);
  });

  it('status: 429 and 500 get the bodies a Nest server sends; an HTTP-date Retry-After, a body and headers pass through', async () => {
    emulator.addFault({ status: 429, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    emulator.addFault({ status: 500 });
    emulator.addFault({ status: 502, body: { oops: true }, headers: { 'x-upstream': 'gateway' } });
    emulator.addFault({ status: 400, body: 'plain words' });
    const tooMany = await postToken();
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('retry-after')).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(tooMany.json).toEqual({ statusCode: 429, message: 'Too Many Requests', error: 'Too Many Requests' });
    const internal = await postToken();
    expect(internal.status).toBe(500);
    expect(internal.json).toEqual({ statusCode: 500, message: 'Internal server error' });
    const custom = await postToken();
    expect(custom.status).toBe(502);
    expect(custom.json).toEqual({ oops: true });
    expect(custom.headers.get('x-upstream')).toBe('gateway');
    const text = await postToken();
    expect(text.status).toBe(400);
    expect(text.text).toBe('plain words');
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('delayMs alone: answers normally, late', async () => {
    emulator.addFault({ delayMs: 120 });
    const started = Date.now();
    const res = await postToken();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(res.status).toBe(200);
    expect(res.json.token).toEqual(expect.any(String));
  });

  it('delayMs with a status: answers the status, late', async () => {
    emulator.addFault({ delayMs: 100, status: 504 });
    const started = Date.now();
    const res = await postToken();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(res.status).toBe(504);
  });

  it('drop: destroys the connection without answering or processing', async () => {
    emulator.addFault({ kind: 'drop' });
    await expect(postToken()).rejects.toThrow();
    expect(emulator.state.customerUsers.size).toBe(0);
    expect(tokenCounter()).toEqual({ attempts: 1, successes: 0, failures: {}, faulted: 1, dropped: 1 });
    expect((await postToken()).status).toBe(200);
  });

  it('drop-mid-response: processes the call, sends headers and part of the body, then destroys the connection', async () => {
    emulator.addFault({ kind: 'drop-mid-response' });
    const response = await fetch(emulator.url + TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tokenBody()),
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(emulator.state.customerUsers.size).toBe(1);
    expect(tokenCounter()).toMatchObject({ attempts: 1, faulted: 1, dropped: 1 });
  });

  it('not-json: 200 with a text body; a status and a content type may be forced', async () => {
    emulator.addFault({ kind: 'not-json' });
    emulator.addFault({
      kind: 'not-json',
      status: 502,
      body: 'upstream error',
      headers: { 'content-type': 'application/json' },
    });
    const plain = await postToken();
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(plain.text).toBe('OK: this body is not JSON');
    expect(plain.json).toBeUndefined();
    const lying = await postToken();
    expect(lying.status).toBe(502);
    expect(lying.headers.get('content-type')).toBe('application/json');
    expect(lying.text).toBe('upstream error');
    expect(emulator.state.customerUsers.size).toBe(0);
  });

  it('html: 200 with an HTML page (text/html)', async () => {
    emulator.addFault({ kind: 'html' });
    const res = await postToken();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
  });

  it('no-token: 200 JSON with everything but the token', async () => {
    emulator.addFault({ kind: 'no-token' });
    const res = await postToken();
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(['customerUser', 'user', 'agent', 'apiKey']);
  });

  it('oversized: 200 JSON of exactly sizeBytes (default 256 KB) that still carries the token', async () => {
    emulator.addFault({ kind: 'oversized' });
    emulator.addFault({ kind: 'oversized', sizeBytes: 10_000 });
    const big = await postToken();
    expect(big.status).toBe(200);
    expect(Buffer.byteLength(big.text)).toBe(256 * 1024);
    expect(big.json.token).toEqual(expect.any(String));
    expect(big.headers.get('content-length')).toBe(String(256 * 1024));
    expect(Buffer.byteLength((await postToken()).text)).toBe(10_000);
  });

  it('trickle: sends the body one byte every intervalMs', async () => {
    emulator.addFault({ kind: 'trickle', intervalMs: 10, body: { token: 'abc' } });
    const started = Date.now();
    const res = await postToken();
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ token: 'abc' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(14 * 9);
  });

  it('trickle: stops when the client gives up, and close() does not wait for it', async () => {
    emulator.addFault({ kind: 'trickle', intervalMs: 50 });
    const controller = new AbortController();
    const pending = fetch(emulator.url + TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tokenBody()),
      signal: controller.signal,
    }).then((r) => r.text());
    setTimeout(() => controller.abort(), 120);
    await expect(pending).rejects.toThrow();
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('close() resolves promptly while a delayed answer is pending', async () => {
    emulator.addFault({ delayMs: 10_000 });
    const pending = postToken().catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(100);
    expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  });
});

describe('emulator: fault matching', () => {
  let emulator: PerformChatEmulator;
  beforeEach(async () => {
    emulator = await startPerformChatEmulator();
  });
  afterEach(() => emulator.close());

  it('applies to the next `times` calls, then answers normally', async () => {
    emulator.addFault({ status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(emulator.url, 'POST', TOKEN, tokenBody())).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(emulator.listFaults()).toEqual([]);
  });

  it.each([null, -1])('times %p applies until cleared', async (times) => {
    emulator.addFault({ status: 500, times });
    for (let i = 0; i < 4; i++) expect((await request(emulator.url, 'POST', TOKEN, tokenBody())).status).toBe(500);
    expect(emulator.listFaults()).toEqual([expect.objectContaining({ remaining: null, matched: 4 })]);
    expect(emulator.clearFaults()).toBe(1);
    expect((await request(emulator.url, 'POST', TOKEN, tokenBody())).status).toBe(200);
  });

  it('matches path and method when given, first registered first', async () => {
    emulator.addFault({ path: '/rest/v1/auth/invalidate-token', status: 502 });
    emulator.addFault({ path: TOKEN, method: 'head', status: 503 });
    emulator.addFault({ path: TOKEN, status: 504 });
    expect((await request(emulator.url, 'HEAD', TOKEN)).status).toBe(503);
    expect((await request(emulator.url, 'POST', TOKEN, tokenBody())).status).toBe(504);
    expect((await request(emulator.url, 'POST', TOKEN, tokenBody())).status).toBe(200);
    expect(emulator.listFaults()).toEqual([
      expect.objectContaining({ path: '/rest/v1/auth/invalidate-token', status: 502 }),
    ]);
  });

  it('never applies to the /__emulator/ routes', async () => {
    emulator.addFault({ kind: 'drop', times: null });
    expect((await request(emulator.url, 'GET', '/__emulator/state')).status).toBe(200);
    expect((await request(emulator.url, 'DELETE', '/__emulator/faults')).json).toEqual({ cleared: 1 });
  });
});
