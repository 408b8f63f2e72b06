export const DEFAULT_BASE_URL = 'https://api.performchat.com';
export const DEFAULT_EXPIRES_IN = '1h';
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
