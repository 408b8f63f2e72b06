/** Injection token of the validated options with defaults applied (internal). */
export const PERFORM_CHAT_OPTIONS = Symbol('PERFORM_CHAT_OPTIONS');

/** The documented REST paths. */
export const TOKEN_PATH = '/rest/v1/auth/token';
export const INVALIDATE_TOKEN_PATH = '/rest/v1/auth/invalidate-token';

/** Logger context of every line the library writes. */
export const LOGGER_CONTEXT = 'PerformChat';

export const LIBRARY_USER_AGENT = 'nestjs-performchat/0.1.1';
