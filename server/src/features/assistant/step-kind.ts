/**
 * What a logged step or a check does: change something (restart, set, delete, reinstall) or look at
 * something (check, run, read, ping). The outcome of a change means "it helped / it did not help";
 * the outcome of a look means "the test passed / failed". Reading one as the other turns evidence
 * upside down: "Dropped the lease time to 1 day — failed" says the lease time is not the problem,
 * while a failed lease-time *check* would say it is.
 */

const CHANGE = new Set(
  (
    'change changed set drop dropped lower lowered reduce reduced shorten shortened increase increased raise ' +
    'raised extend extended disable disabled enable enabled turn turned switch switched remove removed delete ' +
    'deleted uninstall uninstalled install installed reinstall reinstalled update updated upgrade upgraded ' +
    'downgrade downgraded reset recreate recreated rebuild rebuilt replace replaced swap swapped move moved add ' +
    'added rename renamed reregister reregistered rejoin rejoined restart restarted reboot rebooted cycle ' +
    'cycled clear cleared flush flushed repair repaired reimage reimaged apply applied force forced push pushed ' +
    'repush repushed forget forgot readd readded kill killed purge purged renew renewed reissue reissued ' +
    'reconfigure reconfigured configure configured edit edited allow allowed block blocked exclude excluded ' +
    'whitelist whitelisted create created roll rolled patch patched resize resized expand expanded free freed ' +
    'clean cleaned deploy deployed assign assigned grant granted revoke revoked unblock unblocked unlock ' +
    'unlocked import imported deregister deregistered unpair unpaired pair paired repair reseat reseated unplug ' +
    'unplugged replug replugged reconnect reconnected recollect recollected reenable reenabled'
  ).split(' '),
);

const LOOK = new Set(
  (
    'check checked run ran read compare compared look looked open opened review reviewed test tested ping ' +
    'pinged count counted list listed query queried search searched confirm confirmed inspect inspected filter ' +
    'filtered verify verified find found trace traced capture captured ask asked note noted watch watched time ' +
    'timed measure measured browse browsed print printed send sent try tried use used retry retried log logged ' +
    'collect collected examine examined view viewed get got call called monitor monitored reproduce reproduced ' +
    'identify identified wait waited'
  ).split(' '),
);

/**
 * True when the first verb among the first `maxWords` words of the text changes something. Other
 * words (a subject, a tool name such as `klist` or `gpupdate`) are skipped.
 */
export function changesSomething(text: string, maxWords = 10): boolean {
  const words = text
    .toLowerCase()
    .replace(/^on site:\s*/, '')
    .replace(/\bre-(?=[a-z])/g, 're')
    .split(/[^a-z]+/)
    .filter(Boolean)
    .slice(0, maxWords);
  for (const w of words) {
    if (LOOK.has(w)) return false;
    if (CHANGE.has(w)) return true;
  }
  return false;
}

/** Words a technician may put before the verb ("I restarted", "then reset", "user re-added"). */
const LEAD = new Set('i we they he she user users then also first finally just have had and so'.split(' '));

/**
 * A logged step is a change when it opens with a change verb ("Restarted the spooler", "I reset
 * it"). A tool name first ("ipconfig /renew", "klist purge") is a test the playbooks describe as such.
 */
export function stepChangesSomething(text: string): boolean {
  const words = text
    .toLowerCase()
    .replace(/\bre-(?=[a-z])/g, 're')
    .split(/[^a-z]+/)
    .filter(Boolean);
  for (const w of words.slice(0, 3)) {
    if (LEAD.has(w)) continue;
    return CHANGE.has(w);
  }
  return false;
}
