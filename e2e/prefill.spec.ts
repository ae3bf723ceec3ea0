import { apiFor, expect, test, uniq } from './fixtures';

/**
 * Regression: "Ask the assistant about this step" fills the composer of the session it was
 * pressed in, and of no other session — also across client-side navigation and Back.
 */
test('an assistant prefill stays in its own session', async ({ page, signIn }) => {
  const tag = uniq();
  await signIn('junior');
  const api = apiFor(page);
  const a = await api.createSession({
    title: `Session A DNS ${tag}`,
    problem: 'Users cannot resolve intranet.northwind.local.',
  });
  const b = await api.createSession({
    title: `Session B Outlook ${tag}`,
    problem: 'Outlook prompts for a password repeatedly.',
  });
  await api.logStep(a.id, { action: `nslookup intranet ${tag}`, outcome: 'failed', detail: 'NXDOMAIN' });

  // Open A through the app and ask about its step.
  await page.goto('/sessions');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Sessions/ })
    .click();
  await page.getByRole('link', { name: a.title }).click();
  await expect(page.getByRole('heading', { level: 1, name: a.title })).toBeVisible();
  const composer = page.getByTestId('assistant-composer');
  await expect(composer).toHaveValue('');
  await page.getByRole('button', { name: 'Ask the assistant about this step' }).click();
  await expect(composer).toHaveValue(new RegExp(`nslookup intranet ${tag}`));
  await expect(composer).toBeFocused();

  // Client-side navigation to B: B's composer is empty.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Sessions/ })
    .click();
  await page.getByRole('link', { name: b.title }).click();
  await expect(page.getByRole('heading', { level: 1, name: b.title })).toBeVisible();
  await expect(composer).toHaveValue('');

  // Straight back to A through history (skipping the list, so the session screen is reused
  // from B to A with both sessions cached): A still holds its own draft.
  await page.evaluate(() => window.history.go(-2));
  await expect(page.getByRole('heading', { level: 1, name: a.title })).toBeVisible();
  await expect(composer).toHaveValue(new RegExp(`nslookup intranet ${tag}`));

  // Straight forward to B again: still empty — going back to A did not resurrect it into B.
  await page.evaluate(() => window.history.go(2));
  await expect(page.getByRole('heading', { level: 1, name: b.title })).toBeVisible();
  await expect(composer).toHaveValue('');
});

test('"I did this" on a suggestion fills this session\'s step form', async ({ page, signIn }) => {
  const tag = uniq();
  await signIn('junior');
  const api = apiFor(page);
  const s = await api.createSession({
    title: `DNS resolution failing ${tag}`,
    problem: 'Workstations cannot resolve internal hostnames; nslookup times out against the DC.',
  });
  await page.goto(`/sessions/${s.id}`);
  const first = page.getByRole('button', { name: /^I did this: / }).first();
  await expect(first).toBeVisible();
  const label = (await first.getAttribute('aria-label')) ?? '';
  await first.click();
  await expect(page.getByLabel('What did you do?')).toHaveValue(label.replace(/^I did this: /, ''));
  await expect(page.getByLabel('What did you do?')).toBeFocused();
});
