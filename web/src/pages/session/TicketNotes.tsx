import type { TNoteExportFormat, TTicketNote } from '@rf/contracts';
import { useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import { noteExportUrl, useSessionNotes } from '../../api/notes';
import { CopyButton } from '../../components/CopyButton';
import { formatRelative } from '../../lib/format';

const KIND_LABEL: Record<TTicketNote['kind'], string> = {
  resolution: 'Resolution note',
  escalation: 'Escalation note',
};

const EXPORTS: { format: TNoteExportFormat; label: string; name: string }[] = [
  { format: 'txt', label: 'Text', name: 'plain text' },
  { format: 'md', label: 'Markdown', name: 'Markdown' },
  { format: 'html', label: 'HTML', name: 'HTML' },
];

/** "1 h 05 min" */
function minutesLabel(m: number): string {
  if (m < 60) return `${m} min`;
  const rest = m % 60;
  return rest ? `${Math.floor(m / 60)} h ${String(rest).padStart(2, '0')} min` : `${Math.floor(m / 60)} h`;
}

/** One saved note: its text as saved, Copy for ticket and the three downloads. */
export function TicketNoteCard({ note }: { note: TTicketNote }) {
  const title = KIND_LABEL[note.kind];
  return (
    <article className="ticket-note-card" aria-label={title}>
      <header className="ticket-note-head">
        <div>
          <h3 className="ticket-note-title">{title}</h3>
          <p className="ticket-note-meta">
            {note.createdBy.name} · {formatRelative(note.createdAt)}
            {note.minutesWorked !== null ? ` · ${minutesLabel(note.minutesWorked)} worked` : ''}
          </p>
        </div>
        <div className="ticket-note-actions">
          <CopyButton text={note.body} />
          <span className="ticket-note-exports">
            <span className="ticket-note-exports-label" aria-hidden="true">
              Download
            </span>
            {EXPORTS.map((e) => (
              <a
                key={e.format}
                className="btn btn-sm btn-ghost"
                href={noteExportUrl(note.sessionId, note.id, e.format)}
                download
                aria-label={`Download the ${title.toLowerCase()} as ${e.name}`}
              >
                {e.label}
              </a>
            ))}
          </span>
        </div>
      </header>
      <NoteBody body={note.body} />
    </article>
  );
}

/** Lines a saved note shows before "Show the whole note": the session's work stays in view. */
const COLLAPSED_LINES = 14;

/** A saved note's text; a long one is clipped to its first lines until the reader opens it. */
function NoteBody({ body }: { body: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const lines = body.split('\n').length;
  const long = lines > COLLAPSED_LINES;
  return (
    <>
      <pre
        id={id}
        className={`ticket-note-body${long && !open ? ' is-collapsed' : ''}`}
        style={{ '--note-lines': COLLAPSED_LINES } as React.CSSProperties}
        dir="auto"
      >
        {body}
      </pre>
      {long ? (
        <button
          type="button"
          className="link-button ticket-note-toggle"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Show less' : `Show the whole note (${lines} lines)`}
        </button>
      ) : null}
    </>
  );
}

/** The session's saved ticket notes (written on resolve and escalate), newest first. */
export function TicketNotes({ sessionId }: { sessionId: string }) {
  const notes = useSessionNotes(sessionId);
  if (notes.isPending) {
    return (
      <section className="ticket-notes" aria-labelledby="ticket-notes-title" aria-busy="true">
        <h2 id="ticket-notes-title" className="section-title">
          Ticket notes
        </h2>
        <p className="field-hint">Loading the notes…</p>
      </section>
    );
  }
  if (notes.isError) {
    return (
      <section className="ticket-notes" aria-labelledby="ticket-notes-title">
        <h2 id="ticket-notes-title" className="section-title">
          Ticket notes
        </h2>
        <p className="inline-alert" role="alert">
          The ticket notes could not be loaded ({errorMessage(notes.error)}).{' '}
          <button type="button" className="btn btn-sm" onClick={() => void notes.refetch()}>
            Try again
          </button>
        </p>
      </section>
    );
  }
  // Nothing to show until a resolve or an escalation writes one.
  if (notes.data.length === 0) return null;
  return (
    <section className="ticket-notes" aria-labelledby="ticket-notes-title">
      <h2 id="ticket-notes-title" className="section-title">
        Ticket notes
      </h2>
      <div className="ticket-notes-list">
        {[...notes.data].reverse().map((n) => (
          <TicketNoteCard key={n.id} note={n} />
        ))}
      </div>
    </section>
  );
}
