export function Logo({ className = 'h-8 w-8' }: { className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden="true" focusable="false">
      <circle cx="32" cy="32" r="30" fill="#111118" stroke="#2a2a35" strokeWidth="2" />
      <circle cx="32" cy="32" r="22" fill="none" stroke="#23232d" strokeWidth="1.5" />
      <circle cx="32" cy="32" r="16" fill="none" stroke="#23232d" strokeWidth="1.5" />
      <circle cx="32" cy="32" r="10" fill="#f59e0b" />
      <circle cx="32" cy="32" r="2.5" fill="#111118" />
    </svg>
  );
}
