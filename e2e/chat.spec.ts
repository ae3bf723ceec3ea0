import { apiFor, expect, test, uniq } from './fixtures';

test('a chat message sent from the session page gets the assistant’s answer, once', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const session = await apiFor(page).createSession({
    title: `Outlook keeps asking for the password ${uniq()}`,
    problem: 'Since this morning Outlook prompts for credentials every few minutes.',
  });
  await page.goto(`/sessions/${session.id}`);

  const chat = page.getByRole('complementary', { name: 'Assistant' });
  const composer = chat.getByRole('textbox', { name: 'Message the assistant' });
  await composer.fill('What does a repeating credential prompt usually mean?');
  await chat.getByRole('button', { name: 'Send' }).click();

  const log = chat.getByRole('list').filter({ has: page.locator('.chat-msg') });
  await expect(log.locator('.chat-user')).toHaveCount(1);
  await expect(log.locator('.chat-user')).toContainText('repeating credential prompt');
  await expect(log.locator('.chat-assistant')).toHaveCount(1);
  await expect(log.locator('.chat-assistant .chat-bubble')).not.toHaveText('');
  await expect(log.locator('.chat-assistant .chat-bubble')).not.toHaveText('Thinking…');
  // The draft is cleared and no error is shown: nothing invites a resend.
  await expect(composer).toHaveValue('');
  await expect(chat.getByRole('alert')).toHaveCount(0);
});
