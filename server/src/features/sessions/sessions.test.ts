import { ZSessionDetail, ZSuggestionsResponse } from '@rf/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Sessions Co');
});
afterAll(() => h.close());

const newSession = async (
  who = t.junior,
  title = 'Printer offline on 2nd floor',
  problem = 'HP printer shows offline for everyone; jobs stuck in queue',
) => {
  const res = await who.client.post('/api/sessions', {
    title,
    problem,
    customer: 'Contoso',
    asset: 'PRN-2F',
  });
  expect(res.status).toBe(201);
  return res.body.session.id as string;
};

describe('sessions', () => {
  it('creates a session owned by the caller, with an empty timeline', async () => {
    const res = await t.junior.client.post('/api/sessions', {
      title: '  VPN drops  ',
      problem: 'Drops hourly',
      customer: '',
      category: 'VPN',
    });
    expect(res.status).toBe(201);
    const s = ZSessionDetail.parse(res.body.session);
    expect(s).toMatchObject({
      title: 'VPN drops',
      customer: null,
      category: 'VPN',
      status: 'active',
      stepCount: 0,
      timeline: [],
      activeHandoffId: null,
    });
    expect(s.owner).toEqual({ id: t.junior.id, name: t.junior.name });
  });

  it('logs steps, notes and keeps the timeline in order with authors', async () => {
    const id = await newSession();
    await t.junior.client.post(`/api/sessions/${id}/steps`, {
      action: 'Pinged the printer',
      outcome: 'failed',
      detail: 'timeout',
    });
    await t.junior.client.post(`/api/sessions/${id}/notes`, { text: 'Printer panel shows a new IP' });
    const res = await t.junior.client.post(`/api/sessions/${id}/steps`, {
      action: 'Updated the port IP',
      outcome: 'worked',
    });
    expect(res.status).toBe(201);
    const s = ZSessionDetail.parse(res.body.session);
    expect(s.timeline.map((e) => [e.kind, e.text, e.outcome])).toEqual([
      ['step', 'Pinged the printer', 'failed'],
      ['note', 'Printer panel shows a new IP', null],
      ['step', 'Updated the port IP', 'worked'],
    ]);
    expect(s.timeline[0]!.detail).toBe('timeout');
    expect(s.timeline[0]!.author).toEqual({ id: t.junior.id, name: t.junior.name });
    expect(s.stepCount).toBe(2);
  });

  it('only the owner or an admin writes; the account reads', async () => {
    const id = await newSession();
    expect(
      (await t.senior.client.post(`/api/sessions/${id}/steps`, { action: 'x', outcome: 'info' })).status,
    ).toBe(403);
    expect((await t.viewer.client.post(`/api/sessions/${id}/notes`, { text: 'x' })).status).toBe(403);
    expect((await t.admin.client.post(`/api/sessions/${id}/notes`, { text: 'admin note' })).status).toBe(201);
    expect((await t.viewer.client.get(`/api/sessions/${id}`)).status).toBe(200);
    expect((await t.viewer.client.post('/api/sessions', { title: 'x', problem: 'y' })).status).toBe(403);
  });

  it('resolves with a resolution; a resolved session takes no more steps', async () => {
    const id = await newSession();
    const res = await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'Re-added the printer',
    });
    expect(res.status).toBe(200);
    expect(res.body.session).toMatchObject({ status: 'resolved', resolution: 'Re-added the printer' });
    expect(res.body.session.resolvedAt).toBeTruthy();
    const again = await t.junior.client.post(`/api/sessions/${id}/steps`, { action: 'x', outcome: 'info' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('session_resolved');
  });

  it('lists with filters: status, owner, text', async () => {
    const team = await makeTeam(h, 'Filter Co');
    const a = await newSession(team.junior, 'Outlook password prompts', 'Outlook keeps asking');
    const b = await newSession(team.senior, 'Disk full on FS01', 'C: has 0 bytes free');
    await team.senior.client.post(`/api/sessions/${b}/resolve`, { resolution: 'Cleared shadow copies' });
    const ids = async (q: string) =>
      (await team.viewer.client.get(`/api/sessions${q}`)).body.sessions.map((s: { id: string }) => s.id);
    expect(new Set(await ids(''))).toEqual(new Set([a, b]));
    expect(await ids('?status=resolved')).toEqual([b]);
    expect(await ids(`?owner=${team.junior.id}`)).toEqual([a]);
    expect(
      await (async () =>
        (await team.junior.client.get('/api/sessions?owner=me')).body.sessions.map(
          (s: { id: string }) => s.id,
        ))(),
    ).toEqual([a]);
    expect(await ids('?q=outlook')).toEqual([a]);
    expect(await ids('?q=100%25')).toEqual([]);
  });

  it('suggestions never repeat a tried step, and the assistant answers in the timeline', async () => {
    const id = await newSession(
      t.junior,
      'DNS lookups fail',
      'Users cannot resolve intranet.contoso.local; internet names work',
    );
    const first = ZSuggestionsResponse.parse(
      (await t.viewer.client.get(`/api/sessions/${id}/suggestions`)).body,
    );
    expect(first.engine).toBe('builtin');
    expect(first.suggestions.length).toBeGreaterThan(0);
    const tried = first.suggestions[0]!.action;
    await t.junior.client.post(`/api/sessions/${id}/steps`, { action: tried, outcome: 'failed' });
    const second = ZSuggestionsResponse.parse(
      (await t.viewer.client.get(`/api/sessions/${id}/suggestions`)).body,
    );
    expect(second.suggestions.map((s) => s.action)).not.toContain(tried);

    const chat = await t.junior.client.post(`/api/sessions/${id}/assistant/messages`, {
      text: 'What should I try next?',
    });
    expect(chat.status).toBe(201);
    expect(chat.body.reply.engine).toBe('builtin');
    expect(chat.body.reply.text.length).toBeGreaterThan(0);
    const kinds = chat.body.session.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds.slice(-2)).toEqual(['assistant_user', 'assistant_reply']);
  });
});
