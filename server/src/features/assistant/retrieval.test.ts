/** Error-code index and user-language table: what maps a ticket's words and codes to causes. */
import { describe, expect, it } from 'vitest';
import { codeKeysOf, extractCodes } from './codes.js';
import { createEngine, type EngineSession, rankCauses, rankPlaybooks, shippedPlaybooks } from './engine.js';
import type { Playbook } from './knowledge.js';
import { DEFAULT_LANGUAGE_FILE, loadLanguage, parseLanguage } from './language.js';
import { findPhrases, tokenize } from './text.js';

const PLAYBOOKS = shippedPlaybooks();

const session = (title: string, problem: string, steps: EngineSession['timeline'] = []): EngineSession => ({
  title,
  problem,
  customer: null,
  asset: null,
  category: null,
  timeline: steps,
});
const step = (text: string, outcome: 'worked' | 'failed' | 'partial' | 'info', i = 1) => ({
  id: `s${i}`,
  kind: 'step' as const,
  text,
  outcome,
  detail: null,
  at: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString(),
});
const top = (s: EngineSession) => {
  const c = rankCauses(s)[0];
  return c ? `${c.playbookId}/${c.causeId}` : null;
};

describe('error codes: written forms meet', () => {
  it.each([
    ['0x800F081F', '800f081f'],
    ['Error 0x80070005', 'failed with 80070005'],
    ['NDR: 554 5.7.1 relay denied', '5.7.1'],
    ['550 5.1.1 user unknown', 'Remote server returned 5.1.1'],
    ['AADSTS50076: Due to a configuration change', 'aadsts50076'],
    // Entra's sign-in page shows the AADSTS number alone.
    ['AADSTS53003', "'You cannot access this right now' - Error Code: 53003"],
    ['event ID 4740', 'Event 4740 on the PDC'],
    ['NET::ERR_CERT_DATE_INVALID', 'err_cert_date_invalid'.toUpperCase()],
    ['stop code 0x0000000A', '0x0000000a'],
    // Short Win32 and Kerberos codes are written with or without the leading zeros.
    ['0x54B', 'join failed with error 0x0000054B'],
    ['Failure Code 0x18', 'event 4771 failure code 0x00000018'],
    // repadmin and Intune print HRESULTs as signed numbers.
    ['0x80090322', 'repadmin: error -2146893022'],
    // Status names in CamelCase with three or more parts.
    ['DeviceCapReached', 'enrolment fails: DeviceCapReached'],
  ])('"%s" and "%s" give the same key', (a, b) => {
    const ka = codeKeysOf(a).map((k) => k.key);
    const kb = extractCodes(b).map((k) => k.key);
    expect(ka.length).toBeGreaterThan(0);
    expect(kb).toEqual(expect.arrayContaining(ka));
  });

  it('does not read years, times, addresses or ports as codes', () => {
    expect(extractCodes('since 2024, at 10:30, from 192.168.1.10 to port 443/tcp')).toEqual([]);
    // A bare number is kept, as a weak code: it counts less than "event 4740" or "error 1603".
    expect(extractCodes('lockouts, 4740 in the log')).toEqual([{ key: '4740', kind: 'number' }]);
    expect(extractCodes('12345678 and -42 and 0x')).toEqual([]);
    // Product names in CamelCase (two parts) are not status names.
    expect(extractCodes('SharePoint and FortiClient on a MacBook')).toEqual([]);
  });
});

/** A tiny base: two playbooks that share every word but differ in their codes. */
function base(): Playbook[] {
  const cause = (id: string, name: string, codes: string[]) => ({
    id,
    name,
    prior: 0.5,
    signs: [],
    codes,
    source: { title: 'Test source', url: 'https://example.org/kb' },
    fixes: ['Apply the documented fix'],
    checks: [
      {
        id: `${id}-check`,
        action: `Run \`check-${id}\``,
        terms: [`check ${id}`],
        confirmsIf: 'the check shows it',
        effect: { worked: 2, failed: -1 },
      },
    ],
  });
  const pb = (id: string, c1: ReturnType<typeof cause>, c2: ReturnType<typeof cause>): Playbook => ({
    id,
    title: 'Software update fails to install',
    category: 'updates',
    symptoms: ['update fails to install', 'installation error'],
    keywords: ['update', 'install'],
    causes: [c1, c2],
  });
  return [
    pb(
      'alpha',
      cause('alpha-store', 'Component store damaged', ['0x800F081F']),
      cause('alpha-other', 'Something else', []),
    ),
    pb(
      'beta',
      cause('beta-space', 'No room on disk', ['0x80070070', 'There is not enough space on the disk']),
      cause('beta-other', 'Another thing', []),
    ),
  ];
}

describe('error-code index drives retrieval and the cause', () => {
  const engine = createEngine(base());
  const rank = (s: EngineSession) => engine.rankCauses(s).map((c) => `${c.playbookId}/${c.causeId}`);

  it('a code in the problem picks its cause over equal word matches, in any written form', () => {
    expect(rank(session('Update fails to install', 'The update fails with 0x800F081F'))[0]).toBe(
      'alpha/alpha-store',
    );
    expect(rank(session('Update fails to install', 'install error 800f081f again'))[0]).toBe(
      'alpha/alpha-store',
    );
    expect(rank(session('Update fails to install', 'installer says 0x80070070'))[0]).toBe('beta/beta-space');
  });

  it('an exact message matches with the filler words a user adds', () => {
    expect(rank(session('Update fails to install', 'It says there is not enough space on the disk'))[0]).toBe(
      'beta/beta-space',
    );
  });

  it('a code found in a logged step is evidence for its cause, named in the assessment', () => {
    const s = session('Update fails to install', 'The update fails to install on one PC', [
      step('Read the CBS log', 'info'),
      { ...step('Checked WindowsUpdate.log', 'info', 2), detail: 'error 0x800f081f in the log' },
    ]);
    expect(rank(s)[0]).toBe('alpha/alpha-store');
    const a = engine.assessSession(s);
    expect(a.assessment.likelyCauses[0]!.evidence.join(' ')).toContain("shows '0x800f081f'");
  });

  it('in the shipped base, codes outweigh words', () => {
    expect(top(session('Windows Update problem', 'Cumulative update keeps failing, error 800F081F'))).toBe(
      'windows-update/component-corruption',
    );
    expect(top(session('Mail to a customer', 'The sender got a bounce: 550 5.7.23 when mailing us'))).toBe(
      'mail-flow/dns-mx-spf',
    );
    expect(rankPlaybooks('event id 4740 on the PDC', 1)[0]?.id).toBe('account-lockout');
  });
});

describe('user language: synonyms, phrases and stemming', () => {
  it('the shipped table is valid and every phrase has a meaningful word', () => {
    const lang = loadLanguage();
    expect(lang.phrases.length).toBeGreaterThan(20);
    expect(DEFAULT_LANGUAGE_FILE).toMatch(/knowledge\/language\.json$/);
  });

  it('rejects a broken table with a message naming the entry', () => {
    const ok = {
      compounds: { 'wi-fi': 'wifi' },
      synonyms: { laptop: 'pc' },
      phrases: [{ match: ['no sound'], means: 'audio' }],
    };
    expect(() => parseLanguage(JSON.stringify(ok))).not.toThrow();
    expect(() => parseLanguage(JSON.stringify({ ...ok, synonyms: { pc: 'pc' } }))).toThrow(/maps to itself/);
    expect(() =>
      parseLanguage(JSON.stringify({ ...ok, synonyms: { laptop: 'pc', pc: 'computer' } })),
    ).toThrow(/chains/);
    expect(() => parseLanguage(JSON.stringify({ ...ok, synonyms: { 'Two Words': 'x' } }))).toThrow(
      /synonyms/,
    );
    expect(() => parseLanguage('{"compounds": {}')).toThrow(/invalid JSON/);
  });

  it('stems with the Porter stemmer and folds synonyms', () => {
    expect(tokenize('printing printers locked synchronising')).toEqual(
      tokenize('print printer lock synchronise'),
    );
    expect(tokenize('Laptop wireless e-mail')).toEqual(['pc', 'wifi', 'mail']);
  });

  it('reads status names, "re-" words and Windows versions the way the base writes them', () => {
    expect(tokenize('ZtdDeviceAssignedToOtherTenant')).toEqual(
      expect.arrayContaining(tokenize('device assigned other tenant')),
    );
    expect(tokenize('re-created the account')).toEqual(tokenize('recreated the account'));
    expect(tokenize('after the Windows 11 upgrade')).toEqual(tokenize('after the Win11 upgrade'));
    // Product names (two CamelCase parts) stay one word.
    expect(tokenize('SharePoint')).toEqual(['sharepoint']);
  });

  it.each([
    ['My screen goes black when I dock the laptop', 'screen black dock'],
    ['it says my mailbox is full', 'mailbox full'],
    ['the printer prints gibberish', 'printer prints gibberish'],
    ['the internet is slow only after lunch', 'internet slow after lunch'],
    ["I can't print anything", "can't print"],
  ])('"%s" is read as the phrase "%s"', (text, label) => {
    expect(findPhrases(text).map((p) => p.label)).toContain(label);
  });

  it('a negation is not dropped: "print server fine" is not "can\'t print"', () => {
    expect(findPhrases('print server fine').map((p) => p.label)).not.toContain("can't print");
  });

  it("an end user's words reach the technical playbook", () => {
    expect(rankCauses(session('Screen problem', 'My screen goes black when I dock'))[0]?.playbookId).toBe(
      'docking-display',
    );
    expect(top(session('Email problem', 'It says my mailbox is full and I cannot send.'))).toBe(
      'mail-flow/mailbox-full-rule',
    );
  });

  it('every phrase of the table reaches a playbook of the shipped base', () => {
    for (const p of loadLanguage().phrases) {
      expect(rankPlaybooks(p.match[0]!, 1).length, p.match[0]).toBe(1);
    }
    expect(PLAYBOOKS.length).toBeGreaterThan(30);
  });
});
