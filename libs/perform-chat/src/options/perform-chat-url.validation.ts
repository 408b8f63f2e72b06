import { Messages } from '../perform-chat.messages';
import { maskUrl } from './mask-url';
import { PERFORMCHAT_ENV } from './perform-chat.config';
import { isRedisClusterUrl, parseRedisClusterUrl } from './redis-cluster-url';

/** `/rest/v1` as whole path segments: the module appends it, so a base URL holding it can never work. */
const REST_PREFIX = /(^|\/)rest\/v1(\/|$)/i;
const DATABASE_PATH = /^\/\d{1,9}$/;
const BASE_URL_FORM = 'an http(s) URL such as https://api.performchat.com';
const REDIS_URL_FORM = 'redis://[[user]:password@]host[:port][/db] (or rediss://)';

/** The option paths that may hold a Redis URL, and the variable `performChatConfig` fills them from. */
const REDIS_URL_OPTIONS = ['rateLimit.store.redis', 'customerUserStore.redis', 'tokenReuse.store.redis'] as const;

/** `baseUrl (env PERFORMCHAT_BASE_URL)`: the option(s) and the variable, for a message. */
function label(fields: readonly string[], env: string): string {
  return `${fields.join(' and ')} (env ${env})`;
}

/** The URL for a message: masked, or a placeholder when it does not parse (never the raw text). */
function show(text: string): string {
  return maskUrl(text) ?? '(not shown)';
}

/** Parses a URL option, or says why not; the `checks` of the caller run only on a parsed URL. */
function parse(name: string, value: unknown, form: string): { url?: URL; problems: string[] } {
  if (typeof value !== 'string' || value === '') return { problems: [Messages.urlNotText(name, form)] };
  if (value.trim() !== value) return { problems: [Messages.urlSurroundingWhitespace(name)] };
  try {
    const url = new URL(value);
    if (url.port === '0') throw new RangeError('port 0');
    return { url, problems: [] };
  } catch {
    return { problems: [Messages.urlUnparseable(name, form)] };
  }
}

/** Query and fragment as typed: `new URL` drops an empty `?` or `#`, which still cannot be meant. */
function hasQuery(url: URL, text: string): boolean {
  return url.search !== '' || text.split('#')[0].includes('?');
}

/**
 * Problems of `baseUrl`: it must be an http(s) origin with an optional path prefix, without
 * credentials, query, fragment or the `/rest/v1` the module adds itself.
 */
export function checkBaseUrl(value: unknown): string[] {
  if (value === undefined) return [];
  const name = label(['baseUrl'], PERFORMCHAT_ENV.baseUrl);
  const { url, problems } = parse(name, value, BASE_URL_FORM);
  if (!url) return problems;
  const text = value as string;
  const shown = show(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return [Messages.urlScheme(name, 'http:// or https://', shown)];
  if (url.username || url.password) problems.push(Messages.baseUrlCredentials(name, shown));
  if (hasQuery(url, text)) problems.push(Messages.baseUrlQuery(name, shown));
  if (url.hash !== '' || text.includes('#')) problems.push(Messages.baseUrlFragment(name, shown));
  if (REST_PREFIX.test(url.pathname)) problems.push(Messages.baseUrlRestPrefix(name, shown));
  return problems;
}

function isStoreObject(value: object): boolean {
  return typeof (value as { save?: unknown }).save === 'function';
}

/** `tokenReuse.store` as given (a resolved one that only follows `rateLimit.store` holds no URL of its own). */
function tokenStoreOption(tokenReuse: unknown): unknown {
  const store = (tokenReuse as { store?: unknown } | undefined)?.store;
  return (store as { inherited?: unknown } | undefined)?.inherited === true ? undefined : store;
}

/**
 * Every Redis URL (a string, not a client) in the options, raw or resolved (both keep them at
 * `rateLimit.store.redis` and `customerUserStore.redis`), each once with the options holding it:
 * `performChatConfig` puts `PERFORMCHAT_REDIS_URL` in both.
 */
export function redisUrlOptions(options: {
  rateLimit?: unknown;
  customerUserStore?: unknown;
  tokenReuse?: unknown;
}): Map<string, string[]> {
  const byUrl = new Map<string, string[]>();
  const holders: [string, unknown][] = [
    [REDIS_URL_OPTIONS[0], (options.rateLimit as { store?: unknown } | undefined)?.store],
    [REDIS_URL_OPTIONS[1], options.customerUserStore],
    [REDIS_URL_OPTIONS[2], tokenStoreOption(options.tokenReuse)],
  ];
  for (const [field, holder] of holders) {
    if (typeof holder !== 'object' || holder === null || isStoreObject(holder)) continue;
    const url = (holder as { redis?: unknown }).redis;
    if (typeof url === 'string') byUrl.set(url, [...(byUrl.get(url) ?? []), field]);
  }
  return byUrl;
}

/** How a Redis URL is named in messages: the options holding it and the variable. */
export function redisUrlName(fields: readonly string[] = REDIS_URL_OPTIONS): string {
  return label(fields, PERFORMCHAT_ENV.redisUrl);
}

/** The database a valid Redis URL selects: its path (`/2`), else ioredis's `?db=`, else 0 (always 0 for a cluster). */
export function redisDatabaseOf(url: string): number {
  if (isRedisClusterUrl(url)) return 0;
  const parsed = new URL(url);
  const fromPath = DATABASE_PATH.test(parsed.pathname) ? parsed.pathname.slice(1) : undefined;
  return Number(fromPath ?? parsed.searchParams.get('db') ?? 0);
}

/** A `redis+cluster://` URL: startup nodes as `host:port`, no database, query or fragment. */
function checkRedisClusterUrl(name: string, value: string): string[] {
  if (value.trim() !== value) return [Messages.urlSurroundingWhitespace(name)];
  const parsed = parseRedisClusterUrl(value);
  if (typeof parsed !== 'string') return [];
  return [Messages.redisClusterUrlProblem(name, parsed, maskUrl(value) ?? '(not shown)')];
}

function checkRedisUrl(name: string, value: string): string[] {
  if (isRedisClusterUrl(value)) return checkRedisClusterUrl(name, value);
  const { url, problems } = parse(name, value, REDIS_URL_FORM);
  if (!url) return problems;
  const shown = show(value);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return [
      Messages.urlScheme(
        name,
        'redis:// or rediss:// (redis+cluster:// or rediss+cluster:// for a Redis Cluster)',
        shown,
      ),
    ];
  if (url.hostname === '') problems.push(Messages.redisUrlNoHost(name, shown));
  if (url.hash !== '' || value.includes('#')) problems.push(Messages.redisUrlFragment(name, shown));
  const db = url.searchParams.get('db');
  if (!['', '/'].includes(url.pathname) && !DATABASE_PATH.test(url.pathname))
    problems.push(Messages.redisUrlDatabase(name, shown));
  else if (db !== null && !/^\d{1,9}$/.test(db)) problems.push(Messages.redisUrlDatabase(name, shown));
  return problems;
}

/**
 * Problems of every Redis URL in the options, one set per distinct URL naming each option that
 * holds it and `PERFORMCHAT_REDIS_URL`. Clients (not strings) are checked by each store's option.
 */
export function checkRedisUrls(options: {
  rateLimit?: unknown;
  customerUserStore?: unknown;
  tokenReuse?: unknown;
}): string[] {
  return [...redisUrlOptions(options)].flatMap(([url, fields]) => checkRedisUrl(redisUrlName(fields), url));
}
