import { parseEmulatorExpiresIn } from './expires-in';

describe('parseEmulatorExpiresIn', () => {
  it.each([
    ['3600s', 3600],
    ['30m', 1800],
    ['15m', 900],
    ['1h', 3600],
    ['24h', 86_400],
    ['7d', 604_800],
    ['1s', 1],
  ])('parses the documented format %s as %d seconds', (value, seconds) => {
    expect(parseEmulatorExpiresIn(value)).toBe(seconds);
  });

  it.each([
    '',
    '0s',
    '01h',
    '-1h',
    '1.5h',
    '1H',
    ' 1h',
    '1h ',
    '3600',
    '1w',
    '1ms',
    'h',
    '1 h',
    '99999999999999999999d',
  ])('refuses %p', (value) => {
    expect(parseEmulatorExpiresIn(value)).toBeUndefined();
  });
});
