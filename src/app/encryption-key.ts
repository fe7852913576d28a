import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';

export const KEY_FILE = 'encryption.key';

/**
 * The installation's encryption key: the configured one (security.encryptionKey or
 * VIGIE_ENCRYPTION_KEY), else the one kept in dataDir, else a new one written there (mode 0600)
 * with a warning, since losing it loses every secret stored with it. Asked lazily: commands that
 * never seal anything never create the file.
 */
export function encryptionKeyProvider(config: Readonly<Config>, log: Logger): () => string {
  let key = config.security.encryptionKey;
  return () => {
    if (key) return key;
    const file = path.join(config.dataDir, KEY_FILE);
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8').trim();
      if (!/^[0-9a-fA-F]{64}$/.test(text))
        throw new Error(
          `${file}: expected 64 hex characters (the key Vigie generated); restore it from a backup`,
        );
      key = text;
      return key;
    }
    key = randomBytes(32).toString('hex');
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    log.warn(
      { file },
      `generated the encryption key for secrets stored from the dashboard in ${file}: back it up with the database (without it they cannot be read)`,
    );
    return key;
  };
}
