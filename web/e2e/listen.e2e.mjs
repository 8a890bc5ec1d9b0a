#!/usr/bin/env node
// End-to-end test of the Listen area against the real back end: upload a real tagged audio file
// through the Upload page, wait for processing, find it in the Library, play it in the persistent
// player (hls.js / native HLS / progressive, whichever this Chromium can play), check that the
// play was recorded (start → counted at 30 s → complete), then force the codec fallback path
// (a browser without AAC) and check that progressive Opus plays. It runs with the real default
// rate limits: an album of four tracks is played and skipped three times within ten seconds, and
// the fourth track plays.
//
//   npm run build && node e2e/listen.e2e.mjs
//
// Env: as auth.e2e.mjs (TONEARM_PYTHON, CHROMIUM_PATH, E2E_HEADFUL, E2E_KEEP, E2E_SCREENSHOTS).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { STEP_TIMEOUT, assert, createE2E, python, repoDir, sleep } from './lib.mjs';

const execFileAsync = promisify(execFile);

const e2e = createE2E('listen');
const { log, step, snap } = e2e;
const TITLE = 'E2E Song';
const ARTIST = 'E2E Artist';
const ALBUM = 'E2E Album';
const SECONDS = 40;

let audioDir = null;

/** Player log lines ("[player] playing … via hls.js") from the page's console. */
const playerLog = [];

async function api(path, token, init = {}) {
  const res = await fetch(`${e2e.base}/api/v1${path}`, {
    ...init,
    headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}), Authorization: `Bearer ${token}`, ...init.headers },
  });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function waitFor(what, fn, timeoutMs = STEP_TIMEOUT, everyMs = 300) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** currentTime of the player's <audio>. */
const audioTime = (page) => page.evaluate(() => document.querySelector('audio[data-testid="audio"]')?.currentTime ?? -1);

async function waitForAudioPast(page, seconds, timeout = 30_000) {
  await page.waitForFunction(
    (s) => {
      const a = document.querySelector('audio[data-testid="audio"]');
      return !!a && !a.paused && a.currentTime > s;
    },
    seconds,
    { timeout, polling: 200 },
  );
}

async function main() {
  await e2e.checkPrerequisites();

  const file = await step('synthesize a tagged 40 s MP3 with a cover, with tests.audio_fixtures', async () => {
    audioDir = mkdtempSync(join(tmpdir(), 'tonearm-e2e-audio-'));
    const out = join(audioDir, 'song.mp3');
    const code = `from tests.audio_fixtures import make_audio, make_picture; make_audio(${JSON.stringify(out)}, 'mp3', seconds=${SECONDS}.0, tags={'title': ${JSON.stringify(TITLE)}, 'artists': [${JSON.stringify(ARTIST)}], 'album': ${JSON.stringify(ALBUM)}}, picture=make_picture(size=(640, 640)))`;
    const r = spawnSync(python, ['-c', code], { cwd: repoDir, encoding: 'utf8' });
    assert(r.status === 0, `make_audio failed (exit ${r.status}):\n${r.stderr}`);
    const size = statSync(out).size;
    assert(size > 10_000, `audio file is ${size} bytes`);
    log(`  ${out} (${(size / 1024).toFixed(0)} KiB)`);
    return out;
  });

  await e2e.startServer();
  const page = await e2e.launchBrowser();
  page.on('console', (msg) => {
    if (msg.text().startsWith('[player]')) {
      playerLog.push(msg.text());
      log(`  browser: ${msg.text()}`);
    }
  });

  const user = await step('sign up', async () => e2e.signUp('listen'));

  await step('an empty library: the home page says how to fill it, and where the verification link went', async () => {
    await e2e.waitForPath('/');
    const empty = page.getByRole('region', { name: 'Your library is empty' });
    await empty.waitFor();
    assert((await empty.getByRole('link', { name: /Upload music/ }).getAttribute('href')) === '/upload', 'the empty home links to Upload');
    const banner = page.getByRole('status').filter({ hasText: 'sends no email yet' });
    await banner.waitFor();
    const text = await banner.innerText();
    assert(text.includes('outbox'), `the banner names the outbox folder to the admin (${text})`);
    await snap('listen-home-empty');
  });

  await step('upload the file on the Upload page and wait for processing', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
    await e2e.waitForPath('/upload');
    await page.getByRole('heading', { name: 'Upload', level: 1 }).waitFor();
    await page.locator('input[type="file"]').setInputFiles(file);
    const item = page.getByRole('listitem', { name: 'song.mp3' });
    await item.waitFor();
    const ready = item.getByTestId('upload-ready');
    await ready.waitFor({ timeout: 120_000 });
    const text = await ready.innerText();
    assert(text.includes(TITLE), `upload shows the track title from the tags (${text})`);
    log(`  ${text}`);
    await snap('listen-upload');
  });

  await step('the Library lists the track with its tags', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
    await e2e.waitForPath('/library');
    const table = page.getByRole('table', { name: 'Tracks' });
    const row = table.getByRole('row').filter({ hasText: TITLE });
    await row.waitFor();
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert(text.includes(ARTIST), `row shows the artist (${text})`);
    assert(text.includes(ALBUM), `row shows the album (${text})`);
    assert(/0:(39|40)/.test(text), `row shows the duration ~0:40 (${text})`);
    assert((await row.getByText(/processing/i).count()) === 0, 'track is not marked processing');
    await snap('listen-library');
  });

  const engine = await step('play it: <audio> currentTime advances past 2 s', async () => {
    const row = page.getByRole('table', { name: 'Tracks' }).getByRole('row').filter({ hasText: TITLE });
    await row.hover(); // the row's play button shows on hover (always on phones)
    await row.getByRole('button', { name: `Play ${TITLE}` }).click();
    const bar = page.getByTestId('player-bar');
    await bar.getByTestId('now-playing-title').filter({ hasText: TITLE }).waitFor();
    await waitForAudioPast(page, 2);
    const engineName = await bar.getAttribute('data-engine');
    log(`  playback path in this Chromium: ${engineName} (currentTime ${(await audioTime(page)).toFixed(2)} s)`);
    const caps = await page.evaluate(() => ({
      mseAac: !!window.MediaSource && MediaSource.isTypeSupported('audio/mp4; codecs="mp4a.40.2"'),
      nativeHls: document.createElement('audio').canPlayType('application/vnd.apple.mpegurl'),
      opus: document.createElement('audio').canPlayType('audio/ogg; codecs="opus"'),
    }));
    log(`  browser capabilities: ${JSON.stringify(caps)}`);
    const session = await page.evaluate(() => {
      const m = navigator.mediaSession?.metadata;
      return m ? { title: m.title, artist: m.artist, album: m.album, art: m.artwork[0]?.src ?? '', state: navigator.mediaSession.playbackState } : null;
    });
    assert(session?.art.includes('/600.jpg'), `Media Session shows the track's cover (${session?.art})`);
    assert(session?.title === TITLE && session.artist === ARTIST && session.album === ALBUM, `Media Session metadata set (${JSON.stringify(session)})`);
    assert(session.state === 'playing', `Media Session playbackState is playing (${session.state})`);
    await bar.getByRole('button', { name: 'Pause' }).waitFor();
    await snap('listen-playing');
    return engineName;
  });

  await step('playback continues across route changes', async () => {
    const before = await audioTime(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Albums' }).click();
    await e2e.waitForPath('/albums');
    // The album's cover is the embedded picture, decoded by the browser (not the placeholder).
    const coverWidth = await page.waitForFunction(
      () => {
        const img = document.querySelector('[aria-label="Albums"] img');
        return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : 0;
      },
      undefined,
      { timeout: STEP_TIMEOUT, polling: 200 },
    );
    const width = await coverWidth.jsonValue();
    assert(width === 256, `the album grid shows the 256 px cover (${width} px)`);
    await page.getByRole('list', { name: 'Albums' }).getByRole('link', { name: new RegExp(ALBUM) }).click();
    await page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Album tracks' }).getByText(TITLE).waitFor();
    await waitForAudioPast(page, before + 1);
    await snap('listen-album');
    log(`  still playing on ${new URL(page.url()).pathname}: ${before.toFixed(1)} s → ${(await audioTime(page)).toFixed(1)} s`);
  });

  const token = await step('a play was recorded (GET /me/history with the same user)', async () => {
    const login = await fetch(`${e2e.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: user.username, password: user.password }),
    });
    assert(login.status === 200, `login answered ${login.status}`);
    const access = (await login.json()).access_token;
    const play = await waitFor('a play of the track in /me/history', async () => {
      const h = await api('/me/history', access);
      return h.status === 200 ? h.body.items.find((i) => i.track.title === TITLE)?.play : null;
    });
    log(`  play ${play.id}: position ${play.position} s, counted ${play.counted}, completed ${play.completed}`);
    return access;
  });

  await step('seek past 30 s on the waveform: the play is counted', async () => {
    const wave = page.getByTestId('player-bar').getByTestId('waveform');
    const box = await wave.boundingBox();
    assert(box && box.width > 50, 'waveform is drawn in the player bar');
    await page.mouse.click(box.x + box.width * (28 / SECONDS), box.y + box.height / 2);
    const t = await audioTime(page);
    assert(t > 25 && t < 32, `clicking the waveform seeks near 28 s (now ${t.toFixed(1)} s)`);
    await waitForAudioPast(page, 31);
    const play = await waitFor('the play to be counted', async () => {
      const h = await api('/me/history', token);
      const p = h.body?.items?.find((i) => i.track.title === TITLE)?.play;
      return p?.counted ? p : null;
    });
    log(`  counted at position ${play.position} s`);
  });

  await step('let it end: the play completes and the player stops at the end of the queue', async () => {
    await page.evaluate(() => {
      const a = document.querySelector('audio[data-testid="audio"]');
      a.currentTime = Math.max(a.currentTime, a.duration - 2);
    });
    const play = await waitFor(
      'the play to complete',
      async () => {
        const h = await api('/me/history', token);
        const p = h.body?.items?.find((i) => i.track.title === TITLE)?.play;
        return p?.completed ? p : null;
      },
      20_000,
    );
    log(`  completed (position ${play.position} s)`);
    await page.getByTestId('player-bar').getByRole('button', { name: 'Play', exact: true }).waitFor();
    const track = (await api('/library/tracks?mine=true', token)).body.items.find((t) => t.title === TITLE);
    assert(track?.play_count === 1, `play_count is 1 (${track?.play_count})`);
  });

  await step('History page shows the play', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
    await e2e.waitForPath('/history');
    const list = page.getByRole('list', { name: 'Play history' });
    await list.getByText(TITLE).first().waitFor();
    const note = await list.getByTestId('history-play').first().innerText();
    log(`  history: ${TITLE} — ${note}`);
  });

  await step('love it from the player; it shows on the Loves page', async () => {
    await page.getByTestId('player-bar').getByRole('button', { name: `Love ${TITLE}` }).click();
    await page.getByTestId('player-bar').getByRole('button', { name: `Unlove ${TITLE}` }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Loves' }).click();
    await e2e.waitForPath('/loves');
    await page.getByRole('table', { name: 'Loved tracks' }).getByRole('row').filter({ hasText: TITLE }).waitFor();
  });

  await step('search box: instant results, Enter on a result navigates', async () => {
    const box = page.getByRole('combobox', { name: 'Search' });
    await box.fill('E2E Alb');
    const option = page.getByRole('listbox', { name: 'Search results' }).getByRole('option', { name: new RegExp(ALBUM) });
    await option.waitFor();
    await box.press('ArrowDown');
    // Move down to the album option, then Enter.
    for (let i = 0; i < 10 && (await option.getAttribute('aria-selected')) !== 'true'; i++) await box.press('ArrowDown');
    await snap('listen-search');
    await box.press('Enter');
    await page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  });

  await step('queue panel lists the queued track', async () => {
    await page.getByTestId('player-bar').getByRole('button', { name: 'Queue' }).click();
    const panel = page.getByRole('dialog', { name: 'Queue' });
    await panel.getByRole('list', { name: 'Queued tracks' }).getByText(TITLE).waitFor();
    await snap('listen-queue');
    await panel.getByRole('button', { name: 'Close queue' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  await step('phone-sized screen: compact player bar and now-playing sheet', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const bar = page.getByTestId('player-bar');
    assert(await bar.isVisible(), 'player bar visible');
    await bar.getByRole('button', { name: 'Play', exact: true }).waitFor();
    await bar.getByRole('button', { name: 'Open now playing' }).click();
    const sheet = page.getByRole('dialog', { name: 'Now playing' });
    await sheet.waitFor();
    assert((await sheet.getByText(TITLE).count()) > 0, 'sheet shows the title');
    await snap('listen-phone-sheet');
    await sheet.getByRole('button', { name: 'Close now playing' }).click();
    await page.getByRole('navigation', { name: 'Main mobile' }).getByRole('link', { name: 'Library' }).click();
    await e2e.waitForPath('/library');
    // Phones have no hover: the row's play button is always shown.
    const rowPlay = page.getByRole('table', { name: 'Tracks' }).getByRole('button', { name: `Play ${TITLE}` });
    await rowPlay.waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
    assert(await rowPlay.isVisible(), 'play button visible on a phone');
    await snap('listen-phone-library');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await step('play an album, press Next three times within 10 s: the fourth track plays (real rate limits)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tonearm-e2e-album-'));
    const files = [1, 2, 3, 4].map((n) => join(dir, `skip-${n}.mp3`));
    const code = `from tests.audio_fixtures import make_audio
for n, out in enumerate(${JSON.stringify(files)}, 1):
    make_audio(out, 'mp3', seconds=20.0, seed=n, tags={'title': f'Skip Track {n}', 'artists': ['Skip Artist'], 'album': 'Skip Album', 'album_artist': 'Skip Artist', 'track_number': n})`;
    // Not spawnSync: a blocked event loop misses the server closing idle keep-alive sockets,
    // and the next fetch writes to a closed one (EPIPE).
    await execFileAsync(python, ['-c', code], { cwd: repoDir }).catch((err) => {
      throw new Error(`make_audio failed: ${err.stderr ?? err}`);
    });
    // Through the Upload page: it follows processing by one job-events stream, under the real limits.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
    await e2e.waitForPath('/upload');
    await page.locator('input[type="file"]').setInputFiles(files);
    for (const f of files) {
      const item = page.getByRole('listitem', { name: f.split('/').pop() });
      await item.getByTestId('upload-ready').waitFor({ timeout: 120_000 });
    }
    rmSync(dir, { recursive: true, force: true });
    const log429 = readFileSync(e2e.serverLogPath, 'utf8').split('\n').filter((l) => l.includes('status=429'));
    assert(log429.length === 0, `no request was refused by the rate limits (${log429.slice(0, 3).join(' | ')})`);
    const mine = (await api('/library/tracks?mine=true&limit=100', token)).body.items;
    const albumId = mine.find((t) => t.title === 'Skip Track 1')?.album?.id;
    assert(albumId, 'the uploaded tracks are on one album');
    await page.goto(`${e2e.base}/albums/${albumId}`);
    await page.getByRole('button', { name: 'Play all' }).click();
    const bar = page.getByTestId('player-bar');
    await bar.getByTestId('now-playing-title').filter({ hasText: 'Skip Track 1' }).waitFor();
    await waitForAudioPast(page, 0.5);
    const started = Date.now();
    for (const n of [2, 3, 4]) {
      await sleep(2000);
      await bar.getByRole('button', { name: 'Next', exact: true }).click();
      await bar.getByTestId('now-playing-title').filter({ hasText: `Skip Track ${n}` }).waitFor();
    }
    const skippedIn = Date.now() - started;
    assert(skippedIn < 10_000, `three skips within 10 s (${skippedIn} ms)`);
    await waitForAudioPast(page, 2, 30_000);
    const alert = await bar.getByRole('alert').count();
    assert(alert === 0, 'no error shown in the player');
    log(`  skipped three times in ${skippedIn} ms; track 4 at ${(await audioTime(page)).toFixed(2)} s`);
  });

  await step('shuffle an album from its page; the player bar shows shuffle on', async () => {
    const bar = page.getByTestId('player-bar');
    await page.getByRole('button', { name: 'Shuffle', exact: true }).first().click();
    await bar.getByTestId('now-playing-title').filter({ hasText: /Skip Track [1-4]/ }).waitFor();
    await waitForAudioPast(page, 0.5);
    const pressed = await bar.getByRole('button', { name: 'Shuffle', exact: true }).getAttribute('aria-pressed');
    assert(pressed === 'true', `shuffle is on in the player bar (aria-pressed=${pressed})`);
    await bar.getByRole('button', { name: 'Shuffle', exact: true }).click();
  });

  await step('the home page shows what was added and played', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await page.getByRole('list', { name: 'Recently added' }).getByText('Skip Album').waitFor();
    await page.getByRole('list', { name: 'Recently played' }).waitFor();
    await snap('listen-home');
  });

  await step('the admin area: server, users, the processing jobs, library folders', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await e2e.waitForPath('/admin');
    await page.getByRole('region', { name: 'Database' }).getByText('sqlite').waitFor();
    await snap('listen-admin-server');
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('list', { name: 'Users' }).getByRole('listitem', { name: user.username }).waitFor();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Jobs' }).click();
    await page.locator('#job-kind').selectOption('library.process_track');
    await page.getByRole('list', { name: 'Jobs' }).getByRole('listitem').first().waitFor();
    const jobs = await page.getByRole('list', { name: 'Jobs' }).getByRole('listitem').count();
    assert(jobs >= 5, `the processing jobs of the uploads are listed (${jobs})`);
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Library folders' }).click();
    await page.getByRole('heading', { name: 'Add a folder' }).waitFor();
    await snap('listen-admin-folders');
  });

  await step('codec fallback: a browser without AAC/HLS plays progressive Opus', async () => {
    const p2 = await e2e.browserContext.newPage();
    p2.on('console', (msg) => msg.text().startsWith('[player]') && log(`  browser (no-AAC page): ${msg.text()}`));
    await p2.addInitScript(() => {
      // Pretend to be a browser whose media stack has no AAC (and no native HLS).
      const noAac = (t) => /mp4a|aac|mpegurl|audio\/mp4|audio\/mpeg/i.test(String(t));
      if (window.MediaSource) {
        const orig = MediaSource.isTypeSupported.bind(MediaSource);
        MediaSource.isTypeSupported = (t) => !noAac(t) && orig(t);
      }
      const origCan = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (t) {
        return noAac(t) ? '' : origCan.call(this, t);
      };
    });
    await p2.goto(`${e2e.base}/library`);
    const row = p2.getByRole('table', { name: 'Tracks' }).getByRole('row').filter({ hasText: TITLE });
    await row.hover();
    await row.getByRole('button', { name: `Play ${TITLE}` }).click();
    await waitForAudioPast(p2, 2, 60_000);
    const engineName = await p2.getByTestId('player-bar').getAttribute('data-engine');
    assert(engineName === 'progressive-opus', `fallback engine is progressive-opus (${engineName})`);
    log(`  fallback path played: ${engineName}`);
    await p2.close();
  });

  log(`playback path used in this Chromium: ${engine}`);
}

await e2e.run(main);
if (audioDir) rmSync(audioDir, { recursive: true, force: true });
