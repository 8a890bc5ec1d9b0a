import { Link } from 'react-router';
import { useAuth } from '../../../auth/AuthContext';
import { useVerificationInfo } from '../api';
import { ResendVerification } from './ResendVerification';

/**
 * Asks the user to verify their address, and says where the link went: their inbox, or, on a
 * server that sends no email (the embedded default), the server's outbox folder (named to
 * admins; others are told to ask an admin, who can also mark the address verified).
 */
export function VerifyBanner() {
  const { user } = useAuth();
  const pending = !!user?.email && !user.email_verified;
  const info = useVerificationInfo(pending);
  if (!pending || !user) return null;
  const outbox = info.data?.delivery === 'outbox';
  return (
    <div role="status" className="rounded-xl border border-amber-900/60 bg-amber-950/30 px-4 py-3 text-sm text-amber-200">
      {outbox ? (
        info.data?.outbox ? (
          <>
            Please verify {user.email}. This server sends no email yet: the link was written to the outbox folder{' '}
            <code className="rounded bg-amber-900/40 px-1 font-mono text-xs">{info.data.outbox}</code> on the server. Open the newest file there, or mark the
            address verified in{' '}
            <Link to="/admin/users" className="underline">
              Admin → Users
            </Link>
            .
          </>
        ) : (
          <>
            Please verify {user.email}. This server sends no email yet, so the link went to its outbox folder: ask the server's admin for it, or to mark your
            address verified.
          </>
        )
      ) : (
        <>
          Please verify {user.email}: we sent you a link. <ResendVerification /> or change your address on the{' '}
          <Link to="/account" className="underline">
            account page
          </Link>
          .
        </>
      )}
    </div>
  );
}
