import { Logger, OnModuleDestroy } from '@nestjs/common';
import { PerformChatError, isPerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { redact, secretForms } from '../errors/redact';
import type { PerformChatCredentials } from '../options/credentials.options';
import { checkProvidedCredentials } from '../options/credentials.validation';
import { PerformChatOptionsError } from '../options/perform-chat-options.error';
import type { PerformChatCredentialsSlice } from '../options/perform-chat-options.slices';
import { LOGGER_CONTEXT } from '../perform-chat.constants';
import { Messages } from '../perform-chat.messages';
import { performChatLogEntry } from '../telemetry/perform-chat-log.listener';
import type { PerformChatKeyRotatedEvent } from '../telemetry/perform-chat-events.interfaces';
import { PerformChatTelemetry } from '../telemetry/perform-chat-telemetry';

/** The key of an attempt. A new key is a new object: "the key changed" is `!==`. */
export type PerformChatActiveKey = Readonly<PerformChatCredentials>;

type ReadTrigger = 'boot' | 'refresh' | 'unauthorized';

/** PerformChat's words for a key that a next key can replace (the spec's errors table). */
const REPLACEABLE_KEY = /expired api key|invalid api credentials/i;

/** A 401 from PerformChat for the key itself (not a budget refusal, not a 403 "permissions"). */
export function isKeyRefused(error: unknown): error is PerformChatError {
  return isPerformChatError(error, PerformChatErrorCode.INVALID_CREDENTIALS) && error.status === 401;
}

/** True when `promise` settles within `ms` (at least 0), false when the time runs out first. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms), false))),
  ]);
  clearTimeout(timer);
  return settled;
}

const sameKey = (a: PerformChatCredentials, b: PerformChatCredentials) =>
  a.keyId === b.keyId && a.keySecret === b.keySecret;

/**
 * The API key of one instance, and how it changes without a restart:
 *
 * - with `credentials` (a provider), the key is read at boot (no answer, no boot), every
 *   `credentialsRefreshMs` and after a 401; concurrent reads share one; a failed read keeps the
 *   last good key and is reported without any secret;
 * - with `nextKey`, a 401 "Expired API key" / "Invalid API credentials" for the key in use makes
 *   the failed attempt go once more with the next key; if PerformChat accepts it, it becomes the
 *   key in use. Concurrent failures share that one trial (the others wait for it, within their
 *   deadline, then go once with the key it chose), so a rotation costs at most one extra
 *   authentication per failure, and a next key PerformChat refused is never tried again.
 *
 * Every secret the keyring has held or may send stays in {@link secretForms}, so an answer that
 * echoes an old or a next secret is still redacted.
 */
export class PerformChatKeyring implements OnModuleDestroy {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private key: PerformChatActiveKey;
  /** `nextKey` entries not yet tried, in order. */
  private readonly candidates: PerformChatActiveKey[];
  private forms: readonly string[] = [];
  private reading?: Promise<PerformChatActiveKey | undefined>;
  /** Settles when the trial in progress has an outcome; unset when there is none. */
  private rotation?: Promise<void>;
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly options: PerformChatCredentialsSlice,
    private readonly telemetry: PerformChatTelemetry,
    initial: PerformChatActiveKey,
  ) {
    this.key = initial;
    this.candidates = options.credentials.next.filter((key) => !sameKey(key, initial));
    this.remember(initial, ...options.credentials.next);
  }

  /**
   * The keyring of an instance, once it has a key: the configured one, or the provider's first
   * answer (then the schedule starts).
   * @throws PerformChatOptionsError when the provider fails at boot (its reason redacted).
   */
  static async load(
    options: PerformChatCredentialsSlice,
    telemetry: PerformChatTelemetry,
  ): Promise<PerformChatKeyring> {
    const { initial, next } = options.credentials;
    if (initial) return new PerformChatKeyring(options, telemetry, initial);
    const read = await PerformChatKeyring.read(
      options,
      next.flatMap((key) => secretForms(key.keySecret)),
    );
    if (!read.key) {
      telemetry.report({ type: 'credentials.refresh-failed', trigger: 'boot', reason: read.reason });
      throw new PerformChatOptionsError([Messages.credentialsProviderBootFailed(read.reason)], options.name);
    }
    const keyring = new PerformChatKeyring(options, telemetry, read.key);
    keyring.schedule();
    return keyring;
  }

  /** The key the next attempt is sent with. */
  get current(): PerformChatActiveKey {
    return this.key;
  }

  /** Every form of every secret held or configured so far: what redaction removes from answers and errors. */
  get secretForms(): readonly string[] {
    return this.forms;
  }

  /**
   * Reads the provider again (concurrent reads share one) and switches to its key when it is
   * new. Resolves to that key, or `undefined` with no provider, the same key, or a failed read
   * (reported; the key in use stays).
   */
  refresh(trigger: Exclude<ReadTrigger, 'boot'>): Promise<PerformChatActiveKey | undefined> {
    if (!this.options.credentials.provider) return Promise.resolve(undefined);
    this.reading ??= this.readAndAdopt(trigger).finally(() => (this.reading = undefined));
    return this.reading;
  }

  /**
   * After PerformChat refused `failed` (a 401, {@link isKeyRefused}): at most one more attempt
   * through `retry`, with the key that should work now, and its outcome. That key is the one in
   * use if another call already switched; else the provider's new key; else (for "Expired API
   * key" / "Invalid API credentials") the next `nextKey`, kept if PerformChat accepts it. While
   * such a trial runs, other refused calls wait for it (until `deadlineAt`).
   * @throws `error` when there is nothing to try (or the wait ran out); the retry's error when it fails.
   */
  async recover<T>(
    failed: PerformChatActiveKey,
    error: PerformChatError,
    deadlineAt: number,
    retry: (key: PerformChatActiveKey) => Promise<T>,
  ): Promise<T> {
    if (this.key !== failed) return retry(this.key);
    if (this.rotation) {
      const decided = await settlesWithin(this.rotation, deadlineAt - Date.now());
      if (decided && this.key !== failed) return retry(this.key);
      throw error;
    }
    let decide!: () => void;
    this.rotation = new Promise<void>((resolve) => (decide = resolve));
    try {
      return await this.rotate(failed, error, retry);
    } finally {
      this.rotation = undefined;
      decide();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async rotate<T>(
    failed: PerformChatActiveKey,
    error: PerformChatError,
    retry: (key: PerformChatActiveKey) => Promise<T>,
  ): Promise<T> {
    // The provider first: it is the truth about the key. Its new key is adopted as it is read.
    const fresh = await this.refresh('unauthorized');
    if (fresh) return retry(fresh);
    if (error.upstreamMessage !== undefined && !REPLACEABLE_KEY.test(error.upstreamMessage)) throw error;
    const candidate = this.candidates[0];
    if (!candidate) throw error;
    try {
      const result = await retry(candidate);
      this.candidates.shift();
      this.adopt(candidate, { source: 'nextKey', trigger: 'unauthorized', upstreamMessage: error.upstreamMessage });
      return result;
    } catch (trialError) {
      // Refused too: never tried again. Any other failure (a timeout, a 503) told nothing about it.
      if (isKeyRefused(trialError)) this.candidates.shift();
      const code = isPerformChatError(trialError) ? trialError.code : PerformChatErrorCode.UNREACHABLE;
      const message = redact(trialError instanceof Error ? trialError.message : String(trialError), this.forms);
      this.telemetry.report({
        type: 'key.rotation-failed',
        fromKeyId: failed.keyId,
        candidateKeyId: candidate.keyId,
        code,
        message,
      });
      throw trialError;
    }
  }

  private async readAndAdopt(trigger: Exclude<ReadTrigger, 'boot'>): Promise<PerformChatActiveKey | undefined> {
    const read = await PerformChatKeyring.read(this.options, this.forms);
    if (!read.key) {
      this.telemetry.report({ type: 'credentials.refresh-failed', trigger, reason: read.reason });
      return undefined;
    }
    if (sameKey(read.key, this.key)) return undefined;
    this.adopt(read.key, { source: 'credentials', trigger });
    return this.key;
  }

  /**
   * One answer of the provider within `providerTimeoutMs`, checked; or why there is none: the
   * provider's error redacted of every `known` secret form, or the problems of its answer
   * (which name fields, never values).
   */
  private static async read(
    options: PerformChatCredentialsSlice,
    known: readonly string[],
  ): Promise<{ key: PerformChatActiveKey; reason?: undefined } | { key?: undefined; reason: string }> {
    const { provider, providerTimeoutMs } = options.credentials;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer: unknown = await Promise.race([
        Promise.resolve().then(() => provider?.()),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new KeyReadTimeout(providerTimeoutMs)), providerTimeoutMs);
        }),
      ]);
      const problems = checkProvidedCredentials(answer);
      if (problems.length > 0) return { reason: Messages.credentialsProviderAnswer(problems) };
      const { keyId, keySecret } = answer as PerformChatCredentials;
      return { key: Object.freeze({ keyId, keySecret }) };
    } catch (error) {
      if (error instanceof KeyReadTimeout) return { reason: error.message };
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { reason: redact(text, known) };
    } finally {
      clearTimeout(timer);
    }
  }

  private adopt(key: PerformChatActiveKey, facts: Omit<PerformChatKeyRotatedEvent, 'fromKeyId' | 'toKeyId'>): void {
    const event: PerformChatKeyRotatedEvent = { fromKeyId: this.key.keyId, toKeyId: key.keyId, ...facts };
    this.remember(key);
    this.key = key;
    this.telemetry.report({ type: 'key.rotated', ...event });
    const hook = this.options.credentials.onKeyRotated;
    if (!hook) return;
    // Not awaited: the call that found the new key is answered without waiting for the audit.
    void Promise.resolve()
      .then(() => hook(event))
      .catch((hookError: unknown) => {
        const reason = redact(
          hookError instanceof Error ? `${hookError.name}: ${hookError.message}` : String(hookError),
          this.forms,
        );
        this.logger.error(
          performChatLogEntry('hook.failed', Messages.hookFailed('onKeyRotated', reason), {
            hook: 'onKeyRotated',
            reason,
          }),
        );
      });
  }

  private remember(...keys: PerformChatActiveKey[]): void {
    this.forms = [...new Set([...this.forms, ...keys.flatMap((key) => secretForms(key.keySecret))])];
  }

  private schedule(): void {
    const { refreshMs } = this.options.credentials;
    if (refreshMs === false) return;
    this.timer = setInterval(() => void this.refresh('refresh'), refreshMs);
    this.timer.unref();
  }
}

/** The provider gave no answer in time (a message of our own: nothing to redact). */
class KeyReadTimeout extends Error {
  constructor(ms: number) {
    super(Messages.credentialsProviderTimedOut(ms));
  }
}
