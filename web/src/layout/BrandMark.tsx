export function BrandMark({ withName = false }: { withName?: boolean }) {
  return (
    <span className="brand">
      <svg
        className="brand-mark"
        width="24"
        height="24"
        viewBox="0 0 32 32"
        aria-hidden="true"
        focusable="false"
      >
        <rect width="32" height="32" rx="7" className="brand-mark-bg" />
        <path
          d="M9 22V10h7a4 4 0 0 1 0 8h-7m7 0 6 4"
          fill="none"
          className="brand-mark-fg"
          strokeWidth="2.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      {withName ? <span className="brand-name">ResolutionFlow</span> : null}
    </span>
  );
}
