import type { ComponentType, SVGProps } from 'react';
import { AlbumIcon, ClockIcon, HeartIcon, HomeIcon, LibraryIcon, MicIcon, SearchIcon, UploadIcon, UserIcon } from './ui/icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  /** Match the path exactly (for "/"). */
  end?: boolean;
}

/**
 * Areas shown in the navigation (sidebar, and the phone's bottom bar, which scrolls sideways).
 * List only areas that work; add new ones here (and their route in App.tsx) as they land.
 */
export const navItems: NavItem[] = [
  { to: '/', label: 'Home', icon: HomeIcon, end: true },
  { to: '/library', label: 'Library', icon: LibraryIcon },
  { to: '/albums', label: 'Albums', icon: AlbumIcon },
  { to: '/artists', label: 'Artists', icon: MicIcon },
  { to: '/search', label: 'Search', icon: SearchIcon },
  { to: '/loves', label: 'Loves', icon: HeartIcon },
  { to: '/history', label: 'History', icon: ClockIcon },
  { to: '/upload', label: 'Upload', icon: UploadIcon },
  { to: '/account', label: 'Account', icon: UserIcon },
];
