import { Logo } from './Logo';

export function Splash() {
  return (
    <div className="flex min-h-dvh items-center justify-center" role="status" aria-live="polite">
      <div className="flex flex-col items-center gap-3 text-neutral-400">
        <Logo className="h-12 w-12 animate-spin [animation-duration:3s]" />
        <span>Loading…</span>
      </div>
    </div>
  );
}
