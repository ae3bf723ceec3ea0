/**
 * Secrets at rest (decision 025): the PSA API keys are stored encrypted with AES-256-GCM under a
 * 32-byte key. The key comes from SECRETS_KEY; without it (the embedded default) a key is generated
 * into DATA_DIR/secrets.key (mode 0600) on first use, with a warning to back it up: losing it
 * means entering the API keys again, nothing else.
 *
 * A stored value is `v1.<iv>.<tag>.<ciphertext>` (base64url), bound to its account by the GCM
 * additional data, so a value copied into another account's row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';

const cache = new Map<string, Buffer>();

export interface SecretsLogger {
  warn(obj: object, msg: string): void;
}

/** The key: SECRETS_KEY, or the one in DATA_DIR (generated on the first call when missing). */
export function secretsKey(config: Pick<Config, 'secretsKey' | 'dataDir'>, log?: SecretsLogger): Buffer {
  if (config.secretsKey) return config.secretsKey;
  const file = path.join(config.dataDir, 'secrets.key');
  const cached = cache.get(file);
  if (cached) return cached;
  let key: Buffer;
  try {
    key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    key = randomBytes(32);
    fs.mkdirSync(config.dataDir, { recursive: true });
    // wx: two processes starting together cannot both write a key; the loser reads the winner's.
    try {
      fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      (log ?? { warn: (_o: object, m: string) => console.warn(m) }).warn(
        { file },
        `No SECRETS_KEY set: generated ${file} to encrypt integration keys. Back this file up with the database (without it the saved ConnectWise keys must be entered again), or set SECRETS_KEY.`,
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    }
  }
  cache.set(file, key);
  return key;
}

export function encryptSecret(key: Buffer, plain: string, context: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(context));
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv, c.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export class SecretUnreadable extends Error {}

export function decryptSecret(key: Buffer, stored: string, context: string): string {
  const [v, iv, tag, data] = stored.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new SecretUnreadable('unknown secret format');
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadable(
      'The saved keys cannot be decrypted with this server’s secrets key (SECRETS_KEY or DATA_DIR/secrets.key changed). Enter the API keys again.',
    );
  }
}
