import type { EmulatorChat } from './chat/chat.interfaces';
import type {
  EmulatorFault,
  EmulatorLogEntry,
  EmulatorRequestLogFilter,
  EmulatorStateExport,
  EmulatorStateSnapshot,
  EmulatorVerifyResult,
} from './emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from './emulator.messages';
import { EmulatorFaultSpecError } from './faults';
import { EmulatorStateImportError } from './state-transfer';
import { nestError, parseJsonObject, type EmulatorResponse } from './http-utils';

/** What the emulator-only routes act on. */
export interface AdminTarget {
  verify(token: string): EmulatorVerifyResult;
  addFault(spec: unknown): EmulatorFault;
  listFaults(): EmulatorFault[];
  clearFaults(): number;
  snapshot(): EmulatorStateSnapshot;
  reset(): void;
  readonly chat: EmulatorChat;
  requestLog(filter?: EmulatorRequestLogFilter): EmulatorLogEntry[];
  clearRequestLog(): number;
  exportState(): EmulatorStateExport;
  importState(state: unknown): void;
}

const LOG_TYPES = new Set(['http', 'socket']);

/** `GET /__emulator/log?type=&sinceSeq=&path=&event=` → a filter; a string naming a bad parameter otherwise. */
function logFilter(rawUrl: string): EmulatorRequestLogFilter | string {
  const query = new URL(rawUrl, 'http://emulator').searchParams;
  const filter: EmulatorRequestLogFilter = {};
  const type = query.get('type');
  if (type !== null) {
    if (!LOG_TYPES.has(type)) return 'type must be http or socket';
    filter.type = type as 'http' | 'socket';
  }
  const since = query.get('sinceSeq');
  if (since !== null) {
    const value = Number(since);
    if (!Number.isInteger(value) || value < 0) return 'sinceSeq must be an integer >= 0';
    filter.sinceSeq = value;
  }
  const path = query.get('path');
  if (path !== null) filter.path = path;
  const event = query.get('event');
  if (event !== null) filter.event = event as EmulatorRequestLogFilter['event'];
  return filter;
}

/** Runs `fn`, answering a fault-spec or state-import error as a 400 naming the field. */
function badRequestOn(fn: () => EmulatorResponse): EmulatorResponse {
  try {
    return fn();
  } catch (error) {
    if (error instanceof EmulatorFaultSpecError || error instanceof EmulatorStateImportError)
      return nestError(400, error.message);
    throw error;
  }
}

/**
 * The emulator-only routes under `/__emulator/`. They are never faulted, rate-limited or
 * counted, and accept a JSON body whatever its Content-Type (so `curl -d` works).
 */
export function handleAdminRoute(
  target: AdminTarget,
  method: string,
  pathname: string,
  rawUrl: string,
  raw: string,
): EmulatorResponse {
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
    case 'GET /__emulator/log': {
      const filter = logFilter(rawUrl);
      if (typeof filter === 'string') return nestError(400, filter);
      return { status: 200, body: { entries: target.requestLog(filter) } };
    }
    case 'DELETE /__emulator/log':
      return { status: 200, body: { cleared: target.clearRequestLog() } };
    case 'GET /__emulator/state/export':
      return { status: 200, body: target.exportState() };
    case 'POST /__emulator/state/import': {
      const body = parseJsonObject(raw);
      if (body === undefined) return nestError(400, MSG.invalidJson);
      return badRequestOn(() => {
        target.importState(body);
        return { status: 200, body: { message: 'Emulator state imported' } };
      });
    }
    case 'GET /__emulator/conversations': {
      const customerUserId = new URL(rawUrl, 'http://emulator').searchParams.get('customerUserId') ?? undefined;
      return { status: 200, body: { conversations: target.chat.conversations(customerUserId) } };
    }
    case 'GET /__emulator/sockets':
      return { status: 200, body: { sockets: target.chat.sockets() } };
    case 'POST /__emulator/socket-faults': {
      const body = parseJsonObject(raw);
      if (body === undefined) return nestError(400, MSG.invalidJson);
      return badRequestOn(() => ({ status: 201, body: target.chat.addFault(body as never) }));
    }
    case 'GET /__emulator/socket-faults':
      return { status: 200, body: { faults: target.chat.listFaults() } };
    case 'DELETE /__emulator/socket-faults':
      return { status: 200, body: { cleared: target.chat.clearFaults() } };
    default:
      return nestError(404, MSG.cannot(method, rawUrl));
  }
}
