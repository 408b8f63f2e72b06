import { applyDecorators } from '@nestjs/common';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Min,
  ValidateNested,
  ValidationError,
  registerDecorator,
  validateSync,
} from 'class-validator';
import { parseExpiresIn } from './expires-in';
import { assertIdentifier } from './identifier';
import { defaultResolveUserId } from './resolve-user-id';
import { checkCustomerUserStoreOption } from './customer-user-store.validation';
import { checkResilienceOptions, resolveResilienceOptions } from './resilience.validation';
import { EXPIRES_IN_FORMAT } from '../perform-chat.messages';
import {
  checkRateLimitOption,
  checkUpstreamBudgetOption,
  resolveRateLimitOption,
  resolveUpstreamBudgetOption,
} from './rate-limit.validation';
import {
  DEFAULT_BASE_URL,
  DEFAULT_EXPIRES_IN,
  DEFAULT_HEALTH_BREAKER_OPEN_IS_DOWN,
  DEFAULT_HEALTH_CACHE_TTL_MS,
  DEFAULT_HEALTH_NOT_FOUND_IS_DOWN,
  DEFAULT_HEALTH_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './perform-chat-options.defaults';
import { checkDurationBounds } from './perform-chat-options.bounds';
import { PerformChatOptionsError } from './perform-chat-options.error';
import { PerformChatModuleOptions, ResolvedPerformChatOptions } from './perform-chat-options.interface';
import { checkBaseUrl, checkRedisUrls } from './perform-chat-url.validation';

export { PerformChatOptionsError };

/** No leading/trailing whitespace: a secret read from a file with a trailing newline fails here, not at PerformChat. */
const NO_SURROUNDING_WHITESPACE = /^\S(.*\S)?$/s;

function IsExpiresIn(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isExpiresIn',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => {
          try {
            parseExpiresIn(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (args) => `${args?.property} must be ${EXPIRES_IN_FORMAT}`,
      },
    });
}

/** A required key id or secret: a non-empty string without surrounding whitespace. */
function IsCredential(envName: string): PropertyDecorator {
  return applyDecorators(
    IsString({ message: `$property is required (a non-empty string; env ${envName} with performChatConfig)` }),
    IsNotEmpty({ message: `$property is required (a non-empty string; env ${envName} with performChatConfig)` }),
    Matches(NO_SURROUNDING_WHITESPACE, {
      message: '$property must not start or end with whitespace (a trailing newline from a secrets file?)',
    }),
  );
}

/**
 * The `health` option, validated like the rest (messages name the nested field). Decorators
 * run bottom-up, so with stopAtFirstError the type check (IsInt) sits last to report first.
 */
class PerformChatHealthOptionsSchema {
  @IsOptional()
  @IsPositive({ message: 'health.timeoutMs must be a positive number of milliseconds' })
  @IsInt({ message: 'health.timeoutMs must be a whole number of milliseconds' })
  timeoutMs?: number;

  @IsOptional()
  @Min(0, { message: 'health.cacheTtlMs must be 0 or more milliseconds' })
  @IsInt({ message: 'health.cacheTtlMs must be a whole number of milliseconds' })
  cacheTtlMs?: number;

  @IsOptional()
  @IsBoolean({ message: 'health.breakerOpenIsDown must be true or false' })
  breakerOpenIsDown?: boolean;

  @IsOptional()
  @IsBoolean({ message: 'health.notFoundIsDown must be true or false' })
  notFoundIsDown?: boolean;
}

/** The validated subset of the options. Values are copied in by key, never deep-transformed. */
class PerformChatOptionsSchema {
  @IsCredential('PERFORMCHAT_KEY_ID')
  keyId!: string;

  @IsCredential('PERFORMCHAT_KEY_SECRET')
  keySecret!: string;

  @IsOptional() @IsArray() @ArrayNotEmpty()
  allowedAgentIds?: string[];

  @IsOptional() @IsExpiresIn()
  defaultExpiresIn?: string;

  @IsOptional() @IsExpiresIn()
  maxExpiresIn?: string;

  @IsOptional() @IsInt() @IsPositive()
  timeoutMs?: number;

  @IsOptional() @IsInt() @IsPositive()
  maxResponseBytes?: number;

  @IsOptional()
  @IsObject({ message: 'health must be an object { timeoutMs?, cacheTtlMs?, breakerOpenIsDown?, notFoundIsDown? }' })
  @ValidateNested()
  health?: PerformChatHealthOptionsSchema;
}

const VALIDATED_KEYS = [
  'keyId',
  'keySecret',
  'allowedAgentIds',
  'defaultExpiresIn',
  'maxExpiresIn',
  'timeoutMs',
  'maxResponseBytes',
] as const satisfies readonly (keyof PerformChatOptionsSchema)[];

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [...Object.values(error.constraints ?? {}), ...describe(error.children ?? [])]);
}

/** `health` copied into its schema by key (a non-object stays as is and fails `IsObject`). */
function healthSchema(health: unknown): unknown {
  if (typeof health !== 'object' || health === null || Array.isArray(health)) return health;
  const { timeoutMs, cacheTtlMs, breakerOpenIsDown, notFoundIsDown } = health as Record<string, unknown>;
  return Object.assign(new PerformChatHealthOptionsSchema(), { timeoutMs, cacheTtlMs, breakerOpenIsDown, notFoundIsDown });
}

/**
 * An agent id the module will send: the service's own rule for `agentId` (so a configured id
 * that every request would be refused for stops the boot instead), and, as for the credentials,
 * no surrounding whitespace, which in configuration is a typo (`"agent_a\n"` from a file).
 */
function agentIdProblem(field: string, value: unknown): string | undefined {
  try {
    assertIdentifier(field, value);
  } catch (error) {
    return (error as Error).message;
  }
  return NO_SURROUNDING_WHITESPACE.test(value as string) ? undefined : `${field} must not start or end with whitespace`;
}

function checkAgentIds(raw: PerformChatModuleOptions): string[] {
  const ids: [string, unknown][] = raw.defaultAgentId === undefined ? [] : [['defaultAgentId', raw.defaultAgentId]];
  if (Array.isArray(raw.allowedAgentIds)) raw.allowedAgentIds.forEach((id, index) => ids.push([`allowedAgentIds[${index}]`, id]));
  return ids.map(([field, id]) => agentIdProblem(field, id)).filter((problem): problem is string => problem !== undefined);
}

/**
 * Validates the module options and applies the defaults.
 * @throws PerformChatOptionsError naming every bad field; it never includes a value.
 */
export function resolvePerformChatOptions(raw: PerformChatModuleOptions): ResolvedPerformChatOptions {
  if (typeof raw !== 'object' || raw === null) {
    throw new PerformChatOptionsError(['the options must be an object with at least keyId and keySecret']);
  }
  const schema = new PerformChatOptionsSchema();
  for (const key of VALIDATED_KEYS) {
    if (raw[key] !== undefined) (schema as unknown as Record<string, unknown>)[key] = raw[key];
  }
  if (raw.health !== undefined) schema.health = healthSchema(raw.health) as PerformChatHealthOptionsSchema;
  const problems = describe(validateSync(schema, { stopAtFirstError: true, validationError: { target: false, value: false } }));
  problems.push(...checkBaseUrl(raw.baseUrl), ...checkAgentIds(raw));

  const defaultExpiresIn = raw.defaultExpiresIn ?? DEFAULT_EXPIRES_IN;
  const expiresInValid = problems.every((p) => !p.startsWith('defaultExpiresIn') && !p.startsWith('maxExpiresIn'));
  if (expiresInValid && raw.maxExpiresIn !== undefined) {
    try {
      parseExpiresIn(defaultExpiresIn, raw.maxExpiresIn, 'defaultExpiresIn');
    } catch {
      problems.push(`defaultExpiresIn ("${defaultExpiresIn}") must not be longer than maxExpiresIn ("${raw.maxExpiresIn}")`);
    }
  }
  if (
    typeof raw.defaultAgentId === 'string' &&
    Array.isArray(raw.allowedAgentIds) &&
    !raw.allowedAgentIds.includes(raw.defaultAgentId)
  ) {
    problems.push('defaultAgentId must be one of allowedAgentIds');
  }
  for (const hook of ['resolveUserId', 'onTokenIssued', 'onTokensInvalidated'] as const) {
    if (raw[hook] !== undefined && typeof raw[hook] !== 'function') problems.push(`${hook} must be a function`);
  }
  problems.push(...checkCustomerUserStoreOption(raw.customerUserStore));
  problems.push(...checkRateLimitOption(raw.rateLimit), ...checkUpstreamBudgetOption(raw.upstreamBudget, raw.rateLimit));
  problems.push(...checkResilienceOptions(raw));
  problems.push(...checkRedisUrls(raw), ...checkDurationBounds(raw));
  if (problems.length > 0) throw new PerformChatOptionsError(problems);

  return {
    keyId: raw.keyId,
    keySecret: raw.keySecret,
    baseUrl: (raw.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    defaultAgentId: raw.defaultAgentId,
    allowedAgentIds: raw.allowedAgentIds ? new Set(raw.allowedAgentIds) : undefined,
    defaultExpiresIn,
    maxExpiresIn: raw.maxExpiresIn,
    timeoutMs: raw.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxResponseBytes: raw.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    resolveUserId: raw.resolveUserId ?? defaultResolveUserId,
    health: {
      timeoutMs: raw.health?.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS,
      cacheTtlMs: raw.health?.cacheTtlMs ?? DEFAULT_HEALTH_CACHE_TTL_MS,
      breakerOpenIsDown: raw.health?.breakerOpenIsDown ?? DEFAULT_HEALTH_BREAKER_OPEN_IS_DOWN,
      notFoundIsDown: raw.health?.notFoundIsDown ?? DEFAULT_HEALTH_NOT_FOUND_IS_DOWN,
    },
    customerUserStore: raw.customerUserStore ?? 'memory',
    onTokenIssued: raw.onTokenIssued,
    onTokensInvalidated: raw.onTokensInvalidated,
    rateLimit: resolveRateLimitOption(raw.rateLimit),
    upstreamBudget: resolveUpstreamBudgetOption(raw.upstreamBudget),
    resilience: resolveResilienceOptions(raw),
  };
}

/**
 * Checks options the way the module does at boot, without building it: for example inside
 * `ConfigModule.forRoot({ validate })`, so a bad `PERFORMCHAT_*` variable stops the app early.
 * @throws PerformChatOptionsError naming every bad field.
 */
export function validatePerformChatOptions(options: PerformChatModuleOptions): void {
  resolvePerformChatOptions(options);
}
