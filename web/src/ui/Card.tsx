import { useId, type ReactNode } from 'react';

export function Card({ title, description, children, headingId }: { title: string; description?: ReactNode; children: ReactNode; headingId?: string }) {
  const autoId = useId();
  const hid = headingId ?? autoId;
  return (
    <section aria-labelledby={hid} className="rounded-2xl border border-neutral-800 bg-neutral-900/60 p-4 sm:p-6">
      <h2 id={hid} className="text-lg font-semibold text-white">
        {title}
      </h2>
      {description && <p className="mt-1 text-sm text-neutral-400">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}
