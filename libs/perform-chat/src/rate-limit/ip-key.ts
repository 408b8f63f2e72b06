import { isIPv6 } from 'node:net';

/** The 8 hextets of a valid IPv6 address (a trailing dotted IPv4 becomes the last two), or `undefined`. */
function hextetsOf(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((hextet) => parseInt(hextet, 16)));
  const [head, tail] = text.split('::');
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The part of a client address that a caller without a user is counted by:
 * - IPv4, and IPv4-mapped IPv6 (`::ffff:203.0.113.7`, what a dual-stack socket reports), as the
 *   IPv4 address;
 * - any other IPv6 address by its first `subnet` bits, written `2001:db8:1:2::/64`: one host or
 *   customer usually holds a whole /64 (or /56, /48), and counting per address would let it
 *   take a fresh counter for each of its 2^64 addresses;
 * - with `subnet` 128, the full address, in one spelling (`2001:db8::1`, `2001:0db8:0::0001`
 *   are one caller).
 * Anything that does not parse (a test double, `unknown`) is returned as is. The zone of a
 * link-local address (`fe80::1%eth0`) is dropped.
 */
export function ipKey(address: string, subnet: number): string {
  if (!address.includes(':')) return address;
  const hextets = hextetsOf(address.split('%')[0]);
  if (!hextets) return address;
  if (hextets.slice(0, 5).every((hextet) => hextet === 0) && hextets[5] === 0xffff) {
    return [hextets[6] >> 8, hextets[6] & 0xff, hextets[7] >> 8, hextets[7] & 0xff].join('.');
  }
  if (subnet >= 128) return hextets.map((hextet) => hextet.toString(16)).join(':');
  const groups = Math.ceil(subnet / 16);
  const kept = hextets.slice(0, groups);
  const partial = subnet % 16;
  if (partial !== 0) kept[groups - 1] &= (0xffff << (16 - partial)) & 0xffff;
  // Trailing zero hextets go into the `::` (`2001:db8::/64`, not `2001:db8:0:0::/64`).
  while (groups < 8 && kept.length > 0 && kept[kept.length - 1] === 0) kept.pop();
  return `${kept.map((hextet) => hextet.toString(16)).join(':')}${groups < 8 ? '::' : ''}/${subnet}`;
}
