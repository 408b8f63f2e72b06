#!/usr/bin/env node
/**
 * The standalone emulator: `npx performchat-emulator` (the package's bin), `npm run emulator`
 * in this repository. `--help` lists every option and its environment variable.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describeRunningEmulator, emulatorCliHelp, EmulatorCliError, parseEmulatorCli } from './emulator.cli';
import type { PerformChatEmulator, PerformChatEmulatorOptions } from './emulator.interfaces';
import { startPerformChatEmulator } from './emulator.server';

/** Whether the optional socket.io package can be loaded (for `--chat auto`). */
function socketIoInstalled(): boolean {
  try {
    require.resolve('socket.io');
    return true;
  } catch {
    return false;
  }
}

function readStateFile(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EmulatorCliError(
      `--state-file (PERFORMCHAT_EMULATOR_STATE_FILE): ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

async function main(): Promise<void> {
  let request;
  try {
    request = parseEmulatorCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof EmulatorCliError)) throw error;
    console.error(`performchat-emulator: ${error.message}\nRun performchat-emulator --help for the options.`);
    process.exit(2);
  }
  if (request.help) {
    console.log(emulatorCliHelp());
    return;
  }

  const saved = request.stateFile === undefined ? undefined : readStateFile(request.stateFile);
  const options: PerformChatEmulatorOptions = {
    ...request.options,
    logger: { log: (m) => console.log(m), warn: (m) => console.warn(m) },
  };
  // A saved state carries the signing secret it was saved with, so that tokens issued before a
  // restart stay valid; an explicit --signing-secret wins.
  const savedSecret = (saved as { signingSecret?: unknown } | undefined)?.signingSecret;
  if (options.signingSecret === undefined && typeof savedSecret === 'string') options.signingSecret = savedSecret;
  let chatNote: string | undefined;
  if (request.chat === 'on' || (request.chat === 'auto' && socketIoInstalled())) options.chat = request.chatOptions;
  else if (request.chat === 'auto') chatNote = 'install socket.io@^4 to serve it';

  const emulator: PerformChatEmulator = await startPerformChatEmulator(options);
  if (saved !== undefined) emulator.importState(saved);
  console.log(
    describeRunningEmulator(emulator, {
      ...(chatNote === undefined ? {} : { chatNote }),
      ...(request.stateFile === undefined ? {} : { stateFile: request.stateFile }),
      importedUsers: emulator.state.customerUsers.size,
      logRequests: options.logRequests === true,
      requestLogSize: options.requestLog === false ? 0 : (options.requestLog?.maxEntries ?? undefined),
    }),
  );

  const stop = (signal: string): void => {
    console.log(`PerformChat emulator: ${signal} received, shutting down`);
    if (request.stateFile !== undefined) {
      writeFileSync(request.stateFile, JSON.stringify(emulator.exportState({ includeSigningSecret: true }), null, 2), {
        mode: 0o600,
      });
      chmodSync(request.stateFile, 0o600);
      console.log(`PerformChat emulator: state saved to ${request.stateFile}`);
    }
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
