#!/usr/bin/env node
// End-to-end test of playlists against the real back end, with the real default rate limits:
// upload four tagged files, import an M3U written here (Windows paths, one entry a typo away from
// two library tracks, one not in the library), confirm the doubtful row in the preview, save,
// reorder by dragging, export XSPF and download it; then the import page on a phone-sized screen.
//
//   npm run build && node e2e/playlists.e2e.mjs
//
// Env: as auth.e2e.mjs (TONEARM_PYTHON, CHROMIUM_PATH, E2E_HEADFUL, E2E_KEEP, E2E_SCREENSHOTS).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assert, createE2E, python, repoDir } from './lib.mjs';

const execFileAsync = promisify(execFile);
const e2e = createE2E('playlists');
const { log, step, snap } = e2e;

const SONGS = [
  ['Harbour Lights', 'The Quays', 'Tides'],
  ['Northern Winds', 'Frostlight', 'Winter Songs'],
  ['Paper Boats', 'Mara Lind', 'Rivers'],
  ['Paper Planes', 'Mara Lind', 'Rivers'],
];

async function main() {
  await e2e.checkPrerequisites();
  const dir = mkdtempSync(join(tmpdir(), 'tonearm-e2e-playlists-'));
  const files = await step('synthesize four tagged MP3s and an M3U naming them', async () => {
    const out = SONGS.map((_, i) => join(dir, `song-${i + 1}.mp3`));
    const code = `from tests.audio_fixtures import make_audio
songs = ${JSON.stringify(SONGS)}
for n, (out, (title, artist, album)) in enumerate(zip(${JSON.stringify(out)}, songs), 1):
    make_audio(out, 'mp3', seconds=6.0, seed=n, tags={'title': title, 'artists': [artist], 'album': album, 'album_artist': artist, 'track_number': n})`;
    await execFileAsync(python, ['-c', code], { cwd: repoDir }).catch((err) => {
      throw new Error(`make_audio failed: ${err.stderr ?? err}`);
    });
    const m3u = [
      '#EXTM3U',
      '#PLAYLIST:Evening Walk',
      '#EXTINF:6,The Quays - Harbour Lights',
      'C:\\Users\\me\\Music\\The Quays\\Tides\\01 Harbour Lights.mp3',
      '#EXTINF:6,Frostlight - Northern Winds',
      '\\\\nas\\music\\Frostlight\\Winter Songs\\02 Northern Winds.flac',
      '#EXTINF:240,Mara Lynd - Paper Boat',
      'D:\\Music\\Mara Lynd\\Paper Boat.mp3',
      '#EXTINF:200,Nobody Here - Not In The Library',
      'D:\\Music\\Nobody Here\\missing.mp3',
      '',
    ].join('\r\n');
    const m3uPath = join(dir, 'evening.m3u');
    writeFileSync(m3uPath, m3u, 'latin1');
    return { audio: out, m3u: m3uPath };
  });

  await e2e.startServer();
  const page = await e2e.launchBrowser();
  await step('sign up', async () => e2e.signUp('lists'));

  await step('upload the four files on the Upload page', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
    await e2e.waitForPath('/upload');
    await page.locator('input[type="file"]').setInputFiles(files.audio);
    for (const f of files.audio) {
      await page.getByRole('listitem', { name: f.split('/').pop() }).getByTestId('upload-ready').waitFor({ timeout: 120_000 });
    }
  });

  await step('import the M3U: a preview by bucket, with the rule and score of each row', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playlists' }).click();
    await e2e.waitForPath('/playlists');
    await page.getByRole('link', { name: 'Import a file' }).click();
    await e2e.waitForPath('/playlists/import');
    await page.getByLabel('Playlist file').setInputFiles(files.m3u);
    const review = page.getByRole('list', { name: 'To review' });
    await review.waitFor();
    assert((await page.getByRole('tab', { name: /Matched\s*2/ }).count()) === 1, 'two entries matched');
    assert((await page.getByRole('tab', { name: /Not in your library\s*1/ }).count()) === 1, 'one not in the library');
    const row = review.getByRole('listitem', { name: 'Entry 3' });
    assert((await row.textContent()).includes('Paper Boat — Mara Lynd'), 'the review row shows the entry as the file gave it');
    await snap('playlists-import-review');
    await row.getByRole('radio', { name: /Paper Boats — Mara Lind/ }).check();
    await page.getByRole('tab', { name: /Matched/ }).click();
    const matched = page.getByRole('list', { name: 'Matched' });
    const text = await matched.textContent();
    assert(text.includes('title and artists') && text.includes('%'), `matched rows show rule and score (${text.slice(0, 200)})`);
    assert((await page.getByLabel('Name').inputValue()) === 'Evening Walk', 'the name comes from #PLAYLIST');
  });

  const playlistUrl = await step('save: the playlist has the confirmed track and keeps the missing entry', async () => {
    await page.getByRole('button', { name: 'Save playlist' }).click();
    await page.waitForURL((url) => /^\/playlists\/[0-9a-f-]{36}$/.test(url.pathname));
    const list = page.getByRole('list', { name: 'Tracks of Evening Walk' });
    await list.waitFor();
    const rows = list.getByTestId('playlist-item');
    await rows.nth(3).waitFor();
    const titles = await rows.allTextContents();
    assert(titles[0].includes('Harbour Lights') && titles[2].includes('Paper Boats'), `order as the file (${titles})`);
    assert(titles[3].includes('not in your library'), 'the missing entry stays, marked');
    await snap('playlists-saved');
    return page.url();
  });

  await step('reorder by dragging the third track onto the first', async () => {
    const list = page.getByRole('list', { name: 'Tracks of Evening Walk' });
    const rows = list.getByTestId('playlist-item');
    await rows.nth(2).dragTo(rows.nth(0));
    await page.waitForFunction(() => {
      const first = document.querySelector('[data-testid="playlist-item"]');
      return first?.textContent?.includes('Paper Boats');
    });
    await page.reload();
    await list.getByTestId('playlist-item').first().filter({ hasText: 'Paper Boats' }).waitFor();
  });

  await step('export XSPF and download it', async () => {
    await page.getByLabel('Export format').selectOption('xspf');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Export' }).click()]);
    const saved = join(dir, download.suggestedFilename() || 'export.xspf');
    await download.saveAs(saved);
    const xml = readFileSync(saved, 'utf8');
    assert(xml.includes('http://xspf.org/ns/0/'), 'an XSPF document');
    const order = ['Paper Boats', 'Harbour Lights', 'Northern Winds', 'Not In The Library'].map((t) => xml.indexOf(`<title>${t}</title>`));
    assert(order.every((i) => i > 0) && order.every((v, i) => i === 0 || v > order[i - 1]), `the tracks in the new order (${order})`);
    log(`  ${download.suggestedFilename()}: ${xml.length} bytes`);
  });

  await step('phone-sized screen: the import page and the playlist', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${e2e.base}/playlists/import`);
    await page.getByLabel('Playlist file').setInputFiles(files.m3u);
    // The row confirmed before now resolves by that decision: nothing is left to review.
    await page.getByRole('tab', { name: /To review\s*0/ }).waitFor();
    await page.getByRole('tab', { name: /Matched\s*3/ }).click();
    const again = await page.getByRole('list', { name: 'Matched' }).textContent();
    assert(again.includes('your earlier choice') && again.includes('Paper Boats'), 'the earlier choice is remembered');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `no sideways scrolling on a phone (${overflow} px)`);
    await snap('playlists-import-phone');
    await page.goto(playlistUrl);
    await page.getByRole('list', { name: 'Tracks of Evening Walk' }).waitFor();
    await snap('playlists-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  rmSync(dir, { recursive: true, force: true });
}

await e2e.run(main);
