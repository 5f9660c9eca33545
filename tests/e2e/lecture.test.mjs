// End-to-end tests of the lecture features of the DIN attention page (www/):
// scenes and candidates opened from the URL, every definition of alpha,
// the keyboard step-through, the two languages, and panel screenshots.
//
// Run from the repository root:   node --test tests/e2e/lecture.test.mjs
// Needs: pkg/ built (wasm-pack), python3, npm playwright-core, a Chromium
// (CHROMIUM=/path/to/chromium, default /usr/bin/chromium).
//
// Independent of page.test.mjs (its helpers are copied, not imported). The
// suite serves the repository root with `python3 -m http.server` on a free
// port of 127.0.0.1 and opens /www/. Every test fails if its page logs a
// console error, throws an uncaught exception, or requests anything from a
// host other than 127.0.0.1. Screenshots and the numbers seen by the alpha
// tests go to tests/e2e/out/ (ignored by git).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'tests', 'e2e', 'out');
const NUMBERS = path.join(OUT, 'lecture-numbers.json');
const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-US' };
const HIDPI = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 2, locale: 'en-US' };

let server = null;
let serverLog = '';
let baseUrl = '';
let browser = null;

// ------------------------------------------------------------------ setup

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const keep = (chunk) => { serverLog = (serverLog + chunk).slice(-4000); };
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`http.server did not report its port within 10 s:\n${serverLog}`));
    }, 10_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keep);
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      const m = /port (\d+)/.exec(serverLog);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`http.server exited with code ${code}:\n${serverLog}`));
    });
  });
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(NUMBERS, '{}\n');
  const s = await startServer();
  server = s.child;
  baseUrl = `http://127.0.0.1:${s.port}/www/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill();
});

function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return u.hostname === '127.0.0.1';
}

const waitReady = (page) => page.waitForFunction(
  () => document.documentElement.dataset.ready === 'true' && typeof window.din === 'object',
  null,
  { timeout: 15_000 },
);

/**
 * Opens /www/<suffix> in a fresh context and waits until it is ready.
 * `problems` collects console errors, uncaught exceptions and foreign
 * requests. A failed load is retried (pkg/ may be rebuilt while the suite runs).
 */
async function openPage(suffix = '', contextOptions = DESKTOP) {
  for (let attempt = 1; ; attempt++) {
    const context = await browser.newContext(contextOptions);
    const problems = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      problems.push(`request to a host other than 127.0.0.1: ${url}`);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!isLocal(r.url())) problems.push(`request event to a host other than 127.0.0.1: ${r.url()}`);
    });
    try {
      await page.goto(baseUrl + suffix);
      await waitReady(page);
      return { context, page, problems };
    } catch (e) {
      await context.close().catch(() => {});
      if (attempt >= 3) throw new Error(`the page /www/${suffix} did not become ready (3 attempts): ${e.message}\nproblems: ${problems.join('\n')}`);
      await sleep(2000);
    }
  }
}

/**
 * Loads /www/<suffix> as a new document in an open page (about:blank in
 * between, so a URL that differs only in its hash is loaded afresh too).
 */
async function navigate(page, suffix) {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto('about:blank');
      await page.goto(baseUrl + suffix);
      await waitReady(page);
      return;
    } catch (e) {
      if (attempt >= 3) throw new Error(`the page /www/${suffix} did not become ready (3 attempts): ${e.message}`);
      await sleep(2000);
    }
  }
}

/** A test on a freshly opened page at /www/<suffix>; fails on any page problem collected meanwhile. */
function pageTest(name, suffix, fn, contextOptions = DESKTOP, testOptions = {}) {
  test(name, testOptions, async (t) => {
    const { context, page, problems } = await openPage(suffix, contextOptions);
    let failure = null;
    try {
      await fn(page, t, context);
    } catch (e) {
      failure = e;
    } finally {
      await context.close().catch(() => {});
    }
    if (failure) {
      if (problems.length) failure.message += `\n(page problems: ${problems.join(' | ')})`;
      throw failure;
    }
    assert.deepEqual(problems, [], 'the page logged console errors, threw, or requested a foreign host');
  });
}

// ------------------------------------------------------------------ page helpers

const state = (page) => page.evaluate(() => window.din.state());
const result = (page) => page.evaluate(() => window.din.result());
const frame = (page) => page.evaluate(() => window.din.frame());
const setState = (page, patch) => page.evaluate((p) => window.din.setState(p), patch);

/** Pixel statistics of a canvas' backing store. */
function canvasStats(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const rect = c.getBoundingClientRect();
    const { width, height } = c;
    const data = c.getContext('2d').getImageData(0, 0, width, height).data;
    let nonWhite = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
      if (a > 0 && !(r > 245 && g > 245 && b > 245)) nonWhite++;
      colours.add((r << 24) | (g << 16) | (b << 8) | a);
    }
    return { width, height, cssWidth: rect.width, cssHeight: rect.height, total: width * height, nonWhite, colours: colours.size };
  }, id);
}

/** Number of pixels of canvas `id` that differ from the copy saved under `key` (saving the new copy). */
function changedPixels(page, id, key) {
  return page.evaluate(([id, key]) => {
    const c = document.getElementById(id);
    const now = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    window.__snaps = window.__snaps || {};
    const old = window.__snaps[key];
    window.__snaps[key] = now;
    if (!old) return null;
    if (old.length !== now.length) return Infinity;
    let n = 0;
    for (let i = 0; i < now.length; i += 4) {
      if (now[i] !== old[i] || now[i + 1] !== old[i + 1] || now[i + 2] !== old[i + 2] || now[i + 3] !== old[i + 3]) n++;
    }
    return n;
  }, [id, key]);
}

/** The three main canvases are drawn (not blank). */
async function assertDrawn(page, why) {
  await frame(page);
  for (const id of ['bars', 'map', 'heatmap']) {
    const s = await canvasStats(page, id);
    assert.ok(s.width > 50 && s.height > 50, `${why}: #${id} backing store is ${s.width}x${s.height}`);
    assert.ok(s.nonWhite > s.total * 0.01, `${why}: #${id} has only ${s.nonWhite} of ${s.total} non-white pixels`);
  }
}

/** The caption span that is shown, and how many spans are shown. */
function caption(page) {
  return page.evaluate(() => {
    const box = document.getElementById('caption');
    const on = [...box.querySelectorAll(':scope > span.on')];
    const visible = [...box.querySelectorAll(':scope > span')].filter((s) => s.checkVisibility({ visibilityProperty: true }));
    return {
      boxHidden: box.hidden || !box.checkVisibility({ visibilityProperty: true }),
      on: on.map((s) => ({ key: s.dataset.key, text: s.textContent, visible: s.checkVisibility({ visibilityProperty: true }) })),
      visible: visible.map((s) => s.dataset.key),
    };
  });
}

/** Records numbers seen by a test in tests/e2e/out/lecture-numbers.json. */
function record(key, value) {
  let all = {};
  try { all = JSON.parse(readFileSync(NUMBERS, 'utf8')); } catch { all = {}; }
  all[key] = value;
  writeFileSync(NUMBERS, `${JSON.stringify(all, null, 1)}\n`);
}

const fmt = (x) => (typeof x === 'number' ? Number(x.toPrecision(4)) : x);

// Scenes, candidates, and what each caption must mention (presets.rs).
const SCENES = {
  'why-din-works': {
    n: 9,
    candidates: {
      food: { en: /\bfood\b/, zh: /美食/ },
      news: { en: /\bnews\b/, zh: /新闻/ },
      makeup: { en: /\bmake-up\b/, zh: /美妆/ },
      cars: { en: /\bcar\b/, zh: /汽车/ },
    },
  },
  'interest-intensity': {
    n: 10,
    candidates: {
      tshirt: { en: /\bT-shirt\b/, zh: /T ?恤/ },
      phone: { en: /\bphone\b/, zh: /手机/ },
    },
  },
};

// The candidates' labels (user data shown as is in both languages, presets.rs).
const CANDIDATE_LABELS = ['beef noodles 牛肉面', 'news headline 新闻', 'eyeshadow 眼影', 'car tyres 轮胎', 'T-shirt T恤', 'phone 手机'];

// ------------------------------------------------------------------ 1. URL

test('1a. every scene and candidate opens from ?query and #hash; the caption names it in en and zh', async () => {
  const { context, page, problems } = await openPage('?scene=why-din-works');
  try {
    for (const [scene, { n, candidates }] of Object.entries(SCENES)) {
      const queries = new Map();
      const first = Object.keys(candidates)[0];
      for (const [cand, words] of Object.entries(candidates)) {
        for (const lang of ['en', 'zh']) {
          for (const form of ['?', '#']) {
            const suffix = `${form}scene=${scene}&candidate=${cand}&lang=${lang}`;
            await navigate(page, suffix);
            const s = await state(page);
            assert.equal(s.scene, scene, `${suffix}: state.scene`);
            assert.equal(s.candidate, cand, `${suffix}: state.candidate`);
            assert.equal(s.lang, lang, `${suffix}: state.lang`);
            assert.equal(s.items.length, n, `${suffix}: number of items`);
            assert.equal(s.step, null, `${suffix}: step-through off`);
            assert.equal(await page.locator('#scene').inputValue(), scene, `${suffix}: scene menu`);
            assert.equal(await page.locator('#candidate').inputValue(), cand, `${suffix}: candidate menu`);
            const c = await caption(page);
            assert.equal(c.boxHidden, false, `${suffix}: the caption box is shown`);
            assert.equal(c.on.length, 1, `${suffix}: exactly one caption span is on: ${JSON.stringify(c.on)}`);
            assert.deepEqual(c.visible, [cand], `${suffix}: the visible caption span(s) ${JSON.stringify(c.visible)}`);
            assert.equal(c.on[0].visible, true, `${suffix}: the caption span that is on is visible`);
            assert.match(c.on[0].text, words[lang], `${suffix}: caption "${c.on[0].text}"`);
            if (lang === 'zh') assert.match(c.on[0].text, /[\u4e00-\u9fff]/, `${suffix}: zh caption is Chinese`);
            else assert.doesNotMatch(c.on[0].text, /[\u4e00-\u9fff]/, `${suffix}: en caption has no Chinese`);
            assert.equal(await page.locator('#message').textContent(), '', `${suffix}: no message`);
            const key = JSON.stringify(s.query);
            if (form === '?' && lang === 'en') queries.set(cand, key);
            else assert.equal(key, queries.get(cand), `${suffix}: same q as ?scene=${scene}&candidate=${cand}`);
          }
        }
      }
      assert.equal(new Set(queries.values()).size, Object.keys(candidates).length, `${scene}: every candidate has its own q`);
      // The scene alone opens with its first candidate.
      for (const form of ['?', '#']) {
        await navigate(page, `${form}scene=${scene}`);
        const s = await state(page);
        assert.equal(s.scene, scene);
        assert.equal(s.candidate, first, `${form}scene=${scene}: default candidate`);
        assert.equal(JSON.stringify(s.query), queries.get(first));
        assert.deepEqual((await caption(page)).visible, [first]);
      }
    }
    // The hash wins over the query string, key by key.
    const cases = [
      ['?scene=interest-intensity#scene=why-din-works&candidate=news', 'why-din-works', 'news'],
      ['?scene=why-din-works&candidate=news#scene=interest-intensity&candidate=phone', 'interest-intensity', 'phone'],
      ['?scene=why-din-works&candidate=food#candidate=cars', 'why-din-works', 'cars'],
      ['?scene=why-din-works&lang=en#lang=zh', 'why-din-works', 'food'],
    ];
    for (const [suffix, scene, cand] of cases) {
      await navigate(page, suffix);
      const s = await state(page);
      assert.equal(s.scene, scene, `${suffix}: state.scene`);
      assert.equal(s.candidate, cand, `${suffix}: state.candidate`);
      assert.deepEqual((await caption(page)).visible, [cand], `${suffix}: caption`);
      assert.equal(await page.locator('#message').textContent(), '', `${suffix}: no message`);
    }
    assert.equal((await state(page)).lang, 'zh', '#lang=zh wins over ?lang=en');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  } finally {
    await context.close().catch(() => {});
  }
  assert.deepEqual(problems, [], 'the page logged console errors, threw, or requested a foreign host');
});

test('1b. scene=blank&d=4 opens an empty scene of d = 4; invalid URL values are explained and the page still works', async () => {
  const { context, page, problems } = await openPage('?scene=blank&d=4');
  try {
    for (const suffix of ['?scene=blank&d=4', '#scene=blank&d=4', '?scene=why-din-works&d=7#scene=blank&d=4']) {
      await navigate(page, suffix);
      const s = await state(page);
      assert.equal(s.scene, 'blank', suffix);
      assert.equal(s.query.length, 4, `${suffix}: d`);
      assert.deepEqual(s.query, [0, 0, 0, 0], `${suffix}: q = 0`);
      assert.deepEqual(s.items, [], `${suffix}: no items`);
      assert.equal(s.candidate, '', `${suffix}: no candidate`);
      assert.deepEqual((await result(page)).alpha, []);
      assert.equal(await page.locator('#dim').inputValue(), '4');
      assert.equal(await page.locator('#items-body tr').count(), 0);
      assert.equal(await page.getByRole('slider', { name: /^q\d+$/ }).count(), 4);
      assert.equal(await page.locator('#candidate').isDisabled(), true, 'no candidates to pick');
      const c = await caption(page);
      assert.equal(c.boxHidden, false);
      assert.deepEqual(c.visible, [''], `${suffix}: the scene's own caption`);
      assert.match(c.on[0].text, /empty/i);
      assert.equal(await page.locator('#message').textContent(), '', `${suffix}: no message`);
    }
    await navigate(page, '?scene=blank&d=4&lang=zh');
    assert.match((await caption(page)).on[0].text, /空/);

    // Invalid values: each is explained in #message; the rest still applies.
    const bad = [
      ['?scene=nope', /nope/, { scene: 'why-din-works', candidate: 'food', lang: 'en' }],
      ['#scene=nope', /nope/, { scene: 'why-din-works', candidate: 'food', lang: 'en' }],
      ['?scene=why-din-works&candidate=zzz', /zzz/, { scene: 'why-din-works', candidate: 'food', lang: 'en' }],
      ['?scene=interest-intensity&candidate=food', /food/, { scene: 'interest-intensity', candidate: 'tshirt', lang: 'en' }],
      ['?scene=why-din-works&step=abc', /abc/, { scene: 'why-din-works', step: null, lang: 'en' }],
      ['?step=-2', /-2/, { scene: 'why-din-works', step: null, lang: 'en' }],
      ['?scene=why-din-works&lang=fr', /fr/, { scene: 'why-din-works', lang: 'en' }],
      ['?scene=nope&candidate=zzz&step=abc&lang=fr', [/nope/, /zzz/, /abc/, /fr/], { scene: 'why-din-works', lang: 'en', step: null }],
    ];
    for (const [suffix, why, want] of bad) {
      await navigate(page, suffix);
      const msg = page.locator('#message');
      const text = await msg.textContent();
      for (const w of [why].flat()) assert.match(text, w, `${suffix}: message "${text}"`);
      assert.equal(await msg.getAttribute('data-kind'), 'error', `${suffix}: message kind`);
      assert.equal(await msg.isVisible(), true, `${suffix}: message visible`);
      const s = await state(page);
      for (const [k, v] of Object.entries(want)) assert.equal(s[k], v, `${suffix}: state.${k}`);
      assert.equal(await page.locator('#fatal').isHidden(), true, `${suffix}: no fatal overlay`);
      await assertDrawn(page, suffix);
      // Still works: an edit applies and redraws.
      const before = await result(page);
      await changedPixels(page, 'bars', 'bad');
      await setState(page, { similarity: 'cosine', normalization: 'none' });
      const after = await result(page);
      assert.equal((await state(page)).similarity, 'cosine');
      assert.notDeepEqual(after.alpha, before.alpha, `${suffix}: alpha follows an edit`);
      await frame(page);
      assert.ok((await changedPixels(page, 'bars', 'bad')) > 100, `${suffix}: the bars are redrawn after an edit`);
    }
  } finally {
    await context.close().catch(() => {});
  }
  assert.deepEqual(problems, [], 'the page logged console errors, threw, or requested a foreign host');
});

// ------------------------------------------------------------------ 2. alpha

const SIMILARITY_COMBOS = [];
for (const similarity of ['dot', 'cosine', 'scaled_dot']) {
  for (const normalization of ['none', 'softmax']) SIMILARITY_COMBOS.push({ similarity, normalization });
}
const UNIT_COMBOS = [];
for (const activation of ['sigmoid', 'prelu', 'dice']) {
  for (const normalization of ['none', 'softmax']) UNIT_COMBOS.push({ similarity: 'unit', activation, normalization });
}
const AUTHORS_COMBOS = ['sigmoid', 'prelu', 'dice'].map((activation) => ({ similarity: 'authors', activation }));
const name = (c) => Object.values(c).join('/');

/** Applies `combo`, checks the state took it and the readouts follow, returns {state, result}. */
async function applyCombo(page, combo) {
  await setState(page, combo);
  const s = await state(page);
  for (const [k, v] of Object.entries(combo)) assert.equal(s[k], v, `${name(combo)}: state.${k}`);
  const r = await result(page);
  const sum = r.alpha.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - r.alphaSum) < 1e-9, `${name(combo)}: alphaSum ${r.alphaSum} vs Σ alpha ${sum}`);
  assert.equal(await page.locator('#alpha-sum').textContent(), r.alphaSum.toFixed(3), `${name(combo)}: Σα readout`);
  assert.equal(await page.locator('#similarity').inputValue(), combo.similarity, `${name(combo)}: similarity menu`);
  if (combo.activation) {
    assert.equal(await page.locator('#activation').inputValue(), combo.activation, `${name(combo)}: activation menu`);
    assert.equal(await page.locator('#activation-row').isVisible(), true, `${name(combo)}: activation row shown`);
  }
  return { state: s, result: r };
}

pageTest('2a. food candidate: every definition of alpha gives each food item more weight than any other item', '?scene=why-din-works&candidate=food', async (page) => {
  const s0 = await state(page);
  assert.equal(s0.candidate, 'food');
  assert.deepEqual(s0.items.slice(0, 3).map((it) => it.label), ['ramen 拉面', 'dumplings 饺子', 'hotpot 火锅'], 'items 0-2 are food');
  const seen = {};
  const failures = [];
  for (const combo of [...SIMILARITY_COMBOS, ...UNIT_COMBOS, ...AUTHORS_COMBOS]) {
    const { result: r } = await applyCombo(page, combo);
    assert.equal(r.alpha.length, 9);
    const foodMin = Math.min(...r.alpha.slice(0, 3));
    const otherMax = Math.max(...r.alpha.slice(3));
    seen[name(combo)] = { foodMin: fmt(foodMin), otherMax: fmt(otherMax), alphaSum: fmt(r.alphaSum), alpha: r.alpha.map(fmt) };
    if (!(foodMin > otherMax)) failures.push(`${name(combo)}: min food alpha ${fmt(foodMin)} <= max other alpha ${fmt(otherMax)} (alpha ${r.alpha.map(fmt).join(', ')})`);
  }
  await frame(page);
  record('2a food', seen);
  assert.deepEqual(failures, [], 'food items must get more weight than every other item');
});

pageTest('2b. news candidate: no category stands out', '?scene=why-din-works&candidate=news', async (page) => {
  assert.equal((await state(page)).candidate, 'news');
  const seen = {};
  const failures = [];
  const combos = [...SIMILARITY_COMBOS.filter((c) => c.normalization === 'softmax'), ...UNIT_COMBOS, ...AUTHORS_COMBOS];
  for (const combo of combos) {
    const { result: r } = await applyCombo(page, combo);
    const means = [0, 3, 6].map((k) => (r.alpha[k] + r.alpha[k + 1] + r.alpha[k + 2]) / 3);
    const ratio = Math.max(...means) / Math.min(...means);
    const limit = combo.similarity === 'unit' || combo.similarity === 'authors' ? 2 : 1.5;
    seen[name(combo)] = { ratio: fmt(ratio), limit, means: means.map(fmt) };
    if (!(Math.min(...means) > 0 && ratio < limit)) failures.push(`${name(combo)}: category means food/make-up/cars ${means.map(fmt).join(', ')}, max/min ${fmt(ratio)} (limit ${limit})`);
  }
  record('2b news', seen);
  assert.deepEqual(failures, [], 'with the news candidate the category means must be close');
});

test('2c. interest intensity with the activation unit: Σα and |pooled| larger for the T-shirt than the phone; softmax hides it', async () => {
  const seen = {};
  const failures = [];
  for (const cand of ['tshirt', 'phone']) {
    const { context, page, problems } = await openPage(`?scene=interest-intensity&candidate=${cand}`);
    try {
      const s0 = await state(page);
      assert.equal(s0.candidate, cand);
      assert.equal(s0.items.length, 10);
      for (const combo of UNIT_COMBOS) {
        const { result: r } = await applyCombo(page, combo);
        seen[`${cand} ${name(combo)}`] = { alphaSum: r.alphaSum, pooledNorm: r.pooledNorm, readout: await page.locator('#alpha-sum').textContent() };
        if (combo.normalization === 'softmax' && Math.abs(r.alphaSum - 1) >= 1e-9) failures.push(`${cand} ${name(combo)}: alphaSum ${r.alphaSum}, not 1`);
        if (combo.normalization === 'softmax') assert.equal(await page.locator('#alpha-sum').textContent(), '1.000');
      }
    } finally {
      await context.close().catch(() => {});
    }
    assert.deepEqual(problems, [], `${cand}: the page logged console errors, threw, or requested a foreign host`);
  }
  for (const activation of ['sigmoid', 'prelu', 'dice']) {
    const t = seen[`tshirt unit/${activation}/none`];
    const p = seen[`phone unit/${activation}/none`];
    const line = `${activation}: Σα T-shirt ${fmt(t.alphaSum)} vs phone ${fmt(p.alphaSum)} (ratio ${fmt(t.alphaSum / p.alphaSum)}), |pooled| ${fmt(t.pooledNorm)} vs ${fmt(p.pooledNorm)}`;
    if (!(p.alphaSum > 0 && t.alphaSum > 0)) failures.push(`${line}: Σα must be > 0`);
    if (!(t.alphaSum >= 2 * p.alphaSum)) failures.push(`${line}: Σα(T-shirt) must be >= 2 Σα(phone)`);
    if (!(t.pooledNorm > p.pooledNorm)) failures.push(`${line}: |pooled|(T-shirt) must be > |pooled|(phone)`);
  }
  record('2c intensity', Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, { alphaSum: fmt(v.alphaSum), pooledNorm: fmt(v.pooledNorm), readout: v.readout }])));
  assert.deepEqual(failures, [], 'the activation unit must show the intensity of interest without softmax');
});

pageTest("2d. authors' variant: maxLen in the state, padded slots = maxLen − n, alphas sum to 1", '?scene=why-din-works&candidate=food', async (page) => {
  const seen = {};
  for (const combo of AUTHORS_COMBOS) {
    const { state: s, result: r } = await applyCombo(page, combo);
    assert.equal(s.maxLen, 12, `${name(combo)}: default maxLen`);
    assert.equal(s.normalization, 'softmax', `${name(combo)}: the authors' code always uses softmax`);
    assert.ok(Math.abs(r.alphaSum - 1) < 1e-9, `${name(combo)}: alphaSum ${r.alphaSum}`);
    assert.equal(r.alpha.length, 9, 'one alpha per real item; padded slots get none');
    assert.ok(r.alpha.every((a) => a > 0), `${name(combo)}: every real item gets weight`);
    assert.equal(await page.locator('#maxlen-row').isVisible(), true, 'max length row shown');
    assert.equal(await page.locator('#maxlen').inputValue(), '12');
    assert.match(await page.locator('#padded').textContent(), /^3 /, 'padded slots 12 − 9');
    assert.equal(await page.locator('#normalization').isDisabled(), true, 'normalization fixed to softmax');
    seen[name(combo)] = { maxLen: s.maxLen, padded: await page.locator('#padded').textContent(), alphaSum: r.alphaSum };
  }
  for (const maxLen of [9, 20, 50]) {
    await setState(page, { maxLen });
    const s = await state(page);
    const r = await result(page);
    assert.equal(s.maxLen, maxLen);
    assert.equal(await page.locator('#maxlen').inputValue(), String(maxLen));
    assert.match(await page.locator('#padded').textContent(), new RegExp(`^${maxLen - 9} `), `maxLen ${maxLen}: padded slots`);
    assert.ok(Math.abs(r.alphaSum - 1) < 1e-9, `maxLen ${maxLen}: alphaSum ${r.alphaSum}`);
    assert.equal(await page.locator('#alpha-sum').textContent(), '1.000');
    seen[`dice maxLen ${maxLen}`] = { padded: await page.locator('#padded').textContent(), alphaSum: r.alphaSum };
  }
  // The masked padding changes nothing: the same alphas for every maxLen >= n.
  await setState(page, { maxLen: 9 });
  const a9 = (await result(page)).alpha;
  await setState(page, { maxLen: 50 });
  const a50 = (await result(page)).alpha;
  a9.forEach((a, i) => assert.ok(Math.abs(a - a50[i]) < 1e-12, `alpha ${i}: ${a} at maxLen 9, ${a50[i]} at maxLen 50`));
  // The field on the page sets it too.
  await page.locator('#maxlen').fill('15');
  await page.locator('#maxlen').press('Enter');
  assert.equal((await state(page)).maxLen, 15);
  assert.match(await page.locator('#padded').textContent(), /^6 /);
  record('2d authors', seen);
  await frame(page);
});

// ------------------------------------------------------------------ 3. step-through

/** Presses `key` and returns {step, prevented} as seen by a document-level listener. */
async function press(page, key) {
  await page.evaluate(() => { window.__keys = []; });
  await page.keyboard.press(key);
  const keys = await page.evaluate(() => window.__keys);
  assert.equal(keys.length, 1, `one keydown of ${key} reached the document: ${JSON.stringify(keys)}`);
  return { step: (await state(page)).step, prevented: keys[0].prevented, target: keys[0].target };
}

pageTest('3. step-through with the keyboard only; a key past either end is passed on', '?scene=why-din-works', async (page) => {
  await page.evaluate(() => {
    document.addEventListener('keydown', (e) => {
      (window.__keys = window.__keys || []).push({ key: e.key, prevented: e.defaultPrevented, target: e.target.id || e.target.tagName });
    });
  });
  const s0 = await state(page);
  assert.equal(s0.step, null, 'step-through off at first');
  const n = s0.items.length;
  const last = n + 3;
  assert.equal(last, 12);
  assert.equal(await page.locator('#step-next').isDisabled(), true);
  assert.equal(await page.locator('#step-prev').isDisabled(), true);

  // Tab through the page until the focus is in the step-through section.
  const where = () => page.evaluate(() => {
    const a = document.activeElement;
    return { id: a && a.id, tag: a && a.tagName, inSteps: !!(a && a.closest('[data-panel="steps"]')) };
  });
  let tabs = 0;
  let at = await where();
  while (!at.inSteps) {
    await page.keyboard.press('Tab');
    tabs++;
    at = await where();
    assert.ok(tabs < 400, `focus never reached the step-through section in ${tabs} Tabs (at ${at.tag}#${at.id})`);
  }
  assert.equal(at.id, 'steps-toggle', `the first stop in the section is the start button (after ${tabs} Tabs)`);
  await page.keyboard.press('Enter');
  assert.equal((await state(page)).step, 0, 'Enter on "Start step-through" starts at step 0');
  assert.equal((await where()).id, 'steps', 'focus moves to the step canvas');
  assert.equal(await page.locator('#steps-toggle').getAttribute('aria-pressed'), 'true');
  await frame(page);
  await changedPixels(page, 'steps', 'step');

  for (let i = 1; i <= 3; i++) {
    const k = await press(page, 'ArrowRight');
    assert.deepEqual([k.step, k.prevented], [i, true], `ArrowRight #${i}`);
  }
  let k = await press(page, ' ');
  assert.deepEqual([k.step, k.prevented], [4, true], 'Space');
  k = await press(page, 'PageDown');
  assert.deepEqual([k.step, k.prevented], [5, true], 'PageDown');
  assert.equal(await page.locator('#step-count').textContent(), `5 / ${last}`);
  await frame(page);
  const diff = await changedPixels(page, 'steps', 'step');
  const stats = await canvasStats(page, 'steps');
  assert.ok(diff > stats.total * 0.005, `#steps changed only ${diff} of ${stats.total} pixels between step 0 and step 5`);
  assert.ok(stats.nonWhite > stats.total * 0.01, '#steps is drawn');

  k = await press(page, 'ArrowLeft');
  assert.deepEqual([k.step, k.prevented], [4, true], 'ArrowLeft');
  k = await press(page, 'PageUp');
  assert.deepEqual([k.step, k.prevented], [3, true], 'PageUp');

  // To the last step; a further "next" is not consumed.
  for (let s = 4; s <= last; s++) {
    k = await press(page, 'ArrowRight');
    assert.deepEqual([k.step, k.prevented], [s, true], `ArrowRight to ${s}`);
  }
  assert.equal(await page.locator('#step-next').isDisabled(), true, 'next disabled at the last step');
  assert.equal(await page.locator('#step-count').textContent(), `${last} / ${last}`);
  for (const key of ['ArrowRight', 'PageDown', ' ']) {
    k = await press(page, key);
    assert.deepEqual([k.step, k.prevented], [last, false], `${JSON.stringify(key)} at the last step stays and is not prevented`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator('#steps').focus();
  // Back to the first step; a further "previous" is not consumed.
  for (let s = last - 1; s >= 0; s--) {
    k = await press(page, s % 2 ? 'ArrowLeft' : 'PageUp');
    assert.deepEqual([k.step, k.prevented], [s, true], `back to ${s}`);
  }
  assert.equal(await page.locator('#step-prev').isDisabled(), true, 'previous disabled at step 0');
  for (const key of ['ArrowLeft', 'PageUp']) {
    k = await press(page, key);
    assert.deepEqual([k.step, k.prevented], [0, false], `${key} at step 0 stays and is not prevented`);
  }
  // In the middle again: prevented.
  k = await press(page, 'ArrowRight');
  assert.deepEqual([k.step, k.prevented], [1, true]);
  // Keys outside the section do nothing to the steps.
  await page.locator('#map').focus();
  await page.keyboard.press('PageDown');
  assert.equal((await state(page)).step, 1, 'PageDown on the map does not step');
});

pageTest('3b. #step=7 in the URL opens the step-through at step 7', '?scene=why-din-works#step=7', async (page) => {
  const s = await state(page);
  assert.equal(s.scene, 'why-din-works');
  assert.equal(s.step, 7);
  assert.equal(await page.locator('#step-count').textContent(), '7 / 12');
  assert.equal(await page.locator('#steps-toggle').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#step-prev').isDisabled(), false);
  assert.equal(await page.locator('#step-next').isDisabled(), false);
  assert.equal(await page.locator('#message').textContent(), '');
  await frame(page);
  const st = await canvasStats(page, 'steps');
  assert.ok(st.nonWhite > st.total * 0.01, '#steps drawn at step 7');
  // Clamped at the last step, and step=0 is allowed.
  await navigate(page, '?scene=why-din-works&step=99');
  assert.equal((await state(page)).step, 12, 'step=99 is clamped to n + 3');
  await navigate(page, '#scene=interest-intensity&step=0');
  assert.equal((await state(page)).step, 0);
  assert.equal(await page.locator('#step-count').textContent(), '0 / 13');
});

// ------------------------------------------------------------------ 4. language

/**
 * Every visible string of the page: text nodes (hidden elements skipped),
 * the options of visible selects, aria-label, title, placeholder, and the
 * document title. Each entry: {where, text}.
 */
function visibleStrings(page) {
  return page.evaluate(() => {
    const hidden = (el) => {
      if (el.closest('[hidden]')) return true;
      if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return true;
      for (let e = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none') return true;
      }
      return getComputedStyle(el).visibility === 'hidden';
    };
    const describe = (el) => {
      let s = el.tagName.toLowerCase();
      if (el.id) s += `#${el.id}`;
      else if (el.dataset && el.dataset.i18n) s += `[data-i18n=${el.dataset.i18n}]`;
      else if (el.className && typeof el.className === 'string') s += `.${el.className.trim().split(/\s+/).join('.')}`;
      const host = el.parentElement && el.parentElement.closest('[id]');
      return host && host !== el ? `${s} in #${host.id}` : s;
    };
    const out = [{ where: 'document.title', text: document.title }];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const el = node.parentElement;
      if (!text || !el) continue;
      if (el.closest('script, style, template, select')) continue;
      if (hidden(el)) continue;
      out.push({ where: describe(el), text });
    }
    for (const sel of document.querySelectorAll('select')) {
      if (hidden(sel)) continue;
      for (const o of sel.options) out.push({ where: `option[value=${o.value}] of ${describe(sel)}`, text: o.textContent.trim(), option: true });
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (hidden(el)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(attr);
        if (v && v.trim()) out.push({ where: `${attr} of ${describe(el)}`, text: v.trim() });
      }
    }
    return out;
  });
}

// Words allowed in the Chinese interface: names, terms of the lecture, maths.
const ZH_ALLOWED = new Set([
  'DIN', 'LastN', 'PCA', 'softmax', 'sigmoid', 'PReLU', 'Dice', 'query', 'key', 'value', 'output',
  'Zhou', 'KDD', 'Deep', 'Interest', 'Network', 'for', 'Click-Through', 'Click', 'Through', 'Rate', 'Prediction', 'English',
  // mathematical names
  'exp', 'log', 'max', 'min', 'sqrt', 'tanh', 'argmax', 'ReLU',
]);
const CJK = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;

function userData(s) {
  return [...s.items.map((it) => it.label), ...CANDIDATE_LABELS].filter(Boolean).sort((a, b) => b.length - a.length);
}

function stripAll(text, parts) {
  let t = text;
  for (const p of parts) t = t.split(p).join(' ');
  return t;
}

/** Strings of the zh page with English words not in the allow-list. */
function untranslatedZh(strings, s) {
  const labels = userData(s);
  const labelWords = new Set(labels.flatMap((l) => l.match(/[A-Za-z]+(?:-[A-Za-z]+)*/g) || []));
  const bad = [];
  for (const { where, text } of strings) {
    const t = stripAll(text, [...labels, 'make weights']);
    const words = (t.match(/[A-Za-z]+(?:-[A-Za-z]+)*/g) || [])
      .filter((w) => w.replace(/-/g, '').length >= 3)
      .filter((w) => !ZH_ALLOWED.has(w) && !labelWords.has(w) && !w.split('-').every((p) => p.length < 3 || ZH_ALLOWED.has(p)));
    if (words.length) bad.push(`${where}: "${text}" (${[...new Set(words)].join(', ')})`);
  }
  return bad;
}

/** Strings of the en page with Chinese characters outside the language button and user data. */
function chineseInEn(strings, s) {
  const labels = userData(s);
  const bad = [];
  for (const { where, text } of strings) {
    if (where === 'button#lang' && text === '中文') continue;
    const t = stripAll(text, labels);
    if (CJK.test(t)) bad.push(`${where}: "${text}"`);
  }
  return bad;
}

/** Walks the page in a few states (default, activation unit, authors', step-through). */
async function walk(page, lang) {
  const findings = [];
  const check = async (what) => {
    const s = await state(page);
    assert.equal(s.lang, lang, `${what}: state.lang`);
    const strings = await visibleStrings(page);
    assert.ok(strings.length > 40, `${what}: only ${strings.length} strings found`);
    const bad = lang === 'zh' ? untranslatedZh(strings, s) : chineseInEn(strings, s);
    for (const b of bad) if (!findings.includes(b)) findings.push(b);
  };
  await check('default');
  await setState(page, { similarity: 'unit', activation: 'dice', normalization: 'none' });
  await check('unit');
  await setState(page, { similarity: 'authors' });
  await check('authors');
  await page.locator('#steps-toggle').click();
  await check('step-through');
  await setState(page, { step: null, similarity: 'dot', normalization: 'softmax' });
  return findings;
}

for (const lang of ['en', 'zh']) {
  pageTest(`4${lang === 'en' ? 'a' : 'b'}. untranslated-string walker, lang=${lang}`, `?scene=why-din-works&lang=${lang}`, async (page, t) => {
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang === 'zh' ? 'zh-CN' : 'en');
    let findings = await walk(page, lang);
    await navigate(page, `?scene=interest-intensity&candidate=phone&lang=${lang}`);
    findings = [...findings, ...(await walk(page, lang)).filter((f) => !findings.includes(f))];
    record(`4 walker ${lang}`, findings);
    for (const f of findings) t.diagnostic(`untranslated (${lang}): ${f}`);
    assert.deepEqual(findings, [], `strings not in ${lang === 'zh' ? 'Chinese' : 'English'}:\n  ${findings.join('\n  ')}`);
  });
}

pageTest('4c. the #lang button toggles the language of the page', '?scene=why-din-works&lang=en', async (page, t) => {
  const help = page.locator('#pooled-norm + .h');
  const snap = () => page.evaluate(() => ({
    htmlLang: document.documentElement.lang,
    lang: window.din.state().lang,
    button: document.getElementById('lang').textContent,
    buttonAria: document.getElementById('lang').getAttribute('aria-label'),
    title: document.title,
    caption: document.querySelector('#caption > span.on').textContent,
    scene: document.querySelector('#scene option:checked').textContent,
  }));
  const en = await snap();
  assert.equal(en.htmlLang, 'en');
  assert.equal(en.lang, 'en');
  assert.equal(en.button, '中文');
  assert.equal(await help.textContent(), 'weighted sum');
  await frame(page);
  await changedPixels(page, 'bars', 'lang');
  const before = await state(page);

  await page.locator('#lang').click();
  const zh = await snap();
  assert.equal(zh.htmlLang, 'zh-CN');
  assert.equal(zh.lang, 'zh');
  assert.equal(zh.button, 'English');
  assert.equal(zh.buttonAria, '切换到英文');
  assert.equal(await help.textContent(), '加权和');
  assert.match(zh.title, /注意力/);
  assert.match(zh.caption, /美食/);
  assert.match(zh.scene, /DIN 有效/);
  assert.equal(await page.locator('[data-i18n="steps-on"]').textContent(), '开始分步演示');
  const after = await state(page);
  assert.deepEqual({ ...after, lang: 'en' }, before, 'the scene is unchanged by the language');
  await frame(page);
  assert.ok((await changedPixels(page, 'bars', 'lang')) > 50, 'the bar chart is redrawn in Chinese');
  // The walker finds the same as with lang=zh in the URL.
  const findings = untranslatedZh(await visibleStrings(page), after);
  for (const f of findings) t.diagnostic(`untranslated after the toggle: ${f}`);

  await page.locator('#lang').click();
  const back = await snap();
  assert.deepEqual(back, en, 'toggling twice restores English');
  assert.equal(await help.textContent(), 'weighted sum');
  // The keyboard works too.
  await page.locator('#lang').focus();
  await page.keyboard.press('Enter');
  assert.equal((await state(page)).lang, 'zh');
  await page.keyboard.press(' ');
  assert.equal((await state(page)).lang, 'en');
  assert.deepEqual(findings, [], `strings left in English after the toggle:\n  ${findings.join('\n  ')}`);
});

// ------------------------------------------------------------------ 5. screenshots

test('5. screenshots of every panel and the full page in en and zh at dpr 2', async () => {
  const written = [];
  for (const lang of ['en', 'zh']) {
    const { context, page, problems } = await openPage(`?scene=why-din-works&lang=${lang}`, HIDPI);
    try {
      assert.equal(await page.evaluate(() => window.devicePixelRatio), 2);
      await frame(page);
      const ids = ['bars', 'map', 'heatmap', 'steps', 'qkv', 'towers'];
      if (await page.locator('#unit').count()) ids.push('unit');
      for (const id of ids) {
        const s = await canvasStats(page, id);
        assert.equal(s.width, Math.round(s.cssWidth * 2), `#${id} backing width at dpr 2`);
        assert.equal(s.height, Math.round(s.cssHeight * 2), `#${id} backing height at dpr 2`);
        assert.ok(s.cssWidth > 100 && s.cssHeight > 60, `#${id} CSS size ${s.cssWidth}x${s.cssHeight}`);
        assert.ok(s.nonWhite > s.total * 0.01, `#${id} nearly blank in ${lang}`);
        assert.ok(s.colours >= 8, `#${id} has only ${s.colours} colours in ${lang}`);
        const panel = page.locator(`#${id}`).locator('xpath=ancestor-or-self::*[@data-panel][1]');
        const target = (await panel.count()) ? panel : page.locator(`#${id}`);
        await target.scrollIntoViewIfNeeded();
        await frame(page);
        const file = path.join(OUT, `panel-${id}-${lang}.png`);
        await target.screenshot({ path: file });
        written.push(file);
      }
      // The step-through in the middle of the build-up.
      await setState(page, { step: 5 });
      await frame(page);
      const file = path.join(OUT, `panel-steps-5-${lang}.png`);
      await page.locator('[data-panel="steps"]').screenshot({ path: file });
      written.push(file);
      await setState(page, { step: null });
      await frame(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      const full = path.join(OUT, `page-${lang}.png`);
      await page.screenshot({ path: full, fullPage: true });
      written.push(full);
    } finally {
      await context.close().catch(() => {});
    }
    assert.deepEqual(problems, [], `${lang}: the page logged console errors, threw, or requested a foreign host`);
  }
  for (const f of written) assert.ok(existsSync(f), `${f} written`);
});
