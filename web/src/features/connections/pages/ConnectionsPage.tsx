import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { Service } from '../../../api/types';
import { formatDateTime } from '../../../lib/format';
import { Button } from '../../../ui/Button';
import { ErrorAlert, Notice } from '../../../ui/feedback';
import { TextField } from '../../../ui/fields';
import { EmptyState, Loading, PageHeader } from '../../../ui/PageHeader';
import { serviceState, useAuthorize, useConnections, useConnectToken, useDeleteOwnApp, useDisconnect, useSetOwnApp, type ServiceState } from '../api';

/** What the callback's `error=<code>` means, in words. */
const CALLBACK_ERRORS: Record<string, string> = {
  oauth_denied: 'The service did not grant access.',
  oauth_state_invalid: 'The authorization expired or was already used. Try connecting again.',
  service_not_found: 'This server does not know that service.',
};

const KIND_LABEL = { streaming: 'Streaming', scrobbling: 'Scrobbling', metadata: 'Metadata' } as const;

const CAPABILITY_LABEL: Record<string, string> = {
  playlists_read: 'read playlists',
  playlists_write: 'write playlists',
  liked_read: 'read liked tracks',
  search: 'search',
  isrc: 'look up by ISRC',
  scrobble: 'scrobble',
  enrich: 'metadata',
};

const STATE_BADGE: Record<ServiceState, { label: (s: Service) => string; className: string }> = {
  connected: {
    label: (s) => `Connected${s.connection?.account_name ? ` as ${s.connection.account_name}` : ''}`,
    className: 'border-emerald-900/70 bg-emerald-950/40 text-emerald-200',
  },
  reconnect: { label: () => 'Needs reconnecting', className: 'border-amber-900/70 bg-amber-950/40 text-amber-200' },
  unconfigured: { label: () => 'Not set up on this server', className: 'border-neutral-800 bg-neutral-900 text-neutral-400' },
  disconnected: { label: () => 'Not connected', className: 'border-neutral-700 bg-neutral-900 text-neutral-300' },
  builtin: { label: () => 'No account needed', className: 'border-neutral-800 bg-neutral-900 text-neutral-400' },
};

function TokenForm({ service }: { service: Service }) {
  const [token, setToken] = useState('');
  const connect = useConnectToken();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    connect.mutate({ slug: service.slug, token: token.trim() }, { onSuccess: () => setToken('') });
  };
  return (
    <form onSubmit={submit} className="space-y-2" aria-label={`${service.name} token`}>
      <div className="flex flex-wrap items-end gap-2">
        <TextField
          label={`${service.name} user token`}
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
          className="min-w-0 flex-1 basis-56"
          required
        />
        <Button type="submit" busy={connect.isPending} disabled={!token.trim()} className="py-2.5">
          {service.connection ? 'Replace token' : `Connect ${service.name}`}
        </Button>
      </div>
      <p className="text-xs text-neutral-500">Your user token is on the service's settings page, under your account.</p>
      <ErrorAlert error={connect.error} />
    </form>
  );
}

function OwnAppForm({ service, callbackUrl }: { service: Service; callbackUrl?: string }) {
  const [open, setOpen] = useState(false);
  const [clientId, setClientId] = useState(service.own_app_client_id ?? '');
  const [secret, setSecret] = useState('');
  const save = useSetOwnApp();
  const remove = useDeleteOwnApp();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ slug: service.slug, clientId: clientId.trim(), clientSecret: secret.trim() || undefined }, { onSuccess: () => setSecret('') });
  };
  return (
    <details open={open || undefined} onToggle={(e) => setOpen(e.currentTarget.open)} className="rounded-xl border border-neutral-800 bg-neutral-950/60 p-3">
      <summary className="cursor-pointer text-sm font-medium text-neutral-200">
        Use your own {service.name} app{service.own_app_client_id ? ` (in use: ${service.own_app_client_id})` : ''}
      </summary>
      <div className="mt-3 space-y-3 text-sm">
        {service.own_app_help && <p className="whitespace-pre-line text-neutral-400">{service.own_app_help}</p>}
        {callbackUrl && (
          <div>
            <p className="text-neutral-300">Redirect URI to register with the app:</p>
            <code className="mt-1 block break-all rounded-lg bg-neutral-900 px-3 py-2 text-xs text-accent-300" data-testid={`${service.slug}-callback-url`}>
              {callbackUrl}
            </code>
          </div>
        )}
        <form onSubmit={submit} className="space-y-3" aria-label={`Your own ${service.name} app`}>
          <TextField label="Client ID" value={clientId} onChange={(e) => setClientId(e.currentTarget.value)} required minLength={8} autoComplete="off" />
          <TextField
            label="Client secret (optional)"
            type="password"
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            autoComplete="off"
            hint="Not needed for apps that sign in with PKCE."
          />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="secondary" busy={save.isPending} disabled={clientId.trim().length < 8}>
              Save app
            </Button>
            {service.own_app_client_id && (
              <Button variant="ghost" busy={remove.isPending} onClick={() => remove.mutate(service.slug)}>
                Stop using my app
              </Button>
            )}
          </div>
          {save.isSuccess && <Notice>Saved. Connect again to use it.</Notice>}
          <ErrorAlert error={save.error ?? remove.error} />
        </form>
      </div>
    </details>
  );
}

function ServiceCard({ service, callbackUrl }: { service: Service; callbackUrl?: string }) {
  const state = serviceState(service);
  const authorize = useAuthorize();
  const disconnect = useDisconnect();
  const badge = STATE_BADGE[state];
  const c = service.connection;
  const caps = service.capabilities.map((cap) => CAPABILITY_LABEL[cap] ?? cap);
  return (
    <li aria-label={service.name} className="rounded-2xl border border-neutral-800 bg-neutral-900/60 p-4 sm:p-5">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between sm:gap-3">
        <div className="min-w-0 flex-1">
          <h2 className="text-lg font-semibold text-white">{service.name}</h2>
          <p className="text-xs text-neutral-500">
            {KIND_LABEL[service.kind]}
            {caps.length > 0 && ` · ${caps.join(', ')}`}
          </p>
        </div>
        <span data-testid={`${service.slug}-status`} className={`self-start rounded-full border px-3 py-1 text-xs font-medium sm:max-w-[50%] sm:shrink-0 sm:text-right ${badge.className}`}>
          {badge.label(service)}
        </span>
      </div>
      {c && (
        <p className="mt-2 text-xs text-neutral-400">
          Since {formatDateTime(c.connected_at)}
          {c.uses_own_app && ' · through your own app'}
        </p>
      )}
      {c?.last_error && <p className="mt-2 text-sm text-amber-300">Last error: {c.last_error}</p>}
      {state === 'builtin' && <p className="mt-2 text-sm text-neutral-400">Tonearm asks it for track details on its own.</p>}
      {state === 'unconfigured' && (
        <p className="mt-2 text-sm text-neutral-400">
          The server's operator has not set {service.name} up{service.own_app_allowed ? '; you can use your own app below.' : '.'}
        </p>
      )}
      <div className="mt-4 space-y-3">
        {service.auth === 'oauth' && state !== 'unconfigured' && (
          <div className="flex flex-wrap gap-2">
            <Button
              variant={state === 'connected' ? 'secondary' : 'primary'}
              busy={authorize.isPending || authorize.isSuccess}
              onClick={() => authorize.mutate({ slug: service.slug, returnTo: '/connections' })}
            >
              {state === 'connected' ? 'Reconnect' : state === 'reconnect' ? `Reconnect ${service.name}` : `Connect ${service.name}`}
            </Button>
            {c && (
              <Button variant="danger" busy={disconnect.isPending} onClick={() => disconnect.mutate(service.slug)}>
                Disconnect
              </Button>
            )}
          </div>
        )}
        {service.auth === 'token' && state !== 'unconfigured' && (
          <>
            <TokenForm service={service} />
            {c && (
              <Button variant="danger" busy={disconnect.isPending} onClick={() => disconnect.mutate(service.slug)}>
                Disconnect
              </Button>
            )}
          </>
        )}
        {service.own_app_allowed && <OwnAppForm service={service} callbackUrl={callbackUrl} />}
        <ErrorAlert error={authorize.error ?? disconnect.error} />
      </div>
    </li>
  );
}

export function ConnectionsPage() {
  const q = useConnections();
  const [params, setParams] = useSearchParams();
  // The banners wait for the list, so they name the service rather than its slug.
  const connected = q.data ? params.get('connected') : null;
  const failed = q.data ? params.get('error') : null;
  const failedService = params.get('service');
  const nameOf = (slug: string | null) => q.data?.items.find((s) => s.slug === slug)?.name ?? slug;
  const dismiss = () => setParams({}, { replace: true });
  // Streaming services first (they carry playlists), then the rest, each in the server's order.
  const services = [...(q.data?.items ?? [])].sort((a, b) => Number(a.kind !== 'streaming') - Number(b.kind !== 'streaming'));
  return (
    <div className="space-y-6">
      <PageHeader title="Connections" subtitle="Streaming and scrobbling services linked to your account: move playlists between them, scrobble what you play." />
      {connected && (
        <div className="flex items-start justify-between gap-3">
          <div className="flex-1">
            <Notice>Connected to {nameOf(connected)}.</Notice>
          </div>
          <Button variant="ghost" onClick={dismiss} aria-label="Dismiss">
            ×
          </Button>
        </div>
      )}
      {failed && (
        <div role="alert" className="flex items-start justify-between gap-3 rounded-lg border border-red-900/70 bg-red-950/50 px-3 py-2 text-sm text-red-200">
          <p>
            <span className="font-semibold">Could not connect {nameOf(failedService) ?? 'the service'}.</span> {CALLBACK_ERRORS[failed] ?? `(${failed})`}
          </p>
          <button type="button" onClick={dismiss} className="text-red-300 hover:text-white" aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : services.length === 0 ? (
        <EmptyState>This server offers no services to connect.</EmptyState>
      ) : (
        <ul className="grid gap-4 lg:grid-cols-2" aria-label="Services">
          {services.map((s) => (
            <ServiceCard key={s.slug} service={s} callbackUrl={q.data.callback_urls[s.slug]} />
          ))}
        </ul>
      )}
    </div>
  );
}
