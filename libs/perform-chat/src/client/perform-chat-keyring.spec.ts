import { captureLogs, CapturedLogs } from '@test/utils';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import type { PerformChatCredentials } from '../options/credentials.options';
import { PerformChatModuleOptions } from '../options/perform-chat-options.interface';
import { PerformChatOptionsError, resolvePerformChatOptions } from '../options/perform-chat-options.validation';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';
import type { PerformChatTelemetryEvent } from '../telemetry/perform-chat-telemetry.events';
import { PerformChatActiveKey, PerformChatKeyring } from './perform-chat-keyring';

const A = { keyId: 'pk_a', keySecret: 'sk_a_SECRET_1111' };
const B = { keyId: 'pk_b', keySecret: 'sk_b_SECRET_2222' };
const C = { keyId: 'pk_c', keySecret: 'sk_c_SECRET_3333' };

const refused = (message = 'Expired API key') =>
  new PerformChatError(
    PerformChatErrorCode.INVALID_CREDENTIALS,
    `PerformChat rejected API key (HTTP 401: ${message})`,
    {
      status: 401,
      upstreamMessage: message,
    },
  );
const later = () => Date.now() + 60_000;

async function keyringFor(options: Partial<PerformChatModuleOptions>, name?: string) {
  const telemetry = new PerformChatTelemetry();
  const events: PerformChatTelemetryEvent[] = [];
  telemetry.subscribe((event) => events.push(event));
  const keyring = await PerformChatKeyring.load(
    resolvePerformChatOptions(options as PerformChatModuleOptions, name),
    telemetry,
  );
  return { keyring, events };
}

/** A provider whose answer the test changes, counting its calls. */
function switchableProvider(first: PerformChatCredentials) {
  const state = { answer: first as PerformChatCredentials | Error, calls: 0 };
  const provider = async () => {
    state.calls++;
    await new Promise((resolve) => setImmediate(resolve));
    if (state.answer instanceof Error) throw state.answer;
    return state.answer;
  };
  return { state, provider };
}

describe('PerformChatKeyring', () => {
  let logs: CapturedLogs;
  let keyrings: PerformChatKeyring[];
  beforeEach(() => {
    logs = captureLogs();
    keyrings = [];
  });
  afterEach(() => {
    logs.restore();
    keyrings.forEach((keyring) => keyring.onModuleDestroy());
  });
  const track = <T extends { keyring: PerformChatKeyring }>(made: T): T => {
    keyrings.push(made.keyring);
    return made;
  };

  it('starts with keyId/keySecret, and redacts every secret it may send (the next keys too)', async () => {
    const { keyring } = track(await keyringFor({ ...A, nextKey: [B, C] }));
    expect(keyring.current).toEqual(A);
    for (const { keySecret } of [A, B, C]) expect(keyring.secretForms).toContain(keySecret);
  });

  describe('with a credentials provider', () => {
    it('reads the key at boot', async () => {
      const { state, provider } = switchableProvider(A);
      const { keyring } = track(await keyringFor({ credentials: provider }));
      expect(keyring.current).toEqual(A);
      expect(state.calls).toBe(1);
    });

    it('fails the boot when the provider throws, without the secret its error holds', async () => {
      const provider = () => {
        throw new Error(`vault sealed while reading ${B.keySecret}`);
      };
      const load = keyringFor({ credentials: provider, nextKey: B }, 'eu');
      await expect(load).rejects.toBeInstanceOf(PerformChatOptionsError);
      const error = (await load.catch((e: unknown) => e)) as Error;
      expect(error.message).toBe(
        'Invalid PerformChatModule options of the instance "eu": The credentials provider failed at boot (Error: vault sealed while reading [REDACTED]); PerformChat cannot be called without a key',
      );
    });

    it('fails the boot when the provider answers something that is not a key, naming the field', async () => {
      await expect(keyringFor({ credentials: () => ({ keyId: 'pk_a' }) as PerformChatCredentials })).rejects.toThrow(
        'The credentials provider failed at boot (its answer is not a key: credentials().keySecret is required (a non-empty string)); PerformChat cannot be called without a key',
      );
      await expect(keyringFor({ credentials: () => 'sk_plain' as unknown as PerformChatCredentials })).rejects.toThrow(
        'its answer is not a key: credentials() must be an object { keyId, keySecret }',
      );
    });

    it('fails the boot when the provider does not answer within deadlineMs', async () => {
      const start = Date.now();
      await expect(
        keyringFor({ credentials: () => new Promise<never>(() => undefined), deadlineMs: 50 }),
      ).rejects.toThrow('The credentials provider failed at boot (no answer within 50 ms (deadlineMs))');
      expect(Date.now() - start).toBeLessThan(1000);
    });

    it('shares one read between concurrent refreshes and switches to a new key, reporting it', async () => {
      const { state, provider } = switchableProvider(A);
      const rotated: unknown[] = [];
      const { keyring, events } = track(
        await keyringFor({
          credentials: provider,
          credentialsRefreshMs: false,
          onKeyRotated: (event) => void rotated.push(event),
        }),
      );
      state.answer = B;
      const reads = await Promise.all([
        keyring.refresh('refresh'),
        keyring.refresh('refresh'),
        keyring.refresh('refresh'),
      ]);
      expect(state.calls).toBe(2); // boot + one shared read
      expect(reads).toEqual([B, B, B]);
      expect(keyring.current).toEqual(B);
      expect(keyring.secretForms).toEqual(expect.arrayContaining([A.keySecret, B.keySecret])); // the old one stays redacted
      const event = { fromKeyId: 'pk_a', toKeyId: 'pk_b', source: 'credentials', trigger: 'refresh' };
      expect(events).toContainEqual({ type: 'key.rotated', ...event });
      await new Promise((resolve) => setImmediate(resolve));
      expect(rotated).toEqual([event]);
      expect(logs.lines).toContainEqual(expect.stringMatching(/PerformChat API key switched from "pk_a" to "pk_b"/));
    });

    it('keeps the last good key when the provider throws, and logs why without any secret', async () => {
      const { state, provider } = switchableProvider(A);
      const { keyring, events } = track(await keyringFor({ credentials: provider, credentialsRefreshMs: false }));
      state.answer = new Error(`permission denied for token ${A.keySecret}`);
      await expect(keyring.refresh('refresh')).resolves.toBeUndefined();
      expect(keyring.current).toEqual(A);
      expect(events).toContainEqual({
        type: 'credentials.refresh-failed',
        trigger: 'refresh',
        reason: 'Error: permission denied for token [REDACTED]',
      });
      expect(logs.text()).toContain(
        'The credentials provider failed (refresh: Error: permission denied for token [REDACTED]); the module keeps the last good key',
      );
      expect(logs.text()).not.toContain(A.keySecret);
    });

    it('reads the provider again every credentialsRefreshMs', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
      try {
        const { state, provider } = switchableProvider(A);
        const { keyring } = track(await keyringFor({ credentials: provider, credentialsRefreshMs: 5000 }));
        state.answer = B;
        await jest.advanceTimersByTimeAsync(4999);
        expect(state.calls).toBe(1);
        await jest.advanceTimersByTimeAsync(1);
        await new Promise((resolve) => setImmediate(resolve));
        expect(state.calls).toBe(2);
        expect(keyring.current).toEqual(B);
        keyring.onModuleDestroy();
        await jest.advanceTimersByTimeAsync(20_000);
        expect(state.calls).toBe(2);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('recover, after PerformChat refused the key in use', () => {
    it('tries the next key once for concurrent failures, keeps it when it works, and sends the others with it', async () => {
      const rotated: unknown[] = [];
      const { keyring, events } = track(
        await keyringFor({ ...A, nextKey: B, onKeyRotated: (event) => void rotated.push(event) }),
      );
      const failed = keyring.current;
      const sent: string[] = [];
      let releaseTrial!: () => void;
      const trialGate = new Promise<void>((resolve) => (releaseTrial = resolve));
      const retry = async (key: PerformChatActiveKey) => {
        sent.push(key.keyId);
        if (sent.length === 1) await trialGate; // the trial is slow: the others must wait for it
        return key.keyId;
      };
      const calls = Array.from({ length: 5 }, () => keyring.recover(failed, refused(), later(), retry));
      await new Promise((resolve) => setImmediate(resolve));
      expect(sent).toEqual(['pk_b']); // one trial, the others waiting
      releaseTrial();
      await expect(Promise.all(calls)).resolves.toEqual(['pk_b', 'pk_b', 'pk_b', 'pk_b', 'pk_b']);
      expect(sent).toEqual(['pk_b', 'pk_b', 'pk_b', 'pk_b', 'pk_b']); // one extra attempt per failure, never two
      expect(keyring.current).toEqual(B);
      const event = {
        fromKeyId: 'pk_a',
        toKeyId: 'pk_b',
        source: 'nextKey',
        trigger: 'unauthorized',
        upstreamMessage: 'Expired API key',
      };
      expect(events.filter((e) => e.type === 'key.rotated')).toEqual([{ type: 'key.rotated', ...event }]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(rotated).toEqual([event]);
    });

    it('never tries a next key PerformChat refused again, and keeps the old key', async () => {
      const { keyring, events } = track(await keyringFor({ ...A, nextKey: [B, C] }));
      const sent: string[] = [];
      const refuseAll = async (key: PerformChatActiveKey): Promise<string> => {
        sent.push(key.keyId);
        throw refused('Invalid API credentials');
      };
      await expect(keyring.recover(keyring.current, refused(), later(), refuseAll)).rejects.toMatchObject({
        status: 401,
      });
      expect(keyring.current).toEqual(A);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'key.rotation-failed', fromKeyId: 'pk_a', candidateKeyId: 'pk_b' }),
      );
      await expect(keyring.recover(keyring.current, refused(), later(), refuseAll)).rejects.toMatchObject({
        status: 401,
      });
      await expect(keyring.recover(keyring.current, refused(), later(), refuseAll)).rejects.toMatchObject({
        status: 401,
      });
      expect(sent).toEqual(['pk_b', 'pk_c']); // each next key once; then nothing is left to try
    });

    it('keeps a next key that failed for another reason (a timeout tells nothing about it) for the next failure', async () => {
      const { keyring } = track(await keyringFor({ ...A, nextKey: B }));
      const timeout = new PerformChatError(PerformChatErrorCode.TIMEOUT, 'PerformChat did not answer');
      await expect(keyring.recover(keyring.current, refused(), later(), () => Promise.reject(timeout))).rejects.toBe(
        timeout,
      );
      expect(keyring.current).toEqual(A);
      await expect(keyring.recover(keyring.current, refused(), later(), async (key) => key.keyId)).resolves.toBe(
        'pk_b',
      );
      expect(keyring.current).toEqual(B);
    });

    it('switches no key for a 401 that a next key cannot fix (Insufficient permissions)', async () => {
      const { keyring } = track(await keyringFor({ ...A, nextKey: B }));
      const retry = jest.fn(async (key: PerformChatActiveKey) => key.keyId);
      const error = refused('Insufficient permissions');
      await expect(keyring.recover(keyring.current, error, later(), retry)).rejects.toBe(error);
      expect(retry).not.toHaveBeenCalled();
    });

    it('sends a call refused with an old key once with the key in use, when another call already switched', async () => {
      const { keyring } = track(await keyringFor({ ...A, nextKey: B }));
      const old = keyring.current;
      await keyring.recover(old, refused(), later(), async () => 'trial');
      const retry = jest.fn(async (key: PerformChatActiveKey) => key.keyId);
      await expect(keyring.recover(old, refused(), later(), retry)).resolves.toBe('pk_b');
      expect(retry).toHaveBeenCalledTimes(1);
    });

    it('asks the provider first after a 401, and sends the call once with its new key', async () => {
      const { state, provider } = switchableProvider(A);
      const { keyring } = track(await keyringFor({ credentials: provider, credentialsRefreshMs: false, nextKey: C }));
      state.answer = B;
      const retry = jest.fn(async (key: PerformChatActiveKey) => key.keyId);
      await expect(keyring.recover(keyring.current, refused(), later(), retry)).resolves.toBe('pk_b');
      expect(retry).toHaveBeenCalledTimes(1); // not the next key as well
      expect(keyring.current).toEqual(B);
    });

    it("gives up waiting for another call's trial at its own deadline, with its own error", async () => {
      const { keyring } = track(await keyringFor({ ...A, nextKey: B }));
      const failed = keyring.current;
      let releaseTrial!: () => void;
      const trial = keyring.recover(
        failed,
        refused(),
        later(),
        () => new Promise<string>((resolve) => (releaseTrial = () => resolve('b'))),
      );
      const error = refused();
      await expect(keyring.recover(failed, error, Date.now() + 20, async () => 'never')).rejects.toBe(error);
      releaseTrial();
      await expect(trial).resolves.toBe('b');
    });
  });
});
