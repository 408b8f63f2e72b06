import { createHmac } from 'node:crypto';
import { jwtVerify } from 'jose';
import { HS256_HEADER_SEGMENT, Hs256Jwt } from './jwt';

const claims = {
  sub: 'cuser_1',
  tokenVersion: 2,
  companyId: 'co',
  agentId: 'agent',
  iat: 1_700_000_000,
  exp: 1_700_003_600,
};

describe('Hs256Jwt', () => {
  const jwt = new Hs256Jwt('secret-1');

  it('signs a token that an independent HS256 implementation (jose) accepts, with the claims in order', async () => {
    const token = jwt.sign(claims);
    const [header, payload] = token.split('.');
    expect(header).toBe(HS256_HEADER_SEGMENT);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(Buffer.from(payload, 'base64url').toString()).toBe(JSON.stringify(claims));
    const verified = await jwtVerify(token, new TextEncoder().encode('secret-1'), {
      currentDate: new Date(1_700_000_001_000),
    });
    expect(verified.payload).toEqual(claims);
    expect(verified.protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('decodes its own tokens', () => {
    expect(jwt.decode(jwt.sign(claims))).toEqual({ ok: true, payload: claims });
  });

  it('says signature for another secret, a tampered payload or a non-HS256 header', () => {
    const other = new Hs256Jwt('secret-2').sign(claims);
    expect(jwt.decode(other)).toEqual({ ok: false, reason: 'signature' });
    const [h, , s] = jwt.sign(claims).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, tokenVersion: 3 })).toString('base64url')}.${s}`;
    expect(jwt.decode(tampered)).toEqual({ ok: false, reason: 'signature' });
    const noneHeader = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const sig = createHmac('sha256', 'secret-1').update(`${noneHeader}.${body}`).digest('base64url');
    expect(jwt.decode(`${noneHeader}.${body}.${sig}`)).toEqual({ ok: false, reason: 'signature' });
  });

  it.each([
    '',
    'abc',
    'a.b',
    'a.b.c.d',
    'a..c',
    '!!.??.**',
    `${HS256_HEADER_SEGMENT}.bm90LWpzb24.c2ln`,
    `${HS256_HEADER_SEGMENT}.WzFd.c2ln`,
  ])('says malformed for %p', (token) => {
    expect(jwt.decode(token)).toEqual({ ok: false, reason: 'malformed' });
  });
});
