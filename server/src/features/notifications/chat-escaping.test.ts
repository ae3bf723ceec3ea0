import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { WebhookReceiver } from '../../test/webhook-receiver.js';

// Probe finding 19: chat webhooks carried what people typed (a session title, a reason, an account
// name) into Slack mrkdwn and Teams Markdown unescaped: `<!channel>` could page a channel and
// `[Reset your password](https://evil.example)` could show as a link hiding where it goes.

const HOSTILE_TITLE = '<!channel> VPN down [Reset your password](https://evil.example/reset) @here';
const HOSTILE_REASON =
  'Ping <@U024BE7LH> and @channel: <https://evil.example|Open the handoff> & <at>Sam</at>';
const HOSTILE_ACCOUNT = 'Contoso [Click me](https://evil.example) <!here>';

let hooks: WebhookReceiver;
let h: Harness;
let t: Team;

beforeAll(async () => {
  hooks = await WebhookReceiver.start();
  h = await startApp({
    env: { PUBLIC_URL: 'https://rf.example.test', ALLOW_PRIVATE_WEBHOOKS: 'true' },
    worker: true,
  });
  t = await makeTeam(h, HOSTILE_ACCOUNT);
});
afterAll(async () => {
  await h?.close();
  await hooks?.close();
});

/** Every string in a payload with the path that leads to it. */
function strings(v: unknown, at = '$'): [string, string][] {
  if (typeof v === 'string') return [[at, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, `${at}.${k}`));
  return [];
}

async function escalationPosted(path: string, format: string) {
  const saved = await t.admin.client.put('/api/account/notification-settings', {
    webhookUrl: hooks.url(path),
    webhookFormat: format,
    reminderDelayMinutes: 60,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const s = await t.junior.client.post('/api/sessions', {
    title: HOSTILE_TITLE,
    problem: 'The tunnel drops every ten minutes.',
    customer: 'Fabrikam <!everyone>',
  });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  const esc = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: HOSTILE_REASON,
    urgency: 'high',
  });
  expect(esc.status, JSON.stringify(esc.body)).toBe(201);
  const id = esc.body.handoff.id as string;
  await hooks.waitFor((x) => x.some((k) => k.path === path && JSON.stringify(k.body).includes(id)));
  return hooks.hooks.find((k) => k.path === path && JSON.stringify(k.body).includes(id))!.body;
}

describe('chat webhooks escape what people typed, per tool', () => {
  it('Slack: no <…> markup, no broadcast or user mention in any mrkdwn text, the fallback included', async () => {
    const body = await escalationPosted('/slack', 'slack');
    const mrkdwn: [string, string][] = [['$.text', body.text]];
    for (const b of body.blocks) {
      if (b.text?.type === 'mrkdwn') mrkdwn.push([`${b.type}.text`, b.text.text]);
      for (const f of b.fields ?? []) mrkdwn.push([`${b.type}.field`, f.text]);
      for (const e of b.elements ?? []) if (e.type === 'mrkdwn') mrkdwn.push([`${b.type}.element`, e.text]);
    }
    for (const [where, text] of mrkdwn) {
      expect(text, where).not.toMatch(/[<>]/);
      expect(text, where).not.toMatch(/(^|\s)@(here|channel|everyone)/);
    }
    expect(body.text).toContain('&lt;!channel&gt; VPN down');
    expect(body.text).toContain('@\u200Bhere');
    expect(body.text).toContain('https://rf.example.test/handoffs/');
    const lead = mrkdwn.find(([w]) => w === 'section.text')![1];
    expect(lead).toContain(
      'Ping &lt;@\u200BU024BE7LH&gt; and @\u200Bchannel: &lt;https://evil.example|Open the handoff&gt; &amp;',
    );
    const facts = mrkdwn.filter(([w]) => w === 'section.field').map(([, x]) => x);
    expect(facts).toContain('*Customer*\nFabrikam &lt;!everyone&gt;');
    const footer = mrkdwn.find(([w]) => w === 'context.element')![1];
    expect(footer).toMatch(
      /^Contoso \[Click me\]\(https:\/\/evil\.example\) &lt;!here&gt; \d+ · ResolutionFlow$/,
    );
    // The header is plain_text: Slack shows it as it is, so it keeps the title unchanged.
    expect(body.blocks[0].text).toMatchObject({
      type: 'plain_text',
      text: expect.stringContaining('<!channel>'),
    });
    expect(body).toMatchObject({ unfurl_links: false, unfurl_media: false });
  });

  for (const format of ['teams_messagecard', 'teams_adaptive'] as const) {
    it(`${format}: no Markdown link, HTML tag or <at> mention can form from user text`, async () => {
      const body = await escalationPosted(`/${format}`, format);
      const texts = strings(body).filter(([where]) => !/\.(uri|url|\$schema|@context)$/.test(where));
      for (const [where, text] of texts) {
        expect(text, where).not.toMatch(/\]\(/);
        expect(text, where).not.toMatch(/\]\[/);
        expect(text, where).not.toMatch(/<[^\u200B]/);
      }
      // It still reads the same: only zero-width spaces were added.
      const all = texts.map(([, x]) => x.replaceAll('\u200B', '')).join('\n');
      expect(all).toContain('[Reset your password](https://evil.example/reset)');
      expect(all).toContain('<at>Sam</at>');
      expect(all).toContain('Fabrikam <!everyone>');
    });
  }

  it('the Send test message escapes the account name the same way', async () => {
    const res = await t.admin.client.post('/api/account/webhook/test', {
      webhookUrl: hooks.url('/test-teams'),
      webhookFormat: 'teams_adaptive',
    });
    expect(res.body).toMatchObject({ delivered: true });
    const body = hooks.hooks.find((k) => k.path === '/test-teams')!.body;
    for (const [where, text] of strings(body).filter(([w]) => !/\.(url|\$schema)$/.test(w))) {
      expect(text, where).not.toMatch(/\]\(|<[^\u200B]/);
    }
  });
});
