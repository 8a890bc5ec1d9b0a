import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { followJobs, type JobEvent } from '../../../api/jobEvents';
import { ApiError } from '../../../api/problem';
import type { Job, UploadedTrack, Visibility } from '../../../api/types';
import { useAuth, useTokens } from '../../../auth/AuthContext';
import { invalidateAfterUpload, uploadFile } from '../api';

/** Uploads run this many at a time; each file is its own request (own progress, own error). */
export const PARALLEL_UPLOADS = 2;

export type ItemStatus = 'queued' | 'waiting' | 'uploading' | 'uploaded' | 'error';

export interface UploadItem {
  id: string;
  name: string;
  size: number;
  /** The file itself while it may still be sent (not kept across a page reload). */
  file: File | null;
  visibility: Visibility;
  status: ItemStatus;
  loaded: number;
  total: number;
  error: { title: string; code: string; detail: string | null } | null;
  result: UploadedTrack | null;
  /** `waiting`: when the server said to try again (a 429's Retry-After). */
  retryAt: number | null;
}

interface State {
  items: UploadItem[];
  /** The latest state of each job the uploads started, by id, from the job events stream. */
  jobs: Record<string, Job>;
}

type Action =
  | { type: 'add'; files: File[]; visibility: Visibility }
  | { type: 'start'; id: string }
  | { type: 'progress'; id: string; loaded: number; total: number }
  | { type: 'done'; id: string; result: UploadedTrack }
  | { type: 'fail'; id: string; error: UploadItem['error'] }
  | { type: 'wait'; id: string; retryAt: number }
  | { type: 'retry'; id: string }
  | { type: 'remove'; id: string }
  | { type: 'clearFinished' }
  | { type: 'job'; job: Job };

const TERMINAL: Job['status'][] = ['succeeded', 'failed', 'cancelled'];

let seq = 0;

export function isProcessing(item: UploadItem, jobs: Record<string, Job>): boolean {
  const jobId = item.result?.job_id;
  if (item.status !== 'uploaded' || !jobId || item.result?.duplicate) return false;
  const job = jobs[jobId];
  return !job || !TERMINAL.includes(job.status);
}

function reducer(state: State, action: Action): State {
  const patch = (id: string, p: Partial<UploadItem>) => ({ ...state, items: state.items.map((it) => (it.id === id ? { ...it, ...p } : it)) });
  switch (action.type) {
    case 'add':
      return {
        ...state,
        items: [
          ...state.items,
          ...action.files.map((file) => ({
            id: `u${Date.now().toString(36)}${++seq}`,
            name: file.name,
            size: file.size,
            file,
            visibility: action.visibility,
            status: 'queued' as const,
            loaded: 0,
            total: file.size,
            error: null,
            result: null,
            retryAt: null,
          })),
        ],
      };
    case 'start':
      return patch(action.id, { status: 'uploading', loaded: 0, error: null, retryAt: null });
    case 'progress':
      return patch(action.id, { loaded: action.loaded, total: action.total });
    case 'done':
      return patch(action.id, { status: 'uploaded', result: action.result, file: null });
    case 'fail':
      return patch(action.id, { status: 'error', error: action.error });
    case 'wait':
      return patch(action.id, { status: 'waiting', retryAt: action.retryAt, loaded: 0 });
    case 'retry':
      return patch(action.id, { status: 'queued', error: null, loaded: 0, retryAt: null });
    case 'remove':
      return { ...state, items: state.items.filter((it) => it.id !== action.id) };
    case 'clearFinished':
      return {
        ...state,
        items: state.items.filter((it) => it.status === 'queued' || it.status === 'waiting' || it.status === 'uploading' || isProcessing(it, state.jobs)),
      };
    case 'job': {
      const prev = state.jobs[action.job.id];
      if (prev && TERMINAL.includes(prev.status) && !TERMINAL.includes(action.job.status)) return state; // a late progress event
      return { ...state, jobs: { ...state.jobs, [action.job.id]: action.job } };
    }
  }
}

function toItemError(err: unknown): UploadItem['error'] {
  if (err instanceof ApiError) return { title: err.title, code: err.code, detail: err.detail };
  if (err instanceof TypeError) return { title: 'Network error', code: 'network_error', detail: 'Could not reach the server.' };
  return { title: err instanceof Error ? err.message : 'Upload failed', code: 'upload_failed', detail: null };
}

// --- kept for the tab's session: the list survives leaving the page and a reload ---------------
const STORAGE_PREFIX = 'tonearm.uploads.v1:';
const KEEP = 200;

function load(userId: string | undefined): State {
  const empty: State = { items: [], jobs: {} };
  if (!userId) return empty;
  try {
    const raw = sessionStorage.getItem(STORAGE_PREFIX + userId);
    if (!raw) return empty;
    const saved = JSON.parse(raw) as State;
    const items = (saved.items ?? []).filter((it) => it.status === 'uploaded' || it.status === 'error').map((it) => ({ ...it, file: null }));
    return { items, jobs: saved.jobs ?? {} };
  } catch {
    return empty;
  }
}

function save(userId: string | undefined, state: State) {
  if (!userId) return;
  // Only what a reload can still show: uploaded files (and their jobs) and errors; no File.
  const items = state.items.filter((it) => it.status === 'uploaded' || it.status === 'error').slice(-KEEP).map((it) => ({ ...it, file: null }));
  const ids = new Set(items.map((it) => it.result?.job_id).filter(Boolean));
  const jobs = Object.fromEntries(Object.entries(state.jobs).filter(([id]) => ids.has(id)));
  try {
    if (items.length) sessionStorage.setItem(STORAGE_PREFIX + userId, JSON.stringify({ items, jobs }));
    else sessionStorage.removeItem(STORAGE_PREFIX + userId);
  } catch {
    // storage full or disabled: the list lives as long as the tab's page does
  }
}

export interface Uploads {
  items: UploadItem[];
  jobs: Record<string, Job>;
  add: (files: File[], visibility: Visibility) => void;
  retry: (id: string) => void;
  remove: (id: string) => void;
  clearFinished: () => void;
}

const UploadsContext = createContext<Uploads | null>(null);

/**
 * The signed-in user's uploads, above the pages: uploads keep going and the list stays when the
 * user leaves the Upload page. Processing is followed by one stream of all the user's job events,
 * open while anything is uploading or processing (no polling).
 */
export function UploadsProvider({ children }: { children: ReactNode }) {
  const tokens = useTokens();
  const userId = useAuth().user?.id;
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(reducer, userId, load);
  const started = useRef(new Set<string>());
  const notified = useRef(new Set<string>());

  useEffect(() => save(userId, state), [userId, state]);

  // Start queued uploads while fewer than PARALLEL_UPLOADS are running.
  useEffect(() => {
    const running = state.items.filter((i) => i.status === 'uploading').length;
    const queued = state.items.filter((i) => i.status === 'queued' && i.file && !started.current.has(i.id));
    for (const item of queued.slice(0, Math.max(0, PARALLEL_UPLOADS - running))) {
      started.current.add(item.id);
      dispatch({ type: 'start', id: item.id });
      uploadFile(item.file!, tokens, {
        visibility: item.visibility,
        onProgress: (loaded, total) => dispatch({ type: 'progress', id: item.id, loaded, total }),
      })
        .then((res) => {
          const first = res.items[0];
          if (first) dispatch({ type: 'done', id: item.id, result: first });
          else dispatch({ type: 'fail', id: item.id, error: { title: 'The server accepted no file', code: 'no_files', detail: null } });
        })
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 429) {
            // Too many requests: wait as long as the server says, then send it again.
            const seconds = Math.min(300, Math.max(1, err.retryAfter ?? 5));
            dispatch({ type: 'wait', id: item.id, retryAt: Date.now() + seconds * 1000 });
            setTimeout(() => {
              started.current.delete(item.id);
              dispatch({ type: 'retry', id: item.id });
            }, seconds * 1000);
            return;
          }
          dispatch({ type: 'fail', id: item.id, error: toItemError(err) });
        });
    }
  }, [state.items, tokens]);

  // One job-events stream while anything is uploading or processing.
  const active = state.items.some((i) => i.status === 'queued' || i.status === 'waiting' || i.status === 'uploading' || isProcessing(i, state.jobs));
  const jobIds = useRef<string[]>([]);
  jobIds.current = state.items.filter((i) => isProcessing(i, state.jobs)).map((i) => i.result!.job_id!);
  useEffect(() => {
    if (!active) return;
    return followJobs(tokens, {
      jobIds: () => jobIds.current,
      onEvent: ({ type: _type, ...job }: JobEvent) => dispatch({ type: 'job', job }),
    });
  }, [active, tokens]);

  // Once a file's processing ends, refetch the lists it appears in.
  useEffect(() => {
    for (const item of state.items) {
      const result = item.result;
      if (!result || notified.current.has(item.id)) continue;
      const job = result.job_id ? state.jobs[result.job_id] : undefined;
      if (result.duplicate || !result.job_id || (job && TERMINAL.includes(job.status))) {
        notified.current.add(item.id);
        invalidateAfterUpload(queryClient, result.track.id);
      }
    }
  }, [state, queryClient]);

  const add = useCallback((files: File[], visibility: Visibility) => {
    if (files.length) dispatch({ type: 'add', files, visibility });
  }, []);
  const retry = useCallback((id: string) => {
    started.current.delete(id);
    dispatch({ type: 'retry', id });
  }, []);
  const remove = useCallback((id: string) => {
    started.current.delete(id);
    dispatch({ type: 'remove', id });
  }, []);
  const clearFinished = useCallback(() => dispatch({ type: 'clearFinished' }), []);

  const value = useMemo(() => ({ items: state.items, jobs: state.jobs, add, retry, remove, clearFinished }), [state, add, retry, remove, clearFinished]);
  return <UploadsContext.Provider value={value}>{children}</UploadsContext.Provider>;
}

export function useUploads(): Uploads {
  const ctx = useContext(UploadsContext);
  if (!ctx) throw new Error('useUploads() outside <UploadsProvider>');
  return ctx;
}
