import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, SecretUnreadable, secretsKey } from './secrets.js';

describe('secrets at rest', () => {
  it('AES-256-GCM round trip, bound to its account', () => {
    const key = Buffer.alloc(32, 1);
    const stored = encryptSecret(key, 'the private key', 'psa-keys:a1');
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored).not.toContain('private');
    expect(decryptSecret(key, stored, 'psa-keys:a1')).toBe('the private key');
    // Another account's context, another key, or a changed byte: refused.
    expect(() => decryptSecret(key, stored, 'psa-keys:a2')).toThrow(SecretUnreadable);
    expect(() => decryptSecret(Buffer.alloc(32, 2), stored, 'psa-keys:a1')).toThrow(SecretUnreadable);
    const parts = stored.split('.');
    const data = Buffer.from(parts[3]!, 'base64url');
    data[0] = data[0]! ^ 1;
    parts[3] = data.toString('base64url');
    expect(() => decryptSecret(key, parts.join('.'), 'psa-keys:a1')).toThrow(SecretUnreadable);
    // Two encryptions of one value differ (a fresh IV each time).
    expect(encryptSecret(key, 'x', 'c')).not.toBe(encryptSecret(key, 'x', 'c'));
  });

  it('without SECRETS_KEY generates a key into DATA_DIR once, with a warning, and reads it back', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-secrets-'));
    try {
      const warnings: string[] = [];
      const log = { warn: (_o: object, m: string) => void warnings.push(m) };
      const k1 = secretsKey({ secretsKey: null, dataDir }, log);
      expect(k1).toHaveLength(32);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Back this file up/);
      const file = path.join(dataDir, 'secrets.key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(secretsKey({ secretsKey: null, dataDir }, log)).toEqual(k1);
      expect(warnings).toHaveLength(1);
      // SECRETS_KEY wins over the file.
      expect(secretsKey({ secretsKey: Buffer.alloc(32, 3), dataDir })).toEqual(Buffer.alloc(32, 3));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
