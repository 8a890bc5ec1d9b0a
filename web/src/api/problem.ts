/** RFC 9457 problem details returned by the Tonearm API, surfaced as a typed Error. */
export interface ProblemBody {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string | null;
  errors?: Array<Record<string, unknown>> | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | null;
  readonly errors: Array<Record<string, unknown>>;
  /** Seconds to wait before retrying (from the Retry-After header on 429). */
  readonly retryAfter: number | null;

  constructor(problem: ProblemBody, retryAfter: number | null = null) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail ?? null;
    this.errors = problem.errors ?? [];
    this.retryAfter = retryAfter;
  }
}

function isProblem(value: unknown): value is ProblemBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ProblemBody).title === 'string' &&
    typeof (value as ProblemBody).status === 'number'
  );
}

function parseRetryAfter(response: Response): number | null {
  const raw = response.headers.get('Retry-After');
  if (!raw) return null;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Build an ApiError from whatever the server sent back (problem+json or not). */
export function toApiError(error: unknown, response: Response): ApiError {
  const retryAfter = parseRetryAfter(response);
  if (isProblem(error)) return new ApiError(error, retryAfter);
  return new ApiError(
    {
      title: response.statusText || 'Request failed',
      status: response.status,
      code: 'http_error',
      detail: typeof error === 'string' && error.length < 300 ? error : null,
    },
    retryAfter,
  );
}

/**
 * Turn an openapi-fetch result into its data, throwing ApiError on any non-2xx answer.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw toApiError(result.error, result.response);
  return result.data as T;
}

/** Messages to show the user for an error: [headline, ...details]. */
export function describeError(err: unknown): { title: string; details: string[] } {
  if (err instanceof ApiError) {
    const details: string[] = [];
    if (err.detail) details.push(err.detail);
    for (const item of err.errors) {
      const msg = (item.msg ?? item.message ?? item.detail) as unknown;
      if (typeof msg !== 'string') continue;
      const loc = item.loc ?? item.field ?? item.pointer;
      const where = Array.isArray(loc)
        ? loc.filter((p) => p !== 'body').join('.')
        : typeof loc === 'string'
          ? loc
          : '';
      details.push(where ? `${where}: ${msg}` : msg);
    }
    if (err.status === 429 && err.retryAfter !== null) {
      details.push(`Try again in ${err.retryAfter} second${err.retryAfter === 1 ? '' : 's'}.`);
    }
    return { title: err.title, details };
  }
  if (err instanceof TypeError) {
    return { title: 'Network error', details: ['Could not reach the server. Check your connection.'] };
  }
  return { title: err instanceof Error ? err.message : 'Something went wrong', details: [] };
}
