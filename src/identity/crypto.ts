// Encryption at rest for a watch's private information: AES-256-GCM, a fresh 96-bit IV per
// message, the watch id bound as associated data (a blob copied onto another watch fails to open).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export interface SecretBox {
  /** Short fingerprint of the key (never the key): tells a wrong key from a corrupted blob. */
  readonly keyId: string;
  seal(plaintext: string, associated: string): string;
  open(blob: string, associated: string): string;
}

/** `hexKey`: 64 hex characters (32 bytes), as validated by the config schema. */
export function createSecretBox(hexKey: string): SecretBox {
  if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) throw new Error('the encryption key must be 64 hex characters');
  const key = Buffer.from(hexKey, 'hex');
  const keyId = createHash('sha256').update('vigie-key-id').update(key).digest('hex').slice(0, 16);
  return {
    keyId,
    seal(plaintext, associated) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(associated, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(
        '.',
      );
    },
    open(blob, associated) {
      const parts = blob.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION)
        throw new DecryptionError('not an encrypted blob this version can read');
      const [, iv, tag, ct] = parts as [string, string, string, string];
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(associated, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        // Never echo the blob or the library's message: only that it could not be opened.
        throw new DecryptionError(
          'the private information could not be decrypted (wrong key or altered data)',
        );
      }
    },
  };
}
