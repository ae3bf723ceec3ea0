import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { apiFor, expect, PEOPLE, type Person, test, uniq } from './fixtures';

/**
 * axe-core over every main screen, in the light and the dark theme: no serious or critical
 * violation of WCAG 2.1 A/AA. Contrast is checked against the theme's real tokens.
 */
async function expectAccessible(page: Page, screen: string) {
  // Late content (suggestions, assessment, chart) must be on screen when axe looks.
  await page.waitForLoadState('networkidle');
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes
        .slice(0, 3)
        .map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1] ?? ''}`),
    }));
  expect(bad, `${screen}: ${JSON.stringify(bad, null, 2)}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every main screen passes axe in the ${colorScheme} theme`, async ({ browser }) => {
    test.setTimeout(120_000);
    const open = async (who: Person | null) => {
      const context = await browser.newContext({ colorScheme, reducedMotion: 'reduce' });
      const page = await context.newPage();
      if (who) {
        await page.goto('/signin');
        await page.getByLabel('Email').fill(PEOPLE[who].email);
        await page.getByLabel('Password').fill(PEOPLE[who].password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await expect(page).toHaveURL(/\/sessions$/);
      }
      return { page, close: () => context.close() };
    };

    const anon = await open(null);
    await anon.page.goto('/signin');
    await expect(anon.page.getByRole('heading', { name: 'Demo sign-ins' })).toBeVisible();
    await expectAccessible(anon.page, 'sign-in');
    await anon.page.goto('/signup');
    await expectAccessible(anon.page, 'sign-up');
    await anon.close();

    const junior = await open('junior');
    const api = apiFor(junior.page);
    const s = await api.createSession({
      title: `Outlook asks for the password ${uniq()}`,
      problem: 'Outlook prompts for credentials every few minutes since the migration.',
      customer: 'Contoso Dental',
      asset: 'LT-0142',
    });
    await api.logStep(s.id, {
      action: 'Cleared Credential Manager',
      outcome: 'failed',
      detail: 'Prompt is back',
    });
    await api.addNote(s.id, 'Started after the mailbox move');
    await api.ask(s.id, 'What should I check next?');
    await junior.page.goto(`/sessions/${s.id}`);
    await expect(junior.page.locator('.suggestion').first()).toBeVisible();
    await expectAccessible(junior.page, 'session');
    await junior.page.getByRole('button', { name: 'Escalate' }).click();
    await expect(junior.page.getByRole('dialog', { name: 'Escalate this session' })).toBeVisible();
    await expectAccessible(junior.page, 'escalate dialog');
    await junior.page.keyboard.press('Escape');
    await junior.page.goto('/sessions');
    await expectAccessible(junior.page, 'sessions');
    await junior.page.goto('/sessions/new');
    await expectAccessible(junior.page, 'new session');
    const h = await api.escalate(s.id, { reason: 'Stuck on the credential prompt', urgency: 'high' });
    await junior.close();

    const senior = await open('senior');
    await senior.page.goto('/queue');
    await expect(senior.page.getByTestId('queue-card').first()).toBeVisible();
    await expectAccessible(senior.page, 'queue');
    await senior.page.goto(`/handoffs/${h.id}`);
    await senior.page.getByRole('button', { name: 'Pick Up' }).click();
    await expect(senior.page.getByRole('button', { name: 'Start here' })).toBeVisible();
    await expectAccessible(senior.page, 'handoff');
    await senior.page.goto('/analytics/escalations');
    await expect(senior.page.getByRole('heading', { name: 'Escalation analytics' })).toBeVisible();
    await expectAccessible(senior.page, 'analytics');
    await senior.close();

    const owner = await open('owner');
    await owner.page.goto('/settings');
    await expect(owner.page.getByRole('heading', { name: 'Team', exact: true })).toBeVisible();
    await expectAccessible(owner.page, 'settings');
    await owner.close();
  });
}
