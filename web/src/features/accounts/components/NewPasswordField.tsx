import { useId, type ComponentProps } from 'react';
import { ApiError } from '../../../api/problem';
import { TextField } from '../../../ui/fields';

/** What the server answers when a new password breaks its policy (accounts/passwords.py). */
export const PASSWORD_POLICY_CODES: readonly string[] = ['password_too_common', 'password_matches_account'];

/** The server's message when `error` refuses the new password itself: shown at the field. */
export function passwordPolicyMessage(error: unknown): string | null {
  return error instanceof ApiError && PASSWORD_POLICY_CODES.includes(error.code) ? error.title : null;
}

type Props = ComponentProps<typeof TextField> & { error?: string | null };

/** A new-password input that shows the server's refusal under it, tied to it for screen readers. */
export function NewPasswordField({ error, id, hint, className, ...rest }: Props) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const errorId = `${inputId}-error`;
  // TextField names its hint `${id}-hint`; the input is described by both.
  const describedBy = [hint ? `${inputId}-hint` : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={className}>
      <TextField
        id={inputId}
        type="password"
        autoComplete="new-password"
        hint={hint}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...rest}
      />
      {error && (
        <p id={errorId} role="alert" className="mt-1 text-sm text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
