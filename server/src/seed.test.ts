import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, demoInfo, isEmpty, seedDemo } from './seed.js';
import { type Harness, startApp } from './test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startApp();
  expect(await isEmpty(h.deps)).toBe(true);
  await seedDemo(h.deps);
}, 120_000);
afterAll(() => h.close());

describe('demo seed', () => {
  it('creates Northwind IT with an owner, a senior, a junior and a viewer whose printed sign-ins work', async () => {
    expect(await isEmpty(h.deps)).toBe(false);
    const info = await demoInfo(h.deps);
    expect(info.demo).toBe(true);
    expect(info.signIns.map((s) => [s.role, s.tier])).toEqual([
      ['owner', 3],
      ['engineer', 2],
      ['engineer', 1],
      ['viewer', 1],
    ]);
    for (const d of DEMO_USERS) {
      const c = h.client();
      const res = await c.post('/api/auth/login', { email: d.email, password: d.password });
      expect(res.status, d.email).toBe(200);
      expect(res.body.account.name).toBe('Northwind IT');
    }
  });

  it('leaves realistic work: open escalations in the queue, a picked-up history and baselines', async () => {
    const c = h.client();
    await c.post('/api/auth/login', { email: 'sam@northwind.example', password: 'demo-senior-pass' });
    const queue = (await c.get('/api/handoffs?status=open')).body.handoffs;
    expect(queue.length).toBe(2);
    expect(queue[0].context).toBeUndefined();
    const sessions = (await c.get('/api/sessions')).body.sessions;
    expect(sessions.some((s: { status: string }) => s.status === 'resolved')).toBe(true);
    const a = (await c.get('/api/analytics/flowpilot/escalations?period=30d')).body;
    expect(a.timeToFirstAction.n).toBe(10);
    expect(a.baseline.n).toBe(6);
    expect(a.minutesRecovered.perEscalation).toBeGreaterThan(0);
  });
});
