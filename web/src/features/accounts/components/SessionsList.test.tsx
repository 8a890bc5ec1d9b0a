import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SessionsList } from './SessionsList';
import { json, makeTokens, mockFetch, on, renderApp, tokenPair } from '../../../test/utils';
import type { Session } from '../../../api/types';

const current: Session = {
  id: '00000000-0000-4000-8000-000000000001',
  device: 'Firefox on Linux',
  ip: '10.0.0.5',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  method: 'password',
  created_at: '2026-11-20T10:00:00Z',
  last_seen_at: new Date().toISOString(),
  current: true,
};
const phone: Session = {
  ...current,
  id: '00000000-0000-4000-8000-000000000002',
  device: 'Safari on iPhone',
  ip: '192.0.2.44',
  user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
  method: 'otp',
  current: false,
};
const laptop: Session = { ...phone, id: '00000000-0000-4000-8000-000000000003', device: 'Chrome on macOS', ip: '198.51.100.7', method: 'password' };

function signedIn() {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok'));
  return tokens;
}

describe('SessionsList', () => {
  it('renders every session with its details and marks this device', async () => {
    mockFetch(on('GET', '/api/v1/auth/sessions', () => json({ items: [phone, current, laptop], next_cursor: null })));
    renderApp(<SessionsList />, { tokens: signedIn() });
    const list = await screen.findByRole('list', { name: 'Active sessions' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    // Current device is listed first, with a badge and no revoke button.
    expect(items[0]).toHaveAccessibleName('Firefox on Linux (this device)');
    expect(within(items[0]!).getByText('This device')).toBeInTheDocument();
    expect(within(items[0]!).queryByRole('button')).toBeNull();
    expect(within(items[0]!).getByText('10.0.0.5')).toBeInTheDocument();
    expect(within(items[0]!).getByText(/Firefox\/128\.0/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Revoke session on Safari on iPhone' })).toBeInTheDocument();
    expect(screen.getByText('2 other active sessions.')).toBeInTheDocument();
  });

  it('revoking a session calls the API and removes it from the list', async () => {
    let items = [current, phone, laptop];
    const { calls } = mockFetch(
      on('GET', '/api/v1/auth/sessions', () => json({ items, next_cursor: null })),
      on('DELETE', `/api/v1/auth/sessions/${phone.id}`, () => {
        items = items.filter((s) => s.id !== phone.id);
        return new Response(null, { status: 204 });
      }),
    );
    renderApp(<SessionsList />, { tokens: signedIn() });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Revoke session on Safari on iPhone' }));
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'Safari on iPhone' })).toBeNull());
    expect(screen.getByRole('listitem', { name: 'Chrome on macOS' })).toBeInTheDocument();
    const del = calls.find((c) => c.method === 'DELETE');
    expect(del).toMatchObject({ path: `/api/v1/auth/sessions/${phone.id}`, auth: 'Bearer tok' });
  });

  it('"Sign out everywhere else" revokes all other sessions', async () => {
    let items = [current, phone, laptop];
    const { calls } = mockFetch(
      on('GET', '/api/v1/auth/sessions', () => json({ items, next_cursor: null })),
      on('DELETE', '/api/v1/auth/sessions', () => {
        items = [current];
        return json({ revoked: 2 });
      }),
    );
    renderApp(<SessionsList />, { tokens: signedIn() });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Sign out everywhere else' }));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    expect(screen.getByText('No other active sessions.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out everywhere else' })).toBeDisabled();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/v1/auth/sessions']);
  });

  it('follows next_cursor with "Load more"', async () => {
    const { calls } = mockFetch(
      on('GET', '/api/v1/auth/sessions', () => json({ items: [current], next_cursor: 'c2' })),
      on('GET', '/api/v1/auth/sessions?cursor=c2', () => json({ items: [phone], next_cursor: null })),
    );
    renderApp(<SessionsList />, { tokens: signedIn() });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    await screen.findByRole('listitem', { name: 'Safari on iPhone' });
    expect(calls.map((c) => c.path)).toContain('/api/v1/auth/sessions?cursor=c2');
  });
});
