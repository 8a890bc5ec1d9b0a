import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route } from 'react-router';
import { SignInPage } from './SignInPage';
import { RedirectIfAuthenticated } from '../../../auth/guards';
import { json, mockFetch, on, problem, renderApp, tokenPair } from '../../../test/utils';

const noSession = on('POST', '/api/v1/auth/refresh', () => problem(401, 'No session'));

function renderSignIn() {
  return renderApp(
    <RedirectIfAuthenticated>
      <SignInPage />
    </RedirectIfAuthenticated>,
    { route: '/signin', path: '/signin', extraRoutes: <Route path="/" element={<p>home page</p>} /> },
  );
}

describe('SignInPage', () => {
  it('shows the problem title and detail when sign-in fails', async () => {
    const { calls } = mockFetch(
      noSession,
      on('POST', '/api/v1/auth/login', () => problem(401, 'Invalid credentials', 'Email, username or password is wrong.')),
    );
    renderSignIn();
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email or username'), 'ada');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Invalid credentials');
    expect(alert).toHaveTextContent('Email, username or password is wrong.');
    expect(calls.find((c) => c.path === '/api/v1/auth/login')?.body).toEqual({ login: 'ada', password: 'wrong-password' });
    expect(screen.getByTestId('location')).toHaveTextContent('/signin');
  });

  it('signs in and goes home, keeping the token in memory only', async () => {
    mockFetch(noSession, on('POST', '/api/v1/auth/login', () => json(tokenPair('tok-login'))));
    const { tokens } = renderSignIn();
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email or username'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('home page');
    expect(tokens.getAccessToken()).toBe('tok-login');
    expect(JSON.stringify({ ...localStorage })).not.toContain('tok-login');
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('tok-login');
  });

  it('phone tab: requests a code, then verifies it', async () => {
    const { calls } = mockFetch(
      noSession,
      on('POST', '/api/v1/auth/otp/request', () => json({ expires_in: 300 }, 202)),
      on('POST', '/api/v1/auth/otp/verify', (call) =>
        (call.body as { code: string }).code === '123456' ? json(tokenPair('tok-otp')) : problem(401, 'Wrong code'),
      ),
    );
    const { tokens } = renderSignIn();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Phone code' }));
    const send = screen.getByRole('button', { name: 'Send code' });
    await user.type(screen.getByLabelText('Phone number'), '+1 555 123 4567');
    expect(send).toBeEnabled();
    await user.click(send);
    expect(await screen.findByRole('status')).toHaveTextContent('+15551234567');
    expect(calls.find((c) => c.path === '/api/v1/auth/otp/request')?.body).toEqual({ phone: '+15551234567' });

    await user.type(screen.getByLabelText('6-digit code'), '111111');
    await user.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong code');

    await user.clear(screen.getByLabelText('6-digit code'));
    await user.type(screen.getByLabelText('6-digit code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    await screen.findByText('home page');
    expect(tokens.getAccessToken()).toBe('tok-otp');
  });

  it('shows how long to wait when rate limited', async () => {
    mockFetch(
      noSession,
      on('POST', '/api/v1/auth/login', () => problem(429, 'Too many requests', undefined, {}, { 'Retry-After': '42' })),
    );
    renderSignIn();
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email or username'), 'ada');
    await user.type(screen.getByLabelText('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Try again in 42 seconds.'));
  });
});
