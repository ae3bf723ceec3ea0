import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { isReconnecting } from './Reconnecting';

const offline = new ApiError({ status: 0, code: 'network_error', message: 'Could not reach' });
const notFound = new ApiError({ status: 404, code: 'not_found', message: 'gone' });
const base = { data: ['card'], error: null, failureCount: 0, failureReason: null };

describe('isReconnecting', () => {
  it('is false while refreshes succeed, and without data to keep', () => {
    expect(isReconnecting(base)).toBe(false);
    expect(isReconnecting({ ...base, data: undefined, error: offline })).toBe(false);
  });

  it('is true while a refresh fails and retries, after it gave up, and while the next one runs', () => {
    expect(isReconnecting({ ...base, failureCount: 1, failureReason: offline })).toBe(true);
    expect(isReconnecting({ ...base, error: offline, failureCount: 3, failureReason: offline })).toBe(true);
    // A new refresh starts its failure count at 0 but the last error stays: no flicker.
    expect(isReconnecting({ ...base, error: offline, failureCount: 0, failureReason: null })).toBe(true);
  });

  it('is false for answers that are decisions (4xx), not outages', () => {
    expect(isReconnecting({ ...base, error: notFound, failureCount: 1, failureReason: notFound })).toBe(
      false,
    );
  });

  it('is true while the live stream that keeps the data fresh is down, and only then', () => {
    expect(isReconnecting(base, 'reconnecting')).toBe(true);
    expect(isReconnecting(base, 'offline')).toBe(true);
    expect(isReconnecting(base, 'live')).toBe(false);
    // The first connection of a page is not a lost one.
    expect(isReconnecting(base, 'connecting')).toBe(false);
    expect(isReconnecting({ ...base, data: undefined }, 'offline')).toBe(false);
  });
});
