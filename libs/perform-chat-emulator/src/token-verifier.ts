import type { EmulatorVerifyResult, PerformChatTokenClaims } from './emulator.interfaces';
import type { EmulatorState } from './emulator.state';
import type { Hs256Jwt } from './jwt';

function isClaims(payload: Record<string, unknown>): payload is Record<string, unknown> & PerformChatTokenClaims {
  return (
    typeof payload.sub === 'string' &&
    typeof payload.tokenVersion === 'number' &&
    typeof payload.companyId === 'string' &&
    typeof payload.agentId === 'string' &&
    typeof payload.iat === 'number' &&
    typeof payload.exp === 'number'
  );
}

/**
 * Validates a chat token the way the docs describe PerformChat does (§4.3), in that order:
 * signature → not expired → customer user exists and is active → `tokenVersion` equals the
 * stored version → company matches → agent active. A token that does not parse, or whose
 * signed payload lacks a claim, is `malformed`.
 */
export function verifyEmulatorToken(
  token: string,
  jwt: Hs256Jwt,
  state: EmulatorState,
  nowMs: number,
): EmulatorVerifyResult {
  const decoded = jwt.decode(token);
  if (!decoded.ok) return { valid: false, reason: decoded.reason };
  const claims = decoded.payload;
  if (!isClaims(claims)) return { valid: false, reason: 'malformed' };
  if (Math.floor(nowMs / 1000) >= claims.exp) return { valid: false, reason: 'expired' };
  const user = state.customerUsers.get(claims.sub);
  if (user === undefined) return { valid: false, reason: 'customer_user_not_found' };
  if (!user.active) return { valid: false, reason: 'customer_user_inactive' };
  if (claims.tokenVersion !== user.tokenVersion) return { valid: false, reason: 'token_version' };
  const agent = state.agents.get(claims.agentId);
  if (claims.companyId !== user.companyId || (agent !== undefined && agent.companyId !== claims.companyId)) {
    return { valid: false, reason: 'company' };
  }
  if (agent === undefined || !agent.active) return { valid: false, reason: 'agent_inactive' };
  const payload: PerformChatTokenClaims = {
    sub: claims.sub,
    tokenVersion: claims.tokenVersion,
    companyId: claims.companyId,
    agentId: claims.agentId,
    iat: claims.iat,
    exp: claims.exp,
  };
  return { valid: true, payload };
}
