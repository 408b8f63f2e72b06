import axios from 'axios';
import { Messages } from '../perform-chat.messages';

/**
 * What went wrong below HTTP: the one vocabulary of the token calls and the health probe
 * (the probe's `reason` is the same word).
 */
export type TransportFailureKind =
  'connection_refused' | 'dns_failure' | 'tls_failure' | 'connection_dropped' | 'response_too_large' | 'network_error';

/** A transport failure in short: never the error itself, whose `config.data` holds the secret. */
export interface TransportFailure {
  kind: TransportFailureKind;
  /** One secret-free sentence, e.g. `connection refused`. */
  reason: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED']);
const DROPPED_MESSAGES = new Set(['socket hang up', 'stream has been aborted', 'aborted']);
const TLS_CODE = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|LEAF_SIGNATURE|ISSUER/;

/**
 * True for an error of the HTTP transport: axios's own guard (`axios.isAxiosError` reads the
 * `isAxiosError` flag), never a class comparison with AxiosError. An app on Nest 12 loads axios's ES
 * module build through `@nestjs/axios` while this CommonJS package would compare against the
 * CommonJS build's class: two different classes for the same error (the dual-package hazard).
 */
export function isTransportError(error: unknown): boolean {
  return axios.isAxiosError(error);
}

/**
 * Names a transport failure from the error's `code` and `message` alone.
 * @param host the host that was called (no credentials), for the DNS sentence
 * @returns undefined when `error` is not a transport error
 */
export function classifyTransportError(error: unknown, host: string): TransportFailure | undefined {
  if (!isTransportError(error)) return undefined;
  const { code: rawCode, message: rawMessage } = error as { code?: unknown; message?: unknown };
  const code = typeof rawCode === 'string' ? rawCode : '';
  const message = typeof rawMessage === 'string' ? rawMessage : '';
  if (code === 'ERR_BAD_RESPONSE' && message.includes('maxContentLength')) {
    return { kind: 'response_too_large', reason: Messages.transportTooLarge() };
  }
  if (code === 'ECONNREFUSED') return { kind: 'connection_refused', reason: Messages.transportRefused() };
  if (DNS_CODES.has(code)) return { kind: 'dns_failure', reason: Messages.transportDnsFailure(host, code) };
  if (TLS_CODE.test(code)) return { kind: 'tls_failure', reason: Messages.transportTlsFailure(code) };
  if (DROPPED_CODES.has(code) || DROPPED_MESSAGES.has(message)) {
    return { kind: 'connection_dropped', reason: Messages.transportDropped() };
  }
  return { kind: 'network_error', reason: Messages.transportNetworkError(code || 'no error code') };
}
