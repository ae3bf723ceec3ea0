import type { ReactNode } from 'react';
import { BrandMark } from '../../layout/BrandMark';
import './auth.css';

/** The signed-out pages' frame: the brand, one card, and what follows it (the demo sign-ins). */
export function AuthShell({ children, after }: { children: ReactNode; after?: ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-brand">
        <BrandMark withName />
      </div>
      <main className="auth-card card">{children}</main>
      {after}
    </div>
  );
}
