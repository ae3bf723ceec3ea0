import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CopyButton, copyText } from './CopyButton';

// The browser's clipboard APIs are the boundary here: they are replaced, our code is not.
const original = {
  clipboard: Object.getOwnPropertyDescriptor(navigator, 'clipboard'),
  secure: Object.getOwnPropertyDescriptor(window, 'isSecureContext'),
  exec: document.execCommand,
};

function setClipboard(writeText: ((t: string) => Promise<void>) | null, secure = true) {
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: writeText ? { writeText } : undefined,
  });
  Object.defineProperty(window, 'isSecureContext', { configurable: true, value: secure });
}

afterEach(() => {
  if (original.clipboard) Object.defineProperty(navigator, 'clipboard', original.clipboard);
  else Reflect.deleteProperty(navigator, 'clipboard');
  if (original.secure) Object.defineProperty(window, 'isSecureContext', original.secure);
  document.execCommand = original.exec;
  vi.useRealTimers();
});

describe('copyText', () => {
  it('uses the Clipboard API when the page may', async () => {
    const writeText = vi.fn(async () => {});
    setClipboard(writeText);
    expect(await copyText('Resolution note: x')).toBe(true);
    expect(writeText).toHaveBeenCalledWith('Resolution note: x');
  });

  it('falls back to a selected textarea and the copy command when the API is refused', async () => {
    setClipboard(async () => {
      throw new Error('NotAllowedError');
    });
    let selected = '';
    document.execCommand = vi.fn((cmd: string) => {
      selected = document.querySelector('textarea')?.value ?? '';
      return cmd === 'copy';
    });
    expect(await copyText('line 1\nline 2')).toBe(true);
    expect(selected).toBe('line 1\nline 2');
    // The helper textarea is gone again.
    expect(document.querySelectorAll('textarea')).toHaveLength(0);
  });

  it('falls back on a non-secure page, and says false when nothing works', async () => {
    const writeText = vi.fn(async () => {});
    setClipboard(writeText, false);
    document.execCommand = vi.fn(() => false);
    expect(await copyText('x')).toBe(false);
    expect(writeText).not.toHaveBeenCalled();
  });
});

describe('CopyButton', () => {
  it('announces Copied in a polite live region, then clears it', async () => {
    vi.useFakeTimers();
    setClipboard(async () => {});
    render(<CopyButton text="note" />);
    const status = screen.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe('');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy for ticket' }));
    });
    expect(status.textContent).toBe('Copied');
    act(() => vi.advanceTimersByTime(4000));
    expect(status.textContent).toBe('');
  });

  it('says when it could not copy', async () => {
    setClipboard(null);
    document.execCommand = vi.fn(() => false);
    render(<CopyButton text="note" />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy for ticket' }));
    });
    expect(screen.getByRole('status').textContent).toMatch(/Could not copy/);
  });
});
