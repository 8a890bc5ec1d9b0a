import type { ReactNode } from 'react';
import type { Feature } from '../../shell/feature';
import { ShieldIcon } from '../../ui/icons';
import { AdminLayout } from './components';
import { lazyPage } from '../../shell/lazyPage';

const FoldersPage = lazyPage(() => import('./pages/FoldersPage'), (m) => m.FoldersPage);
const JobsPage = lazyPage(() => import('./pages/JobsPage'), (m) => m.JobsPage);
const ServerPage = lazyPage(() => import('./pages/ServerPage'), (m) => m.ServerPage);
const UsersPage = lazyPage(() => import('./pages/UsersPage'), (m) => m.UsersPage);
const framed = (page: ReactNode) => <AdminLayout>{page}</AdminLayout>;

/** The admin area: server, users, library folders, jobs. In the navigation for admins only. */
export const admin: Feature = {
  name: 'admin',
  routes: [
    { path: '/admin', element: framed(<ServerPage />), auth: 'required', nav: { label: 'Admin', icon: ShieldIcon, order: 90, role: 'admin' } },
    { path: '/admin/users', element: framed(<UsersPage />), auth: 'required' },
    { path: '/admin/folders', element: framed(<FoldersPage />), auth: 'required' },
    { path: '/admin/jobs', element: framed(<JobsPage />), auth: 'required' },
  ],
};
