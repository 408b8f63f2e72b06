import { AxiosError } from 'axios';
import { Messages } from '../perform-chat.messages';
import { PerformChatHealthDownReason } from './perform-chat-health.interfaces';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
const TLS_CODE = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|LEAF_SIGNATURE|ISSUER/;

/** A transport failure of the probe, in short: never the AxiosError itself (or its config). */
export interface PerformChatProbeFailure {
  reason: PerformChatHealthDownReason;
  message: string;
}

/**
 * Names a transport failure of the probe from its error code alone.
 * @param host the probed host (no credentials), for the DNS message
 * @throws the error itself when it is not an HTTP transport error (a programming error)
 */
export function describeProbeFailure(error: unknown, host: string): PerformChatProbeFailure {
  if (!(error instanceof AxiosError)) throw error;
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return { reason: 'connection_refused', message: Messages.healthRefused() };
  if (DNS_CODES.has(code)) return { reason: 'dns_failure', message: Messages.healthDnsFailure(host, code) };
  if (TLS_CODE.test(code)) return { reason: 'tls_failure', message: Messages.healthTlsFailure(code) };
  if (DROPPED_CODES.has(code) || error.message === 'socket hang up' || error.message === 'stream has been aborted') {
    return { reason: 'connection_dropped', message: Messages.healthDropped() };
  }
  return { reason: 'network_error', message: Messages.healthNetworkError(code || 'no error code') };
}
