import { Injectable, PipeTransform } from '@nestjs/common';
import { Messages } from '../../perform-chat.messages';
import { invalidInput } from '../token-route.errors';

/**
 * Deepest nesting of objects and arrays let through (the input object itself is level 1).
 * The token input is flat: one level, a few more leave room for a clear "must be a string" on
 * `{"agentId":{"id":"..."}}`. Deeper input is refused before class-transformer, whose recursive
 * copy overflows the stack on a few KB of `[[[[...` (a 500 and a RangeError in the log).
 */
export const MAX_TOKEN_INPUT_DEPTH = 8;

/**
 * Most values (properties and array items, at any depth) let through. The token input has at
 * most three; class-transformer copies every value before class-validator refuses the unknown
 * field, about 200 ms of CPU for a 700 KB `{"a":[[],[],...]}` (Fastify's default body limit is
 * 1 MiB), so a large input is refused here after counting at most this many.
 */
export const MAX_TOKEN_INPUT_VALUES = 100;

/**
 * Keys refused wherever they appear at the top level:
 * - every name of an `Object.prototype` member (`toString`, `valueOf`, `hasOwnProperty`,
 *   `__defineGetter__`, `__proto__`, `constructor`, ...): class-transformer skips a key whose
 *   value on the new DTO instance is a function, so these were dropped silently and never
 *   reached class-validator's "should not exist" (a 200 instead of the 400 of any unknown field);
 * - `prototype`, which would reach a prototype if copied carelessly.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Throws when `root` nests objects or arrays deeper than {@link MAX_TOKEN_INPUT_DEPTH} or holds
 * more than {@link MAX_TOKEN_INPUT_VALUES} values. Iterative, one level at a time (no stack to
 * overflow), and it stops as soon as either bound is passed, so a refusal costs microseconds.
 */
function assertSmall(root: object): void {
  let level: object[] = [root];
  let count = 0;
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > MAX_TOKEN_INPUT_DEPTH) throw invalidInput(Messages.tokenInputTooDeep(MAX_TOKEN_INPUT_DEPTH));
    const next: object[] = [];
    for (const container of level) {
      const size = Array.isArray(container) ? container.length : Object.keys(container).length;
      count += size;
      if (count > MAX_TOKEN_INPUT_VALUES) throw invalidInput(Messages.tokenInputTooLarge(MAX_TOKEN_INPUT_VALUES));
      for (const value of Array.isArray(container) ? container : Object.values(container)) {
        if (typeof value === 'object' && value !== null) next.push(value);
      }
    }
    level = next;
  }
}

/**
 * Lets only a small plain object through (or nothing, which becomes `{}`): a JSON array, a
 * string, `null`, nesting deeper than {@link MAX_TOKEN_INPUT_DEPTH}, more than
 * {@link MAX_TOKEN_INPUT_VALUES} values or a key named like an `Object.prototype` member is a 400
 * before any validation or copying happens. Runs on the body (POST) and the query (GET) alike.
 */
@Injectable()
export class PlainObjectPipe implements PipeTransform {
  transform(value: unknown): Record<string, unknown> {
    // No body at all (Fastify gives undefined, Express {}): the defaults apply. A JSON `null` is a wrong type.
    if (value === undefined) return {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw invalidInput(Messages.tokenInputNotObject());
    }
    // Own keys only, and `__proto__` too: Express's JSON.parse makes it an own key, and Node's
    // querystring (Fastify) builds a null-prototype object.
    const forbidden = Object.keys(value).find((key) => FORBIDDEN_KEYS.has(key));
    if (forbidden !== undefined) throw invalidInput(Messages.tokenInputUnknownField(forbidden));
    assertSmall(value);
    return value as Record<string, unknown>;
  }
}
