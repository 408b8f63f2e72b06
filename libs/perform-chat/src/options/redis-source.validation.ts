import { OptionWords } from '../perform-chat.messages';
import { OptionRule, satisfying } from './option-rules';

/**
 * Whether a value is an ioredis client, by shape and never by `instanceof` (the app may load
 * another copy of ioredis): a `status` string (`'wait'`, `'ready'`, ...) and a `sendCommand`
 * function, which both `Redis` and `Cluster` have. Neither `{}` nor a node-redis client (it has
 * `isOpen`, no `status`) passes.
 */
export function isRedisClient(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { status, sendCommand } = value as { status?: unknown; sendCommand?: unknown };
  return typeof status === 'string' && typeof sendCommand === 'function';
}

/**
 * A Redis option's value (`rateLimit.store.redis`, `customerUserStore.redis`): an ioredis client
 * or a URL string. The text of a URL is checked once for both options, naming each option that
 * holds it (perform-chat-url.validation.ts), since `performChatConfig` puts one in both.
 */
export const REDIS_SOURCE: OptionRule = satisfying(
  OptionWords.redisSource,
  (value) => typeof value === 'string' || isRedisClient(value),
);
