import { Messages, OptionWords } from '../perform-chat.messages';
import { EXPIRES_IN_CEILING_SECONDS, parseExpiresIn } from './expires-in';
import { EXPIRES_IN } from './expires-in.rule';
import { assertIdentifier } from './identifier';
import { defaultResolveUserId } from './resolve-user-id';
import {
  CUSTOMER_USER_STORE_OPTION,
  checkCustomerUserKeyPrefixOverlap,
  resolveCustomerUserStoreOption,
} from './customer-user-store.validation';
import { HEALTH_OPTIONS, resolveHealthOption } from './health.validation';
import { RESILIENCE_OPTIONS, resolveResilienceOptions } from './resilience.validation';
import { TOKEN_REUSE_MODULE_OPTIONS, checkMinRemaining, resolveTokenReuseOption } from './token-reuse.validation';
import {
  RATE_LIMIT_MODULE_OPTIONS,
  checkRateLimitList,
  checkRedisWholeSeconds,
  checkTokensPerUser,
  resolveRateLimitOption,
  resolveUpstreamBudgetOption,
} from './rate-limit.validation';
import {
  DEFAULT_BASE_URL,
  DEFAULT_EXPIRES_IN,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './perform-chat-options.defaults';
import { PerformChatOptionsError } from './perform-chat-options.error';
import { PerformChatModuleOptions, ResolvedPerformChatOptions } from './perform-chat-options.interface';
import { checkBaseUrl, checkRedisUrls } from './perform-chat-url.validation';
import { CREDENTIALS_OPTIONS, checkCredentialSource, resolveCredentialsOptions } from './credentials.validation';
import { DEFAULT_INSTANCE_NAME, INSTANCE_NAME } from './instance-name';
import {
  VERIFY_AGENTS_OPTION,
  checkVerifyAgentsHasAgents,
  resolveVerifyAgentsOption,
} from './verify-agents.validation';
import { OptionRule, accepts, checkOptions, custom, fn, nonEmptyArrayOf, object, wholeNumber } from './option-rules';

export { PerformChatOptionsError };

/** No leading/trailing whitespace: a secret read from a file with a trailing newline fails here, not at PerformChat. */
const NO_SURROUNDING_WHITESPACE = /^\S(.*\S)?$/s;

/**
 * An agent id the module will send: the service's own rule for `agentId` (so a configured id
 * that every request would be refused for stops the boot instead), and, as for the credentials,
 * no surrounding whitespace, which in configuration is a typo (`"agent_a\n"` from a file).
 */
const AGENT_ID = custom(OptionWords.agentId, (value, path) => {
  try {
    assertIdentifier(path, value);
  } catch (error) {
    return [(error as Error).message];
  }
  return NO_SURROUNDING_WHITESPACE.test(value as string) ? [] : [Messages.agentIdSurroundingWhitespace(path)];
});

/** The URL rules of baseUrl (scheme, no credentials, query, fragment or /rest/v1), the URL masked in every message. */
const BASE_URL = custom(OptionWords.baseUrl, (value) => checkBaseUrl(value));

/**
 * The module options: one row per option, in the order of PerformChatModuleOptions (and of the
 * problems reported). The slices (`retry`, `rateLimit`, `health`, ...) are the tables of their files.
 */
export const MODULE_OPTIONS = object(
  {
    ...CREDENTIALS_OPTIONS,
    baseUrl: BASE_URL,
    defaultAgentId: AGENT_ID,
    allowedAgentIds: nonEmptyArrayOf(AGENT_ID, OptionWords.agentIds),
    defaultExpiresIn: EXPIRES_IN,
    maxExpiresIn: EXPIRES_IN,
    timeoutMs: wholeNumber({ min: 1, unit: 'milliseconds', bound: 'timeoutMs' }),
    maxResponseBytes: wholeNumber({ min: 1, unit: 'bytes' }),
    ...RESILIENCE_OPTIONS,
    resolveUserId: fn(),
    ...RATE_LIMIT_MODULE_OPTIONS,
    health: HEALTH_OPTIONS,
    customerUserStore: CUSTOMER_USER_STORE_OPTION,
    ...TOKEN_REUSE_MODULE_OPTIONS,
    onTokenIssued: fn(),
    onTokensInvalidated: fn(),
    verifyAgents: VERIFY_AGENTS_OPTION,
  } satisfies Record<keyof PerformChatModuleOptions, OptionRule>,
  OptionWords.moduleOptions,
);

/** `defaultExpiresIn` within `maxExpiresIn` (both valid). */
function checkExpiresInWithinMax(raw: PerformChatModuleOptions): string[] {
  if (
    raw.maxExpiresIn === undefined ||
    !accepts(EXPIRES_IN, raw.maxExpiresIn) ||
    !accepts(EXPIRES_IN, raw.defaultExpiresIn)
  ) {
    return [];
  }
  const defaultExpiresIn = raw.defaultExpiresIn ?? DEFAULT_EXPIRES_IN;
  try {
    parseExpiresIn(defaultExpiresIn, raw.maxExpiresIn, 'defaultExpiresIn');
    return [];
  } catch {
    return [Messages.defaultExpiresInAboveMax(defaultExpiresIn, raw.maxExpiresIn)];
  }
}

/** `defaultAgentId` among `allowedAgentIds`, when both are given. */
function checkDefaultAgentAllowed(raw: PerformChatModuleOptions): string[] {
  const { defaultAgentId, allowedAgentIds } = raw;
  if (typeof defaultAgentId !== 'string' || !Array.isArray(allowedAgentIds)) return [];
  return allowedAgentIds.includes(defaultAgentId) ? [] : [Messages.defaultAgentNotAllowed()];
}

/** Customer-user keys not placed under a rate-limit counter, when both stores use Redis (issue 20). */
function checkRedisKeyPrefixes(raw: PerformChatModuleOptions): string[] {
  if (
    !accepts(RATE_LIMIT_MODULE_OPTIONS.rateLimit, raw.rateLimit) ||
    !accepts(CUSTOMER_USER_STORE_OPTION, raw.customerUserStore)
  ) {
    return [];
  }
  const store = raw.rateLimit ? resolveRateLimitOption(raw.rateLimit).store : undefined;
  return checkCustomerUserKeyPrefixOverlap(
    raw.customerUserStore,
    store?.kind === 'redis' ? store.keyPrefix : undefined,
  );
}

/** Rules between options, after the table; each judges only values their rows accepted. */
const BETWEEN_OPTIONS: ((raw: PerformChatModuleOptions) => string[])[] = [
  checkCredentialSource,
  checkExpiresInWithinMax,
  checkDefaultAgentAllowed,
  // The text of every Redis URL (the rows took any string): one URL in both stores is one set of
  // problems naming both, as performChatConfig puts PERFORMCHAT_REDIS_URL in both.
  checkRedisUrls,
  checkRedisWholeSeconds,
  checkRateLimitList,
  checkRedisKeyPrefixes,
  checkVerifyAgentsHasAgents,
  checkTokensPerUser,
  checkMinRemaining,
];

/** Every problem of the module options, each naming its field; `[]` when valid. */
function problemsOf(raw: unknown): string[] {
  const problems = checkOptions(MODULE_OPTIONS, raw);
  if (typeof raw !== 'object' || raw === null) return problems;
  return [...problems, ...BETWEEN_OPTIONS.flatMap((check) => check(raw as PerformChatModuleOptions))];
}

/**
 * Validates the module options of the instance `name` and applies the defaults.
 * @throws PerformChatOptionsError naming every bad field (and the instance, when it has a
 * name); it never includes a secret.
 */
export function resolvePerformChatOptions(
  raw: PerformChatModuleOptions,
  name: string = DEFAULT_INSTANCE_NAME,
): ResolvedPerformChatOptions {
  // The name is a sync extra, checked here so that its problem comes with the options' own.
  const problems = [...INSTANCE_NAME.check(name, 'name'), ...problemsOf(raw)];
  if (problems.length > 0) throw new PerformChatOptionsError(problems, name);

  const rateLimit = resolveRateLimitOption(raw.rateLimit, name);
  const resilience = resolveResilienceOptions(raw);
  return {
    name,
    keyId: raw.keyId,
    credentials: resolveCredentialsOptions(raw, resilience.deadlineMs),
    baseUrl: (raw.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    defaultAgentId: raw.defaultAgentId,
    allowedAgentIds: raw.allowedAgentIds ? new Set(raw.allowedAgentIds) : undefined,
    defaultExpiresIn: raw.defaultExpiresIn ?? DEFAULT_EXPIRES_IN,
    maxExpiresIn: raw.maxExpiresIn,
    timeoutMs: raw.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxResponseBytes: raw.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    resolveUserId: raw.resolveUserId ?? defaultResolveUserId,
    health: resolveHealthOption(raw.health),
    // Records live as long as the longest token the module lets through (issue 20: a documented default).
    customerUserStore: resolveCustomerUserStoreOption(
      raw.customerUserStore,
      raw.maxExpiresIn === undefined ? EXPIRES_IN_CEILING_SECONDS : parseExpiresIn(raw.maxExpiresIn),
      name,
    ),
    onTokenIssued: raw.onTokenIssued,
    onTokensInvalidated: raw.onTokensInvalidated,
    rateLimit,
    upstreamBudget: resolveUpstreamBudgetOption(raw.upstreamBudget),
    resilience,
    verifyAgents: resolveVerifyAgentsOption(raw.verifyAgents),
    tokenReuse: resolveTokenReuseOption(raw, rateLimit.store, resilience.deadlineMs),
  };
}

/**
 * Checks options the way the module does at boot, without building it: for example inside
 * `ConfigModule.forRoot({ validate })`, so a bad `PERFORMCHAT_*` variable stops the app early.
 * @throws PerformChatOptionsError naming every bad field.
 */
export function validatePerformChatOptions(options: PerformChatModuleOptions): void {
  const problems = problemsOf(options);
  if (problems.length > 0) throw new PerformChatOptionsError(problems);
}
