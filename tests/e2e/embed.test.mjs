// Embedding: the reveal.js example deck, the plain iframe example, two
// <din-attention> elements on one page, embed mode filling its frame at
// any aspect ratio, and CSS-transform scaling (as reveal.js does).
// Keys must reach the deck when the widget is not focused, and the widget
// (only) when it is; keys the widget does not use go on to the deck.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, watchContext } from './harness.mjs';

let browser;
let root;
serveAndLaunch((s) => ({ browser, root } = s));

/** A watched page: fails the test on console errors, page errors, CSP violations and foreign requests. */
async function open(url, options = { viewport: { width: 1280, height: 900 } }) {
  const context = await browser.newContext(options);
  const problems = [];
  await watchContext(context, problems);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return { context, page, problems };
}

async function done({ context, problems }) {
  await context.close();
  assert.deepEqual(problems, [], 'no console error, page error, CSP violation or foreign request');
}

const frameReady = (frame) => frame.waitForFunction(() => document.documentElement.dataset.ready === 'true');
const elementsReady = (page, n) => page.waitForFunction((n) => document.querySelectorAll('din-attention[data-ready]').length >= n, n);
const inkIn = (handle) => handle.evaluate((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 16) if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 60) n++;
  return n;
});

test('iframe example: fills the frame, steps by keys when focused, passes the rest to the parent', async () => {
  const w = await open(`${root}www/examples/iframe/index.html`);
  const { page } = w;
  const wide = page.frameLocator('#wide');
  const tall = page.frameLocator('#tall');
  const wideFrame = page.frame({ url: /index\.html#.*panels=bars,map/ });
  const tallFrame = page.frame({ url: /index\.html#.*panels=steps/ });
  await frameReady(wideFrame);
  await frameReady(tallFrame);
  // The wide frame shows only the bars and the map, side by side, filling it.
  const box = await page.locator('#wide').boundingBox();
  const bars = await wide.locator('#bars').boundingBox();
  const map = await wide.locator('#map').boundingBox();
  assert.equal(await wide.locator('#heatmap').isVisible(), false, 'panels=bars,map hides the heatmap');
  assert.equal(await wide.locator('.din-toolbar').isVisible(), false, 'embed=1 hides the chrome');
  assert.ok(bars.x + bars.width <= map.x + 1, 'bars left of the map in a wide frame');
  assert.ok((bars.width * bars.height + map.width * map.height) > 0.7 * box.width * box.height, 'the two charts fill most of the frame');
  assert.ok(await inkIn(await wide.locator('#bars').elementHandle()) > 100, 'the bars are drawn');
  // Keys while the page (not the widget) has focus do not reach the widget.
  await page.locator('h1').click();
  await page.keyboard.press('ArrowRight');
  assert.equal(await tallFrame.evaluate(() => window.din.state().step), 0, 'unfocused widget ignored the key');
  // Focused: → steps; at the last step → is posted to the parent.
  await tall.locator('#steps').click();
  await page.keyboard.press('ArrowRight');
  assert.equal(await tallFrame.evaluate(() => window.din.state().step), 1);
  const last = await tallFrame.evaluate(() => { const n = window.din.state().items.length; window.din.setState({ step: n + 3 }); return n + 3; });
  await tall.locator('#steps').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('x');
  await page.waitForFunction(() => (window.dinKeys || []).length >= 2);
  assert.deepEqual(await page.evaluate(() => window.dinKeys), ['ArrowRight (next)', 'x']);
  assert.equal(await tallFrame.evaluate(() => window.din.state().step), last, 'the last step stays');
  await done(w);
});

test('two <din-attention> elements are independent and never touch location', async () => {
  const w = await open(`${root}www/examples/element/index.html`);
  const { page } = w;
  await elementsReady(page, 2);
  const href = await page.evaluate(() => location.href);
  const st = (id) => page.evaluate((id) => document.getElementById(id).state, id);
  const left = await st('left');
  const right = await st('right');
  assert.equal(left.scene, 'why-din-works');
  assert.equal(left.step, 3, 'step attribute');
  assert.equal(left.lang, 'zh');
  assert.deepEqual(left.panels, ['bars', 'map']);
  assert.equal(right.scene, 'interest-intensity');
  assert.equal(right.theme, 'dark');
  assert.equal(right.normalization, 'none');
  // Each draws into its own shadow root's canvases.
  for (const id of ['left', 'right']) {
    const bars = await page.evaluateHandle((id) => document.getElementById(id).shadowRoot.querySelector('#bars'), id);
    assert.ok(await inkIn(bars) > 100, `${id} drew its bars`);
    const hidden = await page.evaluate((id) => document.getElementById(id).shadowRoot.querySelector('[data-panel=heatmap]').hidden, id);
    assert.equal(hidden, true, `${id} hides panels it was not asked for`);
  }
  // An edit of one leaves the other alone, fires din-change, keeps the URL.
  await page.evaluate(() => document.getElementById('left').setState({ temperature: 0.25 }));
  await page.waitForFunction(() => window.dinChanges.some((c) => c.id === 'left'));
  assert.equal((await st('left')).temperature, 0.25);
  assert.deepEqual(await st('right'), right, 'the other element is unchanged');
  assert.equal(await page.evaluate(() => location.href), href, 'the element never writes location');
  // Attributes apply later too.
  await page.evaluate(() => document.getElementById('right').setAttribute('candidate', 'tshirt'));
  await page.waitForFunction(() => document.getElementById('right').state.candidate === 'tshirt');
  // Invalid attribute: a message inside that element, the state kept.
  const before = await st('left');
  await page.evaluate(() => document.getElementById('left').setAttribute('temperature', '-3'));
  await page.waitForFunction(() => document.getElementById('left').shadowRoot.querySelector('#message').textContent !== '');
  assert.deepEqual((await st('left')).temperature, before.temperature);
  // Keys: focused element's map takes the arrows (q moves, the page does not see them).
  await page.evaluate(() => { window.docKeys = 0; document.addEventListener('keydown', () => { window.docKeys++; }); });
  await page.evaluate(() => document.getElementById('left').shadowRoot.querySelector('#map').focus());
  const q0 = (await st('left')).query;
  await page.keyboard.press('ArrowRight');
  assert.notDeepEqual((await st('left')).query, q0, 'the focused map moved q');
  assert.equal(await page.evaluate(() => window.docKeys), 0, 'a handled key stops at the widget');
  await page.locator('h1').click();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => window.docKeys), 1, 'unfocused, the page gets the key');
  assert.deepEqual((await st('left')).query.length, q0.length);
  await done(w);
});

test('reveal.js deck: keys drive the deck unless a widget has focus; the last step hands over', async () => {
  const w = await open(`${root}www/examples/reveal/index.html`, { viewport: { width: 1280, height: 860 } });
  const { page } = w;
  await page.waitForFunction(() => window.Reveal && window.Reveal.isReady());
  await elementsReady(page, 3);
  const h = () => page.evaluate(() => window.Reveal.getIndices().h);
  await page.keyboard.press('ArrowRight');
  assert.equal(await h(), 1, 'the deck got → (no widget focused)');
  await page.keyboard.press('ArrowRight');
  assert.equal(await h(), 2);
  // Slide 2: the element. Focus its map: arrows move q, the deck stays.
  const el = page.locator('#s-weighted din-attention');
  const q0 = await el.evaluate((e) => e.state.query);
  await el.evaluate((e) => e.shadowRoot.querySelector('#map').focus());
  await page.keyboard.press('ArrowRight');
  assert.equal(await h(), 2, 'the focused widget kept the key');
  assert.notDeepEqual(await el.evaluate((e) => e.state.query), q0);
  // Focus on the bars (a chart that takes no arrows): → goes on to the deck.
  await el.evaluate((e) => { const c = e.shadowRoot.querySelector('#bars'); c.tabIndex = 0; c.focus(); });
  await page.keyboard.press('ArrowRight');
  assert.equal(await h(), 3, 'an unused key bubbled from the element to the deck');
  // Slide 3: the step-through iframe.
  const frame = page.frame({ url: /panels=steps/ });
  await frameReady(frame);
  await page.frameLocator('#s-steps iframe').locator('#steps').click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await frame.evaluate(() => window.din.state().step), 2, 'the focused iframe stepped');
  assert.equal(await h(), 3, 'the deck stayed');
  await frame.evaluate(() => window.din.setState({ step: window.din.state().items.length + 3 }));
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.Reveal.getIndices().h === 4);
  await page.keyboard.press('ArrowLeft');
  // The deck scales slides with a CSS transform: canvases are sized from the box on screen
  // (the widget notices the transform on its next check; wait for that, not for a time).
  await page.waitForFunction(() => {
    const c = document.querySelector('#s-weighted din-attention').shadowRoot.querySelector('#bars');
    return Math.abs(c.width - c.getBoundingClientRect().width * devicePixelRatio) <= 2;
  });
  const scaled = await el.evaluate((e) => {
    const c = e.shadowRoot.querySelector('#bars');
    return { backing: c.width, onScreen: c.getBoundingClientRect().width * devicePixelRatio };
  });
  assert.ok(Math.abs(scaled.backing - scaled.onScreen) <= 2, `backing store ${scaled.backing} px for ${scaled.onScreen} px on screen`);
  await done(w);
});

test('embed mode fills the frame at any aspect ratio and redraws on resize and on CSS transforms', async () => {
  const w = await open(`${root}www/index.html#embed=1&panels=bars,map`, { viewport: { width: 900, height: 450 } });
  const { page } = w;
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  assert.equal(await page.locator('header.top').isVisible(), false, 'no page chrome');
  const area = async () => page.evaluate(() => ['bars', 'map'].map((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height, bw: document.getElementById(id).width };
  }));
  let [b, m] = await area();
  assert.ok(b.x + b.w <= m.x + 1, 'landscape: side by side');
  assert.ok(b.w * b.h + m.w * m.h > 0.75 * 900 * 450, 'the charts fill the frame');
  await page.setViewportSize({ width: 450, height: 900 });
  // Wait for the relayout and the redraw it causes, not for a time.
  await page.waitForFunction(() => {
    const [b, m] = ['bars', 'map'].map((id) => document.getElementById(id));
    const rb = b.getBoundingClientRect();
    return rb.bottom <= m.getBoundingClientRect().top + 1 && Math.abs(b.width - rb.width) <= 2;
  });
  await page.evaluate(() => window.din.frame());
  [b, m] = await area();
  assert.ok(b.y + b.h <= m.y + 1, 'portrait: stacked');
  assert.ok(Math.abs(b.bw - b.w) <= 2, 'backing store follows the new size');
  // A CSS transform (as reveal.js scales slides): ResizeObserver sees nothing, the widget still re-sizes.
  await page.evaluate(() => { document.body.style.transform = 'scale(0.5)'; document.body.style.transformOrigin = '0 0'; });
  await page.waitForFunction(() => Math.abs(document.getElementById('bars').width - document.getElementById('bars').getBoundingClientRect().width) <= 2, null, { timeout: 5000 });
  await done(w);
});

test('the element is embedded by default (no toolbar) and embed="0" brings the toolbar back', async () => {
  const w = await open(`${root}www/examples/element/index.html`);
  const { page } = w;
  await elementsReady(page, 2);
  const toolbar = () => page.evaluate(() => {
    const t = document.getElementById('left').shadowRoot.querySelector('.din-toolbar');
    return getComputedStyle(t).display !== 'none' && t.getBoundingClientRect().height > 0;
  });
  assert.equal(await toolbar(), false, 'no toolbar by default');
  assert.equal((await page.evaluate(() => document.getElementById('left').state)).embed, true);
  await page.evaluate(() => document.getElementById('left').setAttribute('embed', '0'));
  await page.waitForFunction(() => document.getElementById('left').state.embed === false);
  assert.equal(await toolbar(), true, 'embed="0" shows the toolbar');
  await done(w);
});
