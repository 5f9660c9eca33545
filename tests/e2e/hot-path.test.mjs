// End-to-end tests of what an edit of q may touch in the DOM (issue 15).
//
// Chromium's autofill answers every write to a <select>'s value, even of the
// value it already has, by re-reading the whole form: one forced style and
// layout per field, about 450 on this page, which cost 6 ms of every edit
// of q (a trace shows them as FormTracker::FormControlDidChange tasks).
// Writing a form field's value also costs style and layout. So an edit of
// q writes q's own fields and the readouts, and no other form field.
//
// Run from the repository root:   node --test tests/e2e/hot-path.test.mjs
// Needs pkg/ built (make build). Every wait is on a condition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, openWatchedPage, checkPage } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-US' };
const LECTURE = { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, locale: 'en-US' };

let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

/** Counts, from now on, every write to a form field's value, by field. */
function recordWrites(page) {
  return page.evaluate(() => {
    window.fieldWrites = [];
    for (const P of [HTMLInputElement, HTMLSelectElement, HTMLTextAreaElement, HTMLOptionElement]) {
      for (const prop of ['value', 'selectedIndex', 'selected', 'checked']) {
        const d = Object.getOwnPropertyDescriptor(P.prototype, prop);
        if (!d || !d.set) continue;
        Object.defineProperty(P.prototype, prop, {
          ...d,
          set(v) {
            window.fieldWrites.push({ tag: this.tagName.toLowerCase(), id: this.id, type: this.type || '', prop, inQuery: !!this.closest('#query') });
            d.set.call(this, v);
          },
        });
      }
    }
  });
}

/** One edit of q as a user makes it with the first slider, then the frame it draws. */
const slide = (page, delta) => page.evaluate(async (delta) => {
  const r = document.querySelector('#query input[type=range]');
  const before = window.din.state().query[0];
  r.value = String(r.valueAsNumber + delta);
  window.fieldWrites = [];
  r.dispatchEvent(new Event('input', { bubbles: true }));
  await window.din.frame();
  return { before, after: window.din.state().query[0], writes: window.fieldWrites };
}, delta);

for (const [name, suffix, options] of [
  ['the default page', '', DESKTOP],
  ['lecture mode', '#view=lecture', LECTURE],
]) {
  test(`an edit of q writes no <select> and no form field but q's own (${name})`, async () => {
    await checkPage(await openWatchedPage(browser, base + suffix, options), async (page) => {
      await page.evaluate(() => window.din.settled());
      await recordWrites(page);
      // The first edit may move the candidate <select> once (q no longer is
      // the candidate item's vector): that write is the state changing.
      const first = await slide(page, 0.01);
      assert.notEqual(first.after, first.before, 'the first edit moved q1');
      for (const delta of [0.01, -0.01, 0.02]) {
        const { before, after, writes } = await slide(page, delta);
        assert.ok(Math.abs(after - before - delta) < 1e-9, `the edit moved q1 from ${before} to ${after}`);
        const selects = writes.filter((w) => w.tag === 'select' || w.tag === 'option');
        assert.deepEqual(selects, [], 'no <select> written (each write re-reads the whole form in Chromium)');
        const others = writes.filter((w) => !w.inQuery);
        assert.deepEqual(others, [], 'no field outside q written');
        // q1's text field shows the new value: the one write the edit needs.
        const q1 = writes.filter((w) => w.inQuery && w.type === 'text');
        assert.equal(q1.length, 1, `q1's text field written once (${JSON.stringify(writes)})`);
        const shown = await page.evaluate(() => Number(document.querySelector('#query input[type=text]').value));
        assert.ok(Math.abs(shown - after) < 1e-9, `q1's field shows ${shown}, q1 is ${after}`);
      }
      // The <select>s still show the state.
      const s = await page.evaluate(() => window.din.state());
      assert.equal(await page.locator('#scene').inputValue(), s.scene, 'the scene <select> shows the scene');
      assert.equal(await page.locator('#candidate').inputValue(), s.candidate || '', 'the candidate <select> shows the candidate');
    });
  });
}

/**
 * Starts recording DOM mutations under <body>; `take()` returns, per target
 * and attribute (or text), the writes whose net effect over the records
 * taken was nothing: an attribute set to the value it had, a text replaced
 * by the same text. Each costs style (text: layout) work in the next frame.
 */
function recordMutations(page) {
  return page.evaluate(() => {
    const pending = [];
    const mo = new MutationObserver((rs) => pending.push(...rs));
    mo.observe(document.body, { subtree: true, attributes: true, attributeOldValue: true, childList: true, characterData: true, characterDataOldValue: true });
    const name = (n) => {
      const el = n.nodeType === 1 ? n : n.parentElement;
      return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}` : '?';
    };
    window.takeMutations = () => {
      const recs = [...pending.splice(0), ...mo.takeRecords()];
      const first = new Map();
      for (const r of recs) {
        let key;
        let before;
        if (r.type === 'attributes') { key = [r.target, `@${r.attributeName}`]; before = r.oldValue; }
        else if (r.type === 'characterData') { key = [r.target, '#text']; before = r.oldValue; }
        else { key = [r.target, '#children']; before = [...r.removedNodes].map((x) => x.textContent).join(''); if (!r.removedNodes.length && !r.addedNodes.length) continue; }
        const k = key[0];
        if (!first.has(k)) first.set(k, new Map());
        if (!first.get(k).has(key[1])) first.get(k).set(key[1], before);
      }
      const idle = [];
      const all = [];
      for (const [target, m] of first) {
        for (const [what, before] of m) {
          const now = what === '#text' ? target.data : what === '#children' ? target.textContent : target.getAttribute(what.slice(1));
          all.push(`${name(target)} ${what}`);
          // (The children's record: a same-text rewrite leaves textContent as it was.)
          // Not counted: the visibility marks, and the compact caption's fit (lecture mode), which measures
          // sentence by sentence by showing and hiding them (data-rest, data-clamp) and may end where it began.
          if (now === before && !['@data-stale', '@data-offscreen', '@data-rest', '@data-clamp'].includes(what)) idle.push(`${name(target)} ${what} = ${JSON.stringify(now).slice(0, 60)}`);
        }
      }
      return { idle, all };
    };
  });
}

for (const [name, suffix, options] of [
  ['the default page', '', DESKTOP],
  ['lecture mode', '#view=lecture', LECTURE],
]) {
  test(`an edit of q rewrites nothing in the DOM to the value it already had; the shares block is updated in place (${name})`, async () => {
    await checkPage(await openWatchedPage(browser, base + suffix, options), async (page) => {
      await page.evaluate(() => window.din.settled());
      await slide(page, 0.01);
      await recordMutations(page);
      const rows = await page.evaluate(() => { window.shareRows = [...document.querySelectorAll('#shares .sh-row')]; return window.shareRows.length; });
      for (const delta of [0.03, -0.02, 0.05]) {
        await slide(page, delta);
        const { idle, all } = await page.evaluate(() => window.takeMutations());
        assert.deepEqual(idle, [], `the edit wrote values that were already there (of ${all.join(', ')})`);
        assert.ok(all.some((w) => w.startsWith('span#pooled-norm')), `the readout shows the new pooled norm (${all.join(', ')})`);
      }
      const same = await page.evaluate(() => {
        const now = [...document.querySelectorAll('#shares .sh-row')];
        return now.length === window.shareRows.length && now.every((r, i) => r === window.shareRows[i]);
      });
      if (rows > 0) assert.ok(same, 'the shares rows are the same elements after the edits (updated in place)');
      // In place or not, the block reads as a fresh page at the same state draws it.
      const read = (p) => p.evaluate(() => [...document.querySelectorAll('#shares .sh-row')].map((r) => [
        r.textContent, ...[...r.querySelectorAll('i')].map((i) => `${i.style.left}|${i.style.width}`)]));
      const mine = await read(page);
      const link = await page.evaluate(() => window.din.link());
      await checkPage(await openWatchedPage(browser, `${base}#${link}`, options), async (fresh) => {
        assert.deepEqual(mine, await read(fresh), 'the shares block after in-place updates equals a fresh page\'s');
      });
    });
  });
}
