import { ErrorAlert } from '../../../ui/feedback';
import { Loading, PageHeader } from '../../../ui/PageHeader';
import { useServerInfo } from '../api';
import { Facts, formatBytes } from '../components';

type Section = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v.toLocaleString() : '—');

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}

/** Version, database, storage, disk, queue and library at a glance. */
export function ServerPage() {
  const q = useServerInfo();
  if (q.isPending) return <Loading label="Reading the server…" />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  const info = q.data;
  const jobs = (info.sections.jobs ?? {}) as Section;
  const accounts = (info.sections.accounts ?? {}) as Section;
  const library = (info.sections.library ?? {}) as Section;
  const disk = { total: info.disk.total ?? 0, used: info.disk.used ?? 0, free: info.disk.free ?? 0 };
  const usedPct = disk.total ? Math.round((disk.used / disk.total) * 100) : 0;
  return (
    <div>
      <PageHeader title="Server" subtitle={`Tonearm ${info.version} · Python ${info.python} · up ${uptime(info.uptime_seconds)}`} />
      <div className="grid gap-4 md:grid-cols-2">
        <Facts
          title="Database"
          rows={[
            ['Kind', String(info.database.dialect)],
            ['Version', String(info.database.version ?? '—')],
            ['Size', formatBytes(info.database.size_bytes as number)],
          ]}
        />
        <Facts
          title="Storage"
          rows={[
            ['Back end', String(info.storage.backend)],
            ['Where', String(info.storage.path ?? info.storage.bucket ?? '—')],
            ['Media', formatBytes(info.storage.used_bytes as number | undefined)],
            ['Data folder', info.data_dir],
            ['Disk', `${formatBytes(disk.used)} of ${formatBytes(disk.total)} used (${usedPct}%), ${formatBytes(disk.free)} free`],
          ]}
        />
        <Facts
          title="Jobs"
          rows={[
            ['Runner', String(jobs.runner ?? '—')],
            ['Queued', num(jobs.queued)],
            ['Running', num(jobs.running)],
            ['Failed', num(jobs.failed)],
          ]}
        />
        <Facts
          title="Accounts"
          rows={[
            ['Users', num(accounts.users)],
            ['Admins', num(accounts.admins)],
            ['Disabled', num(accounts.disabled)],
            ['Email', String(accounts.email ?? '—')],
          ]}
        />
        <Facts
          title="Library"
          rows={[
            ['Tracks', num(library.tracks)],
            ['Albums', num(library.albums)],
            ['Artists', num(library.artists)],
            ['Audio', formatBytes(library.audio_bytes as number | undefined)],
            ['Folders', num(library.folders)],
          ]}
        />
      </div>
    </div>
  );
}
