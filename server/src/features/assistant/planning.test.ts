/**
 * What the assessment proposes: never a check already performed (in any words), outcome rules
 * that read results right, and honesty when the base does not match well.
 */
import { describe, expect, it } from 'vitest';
import { analyzeSession, assessSession, type EngineSession, rankCauses, suggestNextSteps } from './engine.js';
import { isCheckTried } from './planning.js';
import { loadScenarios, scenarioSession } from './scenarios.js';

let seq = 0;
const step = (
  text: string,
  outcome: 'worked' | 'failed' | 'partial' | 'info',
  detail: string | null = null,
): EngineSession['timeline'][number] => ({
  id: `p${++seq}`,
  kind: 'step',
  text,
  outcome,
  detail,
  at: new Date(Date.UTC(2026, 0, 1, 9, seq)).toISOString(),
});
const session = (
  title: string,
  problem: string,
  timeline: EngineSession['timeline'] = [],
): EngineSession => ({
  title,
  problem,
  customer: null,
  asset: null,
  category: null,
  timeline,
});

/** Every check of the base whose action is the proposed text. */
function checksProposing(s: EngineSession, action: string) {
  const a = analyzeSession(s);
  return [...a.ix.checks.values()].filter((c) => c.check.check.action === action).map((c) => ({ a, c }));
}

describe('Start here never matches a check already tried', () => {
  it('over every labelled scenario, followed for 10 rounds in the technician’s own words', () => {
    const rephrase = (action: string) =>
      // A technician's log line: drop the backticks and the imperative, add a result.
      `did this: ${action.replace(/`/g, '').replace(/^(Run|Check|Open|Create|Review)\s+/i, '')} - no change`;
    for (const sc of loadScenarios()) {
      let s = scenarioSession(sc);
      for (let round = 0; round < 10; round++) {
        const start = assessSession(s).startHere;
        for (const { a, c } of checksProposing(s, start.action))
          expect(isCheckTried(a, c.check), `${sc.id} round ${round}: ${c.check.key}`).toBe(false);
        s = { ...s, timeline: [...s.timeline, step(rephrase(start.action), round % 2 ? 'failed' : 'info')] };
      }
    }
  });

  it('a fix logged with a long result is still the same fix: it is not proposed again', () => {
    const s = session('Intranet not resolving', 'Nobody can open the intranet by name since this morning.', [
      step('nslookup intranet against DC01 - request timed out', 'failed'),
      step('nslookup intranet against DC02 - request timed out', 'failed'),
      step(
        'Restarted the DNS Server service on DC01',
        'worked',
        'names resolved again for about an hour, then the same timeouts came back on every PC in the office',
      ),
    ]);
    const a = analyzeSession(s);
    expect(a.causes[0]!.pc.cause.id).toBe('dns-server-down');
    expect(assessSession(s).startHere.action).not.toMatch(/^Restart the DNS Server service/);
  });

  it('a check logged in other words is not proposed again', () => {
    const s = session(
      'Outlook stuck on loading profile',
      'Outlook hangs at Loading Profile for one user since this morning',
      [step('Made a fresh mail profile from Control Panel > Mail and opened Outlook with it', 'failed')],
    );
    const a = assessSession(s);
    expect(a.startHere.action).not.toMatch(/Create a new Outlook profile/);
    expect(suggestNextSteps(s, 10).suggestions.map((x) => x.id)).not.toContain(
      'outlook-profile/corrupt-profile-ost/new-profile',
    );
  });
});

describe('outcome rules: what a result means', () => {
  const outlook = () =>
    session(
      'Outlook keeps asking for password',
      'Since this morning Outlook keeps prompting one user for her password; the password is correct.',
    );

  it('a partial result of an elimination test (new profile) counts against its cause', () => {
    const before = rankCauses(outlook()).find((c) => c.causeId === 'corrupt-profile-ost')!.confidence;
    const s = {
      ...outlook(),
      timeline: [step('Created a new Outlook profile', 'partial', 'opens, still prompts')],
    };
    const after = rankCauses(s).find((c) => c.causeId === 'corrupt-profile-ost')!.confidence;
    expect(after).toBeLessThan(before);
    expect(assessSession(s).assessment.likelyCauses[0]!.cause).not.toMatch(/Corrupt Outlook profile/);
  });

  it('"MFA required" interrupts in the sign-in log point at the authentication loop', () => {
    const s = {
      ...outlook(),
      timeline: [
        step('Created a new Outlook profile', 'partial', 'opens, still prompts'),
        step('Checked the Entra sign-in logs for her', 'info', 'many interrupted sign-ins: MFA required'),
      ],
    };
    const ranked = rankCauses(s);
    expect(`${ranked[0]!.playbookId}/${ranked[0]!.causeId}`).toBe('outlook-profile/auth-modern-auth');
    expect(ranked[0]!.confidence).toBeGreaterThan(0.35);
    const ev = assessSession(s).assessment.likelyCauses[0]!.evidence.join(' ');
    expect(ev).toMatch(/typical sign of this: "mfa required"/);
  });
});

describe('outcome rules: a change that did not help is not a failed test', () => {
  const dhcp = () =>
    session(
      'Scope full, devices without addresses',
      'Warehouse scanners and new devices get no address; the DHCP scope shows no free leases.',
    );
  const leaseCause = (s: EngineSession) =>
    rankCauses(s).find((c) => c.causeId === 'dhcpfull-lease-too-long')?.confidence ?? 0;

  it('reads "changed it, failed" against the cause and "checked it, failed" for it', () => {
    // Changing the lease time and seeing no improvement says the lease time is not the problem...
    const changed = { ...dhcp(), timeline: [step('Dropped the lease time from 8 days to 1 day', 'failed')] };
    // ...while a lease-time check that fails (8-day leases held by absent devices) says it is.
    const checked = { ...dhcp(), timeline: [step('Checked the lease duration: 8 day lease', 'failed')] };
    const delta = (s: EngineSession) =>
      analyzeSession(s)
        .causes.find((c) => c.pc.cause.id === 'dhcpfull-lease-too-long')!
        .observations.reduce((sum, o) => sum + o.delta, 0);
    expect(delta(changed)).toBeLessThan(0);
    expect(delta(checked)).toBeGreaterThan(0);
    expect(leaseCause(changed)).toBeLessThan(leaseCause(checked) / 2);
    const ev = assessSession(changed)
      .assessment.likelyCauses.flatMap((c) => c.evidence)
      .join(' ');
    expect(ev).toMatch(/Dropped the lease time.*did not help: weakens this/);
  });

  it("a logged change that applied a cause's fix and worked supports that cause", () => {
    const s = session(
      'Outlook crashes',
      'Outlook crashes a few seconds after opening since a PDF tool was installed.',
    );
    const base = rankCauses(s).find((c) => c.causeId === 'addin-crash')!.confidence;
    const fixed = {
      ...s,
      timeline: [step('Disabled the faulty add-in (LoadBehavior 0) and restarted Outlook', 'worked')],
    };
    expect(rankCauses(fixed).find((c) => c.causeId === 'addin-crash')!.confidence).toBeGreaterThan(base);
  });
});

describe('suggestions', () => {
  it('are not empty when the likely cause is near certain and its checks are done', () => {
    const problem = 'Outlook keeps prompting for credentials every few minutes; webmail works.';
    const s: EngineSession = {
      ...session('Outlook asks for password repeatedly', problem, [
        step('Signed in to Outlook on the web', 'worked'),
        step('Cleared Credential Manager entries', 'failed', 'prompt came back'),
      ]),
      // The account resolved the same problem before: its cause now holds almost all confidence.
      history: [
        {
          sessionId: 'h1',
          title: 'Outlook asks for password repeatedly',
          problem,
          customer: null,
          resolvedAt: '2026-01-01T00:00:00.000Z',
          resolution: 'Reset the Outlook profile',
          fixStep: null,
          causeKey: 'outlook-profile/auth-modern-auth',
        },
      ],
    };
    const out = suggestNextSteps(s).suggestions;
    expect(out.length).toBeGreaterThan(0);
    const a = analyzeSession(s);
    for (const sug of out) expect(a.tried.has(sug.id)).toBe(false);
  });
});

describe('honest when unsure, and suggestions stay within the playbooks that match', () => {
  it('an Outlook password problem gets no Wi-Fi or printer checks', () => {
    const s = session(
      'Outlook keeps asking for password',
      'Outlook keeps prompting for the password; password is correct',
    );
    const ids = [
      assessSession(s).startHere.action,
      ...suggestNextSteps(s, 10).suggestions.map((x) => x.playbook),
    ];
    expect(ids.join(' ')).not.toMatch(/wifi|SSID|printer|copier/i);
    // The base knows several Outlook causes of this (the modern-auth loop, basic auth turned off
    // for POP/IMAP, policies that force the old prompt): the assessment leads with the loop, and
    // whether or not it is sure, Start here is a check of an Outlook cause. An Outlook-for-Mac
    // keychain cause has no place here: the ticket never names a Mac.
    const a = analyzeSession(s);
    expect(a.causes[0]?.pc.key).toBe('outlook-profile/auth-modern-auth');
    expect(
      a.causes
        .slice(0, 5)
        .map((c) => c.pc.key)
        .join(' '),
    ).not.toMatch(/mac/);
    const start = assessSession(s).startHere;
    const of = [...a.ix.checks.values()].find((c) => c.check.check.action === start.action);
    expect(of?.cause.playbook.id ?? start.action).toMatch(/outlook/);
  });

  it("a platform the ticket never names keeps a platform's playbook out of the lead", () => {
    const windows = analyzeSession(session('Outlook keeps asking for password', 'Prompts every few minutes'));
    expect(
      windows.playbooks
        .slice(0, 3)
        .map((p) => p.id)
        .join(' '),
    ).not.toMatch(/mac/);
    const mac = analyzeSession(
      session('Outlook keeps asking for password on her Mac', 'Prompts every few minutes since the update'),
    );
    expect(
      mac.playbooks
        .slice(0, 3)
        .map((p) => p.id)
        .join(' '),
    ).toMatch(/mac/);
  });

  it('a problem the base barely explains says "No strong match" and asks for the telling information', () => {
    const s = session(
      'Payroll submission rejected',
      'The Sage payroll year-end submission to HMRC is rejected by the gateway.',
    );
    const a = assessSession(s);
    expect(a.startHere.why).toMatch(/^No strong match/);
    expect(a.startHere.action).toMatch(/exact error message or code/);
    expect(a.assessment.gaps[0]).toMatch(/^No strong match/);
  });

  it('a site-to-site VPN outage is not sent to a copier or a website check', () => {
    const s = session(
      'Site-to-site VPN down',
      'The IPsec tunnel between head office and the Leeds branch dropped at 10:00; branch users cannot reach the file server.',
    );
    const a = assessSession(s);
    expect(a.startHere.action).not.toMatch(/SMTP|copier|WHOIS|domain/i);
  });

  it('a clear ticket is a strong match and starts with its most likely cause', () => {
    const s = session('Update fails', 'Cumulative update fails with 0x800F081F on the file server');
    const a = assessSession(s);
    expect(a.startHere.why).toMatch(/^Most likely cause: 'Corrupt component store/);
    expect(a.assessment.gaps.join(' ')).not.toMatch(/No strong match/);
  });

  it('no labelled scenario is flagged "No strong match"', () => {
    const weak = loadScenarios().filter((sc) =>
      /No strong match/.test(assessSession(scenarioSession(sc)).startHere.why),
    );
    expect(weak.map((sc) => sc.id)).toEqual([]);
  });
});
