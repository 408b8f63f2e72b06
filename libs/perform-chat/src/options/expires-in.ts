import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { Messages } from '../perform-chat.messages';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** The documented format, and only it: `<positive integer><s|m|h|d>`, no spaces, no decimals. */
export const EXPIRES_IN_PATTERN = /^([1-9][0-9]{0,9})([smhd])$/;

/**
 * The longest lifetime accepted at all, whatever `maxExpiresIn` says: 365 days. The docs set
 * no maximum but call `7d` "long-lived" and advise against longer, so a year is surely a
 * mistake (and keeps every value a safe integer).
 */
export const EXPIRES_IN_CEILING_SECONDS = 365 * UNIT_SECONDS.d;

/**
 * Parses a PerformChat `expiresIn` string (`"3600s"`, `"30m"`, `"1h"`, `"7d"`) into seconds.
 *
 * @param value the lifetime, exactly `<positive integer><s|m|h|d>` as the docs define it.
 * @param maxExpiresIn optional policy cap in the same format (the `maxExpiresIn` option).
 * @param field name used in error messages (default `expiresIn`).
 * @throws PerformChatError `INVALID_EXPIRES_IN` naming the accepted format or the cap.
 */
export function parseExpiresIn(value: unknown, maxExpiresIn?: string, field = 'expiresIn'): number {
  const match = typeof value === 'string' ? EXPIRES_IN_PATTERN.exec(value) : null;
  if (!match) {
    throw new PerformChatError(PerformChatErrorCode.INVALID_EXPIRES_IN, Messages.invalidExpiresIn(field, value), {
      field,
    });
  }
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  const text = value as string;
  if (seconds > EXPIRES_IN_CEILING_SECONDS) {
    throw new PerformChatError(
      PerformChatErrorCode.INVALID_EXPIRES_IN,
      Messages.expiresInAboveCeiling(field, text, '365d'),
      { field },
    );
  }
  if (maxExpiresIn !== undefined && seconds > parseExpiresIn(maxExpiresIn, undefined, 'maxExpiresIn')) {
    throw new PerformChatError(
      PerformChatErrorCode.INVALID_EXPIRES_IN,
      Messages.expiresInTooLong(field, text, maxExpiresIn),
      { field },
    );
  }
  return seconds;
}
