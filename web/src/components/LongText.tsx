import { useState } from 'react';
import { RichText } from './RichText';

/** Shows long text cut at a word boundary with a "Show more" toggle; short text as is. */
export function LongText({ text, limit = 220 }: { text: string; limit?: number }) {
  const [open, setOpen] = useState(false);
  if (text.length <= limit + 40)
    return (
      <span className="long-text" dir="auto">
        <RichText text={text} />
      </span>
    );
  const cut = text.slice(0, limit);
  const shown = open ? text : `${cut.slice(0, Math.max(cut.lastIndexOf(' '), limit * 0.8))}…`;
  return (
    <span className="long-text" dir="auto">
      <RichText text={shown} />{' '}
      <button
        type="button"
        className="link-button show-more"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? 'Show less' : 'Show more'}
      </button>
    </span>
  );
}
