import { ZEscalationRowsResponse } from '@rf/contracts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowSessions } from '../../db/schema.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

let h: Harness;
let t: Team;
let other: Team;
const at = (iso: string) => new Date(iso);

/** An escalation at fixed clock times, through HTTP. */
async function escalation(o: {
  title: string;
  customer?: string;
  created: string;
  urgency?: 'low' | 'normal' | 'high' | 'critical';
  claimed?: string;
  firstAction?: string;
}) {
  h.setNow(new Date(at(o.created).getTime() - 5 * 60_000));
  const s = await t.junior.client.post('/api/sessions', {
    title: o.title,
    problem: 'It does not work',
    customer: o.customer,
  });
  h.setNow(at(o.created));
  const e = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: o.urgency ?? 'normal',
  });
  if (o.claimed) {
    h.setNow(at(o.claimed));
    await t.senior.client.post(`/api/handoffs/${e.body.handoff.id}/claim`);
  }
  if (o.firstAction) {
    h.setNow(at(o.firstAction));
    await t.senior.client.post(`/api/sessions/${s.body.session.id}/steps`, {
      action: 'Checked it',
      outcome: 'info',
    });
  }
  h.setNow(null);
  return e.body.handoff.id as string;
}

const ids: Record<string, string> = {};
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Table Co');
  other = await makeTeam(h, 'Elsewhere');
  ids.vpn = await escalation({
    title: 'VPN drops',
    customer: 'Contoso Dental',
    created: '2026-04-01T09:00:00Z',
    urgency: 'high',
    claimed: '2026-04-01T09:04:00Z',
    firstAction: '2026-04-01T09:06:30Z',
  });
  ids.formula = await escalation({
    title: '=HYPERLINK("http://evil.example","click")',
    customer: 'Fabrikam, "Legal"',
    created: '2026-04-02T10:00:00Z',
    claimed: '2026-04-02T10:01:00Z',
  });
  ids.open = await escalation({ title: 'Printer offline', created: '2026-04-03T11:00:00Z' });
  // A title cannot hold a line break any more (decision 012), but one saved before that rule can:
  // the CSV must still quote it.
  await h.db.db
    .update(flowSessions)
    .set({ title: 'Printer\noffline' })
    .where(and(eq(flowSessions.accountId, t.accountId), eq(flowSessions.title, 'Printer offline')));
  ids.before = await escalation({ title: 'Outside', created: '2026-03-20T11:00:00Z' });
});
afterAll(() => h.close());

const rowsUrl = '/api/analytics/flowpilot/escalations/rows?from=2026-04-01&to=2026-04-03';

describe("the period's escalations table", () => {
  it('lists the escalations created in the window, newest first, with people and times', async () => {
    const res = await t.senior.client.get(rowsUrl);
    expect(res.status).toBe(200);
    const r = ZEscalationRowsResponse.parse(res.body);
    expect(r.total).toBe(3);
    expect(r.escalations.map((e) => e.id)).toEqual([ids.open, ids.formula, ids.vpn]);
    const vpn = r.escalations[2]!;
    expect(vpn).toMatchObject({
      title: 'VPN drops',
      customer: 'Contoso Dental',
      urgency: 'high',
      status: 'claimed',
      createdAt: '2026-04-01T09:00:00.000Z',
      escalatedBy: { id: t.junior.id, name: 'Jo Junior' },
      claimedBy: { id: t.senior.id, name: 'Sam Senior' },
      timeToClaimSeconds: 240,
      timeToFirstActionSeconds: 150,
    });
    expect(r.escalations[1]!.timeToFirstActionSeconds).toBeNull();
    expect(r.escalations[0]).toMatchObject({ status: 'open', claimedBy: null, timeToClaimSeconds: null });
  });

  it('is scoped to the account and to engineers and admins', async () => {
    expect((await other.senior.client.get(rowsUrl)).body.total).toBe(0);
    expect((await t.viewer.client.get(rowsUrl)).status).toBe(403);
    expect((await h.client().get(rowsUrl)).status).toBe(401);
  });

  it('checks its window like the analytics do', async () => {
    const bad = await t.senior.client.get(
      '/api/analytics/flowpilot/escalations/rows?from=2026-04-03&to=2026-04-01',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
  });
});

describe('the CSV download', () => {
  it('has a header, one line per escalation and a file name for the period', async () => {
    const res = await fetch(
      `${h.url}/api/analytics/flowpilot/escalations/rows.csv?from=2026-04-01&to=2026-04-03`,
      {
        headers: { cookie: t.admin.client.cookie! },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="escalations-2026-04-01-to-2026-04-03.csv"',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A UTF-8 byte-order mark first, so that spreadsheet programs read the names right.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split('\r\n');
    expect(lines[0]).toBe(
      'Created (UTC),Customer,Title,Urgency,Escalated by,Claimed by,Time to claim (s),Time to first action (s),Status,Handoff id',
    );
    expect(lines.at(-1)).toBe(''); // ends with a line break
    expect(lines[3]).toBe(
      `2026-04-01T09:00:00.000Z,Contoso Dental,VPN drops,high,Jo Junior,Sam Senior,240,150,claimed,${ids.vpn}`,
    );
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', async () => {
    const text = await (
      await fetch(`${h.url}/api/analytics/flowpilot/escalations/rows.csv?from=2026-04-01&to=2026-04-03`, {
        headers: { cookie: t.admin.client.cookie! },
      })
    ).text();
    // The formula cell starts with a quote so that a spreadsheet shows it as text.
    expect(text).toContain(`,"Fabrikam, ""Legal""","'=HYPERLINK(""http://evil.example"",""click"")",normal,`);
    expect(text).toContain(`"Printer\noffline"`);
  });

  it('is refused to viewers and to bad windows', async () => {
    const viewer = await t.viewer.client.get('/api/analytics/flowpilot/escalations/rows.csv');
    expect(viewer.status).toBe(403);
    const bad = await t.senior.client.get('/api/analytics/flowpilot/escalations/rows.csv?to=9999-01-01');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('to');
  });
});
