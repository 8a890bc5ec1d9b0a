import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useKeysetInfinite, type KeysetData } from '../../api/infinite';
import { unwrap } from '../../api/problem';
import type { OtpRequested, ProfilePatch, Session, SessionPage, TokenPair, User } from '../../api/types';
import { useApi, useAuth, useTokens } from '../../auth/AuthContext';

export const accountKeys = {
  all: ['accounts'] as const,
  me: ['accounts', 'me'] as const,
  sessions: ['accounts', 'sessions'] as const,
};

type OnSuccess<TData, TVars = void> = { onSuccess?: (data: TData, variables: TVars) => void };

// ---- sign in / sign up (the caller stores the token pair with useAuth().signIn) -----------------

export function useLogin(options: OnSuccess<TokenPair, { login: string; password: string }> = {}) {
  const api = useApi();
  return useMutation({
    mutationFn: async (body: { login: string; password: string }) => unwrap(await api.POST('/api/v1/auth/login', { body })),
    onSuccess: options.onSuccess,
  });
}

export function useRegister(options: OnSuccess<TokenPair, { email: string; username: string; password: string }> = {}) {
  const api = useApi();
  return useMutation({
    mutationFn: async (body: { email: string; username: string; password: string }) => unwrap(await api.POST('/api/v1/auth/register', { body })),
    onSuccess: options.onSuccess,
  });
}

/** Text a sign-in code to `phone` (E.164). */
export function useRequestOtp(options: OnSuccess<OtpRequested, string> = {}) {
  const api = useApi();
  return useMutation({
    mutationFn: async (phone: string) => unwrap(await api.POST('/api/v1/auth/otp/request', { body: { phone } })),
    onSuccess: options.onSuccess,
  });
}

export function useVerifyOtp(options: OnSuccess<TokenPair, { phone: string; code: string }> = {}) {
  const api = useApi();
  return useMutation({
    mutationFn: async (body: { phone: string; code: string }) => unwrap(await api.POST('/api/v1/auth/otp/verify', { body })),
    onSuccess: options.onSuccess,
  });
}

// ---- password and e-mail links ---------------------------------------------------------------

export function useForgotPassword() {
  const api = useApi();
  return useMutation({
    mutationFn: async (email: string) => unwrap(await api.POST('/api/v1/auth/password/forgot', { body: { email } })),
  });
}

export function useResetPassword() {
  const api = useApi();
  return useMutation({
    mutationFn: async (body: { token: string; password: string }) => unwrap(await api.POST('/api/v1/auth/password/reset', { body })),
  });
}

/** Verify the e-mail link's token; if it was the signed-in user's address, their profile updates. */
export function useVerifyEmail() {
  const api = useApi();
  const tokens = useTokens();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (token: string) => unwrap(await api.POST('/api/v1/auth/email/verify', { body: { token } })),
    onSuccess: async (verified) => {
      // The link opens the app afresh: the session may still be being restored when the
      // token is accepted. Wait for it, then put the verified user over the one it brought
      // (else the home page went on asking to verify until the next reload).
      await tokens.start();
      const user = tokens.getSnapshot().user;
      if (user && verified && verified.id === user.id) {
        tokens.setUser(verified);
        queryClient.setQueryData(accountKeys.me, verified);
      }
    },
  });
}

/** Where the verification link went: by email, or (a server without email) its outbox folder. */
export function useVerificationInfo(enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['accounts', 'verification'],
    enabled,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/me/verification', { signal })),
    staleTime: 60_000,
  });
}

export function useResendVerification() {
  const api = useApi();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/email/verify/request')),
  });
}

// ---- profile and password --------------------------------------------------------------------

/** The signed-in user, fresh from GET /me (starts from the session's copy). */
export function useMe() {
  const api = useApi();
  const { user: sessionUser } = useAuth();
  return useQuery({
    queryKey: accountKeys.me,
    queryFn: async () => unwrap(await api.GET('/api/v1/me')),
    initialData: sessionUser ?? undefined,
    staleTime: 0,
  });
}

/** PATCH /me; the cached profile and the session's user update. */
export function useUpdateProfile(options: OnSuccess<User, ProfilePatch> = {}) {
  const api = useApi();
  const { updateUser } = useAuth();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (patch: ProfilePatch) => unwrap(await api.PATCH('/api/v1/me', { body: patch })),
    onSuccess: (updated, patch) => {
      queryClient.setQueryData(accountKeys.me, updated);
      updateUser(updated);
      options.onSuccess?.(updated, patch);
    },
  });
}

/** Change the password; the server signs out the other sessions, so the list refetches. */
export function useChangePassword(options: OnSuccess<unknown, { current_password: string; new_password: string }> = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { current_password: string; new_password: string }) => unwrap(await api.POST('/api/v1/me/password', { body })),
    onSuccess: (data, body) => {
      options.onSuccess?.(data, body);
      void queryClient.invalidateQueries({ queryKey: accountKeys.sessions });
    },
  });
}

// ---- sessions --------------------------------------------------------------------------------

export function useSessions() {
  const api = useApi();
  return useKeysetInfinite(accountKeys.sessions, async (cursor) =>
    unwrap(await api.GET('/api/v1/auth/sessions', { params: { query: cursor ? { cursor } : {} } })),
  );
}

function useRemoveSessionsFromCache() {
  const queryClient = useQueryClient();
  return (keep: (s: Session) => boolean) => {
    queryClient.setQueryData<KeysetData<SessionPage>>(accountKeys.sessions, (data) =>
      data ? { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter(keep) })) } : data,
    );
    void queryClient.invalidateQueries({ queryKey: accountKeys.sessions });
  };
}

export function useRevokeSession() {
  const api = useApi();
  const remove = useRemoveSessionsFromCache();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await api.DELETE('/api/v1/auth/sessions/{session_id}', { params: { path: { session_id: id } } }));
      return id;
    },
    onSuccess: (id) => remove((s) => s.id !== id),
  });
}

/** Sign out everywhere else: every session but this one is revoked. */
export function useRevokeOtherSessions() {
  const api = useApi();
  const remove = useRemoveSessionsFromCache();
  return useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/v1/auth/sessions')),
    onSuccess: () => remove((s) => s.current),
  });
}
