import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdminRoute } from './admin.routes';
import { AuthRoutes } from './auth.routes';
import { EMULATOR_CHAT_PATH } from './chat/chat.constants';
import type {
  EmulatorChat,
  EmulatorChatRefusalReason,
  EmulatorSocketFault,
  EmulatorSocketFaultSpec,
} from './chat/chat.interfaces';
import { ChatSocketServer } from './chat/chat.socket';
import { ConversationStore } from './chat/conversation.store';
import { SocketFaultRegistry } from './chat/socket-faults';
import { EMULATOR_CHAT_DEFAULTS } from './chat/chat.constants';
import {
  EMULATOR_ADMIN_PREFIX,
  EMULATOR_CONVERSATIONS_PATH,
  PERFORMCHAT_INVALIDATE_TOKEN_PATH,
  PERFORMCHAT_TOKEN_PATH,
} from './emulator.constants';
import { ChatConversations, type EmulatorConversationSeed } from './rest/rest.conversations';
import { RestRoutes } from './rest/rest.routes';
import type {
  EmulatorFault,
  EmulatorFaultSpec,
  EmulatorHttpLogEntry,
  EmulatorLogEntry,
  EmulatorRequestLogFilter,
  EmulatorRouteCounter,
  EmulatorStateExport,
  EmulatorStateSnapshot,
  EmulatorVerifyResult,
  PerformChatEmulator,
  PerformChatEmulatorOptions,
} from './emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from './emulator.messages';
import { resolveEmulatorOptions, type ResolvedEmulatorOptions } from './emulator.options';
import { EmulatorState } from './emulator.state';
import { answerWithFault, recordStatus } from './fault-responder';
import { FaultRegistry } from './faults';
import {
  isJsonContentType,
  nestError,
  parseJsonObject,
  readBody,
  writeResponse,
  type BodyError,
  type EmulatorResponse,
} from './http-utils';
import { Hs256Jwt } from './jwt';
import { RequestLog, bounded } from './request-log';
import {
  EMULATOR_STATE_FORMAT,
  EMULATOR_STATE_VERSION,
  EmulatorStateImportError,
  parseStateExport,
} from './state-transfer';
import { TimerRegistry } from './timers';
import { verifyEmulatorToken } from './token-verifier';

const INTERNAL_ERROR: EmulatorResponse = { status: 500, body: { statusCode: 500, message: MSG.internalError } };

/** Header of the 405 answer to another method on the two auth paths. */
const ALLOW_POST: Record<string, string> = Object.freeze({ allow: 'POST' });

/** The emulator: a plain node:http server (see {@link startPerformChatEmulator}). */
class PerformChatEmulatorServer implements PerformChatEmulator {
  readonly state: EmulatorState;
  readonly signingSecret: string;
  private readonly server: Server;
  private readonly jwt: Hs256Jwt;
  private readonly auth: AuthRoutes;
  private readonly rest: RestRoutes;
  private readonly faults = new FaultRegistry();
  private readonly socketFaults = new SocketFaultRegistry();
  private readonly timers = new TimerRegistry();
  private readonly conversations: ConversationStore;
  private readonly log: RequestLog | undefined;
  private readonly chatSocket: ChatSocketServer | undefined;
  readonly chat: EmulatorChat;
  private closing: Promise<void> | undefined;
  private address: AddressInfo | undefined;

  constructor(private readonly options: ResolvedEmulatorOptions) {
    this.state = new EmulatorState(options.keys, options.agents);
    this.signingSecret = options.signingSecret;
    this.jwt = new Hs256Jwt(options.signingSecret);
    const chat = options.chat;
    this.auth = new AuthRoutes({
      state: this.state,
      jwt: this.jwt,
      clock: options.clock,
      responseShape: options.responseShape,
      rateLimits: options.rateLimits,
      ...(chat !== false && chat.disconnectOnInvalidate
        ? { onInvalidated: (id: string) => this.chatSocket?.disconnectCustomerUser(id) }
        : {}),
    });
    this.log =
      options.requestLogEntries > 0
        ? new RequestLog(options.requestLogEntries, options.clock, options.logRequests ? options.logger : undefined)
        : undefined;
    this.conversations = new ConversationStore(
      chat === false ? EMULATOR_CHAT_DEFAULTS.maxConversations : chat.maxConversations,
      chat === false ? EMULATOR_CHAT_DEFAULTS.maxMessagesPerConversation : chat.maxMessagesPerConversation,
    );
    // The conversations API reads (and seeds) the chat socket's conversations.
    this.rest = new RestRoutes({
      state: this.state,
      clock: options.clock,
      authenticate: (...args) => this.auth.authenticate(...args),
      conversations: new ChatConversations(this.conversations, options.clock),
    });
    this.server = createServer(this.onRequest);
    if (chat !== false) {
      // socket.io (an optional peer) is loaded here, only when the chat socket is on.
      this.chatSocket = new ChatSocketServer({
        httpServer: this.server,
        options: chat,
        state: this.state,
        conversations: this.conversations,
        faults: this.socketFaults,
        timers: this.timers,
        clock: options.clock,
        verify: (token) => this.verify(token),
        ...(this.log === undefined ? {} : { log: this.log }),
      });
    }
    this.chat = this.chatFacade();
  }

  get host(): string {
    return this.options.host;
  }

  get port(): number {
    return this.address?.port ?? this.options.port;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        this.address = this.server.address() as AddressInfo;
        this.options.logger?.log(`PerformChat emulator listening on ${this.url}`);
        resolve(this);
      });
    });
  }

  verify(token: string): EmulatorVerifyResult {
    return verifyEmulatorToken(token, this.jwt, this.state, this.options.clock());
  }

  addFault(spec: EmulatorFaultSpec): EmulatorFault {
    const fault = this.faults.add(spec);
    this.options.logger?.log(`PerformChat emulator: fault #${fault.id} added (${describeFault(fault)})`);
    return { ...fault };
  }

  listFaults(): EmulatorFault[] {
    return this.faults.list();
  }

  clearFaults(): number {
    return this.faults.clear();
  }

  addConversation(seed: EmulatorConversationSeed): { id: string } {
    return { id: this.rest.addConversation(seed).id };
  }

  snapshot(): EmulatorStateSnapshot {
    return { ...this.state.snapshot(), faults: this.faults.list() };
  }

  reset(): void {
    this.state.reset();
    this.auth.resetLimits();
    this.faults.clear();
    this.socketFaults.clear();
    this.conversations.clear();
    this.log?.clear();
    this.options.logger?.log('PerformChat emulator: state reset');
  }

  requestLog(filter?: EmulatorRequestLogFilter): EmulatorLogEntry[] {
    return this.log?.list(filter) ?? [];
  }

  clearRequestLog(): number {
    return this.log?.clear() ?? 0;
  }

  exportState(options: { includeSigningSecret?: boolean } = {}): EmulatorStateExport {
    const snapshot = this.state.snapshot();
    return {
      format: EMULATOR_STATE_FORMAT,
      version: EMULATOR_STATE_VERSION,
      exportedAt: new Date(this.options.clock()).toISOString(),
      customerUsers: snapshot.customerUsers,
      agents: snapshot.agents,
      conversations: this.conversations.list(),
      ...(options.includeSigningSecret === true ? { signingSecret: this.signingSecret } : {}),
    };
  }

  importState(input: unknown): void {
    const data = parseStateExport(input);
    if (data.signingSecret !== undefined && data.signingSecret !== this.signingSecret) {
      // Never echo either secret.
      throw new EmulatorStateImportError(MSG.signingSecretMismatch);
    }
    this.state.replaceData(data.customerUsers, data.agents);
    this.conversations.replaceAll(data.conversations);
    this.options.logger?.log(
      `PerformChat emulator: state imported (${data.customerUsers.length} customer users, ${data.agents.length} agents, ${data.conversations.length} conversations)`,
    );
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.timers.clearAll();
      this.chatSocket?.close();
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const rawUrl = req.url ?? '/';
    const query = rawUrl.indexOf('?');
    const pathname = query === -1 ? rawUrl : rawUrl.slice(0, query);
    const method = req.method ?? 'GET';
    if (pathname.startsWith(EMULATOR_ADMIN_PREFIX)) {
      readBody(req, this.options.maxBodyBytes, (error, raw) => {
        if (error === 'aborted') return;
        let response: EmulatorResponse;
        try {
          response =
            error === 'too-large'
              ? nestError(413, MSG.bodyTooLarge)
              : method === 'POST' && pathname === EMULATOR_CONVERSATIONS_PATH
                ? this.rest.seedRoute(raw)
                : handleAdminRoute(this, method, pathname, rawUrl, raw);
        } catch (thrown) {
          response = this.internalError(thrown);
        }
        writeResponse(res, response);
      });
      return;
    }
    const counter = this.state.counterFor(method, pathname);
    counter.attempts++;
    const fault = this.faults.size === 0 ? undefined : this.faults.take(method, pathname);
    if (fault !== undefined) counter.faulted++;
    const entry = this.startLogEntry(method, pathname, res, fault?.id);
    readBody(req, this.options.maxBodyBytes, (error, raw) => {
      if (error === 'aborted') return;
      if (fault === undefined)
        return this.respond(res, counter, this.routeSafely(req, method, pathname, rawUrl, raw, error, entry), entry);
      answerWithFault(fault, {
        req,
        res,
        counter,
        timers: this.timers,
        produce: () => this.routeSafely(req, method, pathname, rawUrl, raw, error, entry),
        respond: (response) => this.respond(res, counter, response, entry),
        ...(entry === undefined ? {} : { onAnswered: (status: number) => this.finishLogEntry(entry, status) }),
      });
    });
  };

  /** A request-log entry for an API request; a connection closed without an answer logs `status: null`. */
  private startLogEntry(
    method: string,
    pathname: string,
    res: ServerResponse,
    faultId: number | undefined,
  ): LoggedRequest | undefined {
    if (this.log === undefined) return undefined;
    const logged: LoggedRequest = {
      entry: this.log.startHttp(method, pathname),
      startedAt: performance.now(),
      done: false,
    };
    if (faultId !== undefined) logged.entry.faultId = faultId;
    res.once('close', () => this.finishLogEntry(logged, null));
    return logged;
  }

  private finishLogEntry(logged: LoggedRequest, status: number | null): void {
    if (logged.done) return;
    logged.done = true;
    this.log!.finishHttp(logged.entry, status, logged.startedAt);
  }

  private route(
    req: IncomingMessage,
    method: string,
    pathname: string,
    rawUrl: string,
    raw: string,
    error: BodyError | undefined,
    logged: LoggedRequest | undefined,
  ): EmulatorResponse {
    const isToken = pathname === PERFORMCHAT_TOKEN_PATH;
    if (!isToken && pathname !== PERFORMCHAT_INVALIDATE_TOKEN_PATH) {
      // The agents, customer-users and conversations APIs; then Nest's answer for an unknown
      // route: a wrong base path (e.g. /rest/v1/rest/v1/..., the docs' /rest/v1/v1/...) lands there.
      return this.rest.handle(req, method, pathname, rawUrl, raw, error) ?? nestError(404, MSG.cannot(method, rawUrl));
    }
    if (method !== 'POST') {
      // The path exists, the method does not (RFC 9110 405 + Allow). Health probes (HEAD) land
      // here: below 500, never counted as failed authentications, and told apart from a wrong
      // path. PerformChat's own answer to HEAD is undocumented.
      return nestError(405, MSG.cannot(method, rawUrl), ALLOW_POST);
    }
    if (error === 'too-large') return nestError(413, MSG.bodyTooLarge);
    if (!isJsonContentType(req.headers['content-type'])) return nestError(400, MSG.notJsonContentType);
    const body = parseJsonObject(raw);
    if (body === undefined) return nestError(400, MSG.invalidJson);
    if (body === null) return nestError(400, MSG.bodyNotObject);
    if (logged !== undefined) {
      // Who the request was about (never the key or its secret): what tests assert on.
      if (isToken && typeof body.userId === 'string') logged.entry.userId = bounded(body.userId);
      if (!isToken && typeof body.customerUserId === 'string')
        logged.entry.customerUserId = bounded(body.customerUserId);
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    return isToken ? this.auth.generateToken(body, client) : this.auth.invalidateTokens(body, client);
  }

  /** {@link route}, with an unexpected exception answered as Nest's 500 (no closure on the hot path). */
  private routeSafely(
    req: IncomingMessage,
    method: string,
    pathname: string,
    rawUrl: string,
    raw: string,
    error: BodyError | undefined,
    logged: LoggedRequest | undefined,
  ): EmulatorResponse {
    try {
      return this.route(req, method, pathname, rawUrl, raw, error, logged);
    } catch (thrown) {
      return this.internalError(thrown);
    }
  }

  private internalError(thrown: unknown): EmulatorResponse {
    this.options.logger?.warn?.(
      `PerformChat emulator: internal error: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    );
    return INTERNAL_ERROR;
  }

  private respond(
    res: ServerResponse,
    counter: EmulatorRouteCounter,
    response: EmulatorResponse,
    logged: LoggedRequest | undefined,
  ): void {
    recordStatus(counter, response.status);
    writeResponse(res, response);
    if (logged !== undefined) this.finishLogEntry(logged, response.status);
  }

  private chatFacade(): EmulatorChat {
    const socket = this.chatSocket;
    const faults = this.socketFaults;
    const conversations = this.conversations;
    return {
      enabled: socket !== undefined,
      path: EMULATOR_CHAT_PATH,
      conversations: (customerUserId?: string) => conversations.list(customerUserId),
      sockets: () => socket?.sockets() ?? [],
      disconnectCustomerUser: (id: string, reason?: EmulatorChatRefusalReason) =>
        socket?.disconnectCustomerUser(id, reason) ?? 0,
      addFault: (spec: EmulatorSocketFaultSpec): EmulatorSocketFault => {
        const fault = faults.add(spec);
        this.options.logger?.log(
          `PerformChat emulator: socket fault #${fault.id} added (${fault.kind} on ${fault.on})`,
        );
        return fault;
      },
      listFaults: () => faults.list(),
      clearFaults: () => faults.clear(),
    };
  }
}

/** An API request's log entry while it is being answered. */
interface LoggedRequest {
  entry: EmulatorHttpLogEntry;
  startedAt: number;
  done: boolean;
}

function describeFault(fault: EmulatorFault): string {
  const what = fault.kind ?? (fault.status !== undefined ? `status ${fault.status}` : 'delay');
  const where = `${fault.method ?? '*'} ${fault.path ?? '*'}`;
  const times = fault.remaining === null ? 'until cleared' : `${fault.remaining}x`;
  return `${what} on ${where}, ${times}${fault.delayMs ? `, after ${fault.delayMs} ms` : ''}`;
}

/**
 * Starts a PerformChat emulator: a local, dependency-free HTTP server that behaves like the
 * documented PerformChat "Auth for Chat" API (token generation and invalidation, customer
 * users with token versions, the documented errors and rate limits), plus emulator-only
 * routes under `/__emulator/` to verify tokens, inject faults, inspect and reset state.
 *
 * @example
 * const emulator = await startPerformChatEmulator();
 * // configure the client with baseUrl: emulator.url and EMULATOR_DEMO_KEY's credentials
 * await emulator.close();
 *
 * @throws EmulatorOptionsError for an invalid option (the message names it).
 */
export async function startPerformChatEmulator(options: PerformChatEmulatorOptions = {}): Promise<PerformChatEmulator> {
  return new PerformChatEmulatorServer(resolveEmulatorOptions(options)).listen();
}
