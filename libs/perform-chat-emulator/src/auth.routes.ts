import { EMULATOR_DEFAULT_EXPIRES_IN, EMULATOR_TOKEN_PERMISSION } from './emulator.constants';
import type { EmulatorAgent, EmulatorApiKey, EmulatorRateLimit, EmulatorResponseShape } from './emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from './emulator.messages';
import type { EmulatorState } from './emulator.state';
import { parseEmulatorExpiresIn } from './expires-in';
import { JsonText, nestError, type EmulatorResponse } from './http-utils';
import type { Hs256Jwt } from './jwt';
import { FixedWindowRateLimiter, retryAfterSeconds } from './rate-limiter';

/** Dependencies of {@link AuthRoutes}. */
export interface AuthRoutesDeps {
  state: EmulatorState;
  jwt: Hs256Jwt;
  clock: () => number;
  responseShape: EmulatorResponseShape;
  rateLimits: {
    tokenGenerations: EmulatorRateLimit | false;
    failedAuth: EmulatorRateLimit | false;
    apiRequests: EmulatorRateLimit | false;
  };
  /** Called after a customer user's token version went up (the chat socket disconnects its sockets). */
  onInvalidated?: (customerUserId: string) => void;
}

type Body = Record<string, unknown>;
export type Authenticated = { ok: true; key: EmulatorApiKey } | { ok: false; response: EmulatorResponse };

const TOO_MANY = MSG.tooManyRequests;
const q = JSON.stringify;

function limiter(limit: EmulatorRateLimit | false): FixedWindowRateLimiter | undefined {
  return limit === false || limit.points === Infinity
    ? undefined
    : new FixedWindowRateLimiter(limit.points, limit.windowMs);
}

/** 429 with `Retry-After` in whole seconds and Nest's default body. */
export function tooManyRequests(retryMs: number): EmulatorResponse {
  return nestError(429, TOO_MANY, { 'Retry-After': String(retryAfterSeconds(retryMs)) });
}

/** First problem with a required string field, as a 400 naming it. */
export function requireString(body: Body, field: string): EmulatorResponse | undefined {
  const value = body[field];
  if (typeof value === 'string') return value.length === 0 ? nestError(400, MSG.mustNotBeEmpty(field)) : undefined;
  return nestError(400, value === undefined || value === null ? MSG.required(field) : MSG.mustBeString(field));
}

function secretsEqual(a: string, b: string): boolean {
  // Constant-time enough for an emulator without allocating on the hot path: XOR every char.
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The two documented endpoints: token generation and token invalidation.
 * Order of checks (a Nest app with a ValidationPipe would validate the body first):
 * body fields → failed-auth lockout → credentials (+ key expiry, permission) → API-request
 * limit → token-generation limit → agent → customer user → token.
 */
export class AuthRoutes {
  private readonly tokenLimiter: FixedWindowRateLimiter | undefined;
  /** Failed authentications of existing keys, by key id. */
  private readonly failedAuthByKey: FixedWindowRateLimiter | undefined;
  /** Failed authentications with an unknown key id, by client address. */
  private readonly failedAuthByClient: FixedWindowRateLimiter | undefined;
  private readonly apiLimiter: FixedWindowRateLimiter | undefined;

  constructor(private readonly deps: AuthRoutesDeps) {
    this.tokenLimiter = limiter(deps.rateLimits.tokenGenerations);
    this.failedAuthByKey = limiter(deps.rateLimits.failedAuth);
    this.failedAuthByClient = limiter(deps.rateLimits.failedAuth);
    this.apiLimiter = limiter(deps.rateLimits.apiRequests);
  }

  /** Forgets every rate-limit window. */
  resetLimits(): void {
    this.tokenLimiter?.reset();
    this.failedAuthByKey?.reset();
    this.failedAuthByClient?.reset();
    this.apiLimiter?.reset();
  }

  /** `POST /rest/v1/auth/token`. */
  generateToken(body: Body, clientAddress: string): EmulatorResponse {
    const invalid =
      requireString(body, 'keyId') ??
      requireString(body, 'keySecret') ??
      requireString(body, 'userId') ??
      requireString(body, 'agentId');
    if (invalid !== undefined) return invalid;
    const expiresIn = body.expiresIn ?? EMULATOR_DEFAULT_EXPIRES_IN;
    if (typeof expiresIn !== 'string') return nestError(400, MSG.mustBeString('expiresIn'));
    const lifetime = parseEmulatorExpiresIn(expiresIn);
    if (lifetime === undefined) return nestError(400, MSG.invalidExpiresIn);

    const now = this.deps.clock();
    const auth = this.authenticate(body.keyId as string, body.keySecret as string, clientAddress, now, true, true);
    if (!auth.ok) return auth.response;
    const key = auth.key;

    if (this.tokenLimiter !== undefined) {
      const retryMs = this.tokenLimiter.consume(key.keyId, now);
      if (retryMs > 0) return tooManyRequests(retryMs);
    }

    const state = this.deps.state;
    const agent = state.agents.get(body.agentId as string);
    if (agent === undefined || !agent.active || agent.companyId !== key.companyId) {
      return nestError(400, this.hasActiveAgent(key.companyId) ? MSG.agentNotFound : MSG.noActiveAgents);
    }

    const user = state.touchCustomerUser(key.companyId, body.userId as string, agent.id, now);
    const iat = Math.floor(now / 1000);
    const token = this.deps.jwt.sign({
      sub: user.id,
      tokenVersion: user.tokenVersion,
      companyId: key.companyId,
      agentId: agent.id,
      iat,
      exp: iat + lifetime,
    });
    return {
      status: 200,
      body: new JsonText(this.tokenResponseJson(token, user.id, user.externalId, user.companyId, agent, key)),
    };
  }

  /** `POST /rest/v1/auth/invalidate-token`. 401/400 bodies as the invalidation page shows them (no `error`). */
  invalidateTokens(body: Body, clientAddress: string): EmulatorResponse {
    const invalid =
      requireString(body, 'keyId') ?? requireString(body, 'keySecret') ?? requireString(body, 'customerUserId');
    if (invalid !== undefined) return invalid;
    const now = this.deps.clock();
    const auth = this.authenticate(body.keyId as string, body.keySecret as string, clientAddress, now, false, false);
    if (!auth.ok) return auth.response;
    const user = this.deps.state.customerUsers.get(body.customerUserId as string);
    if (user === undefined || user.companyId !== auth.key.companyId) {
      return { status: 400, body: { statusCode: 400, message: MSG.customerUserNotFound } };
    }
    user.tokenVersion++;
    this.deps.onInvalidated?.(user.id);
    return {
      status: 200,
      body: { message: MSG.tokensInvalidated, customerUserId: user.id, newTokenVersion: user.tokenVersion },
    };
  }

  /**
   * Lockout check, credentials, key expiry, permission, then the API-request limit.
   * Every 401 counts as a failed authentication, per key id when the key exists, else per
   * client address (so random key ids cannot grow the table without bound per client).
   * The REST routes (rest/rest.routes.ts) authenticate through it too: one lockout and one
   * API-request limit for every endpoint.
   */
  authenticate(
    keyId: string,
    keySecret: string,
    clientAddress: string,
    now: number,
    checkPermission: boolean,
    withErrorField: boolean,
  ): Authenticated {
    const key = this.deps.state.keys.get(keyId);
    const bucket = key !== undefined ? keyId : clientAddress;
    const failed = key !== undefined ? this.failedAuthByKey : this.failedAuthByClient;
    if (failed !== undefined) {
      const lockedMs = failed.blockedFor(bucket, now);
      if (lockedMs > 0) return { ok: false, response: tooManyRequests(lockedMs) };
    }
    let message: string | undefined;
    if (key === undefined || !secretsEqual(key.keySecret, keySecret)) message = MSG.invalidCredentials;
    else if (key.expiresAt !== undefined && key.expiresAt.getTime() <= now) message = MSG.expiredKey;
    else if (checkPermission && key.permissions !== undefined && !key.permissions.includes(EMULATOR_TOKEN_PERMISSION)) {
      message = MSG.insufficientPermissions;
    }
    if (message !== undefined || key === undefined) {
      failed?.consume(bucket, now);
      const text = message ?? MSG.invalidCredentials;
      return {
        ok: false,
        response: withErrorField ? nestError(401, text) : { status: 401, body: { statusCode: 401, message: text } },
      };
    }
    if (this.apiLimiter !== undefined) {
      const retryMs = this.apiLimiter.consume(key.keyId, now);
      if (retryMs > 0) return { ok: false, response: tooManyRequests(retryMs) };
    }
    return { ok: true, key };
  }

  /**
   * The success body, concatenated rather than built as objects and stringified (it is the
   * hot path; about twice as fast). String values still go through JSON.stringify for escaping;
   * the token is base64url and needs none.
   */
  private tokenResponseJson(
    token: string,
    id: string,
    externalId: string,
    companyId: string,
    agent: EmulatorAgent,
    key: EmulatorApiKey,
  ): string {
    const customerUser =
      '{"id":' +
      q(id) +
      ',"externalId":' +
      q(externalId) +
      ',"companyId":' +
      q(companyId) +
      ',"agentId":' +
      q(agent.id) +
      '}';
    const agentJson =
      '"agent":{"id":' + q(agent.id) + ',"name":' + q(agent.name) + ',"active":' + (agent.active === true) + '}';
    const shape = this.deps.responseShape;
    if (shape === 'user') return '{"token":"' + token + '","user":' + customerUser + ',' + agentJson + '}';
    const apiKey =
      '"apiKey":{"id":' + q(key.keyId) + ',"name":' + q(key.name) + ',"environment":' + q(key.environment) + '}';
    const users =
      shape === 'both'
        ? '"customerUser":' + customerUser + ',"user":' + customerUser
        : '"customerUser":' + customerUser;
    return '{"token":"' + token + '",' + users + ',' + agentJson + ',' + apiKey + '}';
  }

  private hasActiveAgent(companyId: string): boolean {
    for (const agent of this.deps.state.agents.values()) if (agent.active && agent.companyId === companyId) return true;
    return false;
  }
}
