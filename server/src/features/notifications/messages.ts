import type { TWebhookFormat } from '@rf/contracts';

/**
 * What an escalation or reminder message says, whatever the channel. Everything here comes from
 * the handoff's immutable context snapshot, so every channel and every retry says the same thing.
 */
export interface HandoffMessage {
  intent: 'escalate' | 'reminder';
  /** Reminder round 1..3 (null for the escalation itself). */
  round: number | null;
  accountName: string;
  title: string;
  problem: string;
  customer: string | null;
  asset: string | null;
  urgency: 'low' | 'normal' | 'high' | 'critical';
  reason: string;
  escalatedBy: string;
  /** Who it was escalated to, as a label ("Tier 2 and up", "Sam Senior", "You", "Everyone"). */
  target: string;
  /** The same inside a sentence ("tier 2 and up", "Sam Senior", "you", "the team"). */
  targetPhrase: string;
  waitingMinutes: number;
  link: string;
  preferencesLink: string;
}

export interface InvitationMessage {
  accountName: string;
  inviterName: string;
  role: string;
  tier: number;
  acceptUrl: string;
  expiresAt: Date;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const URGENCY_LABEL = { low: 'Low', normal: 'Normal', high: 'High', critical: 'Critical' } as const;

/**
 * Mail clients do not read CSS custom properties, so the e-mail carries literal colours: these
 * are the light-theme values of web/src/design/tokens.css (keep them in step).
 */
const TOKENS = {
  surface: '#f6f7f9',
  raised: '#ffffff',
  border: '#dde1e7',
  text: '#161b22',
  muted: '#59616c',
  accent: '#3451d1',
  onAccent: '#ffffff',
  urgency: {
    low: ['#5c6672', '#eef0f3'],
    normal: ['#0b5cad', '#e4f0fc'],
    high: ['#b54700', '#fdeee2'],
    critical: ['#c4232d', '#fdecec'],
  },
} as const;

/** One line, no control characters, at most `max` characters (headers and chat titles). */
export function oneLine(s: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const flat = s.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const where = (m: Pick<HandoffMessage, 'customer' | 'asset'>) =>
  [m.customer, m.asset].filter((x): x is string => !!x).join(' · ');

function headline(m: HandoffMessage): string {
  if (m.intent === 'reminder') {
    return `Still unclaimed after ${m.waitingMinutes} min: ${m.title}`;
  }
  return `${m.escalatedBy} escalated: ${m.title}`;
}

function facts(m: HandoffMessage): [string, string][] {
  const rows: [string, string][] = [
    ['Urgency', URGENCY_LABEL[m.urgency]],
    ['Customer', m.customer ?? '—'],
    ['Asset', m.asset ?? '—'],
    ['Escalated by', m.escalatedBy],
    ['For', m.target],
  ];
  if (m.intent === 'reminder') rows.push(['Waiting', `${m.waitingMinutes} min`]);
  return rows;
}

export function renderHandoffMail(m: HandoffMessage, recipientName: string): RenderedMail {
  const place = where(m);
  const subject = oneLine(
    m.intent === 'reminder'
      ? `Reminder ${m.round ?? 1} of 3: still unclaimed after ${m.waitingMinutes} min — [${URGENCY_LABEL[m.urgency]}] ${m.title}${place ? ` (${place})` : ''}`
      : `[${URGENCY_LABEL[m.urgency]}] Escalation: ${m.title}${place ? ` (${place})` : ''}`,
    200,
  );
  const intro =
    m.intent === 'reminder'
      ? `This escalation is still waiting for someone to pick it up (${m.waitingMinutes} min so far).`
      : `${m.escalatedBy} is stuck and escalated a session to ${m.targetPhrase}.`;
  const problem = clip(m.problem.trim(), 1500);
  const why =
    m.intent === 'reminder'
      ? 'You get reminders because nobody has picked this escalation up yet.'
      : 'You get this because a teammate escalated to your tier or to you.';

  const text = [
    `Hi ${recipientName},`,
    '',
    intro,
    '',
    ...facts(m).map(([k, v]) => `${`${k}:`.padEnd(14)}${v}`),
    '',
    `Problem: ${m.title}`,
    problem,
    '',
    `Why ${m.escalatedBy} is stuck: ${m.reason}`,
    '',
    `Open the handoff: ${m.link}`,
    '',
    '-- ',
    `${why} ${m.accountName} · ResolutionFlow`,
    `Turn these e-mails off: ${m.preferencesLink}`,
    '',
  ].join('\n');

  const [urgencyText, urgencyBg] = TOKENS.urgency[m.urgency];
  const factRows = facts(m)
    .map(
      ([k, v]) =>
        `<tr><td style="padding:4px 12px 4px 0;color:${TOKENS.muted};white-space:nowrap;vertical-align:top">${escapeHtml(k)}</td><td style="padding:4px 0;color:${TOKENS.text};word-break:break-word">${escapeHtml(v)}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:${TOKENS.surface};font-family:Inter,-apple-system,'Segoe UI',Roboto,sans-serif;color:${TOKENS.text}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${TOKENS.surface};padding:24px 12px"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:${TOKENS.raised};border:1px solid ${TOKENS.border};border-left:4px solid ${urgencyText};border-radius:8px">
<tr><td style="padding:24px">
<p style="margin:0 0 12px"><span style="display:inline-block;padding:2px 8px;border-radius:6px;background:${urgencyBg};color:${urgencyText};font-size:12px;font-weight:600">${escapeHtml(URGENCY_LABEL[m.urgency])} urgency</span>${m.intent === 'reminder' ? ` <span style="font-size:12px;color:${TOKENS.muted}">Reminder ${m.round ?? 1} of 3</span>` : ''}</p>
<h1 style="margin:0 0 8px;font-size:20px;line-height:1.3;word-break:break-word">${escapeHtml(m.title)}</h1>
<p style="margin:0 0 16px;font-size:14px;color:${TOKENS.muted}">Hi ${escapeHtml(recipientName)},<br>${escapeHtml(intro)}</p>
<p style="margin:0 0 16px;padding:12px;border-radius:6px;background:${TOKENS.surface};font-size:14px;word-break:break-word"><strong>Why ${escapeHtml(m.escalatedBy)} is stuck:</strong> ${escapeHtml(m.reason)}</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="font-size:14px;margin:0 0 16px">${factRows}</table>
<p style="margin:0 0 20px;font-size:14px;white-space:pre-wrap;word-break:break-word">${escapeHtml(problem)}</p>
<p style="margin:0"><a href="${escapeHtml(m.link)}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:${TOKENS.accent};color:${TOKENS.onAccent};text-decoration:none;font-weight:600;font-size:14px">Open the handoff</a></p>
<p style="margin:12px 0 0;font-size:12px;color:${TOKENS.muted};word-break:break-all">${escapeHtml(m.link)}</p>
</td></tr></table>
<p style="max-width:600px;margin:16px auto 0;font-size:12px;color:${TOKENS.muted}">${escapeHtml(why)} ${escapeHtml(m.accountName)} · ResolutionFlow. <a href="${escapeHtml(m.preferencesLink)}" style="color:${TOKENS.muted}">Turn these e-mails off</a>.</p>
</td></tr></table>
</body></html>
`;
  return { subject, text, html };
}

/**
 * A mail whose point is one link (an invitation, a password reset): a heading, a sentence (HTML,
 * already escaped), the button, the link written out, and a footer line. `text` is the plain part.
 */
function oneLinkMail(m: {
  subject: string;
  text: string[];
  heading: string;
  leadHtml: string;
  button: string;
  url: string;
  footer: string;
}): RenderedMail {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(m.subject)}</title></head>
<body style="margin:0;padding:0;background:${TOKENS.surface};font-family:Inter,-apple-system,'Segoe UI',Roboto,sans-serif;color:${TOKENS.text}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${TOKENS.surface};padding:24px 12px"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:${TOKENS.raised};border:1px solid ${TOKENS.border};border-radius:8px">
<tr><td style="padding:24px">
<h1 style="margin:0 0 8px;font-size:20px;line-height:1.3">${escapeHtml(m.heading)}</h1>
<p style="margin:0 0 20px;font-size:14px">${m.leadHtml}</p>
<p style="margin:0"><a href="${escapeHtml(m.url)}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:${TOKENS.accent};color:${TOKENS.onAccent};text-decoration:none;font-weight:600;font-size:14px">${escapeHtml(m.button)}</a></p>
<p style="margin:12px 0 0;font-size:12px;color:${TOKENS.muted};word-break:break-all">${escapeHtml(m.url)}</p>
<p style="margin:16px 0 0;font-size:12px;color:${TOKENS.muted}">${escapeHtml(m.footer)}</p>
</td></tr></table>
</td></tr></table>
</body></html>
`;
  return { subject: m.subject, text: m.text.join('\n'), html };
}

export function renderInvitationMail(i: InvitationMessage): RenderedMail {
  const expires = i.expiresAt.toUTCString();
  return oneLinkMail({
    subject: oneLine(`${i.inviterName} invited you to ${i.accountName} on ResolutionFlow`, 200),
    text: [
      'Hello,',
      '',
      `${i.inviterName} invited you to join ${i.accountName} on ResolutionFlow as ${i.role} (tier ${i.tier}).`,
      '',
      `Accept the invitation: ${i.acceptUrl}`,
      '',
      `The link works once and expires on ${expires}.`,
      'If you did not expect this, ignore this e-mail.',
      '',
    ],
    heading: `Join ${i.accountName} on ResolutionFlow`,
    leadHtml: `${escapeHtml(i.inviterName)} invited you as <strong>${escapeHtml(i.role)}</strong> (tier ${i.tier}).`,
    button: 'Accept the invitation',
    url: i.acceptUrl,
    footer: `The link works once and expires on ${expires}. If you did not expect this, ignore this e-mail.`,
  });
}

export interface PasswordResetMessage {
  name: string;
  resetUrl: string;
  expiresAt: Date;
}

/** The "forgot password" e-mail: the link, how long it works, and what to do if it was not you. */
export function renderPasswordResetMail(m: PasswordResetMessage): RenderedMail {
  const expires = m.expiresAt.toUTCString();
  return oneLinkMail({
    subject: 'Reset your ResolutionFlow password',
    text: [
      `Hello ${m.name},`,
      '',
      'Someone (we hope you) asked to reset the password of your ResolutionFlow account.',
      '',
      `Choose a new password: ${m.resetUrl}`,
      '',
      `The link works once and expires on ${expires}.`,
      'If you did not ask for this, ignore this e-mail: your password stays as it is.',
      '',
    ],
    heading: 'Reset your password',
    leadHtml: `Hello ${escapeHtml(m.name)}, someone (we hope you) asked to reset the password of your ResolutionFlow account.`,
    button: 'Choose a new password',
    url: m.resetUrl,
    footer: `The link works once and expires on ${expires}. If you did not ask for this, ignore this e-mail: your password stays as it is.`,
  });
}

// ---- chat webhooks ----------------------------------------------------------------------------

export type ChatFormat = Exclude<TWebhookFormat, 'auto'>;

/** A chat message before it is shaped for one tool. */
export interface ChatMessage {
  title: string;
  lead: string;
  facts: [string, string][];
  linkLabel: string;
  link: string;
  footer: string;
  /** An urgency colours the card edge where the tool allows it. */
  urgency: HandoffMessage['urgency'] | null;
}

export function handoffChatMessage(m: HandoffMessage): ChatMessage {
  return {
    title: oneLine(
      `${m.intent === 'reminder' ? `Reminder ${m.round ?? 1} of 3 · ` : ''}[${URGENCY_LABEL[m.urgency]}] ${headline(m)}`,
      150,
    ),
    lead: `Why ${m.escalatedBy} is stuck: ${clip(m.reason, 1000)}`,
    facts: facts(m),
    linkLabel: 'Open the handoff',
    link: m.link,
    footer: `${m.accountName} · ResolutionFlow`,
    urgency: m.urgency,
  };
}

/** Which shape a URL's tool expects, when the admin left the format on `auto`. */
export function resolveWebhookFormat(url: string, format: TWebhookFormat): ChatFormat {
  if (format !== 'auto') return format;
  let host = '';
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'slack';
  }
  const under = (domain: string) => host === domain || host.endsWith(`.${domain}`);
  // Teams "Workflows" (Power Automate) take Adaptive Cards; the older Office 365 connectors
  // answer MessageCards reliably (some tenants refuse Adaptive Cards there).
  if (under('logic.azure.com') || under('powerplatform.com') || under('powerautomate.com'))
    return 'teams_adaptive';
  if (under('webhook.office.com') || host === 'outlook.office.com' || host === 'outlook.office365.com')
    return 'teams_messagecard';
  // Slack itself, and the Slack-compatible incoming webhooks of Mattermost, Rocket.Chat, Zulip...
  return 'slack';
}

// Everything in a ChatMessage except `link` may hold what people typed (a session title, a reason,
// a customer, a person's or an account's name), so every text field goes through the escaping of
// the tool it is sent to: a title like `<!channel> …` must not page a whole channel, and
// `[Reset your password](https://evil.example)` must not become a link whose text hides where it
// goes. A bare URL someone typed may still be linked by the tool; it shows where it leads.

/** An invisible zero-width space: it breaks markup and mentions, and the text reads the same. */
const ZWSP = '\u200B';

/**
 * Slack mrkdwn, and the Slack-shaped hooks of Mattermost and Rocket.Chat. `&`, `<` and `>` are its
 * markup (`<url|text>` links, `<!channel>`, `<!here>`, `<@U123>` mentions) and are sent as the
 * entities Slack documents. A plain `@channel`, `@here` or `@name` is a mention in Mattermost (and
 * in Slack with link_names): a zero-width space after the `@` keeps it text. An address such as
 * sam@contoso.com is left alone (the `@` follows a letter).
 */
export function slackText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/(^|[^\p{L}\p{N}_.+-])@(?=[\p{L}\p{N}_])/gu, `$1@${ZWSP}`);
}

/**
 * Teams cards read Markdown (Adaptive Cards in TextBlock and FactSet; MessageCards also some HTML).
 * Backslash escapes are not honoured alike on every Teams client (desktop, iOS, Android), so the
 * markup is broken instead: a zero-width space after `<` (no HTML tag, no `<at>` mention) and after
 * `]` (no `[text](url)` link, no reference link).
 */
export function teamsText(s: string): string {
  return s.replace(/[<\]]/g, (c) => `${c}${ZWSP}`);
}

export function renderChat(msg: ChatMessage, format: ChatFormat): unknown {
  if (format === 'slack') {
    return {
      // The notification and fallback text is mrkdwn too.
      text: `${slackText(msg.title)} — ${msg.link}`,
      // A URL someone typed into a reason does not unfold into a preview card.
      unfurl_links: false,
      unfurl_media: false,
      blocks: [
        // plain_text is shown as it is: no markup, no mentions.
        { type: 'header', text: { type: 'plain_text', text: oneLine(msg.title, 150), emoji: false } },
        { type: 'section', text: { type: 'mrkdwn', text: clip(slackText(msg.lead), 3000) } },
        {
          type: 'section',
          fields: msg.facts.slice(0, 10).map(([k, v]) => ({
            type: 'mrkdwn',
            text: clip(`*${slackText(k)}*\n${slackText(v)}`, 2000),
          })),
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: msg.linkLabel },
              url: msg.link,
              style: 'primary',
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: slackText(msg.footer) }] },
      ],
    };
  }
  if (format === 'teams_messagecard') {
    return {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: teamsText(oneLine(msg.title, 150)),
      themeColor: (msg.urgency ? TOKENS.urgency[msg.urgency][0] : TOKENS.accent).slice(1),
      title: teamsText(msg.title),
      sections: [
        {
          text: teamsText(msg.lead),
          facts: msg.facts.map(([name, value]) => ({ name: teamsText(name), value: teamsText(value) })),
          markdown: false,
        },
      ],
      potentialAction: [
        { '@type': 'OpenUri', name: msg.linkLabel, targets: [{ os: 'default', uri: msg.link }] },
      ],
    };
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', text: teamsText(msg.title), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: teamsText(msg.lead), wrap: true },
            {
              type: 'FactSet',
              facts: msg.facts.map(([title, value]) => ({
                title: teamsText(title),
                value: teamsText(value),
              })),
            },
            { type: 'TextBlock', text: teamsText(msg.footer), isSubtle: true, size: 'Small', wrap: true },
          ],
          actions: [{ type: 'Action.OpenUrl', title: msg.linkLabel, url: msg.link }],
        },
      },
    ],
  };
}
