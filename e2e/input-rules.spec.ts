import { expect, test, uniq } from './fixtures';

/** The field's own error message (aria-describedby → the `-error` element). */
async function fieldError(page: import('@playwright/test').Page, label: string) {
  const field = page.getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  expect(errorId).toBeTruthy();
  return page.locator(`[id="${errorId}"]`);
}

test('sign-up says why a common password or an invisible name is refused, next to the field', async ({
  page,
}) => {
  const tag = uniq();
  await page.goto('/signup');
  await expect(page.getByText('not a common password')).toBeVisible();
  await page.getByLabel('Company or team name').fill('\u200b\u200b');
  await page.getByLabel('Your name').fill('Ada Admin');
  await page.getByLabel('Work email').fill(`ada-${tag}@acme.example`);
  await page.getByLabel('Password').fill('12345678');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(await fieldError(page, 'Password')).toHaveText(
    /^Password is one of the most common passwords: choose one that is harder to guess\.?$/,
  );
  await expect(await fieldError(page, 'Company or team name')).toHaveText(
    /^Company or team name must contain a visible character \(a letter, digit or symbol\)\.?$/,
  );

  await page.getByLabel('Password').fill('aaaaaaaaaa');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(await fieldError(page, 'Password')).toHaveText(
    /^Password must use at least 5 different characters\.?$/,
  );

  await page.getByLabel('Company or team name').fill(`Acme MSP ${tag}`);
  await page.getByLabel('Password').fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/sessions$/);
});
