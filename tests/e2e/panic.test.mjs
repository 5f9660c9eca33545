// A Rust panic in the page must be shown, not only logged. The Makefile
// builds a test-only package with the `panic-trigger` feature into
// target/pkg-panic; this test serves it in place of pkg/ (by intercepting
// the two requests), calls its debugPanic() export and checks the overlay.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PANIC_PKG = `${ROOT}target/pkg-panic/`;

function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => {
      log += c;
      const m = /port (\d+)/.exec(log);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('error', reject);
    setTimeout(() => reject(new Error(`no port from http.server: ${log}`)), 10_000).unref();
  });
}

test('a panic shows the overlay with its message', { skip: !existsSync(`${PANIC_PKG}din_viz_bg.wasm`) && 'target/pkg-panic not built (make test builds it)' }, async () => {
  const { child, port } = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.route('**/pkg/din_viz.js', (r) => r.fulfill({ contentType: 'text/javascript', body: readFileSync(`${PANIC_PKG}din_viz.js`) }));
    await page.route('**/pkg/din_viz_bg.wasm', (r) => r.fulfill({ contentType: 'application/wasm', body: readFileSync(`${PANIC_PKG}din_viz_bg.wasm`) }));
    await page.goto(`http://127.0.0.1:${port}/www/`);
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.isVisible('#fatal'), false, 'no overlay before the panic');
    const thrown = await page.evaluate(async () => {
      const m = await import('/pkg/din_viz.js');
      try { m.debugPanic(); return 'no throw'; } catch (e) { return `${e.constructor.name}: ${e.message}`; }
    });
    assert.match(thrown, /RuntimeError/);
    await page.waitForSelector('#fatal', { state: 'visible' });
    assert.match(await page.textContent('#fatal-message'), /deliberate panic from debugPanic/);
    // After a trap the page refuses further work with a clear error instead of using a broken instance.
    const after = await page.evaluate(() => { try { window.din.result(); return 'ran'; } catch (e) { return e.message; } });
    assert.match(after, /stopped after an internal error/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    child.kill();
  }
});
