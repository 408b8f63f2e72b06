import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** Keys that would reach an object's prototype if copied carelessly. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * Lets only a plain object through (or nothing, which becomes `{}`): a JSON array, a string,
 * `null` or a prototype-polluting key (`__proto__`, `constructor`, `prototype`) is a 400 before any
 * validation or copying happens.
 */
@Injectable()
export class PlainObjectPipe implements PipeTransform {
  transform(value: unknown): Record<string, unknown> {
    // No body at all (Fastify gives undefined, Express {}): the defaults apply. A JSON `null` is a wrong type.
    if (value === undefined) return {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestException('The token request must be a JSON object such as {"agentId":"...","expiresIn":"15m"}');
    }
    const forbidden = Object.keys(value).find((key) => FORBIDDEN_KEYS.includes(key));
    if (forbidden !== undefined) throw new BadRequestException(`property ${forbidden} should not exist`);
    return value as Record<string, unknown>;
  }
}
