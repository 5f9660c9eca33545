// End-to-end tests of the map (issue 11 §1, §4, §5): the catalogue of
// candidate items coloured by what DIN gives each for this user, its key
// and legend against the readout, Ctrl+Z after a drag on the map, and the
// phone layout of the key.
//
// Run from the repository root after `make build`:
//   node --test tests/e2e/map.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

let base = '';
let browser = null;
serveAndLaunch((s) => ({ browser, base } = s));

/** A test on the page opened at `hash`; fails on any page problem collected meanwhile. */
function mapTest(name, hash, fn, contextOptions = DESKTOP) {
  test(name, async () => checkPage(await openWatchedPage(browser, `${base}index.html${hash ? `#${hash}` : ''}`, contextOptions), fn));
}

const state = (page) => page.evaluate(() => window.din.state());
const result = (page) => page.evaluate(() => window.din.result());
const mapLayout = (page) => page.evaluate(() => window.din.layout().map);
const frame = (page) => page.evaluate(() => window.din.frame());

async function dragMouse(page, from, to, steps = 8) {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.down();
  for (let s = 1; s <= steps; s++) {
    await page.mouse.move(from[0] + ((to[0] - from[0]) * s) / steps, from[1] + ((to[1] - from[1]) * s) / steps);
  }
  await page.mouse.up();
}

const inside = ([x, y], [l, t, r, b]) => x >= l && x <= r && y >= t && y <= b;
const overlap = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
const dot = (a, b) => a.reduce((s, x, k) => s + x * b[k], 0);

mapTest('1. Ctrl+Z after dragging q on the map puts q back; the map takes focus when dragged', 'scene=why-din-works', async (page) => {
  await page.locator('#map').evaluate((m) => m.scrollIntoView({ block: 'center' }));
  // Focus starts elsewhere, as after a click on the page's background.
  await page.evaluate(() => document.activeElement?.blur());
  const before = (await state(page)).query;
  const lay = await mapLayout(page);
  const box = await page.locator('#map').boundingBox();
  const from = [box.x + lay.query[0], box.y + lay.query[1]];
  await dragMouse(page, from, [from[0] + 70, from[1] + 40]);
  await page.waitForFunction((q0) => JSON.stringify(window.din.state().query) !== JSON.stringify(q0), before);
  const moved = (await state(page)).query;
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'map', 'the map has focus after the drag');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((q0) => JSON.stringify(window.din.state().query) === JSON.stringify(q0), before, { timeout: 5000 })
    .catch(async () => assert.fail(`Ctrl+Z did not put q back: ${JSON.stringify((await state(page)).query)} vs ${JSON.stringify(before)}`));
  await frame(page);
  const back = await mapLayout(page);
  assert.ok(Math.hypot(back.query[0] - lay.query[0], back.query[1] - lay.query[1]) <= 1, 'q is drawn where it was');
  // And Ctrl+Y redoes the drag.
  await page.keyboard.press('Control+y');
  await page.waitForFunction((q1) => JSON.stringify(window.din.state().query) === JSON.stringify(q1), moved);
});

mapTest('2. the catalogue: every item drawn and coloured by Σα; the legend shows the readout\'s Σα for q', 'scene=interest-intensity', async (page) => {
  const lay = await mapLayout(page);
  const r = await result(page);
  assert.equal(lay.catalogue.length, 120, '6 categories × 20 items');
  assert.equal(lay.legend.colouring, 'sum-alpha', 'no softmax: Σα is coloured');
  assert.equal(lay.legend.query, r.alphaSum, "q's mark on the scale is the readout's Σα");
  const values = lay.catalogue.map((p) => p.value);
  assert.equal(lay.legend.min, Math.min(...values));
  assert.equal(lay.legend.max, Math.max(...values));
  // Brighter items are nearer to the user's clothes: the top tenth lies
  // among the LastN items on the map, the bottom tenth farther out.
  const sorted = [...lay.catalogue].sort((a, b) => b.value - a.value);
  const near = (p) => Math.min(...lay.items.map((x) => Math.hypot(x[0] - p.at[0], x[1] - p.at[1])));
  const mean = (ps) => ps.reduce((s, p) => s + near(p), 0) / ps.length;
  assert.ok(mean(sorted.slice(0, 12)) < mean(sorted.slice(-12)), 'the brightest tenth is nearer to the LastN on the map');
  // The text alternative says what the catalogue shows.
  assert.match(await page.locator('#alt-map').textContent(), /Catalogue of 120 candidates coloured by Σα/);
  // Softmax on: Σα = 1 for every item, so q · pooled is coloured, and the legend says so.
  await page.evaluate(() => window.din.setState({ normalization: 'softmax' }));
  await page.waitForFunction(() => window.din.layout().map?.legend?.colouring === 'q-pooled');
  await frame(page);
  const soft = await mapLayout(page);
  const r2 = await result(page);
  assert.ok(Math.abs(r2.alphaSum - 1) < 1e-12);
  const q = (await state(page)).query;
  assert.ok(Math.abs(soft.legend.query - dot(q, r2.pooled)) < 1e-12, "q's mark is q · pooled of the readout");
});

mapTest('3. the density key (URL and checkbox) shows and hides the catalogue; its label says what it is, en and zh', 'scene=why-din-works', async (page) => {
  const label = page.locator('label.density-toggle');
  assert.match(await label.textContent(), /catalogue of candidates, coloured by what DIN gives each for this user/);
  assert.ok((await mapLayout(page)).catalogue.length > 0);
  await page.locator('#density').uncheck();
  await page.waitForFunction(() => window.din.layout().map && window.din.layout().map.catalogue.length === 0);
  const off = await mapLayout(page);
  assert.equal(off.legend, null, 'no colour scale without the catalogue');
  await page.waitForFunction(() => /density=0/.test(location.hash));
  assert.equal((await state(page)).density, false);
  await page.locator('#lang').click();
  await page.waitForFunction(() => /候选物品目录/.test(document.querySelector('label.density-toggle').textContent));
  await page.locator('#density').check();
  await page.waitForFunction(() => window.din.layout().map?.catalogue.length === 120);
});

mapTest('4. phone 390×844: the key sits under the plot and covers no point or label', 'scene=why-din-works', async (page) => {
  for (const hash of ['scene=why-din-works', 'scene=interest-intensity&lang=zh', 'scene=why-din-works&candidate=news&similarity=cosine']) {
    await page.evaluate((h) => window.din.applyParams(h, true), hash);
    await frame(page);
    const lay = await mapLayout(page);
    const size = await page.locator('#map').evaluate((c) => [c.offsetWidth, c.offsetHeight]);
    assert.ok(lay.key.length >= 2, `${hash}: a colour scale and a key`);
    const points = [...lay.items, lay.query, lay.mean, lay.pooled, ...lay.catalogue.map((p) => p.at)];
    for (const k of lay.key) {
      assert.ok(k[1] >= lay.plot[3], `${hash}: key row ${k} starts under the plot (${lay.plot[3]})`);
      assert.ok(k[2] <= size[0] + 0.5 && k[3] <= size[1] + 0.5, `${hash}: key row ${k} inside the ${size} canvas`);
      for (const p of points) assert.ok(!inside(p, k), `${hash}: the key ${k} covers a point at ${p}`);
      for (const l of lay.labels) assert.ok(!overlap(l.rect, k), `${hash}: the key covers the label ${l.text}`);
    }
    // Every catalogue item is inside the plot.
    for (const p of lay.catalogue) assert.ok(inside(p.at, lay.plot), `${hash}: ${p.at} outside the plot`);
  }
}, PHONE);

mapTest('5. labels never overlap each other or q; an item without room for its name keeps its index', 'scene=interest-intensity', async (page) => {
  for (const hash of ['scene=interest-intensity', 'scene=interest-intensity&candidate=phone', 'scene=why-din-works', 'scene=why-din-works&candidate=news&lang=zh']) {
    await page.evaluate((h) => window.din.applyParams(h, true), hash);
    await frame(page);
    const lay = await mapLayout(page);
    const n = (await state(page)).items.length;
    for (let i = 0; i < lay.labels.length; i++) {
      assert.ok(!overlap(lay.labels[i].rect, lay.queryBox), `${hash}: "${lay.labels[i].text}" overlaps q`);
      for (let j = i + 1; j < lay.labels.length; j++) {
        assert.ok(!overlap(lay.labels[i].rect, lay.labels[j].rect), `${hash}: "${lay.labels[i].text}" and "${lay.labels[j].text}" overlap`);
      }
    }
    for (let i = 1; i <= n; i++) {
      assert.equal(lay.labels.filter((l) => l.what === `x${i}`).length, 1, `${hash}: x${i} is named or numbered once`);
    }
  }
});
