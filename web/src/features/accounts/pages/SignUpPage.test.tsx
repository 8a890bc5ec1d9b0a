import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SignUpPage } from './SignUpPage';
import { mockFetch, on, problem, renderApp } from '../../../test/utils';

const noSession = on('POST', '/api/v1/auth/refresh', () => problem(401, 'No session'));
const TOO_COMMON = 'This password is in a list of commonly used passwords; choose another';

async function fillAndSubmit(password: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Username'), 'ada');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Create account' }));
  return user;
}

describe('SignUpPage', () => {
  it('shows a refused common password next to the password field, until it is edited', async () => {
    const { calls } = mockFetch(
      noSession,
      on('POST', '/api/v1/auth/register', () => problem(422, TOO_COMMON, undefined, { code: 'password_too_common' })),
    );
    renderApp(<SignUpPage />, { route: '/signup', path: '/signup' });
    const user = await fillAndSubmit('password1');

    const field = screen.getByLabelText('Password');
    const message = await screen.findByText(TOO_COMMON);
    expect(message).toHaveAttribute('role', 'alert');
    // Tied to the field: screen readers read it with the input, which is marked invalid.
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(expect.stringContaining(TOO_COMMON));
    expect(field.getAttribute('aria-describedby')?.split(' ')).toContain(message.id);
    // Said once, at the field: not repeated in the form's general alert.
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(calls.find((c) => c.path === '/api/v1/auth/register')?.body).toEqual({ email: 'ada@example.com', username: 'ada', password: 'password1' });

    await user.type(field, 'x');
    expect(screen.queryByText(TOO_COMMON)).not.toBeInTheDocument();
    expect(field).not.toHaveAttribute('aria-invalid');
  });
});
