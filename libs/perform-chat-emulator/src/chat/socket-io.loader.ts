import type { Server as HttpServer } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { EmulatorOptionsError } from '../emulator-options.error';
import { EMULATOR_MESSAGES as MSG } from '../emulator.messages';

/** socket.io's `Server` class (the only export the emulator uses). */
export type SocketIoServerClass = new (server: HttpServer, options?: Partial<ServerOptions>) => Server;

/** How a module is loaded (Node's `require`; a test passes its own). */
export type ModuleLoader = (id: string) => unknown;

/**
 * Loads socket.io only when the chat socket is on: it is an optional peer dependency, so an app
 * that never starts the chat socket does not need it installed. A missing package is an
 * {@link EmulatorOptionsError} that says what to install; any other load error is rethrown.
 */
export function loadSocketIoServer(load: ModuleLoader = require): SocketIoServerClass {
  let loaded: unknown;
  try {
    loaded = load('socket.io');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = String((error as { message?: unknown } | null)?.message ?? '');
    if (code === 'MODULE_NOT_FOUND' && message.includes("'socket.io'"))
      throw new EmulatorOptionsError(MSG.socketIoMissing);
    throw error;
  }
  const server = (loaded as { Server?: unknown } | null)?.Server;
  if (typeof server !== 'function') throw new EmulatorOptionsError(MSG.socketIoMissing);
  return server as SocketIoServerClass;
}
