import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AppRoutes } from '../../App';
import { json, makeTokens, mockFetch, on, renderApp, sseResponse, testUser, tokenPair } from '../../test/utils';

const admin: typeof testUser = { ...testUser, role: "admin" };
const person = (over: Record<string, unknown> = {}) => ({
  id: 'u-2',
  email: 'sam@example.com',
  username: 'sam',
  display_name: null,
  bio: null,
  role: 'listener',
  email_verified: false,
  created_at: '2026-01-01T00:00:00Z',
  is_active: true,
  last_login_at: null,
  ...over,
});

function signedIn(user: typeof testUser = admin) {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok', user));
  return tokens;
}

describe('admin area', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is in the navigation for admins only', async () => {
    mockFetch();
    renderApp(<AppRoutes />, { route: '/library', tokens: signedIn(testUser) });
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
  });

  it('users: marks an address verified, disables, and hands over a reset link', async () => {
    let sam = person();
    const { calls } = mockFetch(
      on('GET', '/api/v1/users?limit=100', () => json({ items: [{ ...person({ id: admin.id, username: admin.username, role: 'admin', email_verified: true }) }, sam], next_cursor: null })),
      on('PATCH', '/api/v1/users/u-2', (call) => {
        sam = { ...sam, ...(call.body as object) };
        return json(sam);
      }),
      on('POST', '/api/v1/users/u-2/reset-link', () => json({ url: 'http://t/reset-password?token=abc' })),
    );
    renderApp(<AppRoutes />, { route: '/admin/users', tokens: signedIn() });
    const row = await screen.findByRole('listitem', { name: 'sam' });
    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Mark verified' }));
    await user.click(within(row).getByRole('button', { name: 'Disable' }));
    await user.click(within(row).getByRole('button', { name: 'Reset link' }));
    expect(await within(row).findByText('http://t/reset-password?token=abc')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ email_verified: true }, { is_active: false }]);
    // Your own row offers no disable or delete.
    const me = screen.getByRole('listitem', { name: admin.username });
    expect(within(me).queryByRole('button', { name: 'Disable' })).not.toBeInTheDocument();
    expect(within(me).queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });

  it('folders: adds a folder and follows its scan live, then shows the results', async () => {
    let roots: unknown[] = [];
    const scan = { job_id: 'job-s', status: 'running', progress: 0.1, message: 'reading', result: null, error: null, created_at: '2026-01-01T00:00:00Z', finished_at: null };
    const root = { id: 'r-1', path: '/music/a', owner_id: admin.id, owner_name: 'ada', visibility: 'private', last_scan_at: null, tracks: 0, missing: 0 };
    const { calls } = mockFetch(
      on('GET', '/api/v1/admin/library/roots', () => json({ allowed: ['/music'], items: roots })),
      on('POST', '/api/v1/admin/library/scans', () => {
        roots = [{ ...root, last_scan: scan }];
        return json({ job_id: 'job-s', root_id: 'r-1' }, 202);
      }),
      (req, call) => {
        if (!call.path.startsWith('/api/v1/jobs/events')) return undefined;
        roots = [{ ...root, tracks: 57, last_scan_at: '2026-01-01T00:01:00Z', last_scan: { ...scan, status: 'succeeded', progress: 1, result: { files: 57, added: 57, duplicates: 0 } } }];
        return sseResponse(req, [
          { event: 'progress', data: { id: 'job-s', kind: 'library.scan', status: 'running', progress: 0.5, message: 'writing' } },
          { event: 'done', data: { id: 'job-s', kind: 'library.scan', status: 'succeeded', progress: 1, message: 'done' } },
        ], { everyMs: 30 });
      },
    );
    renderApp(<AppRoutes />, { route: '/admin/folders', tokens: signedIn() });
    const user = userEvent.setup();
    const field = await screen.findByLabelText('Folder on the server');
    await user.clear(field);
    await user.type(field, '/music/a');
    await user.click(screen.getByRole('button', { name: 'Add and scan' }));
    const card = await screen.findByRole('listitem', { name: '/music/a' });
    await waitFor(() => expect(within(card).getByLabelText('Last scan results')).toHaveTextContent('added57'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ path: '/music/a', visibility: 'private', full: false, process: true });
  });

  it('jobs: retries a failed job', async () => {
    const failed = { id: 'j-1', kind: 'library.process_track', status: 'failed', progress: 0, message: null, result: null, error: 'RuntimeError: boom', attempts: 3, max_attempts: 3, cancel_requested: false, created_at: '2026-01-01T00:00:00Z', started_at: null, finished_at: null, updated_at: '2026-01-01T00:00:00Z', owner_id: 'u-2' };
    const { calls } = mockFetch(
      on('GET', '/api/v1/admin/jobs/counts', () => json({ items: [{ kind: 'library.process_track', status: 'failed', count: 1 }] })),
      on('GET', '/api/v1/admin/jobs?limit=50', () => json({ items: [failed], next_cursor: null })),
      on('GET', '/api/v1/users?limit=100', () => json({ items: [person()], next_cursor: null })),
      on('POST', '/api/v1/admin/jobs/j-1/retry', () => json({ ...failed, status: 'queued', attempts: 0 })),
    );
    renderApp(<AppRoutes />, { route: '/admin/jobs', tokens: signedIn() });
    const row = await screen.findByRole('listitem', { name: /library.process_track/ });
    expect(row).toHaveTextContent('RuntimeError: boom');
    await waitFor(() => expect(row).toHaveTextContent('sam'));
    await userEvent.setup().click(within(row).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/admin/jobs/j-1/retry')).toBe(true));
  });
});
