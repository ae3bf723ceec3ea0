import { describe, expect, it } from 'vitest';
import { daysBefore, formatMinutes, formatPerWeek, formatStopwatch, formatUtcDay, lastDayOf } from './format';

describe('analytics display rules', () => {
  it('shows time saved per week in minutes below an hour, in hours above', () => {
    expect(formatPerWeek(0.04)).toEqual({ value: '2', unit: 'min per week' });
    expect(formatPerWeek(0.75)).toEqual({ value: '45', unit: 'min per week' });
    expect(formatPerWeek(0.99)).toEqual({ value: '59', unit: 'min per week' });
    expect(formatPerWeek(1)).toEqual({ value: '1.0', unit: 'hours per week' });
    expect(formatPerWeek(1.29)).toEqual({ value: '1.3', unit: 'hours per week' });
    expect(formatPerWeek(-0.5)).toEqual({ value: '-30', unit: 'min per week' });
  });

  it('keeps a negative minutes recovered as it is', () => {
    expect(formatMinutes(6.64)).toBe('6.6 min');
    expect(formatMinutes(-1.25)).toBe('−1.3 min');
  });

  it('names UTC days as UTC days, whatever the browser zone', () => {
    expect(formatUtcDay('2026-03-01')).toMatch(/1/);
    expect(formatUtcDay('2026-03-01')).toMatch(/Mar/);
    expect(lastDayOf('2026-03-08T00:00:00.000Z')).toBe('2026-03-07');
    expect(lastDayOf('2026-03-08T10:00:00.000Z')).toBe('2026-03-08');
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
  });

  it('reads a stopwatch', () => {
    expect(formatStopwatch(0)).toBe('0:00.0');
    expect(formatStopwatch(582_340)).toBe('9:42.3');
    expect(formatStopwatch(3_725_000)).toBe('1:02:05');
  });
});
