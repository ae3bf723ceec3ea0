import { ZHandoffWithContext } from '@rf/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

let h: Harness;
let a: Team;
let b: Team;
beforeAll(async () => {
  h = await startApp();
  a = await makeTeam(h, 'History A');
  b = await makeTeam(h, 'History B');
});
afterAll(() => h.close());

async function session(c: Client, title: string, problem: string, customer: string) {
  const res = await c.post('/api/sessions', { title, problem, customer });
  expect(res.status).toBe(201);
  return res.body.session.id as string;
}

async function escalate(c: Client, id: string) {
  const res = await c.post(`/api/sessions/${id}/handoffs`, {
    intent: 'escalate',
    reason: 'Stuck after the usual checks',
    urgency: 'normal',
  });
  expect(res.status).toBe(201);
  return ZHandoffWithContext.parse(res.body.handoff).context;
}

const text = (ctx: unknown) => JSON.stringify(ctx);

describe('team history in the assessment (through HTTP)', () => {
  it("cites a resolved case of the same account, never another account's", async () => {
    // Account A resolves a case: the step that worked was re-registering the authenticator.
    const first = await session(
      a.junior.client,
      'Authenticator gets no sign-in requests after phone swap',
      'Dr Lee moved to a new phone; Microsoft Authenticator shows no approval requests and she cannot sign in to Outlook or Teams.',
      'Contoso Dental',
    );
    await a.junior.client.post(`/api/sessions/${first}/steps`, {
      action: 'Checked the phone has notifications on for Authenticator',
      outcome: 'failed',
    });
    await a.junior.client.post(`/api/sessions/${first}/steps`, {
      action: 'Issued a Temporary Access Pass and re-registered the authenticator on the new phone',
      outcome: 'worked',
    });
    h.setNow(new Date('2026-10-12T15:00:00Z'));
    const resolved = await a.junior.client.post(`/api/sessions/${first}/resolve`, {
      resolution: 'Re-registered the authenticator on the new phone',
    });
    h.setNow(null);
    expect(resolved.status).toBe(200);

    const problem =
      'Reception got a new phone; Authenticator shows no approval requests so she cannot sign in to Outlook.';
    const sameAccount = await session(
      a.junior.client,
      'No MFA approval requests on new phone',
      problem,
      'Contoso Dental',
    );
    const otherAccount = await session(
      b.junior.client,
      'No MFA approval requests on new phone',
      problem,
      'Contoso Dental',
    );

    const ctxA = await escalate(a.junior.client, sameAccount);
    expect(text(ctxA)).toContain('Seen before: Contoso Dental, 12 Oct 2026');
    expect(ctxA.startHere.action).toBe(
      'Issued a Temporary Access Pass and re-registered the authenticator on the new phone',
    );
    expect(ctxA.startHere.why).toMatch(
      /^Seen before: Contoso Dental, 12 Oct 2026 \('Authenticator gets no sign-in/,
    );
    const top = ctxA.assessment.likelyCauses[0]!;
    expect(top.evidence.join(' ')).toContain('Seen before: Contoso Dental');

    const ctxB = await escalate(b.junior.client, otherAccount);
    expect(text(ctxB)).not.toContain('Seen before');
    expect(text(ctxB)).not.toContain('Dr Lee');
  });

  it('a resolved case that is not similar is not cited, and a new resolution is read at once', async () => {
    const printer = await session(
      a.junior.client,
      'Upstairs printer offline',
      'The upstairs HP printer shows offline on every PC since the power cut.',
      'Fabrikam Legal',
    );
    const ctx = await escalate(a.junior.client, printer);
    expect(text(ctx)).not.toContain('Seen before');

    // A second similar resolution appears in the next assessment without a restart (cache version).
    const again = await session(
      a.junior.client,
      'Printer offline after power cut',
      'Upstairs HP printer offline for everyone after the power cut; it came back with a new IP.',
      'Fabrikam Legal',
    );
    await a.junior.client.post(`/api/sessions/${again}/steps`, {
      action: 'Updated the printer port to the new IP address',
      outcome: 'worked',
    });
    expect(
      (await a.junior.client.post(`/api/sessions/${again}/resolve`, { resolution: 'Fixed the port IP' }))
        .status,
    ).toBe(200);
    const third = await session(
      a.junior.client,
      'Printer offline again upstairs',
      'The upstairs HP printer is offline on every PC after another power cut.',
      'Fabrikam Legal',
    );
    // The chat reads the same history.
    const chat = await a.junior.client.post(`/api/sessions/${third}/assistant/messages`, { text: 'why?' });
    expect(chat.status).toBe(201);
    expect(chat.body.reply.text).toContain('Seen before: Fabrikam Legal');
    const ctx3 = await escalate(a.junior.client, third);
    expect(text(ctx3)).toContain('Seen before: Fabrikam Legal');
    expect(ctx3.startHere.action).toBe('Updated the printer port to the new IP address');
  });
});
