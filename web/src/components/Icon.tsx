import type { SVGProps } from 'react';

const PATHS = {
  check: 'M4 10.5l3.5 3.5L16 5.5',
  x: 'M5 5l10 10M15 5L5 15',
  partial: 'M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14z',
  info: 'M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14zM10 9v5M10 6.2v.1',
  alert: 'M10 3.5l7.5 13h-15zM10 8.5v3.5M10 14.4v.1',
  arrowUp: 'M10 16V4M5 9l5-5 5 5',
  clock: 'M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14zM10 6v4l2.5 2',
  user: 'M10 10a3.2 3.2 0 1 0 0-6.4a3.2 3.2 0 1 0 0 6.4zM4 17c.8-3 3.2-4.5 6-4.5s5.2 1.5 6 4.5',
  menu: 'M3.5 6h13M3.5 10h13M3.5 14h13',
  search: 'M9 3.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11zM13 13l3.5 3.5',
  plus: 'M10 4v12M4 10h12',
  sparkle:
    'M10 3l1.6 4.4L16 9l-4.4 1.6L10 15l-1.6-4.4L4 9l4.4-1.6zM15.5 14l.6 1.4 1.4.6-1.4.6-.6 1.4-.6-1.4-1.4-.6 1.4-.6z',
  flag: 'M5 17V3.5M5 4h9l-2 3.5 2 3.5H5',
  note: 'M5 3.5h7l3 3v10H5zM12 3.5v3h3M7.5 10h5M7.5 13h5',
  chat: 'M4 5h12v8H9l-3.5 3v-3H4z',
  arrowRight: 'M4 10h12M11 5l5 5-5 5',
  arrowLeft: 'M16 10H4M9 5l-5 5 5 5',
  inbox: 'M3.5 11l2-6.5h9l2 6.5v4.5h-13zM3.5 11H7l1 2h4l1-2h3.5',
  chart: 'M4 16V9M8 16V5M12 16v-5M16 16V7',
  settings:
    'M10 7.2a2.8 2.8 0 1 0 0 5.6a2.8 2.8 0 1 0 0-5.6zM10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4',
  layers: 'M10 3l7 3.8-7 3.8-7-3.8zM3 10.2l7 3.8 7-3.8M3 13.6l7 3.8 7-3.8',
  copy: 'M7 7h9v9H7zM4 13V4h9',
  logout: 'M8 4H4.5v12H8M12 6.5L15.5 10 12 13.5M15.5 10H8',
  refresh: 'M15.5 8A6 6 0 0 0 4.6 7M4.5 12a6 6 0 0 0 10.9 1M15.5 4v4h-4M4.5 16v-4h4',
  check2: 'M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14zM7 10.2l2 2 4-4.4',
  hand: 'M7 10V5a1.2 1.2 0 0 1 2.4 0v4M9.4 9V4a1.2 1.2 0 0 1 2.4 0v5M11.8 9V5.2a1.2 1.2 0 0 1 2.4 0V11c0 3.3-2 5.5-5 5.5-2.2 0-3.4-1-4.6-3L3.3 11a1.2 1.2 0 0 1 2-1.3L7 12',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({
  name,
  size = 16,
  ...rest
}: { name: IconName; size?: number } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d={PATHS[name]} />
      {name === 'partial' ? <path d="M10 3a7 7 0 0 0 0 14z" fill="currentColor" /> : null}
    </svg>
  );
}
