import { ZCreateHandoffBody, ZCreateSessionBody } from '@rf/contracts';
import { apiFor, expect, test, uniq } from './fixtures';

test('the new-session form shows every missing field at once, in plain words, beside each field', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  await page.goto('/sessions/new');
  await page.getByRole('button', { name: 'Start session' }).click();

  const title = page.getByLabel('Title');
  const problem = page.getByLabel('Problem');
  await expect(title).toHaveAttribute('aria-invalid', 'true');
  await expect(problem).toHaveAttribute('aria-invalid', 'true');
  await expect(title).toHaveAccessibleDescription(/Title is required\./);
  await expect(problem).toHaveAccessibleDescription(/Problem is required\./);
  await expect(title).toBeFocused();
  // Nothing reads like a server log.
  await expect(page.locator('.field-error').filter({ hasText: /Too big|expected string|:/ })).toHaveCount(0);
  await expect(page).toHaveURL(/\/sessions\/new$/);

  // Fixing one field clears its error only.
  await title.fill('Outlook prompts');
  await expect(title).not.toHaveAttribute('aria-invalid', 'true');
  await expect(problem).toHaveAttribute('aria-invalid', 'true');
});

test('text inputs stop at the contract’s limit and count characters', async ({ page, signIn }) => {
  await signIn('junior');
  await page.goto('/sessions/new');
  const max = ZCreateSessionBody.shape.title.maxLength ?? 0;
  expect(max).toBeGreaterThan(0);
  const title = page.getByLabel('Title');
  await title.fill('x'.repeat(max + 50));
  await expect(title).toHaveValue('x'.repeat(max));
  await expect(title).toHaveAccessibleDescription(new RegExp(`${max} / ${max}`));

  const s = await apiFor(page).createSession({ title: `Limits ${uniq()}`, problem: 'Printer offline.' });
  await page.goto(`/sessions/${s.id}`);
  await page.getByRole('button', { name: 'Escalate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Escalate this session' });
  const reasonMax = ZCreateHandoffBody.shape.reason.maxLength ?? 0;
  const reason = dialog.getByLabel('Why are you stuck?');
  await expect(reason).toHaveAttribute('maxlength', String(reasonMax));
  // An empty reason is explained beside the field instead of a silently disabled button.
  await dialog.getByRole('button', { name: 'Escalate' }).click();
  await expect(reason).toHaveAccessibleDescription(/This is required\./);
  await expect(dialog).toBeVisible();
});
