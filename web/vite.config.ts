/// <reference types="vitest/config" />
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { join, relative, resolve } from 'node:path';
import { defineConfig, type Plugin, type ResolvedConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// During `npm run dev`, API calls go to a locally running `tonearm serve`.
const apiTarget = process.env.TONEARM_API ?? 'http://127.0.0.1:8000';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * Emits dist/precache.json (the app shell files the service worker caches on install)
 * and stamps a build id into dist/sw.js so each deploy installs a fresh worker.
 */
function serviceWorkerManifest(): Plugin {
  let config: ResolvedConfig;
  let buildId = 'dev';
  return {
    name: 'tonearm-sw-manifest',
    apply: 'build',
    enforce: 'post', // after inlineStylesheet (listed first) has dropped the CSS file
    configResolved(c) {
      config = c;
    },
    generateBundle(_opts, bundle) {
      const built = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'precache.json');
      const publicDir = config.publicDir;
      const publicFiles = listFiles(publicDir)
        .map((f) => relative(publicDir, f).split('\\').join('/'))
        .filter((f) => f !== 'sw.js' && !f.startsWith('.'));
      const files = [...new Set([...built, ...publicFiles])]
        .map((f) => `/${f}`)
        .filter((f) => f !== '/index.html')
        .sort();
      buildId = createHash('sha256').update(files.join('\n')).update(JSON.stringify(Object.keys(bundle))).digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: `${JSON.stringify({ build: buildId, files }, null, 2)}\n` });
    },
    closeBundle: {
      order: 'post',
      handler() {
        const sw = resolve(config.root, config.build.outDir, 'sw.js');
        if (!existsSync(sw)) return;
        writeFileSync(sw, readFileSync(sw, 'utf8').replaceAll('__BUILD_ID__', buildId));
      },
    },
  };
}

/**
 * Puts the stylesheet into index.html as a <style> (45 KB, 7 KB brotli): the first paint then
 * waits for the page alone, not for a second request (on a phone's link one more round trip
 * before anything shows). The CSS file is dropped from the build (nothing else links it).
 */
function inlineStylesheet(): Plugin {
  return {
    name: 'tonearm-inline-css',
    apply: 'build',
    enforce: 'post',
    generateBundle(_opts, bundle) {
      const page = bundle['index.html'];
      if (!page || page.type !== 'asset') return;
      let html = String(page.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type !== 'asset' || !name.endsWith('.css')) continue;
        const link = new RegExp(`<link rel="stylesheet"[^>]*href="/${name.replace(/[.]/g, '\\.')}"[^>]*>`);
        if (!link.test(html)) continue;
        html = html.replace(link, () => `<style>${String(file.source).trim()}</style>`);
        delete bundle[name];
      }
      page.source = html;
    },
  };
}

/**
 * Writes a brotli copy (`name.br`, quality 11) beside each text file of dist/, which
 * platform/spa.py sends to browsers that take br: about a fifth smaller than gzip for the
 * scripts, and too slow at this quality to do per request. Source maps are left out (only
 * developer tools fetch them; the server gzips them). Runs after sw.js is stamped.
 */
function brotliCopies(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'tonearm-brotli',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const outDir = resolve(config.root, config.build.outDir);
        for (const file of listFiles(outDir)) {
          if (!/\.(js|mjs|css|html|svg|json|webmanifest)$/.test(file)) continue;
          const data = readFileSync(file);
          if (data.length < 1024) continue; // the server sends small files as they are
          const packed = brotliCompressSync(data, {
            params: {
              [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
              [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
              [zlib.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          });
          writeFileSync(`${file}.br`, packed);
        }
      },
    },
  };
}

// The app is written against React's API and runs on Preact's compatibility layer: react-dom
// is ~200 KB of the ~340 KB entry script, preact/compat ~12 KB, and on a phone (Lighthouse's
// mobile preset) that script's download, parse and run is most of the first paint. Tests run on
// the same runtime (the libraries that import React are inlined below so the aliases reach them).
const preactAliases = [
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

export default defineConfig({
  plugins: [react(), tailwindcss(), inlineStylesheet(), serviceWorkerManifest(), brotliCopies()],
  resolve: { alias: preactAliases },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget },
      '/health': { target: apiTarget },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // Testing Library's and React Router's files for Node are CommonJS (their require('react')
    // would load real React); their ES module builds go through the aliases.
    alias: [
      {
        find: /^@testing-library\/react$/,
        replacement: resolve(import.meta.dirname, 'node_modules/@testing-library/react/dist/@testing-library/react.esm.js'),
      },
      { find: /^react-router$/, replacement: resolve(import.meta.dirname, 'node_modules/react-router/dist/development/index.mjs') },
    ],
    server: { deps: { inline: [/@testing-library\/react/, /@tanstack\//, /react-router/] } },
  },
});
