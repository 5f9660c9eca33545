// The reveal.js example deck (www/examples/reveal/) as a lecturer runs it:
// every slide's text says what its widget shows (issue 11 §2), and after
// the last step of an embedded step-through → moves the deck on and the
// keys belong to the deck again, so ← comes back (issue 11 §4).
//
// Run from the repository root (after `make build`):
//   node --test tests/e2e/reveal-deck.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, watchContext } from './harness.mjs';

let browser;
let root;
serveAndLaunch((s) => ({ browser, root } = s));

async function openDeck() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
  const problems = [];
  await watchContext(context, problems);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${root}www/examples/reveal/index.html`);
  await page.waitForFunction(() => window.Reveal && window.Reveal.isReady());
  await page.waitForFunction(() => document.querySelectorAll('din-attention[data-ready]').length >= 3);
  return { context, page, problems };
}

async function close({ context, problems }) {
  await context.close();
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
}

/** What one widget shows: state, result, candidate label, category shares, its candidates' labels. */
function widgetView(el) {
  const rootEl = el ? el.shadowRoot : document;
  const menu = rootEl.getElementById('candidate');
  return {
    state: el ? el.state : window.din.state(),
    result: el ? el.result() : window.din.result(),
    candidateLabel: menu.selectedOptions[0]?.textContent ?? '',
    candidateLabels: [...menu.options].filter((o) => o.value).map((o) => o.textContent),
    shares: [...rootEl.querySelectorAll('#shares .sh-row:not(.sh-head)')].map((r) => ({
      name: r.querySelector('.sh-name').textContent,
      attention: r.querySelector('.sh-cell.att .sh-num').textContent,
    })),
  };
}

/** Every slide: its own text (not the widgets') and a view of each widget on it, in order. */
async function slides(page) {
  const sections = await page.$$('.reveal .slides > section');
  const out = [];
  for (const sec of sections) {
    const id = await sec.getAttribute('id');
    const text = await sec.evaluate((s) => [...s.querySelectorAll('h2, h3, p')].map((e) => e.textContent).join(' '));
    const views = [];
    for (const w of await sec.$$('iframe.widget, din-attention.widget')) {
      const tag = await w.evaluate((e) => e.tagName);
      if (tag === 'IFRAME') {
        const frame = await w.contentFrame();
        await frame.waitForFunction(() => document.documentElement.dataset.ready === 'true');
        views.push(await frame.evaluate(widgetView));
      } else {
        views.push(await w.evaluate(widgetView));
      }
    }
    out.push({ id, text, views });
  }
  return out;
}

/**
 * The claims a slide's text makes about its widget, each checked against
 * the widget's state and numbers. Returns the list of failures.
 */
function disagreements(text, v, where) {
  const bad = [];
  const s = v.state;
  const r = v.result;
  const check = (ok, why) => { if (!ok) bad.push(`${where}: ${why}`); };
  const cand = /Candidate: ([^,.(]+)/.exec(text);
  if (cand) {
    const named = cand[1].trim();
    check(v.candidateLabel.startsWith(named) || v.candidateLabel === named, `the text names the candidate "${named}", the widget shows "${v.candidateLabel}"`);
    for (const other of v.candidateLabels) {
      const en = other.split(' ')[0];
      if (other !== v.candidateLabel) check(!text.includes(en), `the text names "${en}", which is not the widget's candidate "${v.candidateLabel}"`);
    }
  }
  if (/no softmax/.test(text)) check(s.normalization === 'none' && s.similarity !== 'authors', `"no softmax" but the widget uses ${s.normalization}`);
  else if (/softmax/.test(text)) check(s.normalization === 'softmax' || s.similarity === 'authors', `"softmax" but the widget uses ${s.normalization}`);
  if (/Σα = 1\b/.test(text)) check(Math.abs(r.alphaSum - 1) < 1e-9, `"Σα = 1" but Σα = ${r.alphaSum}`);
  if (/dot similarity|q·x/.test(text)) check(s.similarity === 'dot', `the text says dot similarity, the widget uses ${s.similarity}`);
  if (/activation unit/.test(text)) check(s.similarity === 'unit' || s.similarity === 'authors', `the text says activation unit, the widget uses ${s.similarity}`);
  if (/α = z\b/.test(text)) check(s.similarity === 'unit' && s.weight === 'z', `the text says α = z, the widget: ${s.similarity}, weight ${s.weight}`);
  if (/α = sigmoid/.test(text)) check(s.similarity === 'unit' && s.weight === 'sigmoid', `the text says α = sigmoid(z), the widget: ${s.weight}`);
  const t = /T = ([\d.]+)/.exec(text);
  if (t) check(s.temperature === Number(t[1]), `the text says T = ${t[1]}, the widget has T = ${s.temperature}`);
  const most = /The ([\w-]+) items get most of the weight/.exec(text);
  if (most) {
    const zh = { food: '美食', 'make-up': '美妆', cars: '汽车', clothes: '服装', electronics: '电子产品' };
    const row = v.shares.find((x) => x.name === most[1] || x.name === zh[most[1]]);
    check(row && Number(row.attention.replace('%', '')) > 50, `"${most[1]} items get most of the weight" but the shares are ${JSON.stringify(v.shares)}`);
  }
  if (/user tower/.test(text)) check(s.panels.includes('towers'), 'the text is about the user tower, the widget does not show the towers');
  if (/α\w* = similarity\(/.test(text)) check(s.normalization === 'none' && s.similarity !== 'unit' && s.similarity !== 'authors', `the text says α is the similarity itself, the widget uses ${s.similarity} with ${s.normalization}`);
  if (/heatmap/.test(text)) check(s.panels.includes('heatmap'), 'the text speaks of the heatmap, the widget does not show it');
  if (s.panels.includes('heatmap')) {
    // One colour scale for every row: it must be set by the LastN vectors, not washed out by pooled.
    const items = Math.max(...s.items.flatMap((it) => it.vector.map(Math.abs)));
    const pooled = Math.max(...r.pooled.map(Math.abs));
    check(pooled <= items, `heatmap: |pooled| reaches ${pooled}, the items ${items}: the scale would wash the items out`);
  }
  return bad;
}

test('every slide\'s text agrees with its widget: candidate, definition, normalization, the claims it makes', async () => {
  const w = await openDeck();
  try {
    const all = await slides(w.page);
    const failures = [];
    let checked = 0;
    for (const { id, text, views } of all) {
      if (views.length === 1) {
        failures.push(...disagreements(text, views[0], id));
        checked++;
      } else if (views.length === 2) {
        // "Left: … Right: …" — each half speaks of its widget; the rest of the text of both.
        const [common, left, right] = [text.split('Left:')[0], (text.split('Left:')[1] || '').split('Right:')[0], text.split('Right:')[1] || ''];
        assert.ok(left && right, `${id}: two widgets, so the text says what the left and the right one show`);
        failures.push(...disagreements(common + left, views[0], `${id} (left)`), ...disagreements(common + right, views[1], `${id} (right)`));
        checked += 2;
      }
    }
    assert.ok(checked >= 7, `${checked} widgets checked`);
    assert.deepEqual(failures, []);
    // The slides of issue 11, specifically.
    const why = all.find((s) => s.id === 's-why');
    assert.match(why.text, /Candidate: eyeshadow/);
    assert.equal(why.views[0].state.candidate, 'makeup');
    const mean = all.find((s) => s.id === 's-mean');
    assert.equal(mean.views[0].state.normalization, 'softmax');
    assert.ok(Math.abs(mean.views[0].result.alphaSum - 1) < 1e-9, 'the plain-average slide: Σα = 1, pooled on the scale of the items');
  } finally {
    await close(w);
  }
});

test('a claim that contradicts the widget is caught (the test can fail)', () => {
  const v = {
    state: { candidate: 'makeup', normalization: 'none', similarity: 'dot', weight: 'z', temperature: 1, panels: ['heatmap', 'readout'], items: [{ vector: [1, 0] }] },
    result: { alphaSum: 5.3, pooled: [4.8, 0] },
    candidateLabel: 'eyeshadow 眼影',
    candidateLabels: ['beef noodles 牛肉面', 'eyeshadow 眼影'],
    shares: [{ name: 'make-up', attention: '30%' }],
  };
  assert.equal(disagreements('Candidate: lipstick. The make-up items get most of the weight; the heatmap shows the mean.', v, 'x').length, 3);
  assert.equal(disagreements('αi = similarity(q, xi).', { ...v, state: { ...v.state, normalization: 'softmax', panels: ['bars'] } }, 'x').length, 1);
  // softmax, Σα = 1, and the heatmap's scale (pooled 4.8 against items of 1).
  assert.equal(disagreements('With softmax, Σα = 1.', v, 'x').length, 3);
});

test('after the last step → moves the deck on and the focus leaves the iframe: ←, → then drive the deck', async () => {
  const w = await openDeck();
  const { page } = w;
  try {
    const h = () => page.evaluate(() => window.Reveal.getIndices().h);
    await page.evaluate(() => window.Reveal.slide(3));
    await page.waitForFunction(() => window.Reveal.getIndices().h === 3);
    const frame = await (await page.$('#s-steps iframe')).contentFrame();
    await frame.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const last = await frame.evaluate(() => window.din.state().items.length + 3);
    await page.frameLocator('#s-steps iframe').locator('#steps').click();
    assert.equal(await frame.evaluate(() => window.din.state().step), 0);
    // Step to the end with the keyboard, as in class.
    for (let k = 1; k <= last; k++) {
      await page.keyboard.press('ArrowRight');
      await frame.waitForFunction((k) => window.din.state().step === k, k);
    }
    assert.equal(await h(), 3, 'stepping keeps the slide');
    // → at the last step: the next slide.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.Reveal.getIndices().h === 4);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BODY', 'the focus left the iframe');
    // ←: the deck goes back (the hidden widget does not step back).
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => window.Reveal.getIndices().h === 3);
    assert.equal(await frame.evaluate(() => window.din.state().step), last, 'the widget kept its last step');
    // →: the deck goes on again.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.Reveal.getIndices().h === 4);
    assert.equal(await frame.evaluate(() => window.din.state().step), last);
    assert.equal(await h(), 4);
  } finally {
    await close(w);
  }
});
