// A Rust panic in the page must be shown, not only logged. The Makefile
// builds a test-only package with the `panic-trigger` feature into
// target/pkg-panic; this test serves it in place of pkg/ (by intercepting
// the two requests), calls its debugPanic() export and checks the overlay.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { startServer, launchBrowser } from './harness.mjs';

const PANIC_PKG = new URL('../../target/pkg-panic/', import.meta.url).pathname;


test('a panic shows the overlay with its message', { skip: !existsSync(`${PANIC_PKG}din_viz_bg.wasm`) && 'target/pkg-panic not built (make test builds it)' }, async () => {
  const { child, port } = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.route('**/pkg/din_viz.js', (r) => r.fulfill({ contentType: 'text/javascript', body: readFileSync(`${PANIC_PKG}din_viz.js`) }));
    await page.route('**/pkg/din_viz_bg.wasm', (r) => r.fulfill({ contentType: 'application/wasm', body: readFileSync(`${PANIC_PKG}din_viz_bg.wasm`) }));
    await page.goto(`http://127.0.0.1:${port}/www/`);
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.isVisible('#fatal'), false, 'no overlay before the panic');
    // Some work worth keeping before the error.
    await page.evaluate(() => window.din.setState({ candidate: 'makeup', temperature: 0.3, theme: 'dark' }));
    await page.evaluate(() => window.din.setState({ items: window.din.state().items.map((it, i) => (i === 0 ? { ...it, label: 'kept 保留' } : it)) }));
    // The last good scene is kept when the page writes its link: wait until it holds this state's link.
    await page.evaluate(() => window.din.settled());
    await page.waitForFunction(() => {
      const saved = sessionStorage.getItem('din-attention:last-good');
      return saved !== null && JSON.parse(saved).link === window.din.link();
    });
    const good = await page.evaluate(() => window.din.state());
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
    // Restore: the page reloads with the last good scene, nothing lost.
    assert.equal(await page.isVisible('#fatal-restore'), true, 'the overlay offers to restore');
    await Promise.all([page.waitForEvent('load'), page.click('#fatal-restore')]);
    await page.waitForSelector('html[data-ready="true"]');
    assert.deepEqual(await page.evaluate(() => window.din.state()), good, 'the scene from before the panic is back');
    // The page says exactly what came back (the scene, its size, when it was saved).
    assert.match(await page.textContent('#message'), /^Restored the last good scene from before the error: "why-din-works", 9 items with d = 8, and its view settings, as saved at \d\d:\d\d:\d\d\.$/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    child.kill();
  }
});
