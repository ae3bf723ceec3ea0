import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from '@playwright/test';
import { SmtpSink } from '../server/src/test/smtp-sink';
import { endpoints } from '../web/src/api/endpoints';
import { expect, PEOPLE, test } from './fixtures';
import { freePort, startServer, stop } from './own-server';

// "Forgot password", as a person who forgot it goes through it: the link on the sign-in page, the
// e-mail (real SMTP, to a server this spec runs), the reset page, and straight in. Its own server,
// because the shared one keeps mail in the local outbox, where a reset link is shown to nobody.

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = process.env.SCREENSHOT_DIR
  ? path.resolve(here, '..', process.env.SCREENSHOT_DIR)
  : path.join(here, 'test-results/screenshots');

let sink: SmtpSink;
let server: ChildProcess;
let baseURL: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  sink = await SmtpSink.start('up');
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  server = await startServer(port, mkdtempSync(path.join(tmpdir(), 'rf-e2e-reset-')), { SMTP_URL: sink.url });
});
test.afterAll(async () => {
  await stop(server);
  await sink.close();
});

/** The reset link in the newest mail to `email` received after `after` mails. */
async function linkFor(email: string, after: number): Promise<string> {
  await sink.waitFor((all) => all.slice(after).some((m) => m.to.includes(email)));
  const mail = sink.mails.slice(after).find((m) => m.to.includes(email))!;
  const m = /(http:\/\/127\.0\.0\.1:\d+\/reset-password\/[A-Za-z0-9_-]+)/.exec(mail.text);
  expect(m, mail.text).not.toBeNull();
  return m![1]!;
}

test('forgot password: the link from the sign-in page, the e-mail, a new password, and straight in', async ({
  browser,
}) => {
  const who = PEOPLE.junior;
  const NEW = 'rain on the window 1984';
  // Signed in elsewhere with the old password: that sign-in ends when the password is reset.
  const elsewhere = await request.newContext({ baseURL });
  expect(
    (
      await elsewhere.post('/api/auth/login', { data: { email: who.email, password: who.password } })
    ).status(),
  ).toBe(200);

  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('Email').fill(who.email);
  await page.screenshot({ path: path.join(shots, 'signin-forgot-link.png') });
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password/);
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  // The address typed on the sign-in page came along.
  await expect(page.getByLabel('Email')).toHaveValue(who.email);

  const before = sink.mails.length;
  // An impatient double click asks once.
  await page.getByRole('button', { name: 'Send the link' }).dblclick();
  await expect(page.getByRole('heading', { name: 'Check your e-mail' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('If an account uses this address');
  const link = await linkFor(who.email, before);
  await new Promise((r) => setTimeout(r, 500));
  expect(sink.mails.slice(before).filter((m) => m.to.includes(who.email))).toHaveLength(1);

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(page.getByText(who.email)).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'reset-password.png') });
  // The rules are the product's, said next to the field; two different entries are caught.
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page.getByLabel('New password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('New password', { exact: true }).fill(NEW);
  await page.getByLabel('New password, again').fill(`${NEW}!`);
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page.getByText('The two passwords are not the same')).toBeVisible();
  await expect(page.getByLabel('New password, again')).toBeFocused();
  await page.getByLabel('New password, again').fill(NEW);
  await page.getByLabel('New password, again').press('Enter');
  await expect(page).toHaveURL(/\/sessions$/);
  await expect(page.getByRole('heading', { name: 'Sessions' })).toBeVisible();

  // The other sign-in ended; the old password no longer works; the new one does.
  expect((await elsewhere.get('/api/me')).status()).toBe(401);
  const api = await request.newContext({ baseURL });
  expect(
    (await api.post('/api/auth/login', { data: { email: who.email, password: who.password } })).status(),
  ).toBe(401);
  expect((await api.post('/api/auth/login', { data: { email: who.email, password: NEW } })).status()).toBe(
    200,
  );

  // The link worked once: opened again, it says so and offers a new one.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Send a new link' })).toBeVisible();
  await context.close();
  await elsewhere.dispose();
  await api.dispose();
});

test('forgot password answers the same for an address without an account, and fits a 360 px phone', async ({
  browser,
}) => {
  const context = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const longAddress = `someone.with.a.very.long.unbroken.address.${'x'.repeat(60)}@example-msp-customer.test`;
  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(longAddress);
  await page.screenshot({ path: path.join(shots, 'forgot-password-360.png') });
  const before = sink.mails.length;
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your e-mail' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('If an account uses this address');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await page.screenshot({ path: path.join(shots, 'forgot-password-sent-360.png') });
  await new Promise((r) => setTimeout(r, 500));
  expect(sink.mails.length).toBe(before);

  // A made-up link says it no longer works, without an error page.
  await page.goto('/reset-password/not-a-real-token-at-all');
  await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  await context.close();
});

test('the reset endpoints answer in the shapes the web reads (contract, with a real link)', async () => {
  const api = await request.newContext({ baseURL });
  const who = PEOPLE.senior;
  const before = sink.mails.length;
  const asked = await api.post(endpoints.requestPasswordReset.path(undefined), {
    data: { email: who.email },
  });
  expect(asked.status()).toBe(202);
  expect(endpoints.requestPasswordReset.response.safeParse(await asked.json()).success).toBe(true);
  const token = (await linkFor(who.email, before)).split('/').pop()!;
  const lookup = await api.get(endpoints.passwordResetLookup.path({ token }));
  expect(lookup.status()).toBe(200);
  expect(endpoints.passwordResetLookup.response.parse(await lookup.json())).toEqual({ email: who.email });
  const done = await api.post(endpoints.completePasswordReset.path({ token }), {
    data: { password: 'a third long password' },
  });
  expect(done.status()).toBe(200);
  expect(endpoints.completePasswordReset.response.parse(await done.json())).toEqual({ email: who.email });
  await api.dispose();
});
