import { useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import type { Job, UploadedTrack, Visibility } from '../../../api/types';
import { CloseIcon, UploadIcon } from '../../../ui/icons';
import { isProcessing, useUploads, type UploadItem } from '../uploads/UploadsContext';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function Bar({ value, label, tone = 'accent' }: { value: number; label: string; tone?: 'accent' | 'emerald' }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="h-1.5 w-full overflow-hidden rounded-full bg-neutral-800">
      <div className={`h-full rounded-full transition-[width] duration-300 ${tone === 'emerald' ? 'bg-emerald-500' : 'bg-accent-500'}`} style={{ width: `${pct}%` }} />
    </div>
  );
}

/** Processing state, and what the server did not keep of the file's tags (and why). */
function Processing({ item, job }: { item: UploadItem & { result: UploadedTrack }; job: Job | undefined }) {
  const notes = item.result.notes ?? [];
  return (
    <>
      <ProcessingState item={item} job={job} />
      {notes.length > 0 && (
        <div role="note" className="mt-1 space-y-0.5 text-xs text-amber-300" aria-label={`Tags not kept from ${item.name}`}>
          {notes.map((note) => (
            <p key={note} className="break-words">
              Tag not kept: {note}
            </p>
          ))}
        </div>
      )}
    </>
  );
}

/** Processing progress of an uploaded file's job (from the job events stream), then a link to the track. */
function ProcessingState({ item, job }: { item: UploadItem & { result: UploadedTrack }; job: Job | undefined }) {
  const { track, job_id: jobId, duplicate } = item.result;
  const status = job?.status;
  const done = !jobId ? track.streamable : status === 'succeeded';

  const link = (
    <Link to={`/tracks/${track.id}`} className="font-medium text-accent-300 underline-offset-2 hover:underline">
      {track.title}
    </Link>
  );
  if (duplicate) return <p className="text-xs text-neutral-300">Already in your library: {link}</p>;
  const sameAs = (job?.result as { duplicate_of?: string } | null | undefined)?.duplicate_of;
  if (status === 'succeeded' && sameAs) {
    return (
      <p className="text-xs text-neutral-300" data-testid="upload-duplicate">
        The same audio is already in your library:{' '}
        <Link to={`/tracks/${sameAs}`} className="font-medium text-accent-300 underline-offset-2 hover:underline">
          open it
        </Link>
      </p>
    );
  }
  if (status === 'failed' || status === 'cancelled') {
    return (
      <p role="alert" className="text-xs text-red-300">
        Processing {status}: {job?.error ?? 'unknown error'} ({link})
      </p>
    );
  }
  if (done) {
    return (
      <p className="text-xs text-emerald-300" data-testid="upload-ready">
        Ready to play: {link} <span className="text-neutral-400">— {track.artist_name}</span>
      </p>
    );
  }
  return (
    <div className="space-y-1">
      <p className="text-xs text-neutral-400">
        Processing{job?.message ? `: ${job.message}` : '…'} {job ? `${Math.round(job.progress * 100)}%` : ''}
      </p>
      <Bar value={job?.progress ?? 0} label={`Processing ${item.name}`} tone="emerald" />
    </div>
  );
}

export function UploadManager() {
  const uploads = useUploads();
  const { items, jobs } = uploads;
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [dragging, setDragging] = useState(false);

  const add = (files: FileList | File[] | null) => uploads.add(files ? Array.from(files) : [], visibility);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    add(e.dataTransfer.files);
  };

  const finished = items.some((i) => i.status === 'error' || (i.status === 'uploaded' && !isProcessing(i, jobs)));

  return (
    <div className="space-y-4">
      <div
        data-testid="dropzone"
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(e) => {
          if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
          setDragging(false);
        }}
        onDrop={onDrop}
        className={`flex flex-col items-center justify-center gap-3 rounded-2xl border-2 border-dashed px-6 py-10 text-center transition-colors ${
          dragging ? 'border-accent-400 bg-accent-500/10' : 'border-neutral-700 bg-neutral-900/40'
        }`}
      >
        <UploadIcon className="h-10 w-10 text-neutral-500" />
        <p className="text-neutral-200">Drag and drop audio files here</p>
        <p className="text-xs text-neutral-500">MP3, FLAC, AAC/M4A, Ogg/Opus, WAV, AIFF… Tags are read from the files.</p>
        <label className="cursor-pointer rounded-lg bg-accent-500 px-4 py-2 text-sm font-semibold text-neutral-950 hover:bg-accent-400 focus-within:ring-2 focus-within:ring-accent-300">
          Choose files
          <input
            type="file"
            multiple
            accept="audio/*,.mp3,.flac,.m4a,.aac,.ogg,.oga,.opus,.wav,.aif,.aiff,.wv,.ape,.mka"
            className="sr-only"
            onChange={(e) => {
              add(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
        <label className="flex items-center gap-2 text-sm text-neutral-400">
          Visibility
          <select
            value={visibility}
            onChange={(e) => setVisibility(e.target.value as Visibility)}
            className="rounded-lg border border-neutral-700 bg-neutral-900 px-2 py-1 text-sm text-neutral-200"
          >
            <option value="private">Private (only me)</option>
            <option value="unlisted">Unlisted</option>
            <option value="public">Public (artists)</option>
          </select>
        </label>
      </div>

      {items.length > 0 && (
        <section aria-labelledby="uploads-heading" className="space-y-2">
          <div className="flex items-center justify-between">
            <h2 id="uploads-heading" className="font-semibold text-white">
              Uploads
            </h2>
            {finished && (
              <button type="button" className="text-sm text-neutral-400 hover:text-white" onClick={uploads.clearFinished}>
                Clear finished
              </button>
            )}
          </div>
          <ul aria-label="Upload queue" className="space-y-2">
            {items.map((item) => (
              <li key={item.id} aria-label={item.name} className="rounded-xl border border-neutral-800 bg-neutral-900/60 p-3">
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <p className="truncate text-sm font-medium text-white">{item.name}</p>
                    <p className="text-xs text-neutral-500">
                      {formatBytes(item.size)}
                      {item.status === 'queued' && ' · waiting'}
                      {item.status === 'waiting' && ' · the server is busy: trying again shortly'}
                      {item.status === 'uploading' && ` · uploading ${Math.round((item.loaded / Math.max(1, item.total)) * 100)}%`}
                      {item.status === 'uploaded' && ' · uploaded'}
                    </p>
                  </div>
                  <div className="flex shrink-0 items-center gap-1">
                    {item.status === 'error' && item.file && (
                      <button type="button" className="rounded px-2 py-1 text-xs text-neutral-300 hover:bg-neutral-800" onClick={() => uploads.retry(item.id)}>
                        Retry
                      </button>
                    )}
                    {item.status !== 'uploading' && (
                      <button
                        type="button"
                        aria-label={`Remove ${item.name}`}
                        className="rounded p-1 text-neutral-500 hover:bg-neutral-800 hover:text-white"
                        onClick={() => uploads.remove(item.id)}
                      >
                        <CloseIcon className="h-4 w-4" />
                      </button>
                    )}
                  </div>
                </div>
                <div className="mt-2">
                  {(item.status === 'uploading' || item.status === 'queued' || item.status === 'waiting') && <Bar value={item.loaded / Math.max(1, item.total)} label={`Uploading ${item.name}`} />}
                  {item.status === 'error' && item.error && (
                    <div role="alert" className="rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-xs text-red-200">
                      <p className="font-semibold">
                        {item.error.title} <code className="ml-1 rounded bg-red-900/50 px-1 py-0.5 font-mono text-[11px]">{item.error.code}</code>
                      </p>
                      {item.error.detail && <p className="mt-0.5 text-red-300/90">{item.error.detail}</p>}
                    </div>
                  )}
                  {item.status === 'uploaded' && item.result && <Processing item={{ ...item, result: item.result }} job={item.result.job_id ? jobs[item.result.job_id] : undefined} />}
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
