// Nothing lost at scale (issue 14, item 7): starting, and the examples.
//
// - A 404 on the JS glue or the wasm, or a wasm download that stalls, is
//   named on the page (with a timeout for the stall) instead of "this
//   browser could not start it"; the element says the same in itself and
//   leaves no unhandled promise rejection.
// - The reveal.js deck obeys `din-attention:key` messages only from its own
//   iframes; the widget posts keys to the embedding page's origin, not "*".
// - The Marp example deck gets a Content-Security-Policy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { serveAndLaunch, watchContext, ROOT } from './harness.mjs';

const SHOTS = '/work/shots/wt-lost';
let browser;
let root;
serveAndLaunch((s) => ({ browser, root } = s));

/** Runs before the page: records every unhandled promise rejection. */
const REJECTIONS = `window.__rejections = [];
window.addEventListener('unhandledrejection', (e) => window.__rejections.push(String(e.reason && e.reason.message || e.reason)));`;

/** A page whose requests for the glue or the wasm get `how` (`404` or `stall`). */
async function openBroken(url, file, how) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript({ content: REJECTIONS });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const stalled = [];
  await page.route(`**/pkg/${file}`, (r) => {
    if (how === '404') return r.fulfill({ status: 404, contentType: 'text/plain', body: 'File not found' });
    stalled.push(r); // never answered: a download that stalls
    return undefined;
  });
  await page.goto(url);
  return { context, page, pageErrors };
}

const bootText = (page) => page.waitForFunction(() => {
  const b = document.getElementById('boot');
  return b.dataset.kind === 'error' ? b.textContent : null;
}, null, { timeout: 60_000 }).then((h) => h.jsonValue());

test('the page names a missing wasm module, a missing JS glue and a stalled wasm download', { timeout: 180_000 }, async () => {
  for (const [file, how, want] of [
    ['din_viz_bg.wasm', '404', 'The visualiser could not start: the WebAssembly module pkg/din_viz_bg.wasm could not be loaded (HTTP 404 Not Found).'],
    ['din_viz.js', '404', 'The visualiser could not start: pkg/din_viz.js could not be loaded (HTTP 404 Not Found).'],
    ['din_viz_bg.wasm', 'stall', 'The visualiser could not start: the WebAssembly module pkg/din_viz_bg.wasm did not start arriving within 15 s.'],
  ]) {
    const { context, page, pageErrors } = await openBroken(`${root}www/`, file, how);
    try {
      const text = await bootText(page);
      assert.ok(text.startsWith(want), `${file} ${how}: ${text}`);
      assert.match(text, /可视化程序无法启动：(无法加载|WebAssembly 模块)/, 'and in Chinese');
      assert.doesNotMatch(text, /this browser could not start it/);
      assert.deepEqual(await page.evaluate(() => window.__rejections), []);
      assert.deepEqual(pageErrors, []);
      if (file === 'din_viz.js') {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/start-glue-404.png` });
      }
    } finally {
      await context.close();
    }
  }
});

test('<din-attention> says what failed, in itself, and leaves no unhandled promise rejection', { timeout: 180_000 }, async () => {
  for (const [how, want] of [
    ['404', 'The DIN attention widget could not start: the WebAssembly module pkg/din_viz_bg.wasm could not be loaded (HTTP 404 Not Found)'],
    ['stall', 'The DIN attention widget could not start: the WebAssembly module pkg/din_viz_bg.wasm did not start arriving within 15 s'],
  ]) {
    const { context, page, pageErrors } = await openBroken(`${root}www/examples/element/index.html`, 'din_viz_bg.wasm', how);
    try {
      // A state assigned before the element is ready, as a deck's script might.
      await page.evaluate(() => { document.getElementById('left').state = { temperature: 2 }; });
      const texts = await page.waitForFunction(() => {
        const t = [...document.querySelectorAll('din-attention')].map((el) => el.shadowRoot.querySelector('p[role=alert]')?.textContent);
        return t.every(Boolean) ? t : null;
      }, null, { timeout: 60_000 }).then((h) => h.jsonValue());
      for (const t of texts) assert.ok(t.startsWith(want) && t.includes('DIN 注意力组件无法启动：'), t);
      // Whoever awaits `ready` still learns why.
      const ready = await page.evaluate(() => document.getElementById('left').ready.then(() => 'ready', (e) => e.message));
      assert.match(ready, /pkg\/din_viz_bg\.wasm/);
      assert.deepEqual(await page.evaluate(() => window.__rejections), [], 'no unhandled rejection');
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  }
});

test('the reveal.js deck obeys din-attention:key only from its own iframes', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const problems = [];
  await watchContext(context, problems);
  const page = await context.newPage();
  try {
    await page.goto(`${root}www/examples/reveal/index.html`);
    await page.waitForFunction(() => window.Reveal && window.Reveal.isReady());
    const h = () => page.evaluate(() => window.Reveal.getIndices().h);
    // A message from a window that is not one of the deck's frames (here the deck itself) is ignored.
    await page.evaluate(() => window.postMessage({ type: 'din-attention:key', key: 'ArrowRight', action: 'next' }, '*'));
    // Messages arrive in order: once a second one has arrived, the first was handled.
    await page.evaluate(() => new Promise((r) => { window.addEventListener('message', () => r(), { once: true }); window.postMessage('flush', '*'); }));
    assert.equal(await h(), 0, 'a foreign message did not move the deck');
    // From one of its iframes it is obeyed.
    const frame = page.frame({ url: /panels=heatmap,readout/ });
    await frame.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await frame.evaluate(() => window.parent.postMessage({ type: 'din-attention:key', key: 'ArrowRight', action: 'next' }, '*'));
    await page.waitForFunction(() => window.Reveal.getIndices().h === 1);
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, []);
});

test('the widget in an iframe posts the keys it does not use to the embedding page\'s origin only', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  await watchContext(context, problems);
  const page = await context.newPage();
  try {
    await page.goto(`${root}www/examples/iframe/index.html`);
    const frame = page.frame({ url: /panels=steps/ });
    await frame.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    // Record the target origin of what the widget posts.
    await frame.evaluate(() => {
      const post = window.parent.postMessage.bind(window.parent);
      window.parent.postMessage = (m, origin) => { (window.__targets = window.__targets || []).push(origin); post(m, origin); };
    });
    await page.frameLocator('#tall').locator('#steps').click();
    await page.keyboard.press('x');
    await page.waitForFunction(() => (window.dinKeys || []).includes('x'));
    assert.deepEqual(await frame.evaluate(() => window.__targets), [new URL(root).origin]);
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, []);
});

test('the Marp example deck gets a Content-Security-Policy that allows its own scripts and nothing else', { timeout: 120_000 }, () => {
  const r = spawnSync(process.execPath, ['www/examples/marp/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(path.join(ROOT, 'www/examples/marp/deck.html'), 'utf8');
  const csp = /<head><meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(csp, 'the policy is the first thing in <head>');
  const policy = csp[1];
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /object-src 'none'/);
  assert.doesNotMatch(policy, /script-src[^;]*'unsafe-inline'/, 'no inline script runs unless hashed');
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  assert.ok(inline.length > 0);
  for (const h of inline) assert.ok(policy.includes(h), `inline script ${h} is allowed by its hash`);
  // (slidetools.test.mjs opens the built deck and fails on any CSP violation.)
});
