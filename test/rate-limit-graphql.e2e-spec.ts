import request from 'supertest';
import { RunningGraphqlApp, startGraphqlApp } from './utils/graphql-app';

const USER = 'x-demo-user';
const MESSAGE = 'Too many requests: you have reached the limit of this route; try again in 60 s';

describe('PerformChatRateLimitGuard on GraphQL resolvers (Apollo on Express)', () => {
  let server: RunningGraphqlApp;
  beforeAll(async () => {
    server = await startGraphqlApp();
  });
  afterAll(() => server.close());

  const graphql = (query: string, user?: string) => {
    const call = request(server.url).post('/graphql').set('content-type', 'application/json');
    return (user === undefined ? call : call.set(USER, user)).send({ query });
  };

  it('limits a query per user: the refusal is a GraphQL error with code RATE_LIMITED and retryAfterMs', async () => {
    for (let i = 1; i <= 2; i++) {
      const ok = await graphql('{ greeting }', 'alice').expect(200);
      expect(ok.body).toEqual({ data: { greeting: 'hello' } });
      expect(ok.headers['x-ratelimit-limit']).toBe('2');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
      expect(ok.headers['x-ratelimit-reset']).toBe('60');
    }
    const refused = await graphql('{ greeting }', 'alice').expect(200);
    expect(refused.body).toEqual({
      data: null,
      errors: [
        {
          message: MESSAGE,
          locations: [{ line: 1, column: 3 }],
          path: ['greeting'],
          extensions: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) },
        },
      ],
    });
    expect(refused.body.errors[0].extensions.retryAfterMs).toBeGreaterThan(55_000);
    expect(refused.body.errors[0].extensions.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');

    // Another user is not affected.
    expect((await graphql('{ greeting }', 'bob').expect(200)).body).toEqual({ data: { greeting: 'hello' } });
  });

  it('counts anonymous callers by IP', async () => {
    await graphql('{ exact }').expect(200);
    const second = await graphql('{ exact }').expect(200);
    expect(second.headers['x-ratelimit-remaining']).toBe('8');
  });

  it('is exact under concurrency: 50 concurrent queries of one user with points = 10 → 10 answers, 40 refusals', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => graphql('{ exact }', 'carol')));
    const ok = answers.filter((a) => a.body.data?.exact === 'exact');
    const refused = answers.filter((a) => a.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
  });

  it('applies named limits to a mutation, each with its own headers', async () => {
    const first = await graphql('mutation { sendMessage }', 'dave').expect(200);
    expect(first.body).toEqual({ data: { sendMessage: true } });
    expect(first.headers['x-ratelimit-remaining-burst']).toBe('0');
    expect(first.headers['x-ratelimit-remaining-sustained']).toBe('2');
    const second = await graphql('mutation { sendMessage }', 'dave').expect(200);
    expect(second.body.errors[0]).toMatchObject({ message: MESSAGE, extensions: { code: 'RATE_LIMITED' } });
  });
});
