import { Socket, io } from 'socket.io-client';
import { PLATFORMS } from './utils/rate-limit-app';
import { RunningSocketApp, startSocketApp } from './utils/socket-app';

/** What the gateway emits as `exception` when the limit refuses. */
interface Refusal {
  status: 'error';
  message: string;
  code: 'RATE_LIMITED';
  retryAfterMs: number;
}

/** The ack of one `send`, or the `exception` event that came instead. */
function send(socket: Socket): Promise<{ ack: string } | { refused: Refusal }> {
  return new Promise((resolve) => {
    const onException = (refused: Refusal) => resolve({ refused });
    socket.once('exception', onException);
    socket.emit('send', { text: 'hi' }, (ack: string) => {
      socket.off('exception', onException);
      resolve({ ack });
    });
  });
}

describe.each(PLATFORMS)('PerformChatRateLimitGuard on a socket.io gateway on %s', (platform) => {
  let server: RunningSocketApp;
  const sockets: Socket[] = [];
  const connect = async (user?: string): Promise<Socket> => {
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: user === undefined ? {} : { user },
      forceNew: true,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };

  beforeAll(async () => {
    server = await startSocketApp(platform);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server.close();
  });

  it('limits per user across the user’s sockets; the refusal is an exception event with code RATE_LIMITED and retryAfterMs', async () => {
    const first = await connect('alice');
    const second = await connect('alice');
    expect(await send(first)).toEqual({ ack: 'sent' });
    expect(await send(second)).toEqual({ ack: 'sent' });
    expect(await send(first)).toEqual({ ack: 'sent' });
    const refused = await send(second);
    expect(refused).toEqual({
      refused: {
        status: 'error',
        message: 'Too many requests: you have reached the limit of this route; try again in 60 s',
        code: 'RATE_LIMITED',
        retryAfterMs: expect.any(Number),
      },
    });
    const { retryAfterMs } = (refused as { refused: Refusal }).refused;
    expect(retryAfterMs).toBeGreaterThan(55_000);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    // The socket stays connected, and another user is not affected.
    expect(second.connected).toBe(true);
    expect(await send(await connect('bob'))).toEqual({ ack: 'sent' });
  });

  it('counts anonymous sockets by their address', async () => {
    const anonymous = await connect();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await send(anonymous));
    expect(results.map((r) => ('ack' in r ? 'ack' : r.refused.code))).toEqual(['ack', 'ack', 'ack', 'RATE_LIMITED']);
  });
});
