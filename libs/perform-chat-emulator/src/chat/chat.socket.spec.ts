import type { Socket } from 'socket.io-client';
import { chatClient, chatToken, connected, emitAck, next } from '../../test/chat-client';
import { invalidateBody, request } from '../../test/http';
import { startPerformChatEmulator, type PerformChatEmulator, type PerformChatEmulatorOptions } from '../index';
import { EMULATOR_MESSAGES } from '../emulator.messages';
import { EmulatorOptionsError } from '../emulator-options.error';
import { loadSocketIoServer } from './socket-io.loader';

describe('emulator chat socket', () => {
  let emulator: PerformChatEmulator;
  let now: number;
  const sockets: Socket[] = [];

  async function start(options: PerformChatEmulatorOptions = {}): Promise<void> {
    now = Date.now();
    emulator = await startPerformChatEmulator({ chat: true, clock: () => now, ...options });
  }
  const track = (socket: Socket): Socket => (sockets.push(socket), socket);
  const open = async (token: string): Promise<Socket> => track(await connected(emulator, token));
  async function joined(
    token: string,
    payload: Record<string, unknown> = {},
  ): Promise<{ socket: Socket; conversationId: string }> {
    const socket = await open(token);
    const answer = await emitAck(socket, 'chat:join', { agentId: 'agent_support', token, ...payload });
    return { socket, conversationId: answer.conversationId };
  }
  async function refusal(token: string | undefined): Promise<{ message: string; data: unknown }> {
    const socket = track(chatClient(emulator, token));
    return next(socket, 'connect_error');
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await emulator?.close();
  });

  describe('handshake: auth.token in the documented order of checks', () => {
    beforeEach(() => start());

    it('accepts a valid token and lists the socket', async () => {
      const token = await chatToken(emulator, 'alice');
      const socket = await open(token);
      expect(socket.connected).toBe(true);
      expect(emulator.chat.sockets()).toEqual([
        {
          id: socket.id,
          customerUserId: emulator.state.findCustomerUser('company_demo', 'alice')!.id,
          agentId: 'agent_support',
          tokenExp: Math.floor(now / 1000) + 24 * 3600,
        },
      ]);
    });

    it.each<[string, (token: string) => string | undefined | Promise<string | undefined>]>([
      ['missing_token', () => undefined],
      ['malformed', () => 'not-a-jwt'],
      ['signature', (token) => token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')],
      [
        'expired',
        (token) => {
          now += 3_601_000;
          return token;
        },
      ],
      [
        'token_version',
        async (token) => {
          const id = emulator.state.findCustomerUser('company_demo', 'alice')!.id;
          await request(emulator.url, 'POST', '/rest/v1/auth/invalidate-token', invalidateBody(id));
          return token;
        },
      ],
      [
        'customer_user_inactive',
        (token) => {
          emulator.state.findCustomerUser('company_demo', 'alice')!.active = false;
          return token;
        },
      ],
      [
        'agent_inactive',
        (token) => {
          emulator.state.agents.get('agent_support')!.active = false;
          return token;
        },
      ],
    ])('refuses %s with a connect_error saying why', async (reason, spoil) => {
      const token = await chatToken(emulator, 'alice', { expiresIn: '1h' });
      const error = await refusal(await spoil(token));
      expect(error.message).toBe(EMULATOR_MESSAGES.chatRefusals[reason]);
      expect(error.data).toEqual({ reason, message: EMULATOR_MESSAGES.chatRefusals[reason] });
      expect(emulator.chat.sockets()).toEqual([]);
      expect(emulator.requestLog({ event: 'refused' })).toMatchObject([{ type: 'socket', event: 'refused', reason }]);
    });
  });

  describe('chat:join, chat:message → chat:response', () => {
    it('echoes by default and keeps the conversation', async () => {
      await start();
      const token = await chatToken(emulator, 'alice');
      const { socket, conversationId } = await joined(token);
      const reply = next(socket, 'chat:response');
      const ack = await emitAck(socket, 'chat:message', { agentId: 'agent_support', message: 'Hello', conversationId });
      expect(ack).toEqual({ conversationId, messageId: expect.any(String) });
      expect(await reply).toEqual({
        content: 'Echo: Hello',
        conversationId,
        messageId: expect.any(String),
        done: true,
      });
      const [conversation] = emulator.chat.conversations();
      expect(conversation).toMatchObject({ id: conversationId, agentId: 'agent_support', companyId: 'company_demo' });
      expect(conversation.messages.map((m) => [m.role, m.content])).toEqual([
        ['user', 'Hello'],
        ['agent', 'Echo: Hello'],
      ]);
      // Joining again with the conversation id gives the history back.
      const again = await emitAck(socket, 'chat:join', { conversationId });
      expect(again.messages.map((m: { content: string }) => m.content)).toEqual(['Hello', 'Echo: Hello']);
      expect(again.agent).toEqual({ id: 'agent_support', name: 'Customer Support Agent' });
    });

    it('answers canned replies in turn, after delayMs, in chunks of chunkSize', async () => {
      await start({
        chat: { agent: { replies: ['Hi there!', 'Bye'], delayMs: 30, chunkSize: 4, chunkIntervalMs: 5 } },
      });
      const { socket, conversationId } = await joined(await chatToken(emulator, 'alice'));
      const pieces: Array<{ content: string; done: boolean; messageId: string }> = [];
      socket.on('chat:response', (piece) => pieces.push(piece));
      const sentAt = Date.now();
      await emitAck(socket, 'chat:message', { message: 'one' });
      await new Promise((resolve) => socket.once('chat:response', resolve));
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(25);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(pieces.map((p) => [p.content, p.done])).toEqual([
        ['Hi t', false],
        ['here', false],
        ['!', true],
      ]);
      expect(new Set(pieces.map((p) => p.messageId)).size).toBe(1);
      pieces.length = 0;
      await emitAck(socket, 'chat:message', { message: 'two' });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(pieces.map((p) => p.content).join('')).toBe('Bye');
      expect(emulator.chat.conversations()[0].messages.map((m) => m.content)).toEqual([
        'one',
        'Hi there!',
        'two',
        'Bye',
      ]);
      expect(conversationId).toEqual(expect.any(String));
    });

    it('takes a reply function', async () => {
      await start({ chat: { agent: { replies: ({ message, turn }) => `#${turn} ${message.toUpperCase()}` } } });
      const { socket } = await joined(await chatToken(emulator, 'alice'));
      const reply = next(socket, 'chat:response');
      socket.emit('chat:message', { message: 'hey' });
      expect((await reply).content).toBe('#1 HEY');
    });

    it('refuses bad events with chat:error and the acknowledgement', async () => {
      await start({ chat: { maxMessageLength: 5 } });
      const token = await chatToken(emulator, 'alice');
      const socket = await open(token);
      expect(await emitAck(socket, 'chat:message', { message: 'early' })).toMatchObject({
        reason: 'not_joined',
        event: 'chat:message',
      });
      expect(await emitAck(socket, 'chat:join', { agentId: 'agent_sales' })).toMatchObject({
        reason: 'agent_mismatch',
      });
      expect(await emitAck(socket, 'chat:join', { conversationId: 'nope' })).toMatchObject({
        reason: 'conversation_not_found',
      });
      await emitAck(socket, 'chat:join', {});
      expect(await emitAck(socket, 'chat:message', { message: '   ' })).toMatchObject({ reason: 'invalid_message' });
      expect(await emitAck(socket, 'chat:message', { message: 'too long' })).toEqual({
        reason: 'invalid_message',
        message: 'message must be at most 5 characters',
        event: 'chat:message',
      });
      expect(await emitAck(socket, 'chat:message', 'a string')).toMatchObject({ reason: 'invalid_message' });
    });

    it("never lets a user join another user's conversation, and replies reach only their own", async () => {
      await start();
      const alice = await joined(await chatToken(emulator, 'alice'));
      const bob = await joined(await chatToken(emulator, 'bob'));
      expect(alice.conversationId).not.toBe(bob.conversationId);
      expect(await emitAck(bob.socket, 'chat:join', { conversationId: alice.conversationId })).toMatchObject({
        reason: 'conversation_not_found',
      });
      const bobGot: unknown[] = [];
      bob.socket.on('chat:response', (r) => bobGot.push(r));
      const reply = next(alice.socket, 'chat:response');
      alice.socket.emit('chat:message', { message: 'secret' });
      expect((await reply).content).toBe('Echo: secret');
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(bobGot).toEqual([]);
    });
  });

  describe('token lifetime on a live socket', () => {
    it('refuses events once the token expired; chat:join with a fresh token re-authenticates and keeps the conversation', async () => {
      await start();
      const first = await chatToken(emulator, 'alice', { expiresIn: '60s' });
      const { socket, conversationId } = await joined(first);
      now += 61_000;
      expect(await emitAck(socket, 'chat:message', { message: 'late' })).toMatchObject({
        reason: 'expired',
        message: 'Token expired',
      });
      const fresh = await chatToken(emulator, 'alice', { expiresIn: '60s' });
      const rejoined = await emitAck(socket, 'chat:join', { agentId: 'agent_support', token: fresh, conversationId });
      expect(rejoined.conversationId).toBe(conversationId);
      const reply = next(socket, 'chat:response');
      socket.emit('chat:message', { message: 'on time' });
      expect((await reply).content).toBe('Echo: on time');
      expect(emulator.chat.sockets()[0].tokenExp).toBe(Math.floor(now / 1000) + 60);
    });

    it('refuses a fresh token of another customer user', async () => {
      await start();
      const { socket } = await joined(await chatToken(emulator, 'alice'));
      expect(await emitAck(socket, 'chat:join', { token: await chatToken(emulator, 'bob') })).toMatchObject({
        reason: 'user_mismatch',
      });
    });

    it("invalidation disconnects the user's live sockets after chat:error token_version (default)", async () => {
      await start();
      const { socket } = await joined(await chatToken(emulator, 'alice'));
      const bob = await joined(await chatToken(emulator, 'bob'));
      const error = next(socket, 'chat:error');
      const disconnected = next(socket, 'disconnect');
      const id = emulator.state.findCustomerUser('company_demo', 'alice')!.id;
      expect((await request(emulator.url, 'POST', '/rest/v1/auth/invalidate-token', invalidateBody(id))).status).toBe(
        200,
      );
      expect(await error).toEqual({ reason: 'token_version', message: 'Token was invalidated' });
      expect(await disconnected).toBe('io server disconnect');
      expect(bob.socket.connected).toBe(true);
      expect(emulator.chat.sockets().map((s) => s.customerUserId)).toEqual([
        emulator.state.findCustomerUser('company_demo', 'bob')!.id,
      ]);
    });

    it('with disconnectOnInvalidate false, the socket stays but its next event is refused', async () => {
      await start({ chat: { disconnectOnInvalidate: false } });
      const { socket } = await joined(await chatToken(emulator, 'alice'));
      const id = emulator.state.findCustomerUser('company_demo', 'alice')!.id;
      await request(emulator.url, 'POST', '/rest/v1/auth/invalidate-token', invalidateBody(id));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(socket.connected).toBe(true);
      expect(await emitAck(socket, 'chat:message', { message: 'hi' })).toMatchObject({ reason: 'token_version' });
    });
  });

  describe('socket faults', () => {
    beforeEach(() => start());

    it('refuse a handshake (unavailable by default, or the given reason), then accept', async () => {
      emulator.chat.addFault({ on: 'handshake', kind: 'refuse' });
      emulator.chat.addFault({ on: 'handshake', kind: 'refuse', reason: 'expired' });
      const token = await chatToken(emulator, 'alice');
      expect((await refusal(token)).data).toEqual({
        reason: 'unavailable',
        message: 'Chat is temporarily unavailable',
      });
      expect((await refusal(token)).data).toMatchObject({ reason: 'expired' });
      expect((await open(token)).connected).toBe(true);
      expect(emulator.chat.listFaults()).toEqual([]);
    });

    it('drop a socket on a message (the client sees transport close), and delay a reply', async () => {
      const { socket } = await joined(await chatToken(emulator, 'alice'));
      emulator.chat.addFault({ on: 'message', kind: 'delay', delayMs: 60 });
      const sentAt = Date.now();
      const reply = next(socket, 'chat:response');
      socket.emit('chat:message', { message: 'slow' });
      await reply;
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(55);
      emulator.chat.addFault({ on: 'message', kind: 'drop' });
      const disconnected = next(socket, 'disconnect');
      socket.emit('chat:message', { message: 'lost' });
      expect(await disconnected).toBe('transport close');
    });

    it('are refused when invalid, naming the field', () => {
      expect(() => emulator.chat.addFault({ on: 'send' as never, kind: 'drop' })).toThrow(
        'on must be one of handshake, join, message',
      );
      expect(() => emulator.chat.addFault({ on: 'message', kind: 'delay' })).toThrow(
        'delayMs is required for kind delay',
      );
    });
  });

  it('close() ends every socket at the transport level (clients see transport close) and frees the port', async () => {
    await start();
    const socket = await open(await chatToken(emulator, 'alice'));
    const disconnected = next(socket, 'disconnect');
    await emulator.close();
    expect(await disconnected).toBe('transport close');
    const again = await startPerformChatEmulator({ port: emulator.port, chat: true });
    await again.close();
  });

  it('logs socket events in the request log, never a token', async () => {
    await start();
    const token = await chatToken(emulator, 'alice');
    const { socket } = await joined(token);
    const reply = next(socket, 'chat:response');
    socket.emit('chat:message', { message: 'hi' });
    await reply;
    const log = emulator.requestLog();
    expect(log.map((e) => (e.type === 'http' ? `${e.method} ${e.path} ${e.status}` : e.event))).toEqual([
      'POST /rest/v1/auth/token 200',
      'connect',
      'join',
      'message',
      'reply',
    ]);
    expect(JSON.stringify(log)).not.toContain(token);
  });
});

describe('loadSocketIoServer', () => {
  it('names the package to install when socket.io is missing', () => {
    const missing = Object.assign(new Error("Cannot find module 'socket.io'"), { code: 'MODULE_NOT_FOUND' });
    const load = () => {
      throw missing;
    };
    expect(() => loadSocketIoServer(load)).toThrow(EmulatorOptionsError);
    expect(() => loadSocketIoServer(load)).toThrow(/needs the socket\.io package .*npm install socket\.io@\^4/);
  });

  it('rethrows any other load error', () => {
    const broken = new SyntaxError('Unexpected token');
    expect(() =>
      loadSocketIoServer(() => {
        throw broken;
      }),
    ).toThrow(broken);
  });

  it('is not called when the chat socket is off (the default)', async () => {
    const emulator = await startPerformChatEmulator();
    try {
      expect(emulator.chat.enabled).toBe(false);
      expect((await request(emulator.url, 'GET', '/socket.io/?EIO=4&transport=polling')).status).toBe(404);
    } finally {
      await emulator.close();
    }
  });
});
