/**
 * Small, deterministic tokenizer for the assistant: lowercase, split on non-alphanumerics,
 * drop stop words, fold a few IT synonyms together and apply light suffix stemming.
 */

const STOP_WORDS = new Set(
  (
    'a an the and or but if then else to of in on at for from by with without is are was were be been being ' +
    'it its this that these those as into not no nor do does did doesn don didn isn wasn aren t s d ll re ve m ' +
    'can cannot cant could would should will won wont has have had i we you he she they them his her hers ' +
    'their our my me us your yours so too very just also again still any what when where which who whom why how ' +
    'there here about after before via per etc get got getting gets said says say please help issue issues ' +
    'problem problems since now today yesterday tonight morning afternoon evening than while each ' +
    "i'm im ive youre thats its' hi thanks ok okay"
  ).split(/\s+/),
);

/** Whole-word synonyms folded before stemming (keys are lowercase raw tokens). */
const SYNONYMS: Record<string, string> = {
  laptop: 'pc',
  laptops: 'pc',
  desktop: 'pc',
  desktops: 'pc',
  workstation: 'pc',
  workstations: 'pc',
  computer: 'pc',
  computers: 'pc',
  machine: 'pc',
  machines: 'pc',
  pcs: 'pc',
  email: 'mail',
  emails: 'mail',
  mails: 'mail',
  wireless: 'wifi',
  wlan: 'wifi',
  reboot: 'restart',
  rebooted: 'restart',
  rebooting: 'restart',
  reboots: 'restart',
  restarted: 'restart',
  restarting: 'restart',
  restarts: 'restart',
  pw: 'password',
  pwd: 'password',
  passwd: 'password',
  passwords: 'password',
  license: 'licence',
  licenses: 'licence',
  licensed: 'licence',
  licensing: 'licence',
  licences: 'licence',
  licencing: 'licence',
  signin: 'sign',
  logon: 'login',
  webmail: 'owa',
  cred: 'credential',
  creds: 'credential',
  '2fa': 'mfa',
  av: 'antivirus',
  aad: 'entra',
  azure: 'entra',
  cert: 'certificate',
  certs: 'certificate',
  certificates: 'certificate',
  ssl: 'tls',
  mobile: 'phone',
  iphone: 'phone',
  android: 'phone',
  smartphone: 'phone',
  cellphone: 'phone',
};

const PHRASES: Record<string, string> = {
  'wi-fi': 'wifi',
  'e-mail': 'email',
  'sign-in': 'signin',
  'sign in': 'signin',
  'log-in': 'login',
  'log in': 'login',
  'log on': 'login',
  'add-in': 'addin',
  'add-ins': 'addin',
  'on-demand': 'ondemand',
};
const PHRASE_RE = /\b(?:wi-fi|e-mail|sign-in|sign in|log-in|log in|log on|add-ins?|on-demand)\b/g;

const DOUBLE_OK = new Set(['l', 's', 'z']);

export function stem(word: string): string {
  let w = word;
  if (/^\d/.test(w)) return w;
  let stripped = false;
  if (w.length > 5 && w.endsWith('ing')) {
    w = w.slice(0, -3);
    stripped = true;
  } else if (w.length > 4 && w.endsWith('ied')) {
    w = `${w.slice(0, -3)}y`;
  } else if (w.length > 4 && w.endsWith('ed')) {
    w = w.slice(0, -2);
    stripped = true;
  } else if (w.length > 4 && w.endsWith('ies')) {
    w = `${w.slice(0, -3)}y`;
  } else if (w.length > 4 && /(ch|sh|x|ss)es$/.test(w)) {
    w = w.slice(0, -2);
  } else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) {
    w = w.slice(0, -1);
  }
  if (stripped && w.length > 3) {
    const a = w[w.length - 1]!;
    if (a === w[w.length - 2] && !DOUBLE_OK.has(a) && !/[aeiou]/.test(a)) w = w.slice(0, -1);
  }
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Tokenize free text into normalised terms (order kept, duplicates kept). */
export function tokenize(text: string): string[] {
  const t = text.toLowerCase().replace(PHRASE_RE, (m) => PHRASES[m] ?? m);
  const out: string[] = [];
  for (const raw of t.split(/[^a-z0-9]+/)) {
    if (!raw) continue;
    if (raw.length < 2 && !/^\d$/.test(raw)) continue;
    if (STOP_WORDS.has(raw)) continue;
    const syn = SYNONYMS[raw];
    const term = syn ?? stem(raw);
    if (!term || STOP_WORDS.has(term)) continue;
    out.push(term);
    // Host names such as DC01, FS01, SQL01: also emit the alphabetic stem ("dc", "fs", "sql").
    const host = /^([a-z]{2,})\d+$/.exec(raw);
    if (host?.[1] && !STOP_WORDS.has(host[1])) out.push(SYNONYMS[host[1]] ?? host[1]);
  }
  return out;
}

export function tokenSet(text: string): Set<string> {
  return new Set(tokenize(text));
}
