import { isRedisClusterUrl, maskRedisClusterUrl } from './redis-cluster-url';

/** Query parameters that may carry a credential (ioredis reads `?password=` as an option). */
const SECRET_PARAM = /pass|secret|token|auth/i;

/**
 * A URL as it may be printed: the password replaced by `****` (`redis://:****@host:6379`), a user
 * without a password too (`redis://SECRET@host` is a password written without its colon), and
 * credential-like query values. `undefined` when the text does not parse as a URL: then it is
 * not shown at all, since it may be a secret pasted into the wrong variable. A
 * `redis+cluster://` URL is masked the same way.
 */
export function maskUrl(text: string): string | undefined {
  // A cluster URL lists several hosts, which WHATWG URL cannot parse.
  if (isRedisClusterUrl(text)) return maskRedisClusterUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.password) url.password = '****';
  else if (url.username) url.username = '****';
  for (const name of new Set(url.searchParams.keys())) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, '****');
  }
  return url.href;
}
