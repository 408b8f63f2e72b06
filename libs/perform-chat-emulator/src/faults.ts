import type { EmulatorFault, EmulatorFaultKind, EmulatorFaultSpec } from './emulator.interfaces';

/** Every fault kind, for validation and docs. */
export const EMULATOR_FAULT_KINDS: readonly EmulatorFaultKind[] = Object.freeze([
  'drop',
  'drop-mid-response',
  'not-json',
  'html',
  'no-token',
  'oversized',
  'trickle',
]);

/** Kinds whose 200 a `status` may replace (e.g. a proxy's HTML 502 page). */
const STATUS_OVERRIDABLE: ReadonlySet<EmulatorFaultKind> = new Set(['not-json', 'html']);
const MAX_OVERSIZED_BYTES = 64 * 1024 * 1024;

/** Thrown for an invalid fault spec; answered as 400 over HTTP. */
export class EmulatorFaultSpecError extends Error {
  override readonly name = 'EmulatorFaultSpecError';
}

function fail(message: string): never {
  throw new EmulatorFaultSpecError(message);
}

function optionalNumber(
  spec: Record<string, unknown>,
  field: string,
  min: number,
  integer: boolean,
): number | undefined {
  const value = spec[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    fail(`${field} must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
  }
  return value;
}

/** Checks a fault spec (from code or JSON) and returns a clean copy. */
export function validateFaultSpec(input: unknown): EmulatorFaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('fault must be a JSON object');
  const spec = input as Record<string, unknown>;
  const known = new Set([
    'path',
    'method',
    'times',
    'delayMs',
    'status',
    'retryAfter',
    'body',
    'headers',
    'kind',
    'sizeBytes',
    'intervalMs',
  ]);
  for (const field of Object.keys(spec)) if (!known.has(field)) fail(`unknown fault field: ${field}`);
  const out: EmulatorFaultSpec = {};
  if (spec.path !== undefined) {
    if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) fail('path must be a string starting with /');
    out.path = spec.path;
  }
  if (spec.method !== undefined) {
    if (typeof spec.method !== 'string' || spec.method.length === 0) fail('method must be a non-empty string');
    out.method = spec.method.toUpperCase();
  }
  if (spec.times === null || spec.times === -1) out.times = null;
  else if (spec.times !== undefined) out.times = optionalNumber(spec, 'times', 1, true);
  const delayMs = optionalNumber(spec, 'delayMs', 0, false);
  if (delayMs !== undefined) out.delayMs = delayMs;
  const status = optionalNumber(spec, 'status', 100, true);
  if (status !== undefined) {
    if (status > 599) fail('status must be an integer from 100 to 599');
    out.status = status;
  }
  if (spec.retryAfter !== undefined) {
    const retryAfter = spec.retryAfter;
    const ok =
      (typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter >= 0) ||
      (typeof retryAfter === 'string' && retryAfter.length > 0);
    if (!ok) fail('retryAfter must be whole seconds (a non-negative integer) or an HTTP-date string');
    out.retryAfter = retryAfter as number | string;
  }
  if (spec.body !== undefined) out.body = spec.body;
  if (spec.headers !== undefined) {
    const headers = spec.headers;
    if (
      typeof headers !== 'object' ||
      headers === null ||
      Array.isArray(headers) ||
      Object.values(headers).some((v) => typeof v !== 'string')
    ) {
      fail('headers must be an object of string values');
    }
    out.headers = { ...(headers as Record<string, string>) };
  }
  if (spec.kind !== undefined) {
    if (!EMULATOR_FAULT_KINDS.includes(spec.kind as EmulatorFaultKind))
      fail(`kind must be one of ${EMULATOR_FAULT_KINDS.join(', ')}`);
    out.kind = spec.kind as EmulatorFaultKind;
    if (out.status !== undefined && !STATUS_OVERRIDABLE.has(out.kind))
      fail(`status cannot be combined with kind ${out.kind}`);
  }
  const sizeBytes = optionalNumber(spec, 'sizeBytes', 1, true);
  if (sizeBytes !== undefined) {
    if (sizeBytes > MAX_OVERSIZED_BYTES) fail(`sizeBytes must be at most ${MAX_OVERSIZED_BYTES}`);
    out.sizeBytes = sizeBytes;
  }
  const intervalMs = optionalNumber(spec, 'intervalMs', 1, false);
  if (intervalMs !== undefined) out.intervalMs = intervalMs;
  return out;
}

/** Pending faults, applied first-registered first; exhausted ones are removed. */
export class FaultRegistry {
  private faults: EmulatorFault[] = [];
  private nextId = 1;

  /** Number of pending faults (0 keeps the hot path to one comparison). */
  get size(): number {
    return this.faults.length;
  }

  /** Validates (an {@link EmulatorFaultSpec}, from code or parsed JSON) and registers a fault. */
  add(input: unknown): EmulatorFault {
    const spec = validateFaultSpec(input);
    const times = spec.times === undefined ? 1 : spec.times;
    const fault: EmulatorFault = { id: this.nextId++, ...spec, remaining: times, matched: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** Takes the first fault matching the call (counting it), or `undefined`. */
  take(method: string, pathname: string): EmulatorFault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i];
      if (fault.path !== undefined && fault.path !== pathname) continue;
      if (fault.method !== undefined && fault.method !== method) continue;
      fault.matched++;
      if (fault.remaining !== null && --fault.remaining <= 0) this.faults.splice(i, 1);
      return fault;
    }
    return undefined;
  }

  /** Copies of the pending faults. */
  list(): EmulatorFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Removes every fault; returns how many there were. */
  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }
}
