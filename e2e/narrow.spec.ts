import path from 'node:path';
import type { Page } from '@playwright/test';
import { apiFor, expect, test, uniq } from './fixtures';

const PHONE = { width: 360, height: 780 };

/** Long unbroken strings as technicians paste them: paths, URLs, commands, ids. */
const LONG = {
  path: '%LOCALAPPDATA%\\Microsoft\\Outlook\\RoamCache\\Stream_Autocomplete_0_8F2A1C3E5B7D9F0A1B2C3D4E5F6A7B8C.dat',
  url: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=d3590ed6-52b3-4102-aeff-aad2292ab01c&response_type=code&redirect_uri=urn:ietf:wg:oauth:2.0:oob',
  command:
    'Get-ChildItem-Path"HKCU:\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676"-Recurse|Select-Object-ExpandPropertyName',
  word: 'Supercalifragilisticexpialidocious'.repeat(4),
};

async function expectNoHorizontalScroll(page: Page, where: string) {
  // Let late content (suggestions, chat, assessment) land before measuring.
  await page.waitForLoadState('networkidle');
  // Kept with the test results, to look at what a phone shows.
  await page.screenshot({
    path: path.join(test.info().outputDir, `${where.replace(/[^a-z0-9]+/gi, '-')}.png`),
    fullPage: true,
  });
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    widest: [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${Math.round(el.getBoundingClientRect().right)}px`,
      ),
  }));
  expect(widths.scroll, `${where} is wider than the phone: ${widths.widest.join('; ')}`).toBeLessThanOrEqual(
    widths.client,
  );
}

test('no page of the flow scrolls sideways at 360 px, with long unbroken strings in the data', async ({
  personPage,
}) => {
  test.setTimeout(90_000);
  const junior = await personPage('junior', PHONE);
  const api = apiFor(junior);
  const tag = uniq();
  const s = await api.createSession({
    title: `Outlook ${LONG.path} ${tag}`,
    problem: `Profile breaks after ${LONG.url} sign-in; ${LONG.command}`,
    customer: `Contoso${LONG.word}`.slice(0, 200),
    asset: `LT-${LONG.word}`.slice(0, 200),
  });
  await api.logStep(s.id, {
    action: `Deleted ${LONG.path}`.slice(0, 500),
    outcome: 'failed',
    detail: LONG.command,
  });
  await api.logStep(s.id, { action: LONG.command.slice(0, 500), outcome: 'partial', detail: LONG.url });
  await api.addNote(s.id, `User pasted ${LONG.url}`);
  await api.ask(s.id, `What does ${LONG.path} hold?`);

  for (const path of ['/sessions', `/sessions/${s.id}`, '/sessions/new', '/queue']) {
    await junior.goto(path);
    await expectNoHorizontalScroll(junior, `junior ${path}`);
  }
  // The escalate dialog with a long reason typed in.
  await junior.goto(`/sessions/${s.id}`);
  await junior.getByRole('button', { name: 'Escalate' }).click();
  await junior.getByLabel('Why are you stuck?').fill(`Stuck on ${LONG.path}`);
  await expectNoHorizontalScroll(junior, 'the escalate dialog');
  await junior.keyboard.press('Escape');

  const h = await api.escalate(s.id, { reason: `Cannot delete ${LONG.path}`.slice(0, 500), urgency: 'high' });
  await junior.goto('/queue');
  await expectNoHorizontalScroll(junior, 'junior queue with the card');

  const senior = await personPage('senior', PHONE);
  await senior.goto('/queue');
  await expect(senior.getByTestId('queue-card').filter({ hasText: tag })).toBeVisible();
  await expectNoHorizontalScroll(senior, 'senior queue');
  await senior
    .getByTestId('queue-card')
    .filter({ hasText: tag })
    .getByRole('button', { name: 'Pick Up' })
    .click();
  await expect(senior).toHaveURL(new RegExp(`/handoffs/${h.id}$`));
  await expect(senior.getByRole('button', { name: 'Start here' })).toBeVisible();
  await expectNoHorizontalScroll(senior, 'the handoff');
  // The Start here button is fully on screen, not cut off.
  const box = await senior.getByRole('button', { name: 'Start here' }).boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
  await senior.getByRole('button', { name: 'Start here' }).click();
  await expect(senior).toHaveURL(new RegExp(`/sessions/${s.id}$`));
  await expectNoHorizontalScroll(senior, 'the session after Start here');

  const owner = await personPage('owner', PHONE);
  for (const path of ['/settings', '/queue']) {
    await owner.goto(path);
    await expectNoHorizontalScroll(owner, `owner ${path}`);
  }
});
