import { Test, TestingModule } from '@nestjs/testing';
import { captureLogs, CapturedLogs } from '@test/utils';
import {
  PerformChatAuthService,
  PerformChatCredentials,
  PerformChatErrorCode,
  PerformChatKeyRotatedEvent,
  PerformChatModule,
  PerformChatModuleOptions,
  PerformChatToken,
} from 'nestjs-performchat';
import { EMULATOR_COUNTER_KEYS, PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';

const COMPANY = 'company_rotation';
const AGENT = 'agent_rotation';
const A = { keyId: 'pk_rot_a', keySecret: 'sk_rot_a_SECRET_7f3e' };
const B = { keyId: 'pk_rot_b', keySecret: 'sk_rot_b_SECRET_91c4' };
const keyOf = ({ keyId, keySecret }: PerformChatCredentials) => ({ keyId, keySecret });

/** Concurrent callers: below the vendor's 10 failed authentications, as a real pod's in-flight calls would be. */
const CONCURRENCY = 6;

/**
 * Keys A and B of one company; PerformChat's failed-authentication lockout on (10 per 5
 * minutes, the documented default), its token limit off so the load is not refused for volume.
 */
const emulatorWithTwoKeys = () =>
  startPerformChatEmulator({
    keys: [
      { ...A, companyId: COMPANY },
      { ...B, companyId: COMPANY },
    ],
    agents: [{ id: AGENT, name: 'Rotation Agent', companyId: COMPANY }],
    rateLimits: { tokenGenerations: false, apiRequests: false },
  });

/**
 * Keeps CONCURRENCY callers generating tokens until `calls` have ended, running `midway` once
 * when `at` of them have; every outcome is returned (a rejection is kept, not thrown).
 */
async function underLoad(
  auth: PerformChatAuthService,
  calls: number,
  at: number,
  midway: () => void,
): Promise<PromiseSettledResult<PerformChatToken>[]> {
  const results: PromiseSettledResult<PerformChatToken>[] = [];
  let started = 0;
  const worker = async () => {
    while (started < calls) {
      const n = started++;
      if (n === at) midway();
      try {
        results.push({ status: 'fulfilled', value: await auth.generateToken({ userId: `user-${n % 20}` }) });
      } catch (reason) {
        results.push({ status: 'rejected', reason });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

describe('key rotation without downtime', () => {
  let emulator: PerformChatEmulator;
  let ref: TestingModule | undefined;
  let logs: CapturedLogs;
  const tokenRoute = () => emulator.state.counter(EMULATOR_COUNTER_KEYS.token);

  async function boot(options: Partial<PerformChatModuleOptions>): Promise<PerformChatAuthService> {
    ref = await Test.createTestingModule({
      imports: [
        PerformChatModule.forRoot({
          baseUrl: emulator.url,
          defaultAgentId: AGENT,
          retry: false,
          // The token volume of the load is not what is tested; the auth-failure budget (10) is kept.
          upstreamBudget: { tokensPerMinute: 10_000 },
          controller: false,
          ...options,
        } as PerformChatModuleOptions),
      ],
    }).compile();
    await ref.init();
    return ref.get(PerformChatAuthService);
  }

  beforeEach(async () => {
    emulator = await emulatorWithTwoKeys();
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await ref?.close();
    ref = undefined;
    await emulator.close();
  });

  it('nextKey: the current key expires under load; no call fails, each refusal costs one extra authentication, B is never refused', async () => {
    const rotations: PerformChatKeyRotatedEvent[] = [];
    const auth = await boot({ ...keyOf(A), nextKey: keyOf(B), onKeyRotated: (event) => void rotations.push(event) });

    const results = await underLoad(auth, 120, 40, () => {
      emulator.state.keys.get(A.keyId)!.expiresAt = new Date(Date.now() - 1000);
    });

    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const refusals = tokenRoute().failures['401'] ?? 0;
    expect(refusals).toBeGreaterThanOrEqual(1);
    expect(refusals).toBeLessThanOrEqual(CONCURRENCY); // only the calls in flight with A when it expired
    expect(tokenRoute().failures['429']).toBeUndefined(); // PerformChat's lockout was never reached
    expect(tokenRoute().attempts).toBe(120 + refusals); // exactly one extra attempt per refusal
    const tokens = results.map((result) => (result as PromiseFulfilledResult<PerformChatToken>).value);
    expect(tokens.slice(-60).every((token) => token.apiKey?.id === B.keyId)).toBe(true);
    expect(tokens.every((token) => emulator.verify(token.token).valid)).toBe(true);

    expect(rotations).toEqual([
      {
        fromKeyId: A.keyId,
        toKeyId: B.keyId,
        source: 'nextKey',
        trigger: 'unauthorized',
        upstreamMessage: 'Expired API key',
      },
    ]);
    expect(logs.events('key.rotated')).toEqual([
      {
        msg: `PerformChat API key switched from "${A.keyId}" to "${B.keyId}" (nextKey, after a 401)`,
        event: 'key.rotated',
        fromKeyId: A.keyId,
        toKeyId: B.keyId,
        source: 'nextKey',
        trigger: 'unauthorized',
        upstreamMessage: 'Expired API key',
      },
    ]);
    expect(logs.text()).not.toContain(A.keySecret);
    expect(logs.text()).not.toContain(B.keySecret);
  });

  it('credentials provider: the secrets manager moves to B and A is revoked under load; one read, no call fails', async () => {
    let stored: PerformChatCredentials = keyOf(A);
    let reads = 0;
    const rotations: PerformChatKeyRotatedEvent[] = [];
    const auth = await boot({
      credentials: async () => {
        reads++;
        return stored;
      },
      credentialsRefreshMs: false,
      onKeyRotated: (event) => void rotations.push(event),
    });
    expect(reads).toBe(1);

    const results = await underLoad(auth, 120, 40, () => {
      stored = keyOf(B);
      emulator.state.keys.delete(A.keyId);
    });

    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const refusals = tokenRoute().failures['401'] ?? 0;
    expect(refusals).toBeGreaterThanOrEqual(1);
    expect(refusals).toBeLessThanOrEqual(CONCURRENCY);
    expect(tokenRoute().attempts).toBe(120 + refusals);
    expect(reads).toBe(2); // concurrent 401s shared one read of the provider
    expect(rotations).toEqual([
      { fromKeyId: A.keyId, toKeyId: B.keyId, source: 'credentials', trigger: 'unauthorized' },
    ]);
  });

  it('a provider that throws keeps the last good key and is logged without the secret', async () => {
    let failing = false;
    let reads = 0;
    const auth = await boot({
      credentials: () => {
        reads++;
        if (failing) throw new Error(`secrets manager unavailable (cached value ${A.keySecret})`);
        return keyOf(A);
      },
      credentialsRefreshMs: false,
    });
    failing = true;
    // PerformChat refuses the key once: the module asks the provider, which throws.
    emulator.addFault({
      path: '/rest/v1/auth/token',
      status: 401,
      body: { statusCode: 401, message: 'Invalid API credentials' },
    });
    await expect(auth.generateToken({ userId: 'erin' })).rejects.toMatchObject({
      code: PerformChatErrorCode.INVALID_CREDENTIALS,
    });
    expect(reads).toBe(2);
    // The last good key still works.
    await expect(auth.generateToken({ userId: 'erin' })).resolves.toMatchObject({ apiKey: { id: A.keyId } });
    expect(logs.events('credentials.refresh-failed')).toContainEqual({
      msg: 'The credentials provider failed (unauthorized: Error: secrets manager unavailable (cached value [REDACTED])); the module keeps the last good key',
      event: 'credentials.refresh-failed',
      trigger: 'unauthorized',
      reason: 'Error: secrets manager unavailable (cached value [REDACTED])',
    });
    expect(logs.text()).not.toContain(A.keySecret);
  });

  it('a refused next key costs one extra authentication once, never again, even with calls arriving together', async () => {
    const auth = await boot({
      keyId: A.keyId,
      keySecret: 'sk_wrong_a',
      nextKey: { keyId: B.keyId, keySecret: 'sk_wrong_b' },
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => auth.generateToken({ userId: `f${i}` })),
    );
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason.code)).toEqual(
      Array(5).fill(PerformChatErrorCode.INVALID_CREDENTIALS),
    );
    // 5 refusals of A, 1 of B: PerformChat counts 6 failed authentications, none of them twice for B.
    expect(tokenRoute()).toMatchObject({ attempts: 6, failures: { '401': 6 } });
    await expect(auth.generateToken({ userId: 'f5' })).rejects.toMatchObject({
      code: PerformChatErrorCode.INVALID_CREDENTIALS,
    });
    expect(tokenRoute().attempts).toBe(7);
    expect(logs.events('key.rotation-failed')).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining(
          `PerformChat API key "${A.keyId}" was refused and the next key "${B.keyId}" did not work either`,
        ),
        fromKeyId: A.keyId,
        candidateKeyId: B.keyId,
        code: PerformChatErrorCode.INVALID_CREDENTIALS,
      }),
    ]);
  });

  it('redacts the secret in use after a rotation, one it never had at boot', async () => {
    let stored: PerformChatCredentials = keyOf(A);
    const auth = await boot({ credentials: () => stored, credentialsRefreshMs: false });
    stored = keyOf(B);
    emulator.state.keys.delete(A.keyId);
    await expect(auth.generateToken({ userId: 'gil' })).resolves.toMatchObject({ apiKey: { id: B.keyId } });

    emulator.addFault({
      path: '/rest/v1/auth/token',
      status: 400,
      body: { statusCode: 400, message: `bad key ${B.keySecret}` },
    });
    const error = await auth.generateToken({ userId: 'gil' }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: PerformChatErrorCode.UPSTREAM_BAD_REQUEST });
    expect((error as Error).message).toContain('bad key [REDACTED]');
    expect(JSON.stringify(error)).not.toContain(B.keySecret);
    expect(logs.text()).not.toContain(B.keySecret);
  });
});
