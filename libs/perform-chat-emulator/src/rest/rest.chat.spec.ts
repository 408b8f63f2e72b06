import type { Socket } from 'socket.io-client';
import { chatToken, connected, emitAck, next } from '../../test/chat-client';
import { credentials, requestWithBody } from '../../test/http';
import { startPerformChatEmulator, type PerformChatEmulator } from '../index';

/** The conversations API and the chat socket share one store: what is chatted is what is listed. */
describe('emulator: the conversations API reads the chat socket', () => {
  let emulator: PerformChatEmulator;
  let socket: Socket | undefined;
  const get = (path: string) => requestWithBody(emulator.url, 'GET', path, credentials());

  beforeEach(async () => {
    emulator = await startPerformChatEmulator({ chat: true });
  });
  afterEach(async () => {
    socket?.disconnect();
    await emulator.close();
  });

  it('lists a chat with its messages, the agent as "assistant"', async () => {
    const token = await chatToken(emulator, 'alice');
    socket = await connected(emulator, token);
    const { conversationId } = await emitAck(socket, 'chat:join', { agentId: 'agent_support', token });
    const reply = next(socket, 'chat:response');
    await emitAck(socket, 'chat:message', { message: 'Hello', conversationId });
    await reply;
    const alice = emulator.state.findCustomerUser('company_demo', 'alice')!;

    expect((await get('/rest/v1/conversations')).json.data).toEqual([
      {
        id: conversationId,
        title: null,
        customer_user_id: alice.id,
        message_count: 2,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    const messages = (await get(`/rest/v1/conversations/${conversationId}/messages`)).json.data;
    expect(messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Echo: Hello'],
    ]);
  });

  it('lets the socket continue a seeded conversation, and exports and imports titles and customer-user profiles', async () => {
    const token = await chatToken(emulator, 'bob');
    const bob = emulator.state.findCustomerUser('company_demo', 'bob')!;
    const { id } = emulator.addConversation({
      customerUserId: bob.id,
      title: 'Order 42',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await requestWithBody(emulator.url, 'PUT', `/rest/v1/customer-users/${bob.id}`, credentials({ name: 'Bob' }));

    socket = await connected(emulator, token);
    const joined = await emitAck(socket, 'chat:join', { agentId: 'agent_support', token, conversationId: id });
    expect(joined.conversationId).toBe(id);

    const exported = emulator.exportState();
    emulator.reset();
    expect((await get('/rest/v1/conversations')).json.data).toEqual([]);
    emulator.importState(exported);
    expect((await get(`/rest/v1/conversations/${id}`)).json).toMatchObject({ title: 'Order 42', message_count: 1 });
    expect((await get('/rest/v1/customer-users')).json.data).toMatchObject([{ id: bob.id, name: 'Bob' }]);
  });
});
