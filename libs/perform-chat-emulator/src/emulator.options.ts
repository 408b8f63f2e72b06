import { randomBytes } from 'node:crypto';
import { resolveChatOptions, type ResolvedChatOptions } from './chat/chat.options';
import { EmulatorOptionsError, failOption } from './emulator-options.error';
import {
  EMULATOR_DEFAULT_HOST,
  EMULATOR_DEFAULT_MAX_BODY_BYTES,
  EMULATOR_DEFAULT_RATE_LIMITS,
  EMULATOR_DEMO_AGENTS,
  EMULATOR_DEMO_KEY,
} from './emulator.constants';
import type {
  EmulatorAgent,
  EmulatorApiKey,
  EmulatorAgentOptions,
  EmulatorApiKeyOptions,
  EmulatorEnvironment,
  EmulatorLogger,
  EmulatorPermission,
  EmulatorRateLimit,
  EmulatorRateLimitsOptions,
  EmulatorResponseShape,
  PerformChatEmulatorOptions,
} from './emulator.interfaces';

/** Options with every default applied and every value checked. */
export interface ResolvedEmulatorOptions {
  port: number;
  host: string;
  keys: EmulatorApiKey[];
  agents: EmulatorAgent[];
  responseShape: EmulatorResponseShape;
  signingSecret: string;
  clock: () => number;
  rateLimits: {
    tokenGenerations: EmulatorRateLimit | false;
    failedAuth: EmulatorRateLimit | false;
    apiRequests: EmulatorRateLimit | false;
  };
  maxBodyBytes: number;
  logger?: EmulatorLogger;
  /** `false`: no chat socket. */
  chat: ResolvedChatOptions | false;
  /** 0: no request log. */
  requestLogEntries: number;
  logRequests: boolean;
}

/** Default size of the request log. */
export const EMULATOR_DEFAULT_REQUEST_LOG_ENTRIES = 1000;

const SHAPES: readonly EmulatorResponseShape[] = ['customerUser', 'user', 'both'];
const ENVIRONMENTS: readonly EmulatorEnvironment[] = ['production', 'staging', 'development'];
const PERMISSIONS: readonly EmulatorPermission[] = ['chat:send', 'tools:use', 'rag:access'];

export { EmulatorOptionsError };

const fail: (message: string) => never = failOption;

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${field} must be a non-empty string`);
  return value;
}

function rateLimit(value: Partial<EmulatorRateLimit> | false | undefined, defaults: EmulatorRateLimit, field: string) {
  if (value === false) return false;
  const points = value?.points ?? defaults.points;
  const windowMs = value?.windowMs ?? defaults.windowMs;
  if (!(points >= 0) || (!Number.isInteger(points) && points !== Infinity)) {
    fail(`rateLimits.${field}.points must be a non-negative integer or Infinity`);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) fail(`rateLimits.${field}.windowMs must be a positive number`);
  return { points, windowMs };
}

function resolveRateLimits(options: EmulatorRateLimitsOptions = {}): ResolvedEmulatorOptions['rateLimits'] {
  return {
    tokenGenerations: rateLimit(
      options.tokenGenerations,
      EMULATOR_DEFAULT_RATE_LIMITS.tokenGenerations,
      'tokenGenerations',
    ),
    failedAuth: rateLimit(options.failedAuth, EMULATOR_DEFAULT_RATE_LIMITS.failedAuth, 'failedAuth'),
    apiRequests: rateLimit(options.apiRequests, EMULATOR_DEFAULT_RATE_LIMITS.apiRequests, 'apiRequests'),
  };
}

/** Applies defaults and validates; throws {@link EmulatorOptionsError} naming the bad field. */
export function resolveEmulatorOptions(options: PerformChatEmulatorOptions = {}): ResolvedEmulatorOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('port must be an integer from 0 to 65535');
  const host = options.host === undefined ? EMULATOR_DEFAULT_HOST : nonEmptyString(options.host, 'host');

  const keyOptions: readonly EmulatorApiKeyOptions[] = options.keys ?? [EMULATOR_DEMO_KEY];
  if (!Array.isArray(keyOptions) || keyOptions.length === 0) fail('keys must be a non-empty array');
  const keys = keyOptions.map((key, i): EmulatorApiKey => {
    const at = `keys[${i}]`;
    const environment = key.environment ?? 'development';
    if (!ENVIRONMENTS.includes(environment)) fail(`${at}.environment must be one of ${ENVIRONMENTS.join(', ')}`);
    let expiresAt: Date | undefined;
    if (key.expiresAt !== undefined) {
      expiresAt = new Date(key.expiresAt);
      if (Number.isNaN(expiresAt.getTime())) fail(`${at}.expiresAt must be a valid date`);
    }
    if (
      key.permissions !== undefined &&
      (!Array.isArray(key.permissions) || key.permissions.some((p: EmulatorPermission) => !PERMISSIONS.includes(p)))
    ) {
      fail(`${at}.permissions must be an array of ${PERMISSIONS.join(', ')}`);
    }
    return {
      keyId: nonEmptyString(key.keyId, `${at}.keyId`),
      keySecret: nonEmptyString(key.keySecret, `${at}.keySecret`),
      companyId: nonEmptyString(key.companyId, `${at}.companyId`),
      name: key.name === undefined ? 'Emulator API Key' : nonEmptyString(key.name, `${at}.name`),
      environment,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(key.permissions === undefined ? {} : { permissions: [...key.permissions] }),
    };
  });
  if (new Set(keys.map((k) => k.keyId)).size !== keys.length) fail('keys must have distinct keyId values');

  const agentOptions: readonly EmulatorAgentOptions[] = options.agents ?? EMULATOR_DEMO_AGENTS;
  if (!Array.isArray(agentOptions)) fail('agents must be an array');
  const agents = agentOptions.map((agent, i): EmulatorAgent => {
    const at = `agents[${i}]`;
    if (agent.active !== undefined && typeof agent.active !== 'boolean') fail(`${at}.active must be a boolean`);
    if (agent.promptTemplate !== undefined && typeof agent.promptTemplate !== 'string')
      fail(`${at}.promptTemplate must be a string`);
    return {
      id: nonEmptyString(agent.id, `${at}.id`),
      name: nonEmptyString(agent.name, `${at}.name`),
      active: agent.active ?? true,
      companyId: agent.companyId === undefined ? keys[0].companyId : nonEmptyString(agent.companyId, `${at}.companyId`),
      ...(agent.promptTemplate === undefined ? {} : { promptTemplate: agent.promptTemplate }),
    };
  });
  if (new Set(agents.map((a) => a.id)).size !== agents.length) fail('agents must have distinct id values');

  const responseShape = options.responseShape ?? 'both';
  if (!SHAPES.includes(responseShape)) fail(`responseShape must be one of ${SHAPES.join(', ')}`);
  const signingSecret =
    options.signingSecret === undefined
      ? randomBytes(32).toString('base64url')
      : nonEmptyString(options.signingSecret, 'signingSecret');
  if (options.clock !== undefined && typeof options.clock !== 'function')
    fail('clock must be a function returning epoch milliseconds');
  const maxBodyBytes = options.maxBodyBytes ?? EMULATOR_DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) fail('maxBodyBytes must be a positive integer');

  const requestLog = options.requestLog;
  let requestLogEntries = EMULATOR_DEFAULT_REQUEST_LOG_ENTRIES;
  if (requestLog === false) requestLogEntries = 0;
  else if (requestLog !== undefined) {
    if (typeof requestLog !== 'object' || requestLog === null) fail('requestLog must be false or { maxEntries }');
    const max = requestLog.maxEntries ?? EMULATOR_DEFAULT_REQUEST_LOG_ENTRIES;
    if (!Number.isInteger(max) || max < 1) fail('requestLog.maxEntries must be a positive integer');
    requestLogEntries = max;
  }
  if (options.logRequests !== undefined && typeof options.logRequests !== 'boolean')
    fail('logRequests must be a boolean');

  return {
    port,
    host,
    keys,
    agents,
    responseShape,
    signingSecret,
    clock: options.clock ?? Date.now,
    rateLimits: resolveRateLimits(options.rateLimits),
    maxBodyBytes,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    chat: resolveChatOptions(options.chat),
    requestLogEntries,
    logRequests: options.logRequests ?? false,
  };
}
