/**
 * The demo account's 90 days of history, generated as plain rows (no database, no clock, no LLM):
 * three customers' worth of sessions in Northwind IT, most escalated, picked up and resolved.
 *
 * The story the analytics tell: in the first weeks the seniors still rang the junior before
 * acting ("tell me what you tried"), so time to first action is close to the stopwatch baseline;
 * as the team adopts the handoff screen it falls to two minutes or so. A seeded pseudo-random
 * generator makes every seed of the same day give the same figures.
 */
import type { TUrgency } from '@rf/contracts';

export type Outcome = 'worked' | 'failed' | 'partial' | 'info';
type Step = readonly [action: string, outcome: Outcome, detail?: string];

export interface Template {
  customer: string;
  title: string;
  problem: string;
  assets: readonly string[];
  category: string;
  steps: readonly Step[];
  reason: string;
  resolution: string;
}

const CONTOSO = 'Contoso Dental';
const FABRIKAM = 'Fabrikam Legal';
const TAILSPIN = 'Tailspin Logistics';

export const TEMPLATES: readonly Template[] = [
  {
    customer: CONTOSO,
    title: 'Reception printer shows offline',
    problem:
      'The HP LaserJet at reception shows "Offline" on every PC; appointment letters pile up in the queue.',
    assets: ['PRN-RECEP-HP-M404', 'PRN-SURG2-HP-M404'],
    category: 'Printing',
    steps: [
      ['Pinged the printer by IP', 'failed', 'Request timed out x4'],
      ['Power-cycled the printer', 'failed', 'Still offline after it came back'],
    ],
    reason: 'Printer has an IP on its panel but nothing answers; not sure where to look next',
    resolution:
      'The printer had taken a new DHCP lease. Port updated and a reservation added so it keeps its address.',
  },
  {
    customer: CONTOSO,
    title: 'Outlook keeps prompting for password',
    problem:
      'Outlook on the front-desk PC asks for the Microsoft 365 password every few minutes, even after entering it. Webmail works.',
    assets: ['FRONTDESK-02', 'FRONTDESK-01', 'HYGIENE-03'],
    category: 'Email',
    steps: [
      ['Signed in to Outlook on the web with the same account', 'worked'],
      [
        'Cleared saved credentials in Windows Credential Manager',
        'failed',
        'Prompt came back after 5 minutes',
      ],
    ],
    reason: 'Credentials cleared, still prompting; might be the Outlook profile or modern auth',
    resolution: 'Rebuilt the Outlook profile and removed a stale work account under Access work or school.',
  },
  {
    customer: CONTOSO,
    title: 'Imaging PC cannot reach the X-ray share',
    problem:
      'Operatory 3 imaging PC cannot open \\\\CD-FS01\\xray; the imaging software says the path is unavailable.',
    assets: ['OP3-IMAGING', 'OP1-IMAGING'],
    category: 'File share',
    steps: [
      ['Opened the share from another PC', 'worked'],
      ['Checked the mapped drive letter', 'failed', 'Drive shows a red X'],
    ],
    reason: 'Share works elsewhere, only this PC fails; suspect permissions or cached credentials',
    resolution:
      'Removed stale cached credentials for CD-FS01 and re-mapped the drive with the service account.',
  },
  {
    customer: CONTOSO,
    title: 'MFA prompts not arriving on new phone',
    problem:
      'Dentist changed phones over the weekend and no longer gets Microsoft Authenticator push prompts.',
    assets: ['user: dr.patel', 'user: l.nguyen'],
    category: 'Identity',
    steps: [['Asked the user to reopen the Authenticator app', 'failed']],
    reason: 'User is locked out of M365 until MFA works; I do not have rights to reset methods',
    resolution: 'Required re-registration of MFA methods; the user set up Authenticator on the new phone.',
  },
  {
    customer: CONTOSO,
    title: 'Practice management app will not start after update',
    problem: 'Dentrix fails to start on two PCs since last night; it shows an error about a missing DLL.',
    assets: ['OP2-PC', 'FRONTDESK-01'],
    category: 'Application',
    steps: [
      ['Rebooted the PC', 'failed'],
      ['Ran the application repair', 'failed', 'Repair finished but the DLL error is back'],
    ],
    reason: 'Repair did not help; wondering if the antivirus is removing the file',
    resolution: 'Defender had quarantined the updated DLL. Restored it and added a scoped exclusion.',
  },
  {
    customer: CONTOSO,
    title: 'Wi-Fi drops in the surgery rooms',
    problem: 'Tablets in the surgery rooms lose Wi-Fi every few minutes; the waiting room is fine.',
    assets: ['AP-SURGERY', 'AP-HALL'],
    category: 'Network',
    steps: [
      ['Forgot and re-joined the network on a tablet', 'failed'],
      ['Checked the access point is online in the controller', 'worked'],
    ],
    reason: 'AP is up but clients keep roaming off it; need someone who knows the controller',
    resolution: 'Channel overlap with a neighbour: moved the surgery AP to a clean 5 GHz channel.',
  },
  {
    customer: CONTOSO,
    title: 'Scanner-to-email stopped working',
    problem:
      'The Ricoh copier cannot send scans to email since Monday; it says "SMTP authentication failed".',
    assets: ['RICOH-IMC3000'],
    category: 'Email',
    steps: [['Re-entered the SMTP password on the copier', 'failed']],
    reason: 'Password is right but SMTP auth still fails; may be a tenant setting',
    resolution: 'SMTP AUTH was disabled tenant-wide; enabled it for the scanner mailbox only.',
  },
  {
    customer: CONTOSO,
    title: 'Laptop very slow after Windows update',
    problem:
      'Office manager laptop takes ten minutes to boot and apps freeze since the latest Windows update.',
    assets: ['LT-0093', 'LT-0107'],
    category: 'Performance',
    steps: [
      ['Checked Task Manager for CPU and disk use', 'info', 'Disk at 100% with low CPU'],
      ['Ran disk cleanup', 'partial'],
    ],
    reason: 'Disk is pegged at 100%; not sure if it is the update or the drive failing',
    resolution:
      'The search indexer was rebuilding after the update; let it finish and the disk health was fine.',
  },
  {
    customer: FABRIKAM,
    title: 'Intranet site will not resolve',
    problem:
      'Nobody at Fabrikam Legal can open intranet.fabrikam.local; the browser shows DNS_PROBE_FINISHED_NXDOMAIN. Internet sites work.',
    assets: ['FAB-DC01'],
    category: 'Network',
    steps: [
      ['ipconfig /flushdns on two workstations', 'failed', 'Still NXDOMAIN'],
      ['nslookup intranet.fabrikam.local against 10.1.0.10', 'failed', 'Non-existent domain'],
    ],
    reason: 'DNS server is up but the record seems gone; not sure how to check the zone safely',
    resolution: 'The A record had been scavenged; recreated it as static and fixed the scavenging interval.',
  },
  {
    customer: FABRIKAM,
    title: 'VPN connects but no access to file shares',
    problem: 'Remote paralegal connects to the SonicWall VPN but \\\\fab-fs01\\matters is unreachable.',
    assets: ['FAB-LT-114', 'FAB-LT-121', 'FAB-LT-098'],
    category: 'VPN',
    steps: [
      ['Reconnected the VPN client', 'failed'],
      ['Pinged fab-fs01 by name over the VPN', 'failed', 'Ping request could not find host'],
      ['Pinged the file server IP over the VPN', 'worked'],
    ],
    reason: 'Works by IP, not by name over VPN; probably VPN DNS settings on the SonicWall',
    resolution: 'Added the internal DNS servers and search domain to the SonicWall VPN client settings.',
  },
  {
    customer: FABRIKAM,
    title: 'Backup job failed three nights running',
    problem: 'The Veeam job for FAB-FS01 fails every night this week with "VSS snapshot error".',
    assets: ['FAB-FS01'],
    category: 'Backup',
    steps: [
      ['Re-ran the job manually', 'failed'],
      ['Checked free space on the repository', 'worked'],
    ],
    reason: 'Space is fine, VSS keeps failing; I do not want to restart services on the file server blind',
    resolution: 'A VSS writer was stuck after a failed update; restarted it and the job ran clean.',
  },
  {
    customer: FABRIKAM,
    title: 'RDP to document server refused',
    problem: 'Remote Desktop to FAB-DOC01 says "The remote computer refused the connection" for everyone.',
    assets: ['FAB-DOC01'],
    category: 'Remote access',
    steps: [
      ['Pinged FAB-DOC01', 'worked'],
      ['Checked the server is powered on in vSphere', 'worked'],
    ],
    reason: 'Server is up and answers ping but refuses RDP; I cannot see the firewall rules',
    resolution: 'A GPO change had turned off Remote Desktop; reverted it and RDP came back.',
  },
  {
    customer: FABRIKAM,
    title: 'Certificate warning on the client portal',
    problem: 'Clients see "Your connection is not private" on portal.fabrikam.example since this morning.',
    assets: ['portal.fabrikam.example'],
    category: 'Web',
    steps: [['Opened the site in another browser', 'failed', 'Same warning']],
    reason: 'Looks like the certificate; I do not have access to the web server',
    resolution: 'The certificate had expired; renewed it and bound the new one in IIS.',
  },
  {
    customer: FABRIKAM,
    title: 'Partner locked out repeatedly',
    problem: 'A partner account locks out every few minutes since the password change on Friday.',
    assets: ['user: j.morgan', 'user: a.silva'],
    category: 'Identity',
    steps: [
      ['Unlocked the account in AD', 'partial', 'Locked again within 10 minutes'],
      ['Asked the user to sign out of the second laptop', 'failed'],
    ],
    reason: 'Keeps locking; need to find the source of the bad passwords',
    resolution: 'The old password was still saved in the phone mail app; updated it and lockouts stopped.',
  },
  {
    customer: FABRIKAM,
    title: 'OneDrive not syncing matter files',
    problem: 'OneDrive shows a red X and "sync pending" on the matters folder for two associates.',
    assets: ['FAB-LT-131', 'FAB-LT-140'],
    category: 'Storage',
    steps: [
      ['Paused and resumed OneDrive sync', 'failed'],
      ['Checked free disk space', 'worked'],
    ],
    reason: 'Sync stuck with plenty of space; may be a path length or a locked file',
    resolution: 'A file path was over the 400-character limit; shortened the folder names and sync resumed.',
  },
  {
    customer: FABRIKAM,
    title: 'Teams calls have no audio on docking station',
    problem:
      'On the dock, Teams calls connect but nobody can hear the associate; on the laptop alone it works.',
    assets: ['FAB-LT-114', 'FAB-DOCK-07'],
    category: 'Collaboration',
    steps: [
      ['Selected the headset in Teams device settings', 'partial'],
      ['Updated the dock firmware', 'failed'],
    ],
    reason: 'Audio device flips back when docked; not sure if it is Teams or the dock driver',
    resolution: 'Set the dock audio as the default communications device and updated the DisplayLink driver.',
  },
  {
    customer: TAILSPIN,
    title: 'Depot tablets cannot sync delivery app',
    problem: 'Handheld tablets at the depot fail to sync the delivery app over Wi-Fi; on 4G they work.',
    assets: ['TAB-DEPOT-14', 'TAB-DEPOT-22'],
    category: 'Network',
    steps: [
      ['Rebooted a tablet', 'failed'],
      ['Tested the app on 4G', 'worked'],
    ],
    reason: 'Only fails on the depot Wi-Fi; probably the proxy or firewall, which I cannot change',
    resolution: 'The web filter was blocking the sync API after a category change; added an allow rule.',
  },
  {
    customer: TAILSPIN,
    title: 'Warehouse label printer not printing',
    problem: 'The Zebra label printer in bay 3 receives jobs but prints nothing; the queue empties.',
    assets: ['ZEBRA-BAY3', 'ZEBRA-BAY1'],
    category: 'Printing',
    steps: [
      ['Restarted the Print Spooler service', 'failed'],
      ['Printed a test page from the printer itself', 'worked'],
    ],
    reason: 'Printer works locally, jobs vanish from the queue; maybe the driver',
    resolution:
      'The driver had been replaced by a generic one by Windows Update; reinstalled the Zebra driver.',
  },
  {
    customer: TAILSPIN,
    title: 'Dispatch PC blue-screens',
    problem: 'The dispatch PC blue-screens two or three times a day with DRIVER_IRQL_NOT_LESS_OR_EQUAL.',
    assets: ['TS-DISPATCH-01'],
    category: 'Hardware',
    steps: [
      ['Installed pending Windows updates', 'failed', 'Crashed again after an hour'],
      ['Ran memory diagnostics', 'worked', 'No errors'],
    ],
    reason: 'Memory is fine; the crash dump names a network driver but I am not sure how to read it',
    resolution: 'The USB network adapter driver was faulting; rolled it back to the vendor version.',
  },
  {
    customer: TAILSPIN,
    title: 'Shared mailbox rejecting mail',
    problem: 'The bookings@ shared mailbox bounces external mail with "mailbox full".',
    assets: ['bookings@tailspin.example'],
    category: 'Email',
    steps: [['Checked mailbox size in Exchange admin center', 'info', '49.6 GB of 50 GB']],
    reason: 'Archive policy is assigned but nothing moves to the archive',
    resolution: 'Enabled the archive mailbox and ran the Managed Folder Assistant; mail flows again.',
  },
  {
    customer: TAILSPIN,
    title: 'New starter cannot sign in to Microsoft 365',
    problem:
      'A new dispatcher gets "Your account has been locked" at first sign-in; the password was just set.',
    assets: ['user: r.okafor', 'user: t.hughes'],
    category: 'Identity',
    steps: [
      ['Reset the password in the M365 admin centre', 'failed'],
      ['Checked the sign-in logs for the user', 'info', 'Blocked by a Conditional Access policy'],
    ],
    reason: 'Conditional Access blocks the sign-in; I cannot edit policies',
    resolution: 'The user was missing from the trusted-location group; added them and the sign-in worked.',
  },
  {
    customer: TAILSPIN,
    title: 'Route planner server disk full',
    problem: 'The route planning server stopped writing plans overnight; C: has 200 MB free.',
    assets: ['TS-ROUTE01'],
    category: 'Server',
    steps: [
      ['Emptied the recycle bin and temp folders', 'partial', 'Freed 1.2 GB'],
      ['Checked the largest folders with TreeSize', 'info', 'Logs folder is 38 GB'],
    ],
    reason: 'Log folder is huge; not sure what is safe to delete on this server',
    resolution: 'Archived old application logs and set log rotation to keep 14 days.',
  },
  {
    customer: TAILSPIN,
    title: 'Windows updates failing on depot PCs',
    problem: 'Three depot PCs fail the monthly cumulative update with 0x800f0922 and roll back.',
    assets: ['TS-DEPOT-PC04', 'TS-DEPOT-PC07'],
    category: 'Updates',
    steps: [
      ['Ran the Windows Update troubleshooter', 'failed'],
      ['Checked free space on C:', 'worked'],
    ],
    reason: 'Troubleshooter finds nothing; the same error on three machines points to something shared',
    resolution: 'The System Reserved partition was full; extended it and the update installed.',
  },
];

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same history. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    /** A log-normal factor around 1 (sigma in natural-log units). */
    spread: (sigma: number) => {
      const u = Math.max(next(), 1e-9);
      const v = next();
      return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    },
  };
}

export type PersonKey = 'owner' | 'senior' | 'junior';

export interface PlannedStep {
  at: Date;
  by: PersonKey;
  kind: 'step' | 'note' | 'handoff' | 'resolution';
  text: string;
  outcome: Outcome | null;
  detail: string | null;
}

export interface PlannedSession {
  template: Template;
  asset: string;
  createdAt: Date;
  entries: PlannedStep[];
  owner: PersonKey;
  createdBy: PersonKey;
  resolvedAt: Date | null;
  resolution: string | null;
  status: 'active' | 'escalated' | 'resolved';
  handoff: PlannedHandoff | null;
}

export interface PlannedHandoff {
  createdAt: Date;
  escalatedBy: PersonKey;
  urgency: TUrgency;
  targetTier: number | null;
  reason: string;
  status: 'open' | 'claimed' | 'cancelled' | 'resolved';
  claimedBy: PersonKey | null;
  claimedAt: Date | null;
  firstActionAt: Date | null;
  closedAt: Date | null;
  /** The steps before the escalation: what the snapshot's tried-list is built from. */
  triedCount: number;
}

export interface PlannedBaseline {
  durationSeconds: number;
  measuredAt: Date;
  recordedAt: Date;
  /** Index into the planned sessions: the escalation the stopwatch timed. */
  sessionIndex: number;
  note: string;
}

const MIN = 60_000;
const DAY = 86_400_000;

/**
 * The share of escalations that are worked from the handoff screen rather than from a phone call,
 * `day` days into the 90: slow at first, most of the team by week six.
 */
export const adoption = (day: number) => 1 / (1 + Math.exp(-(day - 35) / 8));

/** Plans 90 days of sessions ending the day before `now` (UTC), oldest first. */
export function planHistory(
  now: Date,
  names: Record<PersonKey, string>,
  startHereFor: (t: Template) => string,
  seed = 20260301,
) {
  const r = prng(seed);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sessions: PlannedSession[] = [];
  const baselines: PlannedBaseline[] = [];
  const byCustomer = [CONTOSO, FABRIKAM, TAILSPIN].map((c) => TEMPLATES.filter((t) => t.customer === c));

  for (let day = 0; day < 90; day++) {
    const dayStart = today - (90 - day) * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const count = weekend ? r.int(0, 1) : r.int(2, 6);
    const a = adoption(day);
    for (let i = 0; i < count; i++) {
      const template = r.pick(r.pick(byCustomer));
      // Business hours, 08:00–17:00 UTC.
      let t = dayStart + 8 * 3_600_000 + r.int(0, 9 * 60) * MIN;
      const at = (minutes: number) => {
        t += minutes * MIN;
        return new Date(t);
      };
      const createdAt = at(0);
      const entries: PlannedStep[] = [];
      for (const [action, outcome, detail] of template.steps)
        entries.push({
          at: at(r.int(3, 9)),
          by: 'junior',
          kind: 'step',
          text: action,
          outcome,
          detail: detail ?? null,
        });
      const asset = r.pick(template.assets);
      // The more the handoff is trusted, the sooner a stuck junior uses it.
      if (r.next() > 0.5 + 0.2 * a) {
        entries.push({
          at: at(r.int(5, 20)),
          by: 'junior',
          kind: 'step',
          text: 'Applied the fix from the playbook',
          outcome: 'worked',
          detail: null,
        });
        const resolvedAt = at(r.int(2, 6));
        entries.push({
          at: resolvedAt,
          by: 'junior',
          kind: 'resolution',
          text: template.resolution,
          outcome: null,
          detail: null,
        });
        sessions.push({
          template,
          asset,
          createdAt,
          entries,
          owner: 'junior',
          createdBy: 'junior',
          resolvedAt,
          resolution: template.resolution,
          status: 'resolved',
          handoff: null,
        });
        continue;
      }
      const roll = r.next();
      const urgency: TUrgency =
        roll < 0.08 ? 'critical' : roll < 0.3 ? 'high' : roll < 0.9 ? 'normal' : 'low';
      const toOwner = r.next() < 0.12;
      const escalatedAt = at(r.int(2, 6));
      entries.push({
        at: escalatedAt,
        by: 'junior',
        kind: 'handoff',
        text: `Escalated (${urgency}): ${template.reason}`,
        outcome: null,
        detail: null,
      });
      const handoff: PlannedHandoff = {
        createdAt: escalatedAt,
        escalatedBy: 'junior',
        urgency,
        targetTier: toOwner ? 3 : urgency === 'critical' || urgency === 'high' ? 2 : null,
        reason: template.reason,
        status: 'resolved',
        claimedBy: null,
        claimedAt: null,
        firstActionAt: null,
        closedAt: null,
        triedCount: template.steps.length,
      };
      const session: PlannedSession = {
        template,
        asset,
        createdAt,
        entries,
        owner: 'junior',
        createdBy: 'junior',
        resolvedAt: null,
        resolution: null,
        status: 'resolved',
        handoff,
      };
      sessions.push(session);
      if (r.next() < 0.03) {
        // The junior found it before anyone picked it up.
        const cancelledAt = at(r.int(4, 15));
        entries.push({
          at: cancelledAt,
          by: 'junior',
          kind: 'handoff',
          text: `${names.junior} cancelled the escalation`,
          outcome: null,
          detail: null,
        });
        Object.assign(handoff, { status: 'cancelled', closedAt: cancelledAt });
        entries.push({
          at: at(r.int(3, 10)),
          by: 'junior',
          kind: 'step',
          text: 'Applied the fix from the playbook',
          outcome: 'worked',
          detail: null,
        });
        session.resolvedAt = at(r.int(1, 4));
        session.resolution = template.resolution;
        entries.push({
          at: session.resolvedAt,
          by: 'junior',
          kind: 'resolution',
          text: template.resolution,
          outcome: null,
          detail: null,
        });
        continue;
      }
      // Time to claim falls too (notifications, and a queue people trust), faster when urgent.
      const urgencyFactor =
        urgency === 'critical' ? 0.35 : urgency === 'high' ? 0.65 : urgency === 'low' ? 1.5 : 1;
      const ttc = Math.min(90, Math.max(0.5, (15 * (1 - a) + 5 * a) * urgencyFactor * r.spread(0.5)));
      const claimer: PersonKey = toOwner || r.next() < 0.15 ? 'owner' : 'senior';
      const claimerName = names[claimer];
      const claimedAt = at(ttc);
      entries.push({
        at: claimedAt,
        by: claimer,
        kind: 'handoff',
        text: `${claimerName} picked up the escalation`,
        outcome: null,
        detail: null,
      });
      // Before the handoff screen: a call to hear what was tried (about 9 minutes); with it, the
      // first check starts from the "Start here" line in about 2.
      const ttfa = Math.min(40, Math.max(0.4, (9 * (1 - a) + 1.8 * a) * r.spread(0.38)));
      const firstActionAt = at(ttfa);
      entries.push({
        at: firstActionAt,
        by: claimer,
        kind: 'step',
        text: startHereFor(template),
        outcome: r.next() < 0.7 ? 'worked' : 'info',
        detail: null,
      });
      if (r.next() < 0.5)
        entries.push({
          at: at(r.int(4, 15)),
          by: claimer,
          kind: 'step',
          text: 'Confirmed the fix with the user',
          outcome: 'worked',
          detail: null,
        });
      const resolvedAt = at(r.int(3, 25));
      entries.push({
        at: resolvedAt,
        by: claimer,
        kind: 'resolution',
        text: template.resolution,
        outcome: null,
        detail: null,
      });
      Object.assign(handoff, { claimedBy: claimer, claimedAt, firstActionAt, closedAt: resolvedAt });
      Object.assign(session, { owner: claimer, resolvedAt, resolution: template.resolution });

      // Weeks 1–3: the owner times the old verbal handoff on some real escalations.
      if (day >= 2 && day <= 24 && baselines.length < 12 && r.next() < 0.4) {
        const seconds = Math.round(Math.min(1500, Math.max(300, 630 * r.spread(0.28))));
        baselines.push({
          durationSeconds: seconds,
          measuredAt: claimedAt,
          recordedAt: new Date(claimedAt.getTime() + seconds * 1000 + 2 * MIN),
          sessionIndex: sessions.length - 1,
          note: `${claimerName} rang ${names.junior.split(' ')[0]} before starting (${template.customer})`,
        });
      }
    }
  }
  return { sessions, baselines };
}
