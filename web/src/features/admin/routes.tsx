import type { ReactNode } from 'react';
import type { Feature } from '../../shell/feature';
import { ShieldIcon } from '../../ui/icons';
import { AdminLayout } from './components';
import { FoldersPage } from './pages/FoldersPage';
import { JobsPage } from './pages/JobsPage';
import { ServerPage } from './pages/ServerPage';
import { UsersPage } from './pages/UsersPage';

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
