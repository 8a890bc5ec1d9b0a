import { NavLink } from 'react-router';
import type { ReactNode } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { EmptyState } from '../../ui/PageHeader';

const tab = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap rounded-lg px-3 py-1.5 text-sm ${isActive ? 'bg-neutral-800 text-white' : 'text-neutral-400 hover:bg-neutral-900 hover:text-white'}`;

/** The admin area's frame: its tabs, and nothing for users who are not admins. */
export function AdminLayout({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  if (user?.role !== 'admin') return <EmptyState>The admin area is for admins of this server.</EmptyState>;
  return (
    <div className="space-y-6">
      <nav aria-label="Admin" className="flex gap-1 overflow-x-auto border-b border-neutral-900 pb-2">
        <NavLink to="/admin" end className={tab}>
          Server
        </NavLink>
        <NavLink to="/admin/users" className={tab}>
          Users
        </NavLink>
        <NavLink to="/admin/folders" className={tab}>
          Library folders
        </NavLink>
        <NavLink to="/admin/jobs" className={tab}>
          Jobs
        </NavLink>
      </nav>
      {children}
    </div>
  );
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v >= 10 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatWhen(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

export function StatusBadge({ status }: { status: string }) {
  const tone: Record<string, string> = {
    succeeded: 'bg-emerald-900/50 text-emerald-300',
    running: 'bg-sky-900/50 text-sky-300',
    queued: 'bg-neutral-800 text-neutral-300',
    failed: 'bg-red-900/50 text-red-300',
    cancelled: 'bg-amber-900/40 text-amber-300',
  };
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${tone[status] ?? 'bg-neutral-800 text-neutral-300'}`}>{status}</span>;
}

export function Facts({ title, rows }: { title: string; rows: Array<[string, ReactNode]> }) {
  const id = `facts-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="rounded-xl border border-neutral-800 bg-neutral-900/50 p-4">
      <h2 id={id} className="mb-2 font-semibold text-white">
        {title}
      </h2>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-neutral-400">{k}</dt>
            <dd className="break-words text-neutral-100">{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
