import { chatToken, connected, emitAck, next } from '../test/chat-client';
import { request } from '../test/http';
import { EmulatorStateImportError, startPerformChatEmulator, type PerformChatEmulator } from './index';

describe('state export/import', () => {
  const running: PerformChatEmulator[] = [];
  const start = async (options: Parameters<typeof startPerformChatEmulator>[0] = {}) => {
    const emulator = await startPerformChatEmulator({ chat: true, ...options });
    running.push(emulator);
    return emulator;
  };
  afterEach(async () => {
    for (const emulator of running.splice(0)) await emulator.close();
  });

  it('carries customer users (token versions), agents and conversations to another emulator; tokens stay valid with the same signing secret', async () => {
    const first = await start({ signingSecret: 'shared-signing-secret' });
    const token = await chatToken(first, 'alice');
    const socket = await connected(first, token);
    const { conversationId } = await emitAck(socket, 'chat:join', {});
    const reply = next(socket, 'chat:response');
    socket.emit('chat:message', { message: 'remember me' });
    await reply;
    socket.disconnect();
    first.state.agents.get('agent_sales')!.active = false;

    const exported = first.exportState();
    expect(exported).toMatchObject({
      format: 'performchat-emulator-state',
      version: 1,
      exportedAt: expect.any(String),
    });
    expect(JSON.stringify(exported)).not.toMatch(/sk_|shared-signing-secret/);
    await first.close();

    const second = await start({ signingSecret: 'shared-signing-secret', port: first.port });
    second.importState(JSON.parse(JSON.stringify(exported)));
    expect(second.verify(token)).toMatchObject({ valid: true });
    expect(second.state.agents.get('agent_sales')!.active).toBe(false);
    const again = await connected(second, token);
    const joined = await emitAck(again, 'chat:join', { conversationId });
    expect(joined.messages.map((m: { content: string }) => m.content)).toEqual(['remember me', 'Echo: remember me']);
    again.disconnect();
    // The same customer user is reused for new tokens.
    await chatToken(second, 'alice');
    expect(second.state.customerUsers.size).toBe(1);
  });

  it('over HTTP: GET /__emulator/state/export, POST /__emulator/state/import (400 naming a bad field)', async () => {
    const emulator = await start();
    await chatToken(emulator, 'alice');
    const exported = await request(emulator.url, 'GET', '/__emulator/state/export');
    expect(exported.json.customerUsers).toHaveLength(1);
    expect(exported.json.signingSecret).toBeUndefined();
    emulator.reset();
    expect((await request(emulator.url, 'POST', '/__emulator/state/import', exported.json)).json).toEqual({
      message: 'Emulator state imported',
    });
    expect(emulator.state.findCustomerUser('company_demo', 'alice')).toBeDefined();
    const bad = { ...exported.json, customerUsers: [{ ...exported.json.customerUsers[0], tokenVersion: -1 }] };
    expect((await request(emulator.url, 'POST', '/__emulator/state/import', bad)).json).toEqual({
      statusCode: 400,
      message: 'state import: customerUsers[0].tokenVersion must be an integer >= 0',
      error: 'Bad Request',
    });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each<[string, (doc: Record<string, any>) => unknown, string]>([
    ['format', (d) => ({ ...d, format: 'other' }), 'format must be "performchat-emulator-state"'],
    ['version', (d) => ({ ...d, version: 2 }), 'version must be 1'],
    [
      'a duplicate user',
      (d) => ({ ...d, customerUsers: [d.customerUsers[0], d.customerUsers[0]] }),
      'customerUsers[1] is a duplicate',
    ],
    [
      'a conversation of nobody',
      (d) => ({
        ...d,
        conversations: [
          { id: 'c', customerUserId: 'ghost', agentId: 'a', companyId: 'x', createdAt: d.exportedAt, messages: [] },
        ],
      }),
      'conversations[0].customerUserId is not one of customerUsers',
    ],
    [
      'a bad role',
      (d) => ({
        ...d,
        conversations: [
          {
            id: 'c',
            customerUserId: d.customerUsers[0].id,
            agentId: 'a',
            companyId: 'x',
            createdAt: d.exportedAt,
            messages: [{ id: 'm', role: 'bot', content: '', at: d.exportedAt }],
          },
        ],
      }),
      'conversations[0].messages[0].role must be "user" or "agent"',
    ],
    [
      'another signing secret',
      (d) => ({ ...d, signingSecret: 'not-this-one' }),
      'exported with another signing secret',
    ],
  ])('refuses %s, naming it', async (_what, spoil, message) => {
    const emulator = await start();
    await chatToken(emulator, 'alice');
    const doc = emulator.exportState();
    expect(() => emulator.importState(spoil(doc as never))).toThrow(EmulatorStateImportError);
    expect(() => emulator.importState(spoil(doc as never))).toThrow(message);
    expect(() => emulator.importState(spoil(doc as never))).not.toThrow(/not-this-one/);
  });

  it('includes the signing secret only when asked, and imports it when it matches', async () => {
    const emulator = await start({ signingSecret: 'the-secret' });
    const doc = emulator.exportState({ includeSigningSecret: true });
    expect(doc.signingSecret).toBe('the-secret');
    expect(() => emulator.importState(doc)).not.toThrow();
  });
});
