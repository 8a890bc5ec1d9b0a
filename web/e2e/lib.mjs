// Shared helpers for the end-to-end tests: build check, back-end server, Chromium, steps, cleanup.
//
// Each *.e2e.mjs does:
//   const e2e = createE2E('name');
//   await e2e.run(async () => { await e2e.checkPrerequisites(); await e2e.startServer(); await e2e.launchBrowser(); ... });
//
// Env: TONEARM_PYTHON (default ../.venv/bin/python), CHROMIUM_PATH (default /usr/bin/chromium),
//      E2E_HEADFUL=1 to watch, E2E_KEEP=1 to keep the temp data dir,
//      E2E_SCREENSHOTS=1 to save a screenshot of pages in web/test-results/.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(webDir, '..');
export const distDir = join(webDir, 'dist');
export const resultsDir = join(webDir, 'test-results');
export const python = process.env.TONEARM_PYTHON ?? resolve(webDir, '../.venv/bin/python');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const STEP_TIMEOUT = 15_000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function assert(cond, msg) {
  if (!cond) throw new Error(`Assertion failed: ${msg}`);
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export function newestMtime(paths) {
  let newest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestMtime(readdirSync(p).map((n) => join(p, n))));
    else newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/** Build web/dist when it is missing or older than the sources. */
export function ensureBuilt(log) {
  const built = join(distDir, 'index.html');
  const sources = [join(webDir, 'src'), join(webDir, 'public'), join(webDir, 'index.html'), join(webDir, 'package.json'), join(webDir, 'vite.config.ts')];
  const stale = !existsSync(built) || newestMtime(sources) > statSync(built).mtimeMs;
  if (stale) {
    log('  web/dist is missing or older than the sources: running `npm run build`');
    const r = spawnSync('npm', ['run', 'build'], { cwd: webDir, stdio: 'inherit' });
    assert(r.status === 0, 'npm run build failed');
  }
}

/**
 * One e2e run: logging, numbered steps, the server and the browser, failure screenshots,
 * and cleanup. `name` prefixes the log lines and the server log file.
 */
export function createE2E(name) {
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  const e2e = {
    name,
    base: null,
    port: null,
    server: null,
    serverExited: null,
    serverLogPath: null,
    dataDir: null,
    userDataDir: null,
    browserContext: null,
    page: null,
    browserErrors: [],
    /** console.error texts matching this are expected and not reported. */
    ignoreConsole: /status of 401|ERR_INTERNET_DISCONNECTED/,
    currentStep: 'setup',
    stepNo: 0,

    log(msg) {
      console.log(`[e2e:${name} ${elapsed()}] ${msg}`);
    },

    async step(title, fn) {
      e2e.currentStep = title;
      e2e.stepNo += 1;
      e2e.log(`▶ ${e2e.stepNo}. ${title}`);
      const started = Date.now();
      const out = await fn();
      e2e.log(`  ✓ ${title} (${Date.now() - started} ms)`);
      return out;
    },

    async snap(label) {
      if (!process.env.E2E_SCREENSHOTS || !e2e.page) return;
      const path = join(resultsDir, `page-${label}.png`);
      await e2e.page.screenshot({ path, fullPage: true });
      e2e.log(`  screenshot ${path}`);
    },

    async checkPrerequisites() {
      await e2e.step('check prerequisites', async () => {
        assert(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
        assert(existsSync(python), `Python not found at ${python} (set TONEARM_PYTHON)`);
        ensureBuilt(e2e.log);
      });
    },

    /** `port`: one chosen beforehand (when something else must know the URL first). */
    async startServer(extraEnv = {}, { port } = {}) {
      e2e.port = port ?? (await freePort());
      e2e.base = `http://127.0.0.1:${e2e.port}`;
      await e2e.step(`start back end on ${e2e.base}`, async () => {
        e2e.dataDir = mkdtempSync(join(tmpdir(), `tonearm-e2e-${name}-data-`));
        e2e.serverLogPath = join(resultsDir, name === 'auth' ? 'server.log' : `server-${name}.log`);
        const logStream = createWriteStream(e2e.serverLogPath);
        e2e.server = spawn(python, ['-m', 'tonearm', 'serve', '--host', '127.0.0.1', '--port', String(e2e.port)], {
          cwd: repoDir,
          env: {
            ...process.env,
            TONEARM_DATA_DIR: e2e.dataDir,
            TONEARM_ENV: 'test',
            // The real default rate limits (guest 20/min per IP, 100/min signed in): none is turned off.
            TONEARM_WEB_DIST: distDir,
            TONEARM_BASE_URL: e2e.base, // links in e-mails point at this server
            ...extraEnv,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        e2e.server.stdout.pipe(logStream);
        e2e.server.stderr.pipe(logStream);
        e2e.server.on('exit', (code, signal) => {
          e2e.serverExited = signal ? `signal ${signal}` : `code ${code}`;
        });
        e2e.log(`  pid ${e2e.server.pid}, data dir ${e2e.dataDir}, log ${e2e.serverLogPath}`);
        await e2e.waitForHealth(60_000);
      });
    },

    async waitForHealth(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (e2e.serverExited) throw new Error(`server exited early (${e2e.serverExited}); see ${e2e.serverLogPath}`);
        try {
          const res = await fetch(`${e2e.base}/health`, { signal: AbortSignal.timeout(2000) });
          if (res.status === 200) return;
          last = `HTTP ${res.status}`;
        } catch (err) {
          last = err.cause?.code ?? err.message;
        }
        await sleep(250);
      }
      throw new Error(`GET /health did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`);
    },

    async stopServer() {
      const server = e2e.server;
      if (!server || e2e.serverExited) return;
      const pid = server.pid;
      const exited = new Promise((r) => server.once('exit', r));
      try {
        process.kill(-pid, 'SIGTERM'); // the whole process group (uvicorn + workers)
      } catch {
        server.kill('SIGTERM');
      }
      const timedOut = await Promise.race([exited.then(() => false), sleep(8000).then(() => true)]);
      if (timedOut) {
        e2e.log('server did not stop on SIGTERM; sending SIGKILL');
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          server.kill('SIGKILL');
        }
        await Promise.race([exited, sleep(3000)]);
      }
    },

    printServerLogTail(lines = 40) {
      if (!e2e.serverLogPath || !existsSync(e2e.serverLogPath)) return;
      const text = readFileSync(e2e.serverLogPath, 'utf8').trimEnd().split('\n');
      console.log(`----- last ${Math.min(lines, text.length)} lines of server log (${e2e.serverLogPath}) -----`);
      console.log(text.slice(-lines).join('\n'));
      console.log('----- end of server log -----');
    },

    async launchBrowser({ extraArgs = [] } = {}) {
      await e2e.step('launch Chromium', async () => {
        e2e.userDataDir = mkdtempSync(join(tmpdir(), `tonearm-e2e-${name}-chromium-`));
        e2e.browserContext = await chromium.launchPersistentContext(e2e.userDataDir, {
          executablePath: chromiumPath,
          headless: !process.env.E2E_HEADFUL,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            ...extraArgs,
          ].filter((a) => a !== '--headless' || !process.env.E2E_HEADFUL),
          viewport: { width: 1280, height: 800 },
          serviceWorkers: 'allow', // the production build registers /sw.js
        });
        e2e.browserContext.setDefaultTimeout(STEP_TIMEOUT);
        e2e.page = e2e.browserContext.pages()[0] ?? (await e2e.browserContext.newPage());
        e2e.page.on('pageerror', (err) => e2e.browserErrors.push(`pageerror: ${err.message}`));
        e2e.page.on('console', (msg) => {
          if (msg.type() === 'error' && !e2e.ignoreConsole.test(msg.text())) e2e.browserErrors.push(`console.error: ${msg.text()}`);
        });
      });
      return e2e.page;
    },

    async waitForPath(path) {
      await e2e.page.waitForURL((url) => url.pathname === path, { timeout: STEP_TIMEOUT });
    },

    /** Sign up a fresh user through the UI; resolves to { username, email, password }. */
    async signUp(prefix = 'e2e') {
      const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
      const username = `${prefix}_${suffix}`;
      const email = `${username}@example.com`;
      const password = `Correct-horse-${suffix}!`;
      const page = e2e.page;
      await page.goto(`${e2e.base}/signup`);
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Username', { exact: true }).fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await e2e.waitForPath('/');
      await page.getByRole('heading', { name: `Welcome, ${username}` }).waitFor();
      return { username, email, password };
    },

    /** Run `main`, report failure (screenshot, browser errors, server log tail), always clean up. */
    async run(main) {
      mkdirSync(resultsDir, { recursive: true });
      let failed = false;
      try {
        await main();
        if (e2e.browserErrors.length) e2e.log(`browser reported:\n  ${e2e.browserErrors.join('\n  ')}`);
        e2e.log('ALL STEPS PASSED');
      } catch (err) {
        failed = true;
        console.error(`\n[e2e:${name} ${elapsed()}] ✗ FAILED at step ${e2e.stepNo} "${e2e.currentStep}":\n${err?.stack ?? err}`);
        if (e2e.page) {
          const shot = join(resultsDir, `e2e-${name === 'auth' ? '' : `${name}-`}failure-${e2e.stepNo}.png`);
          try {
            await e2e.page.screenshot({ path: shot, fullPage: true });
            console.error(`screenshot: ${shot}`);
            console.error(`page url: ${e2e.page.url()}`);
          } catch (e) {
            console.error(`could not take a screenshot: ${e.message}`);
          }
        }
        if (e2e.browserErrors.length) console.error(`browser reported:\n  ${e2e.browserErrors.join('\n  ')}`);
        e2e.printServerLogTail();
      } finally {
        if (e2e.browserContext) await e2e.browserContext.close().catch(() => {});
        await e2e.stopServer();
        if (e2e.userDataDir) rmSync(e2e.userDataDir, { recursive: true, force: true });
        if (e2e.dataDir && !process.env.E2E_KEEP) rmSync(e2e.dataDir, { recursive: true, force: true });
        e2e.log(failed ? 'e2e FAILED' : 'e2e passed');
        process.exitCode = failed ? 1 : 0;
      }
      return !failed;
    },
  };
  return e2e;
}
