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

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serveAndLaunch, openWatchedPage, checkPage, changedPixels, waitReady } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'tests', 'e2e', 'out');
const NUMBERS = path.join(OUT, 'lecture-numbers.json');
const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-US' };
const HIDPI = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 2, locale: 'en-US' };

let baseUrl = '';
let browser = null;

// ------------------------------------------------------------------ setup

before(() => {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(NUMBERS, '{}\n');
});
serveAndLaunch((s) => ({ browser, base: baseUrl } = s));


/** Opens /www/<suffix> in a fresh, watched context (see harness.mjs). */
const openPage = (suffix = '', contextOptions = DESKTOP) => openWatchedPage(browser, baseUrl + suffix, contextOptions);

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
      // Tried again at once: each attempt waits on conditions of its own.
      if (attempt >= 3) throw new Error(`the page /www/${suffix} did not become ready (3 attempts): ${e.message}`);
    }
  }
}

/** A test on a freshly opened page at /www/<suffix>; fails on any page problem collected meanwhile. */
function pageTest(name, suffix, fn, contextOptions = DESKTOP, testOptions = {}) {
  test(name, testOptions, async (t) => checkPage(await openPage(suffix, contextOptions), (page, context) => fn(page, t, context)));
}

// ------------------------------------------------------------------ page helpers

const state = (page) => page.evaluate(() => window.din.state());
const frame = (page) => page.evaluate(() => window.din.frame());
const setState = (page, patch) => page.evaluate((p) => window.din.setState(p), patch);

/**
 * Pixel statistics of a canvas' backing store, from every 3rd pixel of
 * every 3rd row (total and nonWhite count the sampled pixels).
 */
function canvasStats(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    // A chart below the fold is left undrawn until seen; reading its pixels draws it first (visibility.js).
    c.getContext('2d').getImageData(0, 0, 1, 1);
    const rect = c.getBoundingClientRect();
    const { width, height } = c;
    const data = c.getContext('2d').getImageData(0, 0, width, height).data;
    let nonWhite = 0;
    let total = 0;
    const colours = new Set();
    for (let y = 0; y < height; y += 3) {
      for (let x = 0; x < width; x += 3) {
        const i = (y * width + x) * 4;
        const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
        total++;
        if (a > 0 && !(r > 245 && g > 245 && b > 245)) nonWhite++;
        if (colours.size < 64) colours.add((r << 24) | (g << 16) | (b << 8) | a);
      }
    }
    return { width, height, cssWidth: rect.width, cssHeight: rect.height, total, nonWhite, colours: colours.size };
  }, id);
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
      cars: { en: /\bcars?\b/, zh: /汽车/ },
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

/** Everything test 1 looks at, read in one go. */
function urlView(page) {
  return page.evaluate(() => {
    const box = document.getElementById('caption');
    const vis = (el) => el.checkVisibility({ visibilityProperty: true });
    const spans = [...box.querySelectorAll(':scope > span')];
    return {
      state: window.din.state(),
      alpha: window.din.result().alpha,
      htmlLang: document.documentElement.lang,
      sceneMenu: document.getElementById('scene').value,
      candidateMenu: document.getElementById('candidate').value,
      candidateDisabled: document.getElementById('candidate').disabled,
      message: document.getElementById('message').textContent,
      messageKind: document.getElementById('message').dataset.kind || '',
      messageVisible: vis(document.getElementById('message')),
      fatalHidden: document.getElementById('fatal').hidden,
      captionShown: !box.hidden && vis(box),
      captionOn: spans.filter((sp) => sp.classList.contains('on')).map((sp) => ({ key: sp.dataset.key, text: sp.textContent, visible: vis(sp) })),
      captionVisible: spans.filter(vis).map((sp) => sp.dataset.key),
      sliders: document.querySelectorAll('#query input[type=range]').length,
      rows: document.querySelectorAll('#items-body tr').length,
      dim: document.getElementById('dim').value,
    };
  });
}

/** Asserts the page opened `scene` with candidate `cand` in `lang`, its caption mentioning `word`. */
function assertOpened(v, suffix, { scene, cand, lang, n, word }) {
  assert.equal(v.state.scene, scene, `${suffix}: state.scene`);
  assert.equal(v.state.candidate, cand, `${suffix}: state.candidate`);
  assert.equal(v.state.lang, lang, `${suffix}: state.lang`);
  assert.equal(v.htmlLang, lang === 'zh' ? 'zh-CN' : 'en', `${suffix}: <html lang>`);
  assert.equal(v.state.items.length, n, `${suffix}: number of items`);
  assert.equal(v.alpha.length, n, `${suffix}: one alpha per item`);
  assert.equal(v.state.step, null, `${suffix}: step-through off`);
  assert.equal(v.sceneMenu, scene, `${suffix}: scene menu`);
  assert.equal(v.candidateMenu, cand, `${suffix}: candidate menu`);
  assert.equal(v.captionShown, true, `${suffix}: the caption box is shown`);
  assert.equal(v.captionOn.length, 1, `${suffix}: exactly one caption span is on: ${JSON.stringify(v.captionOn)}`);
  assert.deepEqual(v.captionVisible, [cand], `${suffix}: the visible caption span(s)`);
  assert.equal(v.captionOn[0].visible, true, `${suffix}: the caption span that is on is visible`);
  assert.match(v.captionOn[0].text, word, `${suffix}: caption "${v.captionOn[0].text}"`);
  // The caption names items and the candidate by their labels (user data, in both languages): not counted.
  const bare = [...CANDIDATE_LABELS, ...v.state.items.map((it) => it.label)].reduce((t, l) => t.split(l).join(''), v.captionOn[0].text);
  if (lang === 'zh') assert.match(bare, /[\u4e00-\u9fff]/, `${suffix}: zh caption is Chinese`);
  else assert.doesNotMatch(bare, /[\u4e00-\u9fff]/, `${suffix}: en caption has no Chinese apart from labels`);
  assert.equal(v.message, '', `${suffix}: no message`);
}

test('1a. every scene and candidate opens from ?query and #hash; the caption names it in en and zh; the hash wins', async () => {
  const { context, page, problems } = await openPage('?scene=why-din-works');
  try {
    for (const [scene, { n, candidates }] of Object.entries(SCENES)) {
      const queries = new Map();
      const first = Object.keys(candidates)[0];
      for (const [cand, words] of Object.entries(candidates)) {
        // ?query in English, #hash in Chinese, and the other way round for the first candidate.
        const forms = [['?', 'en'], ['#', 'zh']];
        for (const [form, lang] of forms) {
          const suffix = `${form}scene=${scene}&candidate=${cand}&lang=${lang}`;
          await navigate(page, suffix);
          const v = await urlView(page);
          assertOpened(v, suffix, { scene, cand, lang, n, word: words[lang] });
          const key = JSON.stringify(v.state.query);
          if (!queries.has(cand)) queries.set(cand, key);
          else assert.equal(key, queries.get(cand), `${suffix}: the same q as the first load of ${cand}`);
        }
      }
      assert.equal(new Set(queries.values()).size, Object.keys(candidates).length, `${scene}: every candidate has its own q`);
      // The scene alone opens with its first candidate.
      const suffix = `#scene=${scene}`;
      await navigate(page, suffix);
      const v = await urlView(page);
      assertOpened(v, suffix, { scene, cand: first, lang: 'en', n, word: candidates[first].en });
      assert.equal(JSON.stringify(v.state.query), queries.get(first), `${suffix}: q of ${first}`);
    }
    // The hash wins over the query string, key by key.
    const cases = [
      ['?scene=interest-intensity#scene=why-din-works&candidate=news', { scene: 'why-din-works', cand: 'news', lang: 'en', n: 9, word: /\bnews\b/ }],
      ['?scene=why-din-works&candidate=news&lang=zh#scene=interest-intensity&candidate=phone&lang=en', { scene: 'interest-intensity', cand: 'phone', lang: 'en', n: 10, word: /\bphone\b/ }],
      ['?scene=why-din-works&candidate=food&lang=en#candidate=cars&lang=zh', { scene: 'why-din-works', cand: 'cars', lang: 'zh', n: 9, word: /汽车/ }],
    ];
    for (const [suffix, want] of cases) {
      await navigate(page, suffix);
      assertOpened(await urlView(page), suffix, want);
    }
  } finally {
    await context.close().catch(() => {});
  }
  assert.deepEqual(problems, [], 'the page logged console errors, threw, or requested a foreign host');
});

test('1b. scene=blank&d=4 opens an empty scene of d = 4; invalid URL values are explained and the page still works', async () => {
  const { context, page, problems } = await openPage('?scene=blank&d=4');
  try {
    for (const [suffix, lang, word] of [['?scene=blank&d=4', 'en', /empty/i], ['?scene=why-din-works&d=7&lang=en#scene=blank&d=4&lang=zh', 'zh', /空/]]) {
      if (lang !== 'en') await navigate(page, suffix);
      const v = await urlView(page);
      assert.equal(v.state.scene, 'blank', suffix);
      assert.equal(v.state.lang, lang, suffix);
      assert.deepEqual(v.state.query, [0, 0, 0, 0], `${suffix}: d = 4 and q = 0`);
      assert.deepEqual(v.state.items, [], `${suffix}: no items`);
      assert.equal(v.state.candidate, '', `${suffix}: no candidate`);
      assert.deepEqual(v.alpha, []);
      assert.equal(v.dim, '4');
      assert.equal(v.rows, 0);
      assert.equal(v.sliders, 4);
      assert.equal(v.candidateDisabled, true, `${suffix}: no candidates to pick`);
      assert.equal(v.captionShown, true);
      assert.deepEqual(v.captionVisible, [''], `${suffix}: the scene's own caption`);
      assert.match(v.captionOn[0].text, word);
      assert.equal(v.message, '', `${suffix}: no message`);
    }

    // Invalid values: each is explained in #message; the rest still applies.
    const bad = [
      ['?scene=nope', [/nope/], { scene: 'why-din-works', candidate: 'food', lang: 'en' }],
      ['#scene=why-din-works&candidate=zzz', [/zzz/], { scene: 'why-din-works', candidate: 'food', lang: 'en' }],
      ['?scene=why-din-works&step=abc', [/abc/], { scene: 'why-din-works', step: null, lang: 'en' }],
      ['?scene=why-din-works&lang=fr', [/fr/], { scene: 'why-din-works', lang: 'en' }],
      ['?scene=nope&candidate=zzz&step=abc&lang=fr', [/nope/, /zzz/, /abc/, /fr/], { scene: 'why-din-works', candidate: 'food', lang: 'en', step: null }],
    ];
    for (const [suffix, why, want] of bad) {
      await navigate(page, suffix);
      const v = await urlView(page);
      for (const w of why) assert.match(v.message, w, `${suffix}: message "${v.message}"`);
      assert.equal(v.messageKind, 'error', `${suffix}: message kind`);
      assert.equal(v.messageVisible, true, `${suffix}: message visible`);
      for (const [k, val] of Object.entries(want)) assert.equal(v.state[k], val, `${suffix}: state.${k}`);
      assert.equal(v.state.items.length, 9, `${suffix}: the default scene's items`);
      assert.equal(v.fatalHidden, true, `${suffix}: no fatal overlay`);
      await assertDrawn(page, suffix);
      // Still works: an edit applies and redraws.
      await changedPixels(page, 'bars', 'bad');
      const edited = await page.evaluate(() => {
        const before = window.din.result().alpha;
        window.din.setState({ similarity: 'cosine', normalization: 'none' });
        return { before, after: window.din.result().alpha, similarity: window.din.state().similarity };
      });
      assert.equal(edited.similarity, 'cosine', `${suffix}: setState applies`);
      assert.notDeepEqual(edited.after, edited.before, `${suffix}: alpha follows an edit`);
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
const comboName = (c) => Object.values(c).join('/');

/**
 * Applies each patch with din.setState and reads state, result and the
 * controls after each, all in one evaluation (no redraw in between).
 */
function applyAll(page, patches) {
  return page.evaluate((patches) => patches.map((p) => {
    window.din.setState(p);
    const $ = (id) => document.getElementById(id);
    return {
      patch: p,
      state: window.din.state(),
      result: window.din.result(),
      alphaSumText: $('alpha-sum').textContent,
      pooledNormText: $('pooled-norm').textContent,
      similarityMenu: $('similarity').value,
      activationMenu: $('activation').value,
      activationRowShown: $('activation-row').checkVisibility(),
      maxLenShown: $('maxlen-row').checkVisibility(),
      maxLenText: $('maxlen').value,
      paddedText: $('padded').textContent,
      normalizationDisabled: $('normalization').disabled,
    };
  }), patches);
}

/**
 * The number a readout shows matches `value` to the 3 or 4 digits it shows.
 * The readout is written by the charts' formatter (explain::fmt_num, issue
 * 12): the minus sign is U+2212 and trailing zeros are dropped.
 */
function assertReadout(text, value, what) {
  const shown = Number(text.replace(/\u2212/g, '-'));
  assert.ok(Number.isFinite(shown) && text.trim() !== '', `${what}: readout "${text}" is not a number`);
  assert.ok(Math.abs(shown - value) <= Math.max(5e-4, Math.abs(value) * 5e-3), `${what}: readout "${text}" for ${value}`);
}

/** The checks every combination must pass; returns the result. */
function checkApplied(v) {
  const what = comboName(v.patch);
  for (const [k, val] of Object.entries(v.patch)) assert.equal(v.state[k], val, `${what}: state.${k}`);
  const r = v.result;
  assert.ok(r.alpha.every(Number.isFinite), `${what}: finite alphas ${r.alpha}`);
  const sum = r.alpha.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - r.alphaSum) < 1e-9, `${what}: alphaSum ${r.alphaSum} vs Σ alpha ${sum}`);
  assertReadout(v.alphaSumText, r.alphaSum, `${what}: #alpha-sum`);
  assertReadout(v.pooledNormText, r.pooledNorm, `${what}: #pooled-norm`);
  assert.equal(v.similarityMenu, v.patch.similarity, `${what}: similarity menu`);
  if (v.patch.activation) {
    assert.equal(v.activationMenu, v.patch.activation, `${what}: activation menu`);
    assert.equal(v.activationRowShown, true, `${what}: activation row shown`);
  }
  return r;
}

pageTest('2a. food candidate: every definition of alpha gives each food item more weight than any other item', '?scene=why-din-works&candidate=food', async (page) => {
  const s0 = await state(page);
  assert.equal(s0.candidate, 'food');
  assert.deepEqual(s0.items.slice(0, 3).map((it) => it.label), ['ramen 拉面', 'dumplings 饺子', 'hotpot 火锅'], 'items 0-2 are food');
  const seen = {};
  const failures = [];
  for (const v of await applyAll(page, [...SIMILARITY_COMBOS, ...UNIT_COMBOS, ...AUTHORS_COMBOS])) {
    const r = checkApplied(v);
    assert.equal(r.alpha.length, 9);
    const foodMin = Math.min(...r.alpha.slice(0, 3));
    const otherMax = Math.max(...r.alpha.slice(3));
    seen[comboName(v.patch)] = { foodMin: fmt(foodMin), otherMax: fmt(otherMax), alphaSum: fmt(r.alphaSum), alpha: r.alpha.map(fmt).join(' ') };
    if (!(foodMin > otherMax)) failures.push(`${comboName(v.patch)}: min food alpha ${fmt(foodMin)} <= max other alpha ${fmt(otherMax)} (alpha ${r.alpha.map(fmt).join(', ')})`);
  }
  record('2a food', seen);
  await assertDrawn(page, 'after the definitions');
  assert.deepEqual(failures, [], 'food items must get more weight than every other item');
});

pageTest('2b. news candidate: no category stands out', '?scene=why-din-works&candidate=news', async (page) => {
  assert.equal((await state(page)).candidate, 'news');
  const seen = {};
  const failures = [];
  const combos = [...SIMILARITY_COMBOS.filter((c) => c.normalization === 'softmax'), ...UNIT_COMBOS, ...AUTHORS_COMBOS];
  for (const v of await applyAll(page, combos)) {
    const r = checkApplied(v);
    const means = [0, 3, 6].map((k) => (r.alpha[k] + r.alpha[k + 1] + r.alpha[k + 2]) / 3);
    const ratio = Math.max(...means) / Math.min(...means);
    const unit = v.patch.similarity === 'unit' || v.patch.similarity === 'authors';
    const limit = unit ? 2 : 1.5;
    seen[comboName(v.patch)] = { ratio: fmt(ratio), limit, means: means.map(fmt).join(' '), alphaSum: fmt(r.alphaSum) };
    const flat = Math.min(...means) > 0 && ratio < limit;
    // The activation unit's own relevance sigmoid(z) (no softmax) must be
    // low for every item: no interest matches. Softmax over the unit's
    // logits (and the authors' variant) rescales those tiny relevances to
    // sum to 1, so there a category may look large although every raw
    // relevance is near 0; the caption explains it. Flat is then not
    // required, low raw relevance is.
    const low = unit && v.patch.normalization === 'none' && Math.max(...r.alpha) < 0.1;
    if (unit && v.patch.normalization !== 'none' || v.patch.similarity === 'authors') {
      const raw = await page.evaluate((p) => { const before = window.din.state(); window.din.setState({ ...p, similarity: 'unit', normalization: 'none' }); const a = window.din.result().alpha; window.din.setState(before); return a; }, v.patch);
      seen[comboName(v.patch)].rawMax = fmt(Math.max(...raw));
      if (!(flat || Math.max(...raw) < 0.1)) failures.push(`${comboName(v.patch)}: neither flat (max/min ${fmt(ratio)}) nor low raw relevance (max ${fmt(Math.max(...raw))})`);
      continue;
    }
    if (!(flat || low)) failures.push(`${comboName(v.patch)}: category means food/make-up/cars ${means.map(fmt).join(', ')}, max/min ${fmt(ratio)} (limit ${limit})`);
  }
  record('2b news', seen);
  await assertDrawn(page, 'after the definitions');
  assert.deepEqual(failures, [], 'with the news candidate the category means must be close');
});

test('2c. interest intensity with the activation unit: Σα larger for the T-shirt than the phone (and |pooled| with α = sigmoid(z)); softmax hides it', async () => {
  const seen = {};
  const failures = [];
  // Both weight forms without softmax: the paper's α = z and this project's α = sigmoid(z).
  const combos = UNIT_COMBOS.flatMap((c) => ['z', 'sigmoid'].map((weight) => ({ ...c, weight })));
  for (const cand of ['tshirt', 'phone']) {
    const { context, page, problems } = await openPage(`?scene=interest-intensity&candidate=${cand}`);
    try {
      const s0 = await state(page);
      assert.equal(s0.candidate, cand);
      assert.equal(s0.items.length, 10);
      assert.equal(s0.weight, 'z', 'the scene opens with the paper\'s α = z');
      for (const v of await applyAll(page, combos)) {
        const r = checkApplied(v);
        assert.equal(v.state.candidate, cand, 'the candidate is kept');
        seen[`${cand} ${comboName(v.patch)}`] = { alphaSum: r.alphaSum, pooledNorm: r.pooledNorm, readout: v.alphaSumText };
        if (v.patch.normalization === 'softmax') {
          if (Math.abs(r.alphaSum - 1) >= 1e-9) failures.push(`${cand} ${comboName(v.patch)}: alphaSum ${r.alphaSum}, not 1`);
          assert.equal(v.alphaSumText, '1', `${cand} ${comboName(v.patch)}: Σα readout`);
        }
      }
      await assertDrawn(page, cand);
    } finally {
      await context.close().catch(() => {});
    }
    assert.deepEqual(problems, [], `${cand}: the page logged console errors, threw, or requested a foreign host`);
  }
  for (const activation of ['sigmoid', 'prelu', 'dice']) {
    // α = sigmoid(z): every weight in (0, 1), so both Σα and |pooled| grow with the related items.
    let t = seen[`tshirt unit/${activation}/none/sigmoid`];
    let p = seen[`phone unit/${activation}/none/sigmoid`];
    let line = `${activation}, sigmoid(z): Σα T-shirt ${fmt(t.alphaSum)} vs phone ${fmt(p.alphaSum)} (ratio ${fmt(t.alphaSum / p.alphaSum)}), |pooled| ${fmt(t.pooledNorm)} vs ${fmt(p.pooledNorm)}`;
    if (!(p.alphaSum > 0 && t.alphaSum > 0)) failures.push(`${line}: Σα must be > 0`);
    if (!(t.alphaSum >= 2 * p.alphaSum)) failures.push(`${line}: Σα(T-shirt) must be >= 2 Σα(phone)`);
    if (!(t.pooledNorm > p.pooledNorm)) failures.push(`${line}: |pooled|(T-shirt) must be > |pooled|(phone)`);
    // The paper's α = z, with the unit trained for it (weights/*-z.json): the 9 clothes items
    // give the T-shirt a large Σα, the phone's one related item a small one (as the Rust presets
    // test asserts: Σα(T-shirt) > 2 and > 3 |Σα(phone)|, |pooled| more than 3 times).
    t = seen[`tshirt unit/${activation}/none/z`];
    p = seen[`phone unit/${activation}/none/z`];
    line = `${activation}, α = z: Σα T-shirt ${fmt(t.alphaSum)} vs phone ${fmt(p.alphaSum)}, |pooled| ${fmt(t.pooledNorm)} vs ${fmt(p.pooledNorm)}`;
    if (!(t.alphaSum > 2 && t.alphaSum > 3 * Math.abs(p.alphaSum))) failures.push(`${line}: Σα(T-shirt) must be > 2 and > 3 |Σα(phone)|`);
    if (!(t.pooledNorm > 3 * p.pooledNorm)) failures.push(`${line}: |pooled|(T-shirt) must be > 3 |pooled|(phone)`);
  }
  record('2c intensity', Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, { alphaSum: fmt(v.alphaSum), pooledNorm: fmt(v.pooledNorm), readout: v.readout }])));
  assert.deepEqual(failures, [], 'the activation unit must show the intensity of interest without softmax');
});

pageTest("2d. authors' variant: maxLen in the state, padded slots = maxLen − n, alphas sum to 1", '?scene=why-din-works&candidate=food', async (page) => {
  const seen = {};
  const patches = [...AUTHORS_COMBOS, { maxLen: 9 }, { maxLen: 20 }, { maxLen: 50 }, { activation: 'sigmoid', maxLen: 12 }];
  const views = await applyAll(page, patches);
  let maxLen = 12;
  for (const v of views) {
    const what = JSON.stringify(v.patch);
    if (v.patch.maxLen) maxLen = v.patch.maxLen;
    const r = v.result;
    assert.equal(v.state.similarity, 'authors', what);
    assert.equal(v.state.maxLen, maxLen, `${what}: state.maxLen`);
    assert.equal(v.state.normalization, 'softmax', `${what}: the authors' code always uses softmax`);
    assert.ok(Math.abs(r.alphaSum - 1) < 1e-9, `${what}: alphaSum ${r.alphaSum}`);
    assert.equal(v.alphaSumText, '1', `${what}: Σα readout`);
    assert.equal(r.alpha.length, 9, `${what}: one alpha per real item; padded slots get none`);
    assert.ok(r.alpha.every((a) => a > 0), `${what}: every real item gets weight`);
    assert.equal(v.maxLenShown, true, `${what}: max length row shown`);
    assert.equal(v.activationRowShown, true, `${what}: activation row shown`);
    assert.equal(v.maxLenText, String(maxLen), `${what}: max length field`);
    assert.match(v.paddedText, new RegExp(`^${maxLen - 9}\\s`), `${what}: padded slots ${maxLen} − 9, shown "${v.paddedText}"`);
    assert.equal(v.normalizationDisabled, true, `${what}: normalization fixed to softmax`);
    seen[what] = { maxLen: v.state.maxLen, padded: v.paddedText, alphaSum: r.alphaSum };
  }
  // The masked padding changes nothing: the same alphas for every maxLen >= n.
  const a9 = views[3].result.alpha;
  const a50 = views[5].result.alpha;
  a9.forEach((a, i) => assert.ok(Math.abs(a - a50[i]) < 1e-12, `alpha ${i}: ${a} at maxLen 9, ${a50[i]} at maxLen 50`));
  // The field on the page sets it too.
  await page.locator('#maxlen').fill('15');
  await page.locator('#maxlen').press('Enter');
  assert.equal((await state(page)).maxLen, 15);
  assert.match(await page.locator('#padded').textContent(), /^6\s/);
  record('2d authors', seen);
  await assertDrawn(page, 'authors');
});

// ------------------------------------------------------------------ 3. step-through

/** Waits until the outcome of every logged key has been read (after its dispatch). */
const keysRead = (page) => page.waitForFunction(() => window.__keys.every((k) => k.prevented !== null));

/** The keydowns seen by the test's document-level listener since the last call. */
async function keyLog(page) {
  await keysRead(page);
  return page.evaluate(() => {
    const log = window.__keys;
    window.__keys = [];
    return log.map((k) => [k.key, k.step, k.prevented]);
  });
}

async function pressAll(page, keys) {
  for (const k of keys) {
    await page.keyboard.press(k);
    // The key log reads each key's outcome after its dispatch: wait for that, not for a time.
    await keysRead(page);
  }
}

pageTest('3. step-through with the keyboard only; a key past either end is passed on', '?scene=why-din-works', async (page) => {
  await page.evaluate(() => {
    window.__keys = [];
    window.__focus = [];
    // Capture phase: a key the widget handles stops there and never
    // bubbles to the document; whether it was consumed (and the step it
    // left) is read once the event has been dispatched.
    window.addEventListener('keydown', (e) => {
      const entry = { key: e.key, prevented: null, step: null };
      window.__keys.push(entry);
      setTimeout(() => { entry.prevented = e.defaultPrevented; entry.step = window.din.state().step; }, 0);
    }, true);
    document.addEventListener('focusin', (e) => {
      window.__focus.push({ id: e.target.id, tag: e.target.tagName, inSteps: !!e.target.closest('[data-panel="steps"]') });
    });
  });
  const s0 = await state(page);
  assert.equal(s0.step, null, 'step-through off at first');
  const last = s0.items.length + 3;
  assert.equal(last, 12);
  assert.equal(await page.locator('#step-next').isDisabled(), true);
  assert.equal(await page.locator('#step-prev').isDisabled(), true);

  // Tab through the page (10 at a time) until the focus enters the
  // step-through section; Shift+Tab back over any overshoot.
  let tabs = 0;
  for (;;) {
    await pressAll(page, Array(10).fill('Tab'));
    tabs += 10;
    const focus = await page.evaluate(() => window.__focus);
    const hit = focus.findIndex((f) => f.inSteps);
    if (hit >= 0) {
      const over = focus.length - 1 - hit;
      await pressAll(page, Array(over).fill('Shift+Tab'));
      tabs -= over;
      assert.equal(focus[hit].id, 'steps-toggle', `the first stop in the section is the start button (after ${tabs} Tabs): ${JSON.stringify(focus[hit])}`);
      break;
    }
    assert.ok(tabs < 400, `focus never reached the step-through section in ${tabs} Tabs (last: ${JSON.stringify(focus.at(-1))})`);
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'steps-toggle', `focus on the start button after ${tabs} Tabs`);
  await keyLog(page);
  await page.keyboard.press('Enter');
  assert.deepEqual(await keyLog(page), [['Enter', 0, false]], 'Enter reaches the start button unprevented (and starts at step 0)');
  assert.equal((await state(page)).step, 0, 'Enter on "Start step-through" starts at step 0');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'steps', 'focus moves to the step canvas');
  assert.equal(await page.locator('#steps-toggle').getAttribute('aria-pressed'), 'true');
  await frame(page);
  await changedPixels(page, 'steps', 'step');

  // At step 0 a further "previous" is not consumed.
  await pressAll(page, ['ArrowLeft', 'PageUp']);
  assert.deepEqual(await keyLog(page), [['ArrowLeft', 0, false], ['PageUp', 0, false]], 'keys before step 0 are not prevented');
  assert.equal(await page.locator('#step-prev').isDisabled(), true, 'previous disabled at step 0');
  assert.equal(await page.locator('#step-count').textContent(), `0 / ${last}`);

  await pressAll(page, ['ArrowRight', 'ArrowRight', 'ArrowRight', ' ', 'PageDown']);
  assert.deepEqual(await keyLog(page), [['ArrowRight', 1, true], ['ArrowRight', 2, true], ['ArrowRight', 3, true], [' ', 4, true], ['PageDown', 5, true]]);
  assert.equal(await page.locator('#step-count').textContent(), `5 / ${last}`);
  await frame(page);
  const diff = await changedPixels(page, 'steps', 'step');
  const stats = await canvasStats(page, 'steps');
  assert.ok(diff > stats.width * stats.height * 0.005, `#steps changed only ${diff} of ${stats.width * stats.height} pixels between step 0 and step 5`);
  assert.ok(stats.nonWhite > stats.total * 0.01, '#steps is drawn');

  await pressAll(page, ['ArrowLeft', 'PageUp']);
  assert.deepEqual(await keyLog(page), [['ArrowLeft', 4, true], ['PageUp', 3, true]]);

  // To the last step; a further "next" is not consumed.
  await pressAll(page, Array(last - 3).fill('ArrowRight'));
  assert.deepEqual(await keyLog(page), Array.from({ length: last - 3 }, (_, i) => ['ArrowRight', i + 4, true]));
  assert.equal(await page.locator('#step-next').isDisabled(), true, 'next disabled at the last step');
  assert.equal(await page.locator('#step-count').textContent(), `${last} / ${last}`);
  await pressAll(page, ['ArrowRight', 'PageDown', ' ', 'PageUp']);
  assert.deepEqual(await keyLog(page), [['ArrowRight', last, false], ['PageDown', last, false], [' ', last, false], ['PageUp', last - 1, true]],
    'keys past the last step are not prevented; "previous" from there is');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'steps', 'focus still on the step canvas');
  // Keys outside the section do not step.
  await page.locator('#map').focus();
  await page.keyboard.press('PageDown');
  assert.deepEqual(await keyLog(page), [['PageDown', last - 1, false]], 'PageDown on the map does not step');
  await frame(page);
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
  const st = await canvasStats(page, 'steps');
  assert.ok(st.nonWhite > st.total * 0.01, '#steps drawn at step 7');
  // Clamped at the last step; step=0 is allowed.
  await navigate(page, '?scene=why-din-works&step=99');
  assert.equal((await state(page)).step, 12, 'step=99 is clamped to n + 3');
  await navigate(page, '#scene=interest-intensity&step=0');
  assert.equal((await state(page)).step, 0);
  assert.equal(await page.locator('#step-count').textContent(), '0 / 13');
});

// ------------------------------------------------------------------ 4. language

/**
 * Every visible string of the page in each of a few states: text nodes
 * (hidden elements skipped), the options of visible selects, aria-label,
 * title, placeholder, and the document title. `steps` are applied in turn
 * (a din.setState patch, or "click:<id>"), all in one evaluation. Returns
 * [{step, state, strings: [{where, text}]}].
 */
function visibleStrings(page, steps = [null]) {
  return page.evaluate((steps) => {
    const hidden = (el) => {
      if (el.closest('[hidden]')) return true;
      if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return true;
      for (let e = el; e; e = e.parentElement) {
        if (getComputedStyle(e).display === 'none') return true;
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
    const collect = () => {
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
        for (const o of sel.options) out.push({ where: `option[value=${o.value}] of ${describe(sel)}`, text: o.textContent.trim() });
      }
      for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
        if (hidden(el)) continue;
        for (const attr of ['aria-label', 'title', 'placeholder']) {
          const v = el.getAttribute(attr);
          if (v && v.trim()) out.push({ where: `${attr} of ${describe(el)}`, text: v.trim() });
        }
      }
      return out;
    };
    return steps.map((step) => {
      if (typeof step === 'string' && step.startsWith('click:')) document.getElementById(step.slice(6)).click();
      else if (step) window.din.setState(step);
      return { step, state: window.din.state(), strings: collect() };
    });
  }, steps);
}

// Words allowed in the Chinese interface: names, terms of the lecture, maths.
const ZH_ALLOWED = new Set([
  'DIN', 'LastN', 'SIM', 'PCA', 'softmax', 'sigmoid', 'PReLU', 'Dice', 'query', 'key', 'value', 'output',
  'Zhou', 'KDD', 'Deep', 'Interest', 'Network', 'for', 'Click-Through', 'Click', 'Through', 'Rate', 'Prediction', 'English',
  // names of keys, as printed on the keyboard
  'PageDown', 'PageUp', 'Ctrl', 'Shift', 'Esc',
  // the library whose default the paper's weight α = z is
  'DeepCTR',
  // the train panel: metric and optimiser names, and the browser API the trainer runs in
  'AUC', 'GAUC', 'Adam', 'Web', 'Worker',
  // file formats and tools named in the import/export panel
  'PNG', 'SVG', 'JSON', 'CSV', 'TSV', 'Embedding', 'Projector', 'vectors', 'tsv', 'metadata',
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
    if (where.startsWith('button#lang') && text === '中文') continue;
    const t = stripAll(text, labels);
    if (CJK.test(t)) bad.push(`${where}: "${text}"`);
  }
  return bad;
}

/** Walks the page in a few states (default, activation unit, authors', step-through); returns the findings. */
async function walk(page, lang) {
  const findings = [];
  const views = await visibleStrings(page, [
    null,
    { similarity: 'unit', activation: 'dice', normalization: 'none' },
    { similarity: 'authors' },
    'click:steps-toggle',
    { step: null, similarity: 'dot', normalization: 'softmax' },
  ]);
  for (const v of views) {
    const what = JSON.stringify(v.step);
    assert.equal(v.state.lang, lang, `${what}: state.lang`);
    assert.ok(v.strings.length > 40, `${what}: only ${v.strings.length} strings found`);
    const bad = lang === 'zh' ? untranslatedZh(v.strings, v.state) : chineseInEn(v.strings, v.state);
    for (const b of bad) if (!findings.includes(b)) findings.push(b);
  }
  assert.equal(views[3].state.step, 0, 'the walk saw the step-through');
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
  const findings = untranslatedZh((await visibleStrings(page))[0].strings, after);
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
