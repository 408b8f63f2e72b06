import { didYouMean, editDistance } from './did-you-mean';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['points', 'points', 0],
    ['point', 'points', 1],
    ['tiemoutMs', 'timeoutMs', 1], // two neighbours swapped count once
    ['tries', 'retries', 2],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('didYouMean', () => {
  const RATE_LIMIT = ['points', 'duration', 'blockDuration', 'store'];
  const ROOT = ['keyId', 'keySecret', 'baseUrl', 'timeoutMs', 'deadlineMs', 'maxResponseBytes', 'retry'];

  it.each<[string, readonly string[], string | undefined]>([
    ['point', RATE_LIMIT, 'points'], // plural
    ['Points', RATE_LIMIT, 'points'], // case
    ['duratoin', RATE_LIMIT, 'duration'], // a swap
    ['blockduration', RATE_LIMIT, 'blockDuration'],
    ['stores', RATE_LIMIT, 'store'],
    ['timeout', ROOT, 'timeoutMs'], // the start of a known name (a unit left out)
    ['timeOutMs', ROOT, 'timeoutMs'],
    ['baseURL', ROOT, 'baseUrl'],
    ['keysecret', ROOT, 'keySecret'],
    ['timeoutMsec', ROOT, 'timeoutMs'], // a known name at the start
    ['window', RATE_LIMIT, undefined],
    ['db', ['redis', 'keyPrefix'], undefined], // too short to be fuzzy
    ['key', ROOT, undefined], // too short to be a start of keyId/keySecret
    ['agentId', ['defaultAgentId', 'allowedAgentIds'], undefined],
  ])('%s among %j → %s', (unknown, known, expected) => {
    expect(didYouMean(unknown, known)).toBe(expected);
  });

  it('prefers the closest name, then the first of equals', () => {
    expect(didYouMean('retrys', ['retry', 'retries'])).toBe('retry'); // plural stem beats distance 1
    expect(didYouMean('maxDelay', ['baseDelayMs', 'maxDelayMs'])).toBe('maxDelayMs');
    expect(didYouMean('abcd', ['abce', 'abcf'])).toBe('abce');
  });
});
