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

test('screenshots of the main screens', async ({ browser, personPage }) => {
  test.setTimeout(180_000);

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

  // A session with the kind of long unbroken path technicians paste, to show it wraps on a phone.
  const outlook = await api.createSession({
    title: 'Outlook stuck on "Loading profile" after the autocomplete cache grew',
    problem:
      'Outlook hangs at the splash screen for one user since the mailbox migration. Renaming the profile did not help.',
    customer: 'Fabrikam Legal',
    asset: 'LT-FAB-0917',
    category: 'Email',
  });
  await api.logStep(outlook.id, {
    action:
      'Renamed %LOCALAPPDATA%\\Microsoft\\Outlook\\RoamCache\\Stream_Autocomplete_0_8F2A1C3E5B7D9F0A1B2C3D4E5F6A7B8C.dat',
    outcome: 'failed',
    detail: 'Outlook still hangs at "Loading profile"',
  });
  await api.logStep(outlook.id, { action: 'Started Outlook with `outlook.exe /safe`', outcome: 'partial' });
  await api.escalate(outlook.id, {
    reason: 'Safe mode opens, so an add-in or the OST; I cannot tell which',
    urgency: 'normal',
  });

  // Every main screen at desktop and phone width. The senior picks up a different card at each
  // width, so both handoff screens are fresh.
  const pickUp = { 1440: 'VPN drops every 10 minutes', 390: outlook.title } as const;
  for (const width of [1440, 390] as const) {
    const viewport = { width, height: width === 1440 ? 900 : 844 };

    const anon = await browser.newContext({ viewport, reducedMotion: 'reduce' });
    const a = await anon.newPage();
    await a.goto('/signin');
    await expect(a.getByRole('heading', { name: 'Demo sign-ins' })).toBeVisible();
    await shot(a, `signin-${width}`);
    await a.goto('/signup');
    await expect(a.getByRole('heading', { level: 1 })).toBeVisible();
    await shot(a, `signup-${width}`);
    await anon.close();

    const senior = await browser.newContext({ viewport, reducedMotion: 'reduce' });
    const s = await senior.newPage();
    await s.goto('/signin');
    await s.getByLabel('Email').fill('sam@northwind.example');
    await s.getByLabel('Password').fill('demo-senior-pass');
    await s.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(
      s.getByRole('link', { name: 'Intranet not resolving from branch office' }).first(),
    ).toBeVisible();
    await shot(s, `sessions-${width}`);

    if (width === 390) {
      await s.getByRole('button', { name: 'Navigation' }).click();
      await s.screenshot({ path: path.join(outDir, 'nav-open-390.png') });
      await s.keyboard.press('Escape');
    }

    await s.goto('/queue');
    await expect(s.getByTestId('queue-card').first()).toBeVisible();
    await s.waitForTimeout(300);
    await shot(s, `queue-${width}`);

    const card = s.getByTestId('queue-card').filter({ hasText: pickUp[width] }).first();
    await card.getByRole('button', { name: 'Pick Up' }).click();
    await expect(s).toHaveURL(/\/handoffs\//);
    await expect(s.getByRole('heading', { name: 'AI assessment' })).toBeVisible();
    await shot(s, `handoff-${width}`);

    // Start here → the session view, with the step ready to log
    await s.getByRole('button', { name: 'Start here' }).click();
    await expect(s.getByLabel('What did you do?')).not.toHaveValue('');
    await expect(s.getByRole('button', { name: /^I did this/ }).first()).toBeVisible();
    await s.waitForTimeout(400);
    await shot(s, `session-${width}`);

    await s.goto('/sessions/new');
    await expect(s.getByRole('heading', { name: 'New FlowPilot session' })).toBeVisible();
    await shot(s, `new-session-${width}`);

    await s.goto('/analytics/escalations');
    await expect(s.getByRole('heading', { name: 'Escalation analytics' })).toBeVisible();
    await s.waitForTimeout(500);
    await shot(s, `analytics-${width}`);
    await senior.close();

    // Settings: team and invitations, as the owner
    const owner = await personPage('owner', viewport);
    await owner.goto('/settings');
    await expect(owner.getByRole('heading', { name: 'Team', exact: true })).toBeVisible();
    await owner.waitForTimeout(300);
    await shot(owner, `settings-${width}`);
  }
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
