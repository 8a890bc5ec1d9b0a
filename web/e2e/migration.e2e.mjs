#!/usr/bin/env node
// End-to-end test of streaming-service connections and playlist migration, against the real back
// end (real default rate limits) and local fakes of Spotify and TIDAL in a process of their own
// (`python -m tests.fakes.serve`): sign up, connect Spotify (its consent page's "Agree") and TIDAL
// ("Continue"), see the Spotify playlist beside Tonearm's, migrate it to TIDAL, resolve the one
// row in doubt, apply, read the report (by bucket) and download the missing tracks as CSV; then
// the pages on a phone-sized screen.
//
//   npm run build && node e2e/migration.e2e.mjs
//
// Env: as auth.e2e.mjs (TONEARM_PYTHON, CHROMIUM_PATH, E2E_HEADFUL, E2E_KEEP, E2E_SCREENSHOTS);
// PYTHONPATH is passed on to both Python processes (put the checkout's src/ and root first).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { assert, createE2E, freePort, python, repoDir, resultsDir } from './lib.mjs';

const e2e = createE2E('migration');
const { log, step, snap } = e2e;
const PLAYLIST = 'Road trip';
const fakes = { proc: null, logPath: join(resultsDir, 'fakes-migration.log') };

/** Start the fakes; resolves to the settings env vars they print (one JSON line). */
function startFakes(base) {
  const pythonPath = [repoDir, join(repoDir, 'src'), process.env.PYTHONPATH].filter(Boolean).join(':');
  const proc = spawn(python, ['-m', 'tests.fakes.serve', '--spotify-port', '0', '--tidal-port', '0', '--base-url', base], {
    cwd: repoDir,
    env: { ...process.env, PYTHONPATH: pythonPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  fakes.proc = proc;
  const logStream = createWriteStream(fakes.logPath);
  proc.stderr.pipe(logStream);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fakes printed nothing in 30 s; see ${fakes.logPath}`)), 30_000);
    proc.once('exit', (code) => reject(new Error(`the fakes exited (code ${code}); see ${fakes.logPath}`)));
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`the fakes printed ${line.slice(0, 200)}`));
      }
    });
  });
}

async function stopFakes() {
  const proc = fakes.proc;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (proc.exitCode === null) proc.kill('SIGKILL');
}

async function noSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `no sideways scrolling on a phone: ${what} (${overflow} px)`);
}

async function main() {
  await e2e.checkPrerequisites();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = await step('start the fake Spotify and TIDAL', async () => {
    const vars = await startFakes(base);
    log(`  Spotify at ${vars.TONEARM_SPOTIFY__ACCOUNTS_URL}, TIDAL at ${vars.TONEARM_TIDAL__API_URL}`);
    return vars;
  });
  await e2e.startServer(env, { port });
  assert(e2e.base === base, 'the server runs at the URL the fakes were told');
  const page = await e2e.launchBrowser();
  await page.setViewportSize({ width: 1280, height: 860 });
  page.on('response', (r) => {
    if (r.status() === 404) log(`  (404 ${r.url()})`);
  });
  await step('sign up', async () => e2e.signUp('migrate'));

  await step('connections: Spotify and TIDAL not connected yet', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await e2e.waitForPath('/connections');
    await page.getByTestId('spotify-status').filter({ hasText: 'Not connected' }).waitFor();
    await page.getByTestId('tidal-status').filter({ hasText: 'Not connected' }).waitFor();
    const callback = await page.getByTestId('spotify-callback-url').textContent();
    assert(callback === `${base}/api/v1/connections/spotify/callback`, `the callback URL to register is shown (${callback})`);
    await snap('connections');
  });

  await step('connect Spotify: its consent page, "Agree", back with a banner', async () => {
    await page.getByRole('button', { name: 'Connect Spotify' }).click();
    await page.getByRole('link', { name: 'Agree' }).click();
    await page.waitForURL((url) => url.origin === base && url.pathname === '/connections');
    assert(new URL(page.url()).searchParams.get('connected') === 'spotify', `back with ?connected=spotify (${page.url()})`);
    await page.getByRole('status').filter({ hasText: 'Connected to Spotify' }).waitFor();
    await page.getByTestId('spotify-status').filter({ hasText: 'Connected as Ann on Spotify' }).waitFor();
  });

  await step('connect TIDAL: its login page, "Continue", back', async () => {
    await page.getByRole('button', { name: 'Connect TIDAL' }).click();
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === base && url.pathname === '/connections');
    await page.getByRole('status').filter({ hasText: 'Connected to TIDAL' }).waitFor();
    await page.getByTestId('tidal-status').filter({ hasText: /^Connected/ }).waitFor();
    await snap('connections-connected');
  });

  await step('playlists: the Spotify playlist beside Tonearm\'s, with its count and a link out', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playlists' }).click();
    await e2e.waitForPath('/playlists');
    await page.getByRole('tab', { name: 'All' }).click();
    const spotify = page.getByRole('list', { name: 'On Spotify' });
    const row = spotify.getByRole('listitem').filter({ hasText: PLAYLIST });
    await row.waitFor();
    assert((await row.textContent()).includes('10 tracks'), `the track count (${await row.textContent()})`);
    assert((await row.getByRole('link', { name: `Open ${PLAYLIST} on Spotify` }).count()) === 1, 'a link out to Spotify');
    await page.getByRole('list', { name: 'On TIDAL' }).or(page.getByText('No playlists on TIDAL.')).first().waitFor();
    await snap('playlists-all');
  });

  const migrationUrl = await step('migrate the Spotify playlist to TIDAL', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Migrate' }).click();
    await e2e.waitForPath('/migrate');
    await page.getByRole('radiogroup', { name: 'Source' }).getByRole('radio', { name: /Spotify/ }).check();
    await page.getByRole('list', { name: 'Source playlists' }).getByRole('checkbox', { name: new RegExp(PLAYLIST) }).check();
    await page.getByRole('radiogroup', { name: 'Target' }).getByRole('radio', { name: /TIDAL/ }).check();
    assert(await page.getByRole('checkbox', { name: /Strict versions/ }).isChecked(), 'strict versions by default');
    await snap('migrate');
    await page.getByRole('button', { name: 'Start migration' }).click();
    await page.waitForURL((url) => /^\/migrations\/[0-9a-f-]{36}$/.test(url.pathname));
    return page.url();
  });

  await step('live progress ends in review: 7 matched, 1 to review, 2 not found', async () => {
    await page.getByTestId('migration-status').filter({ hasText: 'Waiting for your review' }).waitFor({ timeout: 90_000 });
    const count = async (k) => Number(await page.getByTestId(`count-${k}`).textContent());
    const counts = { tracks: await count('tracks'), matched: await count('matched'), review: await count('review'), unmatched: await count('unmatched') };
    assert(JSON.stringify(counts) === JSON.stringify({ tracks: 10, matched: 7, review: 1, unmatched: 2 }), `counts ${JSON.stringify(counts)}`);
    await snap('migration-review');
  });

  await step('resolve the review row: the second Paper Moon', async () => {
    const review = page.getByRole('list', { name: 'To review' });
    const row = review.getByRole('listitem').filter({ hasText: 'Paper Moon' });
    await row.getByRole('radio', { name: 'Skip this track' }).waitFor();
    const radios = row.getByRole('radio');
    assert((await radios.count()) === 3, 'two candidates and skip');
    const second = radios.nth(1);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/tracks/')),
      second.check(),
    ]);
    assert(res.status() === 200, `the choice was saved (${res.status()})`);
    assert(await second.isChecked(), 'the choice stays checked');
  });

  await step('apply: written to TIDAL, done, 8 written', async () => {
    await page.getByRole('button', { name: 'Apply: write to TIDAL' }).click();
    await page.getByTestId('migration-status').filter({ hasText: /^Done$/ }).waitFor({ timeout: 90_000 });
    await page.getByTestId('count-written').filter({ hasText: /^8$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Done: 8 of 10 tracks written to TIDAL' }).waitFor();
    const link = page.getByRole('list', { name: 'Playlists' }).getByRole('link', { name: 'Open on TIDAL' });
    await link.waitFor(); // the target playlist is linked
    assert((await link.getAttribute('href'))?.startsWith('http'), 'a link out to the TIDAL playlist');
  });

  await step('the report: every track with its bucket, rule, score and reason; filter by bucket', async () => {
    const report = page.getByRole('list', { name: 'Report' });
    await report.getByTestId('report-row').nth(9).waitFor();
    await report.getByText('your choice').waitFor(); // the list as it is after the apply
    const all = await report.textContent();
    assert(all.includes('ISRC') && all.includes('100%'), 'rule and score shown');
    assert(all.includes('your choice'), 'the reviewed row shows the choice was the user\'s');
    await page.getByRole('tab', { name: /Not found/ }).click();
    await report.getByTestId('report-row').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="report-row"]').length === 2);
    const missing = await report.textContent();
    assert(missing.includes('Stone River') && missing.includes('Nowhere Found'), `the two not found (${missing.slice(0, 200)})`);
    await snap('migration-report');
  });

  await step('download the missing tracks as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Download missing tracks (CSV)' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert(download.suggestedFilename().endsWith('.csv'), `a CSV file (${download.suggestedFilename()})`);
    assert(csv.includes('Stone River') && csv.includes('Nowhere Found') && !csv.includes('Paper Moon'), 'the missing tracks only');
  });

  await step('keep it in sync, then see it with the past migrations', async () => {
    await page.getByRole('button', { name: `Keep “${PLAYLIST}” in sync` }).click();
    await page.getByRole('link', { name: 'Manage syncs' }).click();
    await e2e.waitForPath('/migrations');
    const pair = page.getByRole('list', { name: 'Sync pairs' }).getByRole('listitem').first();
    await pair.waitFor();
    await page.getByRole('list', { name: 'Past migrations' }).getByRole('link').first().waitFor();
    await pair.getByRole('button', { name: 'Pause' }).click();
    await pair.getByText(/paused/).waitFor();
    await snap('migrations');
  });

  await step('phone-sized screen: connections, migrate, the report, migrations', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, label, ready] of [
      ['/connections', 'connections-phone', () => page.getByTestId('spotify-status').waitFor()],
      ['/migrate', 'migrate-phone', () => page.getByRole('radiogroup', { name: 'Source' }).waitFor()],
      [new URL(migrationUrl).pathname, 'migration-report-phone', () => page.getByRole('list', { name: 'Report' }).waitFor()],
      ['/migrations', 'migrations-phone', () => page.getByRole('list', { name: 'Past migrations' }).waitFor()],
      ['/playlists?source=all', 'playlists-all-phone', () => page.getByRole('list', { name: 'On Spotify' }).waitFor()],
    ]) {
      await page.goto(`${base}${path}`);
      await ready();
      if (label === 'migrate-phone') {
        await page.getByRole('radiogroup', { name: 'Source' }).getByRole('radio', { name: /Spotify/ }).check();
        await page.getByRole('list', { name: 'Source playlists' }).waitFor();
      }
      await noSidewaysScroll(page, path);
      await snap(label);
    }
  });

  await step('phone-sized screen: a dry run of the same playlist waits for apply, nothing written', async () => {
    await page.goto(`${base}/migrate`);
    await page.getByRole('radiogroup', { name: 'Source' }).getByRole('radio', { name: /Spotify/ }).check();
    await page.getByRole('list', { name: 'Source playlists' }).getByRole('checkbox', { name: new RegExp(PLAYLIST) }).check();
    await page.getByRole('radiogroup', { name: 'Target' }).getByRole('radio', { name: /TIDAL/ }).check();
    await page.getByRole('checkbox', { name: /Dry run/ }).check();
    await page.getByRole('button', { name: 'Start dry run' }).click();
    await page.waitForURL((url) => /^\/migrations\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== migrationUrl);
    await page.getByTestId('migration-status').filter({ hasText: 'Waiting for your review' }).waitFor({ timeout: 90_000 });
    await page.getByTestId('count-written').filter({ hasText: /^0$/ }).waitFor();
    assert((await page.getByRole('button', { name: 'Apply: write to TIDAL' }).count()) === 1, 'the dry run can be applied');
    await noSidewaysScroll(page, 'a dry run in review');
    await snap('migration-dry-run-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });
}

try {
  await e2e.run(main);
} finally {
  await stopFakes();
  if (process.exitCode) {
    try {
      const tail = readFileSync(fakes.logPath, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
      if (tail) console.log(`----- fakes log (${fakes.logPath}) -----\n${tail}\n-----`);
    } catch {
      // no log
    }
  }
}
