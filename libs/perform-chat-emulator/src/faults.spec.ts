import { EmulatorFaultSpecError, FaultRegistry, validateFaultSpec } from './faults';

describe('validateFaultSpec', () => {
  it('keeps a valid spec, upper-cases the method and maps times -1 to null', () => {
    expect(
      validateFaultSpec({
        path: '/x',
        method: 'post',
        times: -1,
        delayMs: 5,
        status: 503,
        retryAfter: 3,
        headers: { a: 'b' },
        body: { c: 1 },
      }),
    ).toEqual({
      path: '/x',
      method: 'POST',
      times: null,
      delayMs: 5,
      status: 503,
      retryAfter: 3,
      headers: { a: 'b' },
      body: { c: 1 },
    });
    expect(validateFaultSpec({ kind: 'html', status: 502 })).toEqual({ kind: 'html', status: 502 });
    expect(validateFaultSpec({ kind: 'oversized', sizeBytes: 10 })).toEqual({ kind: 'oversized', sizeBytes: 10 });
  });

  it.each([
    [[], 'fault must be a JSON object'],
    [{ unknown: 1 }, 'unknown fault field: unknown'],
    [{ path: 'rest' }, 'path must be a string starting with /'],
    [{ method: '' }, 'method must be a non-empty string'],
    [{ times: 0 }, 'times must be an integer >= 1'],
    [{ times: 1.5 }, 'times must be an integer >= 1'],
    [{ delayMs: -1 }, 'delayMs must be a number >= 0'],
    [{ status: 99 }, 'status must be an integer >= 100'],
    [{ status: 600 }, 'status must be an integer from 100 to 599'],
    [{ retryAfter: -2 }, 'retryAfter must be whole seconds (a non-negative integer) or an HTTP-date string'],
    [{ headers: { a: 1 } }, 'headers must be an object of string values'],
    [{ kind: 'explode' }, 'kind must be one of drop, drop-mid-response, not-json, html, no-token, oversized, trickle'],
    [{ kind: 'drop', status: 500 }, 'status cannot be combined with kind drop'],
    [{ sizeBytes: 0 }, 'sizeBytes must be an integer >= 1'],
    [{ intervalMs: 0 }, 'intervalMs must be a number >= 1'],
  ])('refuses %p with %p', (spec, message) => {
    expect(() => validateFaultSpec(spec)).toThrow(new EmulatorFaultSpecError(message));
  });
});

describe('FaultRegistry', () => {
  it('numbers faults, counts matches and drops exhausted ones', () => {
    const registry = new FaultRegistry();
    expect(registry.add({ status: 500, times: 2 })).toEqual({ id: 1, status: 500, times: 2, remaining: 2, matched: 0 });
    registry.add({ path: '/only', status: 502 });
    expect(registry.take('GET', '/only')).toMatchObject({ id: 1, remaining: 1, matched: 1 });
    expect(registry.take('GET', '/only')).toMatchObject({ id: 1, remaining: 0, matched: 2 });
    expect(registry.take('GET', '/other')).toBeUndefined();
    expect(registry.take('GET', '/only')).toMatchObject({ id: 2 });
    expect(registry.size).toBe(0);
  });
});
