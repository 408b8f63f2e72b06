import { inspect } from 'node:util';
import { PerformChatTokenSealer } from './token-sealer';

const SECRET = 'sk_sealer_S3CR3T_51e2';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdV8xIn0.c2lnbmF0dXJl';

describe('PerformChatTokenSealer (AES-256-GCM, keys from HKDF of the secret)', () => {
  const sealer = new PerformChatTokenSealer('pk_sealer', SECRET);

  it('seals a value that holds nothing readable, and opens it under the same entry name', () => {
    const name = sealer.name(['pk_sealer', 'alice', 'agent_a', 3600, null]);
    const sealed = sealer.seal(name, JSON.stringify({ t: TOKEN }));
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    for (const part of [TOKEN, ...TOKEN.split('.'), 'alice', SECRET]) expect(sealed).not.toContain(part);
    expect(sealer.open(name, sealed)).toBe(JSON.stringify({ t: TOKEN }));
    // A fresh IV every time: the same token never seals the same way twice.
    expect(sealer.seal(name, JSON.stringify({ t: TOKEN }))).not.toBe(sealed);
  });

  it('does not open under another entry name, another secret (a rotation), or once altered', () => {
    const name = sealer.name(['pk_sealer', 'alice', 'agent_a', 3600, null]);
    const sealed = sealer.seal(name, 'plaintext');
    expect(sealer.open(sealer.name(['pk_sealer', 'bob', 'agent_a', 3600, null]), sealed)).toBeUndefined();
    expect(new PerformChatTokenSealer('pk_sealer', `${SECRET}_rotated`).open(name, sealed)).toBeUndefined();
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BA' : 'AA');
    expect(sealer.open(name, flipped)).toBeUndefined();
    expect(sealer.open(name, 'v1.x')).toBeUndefined();
    expect(sealer.open(name, 'garbage')).toBeUndefined();
  });

  it('names entries by an HMAC: no user or session id in clear, other names after a rotation', () => {
    const name = sealer.name(['pk_sealer', 'alice', 'agent_a', 3600, 'session-42']);
    expect(name).toMatch(/^[\w-]{43}$/);
    expect(name).not.toContain('alice');
    expect(sealer.name(['pk_sealer', 'alice', 'agent_a', 3600, 'session-42'])).toBe(name);
    expect(sealer.name(['pk_sealer', 'alice', 'agent_a', 3600, 'session-43'])).not.toBe(name);
    expect(
      new PerformChatTokenSealer('pk_sealer', `${SECRET}_rotated`).name([
        'pk_sealer',
        'alice',
        'agent_a',
        3600,
        'session-42',
      ]),
    ).not.toBe(name);
  });

  it('never shows a key or the secret (inspect, JSON)', () => {
    expect(inspect(sealer, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify({ sealer })).toBe('{"sealer":"PerformChatTokenSealer"}');
  });
});
