import { PerformChatError } from '../../errors/perform-chat.error';
import { PerformChatErrorCode } from '../../errors/perform-chat-error-code';
import { parseInvalidationResponse, parseTokenResponse, TokenRequestFacts } from './auth-answers.parser';
import { PerformChatToken } from './auth.interfaces';

const REQUESTED_AT = Date.UTC(2026, 0, 1, 12, 0, 0);
/** The answer is read 1.5 s after the request was sent. */
const NOW = REQUESTED_AT + 1_500;
const FACTS: TokenRequestFacts = {
  userId: 'user_123',
  agentId: 'agent_abc',
  expiresInSeconds: 900,
  requestedAt: REQUESTED_AT,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT as PerformChat shapes it (the parser only decodes it; the signature is never checked here). */
const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
const EXP = REQUESTED_AT / 1000 + 600; // the JWT says 10 min, not the 15 min asked for
const TOKEN = jwt({
  sub: 'cm4abc123xyz',
  companyId: 'company_xyz',
  agentId: 'agent_abc',
  iat: REQUESTED_AT / 1000,
  exp: EXP,
});

const customerUser = { id: 'cm4abc123xyz', externalId: 'user_123', companyId: 'company_xyz', agentId: 'agent_abc' };
const agent = { id: 'agent_abc', name: 'Customer Support Agent', active: true };
const apiKey = { id: 'key_id', name: 'Production API Key', environment: 'production' };

/** The token-generation page's answer: `customerUser` and `apiKey`. */
const docsPage = () => ({
  token: TOKEN,
  customerUser: { ...customerUser },
  agent: { ...agent },
  apiKey: { ...apiKey },
});
/** The examples page's answer: `user`, no `apiKey`. */
const examplesPage = () => ({ token: TOKEN, user: { ...customerUser }, agent: { ...agent } });

const expected = (extra: Partial<PerformChatToken> = {}): PerformChatToken => ({
  token: TOKEN,
  expiresAt: new Date(EXP * 1000),
  expiresInSeconds: 598, // 600 s from the request, read 1.5 s later, rounded down
  customerUser,
  agent,
  ...extra,
});

describe('parseTokenResponse', () => {
  describe('the documented answers', () => {
    it.each([
      ['customerUser with apiKey (token-generation page)', docsPage(), expected({ apiKey })],
      ['user without apiKey (examples page)', examplesPage(), expected()],
      [
        'customerUser without apiKey',
        { ...examplesPage(), user: undefined, customerUser: { ...customerUser } },
        expected(),
      ],
      ['user with apiKey', { ...examplesPage(), apiKey: { ...apiKey } }, expected({ apiKey })],
      [
        'both keys: customerUser wins',
        { ...docsPage(), user: { ...customerUser, id: 'cm_other', externalId: 'someone_else' } },
        expected({ apiKey }),
      ],
      [
        'customerUser not an object, user is: user is read',
        { ...examplesPage(), customerUser: 'cm4abc123xyz' },
        expected(),
      ],
      [
        'unknown fields everywhere are dropped',
        {
          ...docsPage(),
          extra: 1,
          customerUser: { ...customerUser, tokenVersion: 3 },
          agent: { ...agent, avatar: 'x.png' },
          apiKey: { ...apiKey, scopes: ['auth'] },
        },
        expected({ apiKey }),
      ],
      [
        'an inactive agent is reported as such',
        { ...examplesPage(), agent: { ...agent, active: false } },
        expected({ agent: { ...agent, active: false } }),
      ],
    ])('%s', (_name, body, result) => {
      // toStrictEqual: no `apiKey: undefined` or stray key in the result.
      expect(parseTokenResponse(body, FACTS, NOW)).toStrictEqual(result);
    });
  });

  describe('the expiry: the JWT exp when it has one, else the lifetime asked for', () => {
    const requested = new Date(REQUESTED_AT + 900_000);
    it.each([
      ['exp in the JWT (10 min, asked 15)', TOKEN, new Date(EXP * 1000), 598],
      ['a JWT exp with a fraction', jwt({ exp: EXP + 0.5 }), new Date(EXP * 1000 + 500), 599],
      ['a JWT without exp', jwt({ sub: 'cm4abc123xyz' }), requested, 898],
      ['a JWT with a string exp', jwt({ exp: String(EXP) }), requested, 898],
      ['a JWT with exp null', jwt({ exp: null }), requested, 898],
      ['an opaque token (not a JWT)', 'opaque-token-value', requested, 898],
      ['a JWT whose payload is not JSON', `${b64({ alg: 'HS256' })}.bm90IGpzb24.sig`, requested, 898],
      [
        'a JWT that expired already: 0 s left, never negative',
        jwt({ exp: REQUESTED_AT / 1000 - 60 }),
        new Date(REQUESTED_AT - 60_000),
        0,
      ],
      ['a JWT that expires within the second: 0 s', jwt({ exp: NOW / 1000 + 0.5 }), new Date(NOW + 500), 0],
    ])('%s', (_name, token, expiresAt, expiresInSeconds) => {
      const result = parseTokenResponse({ ...examplesPage(), token }, FACTS, NOW);
      expect({
        token: result.token,
        expiresAt: result.expiresAt,
        expiresInSeconds: result.expiresInSeconds,
      }).toStrictEqual({
        token,
        expiresAt,
        expiresInSeconds,
      });
    });

    it('counts the requested lifetime from the clock read before the request, not from when the answer was read', () => {
      const result = parseTokenResponse(
        { ...examplesPage(), token: 'opaque' },
        { ...FACTS, expiresInSeconds: 60 },
        REQUESTED_AT + 10_000,
      );
      expect(result.expiresAt).toEqual(new Date(REQUESTED_AT + 60_000));
      expect(result.expiresInSeconds).toBe(50);
    });
  });

  describe('every malformed shape → INVALID_RESPONSE naming what is wrong', () => {
    const without = <T extends Record<string, unknown>>(value: T, key: keyof T) => {
      const copy = { ...value };
      delete copy[key];
      return copy;
    };
    const userFieldRows = (key: 'customerUser' | 'user', page: () => Record<string, unknown>) =>
      (['id', 'externalId', 'companyId', 'agentId'] as const).flatMap((field) =>
        (
          [
            ['missing', without(customerUser, field)],
            ['empty', { ...customerUser, [field]: '' }],
            ['a number', { ...customerUser, [field]: 42 }],
            ['null', { ...customerUser, [field]: null }],
          ] as const
        ).map(
          ([how, user]) =>
            [
              `${key}.${field} ${how}`,
              { ...page(), [key]: user },
              `${key}.${field} is missing or not a string`,
            ] as const,
        ),
      );

    it.each<readonly [string, unknown, string]>([
      ['null', null, 'the body is not a JSON object'],
      ['an array', [docsPage()], 'the body is not a JSON object'],
      ['a string', 'token', 'the body is not a JSON object'],
      ['a number', 200, 'the body is not a JSON object'],
      ['undefined (empty body)', undefined, 'the body is not a JSON object'],
      ['token missing', without(docsPage(), 'token'), 'token is missing or not a string'],
      ['token empty', { ...docsPage(), token: '' }, 'token is missing or not a string'],
      ['token a number', { ...docsPage(), token: 12345 }, 'token is missing or not a string'],
      ['token an object', { ...docsPage(), token: { jwt: TOKEN } }, 'token is missing or not a string'],
      ['neither customerUser nor user', without(examplesPage(), 'user'), 'user is missing or not an object'],
      ['user an array', { ...examplesPage(), user: [customerUser] }, 'user is missing or not an object'],
      ['user null', { ...examplesPage(), user: null }, 'user is missing or not an object'],
      ...userFieldRows('customerUser', docsPage),
      ...userFieldRows('user', examplesPage),
      ['agent missing', without(docsPage(), 'agent'), 'agent is missing or not an object'],
      ['agent a string', { ...docsPage(), agent: 'agent_abc' }, 'agent is missing or not an object'],
      [
        'agent.active missing',
        { ...docsPage(), agent: without(agent, 'active') },
        'agent.active is missing or not a boolean',
      ],
      [
        'agent.active a string',
        { ...docsPage(), agent: { ...agent, active: 'true' } },
        'agent.active is missing or not a boolean',
      ],
      ['agent.id missing', { ...docsPage(), agent: without(agent, 'id') }, 'agent.id is missing or not a string'],
      ['agent.name a number', { ...docsPage(), agent: { ...agent, name: 7 } }, 'agent.name is missing or not a string'],
      ['apiKey null', { ...docsPage(), apiKey: null }, 'apiKey is missing or not an object'],
      ['apiKey a string', { ...docsPage(), apiKey: 'key_id' }, 'apiKey is missing or not an object'],
      ['apiKey.id missing', { ...docsPage(), apiKey: without(apiKey, 'id') }, 'apiKey.id is missing or not a string'],
      [
        'apiKey.name empty',
        { ...docsPage(), apiKey: { ...apiKey, name: '' } },
        'apiKey.name is missing or not a string',
      ],
      [
        'apiKey.environment a number',
        { ...docsPage(), apiKey: { ...apiKey, environment: 1 } },
        'apiKey.environment is missing or not a string',
      ],
      // Another user's or another agent's token must never reach a browser.
      [
        'customerUser.externalId of another user',
        { ...docsPage(), customerUser: { ...customerUser, externalId: 'user_124' } },
        'customerUser.externalId is not the user the token was asked for',
      ],
      [
        'user.externalId of another user',
        { ...examplesPage(), user: { ...customerUser, externalId: 'USER_123' } },
        'user.externalId is not the user the token was asked for',
      ],
      [
        'agent.id of another agent',
        { ...docsPage(), agent: { ...agent, id: 'agent_xyz' } },
        'agent.id is not the agent the token was asked for',
      ],
    ])('%s', (_name, body, reason) => {
      let thrown: unknown;
      try {
        parseTokenResponse(body, FACTS, NOW);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PerformChatError);
      expect((thrown as PerformChatError).toJSON()).toEqual({
        name: 'PerformChatError',
        code: PerformChatErrorCode.INVALID_RESPONSE,
        message: `PerformChat sent an invalid response: ${reason}`,
      });
      // The token of a refused answer is never echoed.
      expect(JSON.stringify(thrown) + (thrown as Error).stack).not.toContain(TOKEN);
    });
  });
});

describe('parseInvalidationResponse', () => {
  it.each([
    [
      'the documented answer',
      { message: 'All tokens invalidated successfully', customerUserId: 'cu_1', newTokenVersion: 1 },
      1,
    ],
    ['without customerUserId', { newTokenVersion: 4 }, 4],
    ['version 0', { customerUserId: 'cu_1', newTokenVersion: 0 }, 0],
  ])('%s', (_name, body, version) => {
    expect(parseInvalidationResponse(body, 'cu_1')).toStrictEqual({ customerUserId: 'cu_1', newTokenVersion: version });
  });

  it.each<readonly [string, unknown, string]>([
    ['null', null, 'the body is not a JSON object'],
    ['an array', [{ newTokenVersion: 1 }], 'the body is not a JSON object'],
    ['a string', 'ok', 'the body is not a JSON object'],
    [
      'newTokenVersion missing',
      { message: 'ok', customerUserId: 'cu_1' },
      'newTokenVersion is missing or not a non-negative integer',
    ],
    ['newTokenVersion a string', { newTokenVersion: '1' }, 'newTokenVersion is missing or not a non-negative integer'],
    ['newTokenVersion negative', { newTokenVersion: -1 }, 'newTokenVersion is missing or not a non-negative integer'],
    [
      'newTokenVersion a fraction',
      { newTokenVersion: 1.5 },
      'newTokenVersion is missing or not a non-negative integer',
    ],
    ['newTokenVersion NaN-like', { newTokenVersion: null }, 'newTokenVersion is missing or not a non-negative integer'],
    [
      'customerUserId of another user',
      { customerUserId: 'cu_2', newTokenVersion: 1 },
      'customerUserId is not the customer user that was invalidated',
    ],
    [
      'customerUserId null',
      { customerUserId: null, newTokenVersion: 1 },
      'customerUserId is not the customer user that was invalidated',
    ],
  ])('%s → INVALID_RESPONSE', (_name, body, reason) => {
    expect(() => parseInvalidationResponse(body, 'cu_1')).toThrow(
      expect.objectContaining({
        code: PerformChatErrorCode.INVALID_RESPONSE,
        message: `PerformChat sent an invalid response: ${reason}`,
      }),
    );
  });
});
