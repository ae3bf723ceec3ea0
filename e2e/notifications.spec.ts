import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { apiFor, expect, test, uniq } from './fixtures';

// `npm run screenshots` writes them to docs/screenshots; a plain test run keeps them in test-results.
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.SCREENSHOT_DIR
  ? path.resolve(here, '..', process.env.SCREENSHOT_DIR)
  : path.join(here, 'test-results/screenshots');
async function shot(page: Page, name: string) {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });
}

/** A chat-webhook receiver on 127.0.0.1 with the certificate the server trusts (see the config). */
async function startReceiver(answer = { status: 200, body: 'ok' }) {
  const got: { path: string; body: any }[] = [];
  const server = https.createServer(
    {
      key: fs.readFileSync(process.env.E2E_WEBHOOK_KEY!),
      cert: fs.readFileSync(process.env.E2E_WEBHOOK_CERT!),
    },
    (req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        got.push({ path: req.url ?? '', body: JSON.parse(text) });
        res.writeHead(answer.status).end(answer.body);
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    got,
    url: (p: string) => `https://127.0.0.1:${port}${p}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test.use({ reducedMotion: 'reduce' });

test('each person switches e-mail and reminders on and off, and it sticks', async ({ page, signIn }) => {
  await signIn('senior');
  await page.goto('/settings');
  const reminders = page.getByRole('checkbox', { name: /Remind me while an escalation waits/ });
  const email = page.getByRole('checkbox', { name: /Email me about new escalations/ });
  await expect(reminders).toBeChecked();
  await reminders.uncheck();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(reminders).not.toBeChecked();
  await expect(email).toBeChecked();
  await email.uncheck();
  await expect(page.getByText('Reminders come by e-mail: turn e-mail on to get them.')).toBeVisible();
  await email.check();
  await reminders.check();
  await page.reload();
  await expect(reminders).toBeChecked();
  await expect(email).toBeChecked();
  // Only admins see the account's webhook settings.
  await expect(page.getByRole('heading', { name: 'Chat webhook and reminders' })).toHaveCount(0);
});

test('an admin saves the chat webhook (https only), sends a test message and sets the reminder delay', async ({
  page,
  signIn,
}) => {
  const receiver = await startReceiver();
  try {
    await signIn('owner');
    await page.goto('/settings');
    const url = page.getByLabel('Incoming webhook URL');
    await url.fill('http://hooks.example.com/services/x');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(url).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('.field-error').first()).toContainText('must start with https://');

    await url.fill(receiver.url('/services/T01/B02/northwind'));
    await page.getByLabel('Reminder delay (minutes)').fill('0');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByLabel('Reminder delay (minutes)')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Reminder delay (minutes)').fill('10');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Saved. New escalations will be posted to the webhook.')).toBeVisible();

    await page.getByRole('button', { name: 'Send test' }).click();
    await expect(page.getByText(/Test message delivered \(HTTP 200/)).toBeVisible();
    expect(receiver.got.at(-1)!.body.text).toContain('ResolutionFlow test message');
    await expect(page.getByText('The saved URL gets: Slack blocks')).toBeVisible();

    await page.reload();
    await expect(url).toHaveValue(receiver.url('/services/T01/B02/northwind'));
    await expect(page.getByLabel('Reminder delay (minutes)')).toHaveValue('10');
    const section = page.locator('section', {
      has: page.getByRole('heading', { name: 'Chat webhook and reminders' }),
    });
    await page.getByRole('button', { name: 'Send test' }).click();
    await expect(page.getByText(/Test message delivered/)).toBeVisible();
    await section.scrollIntoViewIfNeeded();
    await shot(page, 'settings-webhook');
  } finally {
    await removeWebhook(page);
    await receiver.close();
  }
});

test('an escalation reaches the mail outbox and the webhook, and the admin sees who was told on the handoff', async ({
  page,
  signIn,
  personPage,
}) => {
  // The receiver answers 500: the webhook row waits for a retry, which the delivery panel shows.
  const receiver = await startReceiver({ status: 500, body: 'upstream unavailable' });
  try {
    await signIn('owner');
    const owner = page;
    const save = await owner.request.put('/api/account/notification-settings', {
      data: { webhookUrl: receiver.url('/hook'), reminderDelayMinutes: 10, webhookFormat: 'auto' },
    });
    expect(save.status()).toBe(200);

    const junior = await personPage('junior');
    const api = apiFor(junior);
    const tag = uniq();
    const s = await api.createSession({
      title: `Outlook keeps asking for a password ${tag}`,
      problem:
        'Since the tenant moved to modern auth, Outlook on RECEPTION-02 prompts for a password every hour.',
      customer: 'Contoso Dental',
      asset: 'RECEPTION-02',
    });
    await api.logStep(s.id, { action: 'Cleared Credential Manager entries', outcome: 'failed' });
    const handoff = await api.escalate(s.id, {
      reason: 'Credential Manager is clean and MFA works in the browser; out of ideas',
      urgency: 'high',
    });
    await expect.poll(() => receiver.got.length, { timeout: 15_000 }).toBeGreaterThan(0);

    // The Mail outbox shows the e-mail as it would have been sent.
    await owner.goto('/settings');
    await owner.getByRole('link', { name: 'Mail outbox' }).click();
    await expect(owner).toHaveURL(/\/settings\/mail-outbox$/);
    await expect(owner.getByRole('heading', { name: 'Mail outbox', level: 1 })).toBeVisible();
    const item = owner.getByRole('button', {
      // To Sam, who has nothing open; Olivia (this page) is told in the app instead (below).
      name: new RegExp(`\\[High\\] Escalation: Outlook keeps asking for a password ${tag}.*sam@`),
    });
    await expect(item).toBeVisible({ timeout: 15_000 });
    await item.click();
    await expect(item).toHaveAttribute('aria-current', 'true');
    await expect(owner.locator('#mail-subject')).toContainText(`Outlook keeps asking for a password ${tag}`);
    const html = owner.frameLocator('iframe[title="HTML part of the e-mail"]');
    await expect(html.getByRole('link', { name: 'Open the handoff' })).toHaveAttribute(
      'href',
      new RegExp(`/handoffs/${handoff.id}$`),
    );
    await expect(html.getByText('Credential Manager is clean and MFA works in the browser')).toBeVisible();
    await owner.getByRole('button', { name: 'Plain text' }).click();
    await expect(owner.locator('pre.mail-source')).toContainText(`/handoffs/${handoff.id}`);
    await owner.getByRole('button', { name: 'Source' }).click();
    await expect(owner.locator('pre.mail-source')).toContainText('Content-Type: multipart/alternative');
    await owner.getByRole('button', { name: 'HTML' }).click();
    await expect(html.getByRole('link', { name: 'Open the handoff' })).toBeVisible();
    await shot(owner, 'mail-outbox');

    // The handoff screen: who was told, on which channel, and what happened.
    await owner.goto(`/handoffs/${handoff.id}`);
    const panel = owner.locator('section', { has: owner.getByRole('heading', { name: 'Notifications' }) });
    await expect(
      panel.locator('.delivery-row', { hasText: 'Sam' }).filter({ hasText: 'E-mail' }),
    ).toContainText('Sent');
    const ownerMail = panel.locator('.delivery-row', { hasText: 'Olivia' }).filter({ hasText: 'E-mail' });
    await expect(ownerMail).toContainText('Skipped');
    await expect(ownerMail).toContainText('Had ResolutionFlow open');
    const hook = panel.locator('.delivery-row', { hasText: 'Chat webhook' });
    await expect(hook).toContainText('Waiting');
    await expect(hook).toContainText('HTTP 500');
    await expect(panel.locator('.delivery-row', { hasText: 'Jamie' })).toHaveCount(0); // not the escalator
    await panel.scrollIntoViewIfNeeded();
    await shot(owner, 'handoff-delivery-panel');

    // Engineers do not see the panel.
    await junior.goto(`/handoffs/${handoff.id}`);
    await expect(junior.getByRole('heading', { name: 'AI assessment' })).toBeVisible();
    await expect(junior.getByRole('heading', { name: 'Notifications' })).toHaveCount(0);
  } finally {
    await removeWebhook(page);
    await receiver.close();
  }
});

test('a teammate with ResolutionFlow open is told there; once they close it, the next escalation e-mails them', async ({
  signIn,
  personPage,
}) => {
  const owner = await signIn('owner');
  const junior = apiFor(await personPage('junior'));
  const sam = await personPage('senior');
  await expect(sam.getByTestId('live-status')).toHaveAttribute('data-status', 'live');

  const tag = uniq();
  const samsMail = async (title: string) => {
    const s = await junior.createSession({ title, problem: 'The copier stopped sending scans to e-mail.' });
    const h = await junior.escalate(s.id, {
      reason: 'SMTP settings on the copier look right',
      urgency: 'normal',
    });
    await owner.goto(`/handoffs/${h.id}`);
    const panel = owner.locator('section', { has: owner.getByRole('heading', { name: 'Notifications' }) });
    return panel.locator('.delivery-row', { hasText: 'Sam' }).filter({ hasText: 'E-mail' });
  };

  // Sam has a tab open: the card reaches it live, and no e-mail goes out.
  const whileOpen = await samsMail(`Scan to e-mail fails ${tag} (Sam online)`);
  await expect(whileOpen).toContainText('Skipped');
  await expect(whileOpen).toContainText('Had ResolutionFlow open: told in the app, not by e-mail');

  // Sam closes the tab: the next escalation is e-mailed to him.
  await sam.context().close();
  await expect
    .poll(
      async () => {
        const row = await samsMail(`Scan to e-mail fails ${tag} (Sam away ${uniq()})`);
        return (await row.textContent()) ?? '';
      },
      { timeout: 15_000 },
    )
    .toMatch(/Sent|Waiting/);
});

test('an invitation is e-mailed; the Mail outbox reads well on a phone', async ({ personPage }) => {
  const owner = await personPage('owner', { width: 360, height: 740 });
  const email = `phone-${uniq()}@northwind.example`;
  const inv = await owner.request.post('/api/invitations', { data: { email, role: 'engineer', tier: 1 } });
  expect(inv.status()).toBe(201);
  const { acceptUrl } = await inv.json();
  await owner.goto('/settings/mail-outbox');
  const item = owner.getByRole('button', { name: new RegExp(`invited you to Northwind IT.*${email}`) });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await item.click();
  await owner.getByRole('button', { name: 'Plain text' }).click();
  await expect(owner.locator('pre.mail-source')).toContainText(acceptUrl);
  // Each view (and a second, long unbroken address in the list) stays within the phone's width.
  const longEmail = `${'x'.repeat(40)}-${uniq()}@northwind-with-a-rather-long-domain-name.example`;
  expect(
    (
      await owner.request.post('/api/invitations', { data: { email: longEmail, role: 'engineer', tier: 1 } })
    ).status(),
  ).toBe(201);
  await owner.reload();
  await owner
    .getByRole('button', { name: new RegExp(`invited you to Northwind IT.*${longEmail}`) })
    .click({ timeout: 15_000 });
  for (const view of ['HTML', 'Plain text', 'Source']) {
    await owner.getByRole('button', { name: view, exact: true }).click();
    expect(await widerThanScreen(owner), `${view}: elements wider than the screen`).toEqual([]);
  }
  await item.click();
  await owner.getByRole('button', { name: 'Plain text' }).click();
  expect(await widerThanScreen(owner)).toEqual([]);
  await shot(owner, 'mail-outbox-phone');
  // Keyboard: the list items are reachable and selectable.
  await item.focus();
  await owner.keyboard.press('Enter');
  await expect(item).toHaveAttribute('aria-current', 'true');
});

test("an admin sees that an owner's invitation went out, without its sign-in link", async ({
  page,
  browser,
}) => {
  // A fresh account (the demo team stays as it is): its owner on `page`, an admin in a second browser.
  const tag = uniq();
  const signup = await page.request.post('/api/auth/signup', {
    data: {
      accountName: `Outbox ${tag}`,
      name: 'Orla Owner',
      email: `owner.${tag}@example.test`,
      password: 'owner password 1',
    },
  });
  expect(signup.status(), await signup.text()).toBe(201);
  const invite = async (role: string, email: string) => {
    const res = await page.request.post('/api/invitations', { data: { email, role, tier: 3 } });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()) as { token: string; acceptUrl: string };
  };
  const adminContext = await browser.newContext();
  try {
    const admin = await adminContext.newPage();
    const adminInvite = await invite('admin', `admin.${tag}@example.test`);
    const accepted = await admin.request.post(`/api/invitations/${adminInvite.token}/accept`, {
      data: { name: 'Ada Admin', password: 'admin password 1' },
    });
    expect(accepted.status(), await accepted.text()).toBe(201);
    const coOwnerEmail = `co-owner.${tag}@example.test`;
    const ownerInvite = await invite('owner', coOwnerEmail);

    await admin.goto('/settings/mail-outbox');
    await expect(
      admin.getByText("only the person who sent it and the account's owners can open it"),
    ).toBeVisible();
    const item = admin.getByRole('button', {
      name: new RegExp(`invited you to Outbox ${tag}.*${coOwnerEmail}`),
    });
    await expect(item).toBeVisible({ timeout: 15_000 });
    await expect(item).toContainText('Invitation (hidden)');
    await item.click();
    await expect(admin.getByRole('note').filter({ hasText: 'holds a sign-in link' })).toHaveText(
      "This invitation holds a sign-in link, so only Orla Owner and the account's owners can read it.",
    );
    // No view of the body, and the link is nowhere in the page.
    await expect(admin.getByRole('button', { name: 'Plain text' })).toHaveCount(0);
    await expect(admin.locator('iframe')).toHaveCount(0);
    expect(await admin.content()).not.toContain(ownerInvite.token);
    await shot(admin, 'mail-outbox-withheld');

    // The owner who sent it reads it whole.
    await page.goto('/settings/mail-outbox');
    await page
      .getByRole('button', { name: new RegExp(`invited you to Outbox ${tag}.*${coOwnerEmail}`) })
      .click();
    await page.getByRole('button', { name: 'Plain text' }).click();
    await expect(page.locator('pre.mail-source')).toContainText(ownerInvite.acceptUrl);
  } finally {
    await adminContext.close();
  }
});

/** Empty when the page does not scroll sideways; otherwise the outermost elements past the right edge. */
async function widerThanScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const out = [`document scrollWidth=${document.documentElement.scrollWidth} > ${width}`];
    const seen = new Set<Element>();
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 0.5) continue;
      let parent = el.parentElement;
      while (parent && !seen.has(parent)) parent = parent.parentElement;
      seen.add(el);
      if (!parent)
        out.push(`${el.tagName.toLowerCase()}.${String(el.className)} right=${Math.round(r.right)}`);
    }
    return out;
  });
}

/** Leaves the demo account without a webhook for the specs that run after this one. */
async function removeWebhook(page: Page) {
  await page.request.put('/api/account/notification-settings', {
    data: { webhookUrl: null, reminderDelayMinutes: 5, webhookFormat: 'auto' },
  });
}
