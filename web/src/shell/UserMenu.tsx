import { useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { SignOutIcon, UserIcon } from '../ui/icons';

export function UserMenu() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!user) return null;
  const name = user.display_name || user.username;

  const handleSignOut = async () => {
    setBusy(true);
    await signOut();
    setOpen(false);
    setBusy(false);
    navigate('/signin', { replace: true });
  };

  return (
    <div className="relative" ref={rootRef}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label="User menu"
        onClick={() => setOpen((o) => !o)}
        className="flex shrink-0 items-center gap-2 rounded-full border border-neutral-800 bg-neutral-900 py-1 pl-1 pr-1 text-sm sm:pr-3 text-neutral-200 hover:bg-neutral-800 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent-400"
      >
        <span className="flex h-7 w-7 items-center justify-center rounded-full bg-accent-500 font-semibold text-neutral-950" aria-hidden="true">
          {name.charAt(0).toUpperCase()}
        </span>
        <span className="hidden max-w-32 truncate sm:inline">{name}</span>
      </button>
      {open && (
        <div
          id={menuId}
          className="absolute right-0 z-40 mt-2 w-56 overflow-hidden rounded-xl border border-neutral-800 bg-neutral-900 shadow-xl shadow-black/50"
        >
          <div className="border-b border-neutral-800 px-4 py-3 text-sm">
            <p className="truncate font-medium text-white">{name}</p>
            <p className="truncate text-neutral-400">@{user.username}</p>
          </div>
          <ul className="py-1 text-sm">
            <li>
              <Link to="/account" onClick={() => setOpen(false)} className="flex items-center gap-2 px-4 py-2 text-neutral-200 hover:bg-neutral-800">
                <UserIcon className="h-4 w-4" /> Account settings
              </Link>
            </li>
            <li>
              <button
                type="button"
                onClick={handleSignOut}
                disabled={busy}
                className="flex w-full items-center gap-2 px-4 py-2 text-left text-neutral-200 hover:bg-neutral-800 disabled:opacity-60"
              >
                <SignOutIcon className="h-4 w-4" /> Sign out
              </button>
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
