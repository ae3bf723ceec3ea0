import { type Browser, test as base, expect, type Page } from '@playwright/test';

export type Person = 'owner' | 'senior' | 'junior' | 'viewer';

/** The demo seed's sign-ins (GET /api/demo lists the same; auth.spec.ts checks that). */
export const PEOPLE: Record<Person, { email: string; password: string; name: RegExp }> = {
  owner: { email: 'olivia@northwind.example', password: 'demo-owner-pass', name: /olivia/i },
  senior: { email: 'sam@northwind.example', password: 'demo-senior-pass', name: /sam/i },
  junior: { email: 'jamie@northwind.example', password: 'demo-junior-pass', name: /jamie/i },
  viewer: { email: 'vic@northwind.example', password: 'demo-viewer-pass', name: /vic/i },
};

export async function signInOn(page: Page, who: Person) {
  const person = PEOPLE[who];
  await page.goto('/signin');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/sessions$/);
  await expect(page.getByRole('button', { name: /account menu/i })).toBeVisible();
}

export interface SessionInput {
  title: string;
  problem: string;
  customer?: string;
  asset?: string;
  category?: string;
}

/** API helpers that act as the page's signed-in user (they share its cookies). */
export function apiFor(page: Page) {
  const req = page.request;
  return {
    async createSession(body: SessionInput): Promise<{ id: string; title: string }> {
      const res = await req.post('/api/sessions', { data: body });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()).session;
    },
    async logStep(
      sessionId: string,
      body: { action: string; outcome: 'worked' | 'failed' | 'partial' | 'info'; detail?: string },
    ) {
      const res = await req.post(`/api/sessions/${sessionId}/steps`, { data: body });
      expect(res.ok(), await res.text()).toBe(true);
    },
    async addNote(sessionId: string, text: string) {
      const res = await req.post(`/api/sessions/${sessionId}/notes`, { data: { text } });
      expect(res.ok(), await res.text()).toBe(true);
    },
    async ask(sessionId: string, text: string) {
      const res = await req.post(`/api/sessions/${sessionId}/assistant/messages`, { data: { text } });
      expect(res.ok(), await res.text()).toBe(true);
    },
    async escalate(
      sessionId: string,
      body: { reason: string; urgency: 'low' | 'normal' | 'high' | 'critical'; targetTier?: number },
    ) {
      const res = await req.post(`/api/sessions/${sessionId}/handoffs`, {
        data: { intent: 'escalate', ...body },
      });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()).handoff as { id: string };
    },
  };
}

type Fixtures = {
  /** Signs the default `page` in as one of the demo people. */
  signIn: (who: Person) => Promise<Page>;
  /** A second, separate browser (own cookies) signed in as someone else. */
  personPage: (who: Person, viewport?: { width: number; height: number }) => Promise<Page>;
};

export const test = base.extend<Fixtures>({
  signIn: async ({ page }, use) => {
    await use(async (who) => {
      await signInOn(page, who);
      return page;
    });
  },
  personPage: async ({ browser }, use) => {
    const opened: Awaited<ReturnType<Browser['newContext']>>[] = [];
    await use(async (who, viewport) => {
      const context = await browser.newContext(viewport ? { viewport } : {});
      opened.push(context);
      const page = await context.newPage();
      await signInOn(page, who);
      return page;
    });
    for (const c of opened) await c.close();
  },
});

export { expect };

/** A unique suffix so specs never collide with seeded or earlier data. */
export const uniq = () => Math.random().toString(36).slice(2, 7);

/**
 * A fresh account (the demo team stays as it is) whose owner is signed in on `page`. Returns the
 * tag its e-mail addresses carry.
 */
export async function signUpOwner(page: Page, label: string, name = 'Pat Owner') {
  const tag = uniq();
  const signup = await page.request.post('/api/auth/signup', {
    data: {
      accountName: `${label} ${tag}`,
      name,
      email: `owner.${tag}@example.test`,
      password: 'owner password 1',
    },
  });
  expect(signup.status(), await signup.text()).toBe(201);
  return { tag, ownerEmail: `owner.${tag}@example.test` };
}

/**
 * The signed-in `inviter` invites someone, who accepts in a browser context of their own and is
 * signed in there. Close `context` when done.
 */
export async function inviteAndAccept(
  inviter: Page,
  browser: Browser,
  who: { email: string; name: string; password: string; role: string; tier: number },
) {
  const invite = await inviter.request.post('/api/invitations', {
    data: { email: who.email, role: who.role, tier: who.tier },
  });
  expect(invite.status(), await invite.text()).toBe(201);
  const { token } = await invite.json();
  const context = await browser.newContext();
  const page = await context.newPage();
  const accepted = await page.request.post(`/api/invitations/${token}/accept`, {
    data: { name: who.name, password: who.password },
  });
  expect(accepted.status(), await accepted.text()).toBe(201);
  return { context, page };
}
