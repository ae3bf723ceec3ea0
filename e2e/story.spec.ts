import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from '@playwright/test';
import { apiFor, expect, type Person, signInOn, test, uniq } from './fixtures';

/*
 * The demo story, end to end, in four browsers signed in through the sign-in page (issue 14):
 * junior, senior, viewer and owner on the freshly started, demo-seeded server. Then the three
 * timings users feel, measured inside the browsers (decision 022), over ten rounds.
 *
 * Other specs share the server and its database: every title carries uniq(), and nothing here
 * assumes an empty queue.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
// `SCREENSHOT_DIR=docs/screenshots` writes the story's four pictures for the README.
const shots = process.env.SCREENSHOT_DIR
  ? path.resolve(here, '..', process.env.SCREENSHOT_DIR)
  : path.join(here, 'test-results/screenshots');
const VIEWPORT = { width: 1440, height: 900 };
const ROUNDS = 10;

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function openAs(browser: Browser, who: Person): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await signInOn(page, who); // the real sign-in page
  return page;
}

const mainNav = (page: Page, name: string | RegExp) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

/** Pretends the tab went to the background (or came back), as the browser says it: the two
 *  properties the app reads, and the event it listens for. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (h ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** The handoff on screen's "Start here" action as the server wrote it (the screen renders its markup). */
async function startHereOf(page: Page): Promise<string> {
  const id = new URL(page.url()).pathname.split('/').pop();
  const res = await page.request.get(`/api/handoffs/${id}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { handoff: { context: { startHere: { action: string } } } }).handoff.context
    .startHere.action;
}

// ---------- In-page timing (the browser's own clocks, not Playwright round trips) ----------

type Until = { kind: 'card'; title: string } | { kind: 'sections' } | { kind: 'prefilled'; value: string };
type Marks = { __rfMarks?: Record<string, number> };

/**
 * The click's own time: a one-shot capture listener on the element records the event's
 * timeStamp, on the epoch clock (performance.timeOrigin + timeStamp), so marks taken in two
 * browser contexts of the one browser compare.
 */
async function markClick(target: Locator, key: string) {
  await target.evaluate((el, k) => {
    el.addEventListener(
      'click',
      (e) => {
        const w = window as Marks;
        w.__rfMarks ??= {};
        w.__rfMarks[k] = performance.timeOrigin + e.timeStamp;
        // When the page got round to handling it (a busy main thread delays this).
        w.__rfMarks[`${k}:handler`] = performance.timeOrigin + performance.now();
      },
      { once: true, capture: true },
    );
  }, key);
}

/**
 * Polls the page on every animation frame until the condition holds, then records the time of the
 * next frame (by then the frame that drew it has been painted), on the epoch clock. Gives up after
 * 20 s (recorded as -1).
 */
async function markWhen(page: Page, key: string, until: Until) {
  await page.evaluate(
    ({ k, u }) => {
      const w = window as Marks;
      w.__rfMarks ??= {};
      delete w.__rfMarks[k];
      const shown = (el: Element | null | undefined) => {
        if (!el) return false;
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
      };
      const holds = () => {
        if (u.kind === 'card') {
          return [...document.querySelectorAll('[data-testid="queue-card"]')].some(
            (c) => c.textContent?.includes(u.title) && shown(c),
          );
        }
        if (u.kind === 'sections') {
          return ['sec-summary', 'sec-tried', 'sec-start', 'sec-ai'].every((id) =>
            shown(document.getElementById(id)),
          );
        }
        const el = document.activeElement;
        return (
          (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) &&
          [...(el.labels ?? [])].some((l) => l.textContent?.includes('What did you do?')) &&
          el.value === u.value
        );
      };
      // Also when the DOM first holds it (before any frame is drawn), for the breakdown.
      const marks = w.__rfMarks;
      delete marks[`${k}:dom`];
      const obs = new MutationObserver(() => {
        if (holds()) {
          marks[`${k}:dom`] = performance.timeOrigin + performance.now();
          obs.disconnect();
        }
      });
      if (u.kind !== 'prefilled') obs.observe(document.body, { childList: true, subtree: true });
      const deadline = performance.now() + 20_000;
      const tick = () => {
        if (holds()) {
          obs.disconnect();
          marks[`${k}:dom`] ??= performance.timeOrigin + performance.now();
          requestAnimationFrame(() => {
            marks[k] = performance.timeOrigin + performance.now();
          });
        } else if (performance.now() > deadline) {
          obs.disconnect();
          marks[k] = -1;
        } else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    { k: key, u: until },
  );
}

async function mark(page: Page, key: string): Promise<number> {
  const read = () => page.evaluate((k) => (window as Marks).__rfMarks?.[k] ?? null, key);
  await expect.poll(read, { timeout: 20_000, message: `in-page mark ${key}` }).not.toBeNull();
  const v = (await read()) as number;
  expect(v, `${key} was not reached within 20 s`).toBeGreaterThan(0);
  return v;
}

/** The page's fetches (Resource Timing), on the epoch clock; the buffer is emptied for the next round. */
async function fetchesOf(page: Page) {
  return page.evaluate(() => {
    const list = performance
      .getEntriesByType('resource')
      .filter((e): e is PerformanceResourceTiming => e instanceof PerformanceResourceTiming)
      .filter((e) => e.initiatorType === 'fetch')
      .map((e) => ({
        path: new URL(e.name).pathname + new URL(e.name).search,
        start: performance.timeOrigin + e.startTime,
        end: performance.timeOrigin + e.responseEnd,
      }));
    performance.clearResourceTimings();
    return list;
  });
}
type Fetch = Awaited<ReturnType<typeof fetchesOf>>[number];
const between = (fs: Fetch[], from: number, to: number, path: RegExp) =>
  fs.filter((f) => f.start >= from && f.start <= to && path.test(f.path));

const TIMINGS = {
  arrival: { label: "Escalate click → card visible in the senior's browser", target: 250 },
  pickUp: { label: 'Pick Up click → four sections painted', target: 100 },
  startHere: { label: 'Start here click → pre-filled step focused', target: null },
} as const;
type Timing = keyof typeof TIMINGS;

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function table(samples: Record<Timing, number[]>) {
  const rows = (Object.keys(TIMINGS) as Timing[]).map((k) => {
    const xs = samples[k];
    const t = TIMINGS[k].target;
    return `| ${TIMINGS[k].label} | ${xs.map((x) => x.toFixed(0)).join(', ')} | ${median(xs).toFixed(0)} ms | ${Math.max(...xs).toFixed(0)} ms | ${t ? `< ${t} ms` : '—'} |`;
  });
  return [
    `| timing (${samples.arrival.length} rounds, ms) | each round | median | max | target |`,
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures argument as a pattern
test.afterEach(async ({}, info) => {
  if (info.status !== info.expectedStatus) {
    console.log(
      `story: failed; the Playwright trace and a screenshot of the failing step are in ${info.outputDir}` +
        ` (open the trace with: npx playwright show-trace ${path.join(info.outputDir, 'trace.zip')})`,
    );
  }
});

test('the demo story: junior escalates, senior picks up, viewer watches, owner measures; and its timings', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  // Unique names, so the shared database's other data never matches; the README's pictures (taken
  // on a fresh server, once) go without the suffix.
  const tag = process.env.SCREENSHOT_DIR && test.info().repeatEachIndex === 0 ? '' : uniq();
  const sfx = tag ? ` ${tag}` : '';
  const title = `Outlook keeps asking for a password after the MFA rollout${sfx}`;
  const reason = `Credentials are clean and MFA works in the browser; the prompt still comes back${sfx}`;
  const roundTag = uniq();

  const [junior, senior, viewer, owner] = await test.step('four people sign in on the sign-in page', () =>
    Promise.all([
      openAs(browser, 'junior'),
      openAs(browser, 'senior'),
      openAs(browser, 'viewer'),
      openAs(browser, 'owner'),
    ]));

  // ---------- 1. The junior works the problem and escalates ----------
  let sessionUrl = '';
  await test.step('junior starts a session and reads the suggestions', async () => {
    await junior.getByRole('link', { name: 'New session' }).click();
    await junior.getByLabel('Title').fill(title);
    await junior
      .getByLabel('Problem')
      .fill(
        'Since MFA was turned on for Contoso Dental, Outlook on RECEPTION-02 asks for the password every hour. Outlook on the web works.',
      );
    await junior.getByLabel('Customer or site').fill('Contoso Dental');
    await junior.getByLabel('Asset').fill('RECEPTION-02');
    await junior.getByRole('button', { name: 'Start session' }).click();
    await expect(junior).toHaveURL(/\/sessions\/[^/]+$/);
    await expect(junior.getByRole('heading', { level: 1, name: title })).toBeVisible();
    sessionUrl = junior.url();
    await expect(junior.getByRole('heading', { name: 'Suggested next steps' })).toBeVisible();
    await expect(junior.getByRole('button', { name: /^I did this: / }).first()).toBeVisible();
  });

  await test.step('junior logs two steps with outcomes', async () => {
    // The first from a suggestion: it fills the step form, the outcome button logs it.
    const suggestion = junior.getByRole('button', { name: /^I did this: / }).first();
    const suggested = ((await suggestion.getAttribute('aria-label')) ?? '').replace(/^I did this: /, '');
    await suggestion.click();
    await expect(junior.getByLabel('What did you do?')).toBeFocused();
    await junior
      .getByLabel('What did it show? (optional)')
      .fill('No change: the prompt came back within the hour');
    await junior.getByRole('button', { name: 'Failed', exact: true }).click();
    const first = junior
      .getByTestId('timeline-entry')
      .filter({ hasText: 'No change: the prompt came back within the hour' });
    await expect(first).toBeVisible();
    await expect(first.getByText('Failed', { exact: true })).toBeVisible();
    expect(suggested.length).toBeGreaterThan(0);

    await junior.getByLabel('What did you do?').fill('Removed the Outlook entries from Credential Manager');
    await junior
      .getByLabel('What did it show? (optional)')
      .fill('Signed in once with MFA; quiet for 50 minutes, then the prompt again');
    await junior.getByRole('button', { name: 'Partial', exact: true }).click();
    const second = junior.getByTestId('timeline-entry').filter({ hasText: 'Removed the Outlook entries' });
    await expect(second).toBeVisible();
    await expect(second.getByText('Partial', { exact: true })).toBeVisible();
  });

  await test.step('junior asks the assistant in the chat and gets an answer', async () => {
    const answersBefore = await junior.locator('.chat-msg.chat-assistant').count();
    await junior
      .getByTestId('assistant-composer')
      .fill('The password prompt comes back every hour even after clearing the credentials. What next?');
    await junior.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(junior.locator('.chat-msg.chat-user').last()).toContainText('comes back every hour');
    const answer = junior.locator('.chat-msg.chat-assistant .chat-bubble:not(.chat-thinking)');
    await expect(answer).toHaveCount(answersBefore + 1, { timeout: 15_000 });
    expect(((await answer.last().textContent()) ?? '').trim().length).toBeGreaterThan(20);
  });

  // The senior is already on the queue, live, with the tab in the background.
  let ttfaBefore = 0;
  await test.step('senior waits on the queue, the tab in the background', async () => {
    await mainNav(senior, /^Queue/).click();
    await expect(senior.getByRole('heading', { name: 'Escalation queue' })).toBeVisible();
    await expect(senior.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
    await expect(senior.getByTestId('ttfa-n')).toBeVisible();
    ttfaBefore = Number(await senior.getByTestId('ttfa-n').textContent());
    await setHidden(senior, true);
    // The viewer watches the queue too.
    await mainNav(viewer, /^Queue/).click();
    await expect(viewer.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
  });

  let storyArrival = 0;
  await test.step('junior escalates to tier 2 with a reason', async () => {
    await junior.getByRole('button', { name: 'Escalate' }).click();
    const dialog = junior.getByRole('dialog', { name: 'Escalate this session' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Why are you stuck?').fill(reason);
    await dialog.getByText('High', { exact: true }).click();
    await dialog.getByLabel('Send to (optional)').selectOption('tier:2');
    const send = dialog.getByRole('button', { name: 'Escalate' });
    await markWhen(senior, 'story-arrived', { kind: 'card', title });
    await markClick(send, 'story-escalate');
    await send.click();
    await expect(dialog).toBeHidden();
    await expect(junior.getByText(/Escalated by .*, waiting in the queue/)).toBeVisible();
    storyArrival = (await mark(senior, 'story-arrived')) - (await mark(junior, 'story-escalate'));
  });

  // ---------- 2. The senior's queue ----------
  const card = senior.getByTestId('queue-card').filter({ hasText: title });
  await test.step('the card slides into the senior’s queue without a reload; the hidden tab’s title flashes', async () => {
    await expect(card).toBeVisible();
    await expect(card).toHaveClass(/is-new/);
    await expect(card.getByText('High urgency')).toBeVisible();
    await expect(card.getByText(reason)).toBeVisible();
    await expect(card).toContainText('For Tier 2+');
    await expect.poll(() => senior.title()).toMatch(/^\(1\) New escalation — ResolutionFlow$/);
    // It alternates with the page's own title while nobody looks.
    await expect.poll(() => senior.title(), { timeout: 3_000 }).toMatch(/^Queue/);
    await expect.poll(() => senior.title(), { timeout: 3_000 }).toMatch(/^\(1\) New escalation/);
    await setHidden(senior, false);
    await expect.poll(() => senior.title()).toMatch(/^Queue/);
    await senior.waitForTimeout(1_200);
    expect(await senior.title()).toMatch(/^Queue/);
    await shot(senior, 'story-queue-1440');
  });

  await test.step('the senior, on the page, was told in the app and not also by e-mail', async () => {
    // PRODUCT.md: teammates who are not on the page get an email; Sam had the queue open.
    const open = await owner.request.get('/api/handoffs?status=open');
    const listed = (await open.json()).handoffs as { id: string; session: { title: string } }[];
    const id = listed.find((x) => x.session.title === title)?.id;
    expect(id).toBeTruthy();
    await owner.goto(`/handoffs/${id}`);
    const panel = owner.locator('section', { has: owner.getByRole('heading', { name: 'Notifications' }) });
    const samMail = panel.locator('.delivery-row', { hasText: 'Sam' }).filter({ hasText: 'E-mail' });
    await expect(samMail).toContainText('Skipped');
    await expect(samMail).toContainText('Had ResolutionFlow open: told in the app, not by e-mail');
  });

  // ---------- 3. The viewer ----------
  await test.step('the viewer sees the card without Pick Up', async () => {
    const seen = viewer.getByTestId('queue-card').filter({ hasText: title });
    await expect(seen).toBeVisible();
    await expect(seen.getByRole('link', { name: 'View' })).toBeVisible();
    await expect(seen.getByRole('button', { name: 'Pick Up' })).toHaveCount(0);
  });

  // ---------- 4. The senior picks up ----------
  let startHereAction = '';
  await test.step('the senior picks up: the four sections show', async () => {
    await card.getByRole('button', { name: 'Pick Up' }).click();
    await expect(senior).toHaveURL(/\/handoffs\/[^/]+$/);
    for (const section of ['Problem summary', "What's been tried", 'Start here', 'AI assessment']) {
      await expect(senior.getByRole('heading', { level: 2, name: new RegExp(`^${section}`) })).toBeVisible();
    }
    await expect(senior.getByTestId('tried-list')).toContainText('Removed the Outlook entries');
    await expect(senior.getByTestId('tried-list')).toContainText(
      'No change: the prompt came back within the hour',
    );
    await expect(senior.getByRole('button', { name: 'Start here' })).toBeVisible();
    startHereAction = await startHereOf(senior);
    expect(startHereAction.length).toBeGreaterThan(0);
    await shot(senior, 'story-handoff-1440');
  });

  await test.step('Start here lands in the session with the step pre-filled and focused; the senior logs it', async () => {
    await senior.getByRole('button', { name: 'Start here' }).click();
    await expect(senior).toHaveURL(sessionUrl);
    const action = senior.getByLabel('What did you do?');
    await expect(action).toHaveValue(startHereAction);
    await expect(action).toBeFocused();
    await expect(senior.getByText(/Start here.* from the handoff/)).toBeVisible();
    await senior.waitForTimeout(400); // the cross-fade
    await shot(senior, 'story-session-1440');
    await senior
      .getByLabel('What did it show? (optional)')
      .fill(`Found the cause; checking with the user${sfx}`);
    await senior.getByRole('button', { name: 'Worked', exact: true }).click();
    const entry = senior
      .getByTestId('timeline-entry')
      .filter({ hasText: `Found the cause; checking with the user${sfx}` });
    await expect(entry).toBeVisible();
    await expect(entry).toContainText('Sam');
  });

  // ---------- 5. Everyone else sees it ----------
  await test.step('the junior’s open session shows "picked up", live', async () => {
    expect(junior.url()).toBe(sessionUrl); // never reloaded since escalating
    await expect(junior.getByTestId('session-live-note')).toHaveText(/Sam Rivera picked this up/);
    await expect(junior.getByText('Escalated, picked up by Sam Rivera.')).toBeVisible();
    await expect(
      junior
        .getByTestId('timeline-entry')
        .filter({ hasText: `Found the cause; checking with the user${sfx}` }),
    ).toBeVisible();
  });

  await test.step('the queue’s metric card counts its time to first action', async () => {
    await mainNav(senior, /^Queue/).click();
    await expect(senior.getByTestId('ttfa-n')).toHaveText(String(ttfaBefore + 1));
    await expect(senior.getByTestId('claimed-card').filter({ hasText: title })).toContainText(
      'Working on it',
    );
  });

  await test.step('the owner’s analytics page and its table include it, with its time to first action', async () => {
    await mainNav(owner, 'Analytics').click();
    await owner.getByRole('button', { name: '7d' }).click();
    await expect(owner.getByRole('heading', { name: 'Escalation analytics' })).toBeVisible();
    const row = owner.getByTestId('escalation-row').filter({ hasText: title });
    await expect(row).toBeVisible();
    await expect(row).toContainText('Contoso Dental');
    await expect(row).toContainText('High');
    await expect(row).toContainText('Jamie');
    await expect(row).toContainText('Sam Rivera');
    const ttfa = row.locator('td[data-label="Time to first action"]');
    await expect(ttfa).toHaveText(/^\d+s$|^\d+m( \d+s)?$/);
    await owner.waitForTimeout(500); // the chart's entrance
    await shot(owner, 'story-analytics-1440');
  });

  await test.step('the owner records a baseline with the stopwatch', async () => {
    await owner
      .getByRole('navigation', { name: 'Analytics' })
      .getByRole('link', { name: 'Stopwatch' })
      .click();
    await expect(owner).toHaveURL(/\/analytics\/stopwatch$/);
    const summary = owner.getByTestId('baseline-summary');
    await expect(summary).toBeVisible();
    const before = Number((await summary.textContent())?.match(/^(\d+) recorded/)?.[1]);
    await owner.keyboard.press('Space');
    await expect(owner.getByRole('button', { name: 'Stop' })).toBeVisible();
    await owner.waitForTimeout(1_100);
    await owner.keyboard.press('Space');
    await expect(owner.getByRole('button', { name: 'Resume' })).toBeVisible();
    const select = owner.getByLabel('Escalation (optional)');
    const option = select.locator('option').filter({ hasText: title });
    await select.selectOption((await option.getAttribute('value')) ?? '');
    await owner.getByLabel('Note (optional)').fill(`Sam rang Jamie first${sfx}`);
    await owner.getByRole('button', { name: 'Save as baseline' }).click();
    await expect(owner.getByRole('status').filter({ hasText: /^Saved .* as a baseline\.$/ })).toBeVisible();
    await expect(summary).toContainText(`${before + 1} recorded`);
    const baseline = owner.locator('.baseline-row').filter({ hasText: `Sam rang Jamie first${sfx}` });
    await expect(baseline.getByRole('link', { name: 'the escalation' })).toBeVisible();
  });

  // ---------- The three timings, ten rounds ----------
  const samples: Record<Timing, number[]> = { arrival: [], pickUp: [], startHere: [] };
  // Where the time goes (from the browsers' Resource Timing), per round.
  const parts: Record<string, number[]> = {
    'escalate request answered (junior)': [],
    'queue refetch starts (senior: the live event is in)': [],
    'queue refetch answered (senior)': [],
    'card in the DOM (senior)': [],
    'Pick Up click handled (input delay)': [],
    'four sections in the DOM (Pick Up)': [],
    'requests started by Pick Up and answered before the paint': [],
    'requests started by Start here and answered before the focus': [],
  };
  const japi = apiFor(junior);
  // The handoffs the senior's browser has read (the cards' prefetch among them).
  const readByCard = new Set<string>();
  senior.on('response', (r) => {
    const m = new URL(r.url()).pathname.match(/^\/api\/handoffs\/([^/]+)$/);
    if (m?.[1] && r.request().method() === 'GET' && r.ok()) readByCard.add(m[1]);
  });
  for (let round = 1; round <= ROUNDS; round++) {
    await test.step(`timing round ${round} of ${ROUNDS}`, async () => {
      const t = `Timing round ${round} ${roundTag}: printer queue stuck`;
      const s = await japi.createSession({
        title: t,
        problem: 'Jobs sit in the print queue of PRN-F2-HP and never print.',
        customer: 'Fabrikam Legal',
        asset: 'PRN-F2-HP',
      });
      await japi.logStep(s.id, { action: 'Restarted the Print Spooler service', outcome: 'failed' });
      await junior.goto(`/sessions/${s.id}`);
      await junior.getByRole('button', { name: 'Escalate' }).click();
      const dialog = junior.getByRole('dialog', { name: 'Escalate this session' });
      await dialog.getByLabel('Why are you stuck?').fill(`Spooler restarts do nothing (round ${round})`);
      await dialog.getByLabel('Send to (optional)').selectOption('tier:2');
      await expect(senior.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
      await fetchesOf(junior);
      await fetchesOf(senior);

      // Escalate click (junior's browser) → the card on the senior's screen.
      const send = dialog.getByRole('button', { name: 'Escalate' });
      await markWhen(senior, 'arrived', { kind: 'card', title: t });
      const escalated = junior.waitForResponse(
        (r) => r.url().endsWith(`/api/sessions/${s.id}/handoffs`) && r.request().method() === 'POST',
      );
      await markClick(send, 'escalate');
      await send.click();
      const [clicked, arrived] = [await mark(junior, 'escalate'), await mark(senior, 'arrived')];
      samples.arrival.push(arrived - clicked);
      const post = between(await fetchesOf(junior), clicked, arrived, /\/handoffs$/)[0];
      const refetch = between(await fetchesOf(senior), clicked, arrived, /^\/api\/handoffs\?/)[0];
      if (post) parts['escalate request answered (junior)']?.push(post.end - clicked);
      parts['card in the DOM (senior)']?.push((await mark(senior, 'arrived:dom')) - clicked);
      if (refetch) {
        parts['queue refetch starts (senior: the live event is in)']?.push(refetch.start - clicked);
        parts['queue refetch answered (senior)']?.push(refetch.end - clicked);
      }
      const handoffId = ((await (await escalated).json()) as { handoff: { id: string } }).handoff.id;

      // Pick Up click → the four sections painted. The senior reads the card first: the card's
      // prefetch of the handoff has answered by then (a person reads for longer than that).
      const c = senior.getByTestId('queue-card').filter({ hasText: t });
      // Oldest first: with other specs' escalations open, the new card may sit below the fold; the
      // senior scrolls to it, and it reads its handoff when it comes on screen.
      await c.scrollIntoViewIfNeeded();
      await expect.poll(() => readByCard.has(handoffId), { message: 'the card read its handoff' }).toBe(true);
      const pickUp = c.getByRole('button', { name: 'Pick Up' });
      await markWhen(senior, 'sections', { kind: 'sections' });
      await markClick(pickUp, 'pickup');
      await pickUp.click();
      const [picked, painted] = [await mark(senior, 'pickup'), await mark(senior, 'sections')];
      samples.pickUp.push(painted - picked);
      // A request that answered before the paint and that the paint may have waited for.
      const awaited = (fs: Fetch[], from: number, to: number) =>
        fs.filter((f) => f.start >= from && f.end <= to && !f.path.startsWith('/api/events')).length;
      parts['Pick Up click handled (input delay)']?.push((await mark(senior, 'pickup:handler')) - picked);
      parts['four sections in the DOM (Pick Up)']?.push((await mark(senior, 'sections:dom')) - picked);
      parts['requests started by Pick Up and answered before the paint']?.push(
        awaited(await fetchesOf(senior), picked, painted),
      );
      await expect(senior.getByRole('heading', { level: 1, name: t })).toBeVisible();

      // Start here click → the session, its step form pre-filled and focused.
      const start = senior.getByRole('button', { name: 'Start here' });
      await expect(start).toBeVisible(); // the claim has answered
      const action = await startHereOf(senior);
      await markWhen(senior, 'prefilled', { kind: 'prefilled', value: action });
      await markClick(start, 'start');
      await start.click();
      const [started, focused] = [await mark(senior, 'start'), await mark(senior, 'prefilled')];
      samples.startHere.push(focused - started);
      parts['requests started by Start here and answered before the focus']?.push(
        awaited(await fetchesOf(senior), started, focused),
      );
      await expect(senior.getByLabel('What did you do?')).toHaveValue(action);

      // The senior logs it, resolves it (keeps the queue short across repeated runs) and goes back.
      await senior.getByLabel('What did it show? (optional)').fill(`Spooler folder held 40 jobs (${t})`);
      await senior.getByRole('button', { name: 'Info', exact: true }).click();
      await expect(senior.getByTestId('timeline-entry').filter({ hasText: `(${t})` })).toBeVisible();
      const done = await senior.request.post(`/api/sessions/${s.id}/resolve`, {
        data: { resolution: 'Cleared the stuck job and the spooler folder.' },
      });
      expect(done.status(), await done.text()).toBe(200);
      await mainNav(senior, /^Queue/).click();
      await expect(senior.getByRole('heading', { name: 'Escalation queue' })).toBeVisible();
    });
  }

  const printed = `${table(samples)}\n\nwhere the time goes (each round, ms after the click):\n${Object.entries(
    parts,
  )
    .map(([k, xs]) => `  ${k}: ${xs.map((x) => x.toFixed(0)).join(', ')} (median ${median(xs).toFixed(0)})`)
    .join('\n')}`;
  console.log(
    `\nstory timings, measured in the browsers (performance.timeOrigin + event.timeStamp → requestAnimationFrame), story round: escalate → card ${storyArrival.toFixed(0)} ms\n${printed}\n`,
  );
  test.info().annotations.push({ type: 'timings', description: printed });
  for (const k of Object.keys(samples) as Timing[]) {
    expect(samples[k]).toHaveLength(ROUNDS);
    for (const x of samples[k]) expect(x).toBeGreaterThan(0);
  }
});
