import { createHmac } from 'node:crypto';
import { request, tokenBody } from '../test/http';
import { startPerformChatEmulator, type PerformChatEmulator } from './index';

const NOW = Date.UTC(2025, 5, 1);

function sign(secret: string, claims: Record<string, unknown>): string {
  const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('emulator: token verification (documented order)', () => {
  let emulator: PerformChatEmulator;
  let now: number;
  let token: string;
  let userId: string;

  beforeEach(async () => {
    now = NOW;
    emulator = await startPerformChatEmulator({ clock: () => now, signingSecret: 'verify-secret' });
    const res = await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ expiresIn: '15m' }));
    token = res.json.token;
    userId = res.json.customerUser.id;
  });
  afterEach(() => emulator.close());

  const verifyOverHttp = (t: unknown) => request(emulator.url, 'POST', '/__emulator/verify', { token: t });

  it('says valid with the payload, over HTTP and in-process', async () => {
    const iat = Math.floor(NOW / 1000);
    const expected = {
      valid: true,
      payload: {
        sub: userId,
        tokenVersion: 0,
        companyId: 'company_demo',
        agentId: 'agent_support',
        iat,
        exp: iat + 900,
      },
    };
    const res = await verifyOverHttp(token);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(expected);
    expect(emulator.verify(token)).toEqual(expected);
  });

  it.each(['not-a-jwt', 'a.b', ''])('says malformed for %p', async (bad) => {
    expect((await verifyOverHttp(bad)).json).toEqual({ valid: false, reason: 'malformed' });
  });

  it('says malformed for a correctly signed token that lacks a claim', () => {
    expect(emulator.verify(sign('verify-secret', { sub: userId }))).toEqual({ valid: false, reason: 'malformed' });
  });

  it('says signature for a token of another secret', () => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(emulator.verify(sign('other-secret', claims))).toEqual({ valid: false, reason: 'signature' });
  });

  it('says expired at exp (injected clock), even when the user was also invalidated (order)', () => {
    now = NOW + 899_999;
    expect(emulator.verify(token)).toMatchObject({ valid: true });
    now = NOW + 900_000;
    emulator.state.customerUsers.get(userId)!.tokenVersion = 5;
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'expired' });
  });

  it('says customer_user_not_found after a reset, and customer_user_inactive for an inactive user', () => {
    emulator.state.customerUsers.get(userId)!.active = false;
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'customer_user_inactive' });
    emulator.reset();
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'customer_user_not_found' });
  });

  it('checks the user before the version, the version before the company, the company before the agent', () => {
    const user = emulator.state.customerUsers.get(userId)!;
    emulator.state.agents.get('agent_support')!.active = false;
    user.companyId = 'company_elsewhere';
    user.tokenVersion = 1;
    user.active = false;
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'customer_user_inactive' });
    user.active = true;
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'token_version' });
    user.tokenVersion = 0;
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'company' });
    user.companyId = 'company_demo';
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'agent_inactive' });
    emulator.state.agents.delete('agent_support');
    expect(emulator.verify(token)).toEqual({ valid: false, reason: 'agent_inactive' });
  });

  it('says agent_inactive once the agent is deactivated', async () => {
    emulator.state.agents.get('agent_support')!.active = false;
    expect((await verifyOverHttp(token)).json).toEqual({ valid: false, reason: 'agent_inactive' });
  });

  it('answers 400 when the verify body has no token string', async () => {
    const missing = await request(emulator.url, 'POST', '/__emulator/verify', {});
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ statusCode: 400, message: 'token is required', error: 'Bad Request' });
    expect((await verifyOverHttp(42)).json).toEqual({
      statusCode: 400,
      message: 'token must be a string',
      error: 'Bad Request',
    });
    expect(
      (await request(emulator.url, 'POST', '/__emulator/verify', '{oops', { 'content-type': 'application/json' })).json,
    ).toEqual({
      statusCode: 400,
      message: 'Request body must be valid JSON',
      error: 'Bad Request',
    });
  });
});
