import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../api/problem';
import type { Service } from '../../api/types';
import { useApi } from '../../auth/AuthContext';

export const connectionKeys = {
  all: ['connections'] as const,
};

/** Every service this server knows, with the user's connection to each (or none). */
export function useConnections() {
  const api = useApi();
  return useQuery({
    queryKey: connectionKeys.all,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/connections', { signal })),
  });
}

/** What the user can do with a service now. */
export type ServiceState = 'connected' | 'reconnect' | 'unconfigured' | 'disconnected' | 'builtin';

export function serviceState(s: Service): ServiceState {
  if (s.auth === 'none') return s.configured ? 'builtin' : 'unconfigured';
  if (s.connection) return s.connection.status === 'reconnect' ? 'reconnect' : 'connected';
  // A service using the user's own app is usable even where the operator set none up.
  if (!s.configured && !s.own_app_client_id) return 'unconfigured';
  return 'disconnected';
}

/** Leaving the app for the service's consent page (a seam for tests). */
export const browser = {
  go(url: string) {
    window.location.assign(url);
  },
};

/** Where the browser goes to let the service connect (then back to `return_to`). */
export function useAuthorize() {
  const api = useApi();
  return useMutation({
    mutationFn: async ({ slug, returnTo }: { slug: string; returnTo: string }) =>
      unwrap(await api.POST('/api/v1/connections/{slug}/authorize', { params: { path: { slug } }, body: { return_to: returnTo } })),
    onSuccess: ({ url }) => browser.go(url),
  });
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: connectionKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['playlists'] });
  };
}

export function useConnectToken() {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ slug, token }: { slug: string; token: string }) =>
      unwrap(await api.POST('/api/v1/connections/{slug}/token', { params: { path: { slug } }, body: { token } })),
    onSuccess: refresh,
  });
}

export function useDisconnect() {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async (slug: string) => unwrap(await api.DELETE('/api/v1/connections/{slug}', { params: { path: { slug } } })),
    onSuccess: refresh,
  });
}

export function useSetOwnApp() {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ slug, clientId, clientSecret }: { slug: string; clientId: string; clientSecret?: string }) => {
      unwrap(
        await api.PUT('/api/v1/connections/{slug}/app', {
          params: { path: { slug } },
          body: { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}) },
        }),
      );
    },
    onSuccess: refresh,
  });
}

export function useDeleteOwnApp() {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async (slug: string) => {
      unwrap(await api.DELETE('/api/v1/connections/{slug}/app', { params: { path: { slug } } }));
    },
    onSuccess: refresh,
  });
}
