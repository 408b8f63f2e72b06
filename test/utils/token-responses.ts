/** A JWT-shaped string with the given claims (signature is fake: the client never verifies). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`;
}

export interface TokenBodyOptions {
  userId?: string;
  agentId?: string;
  /** Seconds since epoch; omit to leave `exp` out of the token. */
  exp?: number;
  /** Where the customer user goes: the token-generation page's `customerUser` or the examples page's `user`. */
  userKey?: 'customerUser' | 'user';
  withApiKey?: boolean;
}

/** A token-generation answer as the PerformChat docs show it. */
export function tokenBody(options: TokenBodyOptions = {}): Record<string, unknown> {
  const userId = options.userId ?? 'user-1';
  const agentId = options.agentId ?? 'agent_abc';
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: 'cm4abc123xyz',
    tokenVersion: 0,
    companyId: 'company_xyz',
    agentId,
    iat: now,
  };
  if (options.exp !== undefined) claims.exp = options.exp;
  return {
    token: fakeJwt(claims),
    [options.userKey ?? 'customerUser']: {
      id: 'cm4abc123xyz',
      externalId: userId,
      companyId: 'company_xyz',
      agentId,
    },
    agent: { id: agentId, name: 'Customer Support Agent', active: true },
    ...(options.withApiKey === false
      ? {}
      : { apiKey: { id: 'key_id', name: 'Production API Key', environment: 'production' } }),
  };
}
