// URL state, undo/redo and reset, in headless Chromium: the full state
// round-trips through the link, malformed links give a message and a
// working page, and editing never adds history entries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage, pixelDigest } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 };
let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

const state = (page) => page.evaluate(() => window.din.state());
/**
 * Waits until the page has written its state into the address bar: every
 * pending update done, and the hash holding the state's link (empty for a
 * scene too large for a link). A condition, never a pause.
 */
const settledUrl = async (page) => {
  await page.evaluate(() => window.din.settled());
  await page.waitForFunction(() => location.hash.slice(1) === (window.din.link() ?? ''));
  return page.evaluate(() => location.href);
};
/** Ink (non-background) samples of a canvas: proves it was drawn. */
const ink = (page, id) => page.evaluate((id) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const bg = [d[0], d[1], d[2]];
  let n = 0;
  for (let i = 0; i < d.length; i += 16) if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 60) n++;
  return n;
}, id);

test('an edited scene round-trips exactly through the link', async () => {
  await checkPage(await openWatchedPage(browser, base, DESKTOP), async (page, context) => {
    // Edit through the UI: a slider, a typed number, a label, a setting.
    const slider = page.locator('#query input[type=range]').first();
    await slider.focus();
    for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
    await page.locator('#items-body tr').nth(1).locator('input.num').nth(2).fill('0.123');
    await page.locator('#items-body tr').nth(0).locator('input.label').fill('ramen: 拉面 & 汤; 100%');
    await page.locator('#similarity').selectOption('cosine');
    await page.locator('#temperature-text').fill('0.35');
    await page.locator('#theme').selectOption('dark');
    await page.locator('#steps-toggle').click();
    await page.locator('#step-next').click();
    await page.evaluate(() => window.din.setState({ panels: ['map', 'bars', 'controls', 'steps'], font: 1.25 }));
    const before = await state(page);
    assert.equal(before.items[0].label, 'ramen: 拉面 & 汤; 100%');
    assert.equal(before.items[1].vector[2], 0.123);
    assert.equal(before.theme, 'dark');
    assert.equal(before.step, 1);
    const url = await settledUrl(page);
    assert.match(url, /#v=2&/, 'the state is in the hash, versioned');
    const hash = new URL(url).hash;
    assert.ok(hash.length < 1000, `a 9-item d = 8 scene gives a short link: ${hash.length} characters`);
    // A fresh page from the link shows the identical state.
    const fresh = await context.newPage();
    await fresh.goto(url);
    await fresh.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    assert.deepEqual(await state(fresh), before);
    assert.equal(await fresh.locator('#message').textContent(), '', 'no complaint about the link');
    await fresh.close();
  });
});

test('editing replaces the URL instead of adding history entries; hashchange applies a link', async () => {
  await checkPage(await openWatchedPage(browser, base, DESKTOP), async (page) => {
    const len0 = await page.evaluate(() => history.length);
    const slider = page.locator('#query input[type=range]').nth(1);
    await slider.focus();
    for (let k = 0; k < 20; k++) await page.keyboard.press('ArrowLeft');
    const url = await settledUrl(page);
    assert.equal(await page.evaluate(() => history.length), len0, 'no history entry per slider tick');
    assert.match(url, /q=/, 'the edited q is in the URL');
    await page.evaluate(() => { location.hash = '#scene=interest-intensity&candidate=phone&lang=zh'; });
    await page.waitForFunction(() => window.din.state().scene === 'interest-intensity');
    const s = await state(page);
    assert.equal(s.candidate, 'phone');
    assert.equal(s.lang, 'zh');
    assert.equal(s.items.length, 10);
  });
});

test('copy link puts a link to exactly this state on the clipboard', async () => {
  const opened = await openWatchedPage(browser, base, { ...DESKTOP, permissions: ['clipboard-read', 'clipboard-write'] });
  await checkPage(opened, async (page, context) => {
    await page.evaluate(() => window.din.setState({ candidate: 'makeup', query: [0, 0, 1, 0.7, 0, 0, 0, 0.2], step: 2, lang: 'zh' }));
    await page.locator('#copy-link').click();
    await page.waitForFunction(() => document.getElementById('message').textContent !== '');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/www\/#v=2&/);
    const want = await state(page);
    const other = await context.newPage();
    await other.goto(link);
    await other.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    assert.deepEqual(await state(other), want);
    await other.close();
  });
});

test('a bad value in an edited address keeps what was on screen for that key', async () => {
  await checkPage(await openWatchedPage(browser, base, DESKTOP), async (page) => {
    await page.evaluate(() => window.din.setState({ temperature: 0.5, candidate: 'cars', query: [0, 0, 0, 0, 1, 0.7, 0, 0.2] }));
    const before = await state(page);
    const url = await settledUrl(page);
    const hash = new URL(url).hash.slice(1);
    assert.match(hash, /temperature=\.5/);
    // The user edits the address: T becomes invalid, the theme changes.
    const edited = `${hash.replace('temperature=.5', 'temperature=-1')}&theme=dark`;
    await page.evaluate((h) => { location.hash = `#${h}`; }, edited);
    await page.waitForFunction(() => window.din.state().theme === 'dark');
    const after = await state(page);
    assert.equal(after.temperature, 0.5, 'the refused temperature keeps its value on screen');
    assert.deepEqual(after.query, before.query);
    assert.match(await page.locator('#message').textContent(), /temperature/);
  });
});

test('undo, redo (buttons and Ctrl+Z / Ctrl+Shift+Z) and reset scene', async () => {
  await checkPage(await openWatchedPage(browser, base, DESKTOP), async (page) => {
    const s0 = await state(page);
    assert.equal(await page.locator('#undo').isDisabled(), true, 'nothing to undo at first');
    const slider = page.locator('#query input[type=range]').first();
    await slider.focus();
    for (let k = 0; k < 8; k++) await page.keyboard.press('ArrowRight');
    // No pause needed: the next discrete edit commits the pending burst first, as its own undo step.
    const s1 = await state(page);
    assert.notDeepEqual(s1.query, s0.query);
    await page.locator('#similarity').selectOption('cosine');
    const s2 = await state(page);
    await page.locator('#map').focus();
    await page.keyboard.press('Control+z');
    assert.deepEqual((await state(page)).similarity, s1.similarity, 'Ctrl+Z undid the similarity');
    await page.keyboard.press('Control+z');
    assert.deepEqual((await state(page)).query, s0.query, 'the eight slider ticks were one undo step');
    await page.keyboard.press('Control+Shift+z');
    assert.deepEqual((await state(page)).query, s1.query, 'Ctrl+Shift+Z redid it');
    await page.locator('#redo').click();
    assert.equal((await state(page)).similarity, s2.similarity, 'the redo button');
    await page.locator('#reset').click();
    const r = await state(page);
    assert.deepEqual([r.query, r.items, r.similarity], [s0.query, s0.items, s0.similarity], 'reset scene');
    await page.locator('#undo').click();
    assert.equal((await state(page)).similarity, 'cosine', 'reset is undoable');
  });
});

test('a scene too large for a link is not put in the URL; the page says so and offers JSON', async () => {
  await checkPage(await openWatchedPage(browser, base, DESKTOP), async (page) => {
    await page.locator('#gen-n').fill('400');
    await page.locator('#gen-d').fill('16');
    await page.locator('#generate').click();
    let url = await settledUrl(page);
    assert.match(url, /scene=generated.*n=400/, 'an unedited generated scene is a short link');
    await page.locator('#items-body tr').first().locator('input.num').first().fill('0.5');
    url = await settledUrl(page);
    assert.equal(new URL(url).hash, '', 'no state in the URL');
    assert.equal(await page.locator('#link-note').isVisible(), true);
    assert.match(await page.locator('#link-note-text').textContent(), /too large for a link/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#link-note-json').click()]);
    assert.match(download.suggestedFilename(), /\.json$/);
  });
});

// 50 malformed links: each gives a message naming the problem and a page
// that works (a valid state, drawn charts), falling back per parameter.
const MALFORMED = [
  'scene=nope', 'scene=', 'q=1,2', 'q=abc,1,1,1,1,1,1,1', 'q=', 'q=NaN,0,0,0,0,0,0,0', 'q=1e999,0,0,0,0,0,0,0',
  'x=a:1,2;b:3', 'x=a:1,2,3,4,5,6,7,zz', 'x=%ZZ:1,1,1,1,1,1,1,1', `x=${'a'.repeat(300)}:1,1,1,1,1,1,1,1`, 'x=a',
  'temperature=-1', 'temperature=0', 'temperature=abc', 'temperature=1e999', 'similarity=foo', 'normalization=max',
  'activation=relu', 'maxlen=-1', 'maxlen=1.5', 'candidate=zzz', 'step=-3', 'step=1.5', 'step=abc', 'lang=fr',
  'theme=neon', 'font=9', 'font=abc', 'panels=bars,bars', 'panels=foo', 'panels=', 'embed=2', 'density=maybe',
  'placement=top', 'scene=blank&d=0', 'scene=blank&d=9999', 'scene=generated&n=20000&d=4', 'scene=generated&n=-1&d=4',
  'scene=generated&n=10&d=abc', 'v=99&scene=blank', 'unknown=1', '=&=&=', '%E0%A4%A=1', 'scene=why-din-works&q=1,2,3',
  'x=:1,1,1,1,1,1,1,1;:', 'q=0x10,0,0,0,0,0,0,0', 'lang=zh&step=999999999999999999999', 'scene=why-din-works&candidate=tshirt',
  `q=${'1,'.repeat(300)}1`,
];

test('50 malformed links each give a message and a working page', async () => {
  assert.equal(MALFORMED.length, 50);
  await checkPage(await openWatchedPage(browser, base, DESKTOP), async (page, context) => {
    // The first ten as fresh page loads, the rest through hashchange.
    for (const [k, h] of MALFORMED.entries()) {
      let p = page;
      if (k < 10) {
        p = await context.newPage();
        await p.goto(`${base}#${h}`);
        await p.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      } else {
        await page.evaluate((h) => { location.hash = `#${h}`; }, h);
        await page.waitForFunction(() => document.getElementById('message').textContent !== '', null, { timeout: 5000 }).catch(() => {});
      }
      const msg = await p.locator('#message').textContent();
      assert.ok(msg.length > 5, `link #${h.slice(0, 60)} gave a message (got "${msg}")`);
      assert.equal(await p.locator('#message').getAttribute('data-kind'), 'error');
      const s = await state(p);
      const r = await p.evaluate(() => window.din.result());
      assert.equal(r.alpha.length, s.items.length, `#${h.slice(0, 40)}: a consistent result`);
      assert.ok(s.query.length >= 1 && s.items.every((it) => it.vector.length === s.query.length));
      await p.evaluate(() => window.din.frame());
      assert.ok(await ink(p, 'bars') > 20 || s.items.length === 0, `#${h.slice(0, 40)}: the bars are drawn`);
      assert.equal(await p.locator('#fatal').isHidden(), true);
      if (p !== page) await p.close();
      else await page.evaluate(() => { document.getElementById('message').textContent = ''; });
    }
    // An oversized hash (300 KB) is refused as a whole.
    await page.evaluate(() => { location.hash = `#x=${'a'.repeat(300 * 1024)}`; });
    await page.waitForFunction(() => document.getElementById('message').textContent !== '');
    assert.match(await page.locator('#message').textContent(), /262144|字节|bytes/i, 'the message names the limit');
  });
});

test('LastN table: a long number is shown rounded, exact while focused, and edits keep full precision', async () => {
  await checkPage(await openWatchedPage(browser, base, DESKTOP), async (page) => {
    const note = page.locator('#rounded-note');
    assert.equal(await note.isHidden(), true, 'the lecture scene has short numbers: no note');
    await page.evaluate(() => {
      const s = window.din.state();
      s.items[1].vector[2] = 0.123456789;
      s.items[2].vector[0] = -12.3456;
      window.din.setState({ items: s.items });
    });
    await page.evaluate(() => window.din.frame());
    const cell = page.locator('#items-body tr').nth(1).locator('input.num').nth(2);
    const other = page.locator('#items-body tr').nth(2).locator('input.num').nth(0);
    assert.equal(await cell.inputValue(), '0.123', 'shown with 3 decimals');
    assert.equal(await other.inputValue(), '-12.3', 'shown with 1 decimal');
    assert.equal(await note.isVisible(), true, 'the note says numbers are rounded');
    // No number field overflows its box (an overflowing field is a scroll container).
    const overflowing = await page.evaluate(() => [...document.querySelectorAll('#items-body input.num')].filter((f) => f.scrollWidth > f.clientWidth).map((f) => f.value));
    assert.deepEqual(overflowing, []);
    await cell.focus();
    assert.equal(await cell.inputValue(), '0.123456789', 'focus shows the exact value');
    await page.locator('#temperature-text').focus();
    assert.equal(await cell.inputValue(), '0.123', 'leaving shows the short form again');
    assert.equal((await state(page)).items[1].vector[2], 0.123456789, 'focus and blur change nothing');
    await cell.fill('0.98765432');
    await page.locator('#temperature-text').focus();
    assert.equal((await state(page)).items[1].vector[2], 0.98765432);
    assert.equal(await cell.inputValue(), '0.988');
  });
});

test('din.setState({query}) is the update a q slider makes: the same screen as a fresh page, no control rebuilt, an invalid q field cleared', async () => {
  await checkPage(await openWatchedPage(browser, `${base}#scene=why-din-works`, DESKTOP), async (page) => {
    await page.evaluate(() => window.din.settled());
    // Something a rebuild would lose: the elements themselves, and a q field holding refused text.
    await page.locator('#query input[type=text]').nth(2).fill('not a number');
    assert.equal(await page.locator('#query input[type=text]').nth(2).getAttribute('aria-invalid'), 'true');
    await page.evaluate(() => { window.kept = [...document.querySelectorAll('#query input, #items-body input, #similarity, #scene')]; });
    const q = (await state(page)).query.map((v, i) => (i === 0 ? v - 0.7 : i === 2 ? 0.4 : v));
    const after = await page.evaluate(async (q) => {
      window.din.setState({ query: q });
      await window.din.frame();
      const same = [...document.querySelectorAll('#query input, #items-body input, #similarity, #scene')];
      return { same: same.length === window.kept.length && same.every((e, i) => e === window.kept[i]), query: window.din.state().query };
    }, q);
    assert.ok(after.same, 'no field was rebuilt');
    assert.deepEqual(after.query, q, 'q is the one given');
    assert.equal(await page.locator('#query input[type=text]').nth(2).getAttribute('aria-invalid'), null, 'the invalid q field is cleared');
    assert.equal(await page.locator('#query input[type=text]').nth(2).inputValue(), '0.4', 'and shows the new q3');
    // What shows q's outcome reads and draws as a fresh page at the same state.
    const read = async (p) => ({
      ...await p.evaluate(() => ({
        fields: [...document.querySelectorAll('#query input')].map((e) => e.value),
        candidate: document.getElementById('candidate').value,
        readout: ['alpha-sum', 'pooled-norm', 'mean-norm'].map((id) => document.getElementById(id).textContent),
        caption: document.getElementById('caption').textContent,
        shares: document.getElementById('shares').textContent,
      })),
      charts: [await pixelDigest(p, 'bars'), await pixelDigest(p, 'map')],
    });
    const mine = await read(page);
    const link = await page.evaluate(() => window.din.link());
    await checkPage(await openWatchedPage(browser, `${base}#${link}`, DESKTOP), async (fresh) => {
      assert.deepEqual(mine, await read(fresh), 'after setState({query}) the page shows what a fresh page at that state shows');
    });
    // Undo takes the setState back as one step.
    await page.evaluate(() => window.din.undo());
    assert.notDeepEqual((await state(page)).query, q, 'undo takes q back');
  });
});
