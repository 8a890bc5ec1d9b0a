import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { NavLink, Outlet, Link } from 'react-router';
import { Logo } from '../ui/Logo';
import type { TopBarItem, TrackAction } from './feature';
import { navFor, type NavItem } from './nav';
import { useAuth } from '../auth/AuthContext';
import { PlayerBar } from './PlayerBar';
import { UserMenu } from './UserMenu';

const sideLink = ({ isActive }: { isActive: boolean }) =>
  `flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors ${
    isActive ? 'bg-neutral-800 text-white' : 'text-neutral-400 hover:bg-neutral-900 hover:text-white'
  }`;

const bottomLink = ({ isActive }: { isActive: boolean }) =>
  `flex flex-1 flex-col items-center gap-0.5 py-2 text-xs ${isActive ? 'text-accent-400' : 'text-neutral-400 hover:text-white'}`;

// Tailwind's `md`: the side navigation from here up, the bottom one below.
const wide = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(min-width: 768px)') : null;
const onWidth = (change: () => void) => {
  wide?.addEventListener('change', change);
  return () => wide?.removeEventListener('change', change);
};

/** Which navigation the screen shows: only that one is rendered (each is a dozen links, a
 * noticeable part of the first render on a phone). `null` where media queries are unknown. */
function useWideScreen(): boolean | null {
  return useSyncExternalStore(onWidth, () => (wide ? wide.matches : null), () => null);
}

/** The page renders in the task after the shell's first render, not in the same one: two
 * shorter tasks on load instead of one long one (the browser paints and answers input between). */
function AfterShell({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const id = setTimeout(() => setReady(true), 0);
    return () => clearTimeout(id);
  }, []);
  return ready ? children : null;
}

/** The navigation's links, as the side (wide screens) and bottom (phones) bars list them. */
function NavLinks({ nav, listClass, itemClass, linkClass }: { nav: NavItem[]; listClass: string; itemClass?: string; linkClass: typeof sideLink }) {
  return (
    <ul className={listClass}>
      {nav.map((item) => (
        <li key={item.to} className={itemClass}>
          <NavLink to={item.to} end={item.end} className={linkClass}>
            <item.icon className="h-5 w-5" />
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

export function AppShell({ nav: allNav, topBar, trackActions }: { nav: NavItem[]; topBar: TopBarItem[]; trackActions: TrackAction[] }) {
  const nav = navFor(allNav, useAuth().user?.role);
  const isWide = useWideScreen();
  return (
    <div className="min-h-dvh bg-neutral-950 text-neutral-100">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-neutral-800 focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between gap-2 border-b border-neutral-900 bg-neutral-950/90 px-4 backdrop-blur md:pl-64">
        <Link to="/" aria-label="Tonearm home" className="flex shrink-0 items-center gap-2 text-lg font-bold tracking-tight text-white md:hidden">
          <Logo className="h-7 w-7" />
          <span className="hidden sm:inline">Tonearm</span>
        </Link>
        {topBar.map((Item, i) => (
          <Item key={i} className="mx-3 min-w-0 flex-1 md:mx-0 md:max-w-md" />
        ))}
        <UserMenu />
      </header>

      {/* Side navigation (tablet/desktop) */}
      {isWide !== false && (
        <aside className="fixed inset-y-0 left-0 z-30 hidden w-60 flex-col overflow-y-auto border-r border-neutral-900 bg-neutral-950 px-3 pb-24 pt-4 md:flex">
          <Link to="/" className="mb-6 flex items-center gap-2 px-3 text-xl font-bold tracking-tight text-white">
            <Logo className="h-8 w-8" />
            Tonearm
          </Link>
          <nav aria-label="Main">
            <NavLinks nav={nav} listClass="space-y-1" linkClass={sideLink} />
          </nav>
        </aside>
      )}

      <main id="main" className="px-3 pb-40 pt-6 sm:px-4 md:pb-28 md:pl-64 md:pr-8">
        <div className="mx-auto max-w-6xl">
          <AfterShell>
            <Outlet />
          </AfterShell>
        </div>
      </main>

      {/* Bottom navigation (phones), sits above the player bar */}
      {isWide !== true && (
        <nav aria-label="Main mobile" className="fixed inset-x-0 bottom-16 z-30 border-t border-neutral-900 bg-neutral-950/95 backdrop-blur md:hidden">
          <NavLinks nav={nav} listClass="flex overflow-x-auto [scrollbar-width:none]" itemClass="flex min-w-16 flex-1" linkClass={bottomLink} />
        </nav>
      )}

      <PlayerBar trackActions={trackActions} />
    </div>
  );
}
