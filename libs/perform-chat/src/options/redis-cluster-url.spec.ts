import { inspect } from 'node:util';
import { maskUrl } from './mask-url';
import { PerformChatModuleOptions } from './perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from './perform-chat-options.validation';
import { performChatConfig } from './perform-chat.config';
import { redisDatabaseOf } from './perform-chat-url.validation';
import { isRedisClusterUrl, parseRedisClusterUrl } from './redis-cluster-url';

const SECRET = 'SECRET_cluster_url_7c1d';
const base: PerformChatModuleOptions = { keyId: 'pk_cluster_url', keySecret: 'sk_cluster_url' };

function refusal(options: Partial<PerformChatModuleOptions>): PerformChatOptionsError {
  try {
    resolvePerformChatOptions({ ...base, ...options });
  } catch (error) {
    if (error instanceof PerformChatOptionsError) return error;
    throw error;
  }
  throw new Error('expected the options to be refused');
}

describe('redis+cluster:// URLs', () => {
  it('parse into startup nodes, credentials and TLS', () => {
    expect(parseRedisClusterUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,cache-3')).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'cache-3', port: 6379 },
      ],
      tls: false,
    });
    expect(
      parseRedisClusterUrl(`rediss+cluster://app:${encodeURIComponent(`${SECRET}@:/`)}@[::1]:7000,h2:7001/0`),
    ).toEqual({
      nodes: [
        { host: '::1', port: 7000 },
        { host: 'h2', port: 7001 },
      ],
      username: 'app',
      password: `${SECRET}@:/`,
      tls: true,
    });
    expect(isRedisClusterUrl('REDIS+CLUSTER://h:1')).toBe(true);
    expect(isRedisClusterUrl('redis://h:1')).toBe(false);
    expect(redisDatabaseOf('redis+cluster://h:1,h:2')).toBe(0);
  });

  it('are masked in messages like any Redis URL', () => {
    expect(maskUrl(`redis+cluster://:${SECRET}@h1:7000,h2:7001`)).toBe('redis+cluster://:****@h1:7000,h2:7001');
    expect(maskUrl(`rediss+cluster://app:${SECRET}@h1:7000`)).toBe('rediss+cluster://app:****@h1:7000');
    expect(maskUrl(`redis+cluster://${SECRET}@h1:7000`)).toBe('redis+cluster://****@h1:7000');
  });

  it('are accepted by the options, in both stores and from PERFORMCHAT_REDIS_URL', () => {
    const url = `redis+cluster://:${SECRET}@127.0.0.1:7000,127.0.0.1:7001`;
    const options = resolvePerformChatOptions(
      performChatConfig({ PERFORMCHAT_KEY_ID: 'pk', PERFORMCHAT_KEY_SECRET: 'sk', PERFORMCHAT_REDIS_URL: url }),
    );
    expect(options.rateLimit.store).toEqual({
      kind: 'redis',
      redis: url,
      keyPrefix: 'performchat:rl',
      keyWidePrefix: 'performchat:rl',
    });
    expect(options.customerUserStore).toMatchObject({ redis: url });
  });

  it.each<[string, string, string]>([
    [
      'a database',
      `redis+cluster://:${SECRET}@h1:7000/2`,
      'a Redis Cluster has only database 0, so the URL names no /db',
    ],
    ['no node', 'redis+cluster://', 'it lists no node'],
    [
      'an empty node',
      'redis+cluster://h1:7000,,h2:7001',
      'every node must be host:port (port 1 to 65535), separated by commas',
    ],
    ['a port out of range', `redis+cluster://:${SECRET}@h1:70000`, 'every node must be host:port'],
    ['a query', 'redis+cluster://h1:7000?password=x', 'it must not have a query string'],
    ['a fragment', `redis+cluster://:${SECRET}@h1:7000#x`, 'it must not have a #fragment'],
    ['a password without its colon', `redis+cluster://${SECRET}@h1:7000`, 'write the password after a colon'],
    ['a bad percent-encoding', `redis+cluster://:${SECRET}%zz@h1:7000`, 'write the password after a colon'],
  ])('refuses %s, naming the option and the variable, never showing the password', (_name, url, expected) => {
    const error = refusal({ rateLimit: { store: { redis: url } } });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(
      /^rateLimit\.store\.redis \(env PERFORMCHAT_REDIS_URL\) is not a usable Redis Cluster URL: /,
    );
    expect(error.problems[0]).toContain(expected);
    expect(error.problems[0]).toContain(
      'write it as redis+cluster://[[user]:password@]host:port,host:port (or rediss+cluster://)',
    );
    expect([error.message, error.stack, inspect(error, { depth: 10 })].join('\n')).not.toContain(SECRET);
  });
});
