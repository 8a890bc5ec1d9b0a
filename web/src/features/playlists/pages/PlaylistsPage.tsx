import { Link, useNavigate, useSearchParams } from 'react-router';
import { flattenPages } from '../../../api/infinite';
import type { Playlist, ServicePlaylists } from '../../../api/types';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { NewPlaylistForm } from '../components/NewPlaylistForm';
import { serviceState, useConnections } from '../../connections/api';
import { useImportNsp, useMyPlaylists, useSourcePlaylists } from '../api';

const VISIBILITY_LABEL = { private: 'Private', unlisted: 'Unlisted', public: 'Public' } as const;

/** One service's playlists as the server listed them, or why it could not. */
function ServiceSection({ service, heading }: { service: ServicePlaylists; heading: boolean }) {
  return (
    <section aria-label={`${service.name} playlists`} className="space-y-3">
      {heading && <h2 className="text-lg font-semibold text-white">{service.name}</h2>}
      {service.status !== 'ok' ? (
        <div role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
          <p className="font-semibold">{service.status === 'reconnect' ? `${service.name} needs reconnecting.` : `${service.name} could not list its playlists.`}</p>
          {service.error && <p className="text-red-300/90">{service.error}</p>}
          <Link to="/connections" className="underline">
            Connections
          </Link>
        </div>
      ) : service.playlists.length === 0 ? (
        <EmptyState>No playlists on {service.name}.</EmptyState>
      ) : (
        <ul className="divide-y divide-neutral-800 rounded-2xl border border-neutral-800" aria-label={`On ${service.name}`}>
          {service.playlists.map((p) => (
            <li key={p.id} className="flex items-center gap-3 px-3 py-2">
              {p.image ? (
                <img src={p.image} alt="" className="h-12 w-12 shrink-0 rounded-md object-cover" loading="lazy" />
              ) : (
                <Cover seed={`${service.slug}:${p.id}`} label={p.name} className="h-12 w-12 shrink-0" rounded="md" />
              )}
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium text-white">{p.name}</p>
                <p className="truncate text-xs text-neutral-400">
                  {p.track_count ?? '?'} {p.track_count === 1 ? 'track' : 'tracks'}
                  {p.owner_name ? ` · by ${p.owner_name}` : ''}
                  {p.public === true ? ' · public' : p.public === false ? ' · private' : ''}
                </p>
              </div>
              <Link
                to={`/migrate?${new URLSearchParams({ source: service.slug, playlist: p.id })}`}
                className="shrink-0 rounded-lg px-2 py-1 text-sm text-neutral-300 hover:bg-neutral-800 hover:text-white"
                aria-label={`Migrate ${p.name}`}
              >
                Migrate
              </Link>
              {p.url && (
                <a href={p.url} target="_blank" rel="noreferrer" className="shrink-0 rounded-lg px-2 py-1 text-sm text-accent-300 hover:bg-neutral-800" aria-label={`Open ${p.name} on ${service.name}`}>
                  Open ↗
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ServicePlaylistsView({ source }: { source: string }) {
  const q = useSourcePlaylists(source);
  if (q.isPending) return <Loading label="Asking the services…" />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  const services = q.data.services ?? [];
  const mine = q.data.items;
  return (
    <div className="space-y-8">
      {source === 'all' && (
        <section aria-label="Tonearm playlists" className="space-y-3">
          <h2 className="text-lg font-semibold text-white">Tonearm</h2>
          {mine.length === 0 ? <EmptyState>No Tonearm playlists yet.</EmptyState> : <TonearmGrid playlists={mine} />}
        </section>
      )}
      {services.length === 0 && source !== 'all' ? <EmptyState>This service is not connected.</EmptyState> : null}
      {services.map((s) => (
        <ServiceSection key={s.slug} service={s} heading={source === 'all'} />
      ))}
    </div>
  );
}

function TonearmGrid({ playlists }: { playlists: Playlist[] }) {
  return (
    <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5" aria-label="Your playlists">
      {playlists.map((p) => (
        <li key={p.id}>
          <Link to={`/playlists/${p.id}`} className="group block rounded-xl p-2 hover:bg-neutral-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
            <Cover seed={p.id} label={p.name} src={p.cover?.medium} className="aspect-square w-full" rounded="lg" />
            <p className="mt-2 truncate font-medium text-white">{p.name}</p>
            <p className="truncate text-xs text-neutral-400">
              {p.kind === 'smart' && 'Smart · '}
              {p.item_count} {p.item_count === 1 ? 'track' : 'tracks'} · {VISIBILITY_LABEL[p.visibility]}
            </p>
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function PlaylistsPage() {
  const [params, setParams] = useSearchParams();
  const source = params.get('source') ?? 'tonearm';
  const connections = useConnections();
  const readable = (connections.data?.items ?? []).filter((s) => s.connection && s.capabilities.includes('playlists_read'));
  const tabs = [
    { id: 'tonearm', label: 'Tonearm', hint: undefined as string | undefined },
    ...(readable.length ? [{ id: 'all', label: 'All', hint: undefined }] : []),
    ...readable.map((s) => ({ id: s.slug, label: s.name, hint: serviceState(s) === 'reconnect' ? 'needs reconnecting' : undefined })),
  ];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Playlists"
        subtitle={source === 'tonearm' ? 'Your playlists. Add tracks from any track row, album or the player.' : 'Playlists on your connected services. Migrate them to copy them here or elsewhere.'}
        actions={
          <>
          <Link to="/playlists/import" className="rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800">
            Import a file
          </Link>
          <Link to="/migrate" className="rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800">
            Migrate
          </Link>
          </>
        }
      />
      {tabs.length > 1 && (
        <div role="tablist" aria-label="Sources" className="flex gap-2 overflow-x-auto pb-1 [scrollbar-width:none]">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={source === t.id}
              onClick={() => setParams(t.id === 'tonearm' ? {} : { source: t.id }, { replace: true })}
              className={`shrink-0 rounded-full border px-3 py-1 text-sm ${source === t.id ? 'border-accent-400 bg-accent-500/15 text-white' : 'border-neutral-700 text-neutral-300 hover:bg-neutral-800'}`}
            >
              {t.label}
              {t.hint && <span className="ml-1 text-xs text-amber-300">({t.hint})</span>}
            </button>
          ))}
        </div>
      )}
      {source === 'tonearm' ? <TonearmPlaylists /> : <ServicePlaylistsView source={source} />}
    </div>
  );
}

function TonearmPlaylists() {
  const q = useMyPlaylists();
  const playlists = flattenPages(q.data);
  const navigate = useNavigate();
  const importNsp = useImportNsp();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start gap-3">
        <NewPlaylistForm className="max-w-md flex-1" placeholder="New playlist name" submitLabel="New playlist" onCreated={(made) => navigate(`/playlists/${made.id}`)} />
        <Link to="/playlists/smart/new" className="inline-flex items-center gap-2 rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400">
          New smart playlist
        </Link>
        <label className="inline-flex cursor-pointer items-center gap-2 rounded-lg border border-neutral-700 bg-neutral-900 px-4 py-2 text-sm text-neutral-100 hover:bg-neutral-800 focus-within:ring-2 focus-within:ring-accent-400">
          {importNsp.isPending ? 'Importing…' : 'Import Navidrome .nsp'}
          <input
            type="file"
            accept=".nsp,application/json"
            className="sr-only"
            aria-label="Import a Navidrome smart playlist (.nsp)"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              const made = await importNsp.mutateAsync(file).catch(() => null);
              if (made) void navigate(`/playlists/${made.id}`);
            }}
          />
        </label>
      </div>
      {importNsp.error ? <ErrorAlert error={importNsp.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : playlists.length === 0 ? (
        <EmptyState>No playlists yet. Name one above, or use the + on any track.</EmptyState>
      ) : (
<TonearmGrid playlists={playlists} />
      )}
    </div>
  );
}
