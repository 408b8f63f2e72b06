import { parseArgs } from 'node:util';
import { EMULATOR_CHAT_EVENTS, EMULATOR_CHAT_PATH } from './chat/chat.constants';
import type { EmulatorChatOptions } from './chat/chat.interfaces';
import {
  EMULATOR_DEFAULT_HOST,
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_AGENTS,
  EMULATOR_DEMO_KEY,
  EMULATOR_STANDALONE_DEFAULT_PORT,
  PERFORMCHAT_INVALIDATE_TOKEN_PATH,
  PERFORMCHAT_TOKEN_PATH,
} from './emulator.constants';
import type { EmulatorResponseShape, PerformChatEmulator, PerformChatEmulatorOptions } from './emulator.interfaces';
import { PERFORMCHAT_REST_ROUTES } from './rest/rest.paths';
import { EMULATOR_DEFAULT_REQUEST_LOG_ENTRIES } from './emulator.options';

/** Whether the bin serves the chat socket: `auto` = when the socket.io package is installed. */
export type CliChatMode = 'auto' | 'on' | 'off';

/** A bad flag or variable; the message names both and never echoes a secret. */
export class EmulatorCliError extends Error {
  override readonly name = 'EmulatorCliError';
}

type Kind = 'port' | 'int' | 'string' | 'secret' | 'bool' | 'choice';

interface CliOptionSpec {
  flag: string;
  env: string;
  kind: Kind;
  choices?: readonly string[];
  placeholder?: string;
  default: string;
  help: string;
}

/** Every option of the bin, each also an environment variable (flags win). */
export const EMULATOR_CLI_OPTIONS: readonly CliOptionSpec[] = Object.freeze([
  {
    flag: 'port',
    env: 'PERFORMCHAT_EMULATOR_PORT',
    kind: 'port',
    placeholder: '<n>',
    default: String(EMULATOR_STANDALONE_DEFAULT_PORT),
    help: 'TCP port (0 = a free one)',
  },
  {
    flag: 'host',
    env: 'PERFORMCHAT_EMULATOR_HOST',
    kind: 'string',
    placeholder: '<host>',
    default: EMULATOR_DEFAULT_HOST,
    help: 'interface to bind',
  },
  {
    flag: 'response-shape',
    env: 'PERFORMCHAT_EMULATOR_RESPONSE_SHAPE',
    kind: 'choice',
    choices: ['customerUser', 'user', 'both'],
    default: 'both',
    help: 'where token responses put the customer user',
  },
  {
    flag: 'chat',
    env: 'PERFORMCHAT_EMULATOR_CHAT',
    kind: 'choice',
    choices: ['auto', 'on', 'off'],
    default: 'auto',
    help: 'the socket.io chat socket; auto = on when the socket.io package is installed (--no-chat = off)',
  },
  {
    flag: 'chat-replies',
    env: 'PERFORMCHAT_EMULATOR_CHAT_REPLIES',
    kind: 'string',
    placeholder: '<a|b|...>',
    default: 'echo',
    help: 'canned agent replies, separated by |, used in turn',
  },
  {
    flag: 'chat-delay-ms',
    env: 'PERFORMCHAT_EMULATOR_CHAT_DELAY_MS',
    kind: 'int',
    placeholder: '<ms>',
    default: '0',
    help: 'delay before each agent reply',
  },
  {
    flag: 'chat-chunk-size',
    env: 'PERFORMCHAT_EMULATOR_CHAT_CHUNK_SIZE',
    kind: 'int',
    placeholder: '<chars>',
    default: 'whole reply',
    help: 'send replies in chunks of this many characters',
  },
  {
    flag: 'chat-chunk-interval-ms',
    env: 'PERFORMCHAT_EMULATOR_CHAT_CHUNK_INTERVAL_MS',
    kind: 'int',
    placeholder: '<ms>',
    default: '50',
    help: 'pause between chunks',
  },
  {
    flag: 'disconnect-on-invalidate',
    env: 'PERFORMCHAT_EMULATOR_DISCONNECT_ON_INVALIDATE',
    kind: 'choice',
    choices: ['true', 'false'],
    default: 'true',
    help: "invalidating a customer user's tokens disconnects its live sockets",
  },
  {
    flag: 'rate-limits',
    env: 'PERFORMCHAT_EMULATOR_RATE_LIMITS',
    kind: 'choice',
    choices: ['on', 'off'],
    default: 'on',
    help: 'the documented rate limits',
  },
  {
    flag: 'signing-secret',
    env: 'PERFORMCHAT_EMULATOR_SIGNING_SECRET',
    kind: 'secret',
    placeholder: '<secret>',
    default: 'random per start',
    help: 'HS256 secret of the tokens',
  },
  {
    flag: 'state-file',
    env: 'PERFORMCHAT_EMULATOR_STATE_FILE',
    kind: 'string',
    placeholder: '<path>',
    default: 'none',
    help: 'load the state from this file at start (if it exists), save it there on SIGINT/SIGTERM (with the signing secret, mode 600)',
  },
  {
    flag: 'log-requests',
    env: 'PERFORMCHAT_EMULATOR_LOG_REQUESTS',
    kind: 'bool',
    default: 'false',
    help: 'print one line per API request and socket event',
  },
  {
    flag: 'request-log-size',
    env: 'PERFORMCHAT_EMULATOR_REQUEST_LOG_SIZE',
    kind: 'int',
    placeholder: '<n>',
    default: String(EMULATOR_DEFAULT_REQUEST_LOG_ENTRIES),
    help: 'entries kept by GET /__emulator/log (0 = off)',
  },
]);

/** What the bin was asked for. */
export interface EmulatorCliRequest {
  help: boolean;
  chat: CliChatMode;
  /** `chat` option to use when the chat socket is on. */
  chatOptions: EmulatorChatOptions;
  stateFile?: string;
  /** Emulator options other than `chat` (and `logger`, set by the bin). */
  options: PerformChatEmulatorOptions;
}

function spec(flag: string): CliOptionSpec {
  return EMULATOR_CLI_OPTIONS.find((o) => o.flag === flag)!;
}

function invalid(o: CliOptionSpec, what: string, raw: string): never {
  const shown = o.kind === 'secret' ? '' : `, got "${raw}"`;
  throw new EmulatorCliError(`--${o.flag} (${o.env}) must be ${what}${shown}`);
}

function readValue(o: CliOptionSpec, raw: string): string | number | boolean {
  switch (o.kind) {
    case 'port': {
      const port = Number(raw);
      if (!/^\d+$/.test(raw) || port > 65_535) invalid(o, 'an integer from 0 to 65535', raw);
      return port;
    }
    case 'int':
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) invalid(o, 'a whole number >= 0', raw);
      return Number(raw);
    case 'bool':
      if (!['true', 'false', '1', '0'].includes(raw)) invalid(o, 'true or false', raw);
      return raw === 'true' || raw === '1';
    case 'choice':
      if (!o.choices!.includes(raw)) invalid(o, `one of ${o.choices!.join(', ')}`, raw);
      return raw;
    default:
      if (raw.length === 0) invalid(o, 'a non-empty string', raw);
      return raw;
  }
}

/**
 * Reads the bin's flags and environment (flags win; an empty variable counts as unset) into
 * emulator options. Throws {@link EmulatorCliError} naming the flag and its variable.
 */
export function parseEmulatorCli(argv: readonly string[], env: Record<string, string | undefined>): EmulatorCliRequest {
  const parseOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    'no-chat': { type: 'boolean' },
  };
  for (const o of EMULATOR_CLI_OPTIONS) parseOptions[o.flag] = { type: o.kind === 'bool' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: parseOptions, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new EmulatorCliError(error instanceof Error ? error.message : String(error));
  }
  const read = (flag: string): string | number | boolean | undefined => {
    const o = spec(flag);
    const fromFlag = values[flag];
    if (fromFlag !== undefined) return o.kind === 'bool' ? fromFlag : readValue(o, String(fromFlag));
    const fromEnv = env[o.env];
    return fromEnv === undefined || fromEnv === '' ? undefined : readValue(o, fromEnv);
  };

  const options: PerformChatEmulatorOptions = {
    port: (read('port') as number | undefined) ?? EMULATOR_STANDALONE_DEFAULT_PORT,
  };
  const host = read('host') as string | undefined;
  if (host !== undefined) options.host = host;
  const shape = read('response-shape') as EmulatorResponseShape | undefined;
  if (shape !== undefined) options.responseShape = shape;
  const secret = read('signing-secret') as string | undefined;
  if (secret !== undefined) options.signingSecret = secret;
  if (read('rate-limits') === 'off')
    options.rateLimits = { tokenGenerations: false, failedAuth: false, apiRequests: false };
  const logRequests = read('log-requests') as boolean | undefined;
  if (logRequests !== undefined) options.logRequests = logRequests;
  const logSize = read('request-log-size') as number | undefined;
  if (logSize !== undefined) options.requestLog = logSize === 0 ? false : { maxEntries: logSize };

  const agent: NonNullable<EmulatorChatOptions['agent']> = {};
  const replies = read('chat-replies') as string | undefined;
  if (replies !== undefined) {
    const list = replies.split('|').filter((r) => r.length > 0);
    if (list.length === 0) invalid(spec('chat-replies'), 'replies separated by |', replies);
    agent.replies = list;
  }
  const delayMs = read('chat-delay-ms') as number | undefined;
  if (delayMs !== undefined) agent.delayMs = delayMs;
  const chunkSize = read('chat-chunk-size') as number | undefined;
  if (chunkSize !== undefined) {
    if (chunkSize < 1) invalid(spec('chat-chunk-size'), 'a whole number >= 1', String(chunkSize));
    agent.chunkSize = chunkSize;
  }
  const chunkIntervalMs = read('chat-chunk-interval-ms') as number | undefined;
  if (chunkIntervalMs !== undefined) agent.chunkIntervalMs = chunkIntervalMs;
  const chatOptions: EmulatorChatOptions = { agent };
  const disconnect = read('disconnect-on-invalidate') as string | undefined;
  if (disconnect !== undefined) chatOptions.disconnectOnInvalidate = disconnect === 'true';

  const chat = values['no-chat'] === true ? 'off' : ((read('chat') as CliChatMode | undefined) ?? 'auto');
  const stateFile = read('state-file') as string | undefined;
  return { help: values.help === true, chat, chatOptions, options, ...(stateFile === undefined ? {} : { stateFile }) };
}

/** `--help`. */
export function emulatorCliHelp(): string {
  const rows = EMULATOR_CLI_OPTIONS.map((o) => {
    const name = `--${o.flag}${o.kind === 'bool' ? '' : ` ${o.placeholder ?? `<${(o.choices ?? []).join('|')}>`}`}`;
    return `  ${name.padEnd(36)} ${o.help}\n  ${''.padEnd(36)} env ${o.env}, default ${o.default}`;
  });
  return [
    'Usage: performchat-emulator [options]',
    '',
    'A local PerformChat API: token generation and invalidation (documented routes), the',
    'socket.io chat socket, and emulator-only routes under /__emulator/ (verify, faults, state, log).',
    'Every option is also an environment variable; flags win. SIGINT or SIGTERM stops it.',
    '',
    'Options:',
    ...rows,
    `  ${'--no-chat'.padEnd(36)} same as --chat off`,
    `  ${'-h, --help'.padEnd(36)} this help`,
    '',
    'Example: npx performchat-emulator --port 4010 --chat-replies "Hello!|How can I help?" --log-requests',
  ].join('\n');
}

/** What the bin prints once listening: where, with which demo data, serving what. */
export function describeRunningEmulator(
  emulator: PerformChatEmulator,
  extra: {
    chatNote?: string;
    stateFile?: string;
    importedUsers?: number;
    logRequests?: boolean;
    requestLogSize?: number;
  },
): string {
  const body = JSON.stringify({
    keyId: EMULATOR_DEMO_KEY.keyId,
    keySecret: EMULATOR_DEMO_KEY.keySecret,
    userId: 'user_123',
    agentId: EMULATOR_DEMO_AGENT_ID,
    expiresIn: '1h',
  });
  const chat = emulator.chat.enabled
    ? `io('${emulator.url}', { auth: { token } }); ${EMULATOR_CHAT_EVENTS.join}, ${EMULATOR_CHAT_EVENTS.message} → ${EMULATOR_CHAT_EVENTS.response}`
    : `off${extra.chatNote ? ` (${extra.chatNote})` : ''}`;
  const logSize = extra.requestLogSize ?? EMULATOR_DEFAULT_REQUEST_LOG_ENTRIES;
  return [
    '',
    `PerformChat emulator ready at ${emulator.url} (demo data only; never use these credentials elsewhere)`,
    `  keyId:     ${EMULATOR_DEMO_KEY.keyId}`,
    `  keySecret: ${EMULATOR_DEMO_KEY.keySecret}`,
    `  companyId: ${EMULATOR_DEMO_KEY.companyId}`,
    `  agents:    ${EMULATOR_DEMO_AGENTS.map((a) => `${a.id} (${a.active ? 'active' : 'inactive'})`).join(', ')}`,
    '',
    'Serves:',
    `  POST ${PERFORMCHAT_TOKEN_PATH.padEnd(32)} token generation`,
    `  POST ${PERFORMCHAT_INVALIDATE_TOKEN_PATH.padEnd(32)} token invalidation`,
    ...Object.values(PERFORMCHAT_REST_ROUTES).map((route) => {
      const [method, path] = route.split(' ');
      return `  ${method.padEnd(4)} ${path}`;
    }),
    `  socket.io ${EMULATOR_CHAT_PATH.padEnd(27)} chat: ${chat}`,
    `  /__emulator/${''.padEnd(24)} verify, faults, socket-faults, state, state/export, state/import, log, conversations, sockets, reset`,
    `  request log: ${logSize === 0 ? 'off' : `last ${logSize} entries at /__emulator/log`}${extra.logRequests ? ', printed here' : ''}`,
    `  state file:  ${extra.stateFile === undefined ? 'none' : `${extra.stateFile} (${extra.importedUsers ?? 0} customer users loaded; saved on exit)`}`,
    '',
    'Try:',
    `  curl -s -X POST ${emulator.url}${PERFORMCHAT_TOKEN_PATH} -H 'Content-Type: application/json' -d '${body}'`,
    `  curl -s ${emulator.url}/__emulator/state`,
    `  curl -s -X GET ${emulator.url}/rest/v1/agents -H 'Content-Type: application/json' -d '${JSON.stringify({ keyId: EMULATOR_DEMO_KEY.keyId, keySecret: EMULATOR_DEMO_KEY.keySecret })}'`,
    '',
  ].join('\n');
}
