import type { ReactNode } from 'react';
import { errorMessage } from '../api/client';
import { Icon, type IconName } from './Icon';

export function Skeleton({
  width = '100%',
  height = 14,
  className = '',
}: {
  width?: number | string;
  height?: number | string;
  className?: string;
}) {
  return <span className={`skeleton ${className}`} style={{ width, height }} aria-hidden="true" />;
}

/** A stack of skeleton rows with an accessible "Loading" label. */
export function LoadingRows({
  rows = 4,
  height = 56,
  label = 'Loading',
}: {
  rows?: number;
  height?: number;
  label?: string;
}) {
  return (
    <div className="loading-rows" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <Skeleton key={i} height={height} />
      ))}
    </div>
  );
}

/** A form's error that belongs to no single field (announced; nothing when there is none). */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="inline-alert inline-alert-error" role="alert">
      {message}
    </div>
  );
}

export function ErrorState({
  error,
  onRetry,
  title = 'This could not be loaded',
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <div className="error-box" role="alert">
      <div>
        <strong>{title}.</strong> <span>{errorMessage(error)}</span>
      </div>
      {onRetry ? (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          <Icon name="refresh" size={14} />
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({
  icon = 'inbox',
  title,
  children,
}: {
  icon?: IconName;
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className="state-box">
      <Icon name={icon} size={28} className="state-icon" />
      <h2>{title}</h2>
      {children ? <div>{children}</div> : null}
    </div>
  );
}
