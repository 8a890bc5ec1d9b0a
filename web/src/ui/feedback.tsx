import type { ReactNode } from 'react';
import { describeError } from '../api/problem';

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const { title, details } = describeError(error);
  return (
    <div role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
      <p className="font-semibold">{title}</p>
      {details.length > 0 && (
        <ul className="mt-1 list-inside space-y-0.5 text-red-300/90">
          {details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="rounded-lg border border-emerald-900/70 bg-emerald-950/40 px-3 py-2 text-sm text-emerald-200">
      {children}
    </div>
  );
}
