/**
 * `redis+cluster://[[user]:password@]host1:port1,host2:port2[,...]` (`rediss+cluster://` for TLS):
 * a Redis Cluster given by its startup nodes in one string, so `PERFORMCHAT_REDIS_URL` can name a
 * cluster. ioredis needs only some of the nodes (it discovers the rest with `CLUSTER SLOTS`);
 * listing every master lets it boot while one of them is down. A cluster has only database 0,
 * so the URL has no `/db`. WHATWG `URL` cannot parse a host list, hence this small parser.
 */
export const REDIS_CLUSTER_URL_FORM =
  'redis+cluster://[[user]:password@]host:port,host:port[,...] (or rediss+cluster://)';

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

/** One startup node. */
export interface RedisClusterNodeAddress {
  host: string;
  port: number;
}

/** A parsed cluster URL. Credentials apply to every node. */
export interface RedisClusterUrl {
  nodes: RedisClusterNodeAddress[];
  username?: string;
  password?: string;
  tls: boolean;
}

/** What is wrong with a cluster URL, for a message that never shows the password. */
export type RedisClusterUrlProblem = 'no-node' | 'bad-node' | 'path' | 'query' | 'fragment' | 'credentials';

/** True for `redis+cluster://...` and `rediss+cluster://...` (any case). */
export function isRedisClusterUrl(text: unknown): boolean {
  return typeof text === 'string' && CLUSTER_SCHEME.test(text);
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Splits `user:password@rest` at the last `@` (a password may hold an encoded `@` only). */
function splitCredentials(rest: string): { credentials?: string; hosts: string } {
  const at = rest.lastIndexOf('@');
  return at === -1 ? { hosts: rest } : { credentials: rest.slice(0, at), hosts: rest.slice(at + 1) };
}

/** Parses a cluster URL, or names its first problem. */
export function parseRedisClusterUrl(text: string): RedisClusterUrl | RedisClusterUrlProblem {
  const scheme = CLUSTER_SCHEME.exec(text);
  if (!scheme) return 'no-node';
  const rest = text.slice(scheme[0].length);
  if (rest.includes('#')) return 'fragment';
  if (rest.includes('?')) return 'query';
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  // A cluster serves database 0 only: `/` or `/0` is allowed, anything else cannot work.
  if (path !== '' && path !== '/' && path !== '/0') return 'path';
  const { credentials, hosts } = splitCredentials(authority);
  let username: string | undefined;
  let password: string | undefined;
  if (credentials !== undefined) {
    const colon = credentials.indexOf(':');
    // `redis://SECRET@host` is a password written without its colon: refused, never guessed.
    if (colon === -1) return 'credentials';
    username = decode(credentials.slice(0, colon));
    password = decode(credentials.slice(colon + 1));
    if (username === undefined || password === undefined) return 'credentials';
  }
  const parts = hosts.split(',');
  if (parts.length === 0 || parts.every((part) => part === '')) return 'no-node';
  const nodes: RedisClusterNodeAddress[] = [];
  for (const part of parts) {
    const match = HOST_PORT.exec(part);
    const port = match ? Number(match[2] ?? 6379) : 0;
    if (!match || port < 1 || port > 65_535) return 'bad-node';
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return {
    nodes,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    tls: scheme[1].toLowerCase() === 'rediss',
  };
}

/** The URL as it may be printed: the password (or a lone user, a password without its colon) as `****`. */
export function maskRedisClusterUrl(text: string): string {
  const scheme = CLUSTER_SCHEME.exec(text);
  if (!scheme) return text;
  const rest = text.slice(scheme[0].length);
  const { credentials, hosts } = splitCredentials(rest);
  if (credentials === undefined) return text;
  const colon = credentials.indexOf(':');
  const shown = colon === -1 ? '****' : `${credentials.slice(0, colon)}:****`;
  return `${scheme[0]}${shown}@${hosts}`;
}
