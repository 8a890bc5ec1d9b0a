import type { Feature } from '../../shell/feature';
import { UserIcon } from '../../ui/icons';
import { lazyPage } from '../../shell/lazyPage';

const AccountPage = lazyPage(() => import('./pages/AccountPage'), (m) => m.AccountPage);
const ForgotPasswordPage = lazyPage(() => import('./pages/ForgotPasswordPage'), (m) => m.ForgotPasswordPage);
const ResetPasswordPage = lazyPage(() => import('./pages/ResetPasswordPage'), (m) => m.ResetPasswordPage);
const SignInPage = lazyPage(() => import('./pages/SignInPage'), (m) => m.SignInPage);
const SignUpPage = lazyPage(() => import('./pages/SignUpPage'), (m) => m.SignUpPage);
const VerifyEmailPage = lazyPage(() => import('./pages/VerifyEmailPage'), (m) => m.VerifyEmailPage);

export const accounts: Feature = {
  name: 'accounts',
  routes: [
    { path: '/signin', element: <SignInPage />, auth: 'guest' },
    { path: '/signup', element: <SignUpPage />, auth: 'guest' },
    { path: '/forgot-password', element: <ForgotPasswordPage />, auth: 'none' },
    { path: '/reset-password', element: <ResetPasswordPage />, auth: 'none' },
    { path: '/verify-email', element: <VerifyEmailPage />, auth: 'none' },
    { path: '/account', element: <AccountPage />, auth: 'required', nav: { label: 'Account', icon: UserIcon, order: 80 } },
  ],
};
