import { captureLogs } from '@test/utils';
import { defaultResolveUserId, readUserId } from './resolve-user-id';

describe('readUserId', () => {
  it.each([
    [{ user: { id: 'u-1' } }, 'u-1'],
    [{ user: { sub: 'sub-1' } }, 'sub-1'],
    [{ user: { id: 42 } }, '42'],
    [{ user: { id: '' } }, undefined],
    [{ user: { id: Number.NaN } }, undefined],
    [{ user: { id: { $ne: 1 } } }, undefined],
    [{}, undefined],
  ])('normalises %j to %j', (request, expected) => {
    expect(readUserId(request, defaultResolveUserId)).toBe(expected);
  });

  it('calls the resolver once per request once a user is found (the guard and the route share it)', () => {
    const resolver = jest.fn(() => 'alice');
    const request = {};
    expect(readUserId(request, resolver)).toBe('alice');
    expect(readUserId(request, resolver)).toBe('alice');
    expect(resolver).toHaveBeenCalledTimes(1);
    expect(readUserId({}, resolver)).toBe('alice');
    expect(resolver).toHaveBeenCalledTimes(2);
  });

  it('asks again while there is no user (authentication may run later)', () => {
    const request: { user?: { id: string } } = {};
    expect(readUserId(request, defaultResolveUserId)).toBeUndefined();
    request.user = { id: 'late' };
    expect(readUserId(request, defaultResolveUserId)).toBe('late');
  });

  it('a resolver that throws means no user, and says so in the log once', () => {
    const logs = captureLogs();
    try {
      const broken = (request: { user: { id: string } }) => request.user.id;
      expect(readUserId({}, broken)).toBeUndefined();
      expect(readUserId({}, broken)).toBeUndefined();
      expect(logs.entries).toEqual([
        {
          level: 'warn',
          message: {
            msg: expect.stringMatching(
              /^resolveUserId threw \(TypeError: .*\); the request counts as having no user \(401\)/,
            ),
            event: 'user-id.resolver-threw',
            reason: expect.stringMatching(/^TypeError: /),
          },
          params: [],
          context: 'PerformChat',
        },
      ]);
    } finally {
      logs.restore();
    }
  });
});
