import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RichText } from './RichText';

describe('RichText', () => {
  it('shows backtick spans as code, without the backticks', () => {
    const { container } = render(<RichText text="Start Outlook with `outlook.exe /safe` and retry" />);
    expect(container.textContent).toBe('Start Outlook with outlook.exe /safe and retry');
    expect(container.querySelector('code')?.textContent).toBe('outlook.exe /safe');
  });

  it('leaves lone backticks and markup as text', () => {
    const { container } = render(<RichText text="a ` b <b>c</b>" />);
    expect(container.textContent).toBe('a ` b <b>c</b>');
    expect(container.querySelector('code, b')).toBeNull();
  });
});
