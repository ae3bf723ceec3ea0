import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDuration, formatElapsed, formatWaiting } from '../lib/format';
import { WaitingTimer } from './WaitingTimer';

describe('formatWaiting', () => {
  it.each([
    [0, 'waiting 0s'],
    [59, 'waiting 59s'],
    [60, 'waiting 1m'],
    [180, 'waiting 3m'],
    [3599, 'waiting 59m'],
    [3600, 'waiting 1h 0m'],
    [3725, 'waiting 1h 2m'],
    [90_000, 'waiting 1d 1h'],
  ])('%i s reads "%s"', (seconds, text) => {
    expect(formatWaiting(seconds)).toBe(text);
  });

  it('never shows negative time from a skewed clock', () => {
    expect(formatElapsed(-5)).toBe('0s');
  });
});

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [42, '42s'],
    [252, '4m 12s'],
    [240, '4m'],
    [3900, '1h 5m'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('WaitingTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks client-side from the server-reported waiting time', () => {
    vi.useFakeTimers();
    const fetchedAt = Date.now();
    render(<WaitingTimer waitingSeconds={170} fetchedAt={fetchedAt} />);
    expect(screen.getByTestId('waiting-timer').textContent).toBe('waiting 2m');
    act(() => {
      vi.advanceTimersByTime(11_000);
    });
    expect(screen.getByTestId('waiting-timer').textContent).toBe('waiting 3m');
  });
});
