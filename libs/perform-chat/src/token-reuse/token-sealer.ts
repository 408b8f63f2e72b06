import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';

/** Prefix of a sealed value: the format, so a later one can be told apart. */
const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts what the token store keeps, so that the store (Redis, a memory dump) never holds a
 * usable token, and names its entries so that the store never holds a user id or session id
 * either. Both keys are derived from the API key secret with HKDF-SHA256 (`node:crypto`
 * `hkdfSync`): there is no new secret to manage, and a rotated secret derives other keys, so
 * the tokens stored before the rotation are never found (other entry names) nor readable (the
 * old ciphertexts fail authentication): the cache drops itself.
 *
 * Seal: AES-256-GCM with a random 96-bit IV per value and the entry name as additional
 * authenticated data (a value moved to another entry fails to open).
 */
export class PerformChatTokenSealer {
  private readonly cipherKey: KeyObject;
  private readonly nameKey: KeyObject;

  constructor(keyId: string, keySecret: string) {
    const salt = Buffer.from(`nestjs-performchat token store ${FORMAT}\u0000${keyId}`, 'utf8');
    const derive = (info: string) =>
      createSecretKey(Buffer.from(hkdfSync('sha256', Buffer.from(keySecret, 'utf8'), salt, info, 32)));
    this.cipherKey = derive('aes-256-gcm token values');
    this.nameKey = derive('hmac-sha256 entry names');
  }

  /** The entry name of a token's scope (user, agent, lifetime, session): an HMAC, base64url. */
  name(parts: readonly (string | number | null)[]): string {
    return createHmac('sha256', this.nameKey).update(JSON.stringify(parts)).digest('base64url');
  }

  /** `v1.<iv>.<ciphertext+tag>` (base64url) of `plaintext`, bound to the entry `name`. */
  seal(name: string, plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.cipherKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** The plaintext of a sealed value, or `undefined` when it does not open (another key, another entry, altered). */
  open(name: string, sealed: string): string | undefined {
    const [format, iv, body] = sealed.split('.');
    if (format !== FORMAT || !iv || !body) return undefined;
    try {
      const bytes = Buffer.from(body, 'base64url');
      if (bytes.length < TAG_BYTES) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.cipherKey, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  }

  /** Never shows its keys (util.inspect, JSON). */
  toJSON(): string {
    return 'PerformChatTokenSealer';
  }
}
