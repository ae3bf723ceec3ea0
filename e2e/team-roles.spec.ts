import { expect, signUpOwner, test } from './fixtures';

test("an admin who tries to move an owner's tier is told only an owner can, and the tier stays", async ({
  page,
  browser,
}) => {
  // A fresh account: its owner (own browser context) invites an admin, who signs in on `page`.
  const ownerContext = await browser.newContext();
  const ownerPage = await ownerContext.newPage();
  const { tag } = await signUpOwner(ownerPage, 'Roles');
  const invite = await ownerPage.request.post('/api/invitations', {
    data: { email: `admin.${tag}@example.test`, role: 'admin', tier: 2 },
  });
  expect(invite.status(), await invite.text()).toBe(201);
  const { token } = await invite.json();
  await ownerContext.close();
  const accepted = await page.request.post(`/api/invitations/${token}/accept`, {
    data: { name: 'Ada Admin', password: 'admin password 1' },
  });
  expect(accepted.status(), await accepted.text()).toBe(201);

  await page.goto('/settings');
  const tier = page.getByLabel('Tier for Pat Owner');
  await expect(tier).toHaveValue('3');
  await tier.selectOption('1');
  await expect(page.getByText("Only an owner can change an owner's role or tier")).toBeVisible();
  await expect(tier).toHaveValue('3');
});
