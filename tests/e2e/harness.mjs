// Shared set-up of the end-to-end suites: a static server for the
// repository root on a free port of 127.0.0.1, and Debian's Chromium
// driven by playwright-core. Not a test file itself.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Why the page's bundle (pkg/page.js, `make page`) cannot be served as it
 * is: missing, or older than a module of www/ it may hold, so that a page
 * would run old code; null when it is current.
 */
export function staleBundle() {
  const pkg = new URL('pkg/', `file://${ROOT}`);
  let built;
  let sources;
  try {
    built = statSync(new URL('page.js', pkg)).mtimeMs;
    // The modules it holds, as its source map names them (../www/widget.js, ...).
    sources = JSON.parse(readFileSync(new URL('page.js.map', pkg), 'utf8')).sources;
  } catch {
    return 'pkg/page.js (or its map) is missing: run `make build` (or `make page`)';
  }
  const newer = ['../www/page.js', ...sources].filter((f) => {
    try { return statSync(new URL(f, pkg)).mtimeMs > built; } catch { return true; }
  });
  return newer.length ? `pkg/page.js is older than ${newer.map((f) => f.replace('../', '')).join(', ')} (or holds a module that is gone): run \`make page\`` : null;
}

/** Starts `python3 -m http.server` on a free port; resolves to {child, port}. Refuses a stale page bundle. */
export function startServer() {
  const stale = staleBundle();
  if (stale) return Promise.reject(new Error(stale));
  let log = '';
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const keep = (chunk) => { log = (log + chunk).slice(-4000); };
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`http.server did not report its port within 10 s:\n${log}`));
    }, 10_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keep);
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      const m = /port (\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`http.server exited with code ${code}:\n${log}`));
    });
  });
}

/**
 * Starts geckodriver on a free port of 127.0.0.1 and resolves once it says
 * where it listens (its own log line, not a poll of its port); resolves
 * to `{ driver, wd }` (the WebDriver base URL).
 */
export function startGeckodriver(binary) {
  let log = '';
  return new Promise((resolve, reject) => {
    const driver = spawn(binary, ['--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      driver.kill();
      reject(new Error(`geckodriver did not report listening within 30 s:\n${log}`));
    }, 30_000);
    const keep = (chunk) => {
      log = (log + chunk).slice(-4000);
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ driver, wd: `http://127.0.0.1:${m[1]}` });
      }
    };
    for (const stream of [driver.stdout, driver.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', keep);
    }
    driver.on('error', (e) => { clearTimeout(timer); reject(e); });
    driver.on('exit', (code) => { clearTimeout(timer); reject(new Error(`geckodriver exited with code ${code}:\n${log}`)); });
  });
}

/**
 * In a WebDriver session (`call(method, path, body)`, session `id`): waits
 * inside the page until `document.documentElement.dataset.ready` is "true"
 * (a MutationObserver, no polling), up to `ms`; resolves to its value.
 */
export async function webdriverReady(call, id, ms = 30_000) {
  await call('POST', `/session/${id}/timeouts`, { script: ms });
  return call('POST', `/session/${id}/execute/async`, {
    script: `const done = arguments[arguments.length - 1];
      const root = document.documentElement;
      if (root.dataset.ready === 'true') { done('true'); return; }
      new MutationObserver((_, o) => { if (root.dataset.ready === 'true') { o.disconnect(); done('true'); } })
        .observe(root, { attributes: true, attributeFilter: ['data-ready'] });`,
    args: [],
  });
}

/** Launches the system Chromium headless, with the network-quiet flags this machine needs. */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

/**
 * Registers a suite's usual hooks: before its tests, a static server for
 * the repository root and Chromium (with `chromiumArgs`); `ready` then gets
 * `{ browser, root, base }` (root = `http://127.0.0.1:PORT/`, base =
 * root + `www/`). After the tests the browser is closed and the server stopped.
 */
export function serveAndLaunch(ready, chromiumArgs = []) {
  let server = null;
  let browser = null;
  before(async () => {
    const s = await startServer();
    server = s.child;
    browser = await launchBrowser(chromiumArgs);
    const root = `http://127.0.0.1:${s.port}/`;
    ready({ browser, root, base: `${root}www/` });
  });
  after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (server) server.kill();
  });
}

/** Whether a request stays on this machine's server (or is inline data). */
export function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return u.hostname === '127.0.0.1';
}

/** Waits until the page has drawn once and exposes `window.din`. */
export const waitReady = (page) => page.waitForFunction(
  () => document.documentElement.dataset.ready === 'true' && typeof window.din === 'object',
  null,
  { timeout: 15_000 },
);

/** Prefix of the console error by which a page reports a Content-Security-Policy violation. */
export const CSP_PREFIX = 'CSP violation:';

// Runs in every frame of a watched context before any of the page's own
// scripts: a `securitypolicyviolation` anywhere in the document (shadow
// roots included: the event is composed) becomes a console error, which
// the console listener records as a problem, so any violation fails.
const CSP_PROBE = `(() => {
  const prefix = ${JSON.stringify(CSP_PREFIX)};
  window.addEventListener('securitypolicyviolation', (e) => {
    console.error(prefix + ' ' + e.violatedDirective + ' ' + (e.blockedURI || '(inline)')
      + (e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : ''));
  }, true);
})();`;

/** Records console errors, uncaught exceptions and foreign requests of one page. */
function watchPage(page, problems, allow) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!allow(r.url())) problems.push(`request event to a foreign host: ${r.url()}`);
  });
}

/**
 * Watches every page (and frame) of `context`: pushes onto `problems` any
 * console error, uncaught exception, Content-Security-Policy violation
 * (reported as a console error starting with CSP_PREFIX) and request that
 * `allow` refuses (by default any host but 127.0.0.1; such requests are
 * also blocked). Call it before opening pages; pages already open are
 * watched too, but the CSP probe reaches them only after a navigation.
 */
export async function watchContext(context, problems, { allow = isLocal } = {}) {
  await context.addInitScript({ content: CSP_PROBE });
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (allow(u)) return route.continue();
    problems.push(`request to a foreign host (blocked): ${u}`);
    return route.abort('blockedbyclient');
  });
  for (const page of context.pages()) watchPage(page, problems, allow);
  context.on('page', (page) => watchPage(page, problems, allow));
  return problems;
}

/** Whether a URL is on this machine: file://, inline data, or 127.0.0.1. */
export const isLocalOrFile = (url) => url.startsWith('file://') || isLocal(url);

/**
 * Opens `url` in a fresh context of `browser` and waits until it is ready.
 * `problems` collects console errors, uncaught exceptions, CSP violations
 * and requests to any host but 127.0.0.1 (which are also blocked). A
 * failed load is retried (pkg/ may be rebuilt while a suite runs).
 */
export async function openWatchedPage(browser, url, contextOptions) {
  for (let attempt = 1; ; attempt++) {
    const context = await browser.newContext(contextOptions);
    const problems = [];
    await watchContext(context, problems);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(url);
      await waitReady(page);
      return { context, page, problems };
    } catch (e) {
      // Tried again at once in a fresh context: each attempt waits on conditions of its own.
      await context.close().catch(() => {});
      if (attempt >= 3) throw new Error(`${url} did not become ready (3 attempts): ${e.message}\nproblems: ${problems.join('\n')}`);
    }
  }
}

/**
 * Runs `fn` on a page opened by openWatchedPage, closes its context, and
 * fails on the test's own error (with the page problems appended) or, if
 * the test passed, on any page problem collected meanwhile.
 */
export async function checkPage({ context, page, problems }, fn) {
  let failure = null;
  try {
    await fn(page, context);
  } catch (e) {
    failure = e;
  } finally {
    await context.close().catch(() => {});
  }
  if (failure) {
    if (problems.length) failure.message += `\n(page problems: ${problems.join(' | ')})`;
    throw failure;
  }
  assert.deepEqual(problems, [], 'the page logged console errors, threw, or requested a foreign host');
}

/**
 * A digest of canvas `id`'s pixels (`WxH:hash`), read with the prototype's
 * own getImageData: a stale chart is not drawn first (visibility.js), so
 * this is what the canvas holds now.
 */
export function pixelDigest(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const ctx = c.getContext('2d');
    const d = CanvasRenderingContext2D.prototype.getImageData.call(ctx, 0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
    return `${c.width}x${c.height}:${h}`;
  }, id);
}

/** Number of pixels of canvas `id` that differ from the copy saved under `key` (saving the new copy). */
export function changedPixels(page, id, key) {
  return page.evaluate(([id, key]) => {
    const c = document.getElementById(id);
    const now = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    window.__snaps = window.__snaps || {};
    const old = window.__snaps[key];
    window.__snaps[key] = now;
    if (!old) return null;
    if (old.length !== now.length) return Infinity;
    let n = 0;
    for (let i = 0; i < now.length; i += 4) {
      if (now[i] !== old[i] || now[i + 1] !== old[i + 1] || now[i + 2] !== old[i + 2] || now[i + 3] !== old[i + 3]) n++;
    }
    return n;
  }, [id, key]);
}
