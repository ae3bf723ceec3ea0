/** Display rules for the analytics figures (the server never rounds them). */

/** Time saved per week: minutes below an hour ("45 min"), hours with one decimal above ("1.3 h"). */
export function formatPerWeek(hours: number): { value: string; unit: string } {
  const minutes = hours * 60;
  if (Math.abs(minutes) < 59.5) return { value: String(Math.round(minutes)), unit: 'min per week' };
  return { value: hours.toFixed(1), unit: 'hours per week' };
}

/** Minutes recovered per escalation: one decimal, with the sign when negative (it is honest). */
export function formatMinutes(minutes: number): string {
  return `${minutes < 0 ? '−' : ''}${Math.abs(minutes).toFixed(1)} min`;
}

const DAY_MS = 86_400_000;

/** "3 Sep 2026", for a UTC day (YYYY-MM-DD), drawn as that day wherever the browser is. */
export function formatUtcDay(day: string, opts: { year?: boolean } = {}): string {
  const d = new Date(`${day}T00:00:00Z`);
  return d.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(opts.year === false ? {} : { year: 'numeric' }),
    timeZone: 'UTC',
  });
}

/** The last UTC day inside a half-open window ending at `toIso`. */
export const lastDayOf = (toIso: string) => new Date(Date.parse(toIso) - 1).toISOString().slice(0, 10);

/** Today as a UTC day. */
export const utcToday = (now = Date.now()) => new Date(now).toISOString().slice(0, 10);

/** The UTC day `days` before `day`. */
export const daysBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);

/** A stopwatch reading: "0:00.0", "9:42.3", "1:02:05". */
export function formatStopwatch(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100);
  const s = Math.floor(tenths / 10);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}.${tenths % 10}`;
}
