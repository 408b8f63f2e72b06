import type { EmulatorFault, EmulatorStateSnapshot, EmulatorVerifyResult } from './emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from './emulator.messages';
import { EmulatorFaultSpecError } from './faults';
import { nestError, parseJsonObject, type EmulatorResponse } from './http-utils';

/** What the emulator-only routes act on. */
export interface AdminTarget {
  verify(token: string): EmulatorVerifyResult;
  addFault(spec: unknown): EmulatorFault;
  listFaults(): EmulatorFault[];
  clearFaults(): number;
  snapshot(): EmulatorStateSnapshot;
  reset(): void;
}

/**
 * The emulator-only routes under `/__emulator/`. They are never faulted, rate-limited or
 * counted, and accept a JSON body whatever its Content-Type (so `curl -d` works).
 */
export function handleAdminRoute(target: AdminTarget, method: string, pathname: string, rawUrl: string, raw: string): EmulatorResponse {
  const route = method + ' ' + pathname;
  switch (route) {
    case 'GET /__emulator/state':
      return { status: 200, body: target.snapshot() };
    case 'POST /__emulator/reset':
      target.reset();
      return { status: 200, body: { message: 'Emulator state reset' } };
    case 'GET /__emulator/faults':
      return { status: 200, body: { faults: target.listFaults() } };
    case 'DELETE /__emulator/faults':
      return { status: 200, body: { cleared: target.clearFaults() } };
    case 'POST /__emulator/faults': {
      const body = parseJsonObject(raw);
      if (body === undefined) return nestError(400, MSG.invalidJson);
      try {
        return { status: 201, body: target.addFault(body) };
      } catch (error) {
        if (error instanceof EmulatorFaultSpecError) return nestError(400, error.message);
        throw error;
      }
    }
    case 'POST /__emulator/verify': {
      const body = parseJsonObject(raw);
      if (body === undefined) return nestError(400, MSG.invalidJson);
      if (body === null) return nestError(400, MSG.bodyNotObject);
      if (body.token === undefined || body.token === null) return nestError(400, MSG.required('token'));
      if (typeof body.token !== 'string') return nestError(400, MSG.mustBeString('token'));
      return { status: 200, body: target.verify(body.token) };
    }
    default:
      return nestError(404, MSG.cannot(method, rawUrl));
  }
}
