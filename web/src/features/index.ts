import type { Feature } from '../shell/feature';
import { accounts } from './accounts/routes';
import { admin } from './admin/routes';
import { connections } from './connections/routes';
import { home } from './home/routes';
import { library } from './library/routes';
import { listening } from './listening/routes';
import { migration } from './migration/routes';
import { playlists } from './playlists/routes';
import { search } from './search/routes';

/**
 * Every feature of the app. The router, the navigation (by each route's `nav.order`) and the shell's
 * slots are built from this list: a new feature is its folder plus one line here.
 */
export const features: readonly Feature[] = [home, library, search, listening, playlists, migration, connections, accounts, admin];
