import { expect, PEOPLE, test } from './fixtures';

test('the sign-in page offers the demo sign-ins the server lists, and they match the seed', async ({
  page,
}) => {
  const res = await page.request.get('/api/demo');
  expect(res.ok()).toBe(true);
  const demo = (await res.json()) as {
    demo: boolean;
    signIns: { email: string; password: string; name: string }[];
  };
  expect(demo.demo).toBe(true);
  for (const person of Object.values(PEOPLE)) {
    expect(demo.signIns.find((s) => s.email === person.email)?.password).toBe(person.password);
  }

  await page.goto('/signin');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const first = demo.signIns[0]!;
  await page.getByRole('button', { name: new RegExp(first.name) }).click();
  await expect(page.getByLabel('Email')).toHaveValue(first.email);
  await expect(page.getByLabel('Password')).toHaveValue(first.password);
});

test('a wrong password is refused with a message and no navigation', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(PEOPLE.junior.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});

test('signed-out visitors are sent to sign-in and come back where they wanted to go', async ({ page }) => {
  await page.goto('/queue');
  await expect(page).toHaveURL(/\/signin\?from=%2Fqueue/);
  await page.getByLabel('Email').fill(PEOPLE.senior.email);
  await page.getByLabel('Password').fill(PEOPLE.senior.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/queue$/);
  await expect(page.getByRole('heading', { name: 'Escalation queue' })).toBeVisible();
});

const NAV: Record<keyof typeof PEOPLE, string[]> = {
  viewer: ['Sessions', 'Queue'],
  junior: ['Sessions', 'Queue', 'Analytics'],
  senior: ['Sessions', 'Queue', 'Analytics'],
  owner: ['Sessions', 'Queue', 'Analytics', 'Settings'],
};

for (const who of Object.keys(NAV) as (keyof typeof NAV)[]) {
  test(`the app shell shows ${who} only the sections they may use`, async ({ page, signIn }) => {
    await signIn(who);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const links = nav.getByRole('link');
    await expect(links).toHaveCount(NAV[who].length);
    for (const label of NAV[who])
      await expect(nav.getByRole('link', { name: new RegExp(`^${label}`) })).toBeVisible();
    await expect(page.getByText('Northwind IT').first()).toBeVisible();

    // Everyone reaches their notification preferences from the user menu, then signs out.
    await page.getByRole('button', { name: /account menu/i }).click();
    await page
      .getByTestId('user-menu')
      .getByRole('link', { name: /settings|notification preferences/i })
      .click();
    await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Team', exact: true })).toHaveCount(
      who === 'owner' ? 1 : 0,
    );

    await page.getByRole('button', { name: /account menu/i }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto('/sessions');
    await expect(page).toHaveURL(/\/signin/);
  });
}

test('at 360 px the navigation collapses behind a menu button', async ({ page, signIn }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn('owner');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: /^Queue/ })).toBeHidden();
  await page.getByRole('button', { name: 'Navigation' }).click();
  await nav.getByRole('link', { name: /^Queue/ }).click();
  await expect(page).toHaveURL(/\/queue$/);
  await expect(nav.getByRole('link', { name: /^Queue/ })).toBeHidden();
});
