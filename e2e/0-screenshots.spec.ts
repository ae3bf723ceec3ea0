import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { apiFor, expect, test } from './fixtures';

// `npm run screenshots` writes them to docs/screenshots; a plain test run keeps them in test-results.
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.SCREENSHOT_DIR
  ? path.resolve(here, '..', process.env.SCREENSHOT_DIR)
  : path.join(here, 'test-results/screenshots');
async function shot(page: Page, name: string) {
  // A full-page capture of a scrolled page draws the sticky top bar mid-page: start from the top.
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });
}

test.use({ reducedMotion: 'reduce' });

test('screenshots of the main screens', async ({ page, browser, personPage }) => {
  test.setTimeout(120_000);

  // Real data, made through the API as the junior.
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const vpn = await api.createSession({
    title: 'VPN drops every 10 minutes',
    problem:
      'Remote user at Contoso Dental loses the FortiClient VPN tunnel roughly every ten minutes since Monday. Reconnecting works, then it drops again.',
    customer: 'Contoso Dental',
    asset: 'LT-0142',
    category: 'Network',
  });
  await api.logStep(vpn.id, {
    action: 'Checked FortiClient logs for disconnect reason',
    outcome: 'failed',
    detail: 'DPD timeout: peer not responding (x6 since 08:10)',
  });
  await api.logStep(vpn.id, {
    action: 'Tested on a phone hotspot instead of home Wi-Fi',
    outcome: 'partial',
    detail: 'Held 25 minutes, then dropped once',
  });
  await api.addNote(vpn.id, 'User says it started after their ISP swapped the router on Friday.');
  await api.logStep(vpn.id, {
    action: 'Confirmed VPN gateway is reachable and other users are fine',
    outcome: 'info',
  });
  await api.ask(vpn.id, 'DPD timeouts only on this user. What should I check on their side?');
  await api.escalate(vpn.id, {
    reason: 'Looks like the new ISP router kills idle UDP, but I cannot change the firewall DPD settings',
    urgency: 'high',
    targetTier: 2,
  });

  const mail = await api.createSession({
    title: 'Shared mailbox rejecting mail',
    problem: 'accounts@ shared mailbox bounces external mail with "mailbox full".',
    customer: 'Fabrikam Legal',
    asset: 'accounts@fabrikam.example',
    category: 'Email',
  });
  await api.logStep(mail.id, {
    action: 'Checked mailbox size in Exchange admin center',
    outcome: 'info',
    detail: '49.6 GB of 50 GB',
  });
  await api.escalate(mail.id, {
    reason: 'Archive policy is assigned but nothing moves to the archive',
    urgency: 'critical',
  });

  const printer = await api.createSession({
    title: 'Floor 2 printer offline for everyone',
    problem: 'HP LaserJet on floor 2 shows offline on all workstations.',
    customer: 'Northwind Traders',
    asset: 'PRN-F2-HP',
    category: 'Printing',
  });
  await api.logStep(printer.id, { action: 'Pinged printer IP 10.0.2.40', outcome: 'failed' });
  await api.escalate(printer.id, {
    reason: 'Printer has no link light, switch port may be down',
    urgency: 'low',
  });

  const dns = await api.createSession({
    title: 'Intranet not resolving from branch office',
    problem: 'Users at the Leeds branch cannot open intranet.northwind.local; external sites work.',
    customer: 'Northwind Traders',
    asset: 'DC-LEEDS-01',
    category: 'Network',
  });
  await api.logStep(dns.id, {
    action: 'nslookup intranet.northwind.local against DC-LEEDS-01',
    outcome: 'failed',
    detail: "*** DC-LEEDS-01 can't find intranet.northwind.local: Non-existent domain",
  });
  await api.logStep(dns.id, { action: 'ipconfig /flushdns on the workstation', outcome: 'worked' });

  // Sign-in
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/signin');
  await expect(page.getByRole('heading', { name: 'Demo sign-ins' })).toBeVisible();
  await shot(page, 'signin');

  // Sessions list, as the senior
  const senior = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
  });
  const s = await senior.newPage();
  await s.goto('/signin');
  await s.getByLabel('Email').fill('sam@northwind.example');
  await s.getByLabel('Password').fill('demo-senior-pass');
  await s.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(
    s.getByRole('link', { name: 'Intranet not resolving from branch office' }).first(),
  ).toBeVisible();
  await shot(s, 'sessions-1440');

  // Queue with cards
  await s.goto('/queue');
  await expect(s.getByTestId('queue-card').first()).toBeVisible();
  await s.waitForTimeout(300);
  await shot(s, 'queue-1440');

  // Session view with a real timeline (the junior's escalated session, seen by the senior)
  await s.goto(`/sessions/${dns.id}`);
  await expect(s.getByTestId('timeline-entry').first()).toBeVisible();
  await expect(
    s
      .getByRole('button', { name: /^I did this/ })
      .first()
      .or(s.getByText('Suggested next steps')),
  ).toBeVisible();
  await s.waitForTimeout(300);

  // Handoff context: the senior picks up the VPN escalation
  await s.goto('/queue');
  const card = s.getByTestId('queue-card').filter({ hasText: 'VPN drops every 10 minutes' }).first();
  await card.getByRole('button', { name: 'Pick Up' }).click();
  await expect(s).toHaveURL(/\/handoffs\//);
  await expect(s.getByRole('heading', { name: 'AI assessment' })).toBeVisible();
  await shot(s, 'handoff-1440');

  // Start here → the session view, with the step ready to log
  await s.getByRole('button', { name: 'Start here' }).click();
  await expect(s.getByLabel('What did you do?')).not.toHaveValue('');
  await s.waitForTimeout(400);
  await shot(s, 'session-1440');

  // Analytics
  await s.goto('/analytics/escalations');
  await expect(s.getByRole('heading', { name: 'Escalation analytics' })).toBeVisible();
  await s.waitForTimeout(500);
  await shot(s, 'analytics-1440');

  // Narrow: 360 px
  await s.setViewportSize({ width: 360, height: 780 });
  await s.goto('/sessions');
  await expect(
    s.getByRole('link', { name: 'Intranet not resolving from branch office' }).first(),
  ).toBeVisible();
  await shot(s, 'sessions-360');
  await s.getByRole('button', { name: 'Navigation' }).click();
  await s.screenshot({ path: path.join(outDir, 'nav-open-360.png') });
  await s.getByRole('button', { name: 'Navigation' }).click();
  await s.goto('/queue');
  await expect(s.getByTestId('queue-card').first()).toBeVisible();
  await shot(s, 'queue-360');
  await s.goto(`/sessions/${vpn.id}`);
  await expect(s.getByTestId('timeline-entry').first()).toBeVisible();
  await shot(s, 'session-360');
  await s.goBack();
  await senior.close();

  // Settings: team and invitations, as the owner
  const owner = await personPage('owner', { width: 1440, height: 900 });
  await owner.goto('/settings');
  await expect(owner.getByRole('heading', { name: 'Team', exact: true })).toBeVisible();
  await owner.waitForTimeout(300);
  await shot(owner, 'settings-1440');
  await owner.goto('/sessions/new');
  await expect(owner.getByRole('heading', { name: 'New FlowPilot session' })).toBeVisible();
  await shot(owner, 'new-session-1440');
});

test('screenshots of the analytics on the 90-day demo history, and of the stopwatch', async ({
  personPage,
}) => {
  for (const width of [1440, 390]) {
    const owner = await personPage('owner', { width, height: width > 800 ? 900 : 844 });
    await owner.goto('/analytics/escalations?period=90d');
    await expect(owner.getByTestId('minutes-recovered')).toBeVisible();
    await expect(owner.getByTestId('escalation-row').first()).toBeVisible();
    await owner.waitForTimeout(500);
    await shot(owner, `analytics-90d-${width}`);

    // A stopped reading, as after timing a real call (the stopwatch keeps its state in localStorage).
    const me = await (await owner.request.get('/api/me')).json();
    await owner.evaluate(
      ({ key }) =>
        localStorage.setItem(
          key,
          JSON.stringify({ startedAt: null, accumulatedMs: 582_300, stoppedAt: Date.now() }),
        ),
      { key: `rf.stopwatch.${me.user.id}` },
    );
    await owner.goto('/analytics/stopwatch');
    await expect(owner.getByTestId('stopwatch-time')).toHaveText('9:42.3');
    await owner.getByLabel('Note (optional)').fill('Sam rang Jamie before starting (Fabrikam Legal)');
    await shot(owner, `stopwatch-${width}`);
  }
});
