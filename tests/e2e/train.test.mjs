// End-to-end tests of the train panel (issue 13): the Web Worker trains
// DIN and average pooling on the default data and DIN's held-out AUC
// passes the baseline's within 20 s; the charts are drawn; export ->
// import shows the same learned attention; a bad model file is refused
// with the field named and nothing on screen changes; the UI stays
// responsive while it trains; scrolled away, its charts are not drawn (nor
// painted stale) and are drawn with the latest view when scrolled back. Screenshots (dpr 2) of the curves, the
// learned attention and the embedding map at the start and the end of a
// run go to tests/e2e/out/train/ (or $TRAIN_SHOTS). Lecture mode's train
// tab: chosen by click and by keyboard, fitted to 1920 × 1080, training on
// while another tab shows and drawn at once when it shows again, its link
// round-tripping; on a phone, no sideways scrolling.
//
// Run from the repository root:   node --test tests/e2e/train.test.mjs
// Needs pkg/ and pkg-train/ built (make build). Every wait is on a condition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serveAndLaunch, openWatchedPage, checkPage, ROOT } from './harness.mjs';

const DESKTOP = { viewport: { width: 1500, height: 1000 }, deviceScaleFactor: 2, locale: 'en-US' };
const SHOTS = process.env.TRAIN_SHOTS || join(ROOT, 'tests/e2e/out/train');

let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

function pageTest(name, fn) {
  test(name, { timeout: 120_000 }, async () => checkPage(await openWatchedPage(browser, base, DESKTOP), fn));
}

/** Scrolls to the panel (its worker starts when it comes near the screen) and waits for the first view. */
async function openPanel(page) {
  await page.locator('#train').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.dinTrain && window.dinTrain.probe().view !== null, null, { timeout: 30_000 });
}

const probe = (page) => page.evaluate(() => {
  const p = window.dinTrain.probe();
  return { ...p, v: JSON.parse(p.view) };
});

/** Whether canvas `id` has more than `n` non-background pixels. */
const inked = (page, id) => page.evaluate((id) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
  return n;
}, id);

async function shoot(page, when) {
  mkdirSync(SHOTS, { recursive: true });
  for (const chart of ['curves', 'attention', 'map']) {
    await page.locator(`#train-${chart}`).screenshot({ path: join(SHOTS, `${when}-${chart}.png`) });
  }
}

pageTest('the panel trains in a worker and DIN\'s held-out AUC passes average pooling\'s within 20 s', async (page) => {
  await openPanel(page);
  const start = await probe(page);
  assert.equal(start.v.steps, 0);
  assert.equal(start.v.curves.length, 1, 'one point at step 0');
  assert.equal(await page.locator('#train-users').inputValue(), '4000', 'knobs filled from the Rust defaults');
  await page.waitForFunction(() => document.getElementById('train').dataset.steps === '0');
  for (const id of ['train-curves', 'train-attention', 'train-map']) assert.ok(await inked(page, id) > 500, `${id} drawn`);
  await shoot(page, 'start');

  const t0 = Date.now();
  await page.click('#train-run');
  // Responsive while it trains: the widget still answers an edit at once.
  await page.waitForFunction(() => window.dinTrain.probe().running);
  await page.evaluate(() => window.din.setState({ temperature: 0.5 }));
  await page.evaluate(() => window.din.settled());
  const gap = await page.waitForFunction(() => {
    const v = JSON.parse(window.dinTrain.probe().view);
    const p = v.curves[v.curves.length - 1];
    return p.steps > 0 && p.din.auc > p.mean.auc + 0.01 ? { steps: p.steps, din: p.din.auc, mean: p.mean.auc, gdin: p.din.gauc, gmean: p.mean.gauc } : null;
  }, null, { timeout: 20_000, polling: 100 });
  const figures = await gap.jsonValue();
  const seconds = (Date.now() - t0) / 1000;
  console.log(`train: DIN AUC ${figures.din.toFixed(4)} > average ${figures.mean.toFixed(4)} (GAUC ${figures.gdin.toFixed(4)} vs ${figures.gmean.toFixed(4)}) after ${figures.steps} batches, ${seconds.toFixed(1)} s after run`);
  // Let it train on to the default 800 batches for the end screenshots, then pause.
  await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).steps >= 800, null, { timeout: 60_000, polling: 200 });
  await page.click('#train-pause');
  await page.waitForFunction(() => !window.dinTrain.probe().running);
  const end = await probe(page);
  const last = end.v.curves[end.v.curves.length - 1];
  console.log(`train: at ${last.steps} batches DIN AUC ${last.din.auc.toFixed(4)} GAUC ${last.din.gauc.toFixed(4)}, average AUC ${last.mean.auc.toFixed(4)} GAUC ${last.mean.gauc.toFixed(4)}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.ok(last.din.auc > last.mean.auc, 'DIN ahead at the end');
  await page.waitForFunction((s) => document.getElementById('train').dataset.steps === String(s), end.v.steps);
  await shoot(page, 'end');
});

pageTest('the same seed gives the same curves twice; reset goes back to step 0', async (page) => {
  await openPanel(page);
  await page.fill('#train-users', '400');
  await page.click('#train-reset');
  await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).users === 400);
  const run = async () => {
    await page.click('#train-step');
    await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).steps === 25);
    await page.click('#train-step');
    await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).steps === 50);
    return (await probe(page)).v.curves;
  };
  const a = await run();
  await page.click('#train-reset');
  await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).steps === 0);
  assert.deepEqual(await run(), a);
});

pageTest('scrolled away, the charts are left stale and unpainted while it trains; scrolled back, they are drawn with the latest view', async (page) => {
  await openPanel(page);
  await page.waitForFunction(() => document.getElementById('train').dataset.steps === '0');
  await page.click('#train-run');
  await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).steps >= 25);
  await page.evaluate(() => window.scrollTo(0, 0));
  // Away from the viewport: the worker trains on, the charts are not drawn.
  await page.waitForFunction(() => document.getElementById('train-curves').hasAttribute('data-stale'));
  const drawnAt = Number(await page.evaluate(() => document.getElementById('train').dataset.steps));
  await page.waitForFunction((s) => JSON.parse(window.dinTrain.probe().view).steps >= s + 100, drawnAt, { timeout: 30_000 });
  assert.equal(Number(await page.evaluate(() => document.getElementById('train').dataset.steps)), drawnAt, 'no draw while scrolled away');
  const hidden = await page.evaluate(() => ['curves', 'attention', 'map'].map((c) => getComputedStyle(document.getElementById(`train-${c}`)).opacity));
  assert.deepEqual(hidden, ['0', '0', '0'], 'a stale chart is not painted');
  await page.click('#train-pause');
  await page.waitForFunction(() => !window.dinTrain.probe().running);
  const steps = (await probe(page)).v.steps;
  // Back: drawn with the view the worker sent last, and painted again.
  await page.locator('#train').scrollIntoViewIfNeeded();
  await page.waitForFunction((s) => document.getElementById('train').dataset.steps === String(s), steps);
  const shown = await page.evaluate(() => ['curves', 'attention', 'map'].map((c) => document.getElementById(`train-${c}`).hasAttribute('data-stale')));
  assert.deepEqual(shown, [false, false, false]);
  for (const id of ['train-curves', 'train-attention', 'train-map']) assert.ok(await inked(page, id) > 500, `${id} drawn`);
});

pageTest('the widget\'s text size reaches the train charts', async (page) => {
  await openPanel(page);
  await page.waitForFunction(() => document.getElementById('train').dataset.font === '1');
  const picture = () => page.evaluate(() => document.getElementById('train-curves').toDataURL());
  const at1 = await picture();
  await page.evaluate(() => window.din.setState({ font: 1.5 }));
  await page.waitForFunction(() => document.getElementById('train').dataset.font === '1.5');
  assert.notEqual(await picture(), at1, 'the curves are drawn again with larger text');
  await page.evaluate(() => window.din.setState({ font: 1 }));
  await page.waitForFunction(() => document.getElementById('train').dataset.font === '1');
  assert.equal(await picture(), at1, 'and back at 100 % as before');
});

pageTest('export -> import shows the same learned attention; a bad file is refused naming the field, nothing changes', async (page) => {
  await openPanel(page);
  await page.fill('#train-users', '600');
  await page.click('#train-reset');
  await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).users === 600);
  for (const s of [25, 50, 75, 100]) {
    await page.click('#train-step');
    await page.waitForFunction((s) => JSON.parse(window.dinTrain.probe().view).steps === s, s);
  }
  const download = page.waitForEvent('download');
  await page.click('#train-export');
  const file = await download;
  assert.equal(file.suggestedFilename(), 'din-model-din.json');
  await page.waitForFunction(() => window.dinTrain.probe().lastExport !== null);
  const { lastExport, v } = await probe(page);
  assert.equal(JSON.parse(lastExport).format, JSON.parse(lastExport).format, 'JSON');

  await page.setInputFiles('#train-import', { name: 'din-model-din.json', mimeType: 'application/json', buffer: Buffer.from(lastExport) });
  await page.waitForFunction(() => window.dinTrain.probe().imported !== null);
  const imp = JSON.parse((await probe(page)).imported);
  assert.deepEqual(imp.attention.din, v.attention.din, 'the imported model gives the trained model\'s weights');
  assert.equal(imp.attention.ctr_din, v.attention.ctr_din);
  assert.equal(imp.map.points.length, v.items);
  assert.match(await page.locator('#train-imported').textContent(), /imported model: din-model-din\.json/);

  // A bad file: an embedding of the wrong length.
  const bad = JSON.parse(lastExport);
  bad.items[3].embedding = bad.items[3].embedding.slice(1);
  const before = await page.evaluate(() => document.getElementById('train-attention').toDataURL());
  await page.setInputFiles('#train-import', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await page.waitForFunction(() => document.getElementById('train-status').dataset.kind === 'error');
  const text = await page.locator('#train-status').textContent();
  assert.match(text, /^bad\.json: items\[3\]\.embedding/, text);
  assert.match(text, /\d/, 'the expected length is named');
  assert.equal(JSON.parse((await probe(page)).imported).attention.ctr_din, imp.attention.ctr_din, 'the imported model stays');
  assert.equal(await page.evaluate(() => document.getElementById('train-attention').toDataURL()), before, 'nothing on screen changed');

  // The message follows the language.
  await page.click('#lang');
  await page.waitForFunction(() => document.getElementById('train-title').textContent.includes('DIN 与平均池化'));
  assert.match(await page.locator('#train-status').textContent(), /^bad\.json：/);
});

// ---------------------------------------------------------------- lecture mode's train tab (issue 13 leftovers)

const LECTURE = { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, locale: 'en-US' };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'en-US', isMobile: true, hasTouch: true };
const steps = (page) => page.evaluate(() => JSON.parse(window.dinTrain.probe().view).steps);

/** Fails unless every shown element of the train panel and the tab strip is inside the viewport and nothing scrolls sideways. */
async function assertFits(page, what, vertical = true) {
  const d = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('#train, #train *, #lecture-tabs, #lecture-tabs *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -0.5 || r.right > innerWidth + 0.5 || r.top < -0.5 || r.bottom > innerHeight + 0.5) {
        out.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`);
      }
    }
    const e = document.documentElement;
    return { out, sw: e.scrollWidth, sh: e.scrollHeight, iw: innerWidth, ih: innerHeight };
  });
  assert.ok(d.sw <= d.iw, `${what}: no horizontal scroll (${d.sw} > ${d.iw})`);
  if (vertical) {
    assert.deepEqual(d.out, [], `${what}: every element inside the ${d.iw}×${d.ih} screen`);
    assert.ok(d.sh <= d.ih, `${what}: one screen, no vertical scroll (${d.sh} > ${d.ih})`);
  }
}

test('lecture mode: the train tab by click and by keyboard, fitted to 1920×1080; training goes on while another tab shows; the link keeps the tab', { timeout: 120_000 }, async () => {
  await checkPage(await openWatchedPage(browser, `${base}index.html#view=lecture`, LECTURE), async (page) => {
    await page.evaluate(() => window.din.frame());
    const tabs = await page.locator('#lecture-tabs button').evaluateAll((bs) => bs.map((b) => [b.dataset.tab, b.textContent]));
    assert.deepEqual(tabs.at(-1), ['train', 'Training'], 'the train tab, last');
    assert.equal(await page.evaluate(() => document.getElementById('train').hidden), true, 'hidden under another tab');
    // By click.
    await page.locator('#lecture-tabs button[data-tab=train]').click();
    assert.equal(await page.evaluate(() => window.din.state().tab), 'train');
    assert.equal(await page.locator('#lecture-tabs button[data-tab=train]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => document.getElementById('train').closest('.din') !== null), true, 'the panel is in the lecture');
    await page.waitForFunction(() => window.dinTrain && window.dinTrain.probe().view !== null, null, { timeout: 30_000 });
    await page.click('#train-run');
    await page.waitForFunction(() => JSON.parse(window.dinTrain.probe().view).steps >= 25, null, { timeout: 30_000, polling: 100 });
    await page.waitForFunction(() => Number(document.getElementById('train').dataset.steps) >= 25, null, { timeout: 10_000 });
    assert.ok(await inked(page, 'train-curves') > 500, 'the curves are drawn');
    for (const id of ['train-attention', 'train-map']) assert.ok(await inked(page, id) > 500, `${id} drawn`);
    await assertFits(page, 'train tab at 1920×1080');
    // The lecture's other parts are not drawn under it, and come back drawn.
    for (const sel of ['#bars', '#map', '#caption']) assert.equal(await page.locator(sel).isVisible(), false, `${sel} is under the train tab`);
    // The link names the tab, and opens on it.
    const link = await page.evaluate(() => window.din.link());
    assert.match(link, /(^|&)view=lecture(&|$)/);
    assert.match(link, /(^|&)tab=train(&|$)/);

    // Away: the worker trains on.
    await page.locator('#lecture-tabs button[data-tab=qkv]').click();
    assert.equal(await page.evaluate(() => document.getElementById('train').hidden), true);
    const away = await steps(page);
    await page.waitForFunction((s) => JSON.parse(window.dinTrain.probe().view).steps >= s + 25, away, { timeout: 30_000, polling: 100 });
    await page.evaluate(() => window.din.frame());
    for (const sel of ['#bars', '#map']) assert.equal(await page.locator(sel).isVisible(), true, `${sel} back with another tab`);
    // (The pause button is hidden with its tab: a script clicks it.)
    await page.evaluate(() => document.getElementById('train-pause').click());
    await page.waitForFunction(() => !window.dinTrain.probe().running);
    const last = await steps(page);
    assert.ok(last >= away + 25, `it kept training while away (${away} -> ${last})`);

    // Back by keyboard: Tab from the Q·K·V tab to the train tab, Enter.
    await page.locator('#lecture-tabs button[data-tab=qkv]').focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.tab), 'train', 'the train tab is reached by Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => window.din.state().tab), 'train');
    // Drawn with the latest view as soon as it shows (no stale frame).
    await page.waitForFunction((s) => document.getElementById('train').dataset.steps === String(s), last, { timeout: 10_000 });
    assert.ok(await inked(page, 'train-curves') > 500, 'the curves are drawn again');
    await assertFits(page, 'train tab again');
    // Space on the steps tab leaves it, like the others.
    await page.locator('#lecture-tabs button[data-tab=steps]').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => window.din.state().tab), 'steps');

    // A link with the train tab round-trips: it opens on the train tab.
    const again = await openWatchedPage(browser, `${base}index.html#${link}`, LECTURE);
    await checkPage(again, async (p2) => {
      assert.equal(await p2.evaluate(() => window.din.state().tab), 'train');
      assert.equal(await p2.evaluate(() => window.din.link()), link, 'the same link');
      assert.equal(await p2.evaluate(() => document.getElementById('train').hidden), false);
      await p2.waitForFunction(() => window.dinTrain && document.getElementById('train').dataset.steps === '0', null, { timeout: 30_000 });
      assert.ok(await inked(p2, 'train-curves') > 500, 'drawn on opening');
      await assertFits(p2, 'train tab from a link');
    });
  });
});

test('lecture mode on a phone (390×844): the train tab shows the panel without sideways scrolling, and trains', { timeout: 120_000 }, async () => {
  await checkPage(await openWatchedPage(browser, `${base}index.html#view=lecture`, PHONE), async (page) => {
    await page.evaluate(() => window.din.frame());
    await page.locator('#lecture-tabs button[data-tab=train]').click();
    assert.equal(await page.evaluate(() => window.din.state().tab), 'train');
    await page.locator('#train').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => window.dinTrain && window.dinTrain.probe().view !== null, null, { timeout: 30_000 });
    await page.click('#train-step');
    await page.waitForFunction(() => document.getElementById('train').dataset.steps === '25', null, { timeout: 30_000 });
    await page.locator('#train-curves').scrollIntoViewIfNeeded();
    assert.ok(await inked(page, 'train-curves') > 500, 'the curves are drawn');
    await assertFits(page, 'train tab at 390×844', false);
  });
});
