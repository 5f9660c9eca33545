// End-to-end tests of "update" (README, issue 15): an edit draws only the
// charts near the viewport; a chart outside it is left stale, is never
// painted while stale, and is drawn before it is painted when it scrolls
// into view, with the pixels of a fresh full draw of the same scene.
//
// The first draw takes only the first screen: the charts below the fold are
// drawn afterwards, by the observer's first report, when near the viewport.
//
// Run from the repository root after `make build`:
//   node --test tests/e2e/visibility.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage, watchContext, waitReady, pixelDigest } from './harness.mjs';

// A short viewport, so that the lower charts are well outside the observer's margin.
const SHORT = { viewport: { width: 1280, height: 500 }, deviceScaleFactor: 1 };

let base = '';
let browser = null;
serveAndLaunch((s) => ({ browser, base } = s));

/** A digest of canvas `id`'s pixels as they are (no fresh draw first). */
const rawPixels = pixelDigest;

/** Moves q1 by a visible amount through the public API and waits for the frame. */
async function editQuery(page) {
  await page.evaluate(async () => {
    const q = window.din.state().query.slice();
    q[0] = q[0] > 0 ? q[0] - 0.9 : q[0] + 0.9;
    window.din.setState({ query: q });
    await window.din.frame();
  });
}

/** The charts shown on the page whose canvas is stale after an edit, in page order. */
const staleCharts = (page) => page.evaluate(() => [...document.querySelectorAll('.chart canvas[data-stale]')]
  .filter((c) => !c.closest('[data-panel]').hidden).map((c) => c.id));

test('an edit leaves off-screen charts stale; scrolled into view, one is drawn before it is painted, as a fresh page draws it', async () => {
  const opened = await openWatchedPage(browser, `${base}index.html#scene=why-din-works`, SHORT);
  await checkPage(opened, async (page) => {
    // The observer's first report marks what is outside the viewport; an edit then leaves those stale.
    const lower = await page.evaluate(() => [...document.querySelectorAll('.chart canvas')]
      .filter((c) => !c.closest('[data-panel]').hidden && c.getBoundingClientRect().top > 2.5 * innerHeight).map((c) => c.id));
    assert.ok(lower.length > 0, 'some shown chart starts far below a 500 px viewport');
    const before = {};
    for (const id of lower) before[id] = await rawPixels(page, id);
    // The observer has reported them outside the viewport (its first report follows the first frame).
    await page.waitForFunction((ids) => ids.every((id) => document.getElementById(id).hasAttribute('data-offscreen')), lower);
    await editQuery(page);
    await page.waitForFunction((ids) => ids.every((id) => document.getElementById(id).hasAttribute('data-stale')), lower);
    const stale = await staleCharts(page);
    for (const id of lower) assert.ok(stale.includes(id), `#${id} (off-screen) is stale after the edit, not drawn`);
    // Not drawn: its pixels are still those of the scene before the edit.
    for (const id of lower) assert.equal(await rawPixels(page, id), before[id], `#${id} was not redrawn off-screen`);
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.chart canvas[data-stale]')).opacity), '0',
      'a stale chart is not painted');
    // Pick one whose pixels the edit changes (its q-dependent part), scroll it into view and watch
    // every frame until it is drawn: in each, it is either not painted (stale, hidden) or current.
    const link = await page.evaluate(() => window.din.link());
    const fresh = await openWatchedPage(browser, `${base}index.html#${link}`, SHORT);
    let target = null;
    const reference = {};
    await checkPage(fresh, async (p2) => {
      for (const id of lower) {
        await p2.locator(`#${id}`).evaluate((c) => c.scrollIntoView({ block: 'center' }));
        await p2.waitForFunction((id) => !document.getElementById(id).hasAttribute('data-stale'), id);
        await p2.evaluate(() => window.din.frame());
        reference[id] = await rawPixels(p2, id);
      }
    });
    target = lower.find((id) => reference[id] !== before[id]);
    assert.ok(target, `the edit of q changes one of the lower charts (${lower.join(', ')})`);
    const frames = await page.evaluate((id) => new Promise((resolve) => {
      const c = document.getElementById(id);
      const ctx = c.getContext('2d');
      const digest = () => {
        const d = CanvasRenderingContext2D.prototype.getImageData.call(ctx, 0, 0, c.width, c.height).data;
        let h = 2166136261;
        for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
        return `${c.width}x${c.height}:${h}`;
      };
      const seen = [];
      const check = () => {
        // Runs as the frame's last script before its paint: record what that paint shows.
        const hidden = getComputedStyle(c).opacity === '0';
        seen.push(hidden ? 'hidden' : digest());
        // (A bound on frames, not time: a chart never drawn fails below instead of hanging.)
        if (!hidden || seen.length >= 240) resolve(seen); else requestAnimationFrame(check);
      };
      c.scrollIntoView({ block: 'center' });
      requestAnimationFrame(check);
    }), target);
    assert.ok(frames.length >= 1);
    if (process.env.DIN_DEBUG) console.log(target, frames);
    for (const f of frames) {
      assert.ok(f === 'hidden' || f === reference[target], `a frame painted #${target} neither hidden nor current: ${frames.join(' | ')}`);
    }
    assert.equal(frames[frames.length - 1], reference[target], `#${target} in view has a fresh page's pixels`);
    // A stale chart is still there for the keyboard and the pointer: one that takes focus (tabindex) is drawn by it at once.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction((ids) => ids.some((id) => document.getElementById(id).hasAttribute('data-offscreen')), lower);
    await editQuery(page);
    const staleNow = await page.waitForFunction((ids) => ids.find((id) => document.getElementById(id).hasAttribute('data-stale') && document.getElementById(id).tabIndex >= 0), lower);
    const id = await staleNow.jsonValue();
    const focused = await page.evaluate((id) => {
      const c = document.getElementById(id);
      c.focus({ preventScroll: true });
      return [document.activeElement === c, c.hasAttribute('data-stale')];
    }, id);
    assert.deepEqual(focused, [true, false], `stale #${id} takes focus and is drawn by it`);
  });
});

test('reading an off-screen stale chart\'s pixels (toDataURL) draws it first', async () => {
  const opened = await openWatchedPage(browser, `${base}index.html#scene=why-din-works`, SHORT);
  await checkPage(opened, async (page) => {
    const lower = await page.evaluate(() => [...document.querySelectorAll('.chart canvas')]
      .filter((c) => !c.closest('[data-panel]').hidden && c.getBoundingClientRect().top > 2.5 * innerHeight).map((c) => c.id));
    assert.ok(lower.length > 0);
    await page.waitForFunction((ids) => ids.every((id) => document.getElementById(id).hasAttribute('data-offscreen')), lower);
    await editQuery(page);
    await page.waitForFunction((ids) => ids.some((id) => document.getElementById(id).hasAttribute('data-stale')), lower);
    const id = await page.evaluate(() => document.querySelector('.chart canvas[data-stale]').id);
    const url = await page.evaluate((id) => document.getElementById(id).toDataURL(), id);
    assert.equal(await page.evaluate((id) => document.getElementById(id).hasAttribute('data-stale'), id), false, 'the read drew it');
    const link = await page.evaluate(() => window.din.link());
    const fresh = await openWatchedPage(browser, `${base}index.html#${link}`, SHORT);
    let ref = null;
    await checkPage(fresh, async (p2) => {
      // Far below the fold the fresh page has not drawn it either: the read draws it.
      ref = await p2.evaluate((id) => document.getElementById(id).toDataURL(), id);
    });
    assert.equal(url, ref, `#${id} read off-screen equals a fresh page's draw`);
  });
});

test('the first draw is the first screen only; charts near it are drawn next, before they are painted, as a full draw draws them', async () => {
  // 700 px high: the map starts within half a screen below the fold, the heatmap further down.
  const VIEW = { ...SHORT, viewport: { width: SHORT.viewport.width, height: 700 } };
  const context = await browser.newContext(VIEW);
  const problems = [];
  await watchContext(context, problems);
  // At the moment the page says it is ready (its first complete draw), record which charts were drawn.
  await context.addInitScript(() => {
    new MutationObserver((_, mo) => {
      if (document.documentElement.dataset.ready !== 'true') return;
      mo.disconnect();
      window.atReady = [...document.querySelectorAll('.chart canvas')]
        .filter((c) => !c.closest('[data-panel]').hidden)
        .map((c) => { const r = c.getBoundingClientRect(); return { id: c.id, top: r.top, bottom: r.bottom, stale: c.hasAttribute('data-stale'), width: c.width }; });
      window.atReadyHeight = innerHeight;
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${base}index.html#scene=why-din-works`);
  await waitReady(page);
  await checkPage({ context, page, problems }, async () => {
    const { charts, h } = await page.evaluate(() => ({ charts: window.atReady, h: window.atReadyHeight }));
    const onScreen = charts.filter((c) => c.bottom > 0 && c.top < h);
    const below = charts.filter((c) => c.top >= h);
    assert.ok(onScreen.length > 0 && below.length > 0, `charts on and below a ${h} px first screen: ${JSON.stringify(charts)}`);
    for (const c of onScreen) assert.equal(c.stale, false, `#${c.id} on the first screen is drawn by the first complete draw`);
    for (const c of below) assert.equal(c.stale, true, `#${c.id} below the fold is not drawn before the first screen is complete`);
    // Those within the observer's margin (half a screen) are drawn next without any scroll or edit; the rest stay stale, unpainted.
    const near = below.filter((c) => c.top < 1.5 * h).map((c) => c.id);
    const far = below.filter((c) => c.top > 1.5 * h).map((c) => c.id);
    assert.ok(near.length > 0 && far.length > 0, `charts near and far below the fold: ${JSON.stringify(below)}`);
    await page.waitForFunction((ids) => ids.every((id) => !document.getElementById(id).hasAttribute('data-stale')), near);
    await page.waitForFunction((ids) => ids.every((id) => document.getElementById(id).hasAttribute('data-offscreen')), far);
    for (const id of far) {
      assert.equal(await page.evaluate((id) => document.getElementById(id).hasAttribute('data-stale'), id), true, `#${id} far below stays undrawn`);
      assert.equal(await page.evaluate((id) => getComputedStyle(document.getElementById(id)).opacity, id), '0', `#${id} undrawn is not painted`);
    }
    // Each chart drawn late has the pixels of a page that shows it from the start (a tall viewport draws everything at once).
    const tall = await openWatchedPage(browser, `${base}index.html#scene=why-din-works`, { ...VIEW, viewport: { width: VIEW.viewport.width, height: 4000 } });
    const late = [...near, far[0]];
    await page.evaluate((id) => document.getElementById(id).scrollIntoView({ block: 'center' }), far[0]);
    await page.waitForFunction((id) => !document.getElementById(id).hasAttribute('data-stale'), far[0]);
    const mine = {};
    for (const id of late) mine[id] = await rawPixels(page, id);
    await checkPage(tall, async (p2) => {
      for (const id of late) {
        // Same layout width, so the same canvas size; a taller viewport only moves nothing sideways.
        const theirs = await rawPixels(p2, id);
        assert.equal(mine[id], theirs, `#${id} drawn after the first screen equals a full first draw`);
      }
    });
  });
});

test('an edit draws only the charts in the viewport; one just below the fold is drawn by the first scroll, before it comes into view', async () => {
  // 700 px high: the map starts within half a screen below the fold.
  const VIEW = { ...SHORT, viewport: { width: SHORT.viewport.width, height: 700 } };
  const opened = await openWatchedPage(browser, `${base}index.html#scene=why-din-works`, VIEW);
  await checkPage(opened, async (page) => {
    const top = await page.evaluate(() => document.getElementById('map').getBoundingClientRect().top);
    assert.ok(top > 700 && top < 1050, `the map starts just below the fold (top ${top})`);
    // Drawn ahead after the first screen (the observer's first report: it is near).
    await page.waitForFunction(() => !document.getElementById('map').hasAttribute('data-stale'));
    const before = await rawPixels(page, 'map');
    await editQuery(page);
    assert.equal(await page.evaluate(() => document.getElementById('map').hasAttribute('data-stale')), true, 'the edit left the map (not in view) stale');
    assert.equal(await rawPixels(page, 'map'), before, 'the edit did not draw the map');
    assert.equal(await page.evaluate(() => document.getElementById('bars').hasAttribute('data-stale')), false, 'the bars, in view, are drawn');
    // A small scroll that leaves the map below the fold draws it ahead.
    const drawnAt = await page.evaluate(() => new Promise((resolve) => {
      const map = document.getElementById('map');
      const check = () => {
        if (!map.hasAttribute('data-stale')) resolve(map.getBoundingClientRect().top);
        else requestAnimationFrame(check);
      };
      window.scrollBy(0, 40);
      requestAnimationFrame(check);
    }));
    assert.ok(drawnAt > 700, `the map was drawn while still below the fold (top ${drawnAt})`);
    const link = await page.evaluate(() => window.din.link());
    const tall = await openWatchedPage(browser, `${base}index.html#${link}`, { ...VIEW, viewport: { width: VIEW.viewport.width, height: 4000 } });
    const mine = await rawPixels(page, 'map');
    assert.notEqual(mine, before, 'the edit changed the map');
    await checkPage(tall, async (p2) => {
      assert.equal(mine, await rawPixels(p2, 'map'), 'the map drawn ahead equals a full draw of the edited scene');
    });
  });
});
