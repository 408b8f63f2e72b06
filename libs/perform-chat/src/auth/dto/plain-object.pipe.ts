import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { Messages } from '../../perform-chat.messages';

/**
 * Deepest nesting of objects and arrays let through (the input object itself is level 1).
 * The token input is flat: one level, two more leave room for a clear "must be a string" on
 * `{"agentId":{"id":"..."}}`. Deeper input is refused before class-transformer, whose recursive
 * copy overflows the stack on a few KB of `[[[[...` (a 500 and a RangeError in the log).
 */
export const MAX_TOKEN_INPUT_DEPTH = 8;

/**
 * Keys refused wherever they appear at the top level:
 * - every name of an `Object.prototype` member (`toString`, `valueOf`, `hasOwnProperty`,
 *   `__defineGetter__`, `__proto__`, `constructor`, ...): class-transformer skips a key whose
 *   value on the new DTO instance is a function, so these were dropped silently and never
 *   reached class-validator's "should not exist" (a 200 instead of the 400 of any unknown field);
 * - `prototype`, which would reach a prototype if copied carelessly.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Throws when `root` nests objects or arrays deeper than `maxDepth`. Iterative: no stack to overflow. */
function assertDepth(root: object, maxDepth: number): void {
  const pending: [value: unknown, depth: number][] = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (depth > maxDepth) throw new BadRequestException(Messages.tokenInputTooDeep(maxDepth));
    for (const child of Object.values(value as object)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
}

/**
 * Lets only a plain object through (or nothing, which becomes `{}`): a JSON array, a string,
 * `null`, nesting deeper than {@link MAX_TOKEN_INPUT_DEPTH} or a key named like an
 * `Object.prototype` member is a 400 before any validation or copying happens. Runs on the body
 * (POST) and the query (GET) alike; the cost is one walk over what the body parser produced.
 */
@Injectable()
export class PlainObjectPipe implements PipeTransform {
  transform(value: unknown): Record<string, unknown> {
    // No body at all (Fastify gives undefined, Express {}): the defaults apply. A JSON `null` is a wrong type.
    if (value === undefined) return {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestException(Messages.tokenInputNotObject());
    }
    // Own keys only, and `__proto__` too: Express's JSON.parse makes it an own key, and Node's
    // querystring (Fastify) builds a null-prototype object.
    const forbidden = Object.keys(value).find((key) => FORBIDDEN_KEYS.has(key));
    if (forbidden !== undefined) throw new BadRequestException(Messages.tokenInputUnknownField(forbidden));
    assertDepth(value, MAX_TOKEN_INPUT_DEPTH);
    return value as Record<string, unknown>;
  }
}
