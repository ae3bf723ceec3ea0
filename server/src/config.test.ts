import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('reads SECRETS_KEY as 32 bytes (hex or base64) and CW_CLIENT_ID', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ SECRETS_KEY: hex }).secretsKey).toEqual(Buffer.from(hex, 'hex'));
    const b64 = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ SECRETS_KEY: b64 }).secretsKey).toEqual(Buffer.alloc(32, 9));
    expect(loadConfig({}).secretsKey).toBeNull();
    expect(loadConfig({ CW_CLIENT_ID: ' abc-123 ' }).cwClientId).toBe('abc-123');
  });

  it('a bad SECRETS_KEY stops start-up without its value in the message', () => {
    const secret = 'not-32-bytes-but-secret';
    try {
      loadConfig({ SECRETS_KEY: secret });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/^Invalid setting SECRETS_KEY: must be 32 bytes/);
      expect((err as Error).message).not.toContain(secret);
    }
    expect(() => loadConfig({ SECRETS_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/SECRETS_KEY/);
  });

  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      seedDemo: true,
      smtpUrl: null,
      ai: null,
      publicUrl: null,
      mailFrom: null,
      allowPrivateWebhooks: false,
    });
    expect(c.dataDir).toMatch(/data$/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT="eighty"/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO="maybe": must be true or false/],
    [{ DATABASE_WAIT_SECONDS: 'soon' }, /DATABASE_WAIT_SECONDS="soon": must be a number of seconds/],
    [{ SMTP_URL: 'not a url' }, /SMTP_URL/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
    [{ AI_BASE_URL: 'http://127.0.0.1:9' }, /AI_MODEL/],
    [{ ALLOW_PRIVATE_WEBHOOKS: 'sometimes' }, /ALLOW_PRIVATE_WEBHOOKS="sometimes": must be true or false/],
  ])('a bad setting %j stops start-up with one line naming it', (env, pattern) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toContain('\n');
  });

  it('a relative DATA_DIR is relative to where npm was run, not to server/', () => {
    expect(loadConfig({ INIT_CWD: '/srv/rf' }).dataDir).toBe('/srv/rf/data');
    expect(loadConfig({ INIT_CWD: '/srv/rf', DATA_DIR: '/var/lib/rf' }).dataDir).toBe('/var/lib/rf');
  });

  it('SEED_DEMO: every spelling the validation accepts is what start-up uses; unset depends on the database', () => {
    for (const v of ['true', '1', 'yes']) expect(loadConfig({ SEED_DEMO: v }).seedDemo).toBe(true);
    for (const v of ['false', '0', 'no']) expect(loadConfig({ SEED_DEMO: v }).seedDemo).toBe(false);
    const server = { DATABASE_URL: 'postgres://u@h:5432/db' };
    expect(loadConfig(server).seedDemo).toBe(false);
    expect(loadConfig({ ...server, SEED_DEMO: '1' }).seedDemo).toBe(true);
    expect(loadConfig({}).seedDemo).toBe(true);
  });

  it('DATABASE_WAIT_SECONDS: 10 s by default', () => {
    expect(loadConfig({}).databaseWaitMs).toBe(10_000);
    expect(loadConfig({ DATABASE_WAIT_SECONDS: '0.5' }).databaseWaitMs).toBe(500);
  });

  it('reads real values', () => {
    const c = loadConfig({
      PORT: '8080',
      SEED_DEMO: 'false',
      DATABASE_URL: 'postgres://u@h:5432/db',
      PUBLIC_URL: 'https://rf.example.com/',
      AI_BASE_URL: 'http://127.0.0.1:1234/v1',
      AI_MODEL: 'm',
    });
    expect(c).toMatchObject({
      port: 8080,
      seedDemo: false,
      databaseUrl: 'postgres://u@h:5432/db',
      publicUrl: 'https://rf.example.com',
    });
    expect(c.ai).toEqual({ baseUrl: 'http://127.0.0.1:1234/v1', apiKey: undefined, model: 'm' });
  });
});
