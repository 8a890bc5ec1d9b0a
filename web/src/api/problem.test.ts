import { describe, expect, it } from 'vitest';
import { ApiError, describeError, toApiError } from './problem';

describe('problem details', () => {
  it('lists validation errors with their field', () => {
    const err = new ApiError({
      title: 'Validation failed',
      status: 422,
      code: 'validation_error',
      errors: [{ loc: ['body', 'email'], msg: 'value is not a valid email address' }],
    });
    expect(describeError(err)).toEqual({ title: 'Validation failed', details: ['email: value is not a valid email address'] });
  });

  it('reads Retry-After on 429', () => {
    const res = new Response('{}', { status: 429, headers: { 'Retry-After': '30' } });
    const err = toApiError({ title: 'Too many requests', status: 429, code: 'rate_limited' }, res);
    expect(err.retryAfter).toBe(30);
    expect(describeError(err).details).toContain('Try again in 30 seconds.');
  });

  it('copes with a non-problem error body', () => {
    const res = new Response('oops', { status: 502, statusText: 'Bad Gateway' });
    const err = toApiError('oops', res);
    expect(err.status).toBe(502);
    expect(err.title).toBe('Bad Gateway');
  });
});
