import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { PerformChatTokenClaims } from './emulator.interfaces';

/** The header segment of every emulator token, encoded once: `{"alg":"HS256","typ":"JWT"}`. */
export const HS256_HEADER_SEGMENT = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
const BASE64URL_SEGMENT = /^[A-Za-z0-9_-]+$/;
const q = JSON.stringify;

/** Outcome of {@link Hs256Jwt.decode}. */
export type DecodedJwt =
  { ok: true; payload: Record<string, unknown> } | { ok: false; reason: 'malformed' | 'signature' };

/** HS256 JWT signing and checking with node:crypto only. */
export class Hs256Jwt {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /**
   * Signs `claims`, serialised as `{sub, tokenVersion, companyId, agentId, iat, exp}` in that
   * order (concatenated: this is the hot path; strings still go through JSON.stringify).
   */
  sign(claims: PerformChatTokenClaims): string {
    const json =
      '{"sub":' +
      q(claims.sub) +
      ',"tokenVersion":' +
      q(claims.tokenVersion) +
      ',"companyId":' +
      q(claims.companyId) +
      ',"agentId":' +
      q(claims.agentId) +
      ',"iat":' +
      q(claims.iat) +
      ',"exp":' +
      q(claims.exp) +
      '}';
    const signingInput = HS256_HEADER_SEGMENT + '.' + Buffer.from(json).toString('base64url');
    return signingInput + '.' + createHmac('sha256', this.key).update(signingInput).digest('base64url');
  }

  /**
   * Splits, parses and checks the signature. `malformed`: not three base64url segments,
   * or a header/payload that is not a JSON object; `signature`: a header whose `alg` is
   * not HS256, or a signature that does not match.
   */
  decode(token: string): DecodedJwt {
    const firstDot = token.indexOf('.');
    const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return { ok: false, reason: 'malformed' };
    const headerSegment = token.slice(0, firstDot);
    const payloadSegment = token.slice(firstDot + 1, secondDot);
    const signatureSegment = token.slice(secondDot + 1);
    if (
      !BASE64URL_SEGMENT.test(headerSegment) ||
      !BASE64URL_SEGMENT.test(payloadSegment) ||
      !BASE64URL_SEGMENT.test(signatureSegment)
    ) {
      return { ok: false, reason: 'malformed' };
    }
    const header = parseJsonObject(headerSegment);
    const payload = parseJsonObject(payloadSegment);
    if (header === undefined || payload === undefined) return { ok: false, reason: 'malformed' };
    if (header.alg !== 'HS256') return { ok: false, reason: 'signature' };
    const expected = createHmac('sha256', this.key).update(token.slice(0, secondDot)).digest();
    const actual = Buffer.from(signatureSegment, 'base64url');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return { ok: false, reason: 'signature' };
    }
    return { ok: true, payload };
  }
}

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
