import type { TAssessmentWithStart, TDemoInfo, TUrgency } from '@rf/contracts';
import type { Deps } from './deps.js';
import { createAssistant } from './features/assistant/assistant.js';
import type { EngineSession } from './features/assistant/engine.js';
import { newId } from './features/auth/tokens.js';
import { buildHandoffContext, suggestedByEngine } from './features/handoffs/context.js';
import { buildEscalationNote, buildResolutionNote, minutesBetween } from './features/notes/builder.js';
import {
  assessmentKey,
  loadSeedAssessments,
  SEED_ASSESSMENTS_FILE,
  writeSeedAssessments,
} from './seed-assessments.js';
import {
  type PersonKey,
  type PlannedSession,
  type PlannedStep,
  planHistory,
  TEMPLATES,
  type Template,
} from './seed-history.js';
import * as repo from './seed-repo.js';

export const DEMO_ACCOUNT = 'Northwind IT';
/** The demo's sessions of the last this-many days carry ticket notes. */
const NOTES_DAYS = 14;

/** Demo sign-ins. They are printed at start-up and shown on the sign-in page: demo data only. */
export const DEMO_USERS = [
  {
    key: 'owner',
    name: 'Olivia Park',
    email: 'olivia@northwind.example',
    password: 'demo-owner-pass',
    role: 'owner',
    tier: 3,
  },
  {
    key: 'senior',
    name: 'Sam Rivera',
    email: 'sam@northwind.example',
    password: 'demo-senior-pass',
    role: 'engineer',
    tier: 2,
  },
  {
    key: 'junior',
    name: 'Jamie Chen',
    email: 'jamie@northwind.example',
    password: 'demo-junior-pass',
    role: 'engineer',
    tier: 1,
  },
  {
    key: 'viewer',
    name: 'Vic Alvarez',
    email: 'vic@northwind.example',
    password: 'demo-viewer-pass',
    role: 'viewer',
    tier: 1,
  },
] as const;

type DemoKey = (typeof DEMO_USERS)[number]['key'];

/**
 * argon2id hashes of the demo passwords above (same parameters as password.ts), computed once:
 * hashing four passwords took 0.4 s of a first start on two busy cores. The passwords are public
 * (printed, in the README), so their hashes reveal nothing; seed.test.ts checks each one verifies.
 */
export const DEMO_PASSWORD_HASHES: Record<DemoKey, string> = {
  owner: '$argon2id$v=19$m=19456,t=2,p=1$7XndzwD7LCAqd4Nq0G7/7w$v1b5MxkJ+/UzE5ENvlNHDNLTGsED7N44gZBBgvGrFXU',
  senior: '$argon2id$v=19$m=19456,t=2,p=1$9B04xKD1La5vZq5Bp8RRMA$YEdw3gsRVFgTzV7n1pK6uZ6GMCSM8IVgnk3KV0273Jw',
  junior: '$argon2id$v=19$m=19456,t=2,p=1$yZz5gqkYa6MAkeb4YQmBdQ$kKKn7GkbZEE36Fh0Sf6UOvLWP6Juw27f6lm4jXb1nzg',
  viewer: '$argon2id$v=19$m=19456,t=2,p=1$Ar5xhKG5EF10NikKftdTdw$cIXb6OC8coLJPbz4yKz0UEz6bj+9VzzxPyPSZRd/bZ0',
};

export async function isEmpty(deps: Pick<Deps, 'db'>) {
  return (await repo.countAccounts(deps.db.db)) === 0;
}

/** The demo sign-ins that still exist in this database (a user may have deleted or changed them). */
export async function demoInfo(deps: Pick<Deps, 'db'>): Promise<TDemoInfo> {
  const account = await repo.findDemoAccount(deps.db.db);
  if (!account) return { demo: false, signIns: [] };
  const rows = await repo.listUserEmails(deps.db.db, account.id);
  const signIns = DEMO_USERS.filter((d) => rows.some((r) => r.email === d.email)).map((d) => ({
    role: d.role,
    name: d.name,
    email: d.email,
    password: d.password,
    tier: d.tier,
  }));
  return { demo: signIns.length > 0, signIns };
}

const MIN = 60_000;
const DAY = 86_400_000;

/** What the built-in engine reads for a session whose timeline is `steps`. */
function engineSession(
  t: Pick<Template, 'title' | 'problem' | 'customer' | 'category'>,
  asset: string,
  steps: PlannedStep[],
): EngineSession {
  return {
    title: t.title,
    problem: t.problem,
    customer: t.customer,
    asset,
    category: t.category,
    timeline: steps.map((e, i) => ({
      id: String(i),
      kind: 'step',
      text: e.text,
      outcome: e.outcome,
      detail: e.detail,
      at: e.at.toISOString(),
    })),
  };
}

/** Today's work, as the team left it a few minutes ago: one fixed, one in progress, two waiting. */
function planToday(now: Date): PlannedSession[] {
  let t = now.getTime() - 130 * MIN;
  const at = (minutes: number) => {
    t += minutes * MIN;
    return new Date(t);
  };
  const step = (
    minutes: number,
    text: string,
    outcome: PlannedStep['outcome'],
    detail: string | null = null,
  ): PlannedStep => ({
    at: at(minutes),
    by: 'junior',
    kind: 'step',
    text,
    outcome,
    detail,
  });
  const session = (
    template: Omit<Template, 'steps' | 'assets' | 'reason' | 'resolution'>,
    asset: string,
    createdAt: Date,
    entries: PlannedStep[],
  ): PlannedSession => ({
    template: { ...template, assets: [asset], steps: [], reason: '', resolution: '' },
    asset,
    createdAt,
    entries,
    owner: 'junior',
    createdBy: 'junior',
    resolvedAt: null,
    resolution: null,
    status: 'active',
    handoff: null,
  });
  const escalate = (
    s: PlannedSession,
    minutes: number,
    urgency: TUrgency,
    reason: string,
    targetTier: number | null,
  ) => {
    const createdAt = at(minutes);
    s.handoff = {
      createdAt,
      escalatedBy: 'junior',
      urgency,
      targetTier,
      reason,
      status: 'open',
      claimedBy: null,
      claimedAt: null,
      firstActionAt: null,
      closedAt: null,
      triedCount: s.entries.length,
    };
    s.entries.push({
      at: createdAt,
      by: 'junior',
      kind: 'handoff',
      text: `Escalated (${urgency}): ${reason}`,
      outcome: null,
      detail: null,
    });
    s.status = 'escalated';
    return s;
  };

  const printer = session(
    {
      customer: 'Contoso Dental',
      title: 'Second-floor printer shows offline',
      problem:
        'HP LaserJet on the 2nd floor shows "Offline" for everyone since this morning; jobs pile up in the queue.',
      category: 'Printing',
    },
    'PRN-2F-HP-M507',
    at(0),
    [
      step(4, 'Pinged the printer IP 10.0.2.45', 'failed', 'Request timed out x4'),
      step(
        6,
        'Checked printer front panel network status',
        'info',
        'Panel shows a new DHCP address 10.0.2.61',
      ),
      step(5, 'Updated the printer port to 10.0.2.61 on the print server', 'worked'),
    ],
  );
  printer.resolution =
    'Printer had picked up a new DHCP lease. Port updated; reservation added on the DHCP server so it keeps 10.0.2.61.';
  printer.resolvedAt = at(3);
  printer.status = 'resolved';
  printer.entries.push({
    at: printer.resolvedAt,
    by: 'junior',
    kind: 'resolution',
    text: printer.resolution,
    outcome: null,
    detail: null,
  });

  const outlook = session(
    {
      customer: 'Contoso Dental',
      title: 'Outlook keeps prompting for password',
      problem:
        'Front desk PC: Outlook asks for the M365 password every few minutes, even after entering it correctly. Webmail works fine.',
      category: 'Email',
    },
    'FRONTDESK-02',
    at(20),
    [
      step(3, 'Signed in to Outlook on the web with the same account', 'worked'),
      step(
        4,
        'Cleared saved credentials in Windows Credential Manager',
        'failed',
        'Prompt came back after 5 minutes',
      ),
    ],
  );
  outlook.entries.push({
    at: at(2),
    by: 'junior',
    kind: 'note',
    text: 'User says it started after the Windows update on Tuesday.',
    outcome: null,
    detail: null,
  });

  const dns = session(
    {
      customer: 'Fabrikam Legal',
      title: 'Intranet site will not resolve for the whole office',
      problem:
        'Nobody at Fabrikam Legal can open intranet.fabrikam.local since 9am. Internet sites work. DNS error in the browser: DNS_PROBE_FINISHED_NXDOMAIN.',
      category: 'Network',
    },
    'FAB-DC01',
    at(30),
    [
      step(3, 'ipconfig /flushdns on two workstations', 'failed', 'Still NXDOMAIN'),
      step(
        4,
        'nslookup intranet.fabrikam.local against 10.1.0.10',
        'failed',
        "*** FAB-DC01 can't find intranet.fabrikam.local: Non-existent domain",
      ),
      step(3, 'Checked the DNS Server service on FAB-DC01 is running', 'worked'),
    ],
  );
  escalate(
    dns,
    6,
    'high',
    'DNS service is up but the record seems gone; not sure how to check the zone safely',
    2,
  );

  const vpn = session(
    {
      customer: 'Fabrikam Legal',
      title: 'VPN connects but no access to file shares',
      problem:
        'Remote paralegal connects to the SonicWall VPN fine but \\\\fab-fs01\\matters is unreachable; mapped drive shows a red X.',
      category: 'VPN',
    },
    'FAB-LT-114',
    at(15),
    [
      step(5, 'Reconnected the VPN client', 'failed'),
      step(4, 'Pinged fab-fs01 by name over the VPN', 'failed', 'Ping request could not find host fab-fs01'),
      step(2, 'Pinged 10.1.0.20 (fab-fs01 IP) over the VPN', 'worked'),
    ],
  );
  escalate(
    vpn,
    4,
    'normal',
    'Works by IP, not by name over VPN — I think it is the VPN DNS settings but cannot edit the SonicWall',
    null,
  );
  return [printer, outlook, dns, vpn];
}

/**
 * Seeds the demo account: the four demo people, 90 days of history over three customers, the
 * stopwatch baselines of the old process, and today's work. Bulk inserts in one transaction (a
 * crash leaves no half-seeded account); assessments come from the built-in engine only, so a
 * slow or absent LLM never delays the first start.
 */
export async function seedDemo(
  deps: Pick<Deps, 'db' | 'clock'>,
  prebuiltFile: URL | string = SEED_ASSESSMENTS_FILE,
) {
  const now = deps.clock();
  const accountId = newId();
  const since = new Date(now.getTime() - 92 * DAY);
  const people = Object.fromEntries(
    DEMO_USERS.map((d) => [d.key, { id: newId(), name: d.name, hash: DEMO_PASSWORD_HASHES[d.key] }]),
  ) as Record<DemoKey, { id: string; name: string; hash: string }>;
  const names = { owner: people.owner.name, senior: people.senior.name, junior: people.junior.name };

  const engine = demoEngine(prebuiltFile);
  const assess = engine.assess;
  const byTemplate = new Map<Template, TAssessmentWithStart>();
  for (const t of TEMPLATES) byTemplate.set(t, await assess(templateSession(t, now)));
  const history = planHistory(now, names, (t) => byTemplate.get(t)!.startHere.action);
  const today = planToday(now);
  const planned = [...history.sessions, ...today];

  const sessionRows: Parameters<typeof repo.insertSessions>[1] = [];
  const timeline: Parameters<typeof repo.insertTimeline>[1] = [];
  const handoffRows: Parameters<typeof repo.insertHandoffs>[1] = [];
  const audit: Parameters<typeof repo.insertAudit>[1] = [];
  const notificationRows: Parameters<typeof repo.insertNotifications>[1] = [];
  const handoffIds: (string | null)[] = [];
  // The ticket notes a resolve and an escalation write (issue 15), as the services would have, for
  // the last two weeks of the story (ticket notes came in then): notes for all 90 days would add
  // about a fifth to the seed's time for screens nobody opens.
  const noteRows: Parameters<typeof repo.insertTicketNotes>[1] = [];
  const notesSince = now.getTime() - NOTES_DAYS * 86_400_000;
  const person = (k: PersonKey) => people[k];

  for (const s of planned) {
    const sessionId = newId();
    const entries = s.entries.map((e) => ({
      id: newId(),
      accountId,
      sessionId,
      kind: e.kind,
      text: e.text,
      outcome: e.outcome,
      detail: e.detail,
      authorId: person(e.by).id,
      createdAt: e.at,
    }));
    timeline.push(...entries);
    sessionRows.push({
      id: sessionId,
      accountId,
      title: s.template.title,
      problem: s.template.problem,
      customer: s.template.customer,
      asset: s.asset,
      category: s.template.category,
      status: s.status,
      ownerId: person(s.owner).id,
      createdById: person(s.createdBy).id,
      createdAt: s.createdAt,
      updatedAt: s.entries.at(-1)?.at ?? s.createdAt,
      resolvedAt: s.resolvedAt,
      resolution: s.resolution,
    });
    const withNotes = s.createdAt.getTime() >= notesSince;
    if (withNotes && s.status === 'resolved' && s.resolution && s.resolvedAt) {
      const minutesWorked = minutesBetween(s.createdAt, s.resolvedAt);
      noteRows.push({
        id: newId(),
        accountId,
        sessionId,
        kind: 'resolution',
        body: buildResolutionNote({
          session: { ...s.template, asset: s.asset },
          timeline: entries,
          resolution: s.resolution,
          minutesWorked,
        }).text,
        minutesWorked,
        createdById: person(s.owner).id,
        createdAt: s.resolvedAt,
      });
    }
    const h = s.handoff;
    if (!h) {
      handoffIds.push(null);
      continue;
    }
    const handoffId = newId();
    handoffIds.push(handoffId);
    const tried = s.entries.slice(0, h.triedCount);
    const assessed = byTemplate.get(s.template) ?? (await assess(engineSession(s.template, s.asset, tried)));
    const escalator = person(h.escalatedBy);
    const context = buildHandoffContext({
      session: { ...engineSession(s.template, s.asset, tried), createdAt: s.createdAt },
      timeline: entries.slice(0, h.triedCount).map((e) => ({
        id: e.id,
        kind: e.kind,
        text: e.text,
        outcome: e.outcome,
        detail: e.detail,
        author: { id: escalator.id, name: escalator.name },
        at: e.createdAt.toISOString(),
      })),
      assessed,
      reason: h.reason,
      urgency: h.urgency,
      now: h.createdAt,
      suggestedActions: engine.suggested,
    });
    handoffRows.push({
      id: handoffId,
      accountId,
      sessionId,
      intent: 'escalate',
      status: h.status,
      reason: h.reason,
      urgency: h.urgency,
      targetTier: h.targetTier,
      targetUserId: null,
      createdById: escalator.id,
      createdAt: h.createdAt,
      claimedById: h.claimedBy ? person(h.claimedBy).id : null,
      claimedAt: h.claimedAt,
      firstActionAt: h.firstActionAt,
      closedAt: h.closedAt,
      context,
    });
    if (withNotes)
      noteRows.push({
        id: newId(),
        accountId,
        sessionId,
        handoffId,
        kind: 'escalation',
        body: buildEscalationNote({
          session: { ...s.template, asset: s.asset },
          context,
          targetTier: h.targetTier,
          targetName: null,
        }).text,
        minutesWorked: context.problemSummary.workedMinutes,
        createdById: escalator.id,
        createdAt: h.createdAt,
      });
    const act = (action: (typeof audit)[number]['action'], by: PersonKey, at: Date | null) => {
      if (at) audit.push({ accountId, handoffId, action, actorId: person(by).id, at });
    };
    act('created', h.escalatedBy, h.createdAt);
    if (h.claimedBy) {
      act('claimed', h.claimedBy, h.claimedAt);
      act('first_action', h.claimedBy, h.firstActionAt);
      if (h.status === 'resolved') act('resolved', h.claimedBy, h.closedAt);
    }
    if (h.status === 'cancelled') act('cancelled', h.escalatedBy, h.closedAt);
    if (h.status === 'open') {
      // As an escalation does: the waiting card is in the in-app feed of the seniors, and their
      // e-mail is queued in the outbox (kept locally until SMTP_URL is set).
      for (const r of [person('senior'), person('owner')]) {
        const payload = { intent: 'escalate', handoffId };
        const common = { accountId, handoffId, recipientId: r.id, payload, createdAt: h.createdAt };
        notificationRows.push({
          ...common,
          id: newId(),
          channel: 'in_app',
          status: 'sent',
          sentAt: h.createdAt,
        });
        notificationRows.push({
          ...common,
          id: newId(),
          channel: 'email',
          status: 'pending',
          nextAttemptAt: h.createdAt,
        });
      }
    }
  }
  // The timeline's order is its serial `seq`: insert in time order.
  timeline.sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime());
  audit.sort((a, b) => a.at!.getTime() - b.at!.getTime());

  await deps.db.db.transaction(async (tx) => {
    await repo.insertAccount(tx, { id: accountId, name: DEMO_ACCOUNT, isDemo: true, createdAt: since });
    await repo.insertUsers(
      tx,
      DEMO_USERS.map((d) => ({
        id: people[d.key].id,
        accountId,
        name: d.name,
        email: d.email,
        passwordHash: people[d.key].hash,
        role: d.role,
        tier: d.tier,
        createdAt: since,
      })),
    );
    await repo.insertSessions(tx, sessionRows);
    await repo.insertHandoffs(tx, handoffRows);
    await repo.insertTimeline(tx, timeline);
    await repo.insertAudit(tx, audit);
    await repo.insertNotifications(tx, notificationRows);
    await repo.insertTicketNotes(tx, noteRows);
    await repo.insertBaselines(
      tx,
      history.baselines.map((b) => ({
        id: newId(),
        accountId,
        durationSeconds: b.durationSeconds,
        measuredAt: b.measuredAt,
        handoffId: handoffIds[b.sessionIndex] ?? null,
        note: b.note,
        recordedById: people.owner.id,
        createdAt: b.recordedAt,
      })),
    );
  });
  return {
    accountId,
    sessions: sessionRows.length,
    escalations: handoffRows.length,
    baselines: history.baselines.length,
    /** What the engine had to compute here (0 when the build's file covers the seed). */
    engineLive: engine.live,
  };
}

/** Every instance of a template logs the same steps, so one assessment per template serves all. */
function templateSession(t: Template, now: Date): EngineSession {
  const steps = t.steps.map(([text, outcome, detail]) => ({
    at: now,
    by: 'junior' as const,
    kind: 'step' as const,
    text,
    outcome,
    detail: detail ?? null,
  }));
  return engineSession(t, t.assets[0]!, steps);
}

/**
 * Every session the seed shows the engine: to assess (one per template, and each of today's
 * escalations with what was tried before it) and to list the suggestions of (each escalated
 * session's template and asset, before its first step and with what was tried). The build runs the
 * engine over these (seed-assessments.ts); none of them depends on the clock.
 */
export function demoEngineInputs(now: Date): { assess: EngineSession[]; suggest: EngineSession[] } {
  const assess = TEMPLATES.map((t) => templateSession(t, now));
  const suggest: EngineSession[] = [];
  const both = (s: EngineSession) => suggest.push({ ...s, timeline: [] }, s);
  for (const t of TEMPLATES) for (const asset of t.assets) both({ ...templateSession(t, now), asset });
  for (const s of planToday(now)) {
    if (!s.handoff) continue;
    const tried = engineSession(s.template, s.asset, s.entries.slice(0, s.handoff.triedCount));
    if (!TEMPLATES.includes(s.template)) assess.push(tried);
    both(tried);
  }
  return { assess, suggest };
}

/**
 * Runs the built-in engine over everything the seed will ask it (`demoEngineInputs`) and writes the
 * answers to `file`: the build does this (build-seed-assessments.ts), and so does the seed's test.
 */
export async function writeDemoEngineAnswers(file: URL | string, now: Date) {
  const builtin = createAssistant({ llm: null });
  const inputs = demoEngineInputs(now);
  const assessed = [];
  for (const session of inputs.assess) assessed.push({ session, assessment: await builtin.assess(session) });
  const suggested = inputs.suggest.map((session) => ({ session, actions: [...suggestedByEngine(session)] }));
  return writeSeedAssessments(file, assessed, suggested);
}

/** The built-in engine's answers, from the build's file when it has them; `live` counts the rest. */
function demoEngine(prebuiltFile: URL | string) {
  const prebuilt = loadSeedAssessments(prebuiltFile);
  let builtin: ReturnType<typeof createAssistant> | undefined;
  const engine = {
    live: 0,
    async assess(s: EngineSession): Promise<TAssessmentWithStart> {
      const hit = prebuilt.assessments.get(assessmentKey(s));
      if (hit) return hit;
      engine.live++;
      builtin ??= createAssistant({ llm: null });
      return builtin.assess(s);
    },
    suggested(s: EngineSession): readonly string[] {
      const hit = prebuilt.suggested.get(assessmentKey(s));
      if (hit) return hit;
      engine.live++;
      return suggestedByEngine(s);
    },
  };
  return engine;
}

export function printDemoSignIns(info: TDemoInfo, url: string, log: (line: string) => void) {
  if (!info.demo) return;
  log(`Demo account "${DEMO_ACCOUNT}" — sign in at ${url}`);
  for (const s of info.signIns)
    log(`  ${s.role.padEnd(8)} tier ${s.tier}  ${s.email.padEnd(28)} ${s.password}   (${s.name})`);
}
