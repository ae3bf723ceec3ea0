import { Fragment } from 'react';

/**
 * Text with `inline code` (commands, paths, registry keys) shown in the monospace face, as the
 * playbooks and chat replies write them. Only backtick spans are interpreted; everything else is
 * plain text, so nothing a user typed can inject markup.
 */
export function RichText({ text }: { text: string }) {
  const parts = text.split(/(`[^`\n]+`)/g);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((part, i) =>
        part.length > 2 && part.startsWith('`') && part.endsWith('`') ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed split of an immutable string
          <code key={i} className="inline-code">
            {part.slice(1, -1)}
          </code>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed split of an immutable string
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}
