import { ApiError, toApiError } from '../../api/problem';
import type { UploadResult, Visibility } from '../../api/types';
import { API_PREFIX } from '../../api/client';
import type { TokenManager } from '../../auth/tokenManager';

export interface UploadOptions {
  visibility?: Visibility;
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
  baseUrl?: string;
}

function parseBody(xhr: XMLHttpRequest): unknown {
  try {
    return xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
  } catch {
    return xhr.responseText;
  }
}

function xhrResponse(xhr: XMLHttpRequest): Response {
  const headers = new Headers();
  const retry = xhr.getResponseHeader('Retry-After');
  if (retry) headers.set('Retry-After', retry);
  // Response() rejects statuses outside 200..599; a 0 means the request never completed.
  return new Response(null, { status: xhr.status >= 200 ? xhr.status : 599, statusText: xhr.statusText, headers });
}

/** One POST /library/uploads with one file, via XHR for upload progress. */
function send(file: File, token: string | null, opts: UploadOptions): Promise<{ status: number; body: unknown; response: Response }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${opts.baseUrl ?? ''}${API_PREFIX}/library/uploads`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded, e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: parseBody(xhr), response: xhrResponse(xhr) });
    xhr.onerror = () => reject(new TypeError('Network error during upload'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('files', file, file.name);
    if (opts.visibility) form.append('visibility', opts.visibility);
    xhr.send(form);
  });
}

/**
 * Upload one file. Refreshes the access token once on a 401 and retries; any other non-2xx
 * answer rejects with an ApiError carrying the problem's title and code.
 */
export async function uploadFile(file: File, tokens: TokenManager, opts: UploadOptions = {}): Promise<UploadResult> {
  let res = await send(file, tokens.getAccessToken(), opts);
  if (res.status === 401) {
    const pair = await tokens.refresh().catch(() => null);
    if (pair) res = await send(file, pair.access_token, opts);
  }
  if (res.status < 200 || res.status >= 300) throw toApiError(res.body, res.response);
  return res.body as UploadResult;
}

export { ApiError };
