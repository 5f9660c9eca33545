// End-to-end tests of the rules that moved from www/ to the Rust core
// (issue 12): the readout is written by the charts' formatter, the settings
// follow the definition as the core says, "generate" is checked by the
// core, the Embedding Projector's two files import in either order, and
// the element's attributes are the core's list of URL keys, even when set
// before the module has loaded.
//
// Run from the repository root:   node --test tests/e2e/www-rules.test.mjs
// Needs pkg/ built (make build). Every wait is on a condition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage, watchContext } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-US' };

let browser;
let root;
let base;
serveAndLaunch((s) => ({ browser, root, base } = s));

function pageTest(name, suffix, fn) {
  test(name, async () => checkPage(await openWatchedPage(browser, base + suffix, DESKTOP), fn));
}

const settle = (page) => page.evaluate(() => window.din.settled());

pageTest('the readout is written by the charts\' formatter: "1" for a softmax Σα, "−" for a negative one', '#scene=why-din-works&similarity=dot&normalization=softmax', async (page) => {
  await settle(page);
  assert.equal(await page.locator('#alpha-sum').textContent(), '1', 'no trailing zeros ("1.000" before)');
  // q pointing away from every item: dot products, not normalised, sum below 0.
  await page.evaluate(() => window.din.setState({ normalization: 'none', query: [-1, -1, -1, -1, -1, -1, -1, -1] }));
  await settle(page);
  const { text, sum, pooled, pooledText } = await page.evaluate(() => ({
    text: document.getElementById('alpha-sum').textContent,
    sum: window.din.result().alphaSum,
    pooled: window.din.result().pooledNorm,
    pooledText: document.getElementById('pooled-norm').textContent,
  }));
  assert.ok(sum < 0, `Σα is negative here (${sum})`);
  assert.ok(text.startsWith('\u2212'), `the minus sign is U+2212: "${text}"`);
  assert.ok(Math.abs(Number(text.replace('\u2212', '-')) - sum) <= 5e-4, `"${text}" shows ${sum}`);
  assert.doesNotMatch(text, /\.\d*0$/, 'no trailing zeros');
  assert.ok(Math.abs(Number(pooledText) - pooled) <= 5e-4, `"${pooledText}" shows |pooled| = ${pooled}`);
});

pageTest('the settings follow the definition as the core says (controlsJson)', '#scene=why-din-works', async (page) => {
  const controls = () => page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    return {
      normalization: !$('normalization').disabled,
      temperature: !$('temperature-text').disabled,
      maxLen: !$('maxlen-row').hidden,
      activation: !$('activation-row').hidden,
      weight: !$('weight-row').hidden,
      weightEnabled: !$('weight').disabled,
    };
  });
  await page.locator('#similarity').selectOption('cosine');
  await page.locator('#normalization').selectOption('softmax');
  assert.deepEqual(await controls(), { normalization: true, temperature: true, maxLen: false, activation: false, weight: false, weightEnabled: false });
  await page.locator('#similarity').selectOption('authors');
  assert.deepEqual(await controls(), { normalization: false, temperature: false, maxLen: true, activation: true, weight: false, weightEnabled: false });
  await page.locator('#similarity').selectOption('unit');
  await page.locator('#normalization').selectOption('none');
  assert.deepEqual(await controls(), { normalization: true, temperature: false, maxLen: false, activation: true, weight: true, weightEnabled: true });
  await page.locator('#normalization').selectOption('softmax');
  assert.equal((await controls()).weightEnabled, false, 'softmax replaces the weight form');
  // q's sliders are wide enough for q: at least ±2, and ±4 for 3.5.
  await page.evaluate(() => window.din.setState({ query: [3.5, 0, 0, 0, 0, 0, 0, 0] }));
  const ranges = await page.evaluate(() => [...document.querySelectorAll('#query input[type=range]')].slice(0, 2).map((r) => [r.min, r.max]));
  assert.deepEqual(ranges, [['-4', '4'], ['-2', '2']]);
});

pageTest('"generate" is checked by the core: "2.5" is refused with a message and nothing changes; "12" generates', '#scene=why-din-works', async (page) => {
  const before = await page.evaluate(() => window.din.state());
  await page.fill('#gen-n', '2.5');
  await page.click('#generate');
  await page.waitForFunction(() => document.getElementById('gen-n').getAttribute('aria-invalid') === 'true');
  assert.match(await page.locator('#message').textContent(), /whole numbers/);
  assert.deepEqual(await page.evaluate(() => window.din.state()), before, 'nothing changed');
  await page.fill('#gen-n', '12');
  await page.click('#generate');
  await page.waitForFunction(() => window.din.state().items.length === 12);
  assert.equal(await page.locator('#gen-n').getAttribute('aria-invalid'), null);
});

pageTest('the Embedding Projector\'s two files import in either order (the core tells them apart by name)', '#scene=why-din-works', async (page) => {
  const vectors = { name: 'vectors.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from('1\t0\t0\n0\t1\t0\n0.5\t0.5\t1\n') };
  const metadata = { name: 'metadata.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from('apple\nbanana\ncherry\n') };
  const imported = async (files) => {
    await page.locator('#import-toggle').click();
    await page.locator('#import-file').setInputFiles(files);
    await page.waitForFunction(() => window.din.state().items.length === 3 && window.din.state().items[0].label === 'apple');
    const s = await page.evaluate(() => window.din.state());
    await page.locator('#import-toggle').click();
    return s.items.map((it) => [it.label, it.vector]);
  };
  const forward = await imported([vectors, metadata]);
  assert.deepEqual(forward, [['apple', [1, 0, 0]], ['banana', [0, 1, 0]], ['cherry', [0.5, 0.5, 1]]]);
  await page.evaluate(() => window.din.applyParams('scene=why-din-works', true));
  await page.waitForFunction(() => window.din.state().items.length === 9);
  assert.deepEqual(await imported([metadata, vectors]), forward, 'metadata.tsv first: the same items');
});

test('<din-attention>: the attributes are the core\'s URL keys, including those set before the widget started; others are ignored', async () => {
  const context = await browser.newContext(DESKTOP);
  const problems = [];
  await watchContext(context, problems);
  try {
    const page = await context.newPage();
    await page.goto(`${root}www/examples/element/index.html`);
    await page.waitForFunction(() => document.querySelectorAll('din-attention[data-ready]').length >= 2);
    await page.evaluate(() => {
      const el = document.createElement('din-attention');
      el.id = 'late';
      el.setAttribute('scene', 'why-din-works');
      el.style.height = '400px';
      document.body.append(el);
      // Changed at once, while the widget is still starting: kept and applied after the start.
      el.setAttribute('candidate', 'news');
      el.setAttribute('title', 'not a URL key');
      el.setAttribute('data-note', 'nor this');
    });
    await page.waitForFunction(() => document.getElementById('late').hasAttribute('data-ready') && document.getElementById('late').state.candidate === 'news');
    await page.evaluate(() => document.getElementById('late').settled());
    const message = () => page.evaluate(() => document.getElementById('late').shadowRoot.querySelector('#message').textContent);
    assert.equal(await message(), '', 'attributes that are not URL keys make no message');
    // A later attribute applies; a later non-key attribute is ignored.
    await page.evaluate(() => { const el = document.getElementById('late'); el.setAttribute('lang', 'zh'); el.setAttribute('aria-label', 'x'); });
    await page.waitForFunction(() => document.getElementById('late').state.lang === 'zh');
    assert.equal(await message(), '');
    assert.deepEqual(problems, [], 'no console error or page error');
  } finally {
    await context.close();
  }
});
