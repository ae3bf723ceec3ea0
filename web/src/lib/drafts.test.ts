import { describe, expect, it } from 'vitest';
import { askAboutStepText } from '../pages/session/Timeline';
import { readDraft, writeDraft } from './drafts';

describe('per-session drafts', () => {
  it('keeps a prefill in the session it was written for and nowhere else', () => {
    writeDraft('session-a', 'assistant', 'About the step "ping gateway"');
    expect(readDraft('session-a', 'assistant')).toBe('About the step "ping gateway"');
    expect(readDraft('session-b', 'assistant')).toBe('');
    expect(readDraft('session-a', 'step-action')).toBe('');
  });

  it('forgets a draft once it is cleared (sent)', () => {
    writeDraft('session-c', 'assistant', 'hello');
    writeDraft('session-c', 'assistant', '');
    expect(readDraft('session-c', 'assistant')).toBe('');
  });
});

describe('askAboutStepText', () => {
  it('quotes the step, its outcome and what it showed', () => {
    expect(askAboutStepText({ text: 'Flushed DNS', outcome: 'failed', detail: 'still NXDOMAIN' })).toBe(
      'About the step "Flushed DNS" (failed): It showed: still NXDOMAIN. What does this tell us, and what should I check next?',
    );
  });
});

describe('drafts survive a reload', () => {
  it('are kept in sessionStorage under a per-session key', () => {
    writeDraft('session-d', 'escalate-reason', 'half a reason');
    expect(window.sessionStorage.getItem('rf:draft:session-d:escalate-reason')).toBe('half a reason');
    writeDraft('session-d', 'escalate-reason', '');
    expect(window.sessionStorage.getItem('rf:draft:session-d:escalate-reason')).toBeNull();
  });
});
