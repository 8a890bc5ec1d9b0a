import type { ComponentType, SVGProps } from 'react';
import { HomeIcon, UserIcon } from './components/icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  /** Match the path exactly (for "/"). */
  end?: boolean;
}

/**
 * Areas shown in the navigation. List only areas that work; add new ones here
 * (and their route in App.tsx) as they land.
 */
export const navItems: NavItem[] = [
  { to: '/', label: 'Home', icon: HomeIcon, end: true },
  { to: '/account', label: 'Account', icon: UserIcon },
];
