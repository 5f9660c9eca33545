// Captions, category shares, the activation unit's weight form and the
// explanation tooltips (issue 11 §2 and §6), as a user sees them.
//
// Every expected number here is computed from din.result() and din.state()
// in the test, independently of the Rust code that writes the texts.
//
// Run from the repository root (after `make build`):
//   node --test tests/e2e/captions.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage } from './harness.mjs';

let browser;
let root;
serveAndLaunch((s) => ({ browser, root } = s));

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-US' };
const open = (suffix, options = DESKTOP) => openWatchedPage(browser, `${root}www/index.html${suffix}`, options);

/** The number as the charts print it (a copy of explain::fmt_num, for the expectations). */
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
  return s.replace(/-/g, '−');
}
const pct = (f) => `${Math.round(f * 100)}%`;
/** A term of a written-out sum: negative numbers in parentheses. */
const term = (v) => { const t = fmtNum(v); return t.startsWith('−') ? `(${t})` : t; };

const CATS = { 'why-din-works': ['food', 'food', 'food', 'makeup', 'makeup', 'makeup', 'cars', 'cars', 'cars'], 'interest-intensity': [...Array(9).fill('clothes'), 'electronics'] };
const NAMES = { en: { food: 'food', makeup: 'make-up', cars: 'cars', clothes: 'clothes', electronics: 'electronics' }, zh: { food: '美食', makeup: '美妆', cars: '汽车', clothes: '服装', electronics: '电子产品' } };

/** What the page shows: caption, shares rows, state and result, in one evaluation. */
const view = (page) => page.evaluate(() => {
  const shares = document.getElementById('shares');
  return {
    state: window.din.state(),
    result: window.din.result(),
    caption: document.querySelector('#caption > span.on')?.textContent ?? '',
    captionKey: document.querySelector('#caption > span.on')?.dataset.key ?? null,
    sharesShown: !shares.hidden && shares.checkVisibility(),
    kind: shares.dataset.kind,
    rows: [...shares.querySelectorAll('.sh-row:not(.sh-head)')].map((r) => ({
      id: r.dataset.id,
      name: r.querySelector('.sh-name').textContent,
      attention: r.querySelector('.sh-cell.att .sh-num').textContent,
      mean: r.querySelector('.sh-cell.mean .sh-num').textContent,
      attBar: r.querySelector('.sh-cell.att i').getBoundingClientRect().width,
      meanBar: r.querySelector('.sh-cell.mean i').getBoundingClientRect().width,
    })),
    sharesBox: shares.getBoundingClientRect().toJSON(),
    readoutBox: document.querySelector('[data-panel=readout]').getBoundingClientRect().toJSON(),
    weightRowShown: document.getElementById('weight-row').checkVisibility(),
    weightMenu: document.getElementById('weight').value,
    weightDisabled: document.getElementById('weight').disabled,
    weightNote: document.getElementById('weight-note').textContent,
    normNone: document.querySelector('#normalization option[value=none]').textContent,
    tempNote: document.getElementById('temp-note').textContent,
  };
});

/** Each category's expected row from the numbers: share of Σα (or sum) and the mean's share. */
function expectedShares(scene, alpha) {
  const cats = CATS[scene];
  const total = alpha.reduce((a, b) => a + b, 0);
  const fractions = alpha.every((a) => a >= 0) && total > 0;
  const ids = [...new Set(cats)];
  return {
    kind: fractions ? 'fractions' : 'sums',
    rows: ids.map((id) => {
      const sum = alpha.reduce((acc, a, i) => acc + (cats[i] === id ? a : 0), 0);
      const count = cats.filter((c) => c === id).length;
      return { id, attention: fractions ? pct(sum / total) : fmtNum(sum), mean: fractions ? pct(count / alpha.length) : fmtNum(count / alpha.length) };
    }),
  };
}

test('the readout shows each interest\'s share of the weight beside the plain average\'s, from the numbers, in en and zh', async () => {
  await checkPage(await open('#scene=why-din-works&lang=en'), async (page) => {
    const cases = [
      [{}, 'why-din-works'],
      [{ candidate: 'news' }, 'why-din-works'],
      [{ candidate: 'makeup', similarity: 'cosine', normalization: 'none' }, 'why-din-works'],
      [{ candidate: 'food', similarity: 'unit', normalization: 'none' }, 'why-din-works'],
      [{ scene: 'interest-intensity' }, null],
    ];
    for (const lang of ['en', 'zh']) {
      for (const [patch, scene] of cases) {
        if (patch.scene) {
          await page.evaluate((lang) => window.din.applyParams(`scene=interest-intensity&lang=${lang}`, true), lang);
        } else {
          await page.evaluate(([p, lang]) => { window.din.applyParams(`scene=why-din-works&lang=${lang}`, true); window.din.setState(p); }, [patch, lang]);
        }
        const v = await view(page);
        const what = `${lang} ${JSON.stringify(patch)}`;
        const want = expectedShares(v.state.scene, v.result.alpha);
        assert.equal(v.sharesShown, true, `${what}: shares shown`);
        assert.equal(v.kind, want.kind, what);
        assert.deepEqual(v.rows.map(({ id, attention, mean }) => ({ id, attention, mean })), want.rows, what);
        assert.deepEqual(v.rows.map((r) => r.name), want.rows.map((r) => NAMES[lang][r.id]), `${what}: names`);
        // The bars are as long as the numbers say (fractions: of the same track width).
        if (v.kind === 'fractions') {
          for (const r of v.rows) {
            const share = Number(r.attention.replace('%', '')) / 100;
            const m = Number(r.mean.replace('%', '')) / 100;
            if (m > 0.05) assert.ok(Math.abs(r.attBar / r.meanBar - share / m) < 0.06 * (share / m) + 0.02, `${what}: bar lengths ${r.attBar} / ${r.meanBar} for ${r.attention} / ${r.mean}`);
          }
        }
        // Compact: about one row per category, inside the readout panel.
        assert.ok(v.sharesBox.height < 40 * (v.rows.length + 2.5), `${what}: ${v.sharesBox.height} px for ${v.rows.length} rows`);
        assert.ok(v.sharesBox.left >= v.readoutBox.left && v.sharesBox.right <= v.readoutBox.right + 1, `${what}: inside the readout`);
      }
    }
    // A scene without categories hides the shares rather than showing something untrue.
    await page.fill('#gen-n', '50');
    await page.fill('#gen-d', '8');
    await page.click('#generate');
    await page.waitForFunction(() => window.din.state().scene === 'generated');
    const v = await view(page);
    assert.equal(v.sharesShown, false, 'generated scene: no categories, no shares');
    assert.ok(v.caption.length > 0, 'the generated scene still gets its computed caption');
  });
});

test('the caption states only what the numbers show (issue 11: news + unit + softmax is not "flat")', async () => {
  await checkPage(await open('#scene=why-din-works&candidate=news&similarity=unit&normalization=softmax&lang=en'), async (page) => {
    let v = await view(page);
    const { alpha } = v.result;
    const n = alpha.length;
    const top = alpha.indexOf(Math.max(...alpha));
    assert.equal(fmtNum(alpha[3]), '0.807', 'lipstick, as in the issue');
    assert.ok(alpha[top] >= 2 / n, 'not flat by the rule max α ≥ 2/n');
    assert.doesNotMatch(v.caption, /flat/, v.caption);
    assert.doesNotMatch(v.caption, /close to the plain average/, v.caption);
    assert.match(v.caption, /The make-up items get \d+% of the weight/, v.caption);
    assert.match(v.caption, new RegExp(`\\|pooled\\| = ${fmtNum(v.result.pooledNorm)}, \\|mean\\| = ${fmtNum(v.result.meanNorm)}`), v.caption);
    assert.equal(v.captionKey, 'news');
    // Dot similarity with softmax: the news candidate is really flat, and the caption says so.
    await page.evaluate(() => window.din.setState({ similarity: 'dot' }));
    v = await view(page);
    const shares = v.result.alpha.map((a) => a / v.result.alphaSum);
    assert.ok(Math.max(...shares) < 2 / n);
    assert.match(v.caption, /nearly flat/, v.caption);
    // Chinese: the same facts in Chinese.
    await page.evaluate(() => window.din.setState({ lang: 'zh' }));
    v = await view(page);
    assert.match(v.caption, /权重几乎相同/, v.caption);
    // The caption changes with every edit, but its box never shrinks under the pointer:
    // the q1 slider below it stays where it is while q moves.
    const box = () => page.evaluate(() => [document.getElementById('caption').getBoundingClientRect().height, document.querySelector('#query input[type=range]').getBoundingClientRect().top]);
    const before = await box();
    await page.evaluate(() => window.din.setState({ query: [0.9, 0.1, 0, 0, 0, 0, 0, 0.2] }));
    assert.notEqual((await view(page)).caption, v.caption, 'the caption follows q');
    assert.deepEqual(await box(), before, 'caption box and slider keep their place');
    // Editing q makes it custom: the caption follows the numbers, the candidate sentence goes.
    await page.evaluate(() => window.din.setState({ lang: 'en', query: [1.2, 0.3, 0, 0.1, 0, 0, 0.1, 0.6] }));
    v = await view(page);
    assert.equal(v.captionKey, '');
    assert.doesNotMatch(v.caption, /The candidate is/);
    assert.match(v.caption, /The food items get/, v.caption);
  });
});

test('the activation unit\'s weight: the paper\'s α = z by default, α = sigmoid(z) as the variant; menu, state, link, attribute and bars agree', async () => {
  await checkPage(await open('#scene=interest-intensity&candidate=phone&lang=en'), async (page) => {
    let v = await view(page);
    assert.equal(v.state.similarity, 'unit');
    assert.equal(v.state.weight, 'z', 'the paper\'s form is the default');
    assert.deepEqual(v.result.alpha, v.result.scores, 'α = z');
    assert.equal(v.weightRowShown, true);
    assert.equal(v.weightMenu, 'z');
    assert.equal(v.weightDisabled, false);
    assert.match(v.weightNote, /Eq\. \(3\)/);
    assert.equal(v.normNone, 'none: α = z (the paper)');
    assert.match(v.tempNote, /α = z/);
    // α = z is negative here: the bars go left of zero.
    const lay = await page.evaluate(() => window.din.layout().bars);
    const negatives = v.result.alpha.map((a, i) => [a, i]).filter(([a]) => a < 0);
    assert.ok(negatives.length > 0, 'some α < 0');
    for (const [a, i] of negatives) {
      const r = lay.items.indexOf(i);
      assert.ok(lay.bars[r][2] < lay.zeroX - 1, `bar of x${i + 1} (α = ${a}) ends left of zero`);
    }
    // The menu switches to the variant: α = sigmoid(z), in the state and the link.
    await page.selectOption('#weight', 'sigmoid');
    v = await view(page);
    assert.equal(v.state.weight, 'sigmoid');
    v.result.alpha.forEach((a, i) => assert.ok(Math.abs(a - 1 / (1 + Math.exp(-v.result.scores[i]))) < 1e-12, `α${i + 1} = sigmoid(z)`));
    assert.equal(v.normNone, 'none: α = sigmoid(z)');
    assert.match(await page.evaluate(() => window.din.link()), /&weight=sigmoid(&|$)/);
    // With softmax the form is not used: the menu says so and is disabled.
    await page.selectOption('#normalization', 'softmax');
    v = await view(page);
    assert.equal(v.weightDisabled, true);
    assert.match(v.weightNote, /Not used while softmax is on/);
    // A link written before the weight existed (v=1) still means sigmoid(z).
    await page.evaluate(() => window.din.applyParams('v=1&scene=interest-intensity&candidate=phone', true));
    v = await view(page);
    assert.equal(v.state.weight, 'sigmoid', 'v=1 links keep α = sigmoid(z)');
    assert.equal(v.weightMenu, 'sigmoid');
    await page.evaluate(() => window.din.applyParams('v=2&scene=interest-intensity&candidate=phone', true));
    assert.equal((await view(page)).state.weight, 'z');
    // Refused values are named.
    const problems = await page.evaluate(() => window.din.applyParams('weight=tanh'));
    assert.match(problems.join(' '), /weight: "tanh" is unknown/);
    await assert.rejects(page.evaluate(() => window.din.setState({ weight: 'relu' })), /unknown weight form "relu"/);
  });
  // The custom element takes it as an attribute.
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await page.goto(`${root}www/examples/element/index.html`);
    await page.waitForFunction(() => document.querySelectorAll('din-attention[data-ready]').length >= 2);
    await page.evaluate(() => { const e = document.getElementById('right'); e.setAttribute('similarity', 'unit'); e.setAttribute('weight', 'sigmoid'); });
    await page.waitForFunction(() => document.getElementById('right').state.weight === 'sigmoid');
    const r = await page.evaluate(() => document.getElementById('right').result());
    r.alpha.forEach((a, i) => assert.ok(Math.abs(a - 1 / (1 + Math.exp(-r.scores[i]))) < 1e-12));
  } finally {
    await ctx.close();
  }
});

/** The tooltip's text and box, and the shell's box. */
const tipView = (page, host = null) => page.evaluate((host) => {
  const rootEl = host ? document.querySelector(host).shadowRoot : document;
  const tip = rootEl.getElementById('tip');
  const shell = rootEl.querySelector('.din');
  return {
    shown: !tip.hidden && tip.checkVisibility(),
    text: tip.textContent,
    what: tip.dataset.what,
    box: tip.getBoundingClientRect().toJSON(),
    shell: shell.getBoundingClientRect().toJSON(),
  };
}, host);

/** Where bar `i` (0-based) is on screen, in page coordinates. */
const barPoint = (page, i, host = null) => page.evaluate(([i, host]) => {
  const rootEl = host ? document.querySelector(host).shadowRoot : document;
  const c = rootEl.getElementById('bars');
  const api = host ? document.querySelector(host) : window.din;
  const lay = api.layout().bars;
  const r = c.getBoundingClientRect();
  const ratio = c.width / r.width;
  const [top, bottom, end] = lay.bars[lay.items.indexOf(i)];
  return [r.left + (Math.min(end, lay.zeroX) + Math.abs(end - lay.zeroX) / 2) / ratio, r.top + (top + bottom) / 2 / ratio];
}, [i, host]);

function assertInside(t, what) {
  assert.ok(t.box.left >= t.shell.left - 0.5 && t.box.right <= t.shell.right + 0.5, `${what}: tooltip ${JSON.stringify(t.box)} inside the widget ${JSON.stringify(t.shell)}`);
  assert.ok(t.box.width > 100 && t.box.height > 30, `${what}: tooltip has a size`);
}

test('hovering bar 1, a map point and a Q/K/V row explains how α was computed, with the numbers shown', async () => {
  await checkPage(await open('#scene=why-din-works&lang=en'), async (page) => {
    const s = await page.evaluate(() => window.din.state());
    const r = await page.evaluate(() => window.din.result());
    const q = s.query;
    const x1 = s.items[0].vector;
    // q·x₁ written out with both vectors' numbers, then the softmax and the α the bar prints.
    const written = q.map((a, k) => `${term(a)}×${term(x1[k])}`).join(' + ');
    const alpha1 = fmtNum(r.alpha[0]);
    const [bx, by] = await barPoint(page, 0);
    await page.mouse.move(bx, by);
    await page.waitForFunction(() => !document.getElementById('tip').hidden);
    let t = await tipView(page);
    assert.equal(t.what, 'x1');
    assert.ok(t.text.includes(`s₁ = q·x₁ = ${written} = ${fmtNum(r.scores[0])}`), t.text);
    assert.ok(t.text.includes(`= ${alpha1}`), `α₁ ${alpha1} as on the bar: ${t.text}`);
    assert.match(t.text, /softmax|exp/);
    assertInside(t, 'bar 1');
    // The bar itself prints the same α (the alt table holds the chart's numbers).
    assert.equal(await page.evaluate(() => document.querySelector('#alt-alpha tbody tr td:last-child').textContent), alpha1);
    // Leaving hides it.
    await page.mouse.move(5, 5);
    await page.waitForFunction(() => document.getElementById('tip').hidden);

    // A map point: the item the map drew farthest from q (so that q is not what is hit).
    await page.locator('#map').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.din.frame());
    const mp = await page.evaluate(() => {
      const c = document.getElementById('map');
      const b = c.getBoundingClientRect();
      const lay = window.din.layout().map;
      const d = (p) => Math.hypot(p[0] - lay.query[0], p[1] - lay.query[1]);
      const i = lay.items.reduce((best, p, k) => (d(p) > d(lay.items[best]) ? k : best), 0);
      const p = lay.items[i];
      return { i, at: [b.left + p[0] * b.width / c.offsetWidth, b.top + p[1] * b.height / c.offsetHeight] };
    });
    await page.mouse.move(mp.at[0], mp.at[1]);
    await page.waitForFunction((what) => !document.getElementById('tip').hidden && document.getElementById('tip').dataset.what === what, `x${mp.i + 1}`);
    t = await tipView(page);
    const xi = s.items[mp.i].vector;
    const writtenI = q.map((a, k) => `${term(a)}×${term(xi[k])}`).join(' + ');
    assert.ok(t.text.includes(writtenI) && t.text.includes(`= ${fmtNum(r.alpha[mp.i])}`), t.text);
    assertInside(t, 'map point');
    // q on the map: its numbers and Σα.
    const qp = await page.evaluate(() => {
      const c = document.getElementById('map');
      const b = c.getBoundingClientRect();
      const p = window.din.layout().map.query;
      return [b.left + p[0] * b.width / c.offsetWidth, b.top + p[1] * b.height / c.offsetHeight];
    });
    await page.mouse.move(qp[0], qp[1]);
    await page.waitForFunction(() => document.getElementById('tip').dataset.what === 'q');
    t = await tipView(page);
    assert.ok(t.text.includes(`Σα = ${fmtNum(r.alphaSum)}`), t.text);

    // A Q/K/V row: row 1.
    await page.locator('#qkv').scrollIntoViewIfNeeded();
    const rp = await page.evaluate(() => {
      const c = document.getElementById('qkv');
      const b = c.getBoundingClientRect();
      const row = window.din.layout().qkv[0];
      return [b.left + (row[0] + row[2]) / 2 * b.width / c.offsetWidth, b.top + (row[1] + row[3]) / 2 * b.height / c.offsetHeight];
    });
    await page.mouse.move(rp[0], rp[1]);
    await page.waitForFunction(() => !document.getElementById('tip').hidden && document.getElementById('tip').dataset.what === 'x1');
    t = await tipView(page);
    assert.ok(t.text.includes(written) && t.text.includes(`= ${alpha1}`), t.text);
    assertInside(t, 'qkv row');

    // Keyboard: focus the bars, ↓ goes through the items, Esc hides.
    await page.mouse.move(5, 5);
    await page.locator('#bars').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.getElementById('tip').dataset.what === 'x1' && !document.getElementById('tip').hidden);
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.getElementById('tip').dataset.what === 'x2');
    t = await tipView(page);
    assert.ok(t.text.includes(`= ${fmtNum(r.alpha[1])}`), t.text);
    assertInside(t, 'keyboard');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.getElementById('tip').hidden);
    // In Chinese, and with the activation unit: the unit's logit and α = z.
    await page.evaluate(() => window.din.setState({ lang: 'zh', similarity: 'unit', normalization: 'none' }));
    const r2 = await page.evaluate(() => window.din.result());
    await page.locator('#bars').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => !document.getElementById('tip').hidden);
    t = await tipView(page);
    assert.ok(t.text.includes(`z₁ = unit(q, x₁) = ${fmtNum(r2.scores[0])}`), t.text);
    assert.ok(t.text.includes(`α₁ = z₁ = ${fmtNum(r2.alpha[0])}`), t.text);
    assert.match(t.text, /激活单元/);
  });
});

test('a tap shows the explanation on a touch screen, and it is not clipped at the edges of a narrow screen', async () => {
  const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true, locale: 'en-US' };
  await checkPage(await open('#scene=why-din-works&lang=en', phone), async (page) => {
    const r = await page.evaluate(() => window.din.result());
    await page.locator('#bars').scrollIntoViewIfNeeded();
    const [x, y] = await barPoint(page, 2);
    await page.touchscreen.tap(x, y);
    await page.waitForFunction(() => !document.getElementById('tip').hidden && document.getElementById('tip').dataset.what === 'x3');
    const t = await tipView(page);
    assert.ok(t.text.includes(`= ${fmtNum(r.alpha[2])}`), t.text);
    assertInside(t, 'phone');
    assert.ok(t.box.left >= 0 && t.box.right <= 390, `on screen: ${JSON.stringify(t.box)}`);
    // A tap elsewhere closes it.
    await page.locator('#caption').tap();
    await page.waitForFunction(() => document.getElementById('tip').hidden);
  });
});

test('the explanation works inside the shadow root of <din-attention>', async () => {
  const ctx = await browser.newContext(DESKTOP);
  const problems = [];
  try {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${root}www/examples/element/index.html`);
    await page.waitForFunction(() => document.querySelectorAll('din-attention[data-ready]').length >= 2);
    const r = await page.evaluate(() => document.getElementById('left').result());
    const [x, y] = await barPoint(page, 0, '#left');
    await page.mouse.move(x, y);
    await page.waitForFunction(() => !document.getElementById('left').shadowRoot.getElementById('tip').hidden);
    const t = await tipView(page, '#left');
    assert.equal(t.what, 'x1');
    assert.ok(t.text.includes(`= ${fmtNum(r.alpha[0])}`), t.text);
    assertInside(t, 'element');
  } finally {
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});
