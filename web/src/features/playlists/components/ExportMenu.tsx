import { useState } from 'react';
import { unwrap } from '../../../api/problem';
import { useApi } from '../../../auth/AuthContext';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';

const FORMATS = [
  ['m3u8', 'M3U8 (players)'],
  ['xspf', 'XSPF'],
  ['jspf', 'JSPF'],
  ['pls', 'PLS'],
  ['csv', 'CSV (spreadsheets)'],
  ['wpl', 'WPL (Windows Media)'],
  ['asx', 'ASX'],
  ['m3u', 'M3U'],
  ['json', 'Tonearm JSON'],
] as const;
type ExportFormat = (typeof FORMATS)[number][0];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "Export": the server writes the file in a job; when it is done the browser downloads it. */
export function ExportMenu({ playlistId }: { playlistId: string }) {
  const api = useApi();
  const [format, setFormat] = useState<ExportFormat>('m3u8');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const { job_id } = unwrap(
        await api.POST('/api/v1/playlists/{playlist_id}/export', { params: { path: { playlist_id: playlistId } }, body: { format, paths: 'absolute' } }),
      );
      for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
        await sleep(wait);
        const job = unwrap(await api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id } } }));
        if (job.status === 'succeeded') {
          const url = String((job.result as { url?: string } | null)?.url ?? '');
          const a = document.createElement('a');
          a.href = url;
          a.download = String((job.result as { filename?: string } | null)?.filename ?? '');
          a.rel = 'noopener';
          document.body.append(a);
          a.click();
          a.remove();
          return;
        }
        if (job.status === 'failed' || job.status === 'cancelled') throw new Error(job.error ?? 'The export failed.');
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor="export-format" className="sr-only">
        Export format
      </label>
      <select
        id="export-format"
        value={format}
        onChange={(e) => setFormat(e.target.value as ExportFormat)}
        className="rounded-lg border border-neutral-700 bg-neutral-950 px-2 py-2 text-sm text-white focus:border-accent-400 focus:outline-none"
      >
        {FORMATS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <Button variant="secondary" busy={busy} onClick={() => void run()}>
        Export
      </Button>
      {error ? <ErrorAlert error={error} /> : null}
    </div>
  );
}
