import type { Feature } from '../../shell/feature';
import { UserIcon } from '../../ui/icons';
import { AccountPage } from './pages/AccountPage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { VerifyEmailPage } from './pages/VerifyEmailPage';

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
