import { type TSessionDetail, ZAssistantMessageBody } from '@rf/contracts';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useAskAssistant, useSuggestions } from '../../api/assistant';
import { CharCounter } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { LongText } from '../../components/LongText';
import { RichText } from '../../components/RichText';
import { ErrorState, FormError, Skeleton } from '../../components/States';
import { formatTime } from '../../lib/format';
import { apiErrors, fieldSentence, limitsOf } from '../../lib/forms';

const LIMITS = limitsOf(ZAssistantMessageBody, ['text'] as const);

export function AssistantPanel({
  session,
  canEdit,
  draft,
  onDraftChange,
  focusTick,
  onUseSuggestion,
}: {
  session: TSessionDetail;
  canEdit: boolean;
  draft: string;
  onDraftChange: (v: string) => void;
  focusTick: number;
  onUseSuggestion: (action: string) => void;
}) {
  const suggestions = useSuggestions(session.id, session.status !== 'resolved');
  const ask = useAskAssistant(session.id);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const chatEndRef = useRef<HTMLDivElement>(null);
  const composerId = useId();
  const [showAll, setShowAll] = useState(false);
  const chat = session.timeline.filter((e) => e.kind === 'assistant_user' || e.kind === 'assistant_reply');

  useEffect(() => {
    if (focusTick === 0) return;
    const el = composerRef.current;
    if (!el) return;
    el.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, [focusTick]);

  useEffect(() => {
    if (chat.length > 0) chatEndRef.current?.scrollIntoView({ block: 'nearest' });
  }, [chat.length]);

  const send = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    ask.mutate(text, { onSuccess: () => onDraftChange('') });
  };
  const err = apiErrors(ask.error);

  return (
    <aside className="assistant panel" aria-labelledby="assistant-title">
      <div className="panel-header">
        <h2 id="assistant-title" className="assistant-title">
          <Icon name="sparkle" size={16} />
          Assistant
        </h2>
        {suggestions.data ? (
          <span className="badge" title="Which engine answered">
            {suggestions.data.engine === 'llm' ? 'LLM' : 'Built-in playbooks'}
          </span>
        ) : null}
      </div>

      {session.status !== 'resolved' ? (
        <section className="assistant-section" aria-labelledby="suggestions-title">
          <div className="assistant-section-head">
            <h3 id="suggestions-title" className="section-title">
              Suggested next steps
            </h3>
            {suggestions.data?.playbook ? (
              <span className="muted playbook-name" title="Matched playbook">
                {suggestions.data.playbook.title}
              </span>
            ) : null}
          </div>
          {suggestions.isPending ? (
            <div className="loading-rows" role="status" aria-label="Loading suggestions">
              <Skeleton height={48} />
              <Skeleton height={48} />
            </div>
          ) : suggestions.isError ? (
            <ErrorState
              error={suggestions.error}
              onRetry={() => void suggestions.refetch()}
              title="Suggestions unavailable"
            />
          ) : suggestions.data.suggestions.length === 0 ? (
            <p className="muted">No suggestions right now. Describe what you see in the chat below.</p>
          ) : (
            <ul className="suggestions">
              {suggestions.data.suggestions.slice(0, showAll ? undefined : 3).map((s) => (
                <li key={s.id} className="suggestion">
                  <div className="suggestion-text">
                    <strong>
                      <RichText text={s.action} />
                    </strong>
                    <span className="muted">
                      <RichText text={s.why} />
                    </span>
                    {s.cause ? <span className="suggestion-cause">Checks: {s.cause}</span> : null}
                  </div>
                  {canEdit ? (
                    <button
                      type="button"
                      className="btn btn-sm"
                      onClick={() => onUseSuggestion(s.action)}
                      aria-label={`I did this: ${s.action}`}
                    >
                      I did this
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {suggestions.data && suggestions.data.suggestions.length > 3 ? (
            <button
              type="button"
              className="link-button show-more"
              aria-expanded={showAll}
              onClick={() => setShowAll((v) => !v)}
            >
              {showAll ? 'Show fewer' : `Show ${suggestions.data.suggestions.length - 3} more`}
            </button>
          ) : null}
        </section>
      ) : null}

      <section className="assistant-section assistant-chat" aria-labelledby="chat-title">
        <h3 id="chat-title" className="section-title">
          Chat
        </h3>
        {chat.length === 0 && !ask.isPending ? (
          <p className="muted">Ask about an error message, a log line, or what a result means.</p>
        ) : (
          <ol className="chat-log" aria-live="polite">
            {chat.map((m) => (
              <li
                key={m.id}
                className={`chat-msg chat-${m.kind === 'assistant_user' ? 'user' : 'assistant'}`}
              >
                <div className="chat-meta">
                  {m.kind === 'assistant_user' ? (m.author?.name ?? 'Technician') : 'Assistant'} ·{' '}
                  {formatTime(m.at)}
                </div>
                <div className="chat-bubble">
                  <LongText text={m.text} limit={600} />
                </div>
              </li>
            ))}
            {ask.isPending ? (
              <li className="chat-msg chat-assistant">
                <div className="chat-meta">Assistant</div>
                <div className="chat-bubble chat-thinking">Thinking…</div>
              </li>
            ) : null}
          </ol>
        )}
        <div ref={chatEndRef} />
        {canEdit ? (
          <form className="chat-composer" onSubmit={send} aria-label="Message the assistant">
            <label htmlFor={composerId} className="visually-hidden">
              Message the assistant
            </label>
            <textarea
              ref={composerRef}
              id={composerId}
              className="textarea"
              name="assistant-message"
              data-testid="assistant-composer"
              rows={3}
              maxLength={LIMITS.text}
              dir="auto"
              placeholder="Ask the assistant…"
              value={draft}
              onChange={(e) => onDraftChange(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) send(e);
              }}
            />
            <FormError
              message={
                err.general ?? (err.fields.text ? fieldSentence('Your message', err.fields.text) : null)
              }
            />
            <div className="chat-composer-foot">
              <span className="field-hint">Ctrl + Enter to send</span>
              {LIMITS.text ? <CharCounter length={draft.length} max={LIMITS.text} /> : null}
              <button
                type="submit"
                className="btn btn-primary btn-sm"
                disabled={ask.isPending || !draft.trim()}
              >
                Send
              </button>
            </div>
          </form>
        ) : null}
      </section>
    </aside>
  );
}
