import { createContext, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Api } from '../api/client';
import type { TokenPair, User } from '../api/types';
import type { AuthSnapshot, TokenManager } from './tokenManager';

interface ApiContextValue {
  api: Api;
  tokens: TokenManager;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function AuthProvider({ api, tokens, children }: ApiContextValue & { children: ReactNode }) {
  useEffect(() => {
    void tokens.start();
  }, [tokens]);
  const value = useMemo(() => ({ api, tokens }), [api, tokens]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

function useApiContext(): ApiContextValue {
  const ctx = useContext(ApiContext);
  if (!ctx) throw new Error('AuthProvider is missing');
  return ctx;
}

export function useApi(): Api {
  return useApiContext().api;
}

/** The token manager (for requests made outside the typed client, e.g. XHR uploads). */
export function useTokens(): TokenManager {
  return useApiContext().tokens;
}

export interface AuthState extends AuthSnapshot {
  /** Store a freshly issued token pair (after register/login/OTP verify). */
  signIn: (pair: TokenPair) => void;
  /** Revoke this session on the server (best effort) and forget it locally. */
  signOut: () => Promise<void>;
  updateUser: (user: User) => void;
}

export function useAuth(): AuthState {
  const { api, tokens } = useApiContext();
  const queryClient = useQueryClient();
  const snapshot = useSyncExternalStore(tokens.subscribe, tokens.getSnapshot, tokens.getSnapshot);

  const signIn = useCallback(
    (pair: TokenPair) => {
      queryClient.clear();
      tokens.setSession(pair);
    },
    [queryClient, tokens],
  );

  const signOut = useCallback(async () => {
    try {
      await api.POST('/api/v1/auth/logout');
    } catch {
      // Offline or server error: still forget the session locally.
    }
    tokens.clear();
    queryClient.clear();
  }, [api, queryClient, tokens]);

  const updateUser = useCallback((user: User) => tokens.setUser(user), [tokens]);

  return { ...snapshot, signIn, signOut, updateUser };
}
