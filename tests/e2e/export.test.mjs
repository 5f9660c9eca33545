// Export (SVG, PNG, JSON, CSV), import (CSV/TSV, Embedding Projector pair,
// JSON; errors by line, scene unchanged), themes and the font scale, the
// text alternative of the charts, and keyboard reach with a visible focus ring.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveAndLaunch, openWatchedPage, checkPage } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, acceptDownloads: true };
let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

const pageTest = (name, fn) => test(name, async () => checkPage(await openWatchedPage(browser, base, DESKTOP), fn));
const state = (page) => page.evaluate(() => window.din.state());

/** A 100 × 16 CSV with a header; row `bad` (1-based data row) gets "abc" in column `col`. */
function csv(n = 100, d = 16, bad = null, col = 5) {
  const lines = [['label', ...Array.from({ length: d }, (_, k) => `x${k + 1}`)].join(',')];
  for (let i = 0; i < n; i++) {
    const nums = Array.from({ length: d }, (_, k) => (Math.sin(i * 7 + k * 3) * 0.9).toFixed(3));
    if (bad === i + 1) nums[col - 2] = 'abc';
    lines.push([`"item ${i + 1}, cat ${i % 4}"`, ...nums].join(','));
  }
  return `${lines.join('\n')}\n`;
}

pageTest('SVG export parses as XML and contains the bars, in every chart and the whole sheet', async (page) => {
  const res = await page.evaluate(() => {
    const out = {};
    for (const p of ['bars', 'map', 'heatmap', 'steps', 'qkv', 'towers', 'unit', 'all']) {
      const text = window.din.exportSvg(p);
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      out[p] = {
        ok: !doc.querySelector('parsererror') && doc.documentElement.nodeName === 'svg',
        rects: doc.querySelectorAll('rect').length,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent.trim()),
        width: doc.documentElement.getAttribute('width'),
      };
    }
    return out;
  });
  for (const [p, r] of Object.entries(res)) {
    assert.ok(r.ok, `${p}: valid SVG`);
    assert.equal(r.width, '1280');
  }
  const n = (await state(page)).items.length;
  assert.ok(res.bars.rects >= n, `the bar chart has ${res.bars.rects} rects for ${n} bars`);
  const labels = (await state(page)).items.map((it) => it.label);
  assert.ok(labels.every((l) => res.bars.texts.some((t) => t.includes(l.split(' ')[0]))), 'every item label is in the SVG');
  assert.ok(res.all.texts.some((t) => t.startsWith('DIN')), 'the sheet has its title');
  // Through the UI: the SVG button downloads a file.
  await page.locator('#export-toggle').click();
  await page.locator('#export-panel-select').selectOption('bars');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#export-svg').click()]);
  assert.match(dl.suggestedFilename(), /^din-why-din-works-bars\.svg$/);
  const text = readFileSync(await dl.path(), 'utf8');
  assert.match(text, /^<svg[^>]+width="1280"/);
});

pageTest('PNG export has the requested slide size (1920×1080 and 2×)', async (page) => {
  const sizes = await page.evaluate(async () => {
    const out = [];
    for (const [p, f] of [['all', 1], ['bars', 1], ['map', 2]]) {
      const blob = await window.din.exportPng(p, f);
      const img = await createImageBitmap(blob);
      out.push([p, f, blob.type, img.width, img.height, blob.size]);
    }
    return out;
  });
  assert.deepEqual(sizes.map((s) => s.slice(0, 5)), [['all', 1, 'image/png', 1920, 1080], ['bars', 1, 'image/png', 1920, 1080], ['map', 2, 'image/png', 3840, 2160]]);
  await page.locator('#export-toggle').click();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#export-png2').click()]);
  const png = readFileSync(await dl.path());
  assert.equal(png.readUInt32BE(16), 3840, 'PNG header width');
  assert.equal(png.readUInt32BE(20), 2160, 'PNG header height');
});

pageTest('JSON and CSV exports; the JSON scene imports back to the same state', async (page) => {
  const before = await state(page);
  const json = await page.evaluate(() => window.din.exportJson());
  const csvText = await page.evaluate(() => window.din.exportCsv());
  const rows = csvText.trim().split('\n');
  assert.match(rows[0], /^kind,label,score,alpha,v1,/);
  assert.equal(rows.length, 1 + before.items.length + 3, 'items, then query, pooled and mean');
  const r = await page.evaluate(() => window.din.result());
  const alpha1 = Number(rows[1].split(',').at(3 + 0) ?? NaN);
  assert.ok(Math.abs(Number(rows[1].match(/,([^,]*),([^,]*),/)[2]) - r.alpha[0]) < 1e-12 || Number.isFinite(alpha1));
  await page.evaluate(() => window.din.setState({ temperature: 3 }));
  await page.evaluate((t) => window.din.importText(t), json);
  const after = await state(page);
  assert.deepEqual([after.query, after.items, after.temperature], [before.query, before.items, before.temperature]);
});

pageTest('CSV import of 100 × 16 works; a bad row is reported by line and changes nothing', async (page) => {
  await page.locator('#import-toggle').click();
  const bad = csv(100, 16, 57, 5);
  const before = await state(page);
  await page.locator('#import-text').fill(bad);
  await page.locator('#import-go').click();
  const msg = await page.locator('#message').textContent();
  assert.match(msg, /line 58, column 5: "abc" is not a number/, 'data row 57 is line 58 (after the header)');
  assert.deepEqual(await state(page), before, 'the scene is unchanged');
  await page.locator('#import-text').fill(csv());
  await page.locator('#import-go').click();
  const s = await state(page);
  assert.equal(s.items.length, 100);
  assert.equal(s.query.length, 16);
  assert.equal(s.items[0].label, 'item 1, cat 0');
  assert.match(await page.locator('#message').textContent(), /100 items/);
  await page.evaluate(() => window.din.frame());
  // A file, through the file chooser: TSV.
  const tsv = csv(12, 8).replace(/"([^"]*)"/g, '$1').replace(/,(?=[-\d])/g, '\t').replace(/^label,/, 'label\t').replace(/,x/g, '\tx');
  await page.locator('#import-file').setInputFiles({ name: 'items.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(tsv) });
  await page.waitForFunction(() => window.din.state().items.length === 12);
  // The Embedding Projector's two files.
  const vectors = Array.from({ length: 5 }, (_, i) => Array.from({ length: 8 }, (_, k) => ((i + 1) * (k - 3) / 10).toFixed(2)).join('\t')).join('\n');
  const metadata = ['name\tgenre', 'ramen\tfood', 'sushi\tfood', 'lipstick\tmakeup', 'suv\tcars', 'news\tnews'].join('\n');
  await page.locator('#import-file').setInputFiles([
    { name: 'vectors.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(vectors) },
    { name: 'metadata.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(metadata) },
  ]);
  await page.waitForFunction(() => window.din.state().items.length === 5);
  assert.deepEqual((await state(page)).items.map((it) => it.label), ['ramen', 'sushi', 'lipstick', 'suv', 'news']);
});

pageTest('themes and the font scale reach the page and the charts; the choice is in the state', async (page) => {
  const corner = (id) => page.evaluate((id) => [...document.getElementById(id).getContext('2d').getImageData(2, 2, 1, 1).data].slice(0, 3), id);
  const lum = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
  assert.ok(lum(await corner('bars')) > 230, 'light: white chart ground');
  await page.locator('#theme').selectOption('dark');
  await page.evaluate(() => window.din.frame());
  for (const id of ['bars', 'map', 'heatmap', 'steps', 'qkv', 'towers', 'unit']) assert.ok(lum(await corner(id)) < 60, `dark: ${id} has a dark ground`);
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.din')).backgroundColor);
  assert.match(bg, /rgb\((\d+), \1|rgb\(2\d, 2\d, 2\d\)|rgb\(1\d, 2\d, 2\d\)/, `dark page ground: ${bg}`);
  assert.equal((await state(page)).theme, 'dark');
  await page.locator('#theme').selectOption('contrast');
  await page.evaluate(() => window.din.frame());
  assert.ok(lum(await corner('bars')) > 240, 'projector theme: white ground');
  const h1 = await page.evaluate(() => document.getElementById('bars').height);
  await page.locator('#font').selectOption('1.5');
  await page.evaluate(() => window.din.frame());
  assert.equal((await state(page)).font, 1.5);
  const fs = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#similarity')).fontSize));
  assert.ok(fs > 20, `controls grow with the font scale (${fs}px)`);
  assert.ok(await page.evaluate(() => document.getElementById('bars').height) >= h1, 'the bar chart does not shrink');
});

pageTest('the charts have a text alternative kept in sync (alpha, pooled, mean)', async (page) => {
  const readAlt = () => page.evaluate(() => ({
    rows: [...document.querySelectorAll('#alt-alpha tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
    vec: [...document.querySelectorAll('#alt-vectors tbody tr')].map((tr) => tr.cells[0].textContent),
    describedBy: document.getElementById('bars').getAttribute('aria-describedby'),
  }));
  // The text alternative is filled when the page starts: nothing to wait for.
  let alt = await readAlt();
  const r = await page.evaluate(() => window.din.result());
  assert.equal(alt.describedBy, 'alt-alpha');
  assert.equal(alt.rows.length, r.alpha.length);
  assert.ok(Math.abs(Number(alt.rows[0][3].replace('−', '-')) - r.alpha[0]) < 0.01, `alt α ${alt.rows[0][3]} vs ${r.alpha[0]}`);
  assert.deepEqual(alt.vec, ['q', 'pooled', 'mean']);
  // A change that is not a burst of edits updates it at once (issue 11 §0): read in the same task.
  alt = await page.evaluate(() => {
    window.din.setState({ candidate: 'news', query: [0, 0, 0, 0, 0, 0, 1.2, 0.3] });
    return { rows: [...document.querySelectorAll('#alt-alpha tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)) };
  });
  const r2 = await page.evaluate(() => window.din.result());
  assert.ok(Math.abs(Number(alt.rows[0][3].replace('−', '-')) - r2.alpha[0]) < 0.01, 'updated after an edit');
});

pageTest('every control is reachable by keyboard, with a visible focus ring', async (page) => {
  const seen = new Set();
  let ringless = [];
  for (let k = 0; k < 90; k++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return { id: el.id || el.className || el.tagName, ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
    });
    seen.add(info.id);
    if (!info.ring) ringless.push(info.id);
  }
  for (const id of ['lang', 'theme', 'font', 'reset', 'copy-link', 'export-toggle', 'import-toggle', 'scene', 'candidate', 'similarity', 'normalization', 'temperature-text', 'dim']) {
    assert.ok(seen.has(id), `#${id} is reachable by Tab`);
  }
  ringless = ringless.filter((id) => id !== 'BODY');
  assert.deepEqual(ringless, [], 'every focused control shows a ring');
});
