import type { EmulatorAgentOptions, EmulatorApiKeyOptions, EmulatorRateLimit } from './emulator.interfaces';

/** Documented token-generation path. */
export const PERFORMCHAT_TOKEN_PATH = '/rest/v1/auth/token';
/** Documented token-invalidation path. */
export const PERFORMCHAT_INVALIDATE_TOKEN_PATH = '/rest/v1/auth/invalidate-token';
/** Prefix of the emulator-only routes (verify, faults, reset, state). */
export const EMULATOR_ADMIN_PREFIX = '/__emulator/';
/** Emulator-only route that seeds a conversation for the conversations API (`POST`). */
export const EMULATOR_CONVERSATIONS_PATH = '/__emulator/conversations';

/** Counter keys of {@link EmulatorState.counters}: `"<METHOD> <path>"` for the documented paths. */
export const EMULATOR_COUNTER_KEYS = Object.freeze({
  token: `POST ${PERFORMCHAT_TOKEN_PATH}`,
  invalidateToken: `POST ${PERFORMCHAT_INVALIDATE_TOKEN_PATH}`,
  /** Every request to a path that is neither documented nor an emulator route. */
  unmatched: 'unmatched',
});

/** Company of the demo key and agents. */
export const EMULATOR_DEMO_COMPANY_ID = 'company_demo';

/** The API key the emulator accepts by default (development only: the secret is public). */
export const EMULATOR_DEMO_KEY: Readonly<Required<Omit<EmulatorApiKeyOptions, 'expiresAt' | 'permissions'>>> =
  Object.freeze({
    keyId: 'pk_demo_performchat',
    keySecret: 'sk_demo_performchat_emulator_secret',
    companyId: EMULATOR_DEMO_COMPANY_ID,
    name: 'Emulator Demo Key',
    environment: 'development',
  });

/** Id of the default demo agent (active). */
export const EMULATOR_DEMO_AGENT_ID = 'agent_support';

/** The agents the emulator knows by default: two active, one inactive. */
export const EMULATOR_DEMO_AGENTS: ReadonlyArray<Readonly<Required<EmulatorAgentOptions>>> = Object.freeze([
  Object.freeze({
    id: EMULATOR_DEMO_AGENT_ID,
    name: 'Customer Support Agent',
    active: true,
    companyId: EMULATOR_DEMO_COMPANY_ID,
    promptTemplate: 'You are a friendly support agent. Answer questions about orders and accounts.',
  }),
  Object.freeze({
    id: 'agent_sales',
    name: 'Sales Agent',
    active: true,
    companyId: EMULATOR_DEMO_COMPANY_ID,
    promptTemplate: 'You are a sales assistant. Help customers choose a plan.',
  }),
  Object.freeze({
    id: 'agent_retired',
    name: 'Retired Agent',
    active: false,
    companyId: EMULATOR_DEMO_COMPANY_ID,
    promptTemplate: 'You are no longer in service.',
  }),
]);

/** The documented rate limits (PerformChat errors page). */
export const EMULATOR_DEFAULT_RATE_LIMITS: Readonly<
  Record<'tokenGenerations' | 'failedAuth' | 'apiRequests', Readonly<EmulatorRateLimit>>
> = Object.freeze({
  tokenGenerations: Object.freeze({ points: 100, windowMs: 60_000 }),
  failedAuth: Object.freeze({ points: 10, windowMs: 300_000 }),
  apiRequests: Object.freeze({ points: 1000, windowMs: 60_000 }),
});

/** Default `expiresIn` of token generation (documented). */
export const EMULATOR_DEFAULT_EXPIRES_IN = '24h';
/** Default host. */
export const EMULATOR_DEFAULT_HOST = '127.0.0.1';
/** Default port of the standalone server (`npm run emulator`). */
export const EMULATOR_STANDALONE_DEFAULT_PORT = 4010;
/** Default request-body limit (Express's `100kb`). */
export const EMULATOR_DEFAULT_MAX_BODY_BYTES = 100 * 1024;
/** Default size of an `oversized` fault body. */
export const EMULATOR_DEFAULT_OVERSIZED_BYTES = 256 * 1024;
/** Default pause between bytes of a `trickle` fault. */
export const EMULATOR_DEFAULT_TRICKLE_INTERVAL_MS = 100;
/** Permission that token generation requires when a key lists permissions (emulator choice). */
export const EMULATOR_TOKEN_PERMISSION = 'chat:send';
