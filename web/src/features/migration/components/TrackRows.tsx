import { useState } from 'react';
import type { MigrationCandidate, MigrationTrack } from '../../../api/types';
import { formatDuration } from '../../../lib/format';

export const RULES: Record<string, string> = {
  isrc: 'ISRC',
  mbid: 'MusicBrainz id',
  album_position: 'album and track number',
  fuzzy: 'title and artists',
  decision: 'your earlier choice',
  user: 'your choice',
  none: 'nothing to match on',
};

export const BUCKET_LABEL = { matched: 'Matched', review: 'To review', unmatched: 'Not found', skipped: 'Skipped' } as const;
const BUCKET_TONE = { matched: 'text-emerald-300', review: 'text-amber-300', unmatched: 'text-red-300', skipped: 'text-neutral-400' } as const;

type Entry = { title?: string | null; artists?: string[]; album?: string | null; duration?: number | null; isrc?: string | null };
type Found = { title?: string; artists?: string[]; album?: string | null; duration?: number | null; url?: string | null };

export function describe(e: Entry | Found | null | undefined): string {
  if (!e) return 'Unknown';
  const who = e.artists?.length ? e.artists.join(', ') : null;
  return [e.title || 'Untitled', who].filter(Boolean).join(' — ');
}

function Details({ e }: { e: Entry | Found }) {
  const bits = [e.album, e.duration ? formatDuration(e.duration) : null].filter(Boolean);
  return bits.length ? <span className="text-xs text-neutral-500">{bits.join(' · ')}</span> : null;
}

export function Score({ score }: { score: number | null | undefined }) {
  return score || score === 0 ? <span className="tabular-nums">{Math.round(score * 100)}%</span> : null;
}

/** Which bucket a row ends in, with the user's skip shown as such. */
export function rowBucket(t: MigrationTrack): keyof typeof BUCKET_LABEL {
  if (t.decided_by === 'skipped') return 'skipped';
  return t.bucket ?? 'unmatched';
}

function candidateTrack(c: MigrationCandidate): Found {
  return (c.track ?? {}) as Found;
}

/** A row of the report: the source entry, where it went, by which rule, with what score and why. */
export function ReportRow({ t }: { t: MigrationTrack }) {
  const bucket = rowBucket(t);
  const chosen = t.candidates.find((c) => c.id === t.target_track_id);
  const entry = t.entry as Entry;
  return (
    <li className="grid grid-cols-[2rem_minmax(0,1fr)] gap-x-2 gap-y-1 py-3 sm:grid-cols-[3rem_minmax(0,1fr)_minmax(0,1fr)] sm:gap-3" aria-label={`Track ${t.position + 1}`} data-testid="report-row">
      <span className="text-sm tabular-nums text-neutral-500">{t.position + 1}</span>
      <div className="min-w-0">
        <p className="truncate text-white">{describe(entry)}</p>
        <Details e={entry} />
      </div>
      <div className="col-start-2 min-w-0 space-y-1 text-sm sm:col-start-auto">
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-neutral-400">
          <span className={`font-medium ${BUCKET_TONE[bucket]}`}>{BUCKET_LABEL[bucket]}</span>
          {t.decided_by === 'user' ? (
            <span className="rounded bg-neutral-800 px-1.5 py-0.5 text-neutral-300">your choice</span>
          ) : t.rule ? (
            <span className="rounded bg-neutral-800 px-1.5 py-0.5 text-neutral-300">{RULES[t.rule] ?? t.rule}</span>
          ) : null}
          {bucket !== 'unmatched' && <Score score={t.score} />}
          {t.written && <span className="text-emerald-400">written</span>}
        </p>
        {chosen && (
          <p className="truncate text-emerald-200">
            → {candidateTrack(chosen).url ? (
              <a href={candidateTrack(chosen).url!} target="_blank" rel="noreferrer" className="hover:underline">
                {describe(candidateTrack(chosen))}
              </a>
            ) : (
              describe(candidateTrack(chosen))
            )}
          </p>
        )}
        {t.reason && <p className="text-xs text-neutral-400">{t.reason}</p>}
        {t.error && <p className="text-xs text-red-300">{t.error}</p>}
      </div>
    </li>
  );
}

/** A row to review: the entry, why it is in doubt, each candidate as a choice, and skip. */
export function ReviewRow({
  t,
  disabled,
  onDecide,
}: {
  t: MigrationTrack;
  disabled?: boolean;
  onDecide: (decision: { choice: string } | { skip: true }) => Promise<unknown>;
}) {
  const initial = t.decided_by === 'skipped' ? 'skip' : t.decided_by === 'user' ? (t.target_track_id ?? '') : '';
  const [value, setValue] = useState(initial);
  const [failed, setFailed] = useState<string | null>(null);
  const entry = t.entry as Entry;
  const choose = (next: string) => {
    const before = value;
    setValue(next);
    setFailed(null);
    onDecide(next === 'skip' ? { skip: true } : { choice: next }).catch((err: unknown) => {
      setValue(before);
      setFailed(err instanceof Error ? err.message : 'Could not save the choice');
    });
  };
  const group = `review-${t.id}`;
  return (
    <li className="grid gap-2 py-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1.3fr)] sm:gap-4" aria-label={`Review ${describe(entry)}`}>
      <div className="min-w-0">
        <p className="text-xs text-neutral-500">#{t.position + 1} in the source</p>
        <p className="text-white">{describe(entry)}</p>
        <Details e={entry} />
        {t.reason && <p className="mt-1 text-xs text-amber-200/90">{t.reason}</p>}
      </div>
      <fieldset className="min-w-0 space-y-1.5 text-sm" disabled={disabled}>
        <legend className="sr-only">Choose what {describe(entry)} is on the target</legend>
        {t.candidates.map((c) => {
          const found = candidateTrack(c);
          return (
            <label key={c.id} className="flex cursor-pointer items-start gap-2 rounded-lg px-2 py-1.5 text-neutral-200 hover:bg-neutral-800/60 has-[:checked]:bg-accent-500/10">
              <input type="radio" name={group} value={c.id} checked={value === c.id} onChange={() => choose(c.id)} className="mt-1 accent-accent-500" />
              <span className="min-w-0">
                <span className="block">{describe(found)}</span>
                <span className="block text-xs text-neutral-500">
                  {[found.album, found.duration ? formatDuration(found.duration) : null].filter(Boolean).join(' · ')}
                  {' · '}
                  <Score score={c.score} />
                  {c.reason ? ` · ${c.reason}` : ''}
                </span>
              </span>
            </label>
          );
        })}
        <label className="flex cursor-pointer items-center gap-2 rounded-lg px-2 py-1.5 text-neutral-400 hover:bg-neutral-800/60">
          <input type="radio" name={group} value="skip" checked={value === 'skip'} onChange={() => choose('skip')} className="accent-accent-500" />
          Skip this track
        </label>
        {failed && <p role="alert" className="text-xs text-red-300">{failed}</p>}
      </fieldset>
    </li>
  );
}
