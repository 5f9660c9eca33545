// End-to-end tests of the DIN attention page (www/) in headless Chromium.
//
// Run from the repository root:   node --test tests/e2e/
// Needs: pkg/ built (wasm-pack), python3, npm playwright-core, a Chromium
// (CHROMIUM=/path/to/chromium, default /usr/bin/chromium).
//
// The suite serves the repository root with `python3 -m http.server` on a
// free port of 127.0.0.1 and opens /www/. Every test fails if its page logs
// a console error, throws an uncaught exception, or requests anything from
// a host other than 127.0.0.1. Screenshots go to tests/e2e/out/ (ignored by git).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serveAndLaunch, openWatchedPage, checkPage, changedPixels } from './harness.mjs';

/**
 * The number as the charts and the readout print it (a copy of
 * explain::fmt_num, for the expectations; issue 12 made the readout use the
 * core's formatter instead of toFixed(3)).
 */
function fmtNum(v) {
  const a = Math.abs(v);
  let s;
  if (a !== 0 && !(a >= 0.001 && a < 10000)) {
    const e = Math.floor(Math.log10(a));
    const m = (v / 10 ** e).toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
    s = `${m}e${e}`;
  } else {
    s = v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
    if (s === '-0') s = '0';
  }
  return s.replace(/-/g, '\u2212');
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'tests', 'e2e', 'out');
const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 };

let baseUrl = '';
let browser = null;

// ------------------------------------------------------------------ setup

before(() => mkdirSync(OUT, { recursive: true }));
serveAndLaunch((s) => ({ browser, base: baseUrl } = s));


/** Opens the page in a fresh, watched context (see harness.mjs). */
const openPage = (contextOptions = DESKTOP) => openWatchedPage(browser, baseUrl, contextOptions);

/** A test on a freshly opened page; fails on any page problem collected meanwhile. */
function pageTest(name, fn, contextOptions = DESKTOP, testOptions = {}) {
  test(name, testOptions, async () => checkPage(await openPage(contextOptions), fn));
}

// ------------------------------------------------------------------ page helpers

const state = (page) => page.evaluate(() => window.din.state());
const result = (page) => page.evaluate(() => window.din.result());
const layout = (page) => page.evaluate(() => window.din.layout());
const frame = (page) => page.evaluate(() => window.din.frame());
const snapshot = (page) => page.evaluate(() => ({ state: window.din.state(), result: window.din.result() }));

/** Pixel statistics of a canvas' backing store. */
function canvasStats(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    // A chart below the fold is left undrawn until seen; reading its pixels draws it first (visibility.js).
    c.getContext('2d').getImageData(0, 0, 1, 1);
    const rect = c.getBoundingClientRect();
    const { width, height } = c;
    const data = c.getContext('2d').getImageData(0, 0, width, height).data;
    let nonWhite = 0;
    const colours = new Set();
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
      if (a > 0 && !(r > 245 && g > 245 && b > 245)) nonWhite++;
      colours.add((r << 24) | (g << 16) | (b << 8) | a);
      for (let j = 0; j < 4; j++) { hash ^= data[i + j]; hash = Math.imul(hash, 16777619); }
    }
    return { width, height, cssWidth: rect.width, cssHeight: rect.height, total: width * height, nonWhite, colours: colours.size, hash: hash >>> 0 };
  }, id);
}


/** Each bar's length matches alpha, and its middle pixel is painted. */
async function checkBars(page) {
  const { bars, alpha, mids } = await page.evaluate(() => {
    const bars = window.din.layout().bars;
    const alpha = window.din.result().alpha;
    const ctx = document.getElementById('bars').getContext('2d');
    const mids = bars.bars.map(([top, bottom, endX]) => {
      const x = Math.round((bars.zeroX + endX) / 2);
      const y = Math.round((top + bottom) / 2);
      return { x, y, rgba: Array.from(ctx.getImageData(x, y, 1, 1).data) };
    });
    return { bars, alpha, mids };
  });
  assert.equal(bars.bars.length, alpha.length, 'one bar per item');
  assert.ok(bars.pxPerUnit > 0, `pxPerUnit ${bars.pxPerUnit}`);
  let painted = 0;
  bars.bars.forEach(([top, bottom, endX], i) => {
    assert.ok(bottom > top, `bar ${i + 1} has a height (${top}..${bottom})`);
    const drawn = endX - bars.zeroX;
    const want = alpha[i] * bars.pxPerUnit;
    assert.ok(Math.abs(drawn - want) <= 2, `bar ${i + 1}: drawn length ${drawn} px, alpha ${alpha[i]} × ${bars.pxPerUnit} = ${want} px`);
    if (Math.abs(drawn) >= 3) {
      const [r, g, b, a] = mids[i].rgba;
      assert.ok(a > 0 && !(r > 245 && g > 245 && b > 245), `bar ${i + 1}: middle pixel (${mids[i].x}, ${mids[i].y}) is white: ${mids[i].rgba}`);
      painted++;
    }
  });
  assert.ok(painted >= Math.ceil(alpha.length / 2), `only ${painted} of ${alpha.length} bars are at least 3 px long`);
  return bars;
}

/** Page (viewport) coordinates of a CSS point of #map, after scrolling the map into view. */
async function mapPoint(page, [x, y]) {
  const box = await page.locator('#map').boundingBox();
  return [box.x + x, box.y + y];
}

async function dragMouse(page, from, to, steps = 8) {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.down();
  for (let s = 1; s <= steps; s++) {
    await page.mouse.move(from[0] + ((to[0] - from[0]) * s) / steps, from[1] + ((to[1] - from[1]) * s) / steps);
  }
  await page.mouse.up();
}

const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]);

function evalSetState(page, arg) {
  return page.evaluate((arg) => {
    try {
      window.din.setState(arg);
      return { threw: false };
    } catch (e) {
      return { threw: true, isError: e instanceof Error, message: String(e && e.message) };
    }
  }, arg);
}

// ------------------------------------------------------------------ tests

pageTest('1. page loads: three drawn canvases, one alpha per item, Σα readout', async (page) => {
  for (const id of ['bars', 'map', 'heatmap']) {
    const s = await canvasStats(page, id);
    assert.ok(s.width > 50 && s.height > 50, `#${id} backing store is ${s.width}x${s.height}`);
    assert.ok(s.cssWidth > 50 && s.cssHeight > 50, `#${id} CSS size is ${s.cssWidth}x${s.cssHeight}`);
    assert.equal(s.width, Math.round(s.cssWidth), `#${id} backing width matches CSS width at dpr 1`);
    assert.equal(s.height, Math.round(s.cssHeight), `#${id} backing height matches CSS height at dpr 1`);
    assert.ok(s.nonWhite > s.total * 0.01, `#${id} has only ${s.nonWhite} of ${s.total} non-white pixels`);
    assert.ok(s.colours >= 8, `#${id} has only ${s.colours} distinct colours`);
  }
  const { state: st, result: r } = await snapshot(page);
  assert.ok(st.items.length >= 2, 'default scene has items');
  assert.equal(r.alpha.length, st.items.length);
  assert.equal(st.query.length, st.items[0].vector.length);
  const sum = r.alpha.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - r.alphaSum) < 1e-9, `alphaSum ${r.alphaSum} vs Σ alpha ${sum}`);
  if (st.normalization === 'softmax') assert.ok(Math.abs(r.alphaSum - 1) < 1e-9, 'softmax weights sum to 1');
  assert.equal(await page.locator('#alpha-sum').textContent(), fmtNum(r.alphaSum));
  assert.equal(await page.locator('#pooled-norm').textContent(), fmtNum(r.pooledNorm));
  assert.equal(await page.locator('#mean-norm').textContent(), fmtNum(r.meanNorm));
  // One query slider + text field per component, showing q.
  const d = st.query.length;
  assert.equal(await page.getByRole('slider', { name: /^q\d+$/ }).count(), d);
  assert.equal(await page.getByRole('textbox', { name: /^q\d+$/ }).count(), d);
  for (let k = 0; k < d; k++) {
    assert.equal(Number(await page.getByRole('textbox', { name: `q${k + 1}`, exact: true }).inputValue()), st.query[k]);
  }
  assert.equal(await page.locator('#items-body tr').count(), st.items.length);
  assert.equal(await page.locator('#boot').isHidden(), true, 'boot message hidden');
  assert.equal(await page.locator('#fatal').isHidden(), true, 'no fatal overlay');
  await checkBars(page);
});

pageTest('2. keyboard on the q1 slider changes q1, alpha and the bars', async (page) => {
  const before = await snapshot(page);
  await checkBars(page);
  await changedPixels(page, 'bars', 'kb');
  const slider = page.getByRole('slider', { name: 'q1', exact: true });
  await slider.focus();
  for (let i = 0; i < 5; i++) await slider.press('ArrowRight');
  let now = await snapshot(page);
  assert.ok(Math.abs(now.state.query[0] - (before.state.query[0] + 0.05)) < 1e-9, `5 × ArrowRight: q1 ${before.state.query[0]} → ${now.state.query[0]}`);
  assert.deepEqual(now.state.query.slice(1), before.state.query.slice(1), 'other components unchanged');
  assert.notDeepEqual(now.result.alpha, before.result.alpha, 'alpha changed');
  await slider.press('End');
  now = await snapshot(page);
  assert.equal(now.state.query[0], Number(await slider.getAttribute('max')), 'End moves q1 to the slider maximum');
  assert.ok(now.state.query[0] > before.state.query[0] + 0.05);
  assert.notDeepEqual(now.result.alpha, before.result.alpha);
  await frame(page);
  const changed = await changedPixels(page, 'bars', 'kb');
  assert.ok(changed > 200, `only ${changed} pixels of #bars changed`);
  assert.equal(await page.locator('#alpha-sum').textContent(), fmtNum(now.result.alphaSum));
  await checkBars(page);
  await slider.press('Home');
  now = await snapshot(page);
  assert.equal(now.state.query[0], Number(await slider.getAttribute('min')), 'Home moves q1 to the slider minimum');
  await frame(page);
  await checkBars(page);
});

pageTest('2b. text fields show the values set by their sliders (q1, temperature T)', async (page) => {
  const slider = page.getByRole('slider', { name: 'q1', exact: true });
  await slider.focus();
  await slider.press('End');
  const q1 = (await state(page)).query[0];
  assert.equal(await page.getByRole('textbox', { name: 'q1', exact: true }).inputValue(), String(q1), 'q1 text field after the q1 slider moved');
  const tRange = page.locator('#temperature-range');
  await tRange.focus();
  await tRange.press('End');
  const t = (await state(page)).temperature;
  assert.equal(await page.locator('#temperature-text').inputValue(), String(t), 'T text field after the T slider moved');
}, DESKTOP);

pageTest('3. the mouse on the q1 slider moves q1 in the expected direction', async (page) => {
  const slider = page.getByRole('slider', { name: 'q1', exact: true });
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const min = Number(await slider.getAttribute('min'));
  const max = Number(await slider.getAttribute('max'));
  const q0 = (await state(page)).query[0];
  const y = box.y + box.height / 2;
  // Click near the right end of the track.
  await page.mouse.click(box.x + box.width * 0.9, y);
  const right = (await state(page)).query[0];
  assert.ok(right > q0, `click at 90 % of the track: q1 ${q0} → ${right}`);
  assert.ok(Math.abs(right - (min + 0.9 * (max - min))) < 0.15 * (max - min), `click at 90 % gave ${right} on [${min}, ${max}]`);
  // Drag the thumb from there to 10 % of the track.
  const from = [box.x + box.width * 0.9, y];
  await dragMouse(page, from, [box.x + box.width * 0.1, y], 10);
  const left = (await state(page)).query[0];
  assert.ok(left < right && left < q0, `drag to 10 %: q1 ${right} → ${left}`);
  assert.ok(Math.abs(left - (min + 0.1 * (max - min))) < 0.15 * (max - min), `drag to 10 % gave ${left} on [${min}, ${max}]`);
  await frame(page);
  await checkBars(page);
});

pageTest('4. dragging q and an item on the map; arrow keys move q', async (page) => {
  await page.locator('#map').evaluate((m) => m.scrollIntoView({ block: 'center' }));
  let before = await snapshot(page);
  let lay = (await layout(page)).map;
  let from = await mapPoint(page, lay.query);
  let to = [from[0] + 60, from[1] - 40];
  await dragMouse(page, from, to, 8);
  await frame(page);
  let now = await snapshot(page);
  assert.notDeepEqual(now.state.query, before.state.query, 'q changed');
  assert.deepEqual(now.state.items, before.state.items, 'items unchanged by dragging q');
  assert.notDeepEqual(now.result.alpha, before.result.alpha, 'alpha changed');
  assert.notDeepEqual(now.result.pooled, before.result.pooled, 'pooled changed');
  assert.equal(await page.evaluate(() => document.getElementById('map').hasPointerCapture(1)), false, 'pointer capture released');

  // A drag that stays well inside the map leaves q exactly where it is released.
  before = now;
  lay = (await layout(page)).map;
  from = await mapPoint(page, lay.query);
  to = [from[0] + 40, from[1] + 50];
  await dragMouse(page, from, to, 8);
  await frame(page);
  now = await snapshot(page);
  assert.notDeepEqual(now.state.query, before.state.query, 'q changed');
  lay = (await layout(page)).map;
  const at = await mapPoint(page, lay.query);
  assert.ok(dist(at, to) <= 3, `q drawn at (${at}) but released at (${to}): ${dist(at, to).toFixed(1)} px away`);
  // The text fields show the new q.
  for (let k = 0; k < now.state.query.length; k++) {
    assert.equal(Number(await page.getByRole('textbox', { name: `q${k + 1}`, exact: true }).inputValue()), now.state.query[k], `q${k + 1} text field`);
  }

  // Drag item x1: only its vector changes.
  before = now;
  const itemFrom = await mapPoint(page, lay.items[0]);
  assert.ok(dist(lay.items[0], lay.query) > 22, 'x1 is not under q');
  const itemTo = [itemFrom[0] + 50, itemFrom[1] + 30];
  await dragMouse(page, itemFrom, itemTo, 8);
  await frame(page);
  now = await snapshot(page);
  assert.notDeepEqual(now.state.items[0].vector, before.state.items[0].vector, 'x1 moved');
  assert.equal(now.state.items[0].label, before.state.items[0].label);
  assert.deepEqual(now.state.items.slice(1), before.state.items.slice(1), 'other items unchanged');
  assert.deepEqual(now.state.query, before.state.query, 'q unchanged by dragging x1');
  assert.notDeepEqual(now.result.alpha, before.result.alpha, 'alpha changed');
  for (let k = 0; k < now.state.query.length; k++) {
    assert.equal(Number(await page.getByRole('textbox', { name: `x1 component ${k + 1}`, exact: true }).inputValue()), now.state.items[0].vector[k], `x1 component ${k + 1} in the table`);
  }

  // Arrow keys while the map has focus.
  before = now;
  lay = (await layout(page)).map;
  await page.locator('#map').focus();
  await page.keyboard.press('ArrowLeft');
  await frame(page);
  now = await snapshot(page);
  assert.notDeepEqual(now.state.query, before.state.query, 'ArrowLeft moved q');
  assert.deepEqual(now.state.items, before.state.items);
  assert.notDeepEqual(now.result.alpha, before.result.alpha);
  const lay2 = (await layout(page)).map;
  assert.ok(lay2.query[0] < lay.query[0] - 1, `ArrowLeft: q's x ${lay.query[0]} → ${lay2.query[0]}`);
  assert.ok(Math.abs(lay2.query[1] - lay.query[1]) <= 1, `ArrowLeft: q's y ${lay.query[1]} → ${lay2.query[1]}`);
  before = now;
  await page.keyboard.press('ArrowUp');
  await frame(page);
  const lay3 = (await layout(page)).map;
  assert.ok(lay3.query[1] < lay2.query[1] - 1, `ArrowUp: q's y ${lay2.query[1]} → ${lay3.query[1]}`);
  assert.notDeepEqual((await state(page)).query, before.state.query);
});

pageTest('4b. q stays under the pointer where a drag toward the map edge ends (+60, -40 from the start)', async (page) => {
  await page.locator('#map').evaluate((m) => m.scrollIntoView({ block: 'center' }));
  const lay = (await layout(page)).map;
  const from = await mapPoint(page, lay.query);
  const to = [from[0] + 60, from[1] - 40];
  await dragMouse(page, from, to, 8);
  await frame(page);
  const at = await mapPoint(page, (await layout(page)).map.query);
  assert.ok(dist(at, to) <= 3, `q drawn at (${at}) but released at (${to}): ${dist(at, to).toFixed(1)} px away`);
}, DESKTOP);

pageTest('5. bad text in the q1 field is refused and explained; a good number is applied', async (page) => {
  const field = page.getByRole('textbox', { name: 'q1', exact: true });
  const message = page.locator('#message');
  const before = await snapshot(page);
  await changedPixels(page, 'bars', 'bad');
  const cases = [
    ['abc', /not a number/],
    ['', /empty/],
    ['1e999', /too large/],
    ['NaN', /finite/],
  ];
  for (const [text, why] of cases) {
    await field.fill(text);
    assert.equal(await field.getAttribute('aria-invalid'), 'true', `"${text}" marks the field invalid`);
    const msg = await message.textContent();
    assert.match(msg, why, `message for "${text}": ${msg}`);
    assert.match(msg, /q1/, `message names the field: ${msg}`);
    assert.equal(await message.getAttribute('data-kind'), 'error');
    assert.equal(await field.inputValue(), text, 'the typed text is kept for correction');
    const now = await snapshot(page);
    assert.deepEqual(now.state, before.state, `state unchanged after "${text}"`);
    assert.deepEqual(now.result, before.result, `result unchanged after "${text}"`);
  }
  await frame(page);
  assert.equal(await changedPixels(page, 'bars', 'bad'), 0, 'bars not redrawn differently by refused input');
  await field.fill('0.25');
  assert.equal(await field.getAttribute('aria-invalid'), null, 'mark cleared');
  assert.equal(await message.textContent(), '', 'error message cleared');
  const now = await snapshot(page);
  assert.equal(now.state.query[0], 0.25);
  assert.deepEqual(now.state.query.slice(1), before.state.query.slice(1));
  assert.notDeepEqual(now.result.alpha, before.result.alpha);
  assert.equal(Number(await page.getByRole('slider', { name: 'q1', exact: true }).inputValue()), 0.25, 'slider follows the text');
  // A refused entry left by blur is reverted to the scene's value.
  await field.fill('zz');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await page.getByRole('textbox', { name: 'q2', exact: true }).focus();
  assert.equal(await field.getAttribute('aria-invalid'), null, 'blur clears the mark');
  assert.equal(await field.inputValue(), '0.25', 'blur restores the value in use');
});

pageTest('6. d can shrink to 1 but not to 0; bad d text is refused', async (page) => {
  const minus = page.getByRole('button', { name: 'remove the last component', exact: true });
  const dField = page.getByRole('textbox', { name: 'd', exact: true });
  const message = page.locator('#message');
  const start = await state(page);
  let d = start.query.length;
  assert.ok(d > 1);
  while (d > 1) {
    await minus.click();
    d -= 1;
    const s = await state(page);
    assert.equal(s.query.length, d, `after a click d = ${d}`);
    assert.deepEqual(s.query, start.query.slice(0, d), 'q keeps its first d components');
    s.items.forEach((it, i) => assert.deepEqual(it.vector, start.items[i].vector.slice(0, d), `x${i + 1} keeps its first d components`));
    assert.equal(await dField.inputValue(), String(d));
    assert.equal(await page.getByRole('slider', { name: /^q\d+$/ }).count(), d, 'one slider per component');
    assert.equal(await page.locator('#items-body tr').first().locator('input.num').count(), d, 'one table column per component');
    assert.match(await message.textContent(), new RegExp(`d is now ${d}`));
    assert.equal((await result(page)).alpha.length, start.items.length);
  }
  await frame(page);
  await checkBars(page);
  const at1 = await snapshot(page);
  await minus.click();
  assert.match(await message.textContent(), /cannot be 0/);
  assert.equal(await message.getAttribute('data-kind'), 'error');
  assert.deepEqual(await snapshot(page), at1, 'refused d = 0 changes nothing');
  assert.equal(await page.getByRole('slider', { name: /^q\d+$/ }).count(), 1);

  await dField.fill('abc');
  await dField.press('Enter');
  assert.equal(await dField.getAttribute('aria-invalid'), 'true', 'd "abc" marked invalid');
  assert.match(await message.textContent(), /not a whole number/);
  assert.equal(await message.getAttribute('data-kind'), 'error');
  assert.deepEqual(await snapshot(page), at1, 'refused d text changes nothing');

  // A valid d brings components back (set to 0).
  await dField.fill('3');
  await dField.press('Enter');
  assert.equal(await dField.getAttribute('aria-invalid'), null);
  const s3 = await state(page);
  assert.deepEqual(s3.query, [start.query[0], 0, 0]);
  assert.equal(await page.getByRole('slider', { name: /^q\d+$/ }).count(), 3);

  // Back to the original scene.
  await page.evaluate((s) => window.din.setState({ query: s.query, items: s.items }), start);
  const back = await state(page);
  assert.deepEqual(back.query, start.query);
  assert.deepEqual(back.items, start.items);
  assert.equal(await page.getByRole('slider', { name: /^q\d+$/ }).count(), start.query.length);
});

pageTest('7. din.setState refuses invalid scenes with an Error and applies a valid one exactly', async (page) => {
  const before = await snapshot(page);
  const d = before.state.query.length;
  assert.equal(d, 8, 'default scene has d = 8');
  const zeros = Array(8).fill(0);
  const big = Array(8).fill(1e200);
  const cases = [
    [{ query: [1, 2] }, /d = 8|2 numbers/],
    [{ items: [{ label: 'a', vector: [NaN, 0, 0, 0, 0, 0, 0, 0] }] }, /NaN/],
    [{ query: [Infinity, 0, 0, 0, 0, 0, 0, 0] }, /Infinity|finite/],
    [{ similarity: 'euclid' }, /euclid|similarity/],
    [{ normalization: 'sparsemax' }, /sparsemax|normalization/],
    [{ temperature: -1 }, /temperature/],
    [{ temperature: 0 }, /temperature/],
    [{ query: big, items: [{ label: 'big', vector: big }] }, /overflow|too large/],
    [{ items: [{ label: 'a', vector: zeros.slice(0, 7) }] }, /d = 8|7 numbers/],
    ['not an object', /object/],
    [null, /object/],
    [[1, 2, 3], /object/],
  ];
  for (const [arg, why] of cases) {
    const r = await evalSetState(page, arg);
    const shown = typeof arg === 'string' ? JSON.stringify(arg) : JSON.stringify(arg, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).slice(0, 80);
    assert.equal(r.threw, true, `setState(${shown}) should throw`);
    assert.equal(r.isError, true, `setState(${shown}) throws an Error`);
    assert.match(r.message, why, `setState(${shown}) message: ${r.message}`);
    assert.deepEqual(await snapshot(page), before, `setState(${shown}) changed nothing`);
  }
  assert.equal(await page.locator('#items-body tr').count(), before.state.items.length);

  const want = {
    query: [0.5, -1, 0, 0.25, 0, 0, 1, 0],
    items: [
      { label: 'noodles', vector: [1, 0, 0, 0, 0, 0, 0, 0] },
      { label: 'phone', vector: [0, -1, 0.5, 0, 0, 0, 0, 2] },
    ],
    similarity: 'cosine',
    normalization: 'none',
  };
  const r = await evalSetState(page, want);
  assert.equal(r.threw, false, `valid setState threw: ${r.message}`);
  const now = await snapshot(page);
  assert.deepEqual(now.state.query, want.query);
  // Items given without a colour id get the ids 0, 1, … in order (issue 11 §4: the state carries each item's colour id).
  assert.deepEqual(now.state.items, want.items.map((it, i) => ({ ...it, color: i })));
  assert.equal(now.state.similarity, 'cosine');
  assert.equal(now.state.normalization, 'none');
  assert.equal(now.state.temperature, before.state.temperature, 'temperature kept');
  assert.equal(now.result.alpha.length, 2);
  // With normalization none, alpha is the cosine similarity itself.
  const norm = (v) => Math.hypot(...v);
  const dot = (a, b) => a.reduce((s, x, k) => s + x * b[k], 0);
  want.items.forEach((it, i) => {
    const cos = dot(want.query, it.vector) / (norm(want.query) * norm(it.vector));
    assert.ok(Math.abs(now.result.alpha[i] - cos) < 1e-12, `alpha[${i}] = ${now.result.alpha[i]}, cosine = ${cos}`);
  });
  assert.equal(await page.locator('#items-body tr').count(), 2);
  assert.equal(await page.getByRole('textbox', { name: 'label of x2', exact: true }).inputValue(), 'phone');
  assert.equal(await page.getByRole('textbox', { name: 'x2 component 8', exact: true }).inputValue(), '2');
  assert.equal(await page.getByRole('textbox', { name: 'q2', exact: true }).inputValue(), '-1');
  assert.equal(await page.locator('#similarity').inputValue(), 'cosine');
  assert.equal(await page.locator('#normalization').inputValue(), 'none');
  assert.equal(await page.locator('#temperature-text').isDisabled(), true, 'T disabled without softmax');
  assert.equal(await page.locator('#alpha-sum').textContent(), fmtNum(now.result.alphaSum));
  await frame(page);
  const bars = await checkBars(page);
  assert.equal(bars.bars.length, 2);
  assert.equal((await layout(page)).map.items.length, 2);
});

pageTest('8. items: add, remove, rename and edit a component in the table', async (page) => {
  const rows = page.locator('#items-body tr');
  const s0 = await state(page);
  const n = s0.items.length;

  await page.getByRole('button', { name: '+ add item', exact: true }).click();
  const s1 = await state(page);
  assert.equal(s1.items.length, n + 1);
  assert.deepEqual(s1.items.slice(0, n), s0.items, 'existing items unchanged');
  assert.equal(s1.items[n].vector.length, s0.query.length);
  assert.ok(s1.items[n].vector.every(Number.isFinite));
  assert.equal(await rows.count(), n + 1);
  assert.equal((await result(page)).alpha.length, n + 1);
  assert.equal(await page.getByRole('textbox', { name: `label of x${n + 1}`, exact: true }).inputValue(), s1.items[n].label);
  await frame(page);
  assert.equal((await checkBars(page)).bars.length, n + 1);

  await page.getByRole('button', { name: 'remove x1', exact: true }).click();
  const s2 = await state(page);
  assert.deepEqual(s2.items, s1.items.slice(1), 'x1 removed, the rest kept in order');
  assert.equal(await rows.count(), n);
  assert.equal((await result(page)).alpha.length, n);
  assert.equal(await page.getByRole('textbox', { name: 'label of x1', exact: true }).inputValue(), s1.items[1].label, 'the old x2 is now x1');

  const label = page.getByRole('textbox', { name: 'label of x1', exact: true });
  await label.fill('beef noodles 牛肉面');
  const s3 = await state(page);
  assert.equal(s3.items[0].label, 'beef noodles 牛肉面');
  assert.deepEqual(s3.items[0].vector, s2.items[0].vector);
  assert.deepEqual(s3.items.slice(1), s2.items.slice(1));

  const r3 = await result(page);
  const comp = page.getByRole('textbox', { name: 'x1 component 2', exact: true });
  await comp.fill('0.42');
  const s4 = await state(page);
  const wantVec = [...s3.items[0].vector];
  wantVec[1] = 0.42;
  assert.deepEqual(s4.items[0].vector, wantVec);
  assert.deepEqual(s4.items.slice(1), s3.items.slice(1));
  assert.deepEqual(s4.query, s3.query);
  assert.notDeepEqual((await result(page)).alpha, r3.alpha, 'alpha follows the edit');

  await comp.fill('x');
  assert.equal(await comp.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#message').textContent(), /x1 component 2/);
  assert.deepEqual(await state(page), s4, 'refused component text changes nothing');
  await comp.fill('-1.5');
  assert.equal(await comp.getAttribute('aria-invalid'), null);
  assert.equal((await state(page)).items[0].vector[1], -1.5);
  await frame(page);
  await checkBars(page);
});

pageTest('8b. "+ add item" shows no error message, and later edits leave none', async (page) => {
  const message = page.locator('#message');
  await page.getByRole('button', { name: '+ add item', exact: true }).click();
  assert.notEqual(await message.getAttribute('data-kind'), 'error', `after "+ add item": ${await message.textContent()}`);
  await page.locator('#similarity').selectOption('cosine');
  assert.equal((await state(page)).similarity, 'cosine');
  assert.notEqual(await message.getAttribute('data-kind'), 'error', `after a successful similarity change: ${await message.textContent()}`);
}, DESKTOP);

test('9. screenshots at dpr 1, dpr 2 and on a phone; touch drag of q', async () => {
  const shots = [
    ['page-dpr1.png', { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 }],
    ['page-dpr2.png', { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 2 }],
    ['page-phone.png', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true }],
  ];
  for (const [file, options] of shots) {
    const { context, page, problems } = await openPage(options);
    try {
      await frame(page);
      const dpr = options.deviceScaleFactor;
      assert.equal(await page.evaluate(() => window.devicePixelRatio), dpr);
      for (const id of ['bars', 'map', 'heatmap']) {
        const s = await canvasStats(page, id);
        assert.equal(s.width, Math.round(s.cssWidth * dpr), `#${id} width ${s.width} at dpr ${dpr}, CSS ${s.cssWidth}`);
        assert.equal(s.height, Math.round(s.cssHeight * dpr), `#${id} height ${s.height} at dpr ${dpr}, CSS ${s.cssHeight}`);
        assert.ok(s.nonWhite > s.total * 0.01, `#${id} is nearly blank at dpr ${dpr}`);
      }
      await checkBars(page);
      if (options.isMobile) {
        const o = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth, bw: document.body.scrollWidth }));
        assert.ok(o.sw <= o.iw + 1, `horizontal overflow on the phone: scrollWidth ${o.sw} > innerWidth ${o.iw}`);
        assert.ok(o.bw <= o.iw + 1, `body overflows on the phone: ${o.bw} > ${o.iw}`);
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(OUT, file), fullPage: true });

      if (options.hasTouch) {
        await page.locator('#map').evaluate((m) => m.scrollIntoView({ block: 'center' }));
        const before = await snapshot(page);
        const lay = (await layout(page)).map;
        const from = await mapPoint(page, lay.query);
        const to = [from[0] + 40, from[1] + 30];
        const cdp = await context.newCDPSession(page);
        const touch = (type, p) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p[0], y: p[1], id: 1, radiusX: 4, radiusY: 4, force: 1 }] : [] });
        await touch('touchStart', from);
        for (let s = 1; s <= 8; s++) await touch('touchMove', [from[0] + ((to[0] - from[0]) * s) / 8, from[1] + ((to[1] - from[1]) * s) / 8]);
        await touch('touchEnd', null);
        await frame(page);
        const now = await snapshot(page);
        assert.notDeepEqual(now.state.query, before.state.query, 'touch drag moved q');
        assert.deepEqual(now.state.items, before.state.items, 'touch drag of q leaves the items');
        assert.notDeepEqual(now.result.alpha, before.result.alpha);
        const at = await mapPoint(page, (await layout(page)).map.query);
        assert.ok(dist(at, to) <= 3, `after the touch drag q is drawn at (${at}), finger lifted at (${to})`);
        await cdp.detach();
      }
    } finally {
      await context.close().catch(() => {});
    }
    assert.deepEqual(problems, [], `${file}: the page logged console errors, threw, or requested a foreign host`);
  }
});
