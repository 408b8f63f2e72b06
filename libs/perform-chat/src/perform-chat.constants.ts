/** Injection token of the validated options with defaults applied (internal). */
export const PERFORM_CHAT_OPTIONS = Symbol('PERFORM_CHAT_OPTIONS');

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

export const LIBRARY_USER_AGENT = 'nestjs-performchat/0.1.1';
