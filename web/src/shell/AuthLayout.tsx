import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Logo } from '../ui/Logo';

export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center bg-gradient-to-b from-neutral-900 via-neutral-950 to-black px-4 py-10">
      <Link to="/" className="mb-8 flex items-center gap-3 text-2xl font-bold tracking-tight text-white">
        <Logo className="h-10 w-10" />
        Tonearm
      </Link>
      <main className="w-full max-w-md rounded-2xl border border-neutral-800 bg-neutral-900/70 p-6 shadow-2xl shadow-black/50 sm:p-8">
        <h1 className="text-xl font-semibold text-white">{title}</h1>
        {subtitle && <p className="mt-1 text-sm text-neutral-400">{subtitle}</p>}
        <div className="mt-6">{children}</div>
      </main>
      {footer && <div className="mt-6 text-sm text-neutral-400">{footer}</div>}
    </div>
  );
}
