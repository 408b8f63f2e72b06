/**
 * Entry of every bench child process: `bench/child.ts <role> <json config>`. The role starts
 * (a server, an app, a client), says `ready` (with its port) over IPC, then runs the commands
 * the bench process sends until SIGTERM. Exiting through process.exit lets `--cpu-prof` write
 * its profile.
 */
import type { ChildMessage } from './lib/child-process';
import type { Role, RoleHandle } from './lib/role';

const ROLES: Record<string, () => Promise<Role<never>>> = {
  emulator: async () => (await import('./roles/emulator.role')).emulatorRole,
  'sign-only': async () => (await import('./roles/sign-only.role')).signOnlyRole,
  'token-client': async () => (await import('./roles/token-client.role')).tokenClientRole,
  'health-client': async () => (await import('./roles/health-client.role')).healthClientRole,
  'demo-app': async () => (await import('./roles/demo-app.role')).demoAppRole,
  'guard-app': async () => (await import('./roles/guard-app.role')).guardAppRole,
  'rate-limit-memory': async () => (await import('./roles/rate-limit-memory.role')).rateLimitMemoryRole,
  'storm-emulator': async () => (await import('./roles/storm-emulator.role')).stormEmulatorRole,
  'storm-app': async () => (await import('./roles/storm-app.role')).stormAppRole,
};

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const [name, rawConfig = '{}'] = process.argv.slice(2);
  const load = ROLES[name];
  if (!load) throw new Error(`unknown bench role "${name}" (known: ${Object.keys(ROLES).join(', ')})`);
  const role = await load();
  const handle: RoleHandle = await role(JSON.parse(rawConfig) as never);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await handle.close?.().catch((error: unknown) => console.error(`${name}: close failed:`, error));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  process.on('disconnect', () => void shutdown());

  /**
   * Every role also answers `cpu-usage`: this process's CPU time so far (µs), to divide by the
   * requests it served; and `resolve`: where a module name resolves here (which checkout's library).
   */
  const builtIn: Record<string, (args: unknown) => Promise<unknown>> = {
    'cpu-usage': async () => process.cpuUsage(),
    resolve: async (name) => require.resolve(String(name)),
  };
  process.on('message', (message: { id: number; command: string; args: unknown }) => {
    const command = (handle.commands?.[message.command] ?? builtIn[message.command]) as
      ((args: unknown) => Promise<unknown>) | undefined;
    if (!command) {
      send({ type: 'failure', id: message.id, error: `unknown command "${message.command}"` });
      return;
    }
    command(message.args).then(
      (value) => send({ type: 'result', id: message.id, value }),
      (error: unknown) =>
        send({
          type: 'failure',
          id: message.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  send({ type: 'ready', ...(handle.port !== undefined ? { port: handle.port } : {}) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
