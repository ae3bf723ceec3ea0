import type { TLlmAssessment } from '@rf/contracts';
import { RichText } from '../../components/RichText';
import { formatTime } from '../../lib/format';

/**
 * The configured LLM's assessment, when it answered after the escalation had already been made
 * with the built-in one. It sits next to the snapshot, never instead of it: the senior sees both,
 * labelled, and "Start here" stays the snapshot's (the one the junior saw).
 */
export function SecondOpinion({ llm }: { llm: TLlmAssessment }) {
  const causes = llm.assessment.likelyCauses.slice(0, 3);
  return (
    <section className="second-opinion" aria-labelledby="sec-llm" data-testid="second-opinion">
      <h3 id="sec-llm" className="section-title">
        Second opinion <span className="muted">· language model, added {formatTime(llm.addedAt)}</span>
      </h3>
      {causes.length === 0 ? (
        <p className="muted">It names no likely cause.</p>
      ) : (
        <ol className="second-opinion-causes">
          {causes.map((c) => (
            <li key={c.cause}>
              <span className="cause-name">
                <RichText text={c.cause} />
              </span>{' '}
              <span className="cause-pct tabular">{Math.round(c.confidence * 100)}%</span>
            </li>
          ))}
        </ol>
      )}
      <p className="second-opinion-start">
        <span className="reason-label">It would start with</span> <RichText text={llm.startHere.action} />
      </p>
    </section>
  );
}
