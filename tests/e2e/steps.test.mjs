// End-to-end tests of the step-through (issue 11 §0 and §3): the strips
// show what each step says (αᵢ × xᵢ on the weighted sum's colour scale,
// the sum equal to pooled), the other panels reveal with the steps, the
// step-through's setting is said on screen and the user keeps theirs,
// the weighted sum's animation never leaves a half-drawn frame to read,
// and the text alternative follows every change that is not a burst of
// edits at once.
//
// Run from the repository root:   node --test tests/e2e/steps.test.mjs
// Needs pkg/ built (make build). Every wait is on a condition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-US' };

let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

function pageTest(name, suffix, fn, contextOptions = DESKTOP) {
  test(name, async () => checkPage(await openWatchedPage(browser, base + suffix, contextOptions), fn));
}

const state = (page) => page.evaluate(() => window.din.state());

// The light theme's diverging scale (ColorBrewer RdBu at −1, −½, 0, ½, 1
// times the limit), piecewise linear, written here independently of the
// Rust palette.
const RDBU = [[0x21, 0x66, 0xac], [0x92, 0xc5, 0xde], [0xf7, 0xf7, 0xf7], [0xf4, 0xa5, 0x82], [0xb2, 0x18, 0x2b]];
function diverging(v, limit) {
  const t = Math.max(-1, Math.min(1, v / limit));
  const pos = [-1, -0.5, 0, 0.5, 1];
  const k = Math.max(1, pos.findIndex((p) => t <= p));
  const f = Math.max(0, Math.min(1, (t - pos[k - 1]) / (pos[k] - pos[k - 1])));
  return RDBU[k - 1].map((a, c) => Math.round(a + (RDBU[k][c] - a) * f));
}

/**
 * The colour at the centre of each of the `d` cells of a vertical strip
 * `r` = [x0, y0, x1, y1] (backend pixels) of the step-through canvas.
 */
function stripColours(page, r, d) {
  return page.evaluate(([r, d]) => {
    const c = document.getElementById('steps');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const x = Math.round((r[0] + r[2]) / 2);
    const out = [];
    for (let k = 0; k < d; k++) {
      const y = Math.round(r[1] + ((r[3] - r[1]) * (k + 0.5)) / d);
      const i = (y * c.width + x) * 4;
      out.push([data[i], data[i + 1], data[i + 2]]);
    }
    return out;
  }, [r, d]);
}

const close = (got, want, tol = 2) => got.every((g, c) => Math.abs(g - want[c]) <= tol);

/** Goes to `step` with the page's "next" button from step 0 (the way a lecturer clicks), then waits for a complete frame. */
async function clickTo(page, step) {
  for (let s = (await state(page)).step; s < step; s++) await page.locator('#step-next').click();
  await page.evaluate(() => window.din.frame());
  assert.equal((await state(page)).step, step);
}

// ------------------------------------------------------------------ §0

pageTest('§0. a language change updates the text alternative at once (read in the same task as the click)', '?scene=why-din-works&lang=en', async (page) => {
  // The click and the reads in one evaluation: nothing can run in between.
  const read = (click) => page.evaluate((click) => {
    if (click) document.getElementById('lang').click();
    return {
      caption: document.querySelector('#alt-alpha caption').textContent,
      head: document.querySelector('#alt-vectors thead th').textContent,
      map: document.getElementById('alt-map').textContent,
    };
  }, click);
  const en = await read(false);
  assert.match(en.caption, /Attention weights/);
  const zh = await read(true);
  assert.match(zh.caption, /注意力权重/, `caption right after the click: ${zh.caption}`);
  assert.equal(zh.head, '向量');
  assert.match(zh.map, /权重最大的是/);
  // Any other change that is not a burst of edits, too: a setState, a step, a candidate.
  const after = await page.evaluate(() => {
    window.din.setState({ candidate: 'cars' });
    const rows = [...document.querySelectorAll('#alt-alpha tbody tr')].map((tr) => Number(tr.cells[3].textContent.replace('−', '-')));
    return { rows, alpha: window.din.result().alpha };
  });
  after.alpha.forEach((a, i) => assert.ok(Math.abs(after.rows[i] - a) < 1e-3, `row ${i}: ${after.rows[i]} vs ${a}`));
});

pageTest('§0. a burst of typing refreshes the text alternative once it pauses; settled() says when', '?scene=why-din-works&lang=en', async (page) => {
  const field = page.getByRole('textbox', { name: 'q1', exact: true });
  await field.fill('-2');
  await field.pressSequentially('.5');
  await page.evaluate(() => window.din.settled());
  const { rows, alpha, q } = await page.evaluate(() => ({
    rows: [...document.querySelectorAll('#alt-alpha tbody tr')].map((tr) => Number(tr.cells[3].textContent.replace('−', '-'))),
    alpha: window.din.result().alpha,
    q: document.querySelector('#alt-vectors tbody tr').cells[1].textContent,
  }));
  assert.equal(q, '−2.5');
  alpha.forEach((a, i) => assert.ok(Math.abs(rows[i] - a) < 1e-3, `row ${i}`));
});

// ------------------------------------------------------------------ §3 strips

for (const how of ['own setting (T = 1)', 'lecture setting']) {
  pageTest(`§3. at "αᵢ × xᵢ" each strip is αᵢxᵢ and at "weighted sum" the sum strip is pooled, on one colour scale (${how})`, '?scene=why-din-works&lang=en', async (page) => {
    if (how === 'lecture setting') {
      await page.locator('#steps-toggle').click();
      assert.equal((await state(page)).temperature, 0.3, 'the toggle switched to the lecture setting');
    } else {
      await page.evaluate(() => window.din.setState({ step: 0 }));
      assert.equal((await state(page)).temperature, 1, 'setState({step}) keeps the settings');
    }
    const s = await state(page);
    const n = s.items.length;
    const d = s.query.length;
    await clickTo(page, n + 1);
    const r = await page.evaluate(() => window.din.result());
    let lay = (await page.evaluate(() => window.din.layout())).steps;
    assert.equal(lay.step, n + 1);
    const limit = lay.limit;
    for (let i = 0; i < n; i++) {
      const got = await stripColours(page, lay.items[i], d);
      got.forEach((g, k) => {
        const want = diverging(r.alpha[i] * s.items[i].vector[k], limit);
        assert.ok(close(g, want), `x${i + 1} cell ${k + 1}: ${g} is not α·x = ${(r.alpha[i] * s.items[i].vector[k]).toFixed(3)} → ${want} on ±${limit}`);
      });
    }
    await clickTo(page, n + 2);
    lay = (await page.evaluate(() => window.din.layout())).steps;
    assert.equal(lay.limit, limit, 'the same colour scale on the next step');
    assert.equal(lay.adding, null, 'the frame read is the complete one');
    const pooled = await stripColours(page, lay.pooled, d);
    pooled.forEach((g, k) => assert.ok(close(g, diverging(r.pooled[k], limit)), `sum cell ${k + 1}: ${g} vs pooled ${r.pooled[k]}`));
    const mean = await stripColours(page, lay.mean, d);
    mean.forEach((g, k) => assert.ok(close(g, diverging(r.mean[k], limit)), `mean cell ${k + 1}`));
    // The lecture's point: the sum and the average look different. The
    // largest colour distance between the two strips' cells:
    const dist = Math.max(...pooled.map((g, k) => Math.hypot(...g.map((v, c) => v - mean[k][c]))));
    if (how === 'lecture setting') assert.ok(dist > 120, `pooled and mean differ clearly: ${dist.toFixed(0)}`);
    else assert.ok(dist < 110, `at T = 1 they are close: ${dist.toFixed(0)}`);
  });
}

// ------------------------------------------------------------------ §3 reveal

/** Pixels of the heatmap in the grey of a vector not shown yet (the light theme's "computed" colour). */
const greyPixels = (page) => page.evaluate(() => {
  const c = document.getElementById('heatmap');
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] === 0xee && data[i + 1] === 0xf0 && data[i + 2] === 0xf3) n++;
  return n;
});

const altVectors = (page) => page.evaluate(() => [...document.querySelectorAll('#alt-vectors tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)));

pageTest('§3. while stepping, the heatmap, readout, bars and text show no answer ahead of its step', '?scene=why-din-works&lang=en', async (page) => {
  await page.evaluate(() => window.din.frame());
  assert.equal(await greyPixels(page), 0, 'step-through off: no grey rows');
  await page.locator('#steps-toggle').click();
  await page.evaluate(() => window.din.frame());
  const n = (await state(page)).items.length;
  // Step 0: pooled and mean are grey in the heatmap, "?" in the readout and the text.
  assert.ok(await greyPixels(page) > 2000, 'pooled and mean rows are grey at step 0');
  let alt = await altVectors(page);
  assert.deepEqual(alt.map((r) => r[0]), ['q', 'pooled', 'mean']);
  assert.ok(alt[1].slice(1).every((v) => v === '?') && alt[2].slice(1).every((v) => v === '?'), `no pooled or mean values at step 0: ${JSON.stringify(alt)}`);
  assert.ok(alt[0].slice(1).every((v) => v !== '?'), 'q is known');
  assert.deepEqual(await page.evaluate(() => ['alpha-sum', 'pooled-norm', 'mean-norm'].map((id) => document.getElementById(id).textContent)), ['?', '?', '?']);
  assert.equal(await page.locator('#readout-note').isVisible(), true);
  let rows = await page.evaluate(() => [...document.querySelectorAll('#alt-alpha tbody tr')].map((tr) => tr.cells[3].textContent));
  assert.ok(rows.every((v) => v === '?'), 'no weight at step 0');
  // Step 3: three weights, in the text and as bars.
  await clickTo(page, 3);
  rows = await page.evaluate(() => [...document.querySelectorAll('#alt-alpha tbody tr')].map((tr) => tr.cells[3].textContent));
  assert.deepEqual(rows.map((v) => v !== '?'), [true, true, true, false, false, false, false, false, false]);
  const bars = (await page.evaluate(() => window.din.layout())).bars;
  const zero = Math.round(bars.zeroX);
  assert.ok(bars.bars.slice(0, 3).every((b) => Math.abs(b[2] - zero) > 5), 'three bars drawn');
  assert.ok(bars.bars.slice(3).every((b) => b[2] === zero), 'the others not yet');
  // The products' step: still no pooled or mean.
  await clickTo(page, n + 1);
  assert.ok(await greyPixels(page) > 2000, 'still grey at αᵢ × xᵢ');
  // The weighted sum: everything is shown.
  await clickTo(page, n + 2);
  assert.equal(await greyPixels(page), 0, 'pooled and mean shown at the weighted sum');
  const r = await page.evaluate(() => window.din.result());
  alt = await altVectors(page);
  alt[1].slice(1).forEach((v, k) => assert.ok(Math.abs(Number(v.replace('−', '-')) - r.pooled[k]) < 1e-3, `pooled ${k}: ${v}`));
  // The readout is written by the core's formatter (explain::fmt_num: at most 3 decimals, no trailing zeros, issue 12).
  assert.equal(await page.locator('#pooled-norm').textContent(), r.pooledNorm.toFixed(3).replace(/0+$/, '').replace(/\.$/, ''));
  assert.equal(await page.locator('#readout-note').isVisible(), false);
});

// ------------------------------------------------------------------ §3 setting

for (const lang of ['en', 'zh']) {
  pageTest(`§3. the step-through says which setting it uses and gives the user's own back (${lang})`, `?scene=why-din-works&lang=${lang}`, async (page) => {
    const note = () => page.locator('#steps-setting-text').textContent();
    const button = page.locator('#steps-setting-switch');
    assert.equal(await page.locator('#steps-setting').isVisible(), false, 'no note while off');
    await page.locator('#steps-toggle').click();
    let s = await state(page);
    assert.deepEqual([s.similarity, s.normalization, s.temperature, s.step], ['dot', 'softmax', 0.3, 0]);
    assert.match(await note(), lang === 'en' ? /lecture setting: dot similarity, softmax T = 0\.3.*Your setting \(dot similarity, softmax T = 1\)/ : /讲课设置：相似度：点积，softmax T = 0\.3.*你的设置（相似度：点积，softmax T = 1）/);
    assert.equal(await button.textContent(), lang === 'en' ? 'use my setting' : '改用我的设置');
    // The canvas says it too (its settings line).
    const svg = await page.evaluate(() => window.din.exportSvg('steps'));
    assert.match(svg, /softmax T = 0\.3/);
    // Back to the user's setting with the button, and to the lecture's again.
    await button.click();
    assert.equal((await state(page)).temperature, 1);
    assert.match(await note(), lang === 'en' ? /uses your setting: dot similarity, softmax T = 1/ : /使用你的设置：相似度：点积，softmax T = 1/);
    assert.equal(await button.textContent(), lang === 'en' ? 'use the lecture setting' : '使用讲课设置');
    await button.click();
    assert.equal((await state(page)).temperature, 0.3);
    // Ctrl+Z undoes the switch like any edit.
    await page.locator('#steps').focus();
    await page.keyboard.press('Control+z');
    assert.equal((await state(page)).temperature, 1, 'undo');
    await page.keyboard.press('Control+Shift+z');
    assert.equal((await state(page)).temperature, 0.3, 'redo');
    // Stopping gives the user's setting back; the link never switched it.
    await page.locator('#steps-toggle').click();
    s = await state(page);
    assert.deepEqual([s.temperature, s.step], [1, null]);
    // A setting the user picks while stepping is theirs to keep.
    await page.locator('#steps-toggle').click();
    await page.locator('#temperature-text').fill('0.5');
    await page.locator('#temperature-text').press('Enter');
    await page.locator('#steps-toggle').click();
    assert.equal((await state(page)).temperature, 0.5);
  });
}

// ------------------------------------------------------------------ §3 animation

pageTest('§3. the weighted sum animates when stepped onto; frame() and settled() wait for its last frame', '?scene=why-din-works&lang=en', async (page) => {
  await page.locator('#steps-toggle').click();
  const n = (await state(page)).items.length;
  await clickTo(page, n + 1);
  // Step onto the sum in the page, and look in the same task.
  const started = await page.evaluate(() => {
    document.getElementById('step-next').click();
    return { animating: window.din.root.dataset.animating ?? null };
  });
  assert.equal(started.animating, 'true', 'the animation runs');
  await page.evaluate(() => window.din.frame());
  const after = await page.evaluate(() => ({ animating: window.din.root.dataset.animating ?? null, lay: window.din.layout().steps }));
  assert.equal(after.animating, null, 'frame() resolved after the last frame');
  assert.equal(after.lay.progress, 1);
  assert.equal(after.lay.adding, null);
  // settled() too.
  await page.evaluate(() => { window.din.root.querySelector('#step-prev').click(); window.din.root.querySelector('#step-next').click(); });
  await page.evaluate(() => window.din.settled());
  assert.equal(await page.evaluate(() => window.din.layout().steps.progress), 1);
});

pageTest('§3. with reduced motion the weighted sum is shown at once', '?scene=why-din-works&lang=en', async (page) => {
  await page.locator('#steps-toggle').click();
  const n = (await state(page)).items.length;
  await clickTo(page, n + 1);
  const animating = await page.evaluate(() => {
    document.getElementById('step-next').click();
    return window.din.root.dataset.animating ?? null;
  });
  assert.equal(animating, null);
  assert.equal(await page.evaluate(() => window.din.layout().steps.progress), 1);
}, { ...DESKTOP, reducedMotion: 'reduce' });
