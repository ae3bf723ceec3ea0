import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { apiFor, expect, test, uniq } from './fixtures';

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = process.env.SCREENSHOTS_DIR ?? path.join(here, 'test-results/screenshots');

// Copy for ticket reads back what it put on the clipboard.
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const HOSTILE = '<img src=x onerror=alert(1)>';
const LONG_PATH = `\\\\fs01\\${'departments-finance-archive-'.repeat(4)}\\spool\\errors.log`;

async function sessionWithChecks(page: Page, tag: string) {
  const api = apiFor(page);
  const s = await api.createSession({
    title: `Printer offline on 2nd floor ${tag}`,
    problem: `HP printer shows offline for everyone; the spooler writes to ${LONG_PATH}`,
    customer: 'Contoso',
    asset: 'PRN-2F',
  });
  await api.logStep(s.id, { action: 'Pinged the printer', outcome: 'failed', detail: 'Request timed out' });
  await api.logStep(s.id, { action: HOSTILE, outcome: 'info', detail: HOSTILE });
  await api.logStep(s.id, { action: 'Updated the port IP on the print server', outcome: 'worked' });
  return s;
}

/** No serious or critical WCAG 2.1 A/AA violation (as a11y.spec.ts checks the main screens). */
async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, what).toEqual([]);
}

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

test('resolve: the note is previewed, edited, saved with the session, copied and exported', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const tag = uniq();
  const s = await sessionWithChecks(page, tag);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`/sessions/${s.id}`);

  await page.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve session' });
  await dialog
    .getByLabel('Resolution')
    .fill('Pointed the port at 10.0.4.23 and reserved the address in DHCP');
  await dialog
    .getByLabel('Root cause (optional)')
    .fill('The printer took a new DHCP lease after a power cut');
  const note = dialog.getByLabel('Ticket note');
  // The preview follows what was typed (debounced) and is written from the session's log.
  await expect(note).toHaveValue(/Root cause\nThe printer took a new DHCP lease after a power cut\./);
  await expect(note).toHaveValue(/1\. Pinged the printer: did not work\. It showed: Request timed out\./);
  await expect(note).toHaveValue(/Resolution\nPointed the port at 10\.0\.4\.23/);
  await dialog.getByLabel('Time worked (minutes)').fill('35');
  await expect(note).toHaveValue(/Time worked\n35 min\./);
  await page.screenshot({ path: path.join(shots, 'resolve-note-preview-1440.png') });
  await expectAccessible(page, 'resolve dialog with the note preview');

  // The technician's edit is what is saved.
  const generated = await note.inputValue();
  const edited = `${generated}\n\nCalled the user ${tag}: printing works again.`;
  await note.fill(edited);
  await expect(dialog.getByText('Edited by you')).toBeVisible();
  // A double click resolves once.
  await dialog.getByRole('button', { name: 'Resolve' }).dblclick();
  await expect(dialog).toBeHidden();

  const notes = page.getByRole('region', { name: 'Ticket notes' });
  const card = notes.getByRole('article', { name: 'Resolution note' });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(`Called the user ${tag}: printing works again.`);
  await expect(card).toContainText('35 min worked');
  const saved = await page.request.get(`/api/sessions/${s.id}/notes`);
  const body = (await saved.json()).notes as { id: string; body: string; minutesWorked: number }[];
  expect(body).toHaveLength(1);
  expect(body[0]!.body).toBe(edited.trim());
  expect(body[0]!.minutesWorked).toBe(35);

  // Copy for ticket: plain text on the clipboard, and an announced "Copied".
  await card.getByRole('button', { name: 'Copy for ticket' }).click();
  await expect(card.getByRole('status')).toHaveText('Copied');
  const copied = await clipboard(page);
  expect(copied).toBe(edited.trim());
  expect(copied).not.toMatch(/^#+ |\*\*|<p>|<li>/m);

  // Downloads: text as saved, HTML with the hostile step inert.
  const [txt] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('link', { name: 'Download the resolution note as plain text' }).click(),
  ]);
  expect(txt.suggestedFilename()).toMatch(
    /^resolution-note-\d{4}-\d{2}-\d{2}-printer-offline-on-2nd-floor-[a-z0-9-]+\.txt$/,
  );
  expect(readFileSync(await txt.path(), 'utf8')).toBe(`${edited.trim()}\n`);
  const [html] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('link', { name: 'Download the resolution note as HTML' }).click(),
  ]);
  expect(html.suggestedFilename()).toMatch(/\.html$/);
  const htmlText = readFileSync(await html.path(), 'utf8');
  expect(htmlText).not.toContain('<img');
  expect(htmlText).toContain('&#60;img src=x onerror=alert(1)&#62;');
  expect(htmlText).toContain(`Called the user ${tag}: printing works again.`);
  const [md] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('link', { name: 'Download the resolution note as Markdown' }).click(),
  ]);
  expect(md.suggestedFilename()).toMatch(/\.md$/);
  expect(readFileSync(await md.path(), 'utf8')).toContain('## Root cause');

  // Kept with the session: still there after a reload, also at 360 px without sideways scrolling.
  await page.reload();
  await expect(card).toContainText(`Called the user ${tag}`);
  await notes.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(shots, 'ticket-notes-1440.png') });
  await expectAccessible(page, 'session with its ticket notes');
  await page.setViewportSize({ width: 360, height: 800 });
  await expect(card).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await notes.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(shots, 'ticket-notes-360.png') });
});

test('the resolve dialog with its preview fits a 360 px screen', async ({ page, signIn }) => {
  await signIn('junior');
  const s = await sessionWithChecks(page, uniq());
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`/sessions/${s.id}`);
  await page.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve session' });
  await dialog.getByLabel('Resolution').fill('Re-added the printer');
  await expect(dialog.getByLabel('Ticket note')).toHaveValue(/Resolution\nRe-added the printer\./);
  const box = await dialog.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  await page.screenshot({ path: path.join(shots, 'resolve-note-preview-360.png') });
  // An emptied note is refused beside the field; nothing is resolved.
  await dialog.getByLabel('Ticket note').fill('');
  await dialog.getByRole('button', { name: 'Resolve' }).click();
  await expect(dialog.getByText('Ticket note is required.')).toBeVisible();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Use the generated note' }).click();
  await expect(dialog.getByLabel('Ticket note')).toHaveValue(/Resolution\nRe-added the printer\./);
  // A bad time worked is refused before anything is sent.
  await dialog.getByLabel('Time worked (minutes)').fill('99999');
  await expect(dialog.getByText('Time worked must be whole minutes, 0 to 10080.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Resolve' })).toBeDisabled();
});

test('escalate: the note is previewed and saved; the handoff screen copies it for the ticket', async ({
  page,
  signIn,
  personPage,
}) => {
  await signIn('junior');
  const tag = uniq();
  const s = await sessionWithChecks(page, tag);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`/sessions/${s.id}`);
  await page.getByRole('button', { name: 'Escalate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Escalate this session' });
  await dialog.getByLabel('Why are you stuck?').fill(`Port looks right but jobs still fail ${tag}`);
  await dialog.getByText('High', { exact: true }).click();
  await dialog.getByLabel('Send to (optional)').selectOption('tier:2');
  const note = dialog.getByLabel('Escalation note for the ticket');
  await expect(note).toHaveValue(
    new RegExp(`Why it is escalated\\nPort looks right but jobs still fail ${tag}\\.`),
  );
  await expect(note).toHaveValue(/Urgency: High \(user blocked\)\. Sent to Tier 2 and up\./);
  await expect(note).toHaveValue(/What was tried\n1\. Pinged the printer: did not work\./);
  await page.screenshot({ path: path.join(shots, 'escalate-note-preview-1440.png') });
  await dialog.getByRole('button', { name: 'Escalate' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('region', { name: 'Ticket notes' }).getByRole('article', { name: 'Escalation note' }),
  ).toContainText(`Port looks right but jobs still fail ${tag}`);
  // A long note shows its first lines; the reader opens the rest (and closes it again).
  const saved = page.getByRole('article', { name: 'Escalation note' });
  const toggle = saved.getByRole('button', { name: /^Show the whole note \(\d+ lines\)$/ });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  const clipped = (await saved.locator('pre').boundingBox())!.height;
  await toggle.click();
  await expect(saved.getByRole('button', { name: 'Show less' })).toHaveAttribute('aria-expanded', 'true');
  expect((await saved.locator('pre').boundingBox())!.height).toBeGreaterThan(clipped);

  // The senior on the handoff screen copies the escalation note into the ticket.
  const senior = await personPage('senior', { width: 1440, height: 900 });
  await senior.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const handoffs = await senior.request.get('/api/handoffs?status=open');
  const handoff = ((await handoffs.json()).handoffs as { id: string; sessionId: string }[]).find(
    (x) => x.sessionId === s.id,
  );
  await senior.goto(`/handoffs/${handoff!.id}`);
  await senior.getByRole('button', { name: 'Copy for ticket' }).click();
  await expect(senior.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  await senior.screenshot({ path: path.join(shots, 'handoff-copy-for-ticket.png') });
  const copied = await clipboard(senior);
  expect(copied).toMatch(/^Escalation note: Printer offline on 2nd floor/);
  expect(copied).toContain(`Port looks right but jobs still fail ${tag}.`);
});

test('a viewer reads, copies and downloads the notes, and cannot resolve', async ({
  page,
  signIn,
  personPage,
}) => {
  await signIn('junior');
  const tag = uniq();
  const s = await sessionWithChecks(page, tag);
  const res = await page.request.post(`/api/sessions/${s.id}/resolve`, {
    data: { resolution: `Re-added the printer ${tag}` },
  });
  expect(res.ok(), await res.text()).toBe(true);

  const viewer = await personPage('viewer', { width: 360, height: 800 });
  await viewer.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await viewer.goto(`/sessions/${s.id}`);
  const card = viewer
    .getByRole('region', { name: 'Ticket notes' })
    .getByRole('article', { name: 'Resolution note' });
  await expect(card).toContainText(`Re-added the printer ${tag}.`);
  await expect(viewer.getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  await card.getByRole('button', { name: 'Copy for ticket' }).click();
  await expect(card.getByRole('status')).toHaveText('Copied');
  expect(await clipboard(viewer)).toContain(`Resolution\nRe-added the printer ${tag}.`);
  const [md] = await Promise.all([
    viewer.waitForEvent('download'),
    card.getByRole('link', { name: 'Download the resolution note as Markdown' }).click(),
  ]);
  expect(readFileSync(await md.path(), 'utf8')).toContain(`Re-added the printer ${tag}.`);
  // A preview is for those who may resolve.
  const preview = await viewer.request.post(`/api/sessions/${s.id}/notes/preview`, {
    data: { kind: 'resolution' },
  });
  expect(preview.status()).toBe(403);
});
