/**
 * The one key layout of every Redis feature (README "Redis keys"):
 *
 *     <prefix>:<segment>:...:{<entity>}
 *
 * - one separator, `:`, added by the store (a prefix never ends with it);
 * - the entity an operation is about (the caller `u:<id>`, the API key id, the user id of a
 *   customer-user hash) is the last segment and a Redis Cluster **hash tag**, so every key of one
 *   entity lives in one slot: an operation touching several keys of one user stays on one node,
 *   and the entities spread evenly over the masters;
 * - a prefix holds no `{` or `}` (a tag there would put every key in one slot).
 */

import { REDIS_KEY_SEPARATOR } from '../options/redis-key-prefix';

export { REDIS_KEY_SEPARATOR, isValidRedisKeyPrefix } from '../options/redis-key-prefix';

/** `{entity}`: the part Redis Cluster hashes. Braces inside the entity are harmless (Redis hashes up to the first `}`, the same for every key of the entity). */
export function hashTag(entity: string): string {
  return `{${entity}}`;
}

/** `<prefix>:<segment>:...` joined with the one separator. */
export function redisKey(prefix: string, ...segments: string[]): string {
  return [prefix, ...segments].join(REDIS_KEY_SEPARATOR);
}

/** Characters SCAN's MATCH treats specially. */
const GLOB_CHARACTERS = /[*?[\]\\]/g;

/** A SCAN MATCH pattern for every tagged key directly under `<prefix>:` (`<prefix>:{*`), the prefix matching only itself. */
export function taggedKeysPattern(prefix: string): string {
  return `${redisKey(prefix.replace(GLOB_CHARACTERS, '\\$&'), '')}{*`;
}
