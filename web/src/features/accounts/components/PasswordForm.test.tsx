import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PasswordForm } from './PasswordForm';
import { mockFetch, on, problem, renderApp } from '../../../test/utils';

const noSession = on('POST', '/api/v1/auth/refresh', () => problem(401, 'No session'));

describe('PasswordForm', () => {
  it('shows a refused new password at the new-password field, and a wrong current one above the button', async () => {
    const title = 'This password is in a list of commonly used passwords; choose another';
    let answer = () => problem(422, title, undefined, { code: 'password_too_common' });
    mockFetch(noSession, on('POST', '/api/v1/me/password', () => answer()));
    renderApp(<PasswordForm />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Current password'), 'correct horse battery');
    await user.type(screen.getByLabelText('New password'), 'sunshine');
    await user.type(screen.getByLabelText('Confirm new password'), 'sunshine');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(title);
    expect(screen.getByLabelText('New password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(expect.stringContaining(title));

    answer = () => problem(400, 'Current password is wrong', undefined, { code: 'wrong_password' });
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Current password is wrong')).toBeInTheDocument();
    expect(screen.getByLabelText('New password')).not.toHaveAttribute('aria-invalid');
  });
});
