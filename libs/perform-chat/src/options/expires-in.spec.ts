import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { parseExpiresIn } from './expires-in';

describe('parseExpiresIn', () => {
  it.each([
    ['3600s', 3600],
    ['30m', 1800],
    ['15m', 900],
    ['1h', 3600],
    ['24h', 86400],
    ['7d', 604800],
    ['1s', 1],
    ['365d', 31_536_000],
  ])('parses the documented form %s into %i seconds', (value, seconds) => {
    expect(parseExpiresIn(value)).toBe(seconds);
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['zero', '0s'],
    ['zero minutes', '0m'],
    ['negative', '-5m'],
    ['decimal', '1.5h'],
    ['inner space', '1 h'],
    ['leading space', ' 1h'],
    ['trailing space', '1h '],
    ['trailing newline', '1h\n'],
    ['upper-case unit', '1H'],
    ['weeks', '10w'],
    ['years', '1y'],
    ['milliseconds', '100ms'],
    ['no unit', '3600'],
    ['unit only', 'h'],
    ['leading zero', '01h'],
    ['plus sign', '+1h'],
    ['exponent', '1e3s'],
    ['hex', '0x10s'],
    ['two units', '1h30m'],
    ['word', 'one hour'],
    ['huge', '9999999999999d'],
    ['above the 365d ceiling', '366d'],
    ['number', 3600],
    ['null', null],
    ['undefined', undefined],
    ['array', ['1h']],
    ['object', { toString: () => '1h' }],
    ['unicode digits', '١h'],
  ])('refuses %s with INVALID_EXPIRES_IN and the accepted format', (_label, value) => {
    expect.assertions(3);
    try {
      parseExpiresIn(value);
    } catch (error) {
      expect(error).toBeInstanceOf(PerformChatError);
      expect((error as PerformChatError).code).toBe(PerformChatErrorCode.INVALID_EXPIRES_IN);
      expect((error as PerformChatError).message).toMatch(/365d|positive whole number followed by s, m, h or d/);
    }
  });

  it('applies the maxExpiresIn cap and names it', () => {
    expect(parseExpiresIn('24h', '24h')).toBe(86400);
    expect(() => parseExpiresIn('25h', '24h')).toThrow('longer than the allowed maximum of "24h" (maxExpiresIn)');
    expect(() => parseExpiresIn('2d', '24h')).toThrow(PerformChatError);
  });

  it('keeps huge values out of the message', () => {
    expect(() => parseExpiresIn('9'.repeat(1_000_000))).toThrow(/^expiresIn must be .*; got "9{30,}\.\.\.$/);
  });
});
