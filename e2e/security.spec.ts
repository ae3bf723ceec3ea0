import type { Page } from '@playwright/test';
import { apiFor, expect, test } from './fixtures';

/**
 * The Content-Security-Policy is strict (scripts and styles from this origin only). This walks the
 * main screens in Chromium and fails on any violation the browser reports, so a change that adds
 * an inline script or style element, or loads something from elsewhere, is caught here.
 */
async function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { __csp?: string[] };
      w.__csp ??= [];
      w.__csp.push(
        `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  return async () => {
    const inPage = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    return [...violations, ...inPage];
  };
}

test('the app works under its Content-Security-Policy: no violation on any main screen', async ({
  page,
  signIn,
  personPage,
}) => {
  test.setTimeout(90_000);
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const session = await api.createSession({
    title: 'CSP walk: Outlook keeps asking for a password',
    problem: 'Prompt returns every few minutes after the password change.',
  });
  await api.logStep(session.id, { action: 'Cleared cached credentials', outcome: 'failed' });
  const handoff = await api.escalate(session.id, {
    reason: 'Still prompting after cache clear',
    urgency: 'high',
  });

  const violations = await watchCsp(page);
  const first = await page.goto('/signin');
  const csp = first!.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  await signIn('senior');

  for (const [path, heading] of [
    ['/queue', /queue/i],
    ['/sessions', /sessions/i],
    [`/sessions/${session.id}`, /Outlook keeps asking/i],
    [`/handoffs/${handoff.id}`, /Outlook keeps asking/i],
    ['/analytics/escalations', /escalation/i],
    ['/settings', /settings|notification preferences/i],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 }).first(), path).toHaveText(heading);
    // Let lazy chunks, fonts and the chart load and draw.
    await page.waitForLoadState('networkidle');
  }
  expect(await violations()).toEqual([]);
});

test('the app cannot be framed by another page', async ({ page }) => {
  const res = await page.goto('/signin');
  expect(res!.headers()['x-frame-options']).toBe('DENY');
  expect(res!.headers()['referrer-policy']).toBe('no-referrer');
});
