import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { json, makeTokens, mockFetch, on, renderApp, testUser, tokenPair } from '../../../test/utils';
import { VerifyBanner } from './VerifyBanner';

const unverified = { ...testUser, email_verified: false };

function render(user = unverified, info: Record<string, unknown>) {
  const tokens = makeTokens();
  tokens.setSession(tokenPair('tok', user));
  mockFetch(on('GET', '/api/v1/me/verification', () => json({ email: user.email, verified: false, ...info })));
  renderApp(<VerifyBanner />, { tokens });
}

describe('VerifyBanner', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('tells a user on a server without email to ask the admin', async () => {
    render(unverified, { delivery: 'outbox', outbox: null });
    expect(await screen.findByText(/sends no email yet/)).toHaveTextContent('ask the server\'s admin');
    expect(screen.queryByRole('button', { name: 'Resend the link' })).not.toBeInTheDocument();
  });

  it('names the outbox folder to an admin, with the way to mark it verified', async () => {
    render({ ...unverified, role: 'admin' }, { delivery: 'outbox', outbox: '/srv/tonearm/data/outbox' });
    expect(await screen.findByText('/srv/tonearm/data/outbox')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Admin → Users' })).toHaveAttribute('href', '/admin/users');
  });

  it('says a link was emailed, with a resend button, when the server sends email', async () => {
    render(unverified, { delivery: 'email', outbox: null });
    expect(await screen.findByRole('button', { name: 'Resend the link' })).toBeInTheDocument();
  });

  it('shows nothing once verified', () => {
    render(testUser, { delivery: 'outbox', outbox: null });
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
