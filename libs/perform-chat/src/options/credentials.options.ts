import type { PerformChatKeyRotatedEvent } from '../telemetry/perform-chat-events.interfaces';

/** One PerformChat API key: what every call authenticates with. */
export interface PerformChatCredentials {
  /** API key id from the PerformChat dashboard (public; safe to log). */
  keyId: string;
  /** API key secret (private: never logged, never sent to a browser). */
  keySecret: string;
}

/**
 * Reads the current API key, typically from a secrets manager. Called at boot (the app does not
 * start without an answer), every `credentialsRefreshMs`, and after PerformChat answers 401;
 * concurrent calls share one read. If it throws (or answers something that is not a key), the
 * module keeps the last good key and logs the failure, never the secret.
 */
export type PerformChatCredentialsProvider = () => PerformChatCredentials | Promise<PerformChatCredentials>;

/** The credentials options after validation. Internal. */
export interface ResolvedCredentials {
  /** The key given as `keyId`/`keySecret`; unset when a provider gives it. */
  initial?: Readonly<PerformChatCredentials>;
  provider?: PerformChatCredentialsProvider;
  /** How often the provider is read again, in ms; `false`: only at boot and after a 401. */
  refreshMs: number | false;
  /** Longest wait for one answer of the provider, in ms (the module's `deadlineMs`). */
  providerTimeoutMs: number;
  /** Keys to switch to, in order, when PerformChat says the current one expired or is invalid. */
  next: readonly Readonly<PerformChatCredentials>[];
  onKeyRotated?: (event: PerformChatKeyRotatedEvent) => void | Promise<void>;
}
