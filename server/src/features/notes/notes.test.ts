import { ZNotePreview, ZTicketNotesResponse } from '@rf/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

let h: Harness;
let t: Team;
let other: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Notes Co');
  other = await makeTeam(h, 'Other Co');
});
afterAll(() => h.close());

const HOSTILE = '<img src=x onerror=alert(1)>';

async function sessionWithChecks(who = t.junior) {
  const res = await who.client.post('/api/sessions', {
    title: 'Printer offline on 2nd floor',
    problem: 'HP printer shows offline for everyone',
    customer: 'Contoso',
    asset: 'PRN-2F',
  });
  expect(res.status).toBe(201);
  const id = res.body.session.id as string;
  await who.client.post(`/api/sessions/${id}/steps`, {
    action: 'Pinged the printer',
    outcome: 'failed',
    detail: 'Request timed out',
  });
  await who.client.post(`/api/sessions/${id}/steps`, { action: HOSTILE, outcome: 'info', detail: HOSTILE });
  await who.client.post(`/api/sessions/${id}/notes`, { text: 'Panel shows a new IP' });
  return id;
}

const notesOf = async (id: string, who = t.junior) => {
  const res = await who.client.get(`/api/sessions/${id}/notes`);
  expect(res.status).toBe(200);
  return ZTicketNotesResponse.parse(res.body).notes;
};

const countNotes = async (sessionId: string) => {
  const r = await h.db.db.execute(
    sql`select count(*)::int as n from ticket_notes where session_id = ${sessionId}`,
  );
  return Number((r as unknown as { rows: { n: number }[] }).rows[0]!.n);
};

describe('preview', () => {
  it('builds the resolution note from the log and what was typed; saves nothing', async () => {
    const id = await sessionWithChecks();
    const res = await t.junior.client.post(`/api/sessions/${id}/notes/preview`, {
      kind: 'resolution',
      resolution: 'Updated the port IP',
      rootCause: 'New DHCP lease',
      minutesWorked: 25,
    });
    expect(res.status).toBe(200);
    const p = ZNotePreview.parse(res.body);
    expect(p.minutesWorked).toBe(25);
    expect(p.text).toContain('1. Pinged the printer: did not work. It showed: Request timed out.');
    expect(p.text).toContain('Root cause\nNew DHCP lease.');
    expect(p.text).toContain('Time worked\n25 min.');
    expect(p.html).not.toContain('<img');
    expect(p.html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(p.markdown).toContain('## What we confirmed');
    // Same input, same note.
    const again = await t.junior.client.post(`/api/sessions/${id}/notes/preview`, {
      kind: 'resolution',
      resolution: 'Updated the port IP',
      rootCause: 'New DHCP lease',
      minutesWorked: 25,
    });
    expect(again.body).toEqual(res.body);
    expect(await countNotes(id)).toBe(0);
    // Without minutes it counts from the session's start.
    const auto = await t.junior.client.post(`/api/sessions/${id}/notes/preview`, { kind: 'resolution' });
    expect(auto.status).toBe(200);
    expect(auto.body.minutesWorked).toBe(0);
    expect(auto.body.text).toContain('Resolution\nNot written yet.');
  });

  it('builds the escalation note with the assessment, reason, urgency and routing', async () => {
    const id = await sessionWithChecks();
    const res = await t.junior.client.post(`/api/sessions/${id}/notes/preview`, {
      kind: 'escalation',
      reason: 'Port IP looks right but jobs still fail',
      urgency: 'high',
      targetUserId: t.senior.id,
    });
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('What was tried\n1. Pinged the printer: did not work.');
    expect(res.body.text).toContain('Assessment\n1. ');
    expect(res.body.text).toContain('Start here: ');
    expect(res.body.text).toContain('Why it is escalated\nPort IP looks right but jobs still fail.');
    expect(res.body.text).toContain('Urgency: High (user blocked). Sent to Sam Senior.');
  });

  it('validates its body with a clear 400', async () => {
    const id = await sessionWithChecks();
    const cases: [unknown, string][] = [
      [{}, 'kind'],
      [{ kind: 'summary' }, 'kind'],
      [{ kind: 'resolution', minutesWorked: -1 }, 'minutesWorked'],
      [{ kind: 'resolution', minutesWorked: 1.5 }, 'minutesWorked'],
      [{ kind: 'resolution', minutesWorked: 10_081 }, 'minutesWorked'],
      [{ kind: 'resolution', rootCause: 'x'.repeat(2001) }, 'rootCause'],
      [{ kind: 'escalation', urgency: 'now' }, 'urgency'],
    ];
    for (const [body, field] of cases) {
      const res = await t.junior.client.post(`/api/sessions/${id}/notes/preview`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });

  it('only a writer of the session previews; a foreign session is a 404', async () => {
    const id = await sessionWithChecks();
    const body = { kind: 'resolution', resolution: 'x' };
    expect((await t.viewer.client.post(`/api/sessions/${id}/notes/preview`, body)).status).toBe(403);
    expect((await t.senior.client.post(`/api/sessions/${id}/notes/preview`, body)).status).toBe(403);
    expect((await t.admin.client.post(`/api/sessions/${id}/notes/preview`, body)).status).toBe(200);
    const foreign = await other.owner.client.post(`/api/sessions/${id}/notes/preview`, body);
    expect(foreign.status).toBe(404);
  });
});

describe('resolve saves the note', () => {
  it('saves the edited note and minutes with the resolve, atomically', async () => {
    const id = await sessionWithChecks();
    const preview = await t.junior.client.post(`/api/sessions/${id}/notes/preview`, {
      kind: 'resolution',
      resolution: 'Updated the port IP',
      rootCause: 'New DHCP lease',
    });
    const edited = `${preview.body.text}\nCalled the user: printing works again.`;
    const res = await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'Updated the port IP',
      rootCause: 'New DHCP lease',
      note: { text: edited, minutesWorked: 40 },
    });
    expect(res.status).toBe(200);
    expect(res.body.session.status).toBe('resolved');
    const notes = await notesOf(id, t.viewer);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      sessionId: id,
      handoffId: null,
      kind: 'resolution',
      body: edited.trim(),
      minutesWorked: 40,
      createdBy: { id: t.junior.id, name: t.junior.name },
    });
  });

  it('without a note (an older client) saves the generated one', async () => {
    const id = await sessionWithChecks();
    const res = await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'Updated the port IP',
      rootCause: 'New DHCP lease',
    });
    expect(res.status).toBe(200);
    const [note] = await notesOf(id);
    expect(note!.body).toContain('Resolution\nUpdated the port IP.');
    expect(note!.body).toContain('Root cause\nNew DHCP lease.');
    expect(note!.body).toContain('1. Pinged the printer: did not work. It showed: Request timed out.');
    expect(note!.minutesWorked).toBe(0);
  });

  it('a refused or invalid resolve saves no note', async () => {
    const id = await sessionWithChecks();
    const note = { text: 'Edited note', minutesWorked: 5 };
    // Not the owner: 403, nothing saved.
    expect(
      (await t.senior.client.post(`/api/sessions/${id}/resolve`, { resolution: 'x', note })).status,
    ).toBe(403);
    expect(
      (await t.viewer.client.post(`/api/sessions/${id}/resolve`, { resolution: 'x', note })).status,
    ).toBe(403);
    // Invalid note: 400 naming the field.
    for (const [bad, field] of [
      [{ text: '', minutesWorked: 5 }, 'note.text'],
      [{ text: 'x'.repeat(20_001), minutesWorked: 5 }, 'note.text'],
      [{ text: 'ok', minutesWorked: 10_081 }, 'note.minutesWorked'],
      [{ text: 'ok' }, 'note.minutesWorked'],
    ] as const) {
      const res = await t.junior.client.post(`/api/sessions/${id}/resolve`, { resolution: 'x', note: bad });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect(await countNotes(id)).toBe(0);
    // Resolved once: a second resolve is a 409 and does not add a second note.
    expect(
      (await t.junior.client.post(`/api/sessions/${id}/resolve`, { resolution: 'x', note })).status,
    ).toBe(200);
    const again = await t.junior.client.post(`/api/sessions/${id}/resolve`, { resolution: 'y', note });
    expect(again.status).toBe(409);
    expect(await countNotes(id)).toBe(1);
  });

  it('three resolves racing, 15 rounds: one wins each time, exactly one note, never a 5xx', async () => {
    for (let round = 0; round < 15; round++) {
      const id = await sessionWithChecks();
      const send = (r: string) =>
        t.junior.client.post(`/api/sessions/${id}/resolve`, {
          resolution: r,
          note: { text: `Note ${r}`, minutesWorked: 1 },
        });
      const results = await Promise.all([send('a'), send('b'), send('c')]);
      expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 409, 409]);
      const notes = await notesOf(id);
      expect(notes, `round ${round}`).toHaveLength(1);
      const winner = results.find((r) => r.status === 200)!;
      expect(notes[0]!.body).toBe(`Note ${winner.body.session.resolution}`);
    }
  }, 120_000);
});

describe('escalate saves the note', () => {
  it('saves the reviewed note with the handoff; the generated one without', async () => {
    const id = await sessionWithChecks();
    const res = await t.junior.client.post(`/api/sessions/${id}/handoffs`, {
      intent: 'escalate',
      reason: 'Stuck on the port',
      urgency: 'high',
      targetTier: 2,
      note: { text: 'Escalation note: edited by Jo' },
    });
    expect(res.status).toBe(201);
    const notes = await notesOf(id, t.viewer);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      kind: 'escalation',
      handoffId: res.body.handoff.id,
      body: 'Escalation note: edited by Jo',
    });
    expect(notes[0]!.minutesWorked).toBe(res.body.handoff.context.problemSummary.workedMinutes);

    const id2 = await sessionWithChecks();
    const preview = await t.junior.client.post(`/api/sessions/${id2}/notes/preview`, {
      kind: 'escalation',
      reason: 'Stuck on the port',
      urgency: 'high',
      targetTier: 2,
    });
    const res2 = await t.junior.client.post(`/api/sessions/${id2}/handoffs`, {
      intent: 'escalate',
      reason: 'Stuck on the port',
      urgency: 'high',
      targetTier: 2,
    });
    expect(res2.status).toBe(201);
    const [generated] = await notesOf(id2);
    // The note saved is the one the preview showed (same snapshot, same words).
    expect(generated!.body).toBe(preview.body.text);
    expect(generated!.body).toContain('Sent to Tier 2 and up.');
  });

  it('a refused escalation saves no note', async () => {
    const id = await sessionWithChecks();
    const body = { intent: 'escalate', reason: 'x', urgency: 'low', note: { text: 'n' } };
    expect((await t.junior.client.post(`/api/sessions/${id}/handoffs`, body)).status).toBe(201);
    const again = await t.junior.client.post(`/api/sessions/${id}/handoffs`, body);
    expect(again.status).toBe(409);
    const bad = await t.junior.client.post(`/api/sessions/${id}/handoffs`, { ...body, note: { text: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('note.text');
    expect(await countNotes(id)).toBe(1);
  });
});

describe('list and export', () => {
  it('viewers list and export; the exports are attachments in the right type', async () => {
    const id = await sessionWithChecks();
    await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: `Fixed the ACL on \\\\fs01\\${'x'.repeat(150)}`,
      rootCause: HOSTILE,
    });
    const [note] = await notesOf(id, t.viewer);
    const base = `/api/sessions/${id}/notes/${note!.id}/export`;

    const txt = await t.viewer.client.get(`${base}?format=txt`);
    expect(txt.status).toBe(200);
    expect(txt.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(txt.headers.get('content-disposition')).toMatch(
      /^attachment; filename="resolution-note-\d{4}-\d{2}-\d{2}-printer-offline-on-2nd-floor\.txt"$/,
    );
    expect(txt.body).toBe(`${note!.body}\n`);

    const md = await t.viewer.client.get(`${base}?format=md`);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toMatch(/\.md"$/);
    expect(md.body).toContain('## Root cause');
    expect(md.body).toContain('\\<img src=x onerror=alert(1)\\>');

    const html = await t.viewer.client.get(`${base}?format=html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-disposition')).toMatch(/\.html"$/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.body).toMatch(/^<!doctype html>/);
    expect(html.body).not.toMatch(/<img|onerror=alert\(1\)>/);
    expect(html.body).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html.body).toContain('overflow-wrap:anywhere');
    expect(html.body).toContain('x'.repeat(150));

    // The default format is text; a bad one is a 400 naming it.
    expect((await t.viewer.client.get(base)).headers.get('content-type')).toContain('text/plain');
    const bad = await t.viewer.client.get(`${base}?format=pdf`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('format');
  });

  it('foreign and mismatched ids are 404', async () => {
    const id = await sessionWithChecks();
    await t.junior.client.post(`/api/sessions/${id}/resolve`, { resolution: 'done' });
    const [note] = await notesOf(id);
    const otherSession = await sessionWithChecks();
    expect((await other.owner.client.get(`/api/sessions/${id}/notes`)).status).toBe(404);
    expect((await other.owner.client.get(`/api/sessions/${id}/notes/${note!.id}/export`)).status).toBe(404);
    // A note of one session is not found under another.
    expect((await t.junior.client.get(`/api/sessions/${otherSession}/notes/${note!.id}/export`)).status).toBe(
      404,
    );
    expect((await t.junior.client.get(`/api/sessions/${id}/notes/nope/export`)).status).toBe(404);
    expect((await t.junior.client.get('/api/sessions/nope/notes')).status).toBe(404);
    expect(await notesOf(otherSession)).toEqual([]);
  });
});
