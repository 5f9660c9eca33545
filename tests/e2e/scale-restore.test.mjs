// Nothing lost at scale (issue 14, item 2): the panic overlay's Restore is
// truthful at any size. The test-only package built by `make build-panic`
// (target/pkg-panic, whose debugPanic() export panics) is served in place
// of pkg/, as in panic.test.mjs.
//
// - A scene too large for a link and for session storage (its JSON is over
//   5 million characters) comes back exactly after Restore, with its view
//   settings (theme, language, step, panels, font, density, placement), and
//   the overlay and the page say which scene, how many items and from when.
// - When the browser refuses to store the scene, the overlay and the page
//   say so and name what does come back (an older state) and that the edits
//   after it are lost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { serveAndLaunch, watchContext } from './harness.mjs';

const PANIC_PKG = new URL('../../target/pkg-panic/', import.meta.url).pathname;
const SHOTS = '/work/shots/wt-lost';
const skip = !existsSync(`${PANIC_PKG}din_viz_bg.wasm`) && 'target/pkg-panic not built (make test builds it)';

let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

/** A page on the panic-trigger build; `init` runs in the page before its scripts. */
async function openPanicPage(init) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const problems = [];
  await watchContext(context, problems);
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.route('**/pkg/din_viz.js', (r) => r.fulfill({ contentType: 'text/javascript', body: readFileSync(`${PANIC_PKG}din_viz.js`) }));
  await page.route('**/pkg/din_viz_bg.wasm', (r) => r.fulfill({ contentType: 'application/wasm', body: readFileSync(`${PANIC_PKG}din_viz_bg.wasm`) }));
  await page.goto(base);
  await page.waitForSelector('html[data-ready="true"]');
  return { context, page, problems };
}

/**
 * A LastN of n × d numbers at full precision (about 19 characters each, so
 * the scene's JSON is large even at a small d: the test package is a debug
 * build), one label typed in the table, and view settings away from the defaults.
 */
async function largeEditedScene(page, n, d) {
  await page.evaluate(([n, d]) => {
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 * 2 - 1 + 1e-9 * Math.PI; };
    const items = Array.from({ length: n }, (_, i) => ({ label: `item ${i + 1}`, vector: Array.from({ length: d }, rnd) }));
    window.din.setState({ scene: 'big history', query: Array.from({ length: d }, rnd), items,
      theme: 'dark', font: 1.25, step: 3, density: false, placement: 'user-tower', panels: ['controls', 'bars', 'steps', 'map'] });
  }, [n, d]);
  await page.locator('#items-body input.label').first().fill('kept 保留 ✓');
  await page.evaluate(() => window.din.setState({ lang: 'zh' }));
  return page.evaluate(() => Date.now());
}

/** Waits for a save that started after `since` with `outcome` (idb, link or failed). */
const savedAfter = (page, since, outcome) => page.waitForFunction(
  ([t, o]) => Number(document.documentElement.dataset.lastGoodAt) > t && document.documentElement.dataset.lastGood === o,
  [since, outcome], { timeout: 60_000 },
);

/** The page's problems but the console report of the deliberate panic itself. */
const unexpected = (problems) => problems.filter((p) => !/deliberate panic from debugPanic/.test(p));

async function panic(page) {
  const thrown = await page.evaluate(async () => {
    const m = await import('/pkg/din_viz.js');
    try { m.debugPanic(); return 'no throw'; } catch (e) { return e.constructor.name; }
  });
  assert.equal(thrown, 'RuntimeError');
  await page.waitForSelector('#fatal', { state: 'visible' });
}

const TIME = /\d\d:\d\d:\d\d/;

test('Restore brings back a scene too large for a link (JSON over 5 M characters) exactly, with its view, and says which, how many and when', { skip, timeout: 300_000 }, async () => {
  const { context, page, problems } = await openPanicPage();
  try {
    const since = await largeEditedScene(page, 10000, 32);
    await savedAfter(page, since, 'idb');
    const good = await page.evaluate(() => JSON.stringify(window.din.state()));
    assert.ok(good.length > 5_000_000, `the scene's JSON has ${good.length} characters`);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('din-attention:last-good').length < 1000), true, 'session storage holds only the pointer');
    const savedAt = await page.evaluate(() => new Date(Number(document.documentElement.dataset.lastGoodAt)).toLocaleTimeString('en-GB'));
    await panic(page);
    // The overlay says what Restore brings back, in the page's language.
    const offer = await page.textContent('#fatal-note');
    assert.equal(offer, `“恢复”会重新加载页面，并恢复最后一个正常的场景：“big history”，10000 个物品，d = 32，以及它的显示设置（保存于 ${savedAt}）。`);
    assert.equal(await page.isVisible('#fatal-restore'), true);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/restore-overlay.png` });
    await Promise.all([page.waitForEvent('load'), page.click('#fatal-restore')]);
    await page.waitForSelector('html[data-ready="true"]');
    await page.waitForFunction(() => document.getElementById('message').textContent.includes('已恢复'));
    const back = await page.evaluate(() => JSON.stringify(window.din.state()));
    assert.ok(back === good, 'the scene, its items and its view settings are back exactly');
    const state = JSON.parse(back);
    assert.deepEqual([state.theme, state.lang, state.step, state.font, state.density, state.placement, state.panels],
      ['dark', 'zh', 3, 1.25, false, 'user-tower', ['controls', 'bars', 'steps', 'map']]);
    assert.equal(state.items[0].label, 'kept 保留 ✓');
    const said = await page.textContent('#message');
    assert.equal(said, `已恢复出错前最后一个正常的场景：“big history”，10000 个物品，d = 32，以及它的显示设置（保存于 ${savedAt}）。`);
    await page.evaluate(() => window.din.frame());
    await page.screenshot({ path: `${SHOTS}/restore-large-scene.png` });
  } finally {
    await context.close();
  }
  assert.deepEqual(unexpected(problems), []);
});

test('when the browser refuses to store the scene, the overlay and the page say what comes back instead, and from when', { skip, timeout: 300_000 }, async () => {
  // IndexedDB refuses every write, as when the disk quota is used up.
  const refuse = () => {
    IDBObjectStore.prototype.put = function put() { throw new DOMException('the quota has been exceeded', 'QuotaExceededError'); };
  };
  const { context, page, problems } = await openPanicPage(refuse);
  try {
    // A generated LastN as loaded fits a link: it is saved as its link.
    const since = await page.evaluate(() => Date.now());
    await page.fill('#gen-n', '2000');
    await page.fill('#gen-d', '16');
    await page.click('#generate');
    await page.waitForFunction(() => document.querySelectorAll('#query input[type=text]').length === 16);
    await savedAfter(page, since, 'link');
    const linkTime = await page.evaluate(() => new Date(Number(document.documentElement.dataset.lastGoodAt)).toLocaleTimeString('en-GB'));
    // An edited one does not: IndexedDB refuses it.
    const edited = await page.evaluate(() => Date.now());
    await page.locator('#items-body input.label').first().fill('not kept');
    await savedAfter(page, edited, 'failed');
    await panic(page);
    const offer = await page.textContent('#fatal-note');
    assert.equal(offer, `Restore reloads the page with the last good scene, "generated", 2,000 items with d = 16, and its view settings, as saved at ${linkTime}. `
      + 'A later change could not be saved (the browser refused: QuotaExceededError: the quota has been exceeded). Edits made after that time were not saved and will be lost.');
    await Promise.all([page.waitForEvent('load'), page.click('#fatal-restore')]);
    await page.waitForSelector('html[data-ready="true"]');
    await page.waitForFunction(() => document.getElementById('message').textContent.startsWith('Restored'));
    assert.equal(await page.textContent('#message'), `Restored the last good scene from before the error: "generated", 2,000 items with d = 16, and its view settings, as saved at ${linkTime}. `
      + 'A later change could not be saved (the browser refused: QuotaExceededError: the quota has been exceeded). Edits made after that time could not be kept.');
    const s = await page.evaluate(() => { const st = window.din.state(); return [st.scene, st.items.length, st.query.length, st.items[0].label]; });
    assert.deepEqual(s.slice(0, 3), ['generated', 2000, 16], 'what the message names is what is on screen');
    assert.notEqual(s[3], 'not kept', 'the edit that could not be saved is not claimed');
  } finally {
    await context.close();
  }
  assert.deepEqual(unexpected(problems), []);
});

test('when nothing can be stored at all, the overlay offers no Restore and says so', { skip, timeout: 120_000 }, async () => {
  const refuse = () => {
    const quota = () => { throw new DOMException('storage is off', 'SecurityError'); };
    Storage.prototype.setItem = quota;
    IDBObjectStore.prototype.put = quota;
  };
  const { context, page, problems } = await openPanicPage(refuse);
  try {
    await page.waitForFunction(() => document.documentElement.dataset.lastGood === 'failed');
    await panic(page);
    assert.equal(await page.isVisible('#fatal-restore'), false, 'nothing to restore: no Restore button');
    assert.equal(await page.textContent('#fatal-note'),
      'The scene could not be saved, so there is nothing to restore: reloading opens the default scene. (The browser refused to store it: SecurityError: storage is off.)');
  } finally {
    await context.close();
  }
  assert.deepEqual(unexpected(problems), []);
});

test('records of tabs idle for two days are removed from IndexedDB; this tab\'s and recent ones stay', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  await watchContext(context, problems);
  const page = await context.newPage();
  try {
    await page.goto(base);
    await page.waitForSelector('html[data-ready="true"]');
    // Another tab's record from three days ago and one from an hour ago (written as the page writes them).
    await page.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open('din-attention', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('last-good').createIndex('at', 'at');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const db = req.result;
        const tx = db.transaction('last-good', 'readwrite');
        const os = tx.objectStore('last-good');
        os.put({ head: '{}', labels: '[]', values: new Float64Array(4), at: Date.now() - 3 * 24 * 3600e3 }, 'old-tab');
        os.put({ head: '{}', labels: '[]', values: new Float64Array(4), at: Date.now() - 3600e3 }, 'recent-tab');
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    }));
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    const keys = () => page.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open('din-attention', 1);
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const db = req.result;
        const r = db.transaction('last-good').objectStore('last-good').getAllKeys();
        r.onsuccess = () => { db.close(); resolve(r.result.sort()); };
        r.onerror = () => reject(r.error);
      };
    }));
    // The clean-up runs after the page is ready: wait (a frame at a time) until it has.
    let k = await keys();
    for (let i = 0; k.includes('old-tab') && i < 50; i++) {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      k = await keys();
    }
    assert.deepEqual(k, ['recent-tab']);
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, []);
});
