#!/usr/bin/env node
// End-to-end test of the sign-up / sign-in / sessions flow against the real back end.
//
// Starts `python -m tonearm serve` on a free port with a throwaway data dir, serving web/dist,
// then drives Debian's Chromium through playwright-core (helpers in ./lib.mjs).
//
//   npm run build && npm run e2e
//
// Env: TONEARM_PYTHON (default ../.venv/bin/python), CHROMIUM_PATH (default /usr/bin/chromium),
//      E2E_HEADFUL=1 to watch, E2E_KEEP=1 to keep the temp data dir,
//      E2E_SCREENSHOTS=1 to save a screenshot of each page (desktop + phone) in web/test-results/.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STEP_TIMEOUT, assert, createE2E, sleep } from './lib.mjs';

const e2e = createE2E('auth');
const { log, step, snap } = e2e;
let page = null;

/** Wait for an e-mail in <data dir>/outbox whose subject matches, and return the first link to `path`. */
async function linkFromOutbox(subjectRe, to, path) {
  const outbox = join(e2e.dataDir, 'outbox');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const files = existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort().reverse() : [];
    for (const f of files) {
      const raw = readFileSync(join(outbox, f), 'utf8');
      const [head, ...rest] = raw.split(/\r?\n\r?\n/);
      if (!subjectRe.test(head) || !head.includes(`To: ${to}`)) continue;
      let body = rest.join('\n\n');
      if (/quoted-printable/i.test(head)) {
        body = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      }
      const m = body.match(new RegExp(`https?://\\S+${path.replace(/[-/]/g, '\\$&')}\\?token=[^\\s]+`));
      if (m) return m[0];
    }
    await sleep(200);
  }
  throw new Error(`no e-mail matching ${subjectRe} to ${to} with a ${path} link in ${outbox}`);
}

/** Wait for an SMS to `phone` in <data dir>/outbox and return the 6-digit code in it. */
async function codeFromSmsOutbox(phone) {
  const outbox = join(e2e.dataDir, 'outbox');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const files = existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.sms.json')).sort().reverse() : [];
    for (const f of files) {
      const msg = JSON.parse(readFileSync(join(outbox, f), 'utf8'));
      const code = msg.to === phone ? String(msg.text ?? msg.body ?? '').match(/\b(\d{6})\b/) : null;
      if (code) return code[1];
    }
    await sleep(200);
  }
  throw new Error(`no SMS with a 6-digit code to ${phone} in ${outbox}`);
}

async function main() {
  await e2e.checkPrerequisites();
  await e2e.startServer();
  page = await e2e.launchBrowser();
  const base = e2e.base;
  const browserContext = e2e.browserContext;

  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const username = `e2e_${suffix}`;
  const email = `${username}@example.com`;
  const password = `Correct-horse-${suffix}!`;

  const waitForPath = (path) => e2e.waitForPath(path);

  await step('signed-out visit to / redirects to /signin', async () => {
    await page.goto(`${base}/`);
    await waitForPath('/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await snap('signin');
  });

  await step(`sign up as ${username}`, async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await waitForPath('/signup');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await snap('signup');
    await page.getByRole('button', { name: 'Create account' }).click();
  });

  await step('home page greets the new user', async () => {
    await waitForPath('/');
    await page.getByRole('heading', { name: `Welcome, ${username}` }).waitFor();
    const bar = page.getByTestId('player-bar');
    assert((await bar.count()) === 1, 'player bar region is present');
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert(!/ey[A-Za-z0-9_-]{10,}\./.test(storage), 'no token in localStorage/sessionStorage');
    await snap('home');
  });

  await step('verify the e-mail address with the link from the outbox', async () => {
    await page.getByText(`Please verify ${email}`).waitFor();
    const link = await linkFromOutbox(/Subject: .*(confirm|verify)/i, email, '/verify-email');
    log(`  link ${link.replace(/token=.*/, 'token=…')}`);
    await page.goto(link);
    await page.getByText('Your email address is verified').waitFor();
    await page.getByRole('link', { name: 'Go to Tonearm' }).click();
    await waitForPath('/');
    await page.getByRole('heading', { name: `Welcome, ${username}` }).waitFor();
    assert((await page.getByText(`Please verify ${email}`).count()) === 0, 'the "please verify" banner is gone');
  });

  await step('sign out from the user menu', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPath('/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The session really ended: a reload must not restore it.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert(new URL(page.url()).pathname === '/signin', 'still on /signin after reload');
  });

  await step('sign in again with the password', async () => {
    await page.getByLabel('Email or username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath('/');
    await page.getByRole('heading', { name: `Welcome, ${username}` }).waitFor();
  });

  const otherUA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
  const other = await step('create a second session via POST /api/v1/auth/login from node', async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': otherUA },
      body: JSON.stringify({ login: email, password }),
    });
    const body = await res.json();
    assert(res.status === 200, `login answered ${res.status}: ${JSON.stringify(body)}`);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tonearm_refresh='));
    assert(cookie, 'login set the tonearm_refresh cookie');
    assert(/httponly/i.test(cookie), `refresh cookie is HttpOnly (${cookie})`);
    return { access: body.access_token, cookie: cookie.split(';')[0] };
  });

  await step('Account page lists 2 sessions, this device marked', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await waitForPath('/account');
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    const list = page.getByRole('list', { name: 'Active sessions' });
    await list.waitFor();
    const items = list.getByRole('listitem');
    await items.nth(1).waitFor();
    const count = await items.count();
    assert(count === 2, `expected 2 sessions, saw ${count}: ${JSON.stringify(await items.allInnerTexts())}`);
    const mine = list.getByRole('listitem').filter({ hasText: 'This device' });
    assert((await mine.count()) === 1, 'exactly one session is marked "This device"');
    const theirs = list.getByRole('listitem').filter({ hasNotText: 'This device' });
    const text = await theirs.innerText();
    assert(text.includes('iPhone'), `the other session shows its device (${text.replace(/\n/g, ' | ')})`);
    log(`  sessions: ${(await items.allInnerTexts()).map((t) => t.split('\n')[0]).join(' / ')}`);
    await snap('account');
  });

  await step('revoke the other session; it disappears from the list', async () => {
    const list = page.getByRole('list', { name: 'Active sessions' });
    const theirs = list.getByRole('listitem').filter({ hasNotText: 'This device' });
    await theirs.getByRole('button', { name: /^Revoke session on / }).click();
    await theirs.waitFor({ state: 'detached' });
    await page.getByText('No other active sessions.').waitFor();
    const count = await list.getByRole('listitem').count();
    assert(count === 1, `expected 1 session left, saw ${count}`);
  });

  await step('the revoked session can no longer refresh', async () => {
    const res = await fetch(`${base}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: other.cookie, 'User-Agent': otherUA },
      body: '{}',
    });
    assert(res.status === 401, `refresh with the revoked session's cookie answered ${res.status}, expected 401`);
    const me = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${other.access}` } });
    if (me.status !== 401) log(`  note: the revoked session's access token still works for GET /me (HTTP ${me.status})`);
  });

  await step('reload restores the session silently from the refresh cookie', async () => {
    await page.reload();
    await page.getByRole('list', { name: 'Active sessions' }).waitFor();
    assert(new URL(page.url()).pathname === '/account', 'stayed on /account after reload');
  });

  const newPassword = `${password}-renewed`;
  await step('forgot password → reset link from the outbox → new password works', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPath('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await waitForPath('/forgot-password');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('a reset link is on its way').waitFor();
    const link = await linkFromOutbox(/Subject: .*(reset|password)/i, email, '/reset-password');
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password has been changed').waitFor();
    await page.getByRole('link', { name: 'Sign in', exact: true }).first().click();
    await waitForPath('/signin');
    await page.getByLabel('Email or username', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    log(`  old password refused: ${(await page.getByRole('alert').innerText()).replace(/\n/g, ' | ')}`);
    await page.getByLabel('Password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath('/');
    await page.getByRole('heading', { name: `Welcome, ${username}` }).waitFor();
  });

  await step('phone sign-in: request a code, read it from the SMS outbox, sign in', async () => {
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPath('/signin');
    await page.getByRole('tab', { name: 'Phone code' }).click();
    await page.getByLabel('Phone number', { exact: true }).fill(phone);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText(`We sent a code to ${phone}`).waitFor();
    const code = await codeFromSmsOutbox(phone);
    await page.getByLabel('6-digit code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await waitForPath('/');
    await page.getByRole('heading', { name: /^Welcome, / }).waitFor();
    log(`  signed in by phone as "${(await page.getByRole('heading', { name: /^Welcome, / }).innerText()).replace('Welcome, ', '')}"`);
  });

  await step('phone-sized screen: bottom navigation instead of the sidebar', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const mobileNav = page.getByRole('navigation', { name: 'Main mobile' });
    await mobileNav.waitFor();
    assert(!(await page.getByRole('navigation', { name: 'Main', exact: true }).isVisible()), 'sidebar hidden on a phone');
    assert(await page.getByTestId('player-bar').isVisible(), 'player bar visible on a phone');
    await snap('account-phone');
    await mobileNav.getByRole('link', { name: 'Home' }).click();
    await waitForPath('/');
    await snap('home-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await step('service worker serves the app shell offline', async () => {
    const scope = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.scope;
    });
    log(`  service worker active, scope ${scope}`);
    // Let it take control of this page, then go offline and navigate.
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: STEP_TIMEOUT });
    await browserContext.setOffline(true);
    try {
      await page.goto(`${base}/account`);
      // Offline the session cannot be refreshed, so the cached shell shows the sign-in page.
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    } finally {
      await browserContext.setOffline(false);
    }
  });
}

await e2e.run(main);
