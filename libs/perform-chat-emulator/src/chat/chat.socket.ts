import type { Server as HttpServer } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { createCustomerUserId } from '../customer-user-id';
import type { EmulatorVerifyResult, PerformChatTokenClaims } from '../emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from '../emulator.messages';
import type { EmulatorState } from '../emulator.state';
import type { RequestLog } from '../request-log';
import type { TimerRegistry } from '../timers';
import { ScriptedAgent } from './chat.agent';
import { EMULATOR_CHAT_EVENTS as EV, EMULATOR_CHAT_PATH } from './chat.constants';
import type {
  EmulatorChatError,
  EmulatorChatRefusalReason,
  EmulatorChatSocketInfo,
  EmulatorConversation,
  EmulatorSocketFault,
} from './chat.interfaces';
import type { ResolvedChatOptions } from './chat.options';
import type { ConversationStore } from './conversation.store';
import { loadSocketIoServer, type ModuleLoader } from './socket-io.loader';
import type { SocketFaultRegistry } from './socket-faults';

/** What a socket carries once its handshake passed. */
interface ChatSocketData {
  token: string;
  claims: PerformChatTokenClaims;
  conversationId?: string;
}

/** Event maps: the payloads are checked by hand (they come from any client). */
type Events = Record<string, (...args: unknown[]) => void>;
type ChatSocket = Socket<Events, Events, Events, ChatSocketData>;
type Ack = ((answer: unknown) => void) | undefined;
type Payload = Record<string, unknown>;

/** Dependencies of {@link ChatSocketServer}. */
export interface ChatSocketDeps {
  httpServer: HttpServer;
  options: ResolvedChatOptions;
  state: EmulatorState;
  conversations: ConversationStore;
  faults: SocketFaultRegistry;
  timers: TimerRegistry;
  clock: () => number;
  verify: (token: string) => EmulatorVerifyResult;
  log?: RequestLog;
  /** How socket.io is loaded (tests pass their own). Default `require`. */
  load?: ModuleLoader;
}

function refusalText(reason: EmulatorChatRefusalReason): string {
  return MSG.chatRefusals[reason] ?? MSG.chatRefusal(reason);
}

function chatError(reason: EmulatorChatRefusalReason, event?: string): EmulatorChatError {
  return event === undefined
    ? { reason, message: refusalText(reason) }
    : { reason, message: refusalText(reason), event };
}

/** A refused handshake: the client's `connect_error` has this message and `data`. */
function handshakeRefusal(reason: EmulatorChatRefusalReason): Error & { data: EmulatorChatError } {
  return Object.assign(new Error(refusalText(reason)), { data: chatError(reason) });
}

function asPayload(value: unknown): Payload | undefined {
  if (value === undefined || value === null) return {};
  return typeof value === 'object' && !Array.isArray(value) ? (value as Payload) : undefined;
}

const userRoom = (customerUserId: string): string => `customer-user:${customerUserId}`;
const conversationRoom = (conversationId: string): string => `conversation:${conversationId}`;

/**
 * The chat socket: socket.io on the emulator's HTTP server, speaking the docs' protocol
 * (`io(url, { auth: { token } })`, `chat:join`, `chat:message` → `chat:response`).
 *
 * - The handshake's `auth.token` is checked in the documented order (signature → expiry →
 *   customer user → token version → company → agent); a refusal is a `connect_error` whose
 *   message says why and whose `data` is `{ reason, message }`.
 * - Every event checks the socket's token again (it may have expired or been invalidated since
 *   the handshake); `chat:join` with a `token` swaps it for a fresh one without reconnecting.
 * - A scripted agent answers each message (echo, canned, delayed, chunked).
 */
export class ChatSocketServer {
  private readonly io: Server;
  private readonly agent: ScriptedAgent;

  constructor(private readonly deps: ChatSocketDeps) {
    const SocketIoServer = loadSocketIoServer(deps.load);
    this.agent = new ScriptedAgent(deps.options);
    // Any origin may connect: a browser page on another port or host (the demo app) talks to the
    // emulator directly, as PerformChat's widget talks to api.performchat.com. The token is in the
    // handshake, not a cookie, so no credentials ride along.
    this.io = new SocketIoServer(deps.httpServer, { path: EMULATOR_CHAT_PATH, cors: { origin: true } });
    this.io.use((socket, next) => this.handshake(socket as ChatSocket, next));
    this.io.on('connection', (socket) => this.onConnection(socket as ChatSocket));
  }

  get path(): string {
    return EMULATOR_CHAT_PATH;
  }

  /** The live sockets. */
  sockets(): EmulatorChatSocketInfo[] {
    return [...this.io.of('/').sockets.values()].map((raw) => {
      const socket = raw as ChatSocket;
      const info: EmulatorChatSocketInfo = {
        id: socket.id,
        customerUserId: socket.data.claims.sub,
        agentId: socket.data.claims.agentId,
        tokenExp: socket.data.claims.exp,
      };
      if (socket.data.conversationId !== undefined) info.conversationId = socket.data.conversationId;
      return info;
    });
  }

  /** Sends `chat:error` with `reason`, then disconnects every live socket of the customer user. */
  disconnectCustomerUser(customerUserId: string, reason: EmulatorChatRefusalReason = 'token_version'): number {
    const ids = this.io.of('/').adapter.rooms.get(userRoom(customerUserId));
    if (ids === undefined) return 0;
    let count = 0;
    for (const id of [...ids]) {
      const socket = this.io.of('/').sockets.get(id);
      if (socket === undefined) continue;
      socket.emit(EV.error, chatError(reason));
      socket.disconnect(true);
      count++;
    }
    return count;
  }

  /**
   * Closes every client's connection at the transport level, as a server going away does: the
   * clients see `transport close` and try to reconnect by themselves.
   */
  close(): void {
    this.io.engine.close();
  }

  private handshake(socket: ChatSocket, next: (error?: Error) => void): void {
    const fault = this.deps.faults.take('handshake');
    const run = (): void => {
      if (fault?.kind === 'drop') {
        this.log('refused', socket, { reason: 'dropped' });
        socket.conn.close();
        return;
      }
      if (fault?.kind === 'refuse') return this.refuseHandshake(socket, next, fault.reason ?? 'unavailable');
      const auth = socket.handshake.auth as Payload | undefined;
      const token = auth?.token;
      if (typeof token !== 'string' || token.length === 0) return this.refuseHandshake(socket, next, 'missing_token');
      const result = this.deps.verify(token);
      if (!result.valid) return this.refuseHandshake(socket, next, result.reason);
      socket.data = { token, claims: result.payload };
      next();
    };
    this.withFault(fault, run);
  }

  private refuseHandshake(socket: ChatSocket, next: (error?: Error) => void, reason: EmulatorChatRefusalReason): void {
    this.log('refused', socket, { reason });
    next(handshakeRefusal(reason));
  }

  private onConnection(socket: ChatSocket): void {
    void socket.join(userRoom(socket.data.claims.sub));
    this.log('connect', socket);
    socket.on(EV.join, (payload: unknown, ack?: unknown) =>
      this.onEvent('join', socket, () => this.join(socket, payload, toAck(ack))),
    );
    socket.on(EV.message, (payload: unknown, ack?: unknown) =>
      this.onEvent('message', socket, () => this.message(socket, payload, toAck(ack))),
    );
    socket.on('disconnect', (reason: string) => this.log('disconnect', socket, { reason }));
  }

  /** Applies the next socket fault of an event, then runs it. */
  private onEvent(target: 'join' | 'message', socket: ChatSocket, run: () => void): void {
    const fault = this.deps.faults.take(target);
    if (fault?.kind === 'drop') {
      socket.conn.close();
      return;
    }
    if (fault?.kind === 'refuse') {
      this.emitError(socket, fault.reason ?? 'unavailable', target === 'join' ? EV.join : EV.message);
      return;
    }
    this.withFault(fault, run);
  }

  private withFault(fault: EmulatorSocketFault | undefined, run: () => void): void {
    if (fault?.kind === 'delay' && fault.delayMs !== undefined && fault.delayMs > 0)
      this.deps.timers.timeout(run, fault.delayMs);
    else run();
  }

  /** The socket's current token still valid? Otherwise a `chat:error` for `event` (and the ack). */
  private authorized(socket: ChatSocket, event: string, ack: Ack): boolean {
    if (!socket.connected) return false;
    const result = this.deps.verify(socket.data.token);
    if (result.valid) return true;
    this.emitError(socket, result.reason, event, ack);
    return false;
  }

  private join(socket: ChatSocket, raw: unknown, ack: Ack): void {
    const payload = asPayload(raw);
    if (payload === undefined) return this.emitError(socket, 'invalid_message', EV.join, ack);
    if (typeof payload.token === 'string' && payload.token.length > 0 && payload.token !== socket.data.token) {
      // Re-authentication with a fresh token (refresh ahead of expiry) on the same socket.
      const result = this.deps.verify(payload.token);
      if (!result.valid) return this.emitError(socket, result.reason, EV.join, ack);
      if (result.payload.sub !== socket.data.claims.sub) return this.emitError(socket, 'user_mismatch', EV.join, ack);
      socket.data.token = payload.token;
      socket.data.claims = result.payload;
    } else if (!this.authorized(socket, EV.join, ack)) {
      return;
    }
    const claims = socket.data.claims;
    if (payload.agentId !== undefined && payload.agentId !== claims.agentId)
      return this.emitError(socket, 'agent_mismatch', EV.join, ack);
    let conversation: EmulatorConversation | undefined;
    if (payload.conversationId !== undefined) {
      conversation = this.ownConversation(socket, payload.conversationId);
      if (conversation === undefined) return this.emitError(socket, 'conversation_not_found', EV.join, ack);
    } else if (socket.data.conversationId !== undefined) {
      conversation = this.ownConversation(socket, socket.data.conversationId);
    }
    conversation ??= this.deps.conversations.create(claims.sub, claims.agentId, claims.companyId, this.deps.clock());
    if (socket.data.conversationId !== undefined && socket.data.conversationId !== conversation.id) {
      void socket.leave(conversationRoom(socket.data.conversationId));
    }
    socket.data.conversationId = conversation.id;
    void socket.join(conversationRoom(conversation.id));
    const agent = this.deps.state.agents.get(claims.agentId);
    const answer = {
      conversationId: conversation.id,
      agent: { id: claims.agentId, name: agent?.name ?? claims.agentId },
      messages: conversation.messages.map((m) => ({ ...m })),
    };
    this.log('join', socket, { conversationId: conversation.id });
    socket.emit(EV.joined, answer);
    ack?.(answer);
  }

  private message(socket: ChatSocket, raw: unknown, ack: Ack): void {
    if (!this.authorized(socket, EV.message, ack)) return;
    const payload = asPayload(raw);
    const text = payload?.message;
    if (typeof text !== 'string' || text.trim().length === 0)
      return this.emitError(socket, 'invalid_message', EV.message, ack);
    if (text.length > this.deps.options.maxMessageLength) {
      const error = {
        reason: 'invalid_message' as const,
        message: MSG.messageTooLong(this.deps.options.maxMessageLength),
        event: EV.message,
      };
      socket.emit(EV.error, error);
      this.log('error', socket, { reason: 'invalid_message' });
      return ack?.(error);
    }
    const claims = socket.data.claims;
    if (payload!.agentId !== undefined && payload!.agentId !== claims.agentId)
      return this.emitError(socket, 'agent_mismatch', EV.message, ack);
    // Only the joined conversation: the reply goes to its room, which this socket is in.
    const conversationId = socket.data.conversationId;
    if (
      conversationId === undefined ||
      (payload!.conversationId !== undefined && payload!.conversationId !== conversationId)
    ) {
      return this.emitError(socket, 'not_joined', EV.message, ack);
    }
    const conversation = this.ownConversation(socket, conversationId);
    if (conversation === undefined) return this.emitError(socket, 'conversation_not_found', EV.message, ack);

    const { message, turn } = this.deps.conversations.append(conversation, 'user', text, this.deps.clock());
    this.log('message', socket, { conversationId: conversation.id });
    ack?.({ conversationId: conversation.id, messageId: message.id });
    this.reply(socket, conversation, text, turn);
  }

  /** The scripted reply, whole or in chunks, to every socket in the conversation. */
  private reply(socket: ChatSocket, conversation: EmulatorConversation, text: string, turn: number): void {
    const claims = socket.data.claims;
    const content = this.agent.reply({
      message: text,
      conversationId: conversation.id,
      customerUserId: claims.sub,
      agentId: claims.agentId,
      turn,
    });
    const pieces = this.agent.chunks(content);
    const messageId = createCustomerUserId();
    const room = conversationRoom(conversation.id);
    pieces.forEach((piece, index) => {
      const done = index === pieces.length - 1;
      const send = (): void => {
        if (done) this.deps.conversations.append(conversation, 'agent', content, this.deps.clock(), messageId);
        this.io.to(room).emit(EV.response, { content: piece, conversationId: conversation.id, messageId, done });
        if (done) this.log('reply', socket, { conversationId: conversation.id });
      };
      const delay = this.agent.delayOf(index);
      if (delay > 0) this.deps.timers.timeout(send, delay);
      else send();
    });
  }

  /** A conversation of this socket's customer user and agent, or `undefined`. */
  private ownConversation(socket: ChatSocket, id: unknown): EmulatorConversation | undefined {
    if (typeof id !== 'string') return undefined;
    const conversation = this.deps.conversations.get(id);
    const claims = socket.data.claims;
    return conversation !== undefined &&
      conversation.customerUserId === claims.sub &&
      conversation.agentId === claims.agentId
      ? conversation
      : undefined;
  }

  private emitError(socket: ChatSocket, reason: EmulatorChatRefusalReason, event: string, ack?: Ack): void {
    const error = chatError(reason, event);
    socket.emit(EV.error, error);
    this.log('error', socket, { reason });
    ack?.(error);
  }

  private log(
    event: 'connect' | 'refused' | 'join' | 'message' | 'reply' | 'error' | 'disconnect',
    socket: ChatSocket,
    extra: { reason?: string; conversationId?: string } = {},
  ): void {
    const log = this.deps.log;
    if (log === undefined) return;
    const customerUserId = socket.data?.claims?.sub;
    log.socket({
      event,
      socketId: socket.id,
      ...(customerUserId === undefined ? {} : { customerUserId }),
      ...(extra.conversationId === undefined ? {} : { conversationId: extra.conversationId }),
      ...(extra.reason === undefined ? {} : { reason: extra.reason }),
    });
  }
}

function toAck(value: unknown): Ack {
  return typeof value === 'function' ? (value as (answer: unknown) => void) : undefined;
}
