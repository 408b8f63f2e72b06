/** Injection token of the validated options with defaults applied (internal). */
export const PERFORM_CHAT_OPTIONS = Symbol('PERFORM_CHAT_OPTIONS');

/** The name of the instance registered without a `name` (and what `@InjectPerformChat()` injects). */
export const DEFAULT_INSTANCE_NAME = 'default';

/**
 * Injection token of what the sync extras say about an instance (internal):
 * `{ name, routePath? }`, the `name` extra (`default` without one) and `controller.path`.
 */
export const PERFORM_CHAT_INSTANCE = Symbol('PERFORM_CHAT_INSTANCE');

/** Injection token of the instance's registration in its application (internal; see PerformChatInstances). */
export const PERFORM_CHAT_INSTANCE_REGISTRATION = Symbol('PERFORM_CHAT_INSTANCE_REGISTRATION');

/** The documented REST paths. */
export const TOKEN_PATH = '/rest/v1/auth/token';
export const INVALIDATE_TOKEN_PATH = '/rest/v1/auth/invalidate-token';

/** Logger context of every line the library writes. */
export const LOGGER_CONTEXT = 'PerformChat';

/**
 * The version in libs/perform-chat/package.json, written here by scripts/write-version.js
 * (`npm run build:lib` runs it; a spec fails when it is stale): a constant works in every build
 * (dist/, the sources under ts-jest, the demo's `nest build`), where a package.json read at run
 * time would not be found beside the demo's build output.
 */
export const LIBRARY_VERSION = '0.1.1';

/** Sent with every call to PerformChat and every health probe. */
export const LIBRARY_USER_AGENT = `nestjs-performchat/${LIBRARY_VERSION}`;
