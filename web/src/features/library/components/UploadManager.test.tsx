import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeTrack } from '../../../test/fixtures';
import { Link, Route, Routes } from 'react-router';
import { makeTokens, mockFetch, renderApp, sseResponse, testUser, tokenPair } from '../../../test/utils';
import { UploadsProvider } from '../uploads/UploadsContext';
import { UploadManager } from './UploadManager';

type Listener = ((e: ProgressEvent) => void) | null;

/** Minimal XMLHttpRequest stand-in: answers by file name. */
class FakeXHR {
  static instances: FakeXHR[] = [];
  static respond: (xhr: FakeXHR, file: File) => void = () => {};
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  statusText = '';
  responseText = '';
  withCredentials = false;
  responseHeaders: Record<string, string> = {};
  upload: { onprogress: Listener } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  getResponseHeader(k: string) {
    return this.responseHeaders[k] ?? null;
  }
  abort() {
    this.onabort?.();
  }
  send(body: FormData) {
    this.body = body;
    FakeXHR.instances.push(this);
    const file = body.getAll('files')[0] as File;
    setTimeout(() => FakeXHR.respond(this, file), 5);
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  finish(status: number, body: unknown, contentType = 'application/json') {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.responseHeaders['Content-Type'] = contentType;
    this.onload?.();
  }
}

const job = (id: string, status: string, progress: number, message: string) => ({
  id,
  kind: 'library.process_track',
  status,
  progress,
  message,
  result: null,
  error: null,
  attempts: 1,
  max_attempts: 3,
  cancel_requested: false,
  created_at: '2026-01-01T00:00:00Z',
  started_at: '2026-01-01T00:00:00Z',
  finished_at: null,
  updated_at: '2026-01-01T00:00:00Z',
});

const problem = (status: number, code: string, title: string, detail: string) => ({ type: 'about:blank', status, code, title, detail });

describe('UploadManager', () => {
  beforeEach(() => {
    FakeXHR.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXHR);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it('uploads each file in its own request and shows per-file progress, errors and the new track', async () => {
    const good = makeTrack(7, { title: 'Good Song', artist_name: 'Good Artist', streamable: true, hls: false, status: 'processing' });
    FakeXHR.respond = (xhr, file) => {
      if (file.name === 'notes.txt') return xhr.finish(415, problem(415, 'unsupported_media', 'Not a supported audio file', 'notes.txt is not audio.'), 'application/problem+json');
      if (file.name === 'broken.mp3') return xhr.finish(422, problem(422, 'corrupt_audio', 'The audio file is damaged', 'Could not decode broken.mp3.'), 'application/problem+json');
      xhr.progress(50, 100);
      const notes = ['lyrics: 2400000 characters, over the 100000 limit; not stored'];
      setTimeout(() => xhr.finish(201, { items: [{ track: good, job_id: 'job-1', duplicate: false, notes }] }), 20);
    };
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    const { calls } = mockFetch((req, call) =>
      call.method === 'GET' && call.path.startsWith('/api/v1/jobs/events')
        ? sseResponse(req, [
            { event: 'progress', data: job('job-1', 'running', 0.4, 'packaging HLS and waveform') },
            { event: 'done', data: job('job-1', 'succeeded', 1, 'ready') },
          ], { everyMs: 60 })
        : undefined,
    );
    renderApp(<UploadsProvider><UploadManager /></UploadsProvider>, { tokens });
    const user = userEvent.setup({ applyAccept: false });
    const files = [
      new File(['ID3 good'], 'good.mp3', { type: 'audio/mpeg' }),
      new File(['hello'], 'notes.txt', { type: 'text/plain' }),
      new File(['ID3 junk'], 'broken.mp3', { type: 'audio/mpeg' }),
    ];
    await user.upload(screen.getByLabelText('Choose files'), files);

    const list = await screen.findByRole('list', { name: 'Upload queue' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);

    const txt = within(list).getByRole('listitem', { name: 'notes.txt' });
    const txtAlert = await within(txt).findByRole('alert');
    expect(txtAlert).toHaveTextContent('Not a supported audio file');
    expect(txtAlert).toHaveTextContent('unsupported_media');
    expect(txtAlert).toHaveTextContent('notes.txt is not audio.');

    const broken = within(list).getByRole('listitem', { name: 'broken.mp3' });
    const brokenAlert = await within(broken).findByRole('alert');
    expect(brokenAlert).toHaveTextContent('The audio file is damaged');
    expect(brokenAlert).toHaveTextContent('corrupt_audio');
    expect(within(broken).getByRole('button', { name: 'Retry' })).toBeInTheDocument();

    const ok = within(list).getByRole('listitem', { name: 'good.mp3' });
    expect(within(ok).queryByRole('alert')).not.toBeInTheDocument();
    const link = await within(ok).findByRole('link', { name: 'Good Song' }, { timeout: 4000 });
    expect(link).toHaveAttribute('href', `/tracks/${good.id}`);
    expect(within(ok).getByText(/Ready to play/)).toBeInTheDocument();
    // What the server dropped from the file's tags is said, not silently lost.
    const dropped = within(ok).getByRole('note', { name: 'Tags not kept from good.mp3' });
    expect(dropped).toHaveTextContent('lyrics: 2400000 characters, over the 100000 limit; not stored');

    // One request per file, each with the bearer token, the file and the visibility.
    expect(FakeXHR.instances).toHaveLength(3);
    for (const xhr of FakeXHR.instances) {
      expect(xhr.method).toBe('POST');
      expect(xhr.url).toMatch(/\/api\/v1\/library\/uploads$/);
      expect(xhr.headers.Authorization).toBe('Bearer tok');
      expect(xhr.body?.getAll('files')).toHaveLength(1);
      expect(xhr.body?.get('visibility')).toBe('private');
    }
    // Processing is followed by one stream of the user's job events, with the token; no polling.
    expect(calls.filter((c) => c.path.startsWith('/api/v1/jobs/'))).toEqual([
      expect.objectContaining({ method: 'GET', path: expect.stringMatching(/^\/api\/v1\/jobs\/events/), auth: 'Bearer tok' }),
    ]);
  });

  it('keeps the list when the user leaves the page and comes back, and closes the stream when all is done', async () => {
    const song = makeTrack(8, { title: 'Kept Song', artist_name: 'Kept Artist', streamable: true, hls: false, status: 'processing' });
    FakeXHR.respond = (xhr) => xhr.finish(201, { items: [{ track: song, job_id: 'job-2', duplicate: false, notes: [] }] });
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const aborted: boolean[] = [];
    mockFetch(async (req, call) => {
      if (!(call.method === 'GET' && call.path.startsWith('/api/v1/jobs/events'))) return undefined;
      req.signal.addEventListener('abort', () => aborted.push(true));
      await gate;
      return sseResponse(req, [{ event: 'done', data: job('job-2', 'succeeded', 1, 'ready') }]);
    });
    const Page = () => (
      <div>
        <Link to="/library">Library</Link>
        <UploadManager />
      </div>
    );
    renderApp(
      <UploadsProvider>
        <Routes>
          <Route path="/upload" element={<Page />} />
          <Route path="/library" element={<Link to="/upload">Back to Upload</Link>} />
        </Routes>
      </UploadsProvider>,
      { tokens, route: '/upload' },
    );
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText('Choose files'), new File(['ID3 x'], 'kept.mp3', { type: 'audio/mpeg' }));
    const item = await screen.findByRole('listitem', { name: 'kept.mp3' });
    await within(item).findByText(/Processing/);

    await user.click(screen.getByRole('link', { name: 'Library' }));
    expect(screen.queryByRole('list', { name: 'Upload queue' })).not.toBeInTheDocument();
    release(); // processing ends while the user is elsewhere
    await user.click(await screen.findByRole('link', { name: 'Back to Upload' }));

    const again = await screen.findByRole('listitem', { name: 'kept.mp3' });
    expect(await within(again).findByTestId('upload-ready')).toHaveTextContent('Kept Song');
    // Nothing is left to follow: the stream is closed.
    await waitFor(() => expect(aborted.length).toBeGreaterThan(0));
    // And a reload of the tab still shows it (sessionStorage).
    expect(sessionStorage.getItem(`tonearm.uploads.v1:${testUser.id}`)).toContain('Kept Song');
  });

  it('says when processing found the same audio already in the library', async () => {
    const song = makeTrack(10, { title: 'Retagged', streamable: false, hls: false, status: 'processing' });
    FakeXHR.respond = (xhr) => xhr.finish(201, { items: [{ track: song, job_id: 'job-3', duplicate: false, notes: [] }] });
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    mockFetch((req, call) =>
      call.path.startsWith('/api/v1/jobs/events')
        ? sseResponse(req, [{ event: 'done', data: { ...job('job-3', 'succeeded', 1, 'same audio'), result: { duplicate_of: 'kept-1' } } }])
        : undefined,
    );
    renderApp(<UploadsProvider><UploadManager /></UploadsProvider>, { tokens });
    await userEvent.setup().upload(screen.getByLabelText('Choose files'), new File(['ID3 r'], 'retagged.mp3', { type: 'audio/mpeg' }));
    const note = await screen.findByTestId('upload-duplicate');
    expect(note).toHaveTextContent('The same audio is already in your library');
    expect(within(note).getByRole('link', { name: 'open it' })).toHaveAttribute('href', '/tracks/kept-1');
  });

  it('waits and sends again when the server answers 429', async () => {
    let attempts = 0;
    const song = makeTrack(9, { title: 'Patient Song', streamable: true, hls: false, status: 'ready' });
    FakeXHR.respond = (xhr) => {
      attempts += 1;
      if (attempts === 1) {
        xhr.responseHeaders['Retry-After'] = '1';
        return xhr.finish(429, problem(429, 'rate_limited', 'Too many requests', 'Try again in 1 s.'), 'application/problem+json');
      }
      xhr.finish(201, { items: [{ track: song, job_id: null, duplicate: false, notes: [] }] });
    };
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    mockFetch((req, call) => (call.path.startsWith('/api/v1/jobs/events') ? sseResponse(req, []) : undefined));
    renderApp(<UploadsProvider><UploadManager /></UploadsProvider>, { tokens });
    await userEvent.setup().upload(screen.getByLabelText('Choose files'), new File(['ID3 p'], 'patient.mp3', { type: 'audio/mpeg' }));
    const item = await screen.findByRole('listitem', { name: 'patient.mp3' });
    expect(await within(item).findByText(/the server is busy/)).toBeInTheDocument();
    expect(within(item).queryByRole('alert')).not.toBeInTheDocument();
    expect(await within(item).findByTestId('upload-ready', {}, { timeout: 4000 })).toHaveTextContent('Patient Song');
    expect(attempts).toBe(2);
  });

  it('shows upload progress while the file is on its way', async () => {
    FakeXHR.respond = (xhr) => xhr.progress(30, 120); // never finishes
    const tokens = makeTokens();
    tokens.setSession(tokenPair('tok'));
    mockFetch((req, call) => (call.path.startsWith('/api/v1/jobs/events') ? sseResponse(req, []) : undefined));
    renderApp(<UploadsProvider><UploadManager /></UploadsProvider>, { tokens });
    await userEvent.setup().upload(screen.getByLabelText('Choose files'), new File(['x'], 'slow.flac', { type: 'audio/flac' }));
    const bar = await screen.findByRole('progressbar', { name: 'Uploading slow.flac' });
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '25'));
    expect(screen.getByText(/uploading 25%/)).toBeInTheDocument();
  });
});
