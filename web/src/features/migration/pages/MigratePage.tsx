import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { MigrationSide, MigrationTarget, Service } from '../../../api/types';
import { Button } from '../../../ui/Button';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { Loading, PageHeader } from '../../../ui/PageHeader';
import { serviceState, useConnections } from '../../connections/api';
import { useSourcePlaylists, useStartMigration, useUploadMigration } from '../api';

const LIBRARY = 'library';
const FILE = 'file';
const FILE_ACCEPT = '.m3u,.m3u8,.pls,.xspf,.jspf,.wpl,.asx,.csv,.json,.txt';

const TO_FILE = 'to-file';
const FILE_FORMATS = ['xspf', 'jspf', 'm3u8', 'pls', 'csv', 'json'] as const;
type FileFormat = (typeof FILE_FORMATS)[number];

const side = (value: string): MigrationSide => (value === LIBRARY ? { kind: 'library' } : { kind: 'service', service: value });
const targetSide = (value: string, format: FileFormat): MigrationTarget => (value === TO_FILE ? { kind: 'file', format } : side(value));

function Step({ n, title, children }: { n: number; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={`step-${n}`} className="rounded-2xl border border-neutral-800 bg-neutral-900/60 p-4 sm:p-5">
      <h2 id={`step-${n}`} className="mb-3 flex items-center gap-2 text-base font-semibold text-white">
        <span className="grid h-6 w-6 place-items-center rounded-full bg-neutral-800 text-xs text-neutral-300">{n}</span>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Choice({ name, value, checked, onChange, label, hint, disabled }: { name: string; value: string; checked: boolean; onChange: (v: string) => void; label: string; hint?: string; disabled?: boolean }) {
  return (
    <label
      className={`flex min-w-0 cursor-pointer items-start gap-2 rounded-xl border px-3 py-2 text-sm ${
        checked ? 'border-accent-400 bg-accent-500/10 text-white' : 'border-neutral-700 text-neutral-200 hover:bg-neutral-800'
      } ${disabled ? 'cursor-not-allowed opacity-50' : ''}`}
    >
      <input type="radio" name={name} value={value} checked={checked} disabled={disabled} onChange={() => onChange(value)} className="mt-0.5 accent-accent-500" />
      <span className="min-w-0">
        <span className="block font-medium">{label}</span>
        {hint && <span className="block text-xs text-neutral-500">{hint}</span>}
      </span>
    </label>
  );
}

/** The source's playlists as checkboxes, with "all" and, where the service has them, liked tracks. */
function PlaylistPicker({
  source,
  service,
  selected,
  onChange,
}: {
  source: string;
  service: Service | undefined;
  selected: Set<string> | 'all' | 'liked';
  onChange: (next: Set<string> | 'all' | 'liked') => void;
}) {
  const q = useSourcePlaylists(source === LIBRARY ? 'tonearm' : source);
  const lists = useMemo(() => {
    if (!q.data) return [];
    if (source === LIBRARY) return q.data.items.map((p) => ({ id: p.id, name: p.name, count: p.item_count as number | null, owner: null as string | null }));
    const mine = q.data.services?.find((s) => s.slug === source);
    return (mine?.playlists ?? []).map((p) => ({ id: p.id, name: p.name, count: p.track_count, owner: p.owner_name }));
  }, [q.data, source]);
  const failed = source !== LIBRARY ? q.data?.services?.find((s) => s.slug === source && s.status !== 'ok') : undefined;
  const liked = service?.capabilities.includes('liked_read');
  const set = selected instanceof Set ? selected : new Set<string>();
  const toggle = (id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange(next);
  };
  if (q.isPending) return <Loading label="Loading playlists…" />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  return (
    <div className="space-y-3">
      {failed && (
        <p role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
          {failed.name} could not list its playlists{failed.error ? `: ${failed.error}` : '.'}
          {failed.status === 'reconnect' && (
            <>
              {' '}
              <Link to="/connections" className="underline">
                Reconnect it
              </Link>
              .
            </>
          )}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <label className="inline-flex cursor-pointer items-center gap-2 rounded-full border border-neutral-700 px-3 py-1 text-sm text-neutral-200 hover:bg-neutral-800">
          <input type="checkbox" checked={selected === 'all'} onChange={(e) => onChange(e.currentTarget.checked ? 'all' : new Set())} className="accent-accent-500" />
          All playlists{lists.length ? ` (${lists.length})` : ''}
        </label>
        {liked && (
          <label className="inline-flex cursor-pointer items-center gap-2 rounded-full border border-neutral-700 px-3 py-1 text-sm text-neutral-200 hover:bg-neutral-800">
            <input type="checkbox" checked={selected === 'liked'} onChange={(e) => onChange(e.currentTarget.checked ? 'liked' : new Set())} className="accent-accent-500" />
            Liked tracks
          </label>
        )}
      </div>
      {lists.length === 0 ? (
        <p className="text-sm text-neutral-400">No playlists here.</p>
      ) : (
        <ul className="grid gap-1 sm:grid-cols-2" aria-label="Source playlists">
          {lists.map((p) => (
            <li key={p.id}>
              <label className={`flex min-w-0 cursor-pointer items-center gap-3 rounded-lg px-2 py-1.5 text-sm hover:bg-neutral-800 ${selected === 'all' || selected === 'liked' ? 'opacity-50' : ''}`}>
                <input
                  type="checkbox"
                  checked={selected === 'all' || set.has(p.id)}
                  disabled={selected === 'all' || selected === 'liked'}
                  onChange={() => toggle(p.id)}
                  className="accent-accent-500"
                />
                <span className="min-w-0 flex-1 truncate text-neutral-100">{p.name}</span>
                <span className="shrink-0 text-xs tabular-nums text-neutral-500">
                  {p.count ?? '?'} {p.count === 1 ? 'track' : 'tracks'}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Move playlists: from a service, Tonearm or a file, to a service or the Tonearm library. */
export function MigratePage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const connections = useConnections();
  const start = useStartMigration();
  const upload = useUploadMigration();
  // From a playlist's "Migrate" link: `?source=<slug>&playlist=<id>` chosen already.
  const [source, setSource] = useState<string | null>(params.get('source'));
  const [target, setTarget] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string> | 'all' | 'liked'>(() => new Set(params.getAll('playlist')));
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [strict, setStrict] = useState(true);
  const [format, setFormat] = useState<FileFormat>('xspf');

  const services = connections.data?.items ?? [];
  const usable = services.filter((s) => s.kind === 'streaming' && serviceState(s) === 'connected');
  const readers = usable.filter((s) => s.capabilities.includes('playlists_read'));
  const writers = usable.filter((s) => s.capabilities.includes('playlists_write'));
  const notConnected = services.filter((s) => s.kind === 'streaming' && serviceState(s) !== 'connected' && serviceState(s) !== 'unconfigured');
  const justConnected = params.get('connected');

  const chosenCount = selected === 'all' || selected === 'liked' ? 1 : selected.size;
  const ready = source !== null && target !== null && source !== target && (source === FILE ? file !== null : chosenCount > 0);
  const busy = start.isPending || upload.isPending;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready || !source || !target) return;
    const made =
      source === FILE
        ? await upload.mutateAsync({ file: file!, target, dryRun, strict }).catch(() => null)
        : await start
            .mutateAsync({
              source: side(source),
              target: targetSide(target, format),
              playlists: selected instanceof Set ? [...selected] : selected,
              dry_run: dryRun,
              policy: { strict_versions: strict },
            })
            .catch(() => null);
    if (made) void navigate(`/migrations/${made.id}`);
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="New migration">
      <PageHeader
        title="Migrate playlists"
        subtitle="Copy playlists between streaming services and your Tonearm library. Every track is matched by ISRC first, then by title and artists; doubtful ones wait for you."
        actions={
          <Link to="/migrations" className="rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800">
            Past migrations and syncs
          </Link>
        }
      />
      {justConnected && <Notice>Connected to {services.find((s) => s.slug === justConnected)?.name ?? justConnected}.</Notice>}
      {connections.isPending ? (
        <Loading />
      ) : connections.isError ? (
        <ErrorAlert error={connections.error} />
      ) : (
        <>
          {usable.length === 0 && (
            <p className="rounded-lg border border-neutral-800 bg-neutral-900 px-3 py-2 text-sm text-neutral-300">
              No streaming service is connected yet.{' '}
              <Link to="/connections" className="text-accent-300 underline">
                Connect one
              </Link>{' '}
              to move its playlists.
            </p>
          )}
          <Step n={1} title="From">
            <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" role="radiogroup" aria-label="Source">
              {readers.map((s) => (
                <Choice
                  key={s.slug}
                  name="source"
                  value={s.slug}
                  checked={source === s.slug}
                  onChange={(v) => (setSource(v), setSelected(new Set()), target === v && setTarget(null))}
                  label={s.name}
                  hint={s.connection?.account_name ? `as ${s.connection.account_name}` : undefined}
                />
              ))}
              <Choice name="source" value={LIBRARY} checked={source === LIBRARY} onChange={(v) => (setSource(v), setSelected(new Set()), target === v && setTarget(null))} label="Tonearm" hint="Your Tonearm playlists" />
              <Choice name="source" value={FILE} checked={source === FILE} onChange={(v) => (setSource(v), setSelected(new Set()))} label="A playlist file" hint="M3U, XSPF, CSV, JSPF…" />
            </div>
            {notConnected.length > 0 && (
              <p className="mt-3 text-xs text-neutral-500">
                {notConnected.map((s) => s.name).join(', ')}: <Link to="/connections" className="underline">connect</Link> to use.
              </p>
            )}
          </Step>
          {source && (
            <Step n={2} title={source === FILE ? 'The file' : 'Playlists'}>
              {source === FILE ? (
                <label className="block text-sm text-neutral-300">
                  <span className="mb-1 block">Playlist file</span>
                  <input
                    type="file"
                    accept={FILE_ACCEPT}
                    onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
                    className="block w-full text-sm text-neutral-300 file:mr-3 file:rounded-lg file:border-0 file:bg-neutral-800 file:px-3 file:py-2 file:text-neutral-100"
                  />
                </label>
              ) : (
                <PlaylistPicker source={source} service={services.find((s) => s.slug === source)} selected={selected} onChange={setSelected} />
              )}
            </Step>
          )}
          {source && (
            <Step n={3} title="To">
              <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" role="radiogroup" aria-label="Target">
                {writers.map((s) => (
                  <Choice key={s.slug} name="target" value={s.slug} checked={target === s.slug} disabled={s.slug === source} onChange={setTarget} label={s.name} hint={s.slug === source ? 'the source' : s.connection?.account_name ? `as ${s.connection.account_name}` : undefined} />
                ))}
                <Choice name="target" value={LIBRARY} checked={target === LIBRARY} disabled={source === LIBRARY} onChange={setTarget} label="Tonearm library" hint={source === LIBRARY ? 'the source' : 'New playlists of your library tracks'} />
                <Choice name="target" value={TO_FILE} checked={target === TO_FILE} disabled={source === FILE} onChange={setTarget} label="A playlist file" hint="Every track as the source lists it, to download" />
              </div>
              {target === TO_FILE && (
                <label className="mt-3 flex items-center gap-2 text-sm text-neutral-300">
                  Format
                  <select value={format} onChange={(e) => setFormat(e.currentTarget.value as FileFormat)} className="rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-1 text-sm text-white">
                    {FILE_FORMATS.map((f) => (
                      <option key={f} value={f}>
                        {f.toUpperCase()}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </Step>
          )}
          {source && target && (
            <Step n={4} title="Options">
              <div className="space-y-2 text-sm">
                <label className="flex items-start gap-2 text-neutral-200">
                  <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} className="mt-1 accent-accent-500" />
                  <span>
                    Dry run
                    <span className="block text-xs text-neutral-500">Match and report; write nothing until you apply.</span>
                  </span>
                </label>
                <label className="flex items-start gap-2 text-neutral-200">
                  <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.currentTarget.checked)} className="mt-1 accent-accent-500" />
                  <span>
                    Strict versions
                    <span className="block text-xs text-neutral-500">A live, remix or instrumental take matches only the same kind of version.</span>
                  </span>
                </label>
              </div>
            </Step>
          )}
          <ErrorAlert error={start.error ?? upload.error} />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={!ready} busy={busy}>
              {busy ? 'Starting…' : dryRun ? 'Start dry run' : 'Start migration'}
            </Button>
            {!ready && source && <span className="text-xs text-neutral-500">{!target ? 'Choose where to.' : source === FILE ? 'Choose a file.' : 'Choose at least one playlist.'}</span>}
          </div>
        </>
      )}
    </form>
  );
}
