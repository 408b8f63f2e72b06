import { Cluster, Redis } from 'ioredis';
import { isRedisCluster, redisSecretsOf } from './redis-client';
import { describeRedisClient } from './redis-client-name';
import { hashTag, isValidRedisKeyPrefix, redisKey, taggedKeysPattern } from './redis-keys';

describe('the Redis key layout', () => {
  it('joins segments with one separator and tags the entity', () => {
    expect(redisKey('performchat:rl', 'Chat.send', hashTag('u:42'))).toBe('performchat:rl:Chat.send:{u:42}');
    expect(redisKey('performchat:cu', hashTag('alice'))).toBe('performchat:cu:{alice}');
  });

  it('accepts prefixes without whitespace or braces that do not end with the separator', () => {
    expect(['performchat:rl', 'app', 'a.b-c_d:e', 'x'.repeat(200)].every(isValidRedisKeyPrefix)).toBe(true);
    expect(
      ['', 'app:', 'has space', 'app:{tag}', 'a}', 'x'.repeat(201), 42, undefined].some(isValidRedisKeyPrefix),
    ).toBe(false);
  });

  it('matches only the tagged keys under a prefix, glob characters escaped', () => {
    expect(taggedKeysPattern('performchat:cu')).toBe('performchat:cu:{*');
    expect(taggedKeysPattern('a[b]*?\\')).toBe('a\\[b\\]\\*\\?\\\\:{*');
  });
});

describe('Redis clients by shape', () => {
  const single = new Redis({ host: '10.0.0.7', port: 6380, password: 'pw-single', lazyConnect: true });
  const cluster = new Cluster(
    [
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '10.0.0.3', port: 7002 },
      { host: '10.0.0.4', port: 7003 },
    ],
    { lazyConnect: true, redisOptions: { password: 'pw-cluster' } },
  );
  afterAll(() => {
    single.disconnect();
    cluster.disconnect();
  });

  it('tells a Cluster from one node by isCluster / nodes(), not by class', () => {
    expect([isRedisCluster(single), isRedisCluster(cluster)]).toEqual([false, true]);
    // Another copy of ioredis: only the shape counts.
    expect(isRedisCluster({ isCluster: true, nodes: () => [] })).toBe(true);
    expect(isRedisCluster({ nodes: () => [] })).toBe(true);
    expect(isRedisCluster({ isCluster: false, nodes: () => [] })).toBe(false);
    expect(isRedisCluster(null)).toBe(false);
  });

  it('names a client without its password: host:port, or the cluster by its first startup nodes', () => {
    expect(describeRedisClient(single)).toBe('10.0.0.7:6380');
    expect(describeRedisClient(cluster)).toBe('cluster 10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002 (+1 more)');
    expect(redisSecretsOf(single)).toEqual(['pw-single']);
    expect(redisSecretsOf(cluster)).toEqual(['pw-cluster']);
  });
});
