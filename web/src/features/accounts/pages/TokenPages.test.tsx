import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResetPasswordPage } from './ResetPasswordPage';
import { VerifyEmailPage } from './VerifyEmailPage';
import { json, mockFetch, on, problem, renderApp, testUser } from '../../../test/utils';

const noSession = on('POST', '/api/v1/auth/refresh', () => problem(401, 'No session'));

describe('ResetPasswordPage', () => {
  it('checks the confirmation locally, then posts the token from the URL', async () => {
    const { calls } = mockFetch(noSession, on('POST', '/api/v1/auth/password/reset', () => new Response(null, { status: 204 })));
    renderApp(<ResetPasswordPage />, { route: '/reset-password?token=tok-123456789' });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('New password'), 'brand-new-pass');
    await user.type(screen.getByLabelText('Confirm new password'), 'brand-new-typo');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The passwords do not match.');
    expect(calls.some((c) => c.path === '/api/v1/auth/password/reset')).toBe(false);

    await user.clear(screen.getByLabelText('Confirm new password'));
    await user.type(screen.getByLabelText('Confirm new password'), 'brand-new-pass');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByText(/Your password has been changed/)).toBeInTheDocument();
    expect(calls.find((c) => c.path === '/api/v1/auth/password/reset')?.body).toEqual({ token: 'tok-123456789', password: 'brand-new-pass' });
  });

  it('shows the problem when the token is rejected', async () => {
    mockFetch(noSession, on('POST', '/api/v1/auth/password/reset', () => problem(400, 'Link expired', 'Request a new reset link.')));
    renderApp(<ResetPasswordPage />, { route: '/reset-password?token=tok-123456789' });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('New password'), 'brand-new-pass');
    await user.type(screen.getByLabelText('Confirm new password'), 'brand-new-pass');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Link expired');
    expect(alert).toHaveTextContent('Request a new reset link.');
  });

  it('shows a refused password at the new-password field', async () => {
    const title = 'This password is your username or email address; choose another';
    mockFetch(noSession, on('POST', '/api/v1/auth/password/reset', () => problem(422, title, undefined, { code: 'password_matches_account' })));
    renderApp(<ResetPasswordPage />, { route: '/reset-password?token=tok-123456789' });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('New password'), 'ada@example.com');
    await user.type(screen.getByLabelText('Confirm new password'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(title);
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(expect.stringContaining(title));
  });
});

describe('VerifyEmailPage', () => {
  it('posts the token exactly once and confirms', async () => {
    const { calls } = mockFetch(noSession, on('POST', '/api/v1/auth/email/verify', () => json({ ...testUser, email_verified: true })));
    renderApp(<VerifyEmailPage />, { route: '/verify-email?token=tok-abcdefghij' });
    expect(await screen.findByText('Your email address is verified. Thanks!')).toBeInTheDocument();
    const posts = calls.filter((c) => c.path === '/api/v1/auth/email/verify');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({ token: 'tok-abcdefghij' });
  });

  it('explains a missing token without calling the API', async () => {
    const { calls } = mockFetch(noSession);
    renderApp(<VerifyEmailPage />, { route: '/verify-email' });
    expect(await screen.findByRole('alert')).toHaveTextContent('missing its token');
    expect(calls.some((c) => c.path === '/api/v1/auth/email/verify')).toBe(false);
  });
});
