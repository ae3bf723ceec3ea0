import type { TDemoInfo } from '@rf/contracts';
import { count, eq } from 'drizzle-orm';
import { accounts, users } from './db/schema.js';
import type { Deps } from './deps.js';
import * as analytics from './features/analytics/service.js';
import { hashPassword } from './features/auth/password.js';
import * as authRepo from './features/auth/repo.js';
import { toAuthUser } from './features/auth/service.js';
import { newId } from './features/auth/tokens.js';
import * as handoffs from './features/handoffs/service.js';
import * as sessions from './features/sessions/service.js';

export const DEMO_ACCOUNT = 'Northwind IT';

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

export async function isEmpty(deps: Pick<Deps, 'db'>) {
  const [r] = await deps.db.db.select({ n: count() }).from(accounts);
  return (r?.n ?? 0) === 0;
}

/** The demo sign-ins that still exist in this database (a user may have deleted or changed them). */
export async function demoInfo(deps: Pick<Deps, 'db'>): Promise<TDemoInfo> {
  const [account] = await deps.db.db.select().from(accounts).where(eq(accounts.name, DEMO_ACCOUNT));
  if (!account) return { demo: false, signIns: [] };
  const rows = await deps.db.db.select().from(users).where(eq(users.accountId, account.id));
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

export async function seedDemo(deps: Deps) {
  const accountId = newId();
  await authRepo.insertAccount(deps.db.db, { id: accountId, name: DEMO_ACCOUNT });
  const made = new Map<string, ReturnType<typeof toAuthUser>>();
  for (const d of DEMO_USERS) {
    const row = await authRepo.insertUser(deps.db.db, {
      id: newId(),
      accountId,
      name: d.name,
      email: d.email,
      passwordHash: await hashPassword(d.password),
      role: d.role,
      tier: d.tier,
    });
    made.set(d.key, toAuthUser(row));
  }
  const person = (key: DemoKey) => made.get(key)!;
  const u = {
    owner: person('owner'),
    senior: person('senior'),
    junior: person('junior'),
    viewer: person('viewer'),
  };

  await seedHistory(deps, u);

  // Sessions are written through the real services, at times spread over the last hours.
  const realNow = deps.clock;
  let t = realNow().getTime() - 130 * MIN;
  const at = (minutesLater: number) => {
    t += minutesLater * MIN;
    const fixed = new Date(t);
    return { ...deps, clock: () => fixed };
  };

  const printer = await sessions.createSession(at(0), u.junior, {
    title: 'Second-floor printer shows offline',
    problem:
      'HP LaserJet on the 2nd floor shows "Offline" for everyone since this morning; jobs pile up in the queue.',
    customer: 'Contoso Dental',
    asset: 'PRN-2F-HP-M507',
    category: 'Printing',
  });
  await sessions.addStep(at(4), u.junior, printer.id, {
    action: 'Pinged the printer IP 10.0.2.45',
    outcome: 'failed',
    detail: 'Request timed out x4',
  });
  await sessions.addStep(at(6), u.junior, printer.id, {
    action: 'Checked printer front panel network status',
    outcome: 'info',
    detail: 'Panel shows a new DHCP address 10.0.2.61',
  });
  await sessions.addStep(at(5), u.junior, printer.id, {
    action: 'Updated the printer port to 10.0.2.61 on the print server',
    outcome: 'worked',
  });
  await sessions.resolveSession(
    at(3),
    u.junior,
    printer.id,
    'Printer had picked up a new DHCP lease. Port updated; reservation added on the DHCP server so it keeps 10.0.2.61.',
  );

  const outlook = await sessions.createSession(at(20), u.junior, {
    title: 'Outlook keeps prompting for password',
    problem:
      'Front desk PC: Outlook asks for the M365 password every few minutes, even after entering it correctly. Webmail works fine.',
    customer: 'Contoso Dental',
    asset: 'FRONTDESK-02',
    category: 'Email',
  });
  await sessions.addStep(at(3), u.junior, outlook.id, {
    action: 'Signed in to Outlook on the web with the same account',
    outcome: 'worked',
  });
  await sessions.addStep(at(4), u.junior, outlook.id, {
    action: 'Cleared saved credentials in Windows Credential Manager',
    outcome: 'failed',
    detail: 'Prompt came back after 5 minutes',
  });
  await sessions.addNote(
    at(2),
    u.junior,
    outlook.id,
    'User says it started after the Windows update on Tuesday.',
  );

  const dns = await sessions.createSession(at(30), u.junior, {
    title: 'Intranet site will not resolve for the whole office',
    problem:
      'Nobody at Fabrikam Legal can open intranet.fabrikam.local since 9am. Internet sites work. DNS error in the browser: DNS_PROBE_FINISHED_NXDOMAIN.',
    customer: 'Fabrikam Legal',
    asset: 'FAB-DC01',
    category: 'Network',
  });
  await sessions.addStep(at(3), u.junior, dns.id, {
    action: 'ipconfig /flushdns on two workstations',
    outcome: 'failed',
    detail: 'Still NXDOMAIN',
  });
  await sessions.addStep(at(4), u.junior, dns.id, {
    action: 'nslookup intranet.fabrikam.local against 10.1.0.10',
    outcome: 'failed',
    detail: "*** FAB-DC01 can't find intranet.fabrikam.local: Non-existent domain",
  });
  await sessions.addStep(at(3), u.junior, dns.id, {
    action: 'Checked the DNS Server service on FAB-DC01 is running',
    outcome: 'worked',
  });
  await handoffs.escalate(at(6), u.junior, dns.id, {
    intent: 'escalate',
    reason: 'DNS service is up but the record seems gone; not sure how to check the zone safely',
    urgency: 'high',
    targetTier: 2,
  });

  const vpn = await sessions.createSession(at(15), u.junior, {
    title: 'VPN connects but no access to file shares',
    problem:
      'Remote paralegal connects to the SonicWall VPN fine but \\\\fab-fs01\\matters is unreachable; mapped drive shows a red X.',
    customer: 'Fabrikam Legal',
    asset: 'FAB-LT-114',
    category: 'VPN',
  });
  await sessions.addStep(at(5), u.junior, vpn.id, {
    action: 'Reconnected the VPN client',
    outcome: 'failed',
  });
  await sessions.addStep(at(4), u.junior, vpn.id, {
    action: 'Pinged fab-fs01 by name over the VPN',
    outcome: 'failed',
    detail: 'Ping request could not find host fab-fs01',
  });
  await sessions.addStep(at(2), u.junior, vpn.id, {
    action: 'Pinged 10.1.0.20 (fab-fs01 IP) over the VPN',
    outcome: 'worked',
  });
  await handoffs.escalate(at(4), u.junior, vpn.id, {
    intent: 'escalate',
    reason:
      'Works by IP, not by name over VPN — I think it is the VPN DNS settings but cannot edit the SonicWall',
    urgency: 'normal',
  });
  return { accountId, users: u };
}

const HISTORY = [
  {
    title: 'New starter cannot sign in to M365',
    problem: 'New hire gets "Your account has been locked" at first sign-in; password was just set.',
    customer: 'Contoso Dental',
    asset: 'user: a.khan',
    steps: [
      ['Reset the password in the M365 admin centre', 'failed'],
      ['Checked the sign-in logs for the user', 'info'],
    ],
  },
  {
    title: 'Scanner-to-email stopped working',
    problem: 'The Ricoh copier cannot send scans to email since Monday; error "SMTP authentication failed".',
    customer: 'Fabrikam Legal',
    asset: 'RICOH-IMC3000',
    steps: [['Re-entered the SMTP password on the copier', 'failed']],
  },
  {
    title: 'Laptop very slow after update',
    problem: 'Dell laptop takes 10 minutes to boot and apps freeze since the latest Windows update.',
    customer: 'Contoso Dental',
    asset: 'LT-0093',
    steps: [
      ['Checked Task Manager for CPU and disk use', 'info'],
      ['Ran disk cleanup', 'partial'],
    ],
  },
  {
    title: 'Backup job failed three nights running',
    problem: 'Veeam job for FS01 fails with "VSS snapshot error" every night this week.',
    customer: 'Fabrikam Legal',
    asset: 'FAB-FS01',
    steps: [
      ['Re-ran the job manually', 'failed'],
      ['Checked free space on the repository', 'worked'],
    ],
  },
  {
    title: 'Wi-Fi drops in the meeting room',
    problem: 'Laptops in meeting room B lose Wi-Fi every few minutes; other rooms are fine.',
    customer: 'Northwind Traders',
    asset: 'AP-MEET-B',
    steps: [['Forgot and re-joined the network', 'failed']],
  },
  {
    title: 'Outlook search returns nothing',
    problem: 'Outlook search finds no results for any mail older than last week.',
    customer: 'Contoso Dental',
    asset: 'RECEPTION-01',
    steps: [['Rebuilt the Windows search index', 'partial']],
  },
  {
    title: 'RDP to accounting server refused',
    problem: 'Remote Desktop to ACC-SRV01 says "The remote computer refused the connection" for everyone.',
    customer: 'Fabrikam Legal',
    asset: 'ACC-SRV01',
    steps: [
      ['Pinged ACC-SRV01', 'worked'],
      ['Checked the server is powered on in vSphere', 'worked'],
    ],
  },
  {
    title: 'Certificate warning on client portal',
    problem: 'Customers see "Your connection is not private" on portal.northwind.example since this morning.',
    customer: 'Northwind Traders',
    asset: 'portal.northwind.example',
    steps: [['Opened the site in another browser', 'failed']],
  },
  {
    title: 'MFA prompts not arriving',
    problem: 'User gets no Authenticator push after changing phones.',
    customer: 'Contoso Dental',
    asset: 'user: m.lopez',
    steps: [['Asked the user to reopen the Authenticator app', 'failed']],
  },
  {
    title: 'Mapped S: drive missing',
    problem: 'S: drive no longer appears after login for the finance team.',
    customer: 'Northwind Traders',
    asset: 'FIN-PCs',
    steps: [
      ['Ran gpupdate /force', 'failed'],
      ['Mapped the drive by hand', 'worked'],
    ],
  },
] as const;

// (claim after, first action after) in minutes: a realistic spread for the metric card and chart.
const HISTORY_TIMES = [
  [2, 1],
  [6, 3],
  [1, 2],
  [11, 4],
  [3, 1],
  [4, 6],
  [2, 2],
  [8, 3],
  [5, 2],
  [3, 4],
] as const;

/** Two weeks of escalations that were picked up and worked, plus stopwatch baselines of the old process. */
async function seedHistory(deps: Deps, u: Record<DemoKey, ReturnType<typeof toAuthUser>>) {
  const start = deps.clock().getTime() - 14 * 86_400_000;
  for (const [i, h] of HISTORY.entries()) {
    let t = start + i * 31 * 3_600_000 + 9 * 3_600_000; // every ~31 hours, mid-morning
    const at = (minutes: number) => {
      t += minutes * MIN;
      const fixed = new Date(t);
      return { ...deps, clock: () => fixed };
    };
    const s = await sessions.createSession(at(0), u.junior, {
      title: h.title,
      problem: h.problem,
      customer: h.customer,
      asset: h.asset,
    });
    for (const [action, outcome] of h.steps)
      await sessions.addStep(at(4), u.junior, s.id, { action, outcome });
    const handoff = await handoffs.escalate(at(3), u.junior, s.id, {
      intent: 'escalate',
      reason: 'Tried the usual fixes; need someone who knows this system',
      urgency: i % 3 === 0 ? 'high' : 'normal',
    });
    const [claimAfter, actAfter] = HISTORY_TIMES[i]!;
    const senior = i % 4 === 3 ? u.owner : u.senior;
    await handoffs.claim(at(claimAfter), senior, handoff.id);
    await sessions.addStep(at(actAfter), senior, s.id, {
      action: handoff.context.startHere.action,
      outcome: 'worked',
    });
    await sessions.resolveSession(
      at(12),
      senior,
      s.id,
      'Fixed from the handoff: the start-here check found the cause.',
    );
  }
  // Stopwatch timings of the old "tell me what you tried" call, recorded by the owner.
  for (const [i, seconds] of [250, 390, 305, 460, 235, 350].entries()) {
    await analytics.recordBaseline({ ...deps, clock: () => new Date(start + i * 86_400_000) }, u.owner, {
      durationSeconds: seconds,
      measuredAt: new Date(start - (20 - i) * 86_400_000).toISOString(),
      note: 'Stopwatch: verbal handoff call before ResolutionFlow',
    });
  }
}

export function printDemoSignIns(info: TDemoInfo, url: string, log: (line: string) => void) {
  if (!info.demo) return;
  log(`Demo account "${DEMO_ACCOUNT}" — sign in at ${url}`);
  for (const s of info.signIns)
    log(`  ${s.role.padEnd(8)} tier ${s.tier}  ${s.email.padEnd(28)} ${s.password}   (${s.name})`);
}
