import { useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { unwrap } from '../../../api/problem';
import type { Schemas } from '../../../api/types';
import { useApi } from '../../../auth/AuthContext';
import { formatDuration } from '../../../lib/format';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { PageHeader } from '../../../ui/PageHeader';
import { playlistKeys } from '../api';

type Preview = Schemas['ImportPreviewOut'];
type Row = Schemas['PreviewRowOut'];
type Bucket = Row['bucket'];
type Visibility = 'private' | 'unlisted' | 'public';
/** A row's choice: a track id, or "external" (keep the file's entry as it is). */
type Choices = Record<string, string>;

const ACCEPT = '.m3u,.m3u8,.pls,.xspf,.jspf,.wpl,.asx,.csv,.json,.txt';
const PAGE = 200;
const BUCKETS: { id: Bucket; label: string; tone: string }[] = [
  { id: 'review', label: 'To review', tone: 'text-amber-300' },
  { id: 'unmatched', label: 'Not in your library', tone: 'text-neutral-300' },
  { id: 'matched', label: 'Matched', tone: 'text-emerald-300' },
];
const RULES: Record<string, string> = {
  path: 'same file',
  isrc: 'ISRC',
  mbid: 'MusicBrainz id',
  album_position: 'album and track number',
  fuzzy: 'title and artists',
  decision: 'your earlier choice',
  none: 'nothing to match on',
};

const key = (playlist: number, row: number) => `${playlist}:${row}`;

function describeEntry(e: Row['entry']): string {
  const who = e.artists?.length ? e.artists.join(', ') : null;
  return [e.title ?? e.location ?? 'Untitled', who].filter(Boolean).join(' — ');
}

/** Import a playlist file: drop it, see how each entry matched, fix the doubtful ones, save. */
export function ImportPage() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [relax, setRelax] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [choices, setChoices] = useState<Choices>({});
  const [names, setNames] = useState<Record<number, string>>({});
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dragging, setDragging] = useState(false);

  const post = async (chosen: File, previewOnly: boolean, relaxVersions: boolean, form: Record<string, string> = {}) => {
    const body = new FormData();
    body.append('file', chosen, chosen.name);
    for (const [k, v] of Object.entries(form)) body.append(k, v);
    return unwrap(
      await api.POST('/api/v1/playlists/import', {
        params: { query: { preview: previewOnly, relax_versions: relaxVersions } },
        body: {} as never,
        bodySerializer: () => body,
      }),
    );
  };

  const runPreview = async (chosen: File, relaxVersions: boolean) => {
    setBusy('preview');
    setError(null);
    try {
      const result = (await post(chosen, true, relaxVersions)) as Preview;
      setPreview(result);
      setChoices({});
      setNames(Object.fromEntries(result.playlists.map((p, i) => [i, p.name ?? chosen.name.replace(/\.[^.]+$/, '')])));
    } catch (e) {
      setPreview(null);
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const pick = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    void runPreview(chosen, relax);
  };

  const save = async () => {
    if (!file || !preview) return;
    setBusy('save');
    setError(null);
    try {
      const list = Object.entries(choices).map(([k, v]) => {
        const [playlist, row] = k.split(':').map(Number);
        return { playlist, row, track_id: v };
      });
      const form: Record<string, string> = { choices: JSON.stringify(list), visibility };
      if (preview.playlists.length === 1 && names[0]?.trim()) form.name = names[0].trim();
      const saved = (await post(file, false, relax, form)) as Schemas['ImportedOut'];
      void queryClient.invalidateQueries({ queryKey: playlistKeys.all });
      const only = saved.playlists.length === 1 ? saved.playlists[0] : undefined;
      navigate(only ? `/playlists/${only.id}` : '/playlists');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const onDrop = (e: DragEvent<HTMLLabelElement>) => {
    e.preventDefault();
    setDragging(false);
    pick(e.dataTransfer.files[0]);
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title="Import a playlist"
        subtitle="M3U, M3U8, PLS, XSPF, JSPF, WPL, ASX, CSV (Exportify, Soundiiz, TuneMyMusic) or Tonearm JSON. Each entry is matched against your library, and you see why; nothing is saved until you press Save."
        actions={
          <Link to="/playlists" className="text-sm text-neutral-400 hover:text-white">
            Back to playlists
          </Link>
        }
      />
      <label
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`flex cursor-pointer flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors ${
          dragging ? 'border-accent-400 bg-accent-500/10' : 'border-neutral-700 bg-neutral-900/40 hover:border-neutral-500'
        }`}
      >
        <span className="font-medium text-white">{file ? file.name : 'Drop a playlist file here'}</span>
        <span className="text-sm text-neutral-400">{file ? 'Drop another file, or click to choose one' : 'or click to choose one (up to 10 MB)'}</span>
        <input type="file" accept={ACCEPT} className="sr-only" aria-label="Playlist file" onChange={(e) => pick(e.target.files?.[0])} />
      </label>
      <label className="flex items-center gap-2 text-sm text-neutral-300">
        <input
          type="checkbox"
          checked={relax}
          onChange={(e) => {
            setRelax(e.target.checked);
            if (file) void runPreview(file, e.target.checked);
          }}
          className="h-4 w-4 accent-accent-500"
        />
        Let other versions match (a live, remix or acoustic take for a studio entry, and the other way round)
      </label>
      {busy === 'preview' ? <p className="text-sm text-neutral-400" role="status">Reading and matching…</p> : null}
      {error ? <ErrorAlert error={error} /> : null}
      {preview ? (
        <div className="flex flex-wrap items-center gap-3 rounded-xl border border-neutral-800 bg-neutral-900/60 p-3">
          <p className="mr-auto text-sm text-neutral-300">Rows left to review are kept as the file gave them; a later upload or scan can match them.</p>
          <label htmlFor="import-visibility" className="text-sm text-neutral-400">
            Visibility
          </label>
          <select
            id="import-visibility"
            value={visibility}
            onChange={(e) => setVisibility(e.target.value as Visibility)}
            className="rounded-lg border border-neutral-700 bg-neutral-950 px-2 py-2 text-sm text-white"
          >
            <option value="private">Private</option>
            <option value="unlisted">Unlisted</option>
            <option value="public">Public</option>
          </select>
          <Button busy={busy === 'save'} onClick={() => void save()}>
            Save {preview.playlists.length > 1 ? `${preview.playlists.length} playlists` : 'playlist'}
          </Button>
        </div>
      ) : null}
      {preview
        ? preview.playlists.map((p, pi) => (
            <PreviewTable
              key={pi}
              index={pi}
              playlist={p}
              name={names[pi] ?? ''}
              onName={preview.playlists.length === 1 ? (v) => setNames({ ...names, [pi]: v }) : undefined}
              choices={choices}
              onChoose={(row, value) => setChoices((c) => ({ ...c, [key(pi, row)]: value }))}
            />
          ))
        : null}
    </div>
  );
}

function PreviewTable({
  index,
  playlist,
  name,
  onName,
  choices,
  onChoose,
}: {
  index: number;
  playlist: Schemas['PreviewPlaylistOut'];
  name: string;
  onName?: (v: string) => void;
  choices: Choices;
  onChoose: (row: number, value: string) => void;
}) {
  const { counts } = playlist;
  const first: Bucket = counts.review ? 'review' : counts.unmatched ? 'unmatched' : 'matched';
  const [bucket, setBucket] = useState<Bucket>(first);
  const [shown, setShown] = useState(PAGE);
  const rows = playlist.rows.filter((r) => r.bucket === bucket);
  return (
    <section className="space-y-3 rounded-xl border border-neutral-800 p-4" aria-label={`Preview of ${name || `playlist ${index + 1}`}`}>
      <div className="flex flex-wrap items-end gap-3">
        {onName ? (
          <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm text-neutral-400">
            Name
            <input
              value={name}
              maxLength={200}
              onChange={(e) => onName(e.target.value)}
              className="rounded-lg border border-neutral-700 bg-neutral-950 px-3 py-2 text-white focus:border-accent-400 focus:outline-none"
            />
          </label>
        ) : (
          <h2 className="flex-1 text-lg font-semibold text-white">{name}</h2>
        )}
        <span className="text-xs uppercase tracking-wide text-neutral-500">{playlist.format}</span>
      </div>
      <div role="tablist" aria-label="Entries by result" className="flex flex-wrap gap-2">
        {BUCKETS.map((b) => (
          <button
            key={b.id}
            role="tab"
            aria-selected={bucket === b.id}
            onClick={() => {
              setBucket(b.id);
              setShown(PAGE);
            }}
            className={`rounded-full border px-3 py-1 text-sm ${
              bucket === b.id ? 'border-accent-400 bg-accent-500/15 text-white' : 'border-neutral-700 text-neutral-300 hover:bg-neutral-800'
            }`}
          >
            <span className={b.tone}>{b.label}</span> <span className="tabular-nums text-neutral-400">{counts[b.id]}</span>
          </button>
        ))}
      </div>
      {rows.length === 0 ? (
        <p className="text-sm text-neutral-400">Nothing here.</p>
      ) : (
        <ol className="divide-y divide-neutral-800" aria-label={BUCKETS.find((b) => b.id === bucket)?.label}>
          {rows.slice(0, shown).map((r) => (
            <PreviewRow key={r.index} row={r} choice={choices[key(index, r.index)]} onChoose={(v) => onChoose(r.index, v)} />
          ))}
        </ol>
      )}
      {rows.length > shown ? (
        <Button variant="secondary" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, rows.length - shown)} more
        </Button>
      ) : null}
    </section>
  );
}

function PreviewRow({ row, choice, onChoose }: { row: Row; choice: string | undefined; onChoose: (v: string) => void }) {
  const group = `row-${row.index}`;
  const options = row.candidates;
  return (
    <li className="grid gap-2 py-3 sm:grid-cols-[3rem_1fr_1fr]" aria-label={`Entry ${row.index + 1}`}>
      <span className="text-sm tabular-nums text-neutral-500">{row.index + 1}</span>
      <div className="min-w-0">
        <p className="truncate text-white">{describeEntry(row.entry)}</p>
        {row.entry.location ? <p className="truncate text-xs text-neutral-500">{row.entry.location}</p> : null}
      </div>
      <div className="min-w-0 space-y-1 text-sm">
        {row.track ? (
          <p className="truncate text-emerald-200">
            {row.track.title} — {row.track.artists.join(', ')}
            {row.track.duration ? <span className="text-neutral-500"> · {formatDuration(row.track.duration)}</span> : null}
          </p>
        ) : null}
        <p className="text-xs text-neutral-400">
          <span className="rounded bg-neutral-800 px-1.5 py-0.5 text-neutral-300">{RULES[row.rule] ?? row.rule}</span>{' '}
          {row.score ? <span className="tabular-nums">{Math.round(row.score * 100)}%</span> : null} {row.reason}
        </p>
        {options.length > 0 || row.bucket === 'matched' ? (
          <fieldset className="space-y-1">
            <legend className="sr-only">Choose what entry {row.index + 1} is</legend>
            {options.map((c) => (
              <label key={c.track.id} className="flex items-start gap-2 text-neutral-200">
                <input type="radio" name={group} checked={choice === c.track.id} onChange={() => onChoose(c.track.id)} className="mt-1 accent-accent-500" />
                <span className="min-w-0">
                  {c.track.title} — {c.track.artists.join(', ')}{' '}
                  <span className="text-xs text-neutral-500">
                    {c.track.album ?? ''} · {Math.round(c.score * 100)}%
                  </span>
                </span>
              </label>
            ))}
            <label className="flex items-center gap-2 text-neutral-400">
              <input type="radio" name={group} checked={choice === 'external'} onChange={() => onChoose('external')} className="accent-accent-500" />
              Keep the file&apos;s entry (not from my library)
            </label>
          </fieldset>
        ) : null}
      </div>
    </li>
  );
}
