import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { type ConnectWiseStandin, startConnectWiseStandin } from '../server/src/test/connectwise-standin';
import { apiFor, expect, PEOPLE, test, uniq } from './fixtures';

/**
 * ConnectWise PSA from the browser: the admin connects (Test connection says what is wrong in
 * plain words), the junior links a session to a ticket and resolves with the note posted to the
 * ticket as an internal note, and sees it marked posted. The server talks to a ConnectWise
 * stand-in on 127.0.0.1 (ALLOW_PRIVATE_WEBHOOKS and CW_CLIENT_ID come from playwright.config.ts);
 * the stand-in checks every request against the vendor's OpenAPI document.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.SCREENSHOT_DIR
  ? path.resolve(here, '..', process.env.SCREENSHOT_DIR)
  : path.join(here, 'test-results/screenshots');

async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  await page.evaluate(() => {
    // The page focuses its heading on arrival: no focus ring in the picture.
    if (document.activeElement?.tagName === 'H1') (document.activeElement as HTMLElement).blur();
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** No serious or critical WCAG 2.1 A/AA violation (as a11y.spec.ts checks the main screens). */
async function expectAccessible(page: Page, screen: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  expect(bad, `${screen}: ${JSON.stringify(bad)}`).toEqual([]);
}

let cw: ConnectWiseStandin;

test.use({ reducedMotion: 'reduce' });
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  cw = await startConnectWiseStandin({ clientId: process.env.E2E_CW_CLIENT_ID });
  cw.members.push(
    {
      id: 41,
      identifier: 'jamie',
      firstName: 'Jamie',
      lastName: 'Junior',
      primaryEmail: PEOPLE.junior.email,
    },
    { id: 42, identifier: 'sam', firstName: 'Sam', lastName: 'Senior', primaryEmail: PEOPLE.senior.email },
    {
      id: 43,
      identifier: 'olivia.o',
      firstName: 'Olivia',
      lastName: 'Owner',
      primaryEmail: 'olivia@elsewhere.example',
    },
  );
});

test.afterAll(async ({ browser }) => {
  // The demo account is shared with the other specs: leave it without a PSA connection.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.request.post('/api/auth/login', { data: PEOPLE.owner });
  await page.request.delete('/api/integrations/connectwise');
  await ctx.close();
  await cw?.close();
});

test('connect ConnectWise, link a session to a ticket, resolve with the note posted as an internal note', async ({
  personPage,
}) => {
  // 1. The owner connects. A wrong private key first: Test connection says so in plain words.
  const owner = await personPage('owner', { width: 1440, height: 900 });
  await owner.goto('/settings');
  await owner.getByRole('link', { name: /connect/i }).click();
  await expect(owner).toHaveURL(/\/settings\/integrations$/);
  await expect(owner.getByTestId('cw-state')).toHaveText('Not connected');
  await owner.getByLabel('Site').fill(cw.url);
  await owner.getByLabel('Company id').fill(cw.companyId);
  await owner.getByLabel('Public key').fill(cw.publicKey);
  await owner.getByLabel('Private key').fill('not-the-private-key');
  await owner.getByRole('button', { name: 'Test connection' }).click();
  await expect(owner.getByTestId('cw-test-result')).toContainText('refused the API keys');
  await owner.getByLabel('Private key').fill(cw.privateKey);
  // A double click saves once.
  await owner.getByRole('button', { name: 'Save', exact: true }).dblclick();
  await expect(owner.getByTestId('cw-test-result')).toContainText('Connected to ConnectWise');
  await expect(owner.getByTestId('cw-state')).toHaveText('Connected');
  // The keys are gone from the form and never come back from the server.
  await expect(owner.getByLabel('Private key')).toHaveValue('');
  await expect(owner.getByText(`Saved (ends in ${cw.publicKey.slice(-4)})`)).toBeVisible();
  // The saved keys are only used with the site and company they were saved for: another site
  // (here a second stand-in) without the keys typed again is refused, on Save and on Test, and
  // that host never hears from the server.
  const elsewhere = await startConnectWiseStandin({ publicKey: 'ELSEpub1', privateKey: 'ELSEpriv2' });
  try {
    await owner.getByLabel('Site').fill(elsewhere.url);
    await owner.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(
      owner.getByText(/Enter both keys again: the saved keys are only used with the site/),
    ).toBeVisible();
    await expect(owner.getByLabel('Public key')).toHaveAttribute('aria-invalid', 'true');
    await owner.getByRole('button', { name: 'Test connection' }).click();
    await expect(owner.locator('.cw-status')).toContainText('the saved keys are only used with the site');
    expect(elsewhere.requests).toEqual([]);
    await shot(owner, 'integrations-other-site-1440');
  } finally {
    await elsewhere.close();
  }
  await owner.getByLabel('Site').fill(cw.url);
  await owner.getByRole('button', { name: 'Test connection' }).click();
  await expect(owner.getByTestId('cw-test-result')).toContainText('Connected to ConnectWise');
  // Member mapping: Jamie by e-mail; the owner's member chosen by hand.
  const jamieRow = owner.getByRole('row', { name: /Jamie/ });
  await expect(jamieRow.getByRole('combobox')).toContainText('By e-mail: Jamie Junior (jamie)');
  await expect(jamieRow.getByText('Matched by e-mail')).toBeVisible();
  const ownerRow = owner.getByRole('row', { name: /Olivia/ });
  await ownerRow.getByRole('combobox').selectOption({ label: 'Olivia Owner (olivia.o)' });
  await expect(ownerRow.getByText('Chosen by an admin')).toBeVisible();
  await owner.reload();
  await expect(owner.getByRole('row', { name: /Olivia/ }).getByText('Chosen by an admin')).toBeVisible();
  await expectAccessible(owner, 'Settings → Integrations');
  await shot(owner, 'integrations-1440');
  await owner.setViewportSize({ width: 360, height: 800 });
  await expect(owner.getByTestId('cw-state')).toBeVisible();
  const overflow = await owner.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(owner, 'integrations-360');

  // 2. The junior links a session to a ticket by its number.
  const junior = await personPage('junior', { width: 1440, height: 900 });
  const session = await apiFor(junior).createSession({
    title: `Outlook password loop ${uniq()}`,
    problem: 'Outlook asks for the password every few minutes since the laptop swap',
    customer: 'Contoso Dental',
  });
  await junior.goto(`/sessions/${session.id}`);
  const panel = junior.getByRole('region', { name: 'ConnectWise ticket' });
  await panel.getByLabel('Ticket number').fill('999');
  await panel.getByRole('button', { name: 'Link ticket' }).click();
  await expect(panel.getByRole('alert')).toContainText('ConnectWise has no ticket #999');
  await panel.getByLabel('Ticket number').fill('4711');
  await panel.getByRole('button', { name: 'Link ticket' }).click();
  const link = panel.getByTestId('ticket-link');
  await expect(link).toContainText('#4711');
  await expect(link).toContainText('Outlook keeps asking for the password');
  await expect(link).toContainText('Contoso Dental');
  await expect(link).toContainText('Status when linked: New');
  // A viewer sees the link, without Change or Remove.
  const viewer = await personPage('viewer');
  await viewer.goto(`/sessions/${session.id}`);
  await expect(viewer.getByTestId('ticket-link')).toContainText('#4711');
  await expect(viewer.getByRole('button', { name: 'Change' })).toHaveCount(0);

  // 3. Resolve: the note is previewed and edited; post to the ticket (on by default), move it to
  // Resolved, add the time entry.
  await junior.getByRole('button', { name: 'Resolve' }).click();
  const dialog = junior.getByRole('dialog');
  const resolution = `Re-created the Outlook profile (${uniq()})`;
  await dialog.getByLabel('Resolution').fill(resolution);
  await dialog.getByLabel('Time worked (minutes)').fill('25');
  const noteBox = dialog.getByLabel('Ticket note');
  await expect(noteBox).toHaveValue(new RegExp(resolution.replace(/[()]/g, '\\$&')));
  await expect(noteBox).toHaveValue(/25 min/);
  const edit = `Edited for the customer's ticket: the stale Credential Manager entry is gone (${uniq()}).`;
  await noteBox.press('ControlOrMeta+End');
  await noteBox.pressSequentially(`\n${edit}`);
  // The dialog sends the note trimmed, as the server saves it.
  const previewed = (await noteBox.inputValue()).trim();
  expect(previewed).toContain(edit);
  await expect(dialog.getByLabel(/Post to ticket #4711 as an internal note/)).toBeChecked();
  await dialog.getByLabel('Move the ticket to').selectOption({ label: 'Resolved (closed)' });
  await dialog.getByLabel('Add a time entry for the 25 min worked').check();
  await expectAccessible(junior, 'the Resolve dialog with the ConnectWise options');
  await shot(junior, 'psa-resolve-1440', { fullPage: false });
  await junior.setViewportSize({ width: 360, height: 800 });
  await dialog.getByLabel('Move the ticket to').scrollIntoViewIfNeeded();
  await expect(dialog.getByLabel('Move the ticket to')).toBeVisible();
  await junior.screenshot({ path: path.join(outDir, 'psa-resolve-360.png') });
  await junior.setViewportSize({ width: 1440, height: 900 });
  // A double click resolves (and posts) once.
  await dialog.getByRole('button', { name: 'Resolve', exact: true }).dblclick();
  await expect(dialog).toBeHidden();

  // 4. Marked posted on the session, and the stand-in holds exactly that text, as internal.
  const posts = junior.getByTestId('psa-post');
  // Posting is asynchronous by design (the outbox); on a loaded machine it can take a while.
  await expect(posts.first()).toHaveAttribute('data-status', 'sent', { timeout: 30_000 });
  await expect(posts.nth(1)).toHaveAttribute('data-status', 'sent', { timeout: 30_000 });
  await expect(posts.nth(2)).toHaveAttribute('data-status', 'sent', { timeout: 30_000 });
  await expect(posts.first()).toContainText('Posted');
  await expect(posts.first()).toContainText('Internal note (resolution) on ticket #4711');
  await expect(posts.nth(1)).toContainText('Status → Resolved');
  // Exactly the previewed and edited text, then the marker line; internal; as Jamie's member.
  const notes = (cw.notes.get(4711) ?? []).filter((n) => String(n.text).includes(edit));
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatchObject({
    internalAnalysisFlag: true,
    detailDescriptionFlag: false,
    member: { id: 41 },
  });
  const posted = String(notes[0]?.text);
  expect(posted.slice(0, previewed.length + 2)).toBe(`${previewed}\n\n`);
  expect(posted.slice(previewed.length + 2)).toMatch(/^\[ResolutionFlow ref rf-note-[\w-]+\]$/);
  expect(cw.calls('postTimeEntries')).toHaveLength(1);
  expect(cw.timeEntries.at(-1)).toMatchObject({ chargeToId: 4711, member: { id: 41 }, actualHours: 0.42 });
  expect(cw.tickets.get(4711)?.status.name).toBe('Resolved');
  expect(cw.violations).toEqual([]);
  // After a reload the posts are still there.
  await junior.reload();
  await expect(junior.getByTestId('psa-post').first()).toContainText('Posted');
  await expectAccessible(junior, 'the session with its ticket and posts');
  await shot(junior, 'psa-session-1440', { fullPage: false });
  await junior.setViewportSize({ width: 360, height: 800 });
  await junior.getByRole('region', { name: 'ConnectWise ticket' }).scrollIntoViewIfNeeded();
  await junior.screenshot({ path: path.join(outDir, 'psa-session-360.png') });
});

/** The owner connects the stand-in; the junior (on a 1440 px page) opens a session linked to ticket #4711. */
async function linkedSession(
  personPage: (who: 'owner' | 'junior', viewport?: { width: number; height: number }) => Promise<Page>,
  body: { title: string; problem: string },
) {
  const owner = await personPage('owner');
  const saved = await owner.request.put('/api/integrations/connectwise', {
    data: { siteUrl: cw.url, companyId: cw.companyId, publicKey: cw.publicKey, privateKey: cw.privateKey },
  });
  expect(saved.status(), await saved.text()).toBe(200);
  const junior = await personPage('junior', { width: 1440, height: 900 });
  const session = await apiFor(junior).createSession(body);
  const linked = await junior.request.put(`/api/sessions/${session.id}/psa-ticket`, {
    data: { ticketId: 4711 },
  });
  expect(linked.status(), await linked.text()).toBe(200);
  return { junior, session };
}

test('escalate a linked session: the escalation note goes to the ticket, with the status chosen', async ({
  personPage,
}) => {
  const { junior, session } = await linkedSession(personPage, {
    title: `VPN drops ${uniq()}`,
    problem: 'The VPN drops every ten minutes on the home Wi-Fi',
  });
  await junior.goto(`/sessions/${session.id}`);
  await expect(junior.getByTestId('ticket-link')).toContainText('#4711');
  await junior.getByRole('button', { name: 'Escalate' }).click();
  const dialog = junior.getByRole('dialog');
  const reason = `Split tunnel settings look right, still drops (${uniq()})`;
  await dialog.getByLabel('Why are you stuck?').fill(reason);
  const noteBox = dialog.getByLabel('Escalation note for the ticket');
  await expect(noteBox).toHaveValue(new RegExp(reason.replace(/[()]/g, '\\$&')));
  await dialog.getByLabel('Move the ticket to').selectOption({ label: 'Escalated to Tier 2' });
  const previewed = (await noteBox.inputValue()).trim();
  await dialog.getByRole('button', { name: 'Escalate', exact: true }).click();
  await expect(dialog).toBeHidden();
  const posts = junior.getByTestId('psa-post');
  await expect(posts.first()).toHaveAttribute('data-status', 'sent', { timeout: 30_000 });
  await expect(posts.first()).toContainText('Internal note (escalation) on ticket #4711');
  await expect(posts.nth(1)).toHaveAttribute('data-status', 'sent', { timeout: 30_000 });
  const notes = (cw.notes.get(4711) ?? []).filter((n) =>
    String(n.text).startsWith(`${previewed}\n\n[ResolutionFlow ref`),
  );
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatchObject({ internalAnalysisFlag: true });
  expect(cw.tickets.get(4711)?.status.name).toBe('Escalated to Tier 2');
  expect(cw.violations).toEqual([]);
});

test('a note ConnectWise refused holds the status change back; Retry sends the note, then the rest', async ({
  personPage,
}) => {
  const { junior, session } = await linkedSession(personPage, {
    title: `Printer queue ${uniq()}`,
    problem: 'The printer queue stalls every morning',
  });
  cw.tickets.get(4711)!.status = { id: 11, name: 'New' };
  const patchesBefore = cw.calls('patchServiceTicketsById').length;
  cw.fail('postServiceTicketsByParentIdNotes', 400, 1);
  const resolved = await junior.request.post(`/api/sessions/${session.id}/resolve`, {
    data: {
      resolution: 'Cleared the spooler',
      note: { text: `Cleared the spooler (${uniq()})`, minutesWorked: 15 },
      psa: { post: true, statusId: 14, statusName: 'Resolved', timeEntry: true },
    },
  });
  expect(resolved.status(), await resolved.text()).toBe(200);
  await junior.goto(`/sessions/${session.id}`);
  const posts = junior.getByTestId('psa-post');
  await expect(posts.first()).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(posts.nth(1)).toContainText('Status → Resolved (waits for the time entry)');
  await expect(posts.nth(1)).toHaveAttribute('data-status', 'pending');
  await expect(posts.nth(2)).toContainText('(waits for the note)');
  expect(cw.calls('patchServiceTicketsById').length).toBe(patchesBefore);
  expect(cw.tickets.get(4711)?.status.name).toBe('New');
  await shot(junior, 'psa-posts-held-1440', { fullPage: false });
  await posts.first().getByRole('button', { name: 'Retry' }).click();
  for (const i of [0, 1, 2])
    await expect(posts.nth(i)).toHaveAttribute('data-status', 'sent', { timeout: 30_000 });
  const sent = cw.requests
    .filter((r) =>
      ['postServiceTicketsByParentIdNotes', 'postTimeEntries', 'patchServiceTicketsById'].includes(
        r.operationId,
      ),
    )
    .slice(-3)
    .map((r) => r.operationId);
  expect(sent).toEqual(['postServiceTicketsByParentIdNotes', 'postTimeEntries', 'patchServiceTicketsById']);
  expect(cw.tickets.get(4711)?.status.name).toBe('Resolved');
});
