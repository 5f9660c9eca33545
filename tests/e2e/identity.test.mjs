// End-to-end tests of identity (issue 11 §4): an item keeps its colour for
// its whole life (removing x1 recolours nothing; links, JSON and undo keep
// the colour ids), every built-in scene's items have distinct colours in
// every theme, and a named candidate in a state object sets q as
// `candidate=` in a link does.
//
// Run from the repository root:   node --test tests/e2e/identity.test.mjs
// Needs pkg/ built (make build). Every wait is on a condition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage, watchContext } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-US' };

let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

function pageTest(name, suffix, fn, contextOptions = DESKTOP) {
  test(name, async () => checkPage(await openWatchedPage(browser, base + suffix, contextOptions), fn));
}

const state = (page) => page.evaluate(() => window.din.state());

/**
 * What colour each item is drawn in: its table swatch (CSS colour) and the
 * middle pixel of its bar in the bar chart, by label.
 */
function colours(page) {
  return page.evaluate(async () => {
    await window.din.frame();
    const rgb = (s) => s.match(/\d+/g).slice(0, 3).map(Number);
    const swatches = [...document.querySelectorAll('#items-body tr:not(.spacer)')].map((tr) => ({
      label: tr.querySelector('input.label').value,
      swatch: rgb(getComputedStyle(tr.querySelector('td.swatch span:first-child')).backgroundColor),
    }));
    const c = document.getElementById('bars');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const lay = window.din.layout().bars;
    // The middle of each bar; a bar a few pixels long is only its axis, so it has no colour to read.
    const bars = lay.bars.map(([y0, y1, xe]) => {
      if (Math.abs(xe - lay.zeroX) < 8) return null;
      const x = Math.round((lay.zeroX + xe) / 2);
      const y = Math.round((y0 + y1) / 2);
      const i = (y * c.width + x) * 4;
      return [data[i], data[i + 1], data[i + 2]];
    });
    return swatches.map((s, i) => ({ ...s, bar: bars[i] }));
  });
}

const key = (c) => c.join(',');

pageTest('§4. removing x1 keeps every other item\'s colour (table swatch and bar), and undo brings x1 back in its own', '?scene=why-din-works&lang=en', async (page) => {
  const before = await colours(page);
  assert.equal(before.length, 9);
  for (const it of before) if (it.bar) assert.deepEqual(it.bar, it.swatch, `${it.label}: the bar is drawn in the swatch's colour`);
  await page.getByRole('button', { name: 'remove x1', exact: true }).click();
  const after = await colours(page);
  assert.deepEqual(after.map((c) => c.label), before.slice(1).map((c) => c.label));
  after.forEach((c, i) => {
    assert.deepEqual(c.swatch, before[i + 1].swatch, `${c.label} kept its swatch colour`);
    assert.deepEqual(c.bar, before[i + 1].bar, `${c.label} kept its bar colour`);
  });
  assert.deepEqual((await state(page)).items.map((it) => it.color), [1, 2, 3, 4, 5, 6, 7, 8]);
  // A new item takes the colour x1 left free; x10 does not repeat anyone's.
  await page.locator('#add-item').click();
  let now = await colours(page);
  assert.deepEqual(now[8].swatch, before[0].swatch, 'the new item gets the first unused colour (x1\'s)');
  await page.locator('#add-item').click();
  now = await colours(page);
  assert.equal(new Set(now.map((c) => key(c.swatch))).size, 10, 'ten items, ten colours');
  // Undo twice and once more: the original nine, each in its colour.
  for (let k = 0; k < 3; k++) await page.locator('#undo').click();
  const undone = await colours(page);
  assert.deepEqual(undone, before, 'undo restores items and colours');
  await page.locator('#redo').click();
  assert.deepEqual((await colours(page)).map((c) => c.swatch), after.map((c) => c.swatch), 'redo too');
});

test('§4. every built-in scene\'s items have distinct colours in every theme, the table\'s swatches follow the theme', async () => {
  await checkPage(await openWatchedPage(browser, `${base}?lang=en`, DESKTOP), async (page) => {
    const seen = {};
    for (const scene of ['why-din-works', 'interest-intensity']) {
      for (const theme of ['light', 'dark', 'contrast']) {
        await page.evaluate(([scene, theme]) => { location.hash = `#scene=${scene}&theme=${theme}`; }, [scene, theme]);
        await page.waitForFunction(([scene, theme]) => window.din.state().scene === scene && window.din.state().theme === theme, [scene, theme]);
        const cs = await colours(page);
        const swatches = cs.map((c) => key(c.swatch));
        assert.equal(new Set(swatches).size, cs.length, `${scene} ${theme}: ${cs.length} items, ${new Set(swatches).size} colours`);
        cs.filter((c) => c.bar).forEach((c) => assert.deepEqual(c.bar, c.swatch, `${scene} ${theme} ${c.label}: bar and swatch agree`));
        seen[`${scene} ${theme}`] = swatches;
      }
    }
    assert.notDeepEqual(seen['why-din-works dark'], seen['why-din-works light'], 'the swatches follow the theme');
    // The theme menu too (not only a link).
    await page.locator('#theme').selectOption('light');
    const light = (await colours(page)).map((c) => key(c.swatch));
    await page.locator('#theme').selectOption('contrast');
    const contrast = (await colours(page)).map((c) => key(c.swatch));
    assert.deepEqual(contrast, seen['interest-intensity contrast']);
    assert.notDeepEqual(light, contrast);
  });
});

pageTest('§4. colour ids survive the link, the JSON export and import', '?scene=why-din-works&lang=en', async (page, context) => {
  await page.getByRole('button', { name: 'remove x1', exact: true }).click();
  await page.locator('#add-item').click();
  const want = (await state(page)).items.map((it) => it.color);
  assert.deepEqual(want, [1, 2, 3, 4, 5, 6, 7, 8, 0]);
  const swatches = (await colours(page)).map((c) => c.swatch);
  const link = await page.evaluate(() => window.din.link());
  assert.match(link, /x=[^&]*@1;/, `the link names the colour ids: ${link}`);
  const other = await context.newPage();
  await other.goto(`${base}#${link}`);
  await other.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  assert.deepEqual((await state(other)).items.map((it) => it.color), want, 'the link keeps the colour ids');
  assert.deepEqual((await colours(other)).map((c) => c.swatch), swatches, 'and the colours');
  // An old link (no colour ids) opens with the colours it always had.
  await other.goto(`${base}#scene=mine&x=a:1,0;b:0,1;c:1,1`);
  await other.waitForFunction(() => window.din.state().scene === 'mine');
  assert.deepEqual((await state(other)).items.map((it) => it.color), [0, 1, 2]);
  await other.close();
  // JSON out and back in.
  const json = await page.evaluate(() => window.din.exportJson());
  await page.evaluate(() => window.din.reset());
  assert.deepEqual((await state(page)).items.map((it) => it.color), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  await page.evaluate((j) => window.din.importText(j), json);
  assert.deepEqual((await state(page)).items.map((it) => it.color), want, 'the JSON scene keeps the colour ids');
});

pageTest('§4. more items than colours: the table says how colours repeat', '?scene=why-din-works&lang=en', async (page) => {
  assert.equal(await page.locator('#colors-note').isVisible(), false);
  await page.locator('#gen-n').fill('20');
  await page.locator('#gen-d').fill('8');
  await page.locator('#generate').click();
  await page.waitForFunction(() => window.din.state().items.length === 20);
  assert.equal(await page.locator('#colors-note').isVisible(), true);
  assert.match(await page.locator('#colors-note').textContent(), /repeat every 12/);
  const ids = (await state(page)).items.map((it) => it.color);
  assert.deepEqual(ids, [...Array(20).keys()]);
  const cs = await page.evaluate(() => [...document.querySelectorAll('#items-body tr:not(.spacer) td.swatch .dot')].map((d) => getComputedStyle(d).backgroundColor));
  assert.equal(cs[12], cs[0], 'id 12 is drawn in colour 0');
  assert.notEqual(cs[11], cs[0]);
});

// ------------------------------------------------------------------ candidate

pageTest('§4. din.setState({candidate}) sets q as candidate= in a link does; with a query it only names it', '?scene=why-din-works&lang=en', async (page, context) => {
  const other = await context.newPage();
  await other.goto(`${base}?scene=why-din-works&candidate=news`);
  await other.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const fromLink = await state(other);
  const linkAlpha = await other.evaluate(() => window.din.result().alpha);
  await other.close();
  const before = await page.evaluate(() => window.din.result().alpha);
  await page.evaluate(() => window.din.setState({ candidate: 'news' }));
  const s = await state(page);
  assert.deepEqual([s.candidate, s.query], [fromLink.candidate, fromLink.query], 'q is the news candidate');
  assert.deepEqual(await page.evaluate(() => window.din.result().alpha), linkAlpha, 'every chart follows it');
  assert.notDeepEqual(linkAlpha, before);
  assert.equal(await page.locator('#candidate').inputValue(), 'news');
  // With an explicit query the candidate only names it.
  const q = [0, 0, 0, 0, 0, 0, 1, 0.5];
  await page.evaluate((q) => window.din.setState({ candidate: 'food', query: q }), q);
  const named = await state(page);
  assert.deepEqual([named.candidate, named.query], ['food', q]);
  // A name the scene does not have is refused, naming the ones it has; nothing changes.
  const refused = await page.evaluate(() => { try { window.din.setState({ candidate: 'pizza' }); return null; } catch (e) { return `${e.code} ${e.message}`; } });
  assert.match(refused, /^E_NO_SUCH .*pizza.*food, news, makeup, cars/);
  assert.deepEqual(await state(page), named);
});

test('§4. the element\'s state setter sets q from a named candidate too', async () => {
  const context = await browser.newContext(DESKTOP);
  const problems = [];
  await watchContext(context, problems);
  const page = await context.newPage();
  await page.goto(`${base}examples/element/index.html`);
  await page.waitForFunction(() => document.querySelectorAll('din-attention[data-ready]').length >= 2);
  await checkPage({ context, page, problems }, async () => {
    const news = await page.evaluate(async () => {
      const el = document.getElementById('left');
      el.state = { candidate: 'news' };
      await el.frame();
      return { state: el.state, alpha: el.result().alpha };
    });
    assert.equal(news.state.candidate, 'news');
    assert.deepEqual(news.state.query, [0, 0, 0, 0, 0, 0, 1.2, 0.1], 'q is the news candidate\'s vector');
    // The same as the attribute (the link's key) gives.
    const attr = await page.evaluate(async () => {
      const el = document.getElementById('left');
      el.state = { candidate: 'food' };
      el.setAttribute('candidate', 'news');
      await el.frame();
      return el.state.query;
    });
    assert.deepEqual(attr, news.state.query);
    const named = await page.evaluate(() => {
      const el = document.getElementById('left');
      el.state = { candidate: 'cars', query: [1, 1, 1, 1, 1, 1, 1, 1] };
      return el.state;
    });
    assert.deepEqual([named.candidate, named.query], ['cars', [1, 1, 1, 1, 1, 1, 1, 1]]);
  });
});
