import { io, type Socket } from 'socket.io-client';
import type { PerformChatEmulator } from '../src';
import { request, tokenBody } from './http';

/** A socket.io client of the emulator's chat socket, without automatic reconnection. */
export function chatClient(
  emulator: PerformChatEmulator,
  token: string | undefined,
  extra: Record<string, unknown> = {},
): Socket {
  return io(emulator.url, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...extra,
  });
}

/** The next `event` on the socket (its first argument), or a rejection after `timeoutMs`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function next<T = any>(socket: Socket, event: string, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Connects and waits for `connect`. */
export async function connected(emulator: PerformChatEmulator, token: string): Promise<Socket> {
  const socket = chatClient(emulator, token);
  await next(socket, 'connect');
  return socket;
}

/** A token of the demo key for `userId`. */
export async function chatToken(
  emulator: PerformChatEmulator,
  userId = 'user_123',
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const res = await request(emulator.url, 'POST', '/rest/v1/auth/token', tokenBody({ userId, ...overrides }));
  if (res.status !== 200) throw new Error(`token request answered ${res.status}: ${res.text}`);
  return res.json.token as string;
}

/** Emits with an acknowledgement and resolves with it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function emitAck<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(3000).emitWithAck(event, payload) as Promise<T>;
}
