// Lighthouse on the web app (issue 10, "Listen, day to day"): the home, library and album pages of
// a signed-in listener with 10,000 tracks, desktop and mobile presets, beside the targets:
// performance, accessibility and best practices >= 90; FCP < 1.5 s, LCP < 2.5 s, CLS < 0.1.
//
//   cd web && npm run build && node ../bench/lighthouse.mjs
//
// It builds nothing: it serves <repo>/web/dist as it is. It starts `tonearm serve` (production
// settings, one worker) on a free port with a temporary TONEARM_DATA_DIR, registers a user over the
// API, writes 10,000 tracks on 800 albums by 200 artists (every album with a generated cover in the
// three stored sizes) straight into the SQLite file as bench/search.py does, then launches Chromium
// (chrome-launcher), signs in through the page with puppeteer-core (the refresh token is the
// httpOnly cookie /api/v1/auth/login sets; Lighthouse keeps cookies between its runs) and runs
// Lighthouse on /, /library and /albums/<id>.
//
// Env: LH_REPO   the checkout to serve (default: this one; its src/ and web/dist), e.g. a scratch
//                worktree of an older commit for a same-machine reference;
//      LH_RUNS   runs per page and form factor, the median (by performance score) is shown (default 1);
//      LH_FORMS  desktop,mobile (default both);  LH_PAGES home,library,album (default all);
//      LH_JSON   a folder to write every Lighthouse report (JSON) to;
//      TONEARM_PYTHON (default /work/main/.venv/bin/python or <repo>/.venv/bin/python),
//      CHROMIUM_PATH  (default /usr/bin/chromium).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The packages live in web/node_modules (this file is outside web/, so resolve from there).
const fromWeb = createRequire(join(here, '..', 'web', 'package.json'));
const load = async (spec) => import(pathToFileURL(fromWeb.resolve(spec)).href);
const chromeLauncher = await load('chrome-launcher');
const { default: lighthouse } = await load('lighthouse');
const { default: desktopConfig } = await load('lighthouse/core/config/desktop-config.js');
const { default: puppeteer } = await load('puppeteer-core');
const lighthouseVersion = fromWeb('lighthouse/package.json').version;
const repo = resolve(process.env.LH_REPO ?? resolve(here, '..'));
const dist = join(repo, 'web', 'dist');
const python =
  process.env.TONEARM_PYTHON ?? [join(repo, '.venv/bin/python'), '/work/main/.venv/bin/python'].find((p) => existsSync(p)) ?? 'python3';
const chromePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const runs = Math.max(1, Number(process.env.LH_RUNS ?? 1));
const forms = (process.env.LH_FORMS ?? 'desktop,mobile').split(',');
const pageNames = (process.env.LH_PAGES ?? 'home,library,album').split(',');
const TRACKS = 10_000;
const TARGETS = { score: 90, fcp: 1500, lcp: 2500, cls: 0.1 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => console.error(`[lighthouse] ${msg}`);

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

// The seed: straight SQL into the migrated SQLite file (the server is running; WAL lets us write).
// Columns are read from the table so the same seed fits older schemas (the reference commit).
const SEED = String.raw`
import io, json, os, random, sqlite3, sys, uuid
from pathlib import Path
from PIL import Image, ImageDraw
data, username, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
try:
    from tonearm.kit.text import fold
except ImportError:
    fold = lambda s: s.casefold()
rng = random.Random(10)
con = sqlite3.connect(data / "tonearm.db", timeout=30)
con.execute("PRAGMA busy_timeout=30000")
owner = con.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()[0]

def cols(table):
    return {r[1]: (r[2].upper(), bool(r[3]), r[4]) for r in con.execute(f"PRAGMA table_info({table})")}

def insert(table, rows):
    have = cols(table)
    names = [c for c in rows[0] if c in have]
    # NOT NULL columns without a default that this seed does not know about: a neutral value.
    extra = {c: (0 if ("INT" in t or "FLOAT" in t or "REAL" in t or "BOOL" in t) else "")
             for c, (t, notnull, dflt) in have.items() if notnull and dflt is None and c not in rows[0] and c != "id"}
    names += list(extra)
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    con.executemany(sql, [[r.get(c, extra.get(c)) for c in names] for r in rows])

SYL = "ka lo mi ne ra su ti vo ze ba do fe gu ha ji ru sa to ul ve wa xi yo zu an el in or ur qa".split()
word = lambda: "".join(rng.choice(SYL) for _ in range(rng.randint(2, 4)))
now = "2026-01-01 00:00:00"
GENRES = ["Rock", "Jazz", "Electronic", "Hip Hop", "Classical", "Folk", "Soul", "Ambient"]

artists = []
for i in range(n // 50):
    name = f"{word()} {word()}".title()
    artists.append({"id": uuid.uuid4().hex, "name": name, "sort_name": fold(name), "name_key": f"{fold(name)}-{i}",
                    "search_text": fold(name), "created_at": now, "updated_at": now})
insert("artists", artists)

# Covers: 24 generated pictures (photo-like noise and shapes, so JPEG sizes are realistic), reused.
pictures = []
for k in range(24):
    img = Image.effect_noise((600, 600), 40 + k).convert("RGB")
    tint = Image.new("RGB", (600, 600), tuple(rng.randrange(40, 220) for _ in range(3)))
    img = Image.blend(img, tint, 0.6)
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x, y, r = rng.randrange(600), rng.randrange(600), rng.randrange(40, 220)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    sizes = {}
    for size in (600, 256, 64):
        im = img.copy(); im.thumbnail((size, size), Image.Resampling.LANCZOS)
        buf = io.BytesIO(); im.save(buf, "JPEG", quality=85, optimize=True, progressive=size >= 256)
        sizes[size] = buf.getvalue()
    pictures.append(sizes)

albums, tracks, credits = [], [], []
per_album = 12
for a in range(n // per_album + 1):
    artist = rng.choice(artists)
    title = " ".join(word() for _ in range(rng.randint(1, 3))).title()
    album_id = uuid.uuid4().hex
    first = uuid.uuid4().hex
    art = f"artwork/tracks/{uuid.UUID(first)}/{uuid.uuid4().hex[:16]}/"
    folder = data / "media" / art
    folder.mkdir(parents=True, exist_ok=True)
    for size, blob in pictures[a % len(pictures)].items():
        (folder / f"{size}.jpg").write_bytes(blob)
    year = rng.randint(1965, 2025)
    albums.append({"id": album_id, "title": title, "title_key": f"{fold(title)}-{a}", "artist_id": artist["id"],
                   "year": year, "artwork_key": art, "search_text": fold(f"{title} {artist['name']}"),
                   "created_at": now, "updated_at": now})
    genre = rng.choice(GENRES)
    for t in range(per_album):
        if len(tracks) >= n:
            break
        tid = first if t == 0 else uuid.uuid4().hex
        name = " ".join(word() for _ in range(rng.randint(1, 4))).title()
        tracks.append({"id": tid, "owner_id": owner, "visibility": "private", "status": "ready", "title": name,
                       "title_key": fold(name), "artist_name": artist["name"], "album_id": album_id,
                       "album_artist_id": artist["id"], "album_artist_tag": artist["name"],
                       "track_number": t + 1, "track_total": per_album, "disc_number": 1, "year": year,
                       "genres": json.dumps([genre]), "genre_key": f"|{fold(genre)}|",
                       "duration": float(rng.randint(120, 420)), "codec": "mp3", "container": "mp3",
                       "bitrate": 320000, "sample_rate": 44100, "channels": 2,
                       "content_hash": uuid.uuid4().hex + uuid.uuid4().hex, "size": 8_000_000,
                       "artwork_key": art, "search_text": fold(f"{name} {artist['name']} {title}"),
                       "play_count": 0, "created_at": f"2026-01-01 00:{len(tracks) // 600:02d}:{len(tracks) // 10 % 60:02d}",
                       "updated_at": now})
        credits.append({"track_id": tid, "artist_id": artist["id"], "position": 0, "role": "main"})
insert("albums", albums)
insert("tracks", tracks)
insert("track_artists", credits)
con.commit()
con.execute("ANALYZE")
con.close()
print(albums[0]["id"])
`;

async function startServer(dataDir) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(python, ['-m', 'tonearm', 'serve', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'], {
    cwd: repo,
    env: {
      ...process.env,
      PYTHONPATH: join(repo, 'src'),
      TONEARM_DATA_DIR: dataDir,
      TONEARM_ENV: 'production',
      TONEARM_COOKIE_SECURE: 'false', // plain http on 127.0.0.1
      TONEARM_RATE_LIMIT_ENABLED: 'false', // Lighthouse reloads each page several times
      TONEARM_LOG_LEVEL: 'WARNING',
      TONEARM_WEB_DIST: dist,
      TONEARM_BASE_URL: base,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  let exited = null;
  server.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  server.on('exit', (code) => (exited = code));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`tonearm serve exited (${exited}):\n${stderr}`);
    try {
      if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })).status === 200) return { base, server };
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`tonearm serve did not answer /health:\n${stderr}`);
}

function stopServer(server) {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    server.kill('SIGTERM');
  }
}

async function register(base) {
  const user = { email: 'listener@example.com', username: 'listener', password: 'Plenty-of-vinyl-42!' };
  const res = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (res.status !== 201) throw new Error(`register: HTTP ${res.status} ${await res.text()}`);
  return user;
}

function seed(dataDir, username) {
  const started = Date.now();
  const r = spawnSync(python, ['-c', SEED, dataDir, username, String(TRACKS)], {
    cwd: repo,
    env: { ...process.env, PYTHONPATH: join(repo, 'src') },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`seed failed:\n${r.stderr}`);
  log(`seeded ${TRACKS} tracks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.stdout.trim().split('\n').pop();
}

/** Sign in through the page: the login answer sets the httpOnly refresh cookie in this Chrome. */
async function signIn(port, base, user) {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  const page = await browser.newPage();
  await page.goto(`${base}/login`, { waitUntil: 'networkidle0' });
  const status = await page.evaluate(async (u) => {
    const res = await fetch('/api/v1/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: u.username, password: u.password }),
    });
    return res.status;
  }, user);
  if (status !== 200) throw new Error(`login: HTTP ${status}`);
  await page.close();
  await browser.disconnect();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function audit(port, url, form, attempt = 1) {
  const flags = { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] };
  const result = await lighthouse(url, flags, form === 'desktop' ? desktopConfig : undefined);
  const lhr = result.lhr;
  if (lhr.runtimeError && attempt < 3) {
    log(`${url} ${form}: ${lhr.runtimeError.code}, running it again`);
    return audit(port, url, form, attempt + 1);
  }
  if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const a = (id) => lhr.audits[id]?.numericValue;
  const failing = (cat) =>
    lhr.categories[cat].auditRefs
      .filter((r) => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
      .map((r) => r.id);
  return {
    lhr,
    finalUrl: lhr.finalDisplayedUrl ?? lhr.finalUrl,
    perf: Math.round(lhr.categories.performance.score * 100),
    a11y: Math.round(lhr.categories.accessibility.score * 100),
    bp: Math.round(lhr.categories['best-practices'].score * 100),
    fcp: a('first-contentful-paint'),
    lcp: a('largest-contentful-paint'),
    cls: a('cumulative-layout-shift'),
    tbt: a('total-blocking-time'),
    failing: { a11y: failing('accessibility'), bp: failing('best-practices') },
    opportunities: ['render-blocking-resources', 'unused-javascript', 'uses-responsive-images', 'unsized-images', 'errors-in-console']
      .filter((id) => lhr.audits[id] && lhr.audits[id].score !== null && lhr.audits[id].score < 1)
      .map((id) => `${id}${lhr.audits[id].displayValue ? ` (${lhr.audits[id].displayValue})` : ''}`),
  };
}

function fmtMs(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

function table(rows) {
  const ok = (cond) => (cond ? ' ' : '✗');
  const head = ['page', 'form', 'perf', 'a11y', 'best pr.', 'FCP', 'LCP', 'CLS', 'TBT'];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    `| target | | >= ${TARGETS.score} | >= ${TARGETS.score} | >= ${TARGETS.score} | < 1.50 s | < 2.50 s | < 0.10 | |`,
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.page} | ${r.form} | ${r.perf}${ok(r.perf >= 90)} | ${r.a11y}${ok(r.a11y >= 90)} | ${r.bp}${ok(r.bp >= 90)} | ` +
        `${fmtMs(r.fcp)}${ok(r.fcp < TARGETS.fcp)} | ${fmtMs(r.lcp)}${ok(r.lcp < TARGETS.lcp)} | ${r.cls.toFixed(3)}${ok(r.cls < TARGETS.cls)} | ${Math.round(r.tbt)} ms |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist}/index.html is missing: run \`npm run build\` in ${join(repo, 'web')} first`);
  const commit = spawnSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dataDir = mkdtempSync(join(tmpdir(), 'tonearm-lh-data-'));
  const chromeDir = mkdtempSync(join(tmpdir(), 'tonearm-lh-chrome-'));
  let server;
  let chrome;
  try {
    const started = await startServer(dataDir);
    server = started.server;
    const base = started.base;
    log(`serving ${dist} (${repo} at ${commit}) on ${base}`);
    const user = await register(base);
    const albumId = seed(dataDir, user.username);
    chrome = await chromeLauncher.launch({
      chromePath,
      userDataDir: chromeDir,
      chromeFlags: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await signIn(chrome.port, base, user);
    const urls = { home: `${base}/`, library: `${base}/library`, album: `${base}/albums/${albumId}` };
    const rows = [];
    for (const form of forms) {
      for (const name of pageNames) {
        const got = [];
        for (let i = 0; i < runs; i += 1) {
          const r = await audit(chrome.port, urls[name], form);
          if (new URL(r.finalUrl).pathname !== new URL(urls[name]).pathname) throw new Error(`${urls[name]} ended on ${r.finalUrl}: not signed in?`);
          got.push(r);
          if (process.env.LH_JSON) {
            mkdirSync(process.env.LH_JSON, { recursive: true });
            writeFileSync(join(process.env.LH_JSON, `${name}-${form}-${i + 1}.json`), JSON.stringify(r.lhr));
          }
        }
        const m = median(got.map((g) => g.perf));
        const r = got.find((g) => g.perf === m);
        rows.push({ page: name, form, ...r });
        log(
          `${name} ${form}: perf ${r.perf} a11y ${r.a11y} bp ${r.bp} FCP ${fmtMs(r.fcp)} LCP ${fmtMs(r.lcp)} CLS ${r.cls.toFixed(3)} TBT ${Math.round(r.tbt)} ms` +
            (r.failing.a11y.length ? `\n    a11y below 1: ${r.failing.a11y.join(', ')}` : '') +
            (r.failing.bp.length ? `\n    best practices below 1: ${r.failing.bp.join(', ')}` : '') +
            (r.opportunities.length ? `\n    ${r.opportunities.join('; ')}` : ''),
        );
      }
    }
    const chromeVersion = spawnSync(chromePath, ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.log(`\nLighthouse ${lighthouseVersion}, ${chromeVersion}, ` +
      `commit ${commit}, ${TRACKS} tracks, ${runs} run(s) each (median by performance)\n`);
    console.log(table(rows));
  } finally {
    if (chrome) await chrome.kill();
    if (server) stopServer(server);
    await sleep(500);
    rmSync(chromeDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exitCode = 1;
});
