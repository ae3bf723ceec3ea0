import { apiFor, expect, test, uniq } from './fixtures';

test('a junior runs a session, logs a step and escalates; a senior picks it up from the queue', async ({
  page,
  signIn,
  personPage,
}) => {
  const tag = uniq();
  const title = `VPN drops every 10 minutes ${tag}`;
  await signIn('junior');

  // New session
  await page.getByRole('link', { name: 'New session' }).click();
  await page.getByLabel('Title').fill(title);
  await page
    .getByLabel('Problem')
    .fill('Remote user on the Fortinet VPN loses connection about every ten minutes since Monday.');
  await page.getByLabel('Customer or site').fill('Contoso Dental');
  await page.getByLabel('Asset').fill('LT-0142');
  await page.getByRole('button', { name: 'Start session' }).click();
  await expect(page).toHaveURL(/\/sessions\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const sessionUrl = page.url();

  // Log a step: action, detail, then the outcome button logs it
  await page.getByLabel('What did you do?').fill('Checked VPN client logs for disconnect reason');
  await page.getByLabel('What did it show? (optional)').fill('DPD timeout, peer not responding');
  await page.getByRole('button', { name: 'Failed', exact: true }).click();
  const entry = page.getByTestId('timeline-entry').filter({ hasText: 'Checked VPN client logs' });
  await expect(entry).toBeVisible();
  await expect(entry.getByText('Failed', { exact: true })).toBeVisible();
  await expect(page.getByLabel('What did you do?')).toHaveValue('');

  // Escalate
  await page.getByRole('button', { name: 'Escalate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Escalate this session' });
  await expect(dialog).toBeVisible();
  await dialog
    .getByLabel('Why are you stuck?')
    .fill(`Logs point at DPD but I cannot see the firewall side ${tag}`);
  await dialog.getByText('High', { exact: true }).click();
  await dialog.getByLabel('Send to (optional)').selectOption('tier:2');
  await dialog.getByRole('button', { name: 'Escalate' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/Escalated by .*, waiting in the queue/)).toBeVisible();
  // A second escalation is not offered while this one is open, and the page says why.
  await expect(page.getByRole('button', { name: 'Escalate' })).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByText('This session already has an open escalation.')).toBeVisible();

  // The junior sees their own card without a Pick Up button.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Queue/ })
    .click();
  const ownCard = page.getByTestId('queue-card').filter({ hasText: title });
  await expect(ownCard).toBeVisible();
  await expect(ownCard.getByText('You escalated this')).toBeVisible();
  await expect(ownCard.getByRole('button', { name: 'Pick Up' })).toHaveCount(0);

  // The senior, in their own browser, sees the card and picks it up.
  const senior = await personPage('senior');
  await senior.goto('/queue');
  const card = senior.getByTestId('queue-card').filter({ hasText: title });
  await expect(card).toBeVisible();
  await expect(card.getByText('High urgency')).toBeVisible();
  await expect(card.getByText(/Logs point at DPD/)).toBeVisible();
  await expect(card.getByTestId('waiting-timer')).toHaveText(/^waiting \d+s$|^waiting \d+m$/);
  await card.getByRole('button', { name: 'Pick Up' }).click();

  await expect(senior).toHaveURL(/\/handoffs\/[^/]+$/);
  for (const section of ['Problem summary', "What's been tried", 'AI assessment', 'Start here']) {
    await expect(senior.getByRole('heading', { level: 2, name: new RegExp(`^${section}`) })).toBeVisible();
  }
  await expect(
    senior.getByText('Checked VPN client logs for disconnect reason', { exact: true }),
  ).toBeVisible();
  const startHereAction = (await senior.locator('.start-here-action').textContent())?.trim() ?? '';
  expect(startHereAction.length).toBeGreaterThan(0);

  // Start here dissolves into the session with the action ready to log.
  await senior.getByRole('button', { name: 'Start here' }).click();
  await expect(senior).toHaveURL(sessionUrl);
  await expect(senior.getByLabel('What did you do?')).toHaveValue(startHereAction);
  await expect(senior.getByText(/Escalated, picked up by/)).toBeVisible();

  // The junior's queue now shows it as picked up (the queue refreshes by itself).
  await expect(page.getByTestId('claimed-card').filter({ hasText: title })).toBeVisible({ timeout: 12_000 });
});

test('a viewer sees the queue without Pick Up and a session read-only', async ({
  page,
  signIn,
  personPage,
}) => {
  const tag = uniq();
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Printer offline ${tag}`,
    problem: 'Floor 2 HP printer shows offline for all users.',
  });
  await api.logStep(s.id, { action: 'Pinged printer IP', outcome: 'failed' });
  await api.escalate(s.id, { reason: `No response on the network ${tag}`, urgency: 'normal' });

  await signIn('viewer');
  await page.goto('/queue');
  const card = page.getByTestId('queue-card').filter({ hasText: s.title });
  await expect(card).toBeVisible();
  await expect(card.getByRole('button', { name: 'Pick Up' })).toHaveCount(0);
  // Viewers do not get escalation metrics (the API answers 403); the card is hidden, not broken.
  await expect(page.getByTestId('ttfa-median')).toHaveCount(0);

  await page.goto(`/sessions/${s.id}`);
  await expect(page.getByText('You have read-only access to this session.')).toBeVisible();
  await expect(page.getByLabel('What did you do?')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Escalate' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Ask the assistant about this step' })).toHaveCount(0);
});

test('when two seniors race for a card, the loser lands on the handoff and is told who picked it up', async ({
  signIn,
  page,
  personPage,
}) => {
  const tag = uniq();
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Mailbox full ${tag}`,
    problem: 'Shared mailbox rejects mail: quota exceeded.',
  });
  await api.escalate(s.id, { reason: `Archive policy not applying ${tag}`, urgency: 'low' });

  // The owner opens the queue first; their page then goes stale (we hold the queue's answer, and
  // its live stream, which would otherwise move the card at once) while the senior takes the card
  // in another browser.
  await signIn('owner');
  const isStream = (url: URL) => url.pathname === '/api/events';
  await page.route(isStream, (route) => route.abort());
  await page.goto('/queue');
  const card = page.getByTestId('queue-card').filter({ hasText: s.title });
  await expect(card).toBeVisible();
  const stale = await (await page.request.get('/api/handoffs?status=open,claimed')).json();
  const isQueue = (url: URL) => url.pathname === '/api/handoffs';
  await page.route(isQueue, (route) => route.fulfill({ json: stale }));

  const senior = await personPage('senior');
  const handoffId = await card.getAttribute('data-handoff-id');
  const res = await senior.request.post(`/api/handoffs/${handoffId}/claim`);
  expect(res.status()).toBe(200);

  // Pick Up opens the handoff at once (its context was read while the card was on screen) and the
  // claim's answer says who was faster (decision 022); nothing offers to start working on it.
  await card.getByRole('button', { name: 'Pick Up' }).click();
  await expect(page).toHaveURL(new RegExp(`/handoffs/${handoffId}$`));
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(/^Sam .* picked this up$/);
  await expect(page.getByText(/^Sam .* is working on this\.$/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start here' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Pick Up' })).toHaveCount(0);

  // Once the page is connected again it refetches, and the queue shows who has it.
  await page.unroute(isQueue);
  await page.unroute(isStream);
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Queue' }).click();
  const claimed = page.getByTestId('claimed-card').filter({ hasText: s.title });
  await expect(claimed).toBeVisible({ timeout: 12_000 });
  await expect(claimed.getByText(/Picked up by Sam/)).toBeVisible();
});

test('a queue card reads its handoff while on screen: Pick Up paints it at once while the claim is on its way; a reload does not claim again', async ({
  page,
  signIn,
  personPage,
}) => {
  const tag = uniq();
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Prefetched handoff ${tag}`,
    problem: 'OneDrive stops syncing on LT-0933 every morning.',
  });
  await api.logStep(s.id, { action: 'Reset the OneDrive client', outcome: 'failed' });
  const h = await api.escalate(s.id, { reason: `Reset did nothing ${tag}`, urgency: 'normal' });

  await signIn('senior');
  const read = page.waitForResponse(
    (r) => new URL(r.url()).pathname === `/api/handoffs/${h.id}` && r.request().method() === 'GET',
  );
  await page.goto('/queue');
  const card = page.getByTestId('queue-card').filter({ hasText: s.title });
  await expect(card).toBeVisible();
  // Oldest first: after the rest of the suite the new card may sit below the fold. A card reads its
  // handoff when it comes on screen, as the senior scrolls to it.
  await card.scrollIntoViewIfNeeded();
  expect((await read).status()).toBe(200); // the card read it before anyone clicked

  // From now on the network is slow for this handoff: reads never answer, the claim takes 1.5 s.
  const isRead = (url: URL) => url.pathname === `/api/handoffs/${h.id}`;
  await page.route(isRead, () => {}); // held: the screen must not need it
  let releaseClaim = () => {};
  const claimHeld = new Promise<void>((r) => {
    releaseClaim = r;
  });
  await page.route(
    (url) => url.pathname === `/api/handoffs/${h.id}/claim`,
    async (route) => {
      await claimHeld;
      await route.continue();
    },
  );
  const claims: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/claim')) claims.push(r.url());
  });

  await card.getByRole('button', { name: 'Pick Up' }).click();
  await expect(page).toHaveURL(new RegExp(`/handoffs/${h.id}$`));
  for (const section of ['Problem summary', "What's been tried", 'Start here', 'AI assessment']) {
    await expect(page.getByRole('heading', { level: 2, name: new RegExp(`^${section}`) })).toBeVisible();
  }
  await expect(page.getByText('Reset the OneDrive client', { exact: true })).toBeVisible();
  // The claim has not answered: nothing offers to start yet, and the screen says what is going on.
  await expect(page.getByRole('button', { name: 'Picking up…' })).toBeDisabled();
  await expect(page.getByText('Picking this up…')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start here' })).toHaveCount(0);
  expect(claims).toHaveLength(1);

  await page.unroute(isRead);
  releaseClaim();
  await expect(page.getByRole('button', { name: 'Start here' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // The pick-up was used up: a reload shows the claimed handoff and sends no second claim.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Start here' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(claims).toHaveLength(1);
});
