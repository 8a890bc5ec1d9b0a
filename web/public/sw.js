/* Tonearm service worker (hand-written, no build step).
 *
 * - Install: precaches the app shell: "/" (index.html) plus the files listed in
 *   /precache.json, which `vite build` emits (see vite.config.ts).
 * - Navigations: network first; offline falls back to the cached shell.
 * - /assets/* (content-hashed): cache first.
 * - Other same-origin static files (icons, manifest): stale-while-revalidate.
 * - /api/, /health, /ready, /metrics: never cached, never touched.
 *
 * The build replaces __BUILD_ID__ so every deploy yields a new worker and a new cache.
 */
const BUILD_ID = '__BUILD_ID__';
const SHELL_CACHE = `tonearm-shell-${BUILD_ID}`;
const ASSET_CACHE = 'tonearm-assets-v1';
const SHELL_URL = '/';

const BYPASS = [/^\/api(\/|$)/, /^\/health$/, /^\/ready$/, /^\/metrics$/];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      let files = [];
      try {
        const res = await fetch('/precache.json', { cache: 'no-store' });
        if (res.ok) files = (await res.json()).files ?? [];
      } catch {
        // Precache list missing: the runtime caches below still fill up as the app is used.
      }
      await cache.addAll([SHELL_URL, ...files.filter((f) => f !== SHELL_URL && f !== '/index.html')]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, ASSET_CACHE]);
      for (const key of await caches.keys()) {
        if (key.startsWith('tonearm-') && !keep.has(key)) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

async function networkFirstNavigation(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    // Every client route is served index.html (SPA fallback): keep the freshest copy as the shell.
    if (response.ok && (response.headers.get('Content-Type') ?? '').includes('text/html')) {
      await cache.put(SHELL_URL, response.clone());
    }
    return response;
  } catch (err) {
    const cached = await cache.match(SHELL_URL);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const shell = await caches.open(SHELL_CACHE);
  const hit = (await shell.match(request)) ?? (await caches.match(request, { cacheName: ASSET_CACHE }));
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(ASSET_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request);
  const network = fetch(request)
    .then(async (response) => {
      if (response.ok) await cache.put(request, response.clone());
      return response;
    })
    .catch(() => undefined);
  if (cached) return cached;
  const response = await network;
  return response ?? Response.error();
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (BYPASS.some((re) => re.test(url.pathname))) return;
  if (url.pathname === '/sw.js') return;

  if (request.mode === 'navigate') {
    event.respondWith(networkFirstNavigation(request));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(staleWhileRevalidate(request));
  }
});
