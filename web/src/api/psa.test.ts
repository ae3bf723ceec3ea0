import type { TPsaPost } from '@rf/contracts';
import { describe, expect, it } from 'vitest';
import { stillSending } from './psa';

const post = (over: Partial<TPsaPost>): TPsaPost => ({
  id: 'p1',
  kind: 'note',
  noteKind: 'resolution',
  ticketId: 4711,
  status: 'pending',
  attempts: 0,
  lastError: null,
  nextAttemptAt: '2026-11-26T14:00:00.000Z',
  sentAt: null,
  createdAt: '2026-11-26T14:00:00.000Z',
  label: 'Internal note (resolution) on ticket #4711',
  ...over,
});

describe('stillSending: when the session keeps asking about its ticket posts', () => {
  it('while a post is due or being retried', () => {
    expect(stillSending([post({})])).toBe(true);
    expect(stillSending([post({ status: 'sent' }), post({ kind: 'status', attempts: 2 })])).toBe(true);
  });

  it('not for posts that only wait behind a note that failed (they go out after its Retry)', () => {
    expect(
      stillSending([
        post({ status: 'failed', attempts: 1, nextAttemptAt: null }),
        post({ kind: 'status', nextAttemptAt: null, label: 'Status → Resolved (waits for the note)' }),
      ]),
    ).toBe(false);
    expect(stillSending([post({ status: 'sent' }), post({ status: 'failed', nextAttemptAt: null })])).toBe(
      false,
    );
  });
});
