import { useEffect, useRef, useState } from 'react';
import { Icon } from './Icon';

/**
 * Puts `text` on the clipboard: the async Clipboard API where the page may use it, else a hidden
 * textarea and the legacy copy command (older browsers, non-secure origins). True when copied.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied or unavailable: try the fallback below.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '-9999px';
  // Inside an open modal <dialog> only the dialog's content can take focus.
  const host = document.querySelector('dialog[open]') ?? document.body;
  host.appendChild(area);
  const active = document.activeElement as HTMLElement | null;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  active?.focus();
  return ok;
}

/**
 * "Copy for ticket": copies plain text and says so in a polite live region ("Copied"), or says
 * that it could not (then the text can still be selected by hand).
 */
export function CopyButton({
  text,
  label = 'Copy for ticket',
  className = 'btn btn-sm',
  disabled,
}: {
  text: string;
  label?: string;
  className?: string;
  disabled?: boolean;
}) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return (
    <span className="copy-button">
      <button
        type="button"
        className={className}
        disabled={disabled}
        onClick={async () => {
          const ok = await copyText(text);
          setStatus(ok ? 'copied' : 'failed');
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => setStatus('idle'), 4000);
        }}
      >
        <Icon name={status === 'copied' ? 'check2' : 'copy'} size={14} />
        {label}
      </button>
      <span className={`copy-status copy-status-${status}`} role="status" aria-live="polite">
        {status === 'copied'
          ? 'Copied'
          : status === 'failed'
            ? 'Could not copy: select the text and copy it'
            : ''}
      </span>
    </span>
  );
}
