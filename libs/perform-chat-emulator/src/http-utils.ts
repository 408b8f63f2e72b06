import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

/** A body already serialised as JSON (the token hot path builds it without JSON.stringify on objects). */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A response computed by a route handler, written by the server (or reshaped by a fault). */
export interface EmulatorResponse {
  status: number;
  /** Serialised as JSON, except a string, which is sent as-is, and a {@link JsonText}, sent as its text. */
  body: unknown;
  headers?: Record<string, string>;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Nest's default HTTP-exception body: `{ statusCode, message, error }`. */
export function nestErrorBody(status: number, message: string): { statusCode: number; message: string; error: string } {
  return { statusCode: status, message, error: STATUS_CODES[status] ?? 'Error' };
}

/** A response with Nest's default error body. */
export function nestError(status: number, message: string, headers?: Record<string, string>): EmulatorResponse {
  return headers === undefined
    ? { status, body: nestErrorBody(status, message) }
    : { status, body: nestErrorBody(status, message), headers };
}

/** The `Content-Type` among `headers`, whatever its case. */
function contentTypeOf(headers: Record<string, string> | undefined): string | undefined {
  if (headers === undefined) return undefined;
  let found: string | undefined;
  for (const name in headers) if (name.toLowerCase() === 'content-type') found = headers[name];
  return found;
}

/**
 * Serialises a response body (a string as-is, anything else as JSON) and picks its content
 * type: a `Content-Type` in `headers` wins, else text/plain for strings, JSON otherwise.
 */
export function serializeBody(
  body: unknown,
  headers?: Record<string, string>,
): { payload: string; contentType: string } {
  const override = contentTypeOf(headers);
  if (typeof body === 'string') return { payload: body, contentType: override ?? 'text/plain; charset=utf-8' };
  if (body instanceof JsonText) return { payload: body.text, contentType: override ?? JSON_CONTENT_TYPE };
  return { payload: body === undefined ? '' : JSON.stringify(body), contentType: override ?? JSON_CONTENT_TYPE };
}

/** Writes a whole response at once. */
export function writeResponse(res: ServerResponse, response: EmulatorResponse): void {
  const { payload, contentType } = serializeBody(response.body, response.headers);
  const head: string[] = ['Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(payload))];
  if (response.headers !== undefined) {
    for (const name in response.headers) {
      if (name.toLowerCase() !== 'content-type') head.push(name, response.headers[name]);
    }
  }
  res.writeHead(response.status, head);
  res.end(payload);
}

/** A JSON-object body as an object (parsing a {@link JsonText}), or `undefined` for anything else. */
export function bodyAsObject(body: unknown): Record<string, unknown> | undefined {
  const value: unknown = body instanceof JsonText ? JSON.parse(body.text) : body;
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Why a body could not be read. */
export type BodyError = 'too-large' | 'aborted';

/**
 * Reads the request body as UTF-8 (callback style: cheaper than promises on the hot path).
 * Stops reading and reports `too-large` past `limit` bytes.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  done: (error: BodyError | undefined, body: string) => void,
): void {
  let first: Buffer | undefined;
  let rest: Buffer[] | undefined;
  let size = 0;
  let finished = false;
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) {
      finished = true;
      req.removeAllListeners('data');
      req.resume();
      done('too-large', '');
      return;
    }
    if (first === undefined) first = chunk;
    else (rest ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    done(
      undefined,
      rest !== undefined ? Buffer.concat(rest).toString('utf8') : first !== undefined ? first.toString('utf8') : '',
    );
  });
  req.on('error', () => {
    if (finished) return;
    finished = true;
    done('aborted', '');
  });
}

/** Whether a `Content-Type` header denotes JSON (`application/json`, with or without parameters). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value.length >= 16 && value.slice(0, 16).toLowerCase() === 'application/json';
}

/** Parses a JSON object body; `undefined` for invalid JSON, `null` for valid JSON that is not an object. */
export function parseJsonObject(raw: string): Record<string, unknown> | null | undefined {
  let value: unknown;
  try {
    value = raw.length === 0 ? {} : JSON.parse(raw);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
