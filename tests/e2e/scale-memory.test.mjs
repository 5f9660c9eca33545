// Nothing lost at scale (issue 14, items 1 and 5), in headless Chromium:
//
// - undo is bounded by memory, not by a number of copies of the scene: a
//   LastN of 10,000 items with d = 256 and 1,000 edits typed into the q
//   fields keep the wasm memory under a stated bound (the test prints the
//   peak), and undo still steps back exactly;
// - din.applyParams reads a text of 100 parts once and puts the result on
//   screen once at that size (counted with din.work(), not timed);
// - exportPng refuses a factor outside 0.25 to 4, or not finite, at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage } from './harness.mjs';

let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

/** The bound the issue asks for, stated: 256 MiB of wasm memory for 10,000 × 256 and 1,000 edits of q. */
const BOUND_MIB = 256;

/** Bytes of the wasm memory, read through the generated glue (init returns the instance's exports once started). */
const wasmMiB = (page) => page.evaluate(async () => {
  const glue = await import('/pkg/din_viz.js');
  return (await glue.default()).memory.buffer.byteLength / 2 ** 20;
});

async function generate(page, n, d) {
  await page.fill('#gen-n', String(n));
  await page.fill('#gen-d', String(d));
  await page.click('#generate');
  await page.evaluate(() => window.din.frame());
  await page.waitForFunction(([n, d]) => document.querySelectorAll('#query input[type=text]').length === d
    && document.querySelector('#gen-n').value === String(n), [n, d]);
}

test('10,000 × 256 and 1,000 edits of q: wasm memory stays under 256 MiB and undo steps back exactly', { timeout: 600_000 }, async () => {
  const opened = await openWatchedPage(browser, base, { viewport: { width: 1440, height: 1000 } });
  await checkPage(opened, async (page) => {
    await generate(page, 10000, 256);
    const start = await wasmMiB(page);
    // 1,000 different values typed into the q fields, each field left
    // (change: one undo step each), as a user would; no frame in between.
    const typed = await page.evaluate(() => {
      const fields = [...document.querySelectorAll('#query input[type=text]')];
      const values = [];
      for (let i = 0; i < 1000; i++) {
        const f = fields[i % 4];
        const v = Number(((i % 2 ? 1 : -1) * (0.5 + i / 1000)).toFixed(3));
        f.value = String(v);
        f.dispatchEvent(new Event('input', { bubbles: true }));
        f.dispatchEvent(new Event('change', { bubbles: true }));
        values.push(v);
      }
      return values;
    });
    await page.evaluate(() => window.din.frame());
    const afterEdits = await wasmMiB(page);
    assert.equal(await page.isVisible('#fatal'), false, 'no internal error');
    // Undo steps back exactly: q1..q4 hold the values typed before the last ones.
    const q = () => page.evaluate(() => [...document.querySelectorAll('#query input[type=text]')].slice(0, 4).map((f) => Number(f.value)));
    assert.deepEqual(await q(), typed.slice(996, 1000));
    assert.equal(await page.evaluate(() => window.din.undo()), true);
    assert.deepEqual(await q(), [typed[996], typed[997], typed[998], typed[995]]);
    assert.equal(await page.evaluate(() => window.din.undo()), true);
    assert.deepEqual(await q(), [typed[996], typed[997], typed[994], typed[995]]);
    assert.equal(await page.evaluate(() => window.din.redo()), true);
    assert.equal(await page.evaluate(() => window.din.redo()), true);
    assert.deepEqual(await q(), typed.slice(996, 1000));
    const peak = await wasmMiB(page); // a wasm memory never shrinks: its size now is its peak
    console.log(`wasm memory, n = 10,000, d = 256: ${start.toFixed(1)} MiB after generating, ${afterEdits.toFixed(1)} MiB after 1,000 edits of q, peak ${peak.toFixed(1)} MiB (bound ${BOUND_MIB} MiB)`);
    assert.ok(peak < BOUND_MIB, `peak wasm memory ${peak.toFixed(1)} MiB is over ${BOUND_MIB} MiB`);
    // Each edit's undo step holds about 2 KB; the allocator may take one
    // more block the size of a scene (20 MB) on the way. A copy of the
    // scene per step would be 20 GB.
    assert.ok(afterEdits - start < 48, `1,000 edits of q grew the wasm memory by ${(afterEdits - start).toFixed(1)} MiB`);
  });
});

test('din.applyParams with 100 parts at 10,000 × 256 reads the text once and installs the result once', { timeout: 300_000 }, async () => {
  const opened = await openWatchedPage(browser, base, { viewport: { width: 1440, height: 1000 } });
  await checkPage(opened, async (page) => {
    await generate(page, 10000, 256);
    const work = () => page.evaluate(() => window.din.work());
    const delta = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - a[k]]));
    let w0 = await work();
    const problems = await page.evaluate(() => window.din.applyParams('theme=dark&'.repeat(100)));
    let d = delta(w0, await work());
    assert.deepEqual(problems, ['theme is given 100 times; the last value, "dark", is used']);
    assert.equal(await page.evaluate(() => document.querySelector('.din').dataset.theme), 'dark');
    assert.equal(d.decodes, 1, `decodes ${JSON.stringify(d)}`);
    assert.ok(d.encodes <= 1, `encodes ${JSON.stringify(d)}`);
    assert.equal(d.installs, 1, `installs ${JSON.stringify(d)}`);
    assert.ok(d.validations <= 2, `validations ${JSON.stringify(d)}`);
    // 100 scene parameters: still one read, one install.
    w0 = await work();
    const text = Array.from({ length: 100 }, (_, i) => `temperature=${(i + 1) / 10}`).join('&');
    const p2 = await page.evaluate((t) => window.din.applyParams(t), text);
    d = delta(w0, await work());
    assert.deepEqual(p2, ['temperature is given 100 times; the last value, "10", is used']);
    assert.equal(await page.inputValue('#temperature-text'), '10');
    assert.deepEqual([d.decodes, d.installs], [1, 1], JSON.stringify(d));
    assert.ok(d.validations <= 2, `validations ${JSON.stringify(d)}`);
    // A refused part among them: reported, the rest applied, the refused key keeps its value.
    w0 = await work();
    const p3 = await page.evaluate(() => window.din.applyParams(`${'font=1.5&'.repeat(50)}temperature=-1&${'panels=bars,map&'.repeat(49)}`));
    d = delta(w0, await work());
    assert.equal(p3.length, 3, JSON.stringify(p3));
    assert.match(p3.join(' '), /temperature: -1 is not allowed/);
    assert.equal(await page.inputValue('#temperature-text'), '10');
    assert.deepEqual(await page.evaluate(() => JSON.parse(document.querySelector('.din').dataset.charts)), 2);
    assert.deepEqual([d.decodes, d.installs], [1, 1], JSON.stringify(d));
  });
});

test('exportPng refuses a factor that is not finite or outside 0.25 to 4, before drawing anything', { timeout: 120_000 }, async () => {
  const opened = await openWatchedPage(browser, base, { viewport: { width: 1280, height: 900 } });
  await checkPage(opened, async (page) => {
    for (const factor of [0.001, 0, -1, 4.5, 100, Number.NaN, Infinity, -Infinity]) {
      const r = await page.evaluate(async (f) => {
        try { await window.din.exportPng('all', f); return 'accepted'; } catch (e) { return { code: e.code, message: e.message }; }
      }, factor);
      assert.equal(r.code, 'E_EXPORT_FACTOR', `factor ${factor}: ${JSON.stringify(r)}`);
      assert.match(r.message, /use a number from 0\.25 to 4 \(480 × 270 to 7680 × 4320 pixels\)/);
    }
    // In range: the PNG has the stated size (read from its header).
    for (const [factor, w, h] of [[0.25, 480, 270], [1, 1920, 1080]]) {
      const size = await page.evaluate(async (f) => {
        const b = await window.din.exportPng('bars', f);
        const v = new DataView(await b.arrayBuffer());
        return [v.getUint32(16), v.getUint32(20)];
      }, factor);
      assert.deepEqual(size, [w, h], `factor ${factor}`);
    }
  });
});

test('undo keeps at most 64 MiB: replacing a 10,000 × 256 LastN a fifth time drops the oldest steps, and the page says so', { timeout: 600_000 }, async () => {
  const opened = await openWatchedPage(browser, base, { viewport: { width: 1440, height: 1000 } });
  await checkPage(opened, async (page) => {
    // Each generated LastN of another d replaces every row: its undo step holds about 21 MB.
    for (const d of [256, 255, 254, 253]) {
      await generate(page, 10000, d);
      assert.doesNotMatch(await page.textContent('#message'), /Undo keeps/, `d = ${d}`);
    }
    await generate(page, 10000, 252);
    assert.equal(await page.textContent('#message'),
      'Undo keeps at most 64 MiB of history: the 2 oldest steps were dropped to make room; undo now goes back 3 steps.');
    // And it does: three undos reach d = 255, the fourth has nothing left.
    for (const d of [253, 254, 255]) {
      assert.equal(await page.evaluate(() => window.din.undo()), true);
      assert.equal(await page.evaluate(() => document.querySelectorAll('#query input[type=text]').length), d);
    }
    assert.equal(await page.evaluate(() => window.din.undo()), false);
    const peak = await wasmMiB(page);
    console.log(`wasm memory after five 10,000-item LastNs and undo: ${peak.toFixed(1)} MiB`);
    assert.ok(peak < 512, `${peak} MiB`);
  });
});
