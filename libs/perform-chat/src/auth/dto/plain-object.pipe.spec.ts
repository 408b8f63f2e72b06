import { BadRequestException } from '@nestjs/common';
import { MAX_TOKEN_INPUT_DEPTH, MAX_TOKEN_INPUT_VALUES, PlainObjectPipe } from './plain-object.pipe';

describe('PlainObjectPipe', () => {
  const pipe = new PlainObjectPipe();
  const refusal = (value: unknown) => {
    try {
      pipe.transform(value);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('lets a flat object through unchanged, and no input becomes {}', () => {
    const input = { agentId: 'agent_support', expiresIn: '15m' };
    expect(pipe.transform(input)).toBe(input);
    expect(pipe.transform(undefined)).toEqual({});
  });

  it('refuses a million levels of nesting with a 400, not a RangeError (the walk is iterative)', () => {
    let deep: unknown[] = [];
    const root = { a: deep };
    for (let i = 0; i < 1_000_000; i++) deep = (deep[0] = []) as unknown[];
    const error = refusal(root);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as Error).message).toMatch(`more than ${MAX_TOKEN_INPUT_DEPTH} levels deep`);
  });

  it(`accepts ${MAX_TOKEN_INPUT_DEPTH} levels and ${MAX_TOKEN_INPUT_VALUES} values, refuses one more`, () => {
    const nested = (levels: number): unknown => (levels === 1 ? {} : { a: nested(levels - 1) });
    expect(refusal(nested(MAX_TOKEN_INPUT_DEPTH))).toBeUndefined();
    expect((refusal(nested(MAX_TOKEN_INPUT_DEPTH + 1)) as Error).message).toMatch(/levels deep/);
    expect(refusal({ a: Array(MAX_TOKEN_INPUT_VALUES - 1).fill(1) })).toBeUndefined();
    expect((refusal({ a: Array(MAX_TOKEN_INPUT_VALUES).fill(1) }) as Error).message).toMatch(/more than 100 values/);
  });

  it.each(Object.getOwnPropertyNames(Object.prototype))('refuses a %s key like any unknown field', (key) => {
    const input = JSON.parse(`{"${key}":"x"}`);
    expect((refusal(input) as Error).message).toBe(`property ${key} should not exist`);
    // Node's querystring (Fastify's query parser) builds null-prototype objects.
    expect((refusal(Object.assign(Object.create(null), { [key]: 'x' })) as Error).message).toBe(
      `property ${key} should not exist`,
    );
  });
});
