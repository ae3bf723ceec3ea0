// Building the shipped engine after the server listens (main.ts): in slices, so that requests that
// arrive meanwhile are answered between them. Its own file: the shipped engine is built once per
// process, and no other test here may have built it first.
import { describe, expect, it } from 'vitest';
import { assessSession, warmShippedEngine, warmShippedEngineInSlices } from './engine.js';

describe('warming the shipped engine in slices', () => {
  it('leaves the event loop free between slices, then holds a built engine', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const { totalMs, longestMs } = await warmShippedEngineInSlices(5);
    clearInterval(timer);
    console.log(
      `warm in slices: ${totalMs.toFixed(0)} ms in all, event loop held at most ${longestMs.toFixed(0)} ms`,
    );
    // Timers ran while the texts were being tokenized: the loop was not held for the whole build.
    expect(ticks).toBeGreaterThan(3);
    expect(longestMs).toBeLessThan(totalMs);
    // Built: nothing left to do, and it answers.
    expect(warmShippedEngine()).toBe(0);
    const a = assessSession({
      title: 'Outlook keeps asking for the password',
      problem: 'Prompts again and again after the MFA change',
      customer: null,
      asset: null,
      category: null,
      timeline: [],
    });
    expect(a.assessment.likelyCauses.length).toBeGreaterThan(0);
  });
});
