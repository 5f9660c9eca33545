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
