import { decodeJwt } from 'jose';
import { PerformChatError } from '../../errors/perform-chat.error';
import { PerformChatErrorCode } from '../../errors/perform-chat-error-code';
import { Messages } from '../../perform-chat.messages';
import {
  PerformChatAgent,
  PerformChatApiKeyInfo,
  PerformChatCustomerUser,
  PerformChatInvalidation,
  PerformChatToken,
} from './auth.interfaces';

type Json = Record<string, unknown>;

function invalid(reason: string): PerformChatError {
  return new PerformChatError(PerformChatErrorCode.INVALID_RESPONSE, Messages.invalidResponse(reason));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readObject(parent: Json, key: string, where: string): Json {
  const value = parent[key];
  if (!isObject(value)) throw invalid(Messages.answerFieldNotObject(`${where}${key}`));
  return value;
}

function readString(parent: Json, key: string, where: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || value.length === 0) throw invalid(Messages.answerFieldNotString(`${where}${key}`));
  return value;
}

/** The JWT's `exp` in ms, or undefined when the token does not decode or has no numeric `exp`. */
function readExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenRequestFacts {
  userId: string;
  agentId: string;
  expiresInSeconds: number;
  /** Clock reading taken before the request was sent. */
  requestedAt: number;
}

/**
 * Checks a token-generation answer against the documented shapes and normalises it.
 * The customer user is read from `customerUser` or `user` (the docs show both); `apiKey` is
 * optional (one page shows it, one does not). A customer user or agent that is not the one
 * asked for is refused: handing a browser another user's token must be impossible.
 */
export function parseTokenResponse(body: unknown, facts: TokenRequestFacts, now = Date.now()): PerformChatToken {
  if (!isObject(body)) throw invalid(Messages.answerNotObject());
  const token = body.token;
  if (typeof token !== 'string' || token.length === 0) throw invalid(Messages.answerFieldNotString('token'));

  const userKey = isObject(body.customerUser) ? 'customerUser' : 'user';
  const rawUser = readObject(body, userKey, '');
  const customerUser: PerformChatCustomerUser = {
    id: readString(rawUser, 'id', `${userKey}.`),
    externalId: readString(rawUser, 'externalId', `${userKey}.`),
    companyId: readString(rawUser, 'companyId', `${userKey}.`),
    agentId: readString(rawUser, 'agentId', `${userKey}.`),
  };
  const rawAgent = readObject(body, 'agent', '');
  if (typeof rawAgent.active !== 'boolean') throw invalid(Messages.answerFieldNotBoolean('agent.active'));
  const agent: PerformChatAgent = {
    id: readString(rawAgent, 'id', 'agent.'),
    name: readString(rawAgent, 'name', 'agent.'),
    active: rawAgent.active,
  };
  if (customerUser.externalId !== facts.userId) {
    throw invalid(Messages.answerOtherUser(userKey));
  }
  if (agent.id !== facts.agentId) throw invalid(Messages.answerOtherAgent());

  let apiKey: PerformChatApiKeyInfo | undefined;
  if (body.apiKey !== undefined) {
    const rawKey = readObject(body, 'apiKey', '');
    apiKey = {
      id: readString(rawKey, 'id', 'apiKey.'),
      name: readString(rawKey, 'name', 'apiKey.'),
      environment: readString(rawKey, 'environment', 'apiKey.'),
    };
  }

  const expiresAtMs = readExpiry(token) ?? facts.requestedAt + facts.expiresInSeconds * 1000;
  return {
    token,
    expiresAt: new Date(expiresAtMs),
    expiresInSeconds: Math.max(0, Math.floor((expiresAtMs - now) / 1000)),
    customerUser,
    agent,
    ...(apiKey ? { apiKey } : {}),
  };
}

/** Checks the documented invalidation answer `{ message, customerUserId, newTokenVersion }`. */
export function parseInvalidationResponse(body: unknown, customerUserId: string): PerformChatInvalidation {
  if (!isObject(body)) throw invalid(Messages.answerNotObject());
  const version = body.newTokenVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw invalid(Messages.answerBadTokenVersion());
  }
  if (body.customerUserId !== undefined && body.customerUserId !== customerUserId) {
    throw invalid(Messages.answerOtherCustomerUser());
  }
  return { customerUserId, newTokenVersion: version };
}
