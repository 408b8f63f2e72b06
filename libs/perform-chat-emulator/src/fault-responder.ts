import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { EMULATOR_DEFAULT_OVERSIZED_BYTES, EMULATOR_DEFAULT_TRICKLE_INTERVAL_MS } from './emulator.constants';
import type { EmulatorFault, EmulatorRouteCounter } from './emulator.interfaces';
import { EMULATOR_MESSAGES as MSG } from './emulator.messages';
import { bodyAsObject, nestErrorBody, serializeBody, type EmulatorResponse } from './http-utils';
import type { TimerRegistry } from './timers';

/** What a fault needs to answer one call. */
export interface FaultCall {
  req: IncomingMessage;
  res: ServerResponse;
  counter: EmulatorRouteCounter;
  timers: TimerRegistry;
  /** Processes the call normally (side effects included) and returns the real answer. */
  produce: () => EmulatorResponse;
  /** Writes a whole answer and counts its status. */
  respond: (response: EmulatorResponse) => void;
  /** Told the status of an answer written piecemeal (`trickle`), which does not go through `respond`. */
  onAnswered?: (status: number) => void;
}

const NOT_JSON_BODY = 'OK: this body is not JSON';
const HTML_BODY =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><h1>Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>\n';

/** Counts an answer's status on a route counter. */
export function recordStatus(counter: EmulatorRouteCounter, status: number): void {
  if (status >= 200 && status < 300) counter.successes++;
  else counter.failures[status] = (counter.failures[status] ?? 0) + 1;
}

/** Default body of a `status` fault: Nest's default exception bodies. */
function statusBody(status: number): unknown {
  if (status === 500) return { statusCode: 500, message: MSG.internalError };
  if (status === 429) return nestErrorBody(429, MSG.tooManyRequests);
  return nestErrorBody(status, STATUS_CODES[status] ?? 'Error');
}

function withFaultHeaders(response: EmulatorResponse, fault: EmulatorFault): EmulatorResponse {
  if (fault.headers === undefined && fault.retryAfter === undefined) return response;
  // Names lower-cased so a fault's header replaces the answer's whatever the case.
  const headers: Record<string, string> = {};
  for (const name in response.headers) headers[name.toLowerCase()] = response.headers[name];
  for (const name in fault.headers) headers[name.toLowerCase()] = fault.headers[name];
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  return { ...response, headers };
}

function writeHead(res: ServerResponse, response: EmulatorResponse, length: number, contentType: string): void {
  const head: string[] = ['Content-Type', contentType, 'Content-Length', String(length)];
  for (const name in response.headers)
    if (name.toLowerCase() !== 'content-type') head.push(name, response.headers[name]);
  res.writeHead(response.status, head);
}

function withoutToken(response: EmulatorResponse): EmulatorResponse {
  const body = response.status === 200 ? bodyAsObject(response.body) : undefined;
  if (body === undefined) return response;
  const { token: _token, ...rest } = body;
  return { ...response, body: rest };
}

function padded(response: EmulatorResponse, sizeBytes: number): EmulatorResponse {
  const body = response.status === 200 ? bodyAsObject(response.body) : undefined;
  if (body === undefined) return response;
  const base = { ...body, padding: '' };
  const missing = sizeBytes - Buffer.byteLength(JSON.stringify(base));
  return { ...response, body: missing > 0 ? { ...base, padding: 'x'.repeat(missing) } : base };
}

/** Sends headers and about half the body, then destroys the socket. */
function dropMidResponse(call: FaultCall, response: EmulatorResponse): void {
  const { payload, contentType } = serializeBody(response.body, response.headers);
  const bytes = Buffer.from(payload);
  writeHead(call.res, response, bytes.length, contentType);
  call.counter.dropped++;
  call.res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => call.req.socket.destroy());
}

/** Sends the body one byte every `intervalMs`. */
function trickle(call: FaultCall, response: EmulatorResponse, intervalMs: number): void {
  const { payload, contentType } = serializeBody(response.body, response.headers);
  const bytes = Buffer.from(payload);
  writeHead(call.res, response, bytes.length, contentType);
  recordStatus(call.counter, response.status);
  call.onAnswered?.(response.status);
  let offset = 0;
  const handle = call.timers.interval(() => {
    if (call.res.destroyed) return call.timers.clear(handle);
    call.res.write(bytes.subarray(offset, offset + 1));
    offset++;
    if (offset >= bytes.length) {
      call.timers.clear(handle);
      call.res.end();
    }
  }, intervalMs);
  call.res.on('close', () => call.timers.clear(handle));
  if (bytes.length === 0) {
    call.timers.clear(handle);
    call.res.end();
  }
}

function answer(fault: EmulatorFault, call: FaultCall): void {
  if (call.req.socket.destroyed) return;
  const status = fault.status ?? 200;
  switch (fault.kind) {
    case 'drop':
      call.counter.dropped++;
      call.req.socket.destroy();
      return;
    case 'drop-mid-response':
      return dropMidResponse(call, withFaultHeaders(call.produce(), fault));
    case 'not-json':
      return call.respond(
        withFaultHeaders(
          {
            status,
            body: typeof fault.body === 'string' ? fault.body : NOT_JSON_BODY,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
          },
          fault,
        ),
      );
    case 'html':
      return call.respond(
        withFaultHeaders(
          {
            status,
            body: typeof fault.body === 'string' ? fault.body : HTML_BODY,
            headers: { 'content-type': 'text/html; charset=utf-8' },
          },
          fault,
        ),
      );
    case 'no-token':
      return call.respond(withFaultHeaders(withoutToken(call.produce()), fault));
    case 'oversized':
      return call.respond(
        withFaultHeaders(padded(call.produce(), fault.sizeBytes ?? EMULATOR_DEFAULT_OVERSIZED_BYTES), fault),
      );
    case 'trickle': {
      const response = fault.body !== undefined ? { status: 200, body: fault.body } : call.produce();
      return trickle(call, withFaultHeaders(response, fault), fault.intervalMs ?? EMULATOR_DEFAULT_TRICKLE_INTERVAL_MS);
    }
    default:
      if (fault.status !== undefined) {
        return call.respond(
          withFaultHeaders(
            { status: fault.status, body: fault.body !== undefined ? fault.body : statusBody(fault.status) },
            fault,
          ),
        );
      }
      return call.respond(withFaultHeaders(call.produce(), fault));
  }
}

/**
 * Answers a faulted call. With `delayMs` the answer (whatever it is) comes that much later.
 * `drop`, `status`, `not-json` and `html` do not process the call; `drop-mid-response`,
 * `no-token`, `oversized`, `trickle` (without `body`) and a delay alone process it
 * normally first (side effects included), then misdeliver the real answer.
 */
export function answerWithFault(fault: EmulatorFault, call: FaultCall): void {
  if (fault.delayMs !== undefined && fault.delayMs > 0) call.timers.timeout(() => answer(fault, call), fault.delayMs);
  else answer(fault, call);
}
