import type { EmulatorChatMessage, EmulatorConversation } from './chat/chat.interfaces';
import type { EmulatorAgent, EmulatorCustomerUser } from './emulator.interfaces';

/** `format` of an exported state. */
export const EMULATOR_STATE_FORMAT = 'performchat-emulator-state';
/** `version` of the exported state's shape. */
export const EMULATOR_STATE_VERSION = 1;

/** Thrown by `importState` for a bad document; the message names the field. Answered 400 over HTTP. */
export class EmulatorStateImportError extends Error {
  override readonly name = 'EmulatorStateImportError';
}

/** What an import replaces, checked. */
export interface EmulatorStateImport {
  customerUsers: EmulatorCustomerUser[];
  agents: EmulatorAgent[];
  conversations: EmulatorConversation[];
  signingSecret?: string;
}

type Json = Record<string, unknown>;

function fail(message: string): never {
  throw new EmulatorStateImportError(`state import: ${message}`);
}

function object(value: unknown, at: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${at} must be an object`);
  return value as Json;
}

function array(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) fail(`${at} must be an array`);
  return value;
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${at} must be a non-empty string`);
  return value;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string') fail(`${at} must be a string`);
  return value;
}

function date(value: unknown, at: string): Date {
  const parsed = typeof value === 'string' ? new Date(value) : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime())) fail(`${at} must be an ISO 8601 date`);
  return parsed;
}

function bool(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') fail(`${at} must be a boolean`);
  return value;
}

function unique<T>(items: T[], key: (item: T) => string, at: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) fail(`${at}[${i}] is a duplicate (${k})`);
    seen.add(k);
  });
}

/** Checks an exported state (from `exportState()` or `GET /__emulator/state/export`) for import. */
export function parseStateExport(input: unknown): EmulatorStateImport {
  const doc = object(input, 'the document');
  if (doc.format !== EMULATOR_STATE_FORMAT) fail(`format must be "${EMULATOR_STATE_FORMAT}"`);
  if (doc.version !== EMULATOR_STATE_VERSION) fail(`version must be ${EMULATOR_STATE_VERSION}`);

  const customerUsers = array(doc.customerUsers, 'customerUsers').map((raw, i): EmulatorCustomerUser => {
    const at = `customerUsers[${i}]`;
    const u = object(raw, at);
    if (typeof u.tokenVersion !== 'number' || !Number.isInteger(u.tokenVersion) || u.tokenVersion < 0) {
      fail(`${at}.tokenVersion must be an integer >= 0`);
    }
    return {
      id: string(u.id, `${at}.id`),
      externalId: string(u.externalId, `${at}.externalId`),
      companyId: string(u.companyId, `${at}.companyId`),
      agentId: string(u.agentId, `${at}.agentId`),
      tokenVersion: u.tokenVersion,
      active: bool(u.active, `${at}.active`),
      createdAt: date(u.createdAt, `${at}.createdAt`),
      lastSeenAt: date(u.lastSeenAt, `${at}.lastSeenAt`),
      // Set by PUT /rest/v1/customer-users/:id (optional: older exports have none).
      ...(u.name != null ? { name: text(u.name, `${at}.name`) } : {}),
      ...(u.email != null ? { email: text(u.email, `${at}.email`) } : {}),
      ...(u.metadata != null ? { metadata: object(u.metadata, `${at}.metadata`) } : {}),
      ...(u.updatedAt !== undefined ? { updatedAt: date(u.updatedAt, `${at}.updatedAt`) } : {}),
    };
  });
  unique(customerUsers, (u) => u.id, 'customerUsers');
  unique(customerUsers, (u) => `${u.companyId}/${u.externalId}`, 'customerUsers');

  const agents = array(doc.agents, 'agents').map((raw, i): EmulatorAgent => {
    const at = `agents[${i}]`;
    const a = object(raw, at);
    return {
      id: string(a.id, `${at}.id`),
      name: string(a.name, `${at}.name`),
      active: bool(a.active, `${at}.active`),
      companyId: string(a.companyId, `${at}.companyId`),
    };
  });
  unique(agents, (a) => a.id, 'agents');

  const userIds = new Set(customerUsers.map((u) => u.id));
  const conversations = array(doc.conversations ?? [], 'conversations').map((raw, i): EmulatorConversation => {
    const at = `conversations[${i}]`;
    const c = object(raw, at);
    const customerUserId = string(c.customerUserId, `${at}.customerUserId`);
    if (!userIds.has(customerUserId)) fail(`${at}.customerUserId is not one of customerUsers`);
    const messages = array(c.messages, `${at}.messages`).map((rawMessage, j): EmulatorChatMessage => {
      const mat = `${at}.messages[${j}]`;
      const m = object(rawMessage, mat);
      if (m.role !== 'user' && m.role !== 'agent') fail(`${mat}.role must be "user" or "agent"`);
      return {
        id: string(m.id, `${mat}.id`),
        role: m.role,
        content: text(m.content, `${mat}.content`),
        at: date(m.at, `${mat}.at`).toISOString(),
      };
    });
    return {
      id: string(c.id, `${at}.id`),
      customerUserId,
      agentId: string(c.agentId, `${at}.agentId`),
      companyId: string(c.companyId, `${at}.companyId`),
      createdAt: date(c.createdAt, `${at}.createdAt`).toISOString(),
      messages,
      ...(c.title != null ? { title: text(c.title, `${at}.title`) } : {}),
    };
  });
  unique(conversations, (c) => c.id, 'conversations');

  const result: EmulatorStateImport = { customerUsers, agents, conversations };
  if (doc.signingSecret !== undefined) result.signingSecret = string(doc.signingSecret, 'signingSecret');
  return result;
}
