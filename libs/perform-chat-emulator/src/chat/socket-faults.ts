import { EmulatorFaultSpecError } from '../faults';
import type {
  EmulatorChatRefusalReason,
  EmulatorSocketFault,
  EmulatorSocketFaultKind,
  EmulatorSocketFaultSpec,
  EmulatorSocketFaultTarget,
} from './chat.interfaces';

const TARGETS: readonly EmulatorSocketFaultTarget[] = ['handshake', 'join', 'message'];
const KINDS: readonly EmulatorSocketFaultKind[] = ['refuse', 'drop', 'delay'];
const FIELDS = new Set(['on', 'kind', 'times', 'delayMs', 'reason']);

function fail(message: string): never {
  throw new EmulatorFaultSpecError(message);
}

/** Checks a socket fault spec (from code or JSON) and returns a clean copy. */
export function validateSocketFaultSpec(input: unknown): EmulatorSocketFaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('socket fault must be a JSON object');
  const spec = input as Record<string, unknown>;
  for (const field of Object.keys(spec)) if (!FIELDS.has(field)) fail(`unknown socket fault field: ${field}`);
  if (!TARGETS.includes(spec.on as EmulatorSocketFaultTarget)) fail(`on must be one of ${TARGETS.join(', ')}`);
  if (!KINDS.includes(spec.kind as EmulatorSocketFaultKind)) fail(`kind must be one of ${KINDS.join(', ')}`);
  const out: EmulatorSocketFaultSpec = {
    on: spec.on as EmulatorSocketFaultTarget,
    kind: spec.kind as EmulatorSocketFaultKind,
  };
  if (spec.times === null || spec.times === -1) out.times = null;
  else if (spec.times !== undefined) {
    if (typeof spec.times !== 'number' || !Number.isInteger(spec.times) || spec.times < 1)
      fail('times must be an integer >= 1, -1 or null');
    out.times = spec.times;
  }
  if (spec.delayMs !== undefined) {
    if (typeof spec.delayMs !== 'number' || !Number.isFinite(spec.delayMs) || spec.delayMs < 0)
      fail('delayMs must be a number >= 0');
    out.delayMs = spec.delayMs;
  }
  if (out.kind === 'delay' && out.delayMs === undefined) fail('delayMs is required for kind delay');
  if (spec.reason !== undefined) {
    if (out.kind !== 'refuse') fail('reason applies to kind refuse only');
    if (typeof spec.reason !== 'string' || !/^[a-z_]{1,40}$/.test(spec.reason))
      fail('reason must be a snake_case string');
    out.reason = spec.reason as EmulatorChatRefusalReason;
  }
  return out;
}

/** Pending socket faults, applied first-registered first; exhausted ones are removed. */
export class SocketFaultRegistry {
  private faults: EmulatorSocketFault[] = [];
  private nextId = 1;

  get size(): number {
    return this.faults.length;
  }

  add(input: unknown): EmulatorSocketFault {
    const spec = validateSocketFaultSpec(input);
    const fault: EmulatorSocketFault = {
      id: this.nextId++,
      ...spec,
      remaining: spec.times === undefined ? 1 : spec.times,
      matched: 0,
    };
    this.faults.push(fault);
    return { ...fault };
  }

  /** Takes the first fault for `target` (counting it), or `undefined`. */
  take(target: EmulatorSocketFaultTarget): EmulatorSocketFault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i];
      if (fault.on !== target) continue;
      fault.matched++;
      if (fault.remaining !== null && --fault.remaining <= 0) this.faults.splice(i, 1);
      return { ...fault };
    }
    return undefined;
  }

  list(): EmulatorSocketFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }
}
