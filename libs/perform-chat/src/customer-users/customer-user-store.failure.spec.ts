import { describeRedisFailure, describeStoreFailure, isRedisUnavailable } from './customer-user-store.failure';

/** An error shaped like ioredis's, without its classes: recognition is by shape only. */
function shaped(name: string, message: string, code?: string): Error {
  const error = new Error(message) as Error & { code?: string };
  Object.defineProperty(error, 'name', { value: name });
  if (code) error.code = code;
  return error;
}

describe('store failure shapes', () => {
  it.each([
    [
      'MaxRetriesPerRequestError',
      shaped('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).'),
      'does not answer (MaxRetriesPerRequestError)',
    ],
    ['a closed connection', shaped('Error', 'Connection is closed.'), 'does not answer (Connection is closed.)'],
    [
      'no offline queue',
      shaped('Error', "Stream isn't writeable and enableOfflineQueue options is false"),
      "does not answer (Stream isn't writeable and enableOfflineQueue options is false)",
    ],
    [
      'a refused connection',
      shaped('Error', 'connect ECONNREFUSED 127.0.0.1:6390', 'ECONNREFUSED'),
      'does not answer (ECONNREFUSED)',
    ],
    [
      'a loading server',
      shaped('ReplyError', 'LOADING Redis is loading the dataset in memory'),
      'does not answer (LOADING)',
    ],
    [
      'a cluster that lost its nodes',
      shaped('ClusterAllFailedError', 'Failed to refresh slots cache.'),
      'does not answer (ClusterAllFailedError)',
    ],
  ])('%s is Redis being unavailable', (_name, error, described) => {
    expect(isRedisUnavailable(error)).toBe(true);
    expect(describeRedisFailure(error)).toBe(described);
  });

  it.each([
    [
      'WRONGTYPE',
      shaped('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'),
      'refused the command (WRONGTYPE Operation against a key holding the wrong kind of value)',
    ],
    [
      'NOAUTH',
      shaped('ReplyError', 'NOAUTH Authentication required.'),
      'refused the command (NOAUTH Authentication required.)',
    ],
    ['a TypeError', new TypeError('x is not a function'), 'failed (TypeError: x is not a function)'],
  ])('%s is a Redis failure of another kind', (_name, error, described) => {
    expect(isRedisUnavailable(error)).toBe(false);
    expect(describeRedisFailure(error)).toBe(described);
  });

  it('describes any thrown value in one line of at most 200 characters', () => {
    expect(describeStoreFailure(new Error('database is down'))).toBe('Error: database is down');
    expect(describeStoreFailure('a string')).toBe('a string');
    expect(describeStoreFailure(undefined)).toBe('undefined');
    expect(describeStoreFailure({})).toBe('unknown error');
    const long = describeStoreFailure(new Error(`line one\n    at somewhere\n${'x'.repeat(500)}`));
    expect(long).not.toMatch(/\n/);
    expect(long.length).toBeLessThanOrEqual(200);
  });
});
