import type { IncomingMessage } from 'node:http';
import { requireString, type Authenticated } from '../auth.routes';
import type { EmulatorAgent, EmulatorCustomerUser } from '../emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from '../emulator.messages';
import type { EmulatorState } from '../emulator.state';
import { isJsonContentType, nestError, parseJsonObject, type BodyError, type EmulatorResponse } from '../http-utils';
import {
  EmulatorConversationSeedError,
  type EmulatorConversationSeed,
  type RestConversation,
  type RestConversationSource,
} from './rest.conversations';
import { matchRestRoute, type RestRouteMatch } from './rest.paths';

/** Dependencies of {@link RestRoutes}. */
export interface RestRoutesDeps {
  state: EmulatorState;
  clock: () => number;
  /** The auth routes' check: lockout, credentials, key expiry, then the API-request limit. */
  authenticate: (
    keyId: string,
    keySecret: string,
    clientAddress: string,
    now: number,
    checkPermission: boolean,
    withErrorField: boolean,
  ) => Authenticated;
  /** Where conversations come from, and seeds go. */
  conversations: RestConversationSource;
}

type Body = Record<string, unknown>;

/** PerformChat's documented page size: default 20 (50 for messages), at most 100. */
const DEFAULT_LIMIT = 20;
const DEFAULT_MESSAGES_LIMIT = 50;
const MAX_LIMIT = 100;
/** An id PerformChat would accept (emulator choice: the format is not documented): no whitespace or control characters, at most 256. */
const ID_FORMAT = /^[^\s\u0000-\u001f\u007f]{1,256}$/;
/** A positive whole number without sign or leading zeros, as a query value. */
const POSITIVE = /^[1-9]\d{0,8}$/;
/** Emulator choice: an email is something@something, without whitespace. */
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const UPDATE_FIELDS = new Set(['keyId', 'keySecret', 'name', 'email', 'metadata']);

const iso = (date: Date) => date.toISOString();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `page` / `limit` of a list route, or a 400 with the route's documented message. */
function readPage(
  rawUrl: string,
  defaultLimit: number,
  invalid: string,
): { page: number; limit: number } | EmulatorResponse {
  const question = rawUrl.indexOf('?');
  const query = new URLSearchParams(question === -1 ? '' : rawUrl.slice(question + 1));
  const page = query.get('page');
  const limit = query.get('limit');
  if (
    (page !== null && !POSITIVE.test(page)) ||
    (limit !== null && (!POSITIVE.test(limit) || Number(limit) > MAX_LIMIT))
  ) {
    return nestError(400, invalid);
  }
  return { page: page === null ? 1 : Number(page), limit: limit === null ? defaultLimit : Number(limit) };
}

/** One page of `items`: `{ data, pagination }` with PerformChat's field names. */
function pageOf<T>(
  items: readonly T[],
  { page, limit }: { page: number; limit: number },
  write: (item: T) => unknown,
  extra: Body = {},
): EmulatorResponse {
  const start = (page - 1) * limit;
  const data = items.slice(start, start + limit).map(write);
  return {
    status: 200,
    body: {
      data,
      pagination: { page, limit, total: items.length, total_pages: Math.ceil(items.length / limit) },
      ...extra,
    },
  };
}

function agentJson(agent: EmulatorAgent, startedAt: Date): Body {
  return {
    id: agent.id,
    name: agent.name,
    active: agent.active,
    created_at: iso(startedAt),
    updated_at: iso(startedAt),
  };
}

function customerUserJson(user: EmulatorCustomerUser): Body {
  return {
    id: user.id,
    external_id: user.externalId,
    name: user.name ?? null,
    email: user.email ?? null,
    metadata: user.metadata ?? null,
    active: user.active,
    created_at: iso(user.createdAt),
    last_seen_at: iso(user.lastSeenAt),
  };
}

function conversationJson(conversation: RestConversation): Body {
  const last = conversation.messages[conversation.messages.length - 1];
  return {
    id: conversation.id,
    title: conversation.title,
    customer_user_id: conversation.customerUserId,
    message_count: conversation.messages.length,
    created_at: iso(conversation.createdAt),
    updated_at: iso(last === undefined ? conversation.createdAt : last.createdAt),
  };
}

/**
 * The agents, customer-users and conversations APIs (spec §2.3), with the documented shapes
 * (snake_case), errors and pagination. Credentials travel in the JSON body on every method, as
 * documented, GET included. Order of checks: method → body → credentials (lockout, key, then the
 * API-request limit, shared with the auth routes) → query → id → record (company-scoped).
 */
export class RestRoutes {
  /** `created_at` / `updated_at` of the configured agents: when the emulator started. */
  private readonly startedAt: Date;

  constructor(private readonly deps: RestRoutesDeps) {
    this.startedAt = new Date(deps.clock());
  }

  /** The answer of a documented REST endpoint, or undefined when `pathname` is none of them. */
  handle(
    req: IncomingMessage,
    method: string,
    pathname: string,
    rawUrl: string,
    raw: string,
    error: BodyError | undefined,
  ): EmulatorResponse | undefined {
    const route = matchRestRoute(pathname);
    if (route === undefined) return undefined;
    if (method !== route.method) return nestError(405, MSG.cannot(method, rawUrl), { allow: route.method });
    if (error === 'too-large') return nestError(413, MSG.bodyTooLarge);
    // A GET may come without a body (no credentials: 400 below); one with a body must say it is JSON.
    if (raw.length > 0 && !isJsonContentType(req.headers['content-type']))
      return nestError(400, MSG.notJsonContentType);
    const body = parseJsonObject(raw);
    if (body === undefined) return nestError(400, MSG.invalidJson);
    if (body === null) return nestError(400, MSG.bodyNotObject);
    const invalid = requireString(body, 'keyId') ?? requireString(body, 'keySecret');
    if (invalid !== undefined) return invalid;
    const now = this.deps.clock();
    const auth = this.deps.authenticate(
      body.keyId as string,
      body.keySecret as string,
      req.socket.remoteAddress ?? 'unknown',
      now,
      false,
      true,
    );
    if (!auth.ok) return auth.response;
    return this.dispatch(route, auth.key.companyId, rawUrl, body, now);
  }

  /** Adds a seeded conversation of an existing customer user (the emulator's `addConversation`). */
  addConversation(seed: EmulatorConversationSeed): RestConversation {
    if (!isPlainObject(seed))
      throw new EmulatorConversationSeedError(
        'the conversation must be an object { customerUserId, title?, messages? }',
      );
    if (typeof seed.customerUserId !== 'string')
      throw new EmulatorConversationSeedError('customerUserId must be a string');
    const user = this.deps.state.customerUsers.get(seed.customerUserId);
    if (user === undefined)
      throw new EmulatorConversationSeedError(
        'customerUserId is not a customer user of the emulator (generate a token for it first)',
      );
    return this.deps.conversations.add(seed, user);
  }

  /** `POST /__emulator/conversations`: 201 with the conversation as the REST API shows it, 400 naming a bad field. */
  seedRoute(raw: string): EmulatorResponse {
    const body = parseJsonObject(raw);
    if (body === undefined) return nestError(400, MSG.invalidJson);
    if (body === null) return nestError(400, MSG.bodyNotObject);
    try {
      return { status: 201, body: conversationJson(this.addConversation(body as unknown as EmulatorConversationSeed)) };
    } catch (thrown) {
      if (thrown instanceof EmulatorConversationSeedError) return nestError(400, thrown.message);
      throw thrown;
    }
  }

  private dispatch(
    route: RestRouteMatch,
    companyId: string,
    rawUrl: string,
    body: Body,
    now: number,
  ): EmulatorResponse {
    const state = this.deps.state;
    let id: string | undefined;
    if (route.rawId !== undefined) {
      try {
        id = decodeURIComponent(route.rawId);
      } catch {
        id = undefined;
      }
    }
    switch (route.name) {
      case 'listAgents': {
        const page = readPage(rawUrl, DEFAULT_LIMIT, MSG.invalidQueryParameters);
        if ('status' in page) return page;
        const agents = [...state.agents.values()].filter((agent) => agent.companyId === companyId);
        return pageOf(agents, page, (agent) => agentJson(agent, this.startedAt));
      }
      case 'getAgent': {
        if (id === undefined || !ID_FORMAT.test(id)) return nestError(400, MSG.invalidAgentIdFormat);
        const agent = state.agents.get(id);
        if (agent === undefined || agent.companyId !== companyId)
          return nestError(404, MSG.agentNotFoundOrOtherCompany);
        return {
          status: 200,
          body: { ...agentJson(agent, this.startedAt), prompt_template: agent.promptTemplate ?? null },
        };
      }
      case 'listCustomerUsers': {
        const page = readPage(rawUrl, DEFAULT_LIMIT, MSG.invalidQueryParameters);
        if ('status' in page) return page;
        const filter = this.customerUserFilter(body);
        if (typeof filter === 'string') return nestError(400, filter);
        const users = [...state.customerUsers.values()].filter((user) => user.companyId === companyId && filter(user));
        return pageOf(users, page, customerUserJson);
      }
      case 'updateCustomerUser': {
        const user = id === undefined ? undefined : state.customerUsers.get(id);
        if (user === undefined || user.companyId !== companyId)
          return nestError(404, MSG.customerUserNotFoundOrOtherCompany);
        if (!this.validUpdate(body)) return nestError(400, MSG.invalidRequestBody);
        if (body.name !== undefined) user.name = body.name as string;
        if (body.email !== undefined) user.email = body.email as string;
        if (body.metadata !== undefined) user.metadata = { ...(body.metadata as Record<string, unknown>) };
        user.updatedAt = new Date(now);
        const { created_at: _created, last_seen_at: _seen, ...answer } = customerUserJson(user);
        return { status: 200, body: { ...answer, updated_at: iso(user.updatedAt) } };
      }
      case 'listConversations': {
        const page = readPage(rawUrl, DEFAULT_LIMIT, MSG.invalidParameters);
        if ('status' in page) return page;
        return pageOf(this.conversationsOf(companyId), page, conversationJson);
      }
      case 'getConversation': {
        const conversation = this.conversation(id, companyId);
        return conversation === undefined
          ? nestError(404, MSG.conversationNotFound)
          : { status: 200, body: conversationJson(conversation) };
      }
      case 'listMessages': {
        const page = readPage(rawUrl, DEFAULT_MESSAGES_LIMIT, MSG.invalidParameters);
        if ('status' in page) return page;
        const conversation = this.conversation(id, companyId);
        if (conversation === undefined) return nestError(404, MSG.conversationNotFound);
        const write = (message: RestConversation['messages'][number]) => ({
          id: message.id,
          content: message.content,
          role: message.role,
          conversation_id: conversation.id,
          created_at: iso(message.createdAt),
        });
        return pageOf(conversation.messages, page, write, {
          conversation: { id: conversation.id, title: conversation.title },
        });
      }
    }
  }

  /**
   * The body filters of the customer-user list (emulator choice, the docs give no rule):
   * `external_id` exact, `name` and `email` case-insensitive substrings. A filter that is not a
   * string: the message of a 400.
   */
  private customerUserFilter(body: Body): ((user: EmulatorCustomerUser) => boolean) | string {
    const { name, email, external_id: externalId } = body;
    for (const [field, value] of [
      ['name', name],
      ['email', email],
      ['external_id', externalId],
    ] as const) {
      if (value !== undefined && typeof value !== 'string') return MSG.mustBeString(field);
    }
    const contains = (text: string | null | undefined, part: unknown) =>
      part === undefined || (typeof text === 'string' && text.toLowerCase().includes((part as string).toLowerCase()));
    return (user) =>
      (externalId === undefined || user.externalId === externalId) &&
      contains(user.name, name) &&
      contains(user.email, email);
  }

  /** A PUT body: only the documented fields, `name` a string, `email` an address, `metadata` an object. */
  private validUpdate(body: Body): boolean {
    if (Object.keys(body).some((key) => !UPDATE_FIELDS.has(key))) return false;
    if (body.name !== undefined && typeof body.name !== 'string') return false;
    if (body.email !== undefined && (typeof body.email !== 'string' || !EMAIL.test(body.email))) return false;
    return body.metadata === undefined || isPlainObject(body.metadata);
  }

  private conversationsOf(companyId: string): RestConversation[] {
    return this.deps.conversations.list().filter((conversation) => conversation.companyId === companyId);
  }

  private conversation(id: string | undefined, companyId: string): RestConversation | undefined {
    const conversation = id === undefined ? undefined : this.deps.conversations.get(id);
    return conversation !== undefined && conversation.companyId === companyId ? conversation : undefined;
  }
}
