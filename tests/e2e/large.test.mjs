// A SIM-scale LastN in the page: 10,000 items generated through the UI
// control. The result must agree with an independent computation of dot
// similarity + softmax over the same items (written here, not the Rust
// code), the table must keep only a window of rows in the DOM, and the
// charts must say what they aggregate.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage } from './harness.mjs';

let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

/** Softmax of the dot products, computed stably in plain JS. */
function reference(query, items, temperature) {
  const s = items.map((it) => it.vector.reduce((acc, x, k) => acc + x * query[k], 0) / temperature);
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  const alpha = e.map((v) => v / z);
  const d = query.length;
  const pooled = new Array(d).fill(0);
  const mean = new Array(d).fill(0);
  items.forEach((it, i) => it.vector.forEach((x, k) => { pooled[k] += alpha[i] * x; mean[k] += x / items.length; }));
  return { alpha, pooled, mean };
}

function maxRelError(got, want) {
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  return got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0) / scale;
}

test('10,000 items of d = 64: din.result() agrees with an independent computation; the table stays windowed', async () => {
  const opened = await openWatchedPage(browser, base, { viewport: { width: 1440, height: 1000 } });
  await checkPage(opened, async (page) => {
    await page.fill('#gen-n', '10000');
    await page.fill('#gen-d', '64');
    await page.click('#generate');
    await page.evaluate(() => window.din.frame());
    const { state, result } = await page.evaluate(() => ({ state: window.din.state(), result: window.din.result() }));
    assert.equal(state.items.length, 10000);
    assert.equal(state.query.length, 64);
    const want = reference(state.query, state.items, state.temperature);
    assert.ok(maxRelError(result.alpha, want.alpha) <= 1e-9, `alpha: ${maxRelError(result.alpha, want.alpha)}`);
    assert.ok(maxRelError(result.pooled, want.pooled) <= 1e-9, `pooled: ${maxRelError(result.pooled, want.pooled)}`);
    assert.ok(maxRelError(result.mean, want.mean) <= 1e-9, `mean: ${maxRelError(result.mean, want.mean)}`);
    assert.ok(Math.abs(result.alphaSum - 1) < 1e-9);
    // Only a window of rows is in the DOM, and scrolling moves it.
    const rows = await page.locator('#items-body tr:not(.spacer)').count();
    assert.ok(rows > 10 && rows < 200, `${rows} rows rendered`);
    await page.evaluate(() => { const w = document.querySelector('.table-wrap'); w.scrollTop = 36 * 5000; });
    await page.waitForFunction(() => document.querySelector('#items-body tr:not(.spacer)')?.dataset.i > 4000);
    const label = await page.locator('#items-body tr:not(.spacer) input.label').first().inputValue();
    const i = Number(await page.locator('#items-body tr:not(.spacer)').first().getAttribute('data-i'));
    assert.equal(label, state.items[i].label, 'the row shows its item');
    // An edit deep in the list reaches the scene.
    const cell = page.getByRole('textbox', { name: `x${i + 1} component 1`, exact: true });
    await cell.fill('2.5');
    assert.equal((await page.evaluate((k) => window.din.state().items[k].vector[0], i)), 2.5);
    // The bar chart shows the largest weights and says what it aggregates.
    const bars = await page.evaluate(() => window.din.layout().bars.bars.length);
    assert.equal(bars, 30);
    // Moving q still recomputes: alpha changes.
    const before = await page.evaluate(() => window.din.result().alpha[0]);
    await page.locator('#query input[type=range]').first().press('ArrowRight');
    await page.evaluate(() => window.din.frame());
    const after = await page.evaluate(() => window.din.result().alpha[0]);
    assert.notEqual(after, before);
  });
});
