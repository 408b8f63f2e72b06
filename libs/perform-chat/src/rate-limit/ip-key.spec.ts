import { ipKey } from './ip-key';

describe('ipKey: the address a caller without a user is counted by', () => {
  it.each<[string, number, string]>([
    ['203.0.113.7', 64, '203.0.113.7'],
    ['::ffff:203.0.113.7', 64, '203.0.113.7'],
    ['::FFFF:cb00:7107', 64, '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', 64, '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', 64, '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0001', 64, '2001:db8:1:2::/64'],
    ['2001:db8::1', 64, '2001:db8::/64'],
    ['2001:db8:1:2ff::1', 56, '2001:db8:1:200::/56'],
    ['2001:db8:abcd:1234::1', 48, '2001:db8:abcd::/48'],
    ['2001:db8::1', 128, '2001:db8:0:0:0:0:0:1'],
    ['2001:0db8:0:0::0001', 128, '2001:db8:0:0:0:0:0:1'],
    ['fe80::1%eth0', 64, 'fe80::/64'],
    ['64:ff9b::192.0.2.33', 96, '64:ff9b::/96'],
    ['::1', 64, '::/64'],
    ['unknown', 64, 'unknown'],
    ['not:an:address', 64, 'not:an:address'],
  ])('%s with /%i → %s', (address, subnet, key) => {
    expect(ipKey(address, subnet)).toBe(key);
  });

  it('puts every address of a /64 on one key and the next /64 on another', () => {
    const keys = new Set(
      ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff:ffff:ffff:ffff'].map((a) => ipKey(a, 64)),
    );
    expect(keys.size).toBe(1);
    expect(ipKey('2001:db8:1:3::1', 64)).not.toBe(ipKey('2001:db8:1:2::1', 64));
  });
});
