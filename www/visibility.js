// visibility.js — draws only the charts the reader can see. An update draws
// the charts inside the viewport (an IntersectionObserver with a margin
// keeps the set); a chart outside it is marked stale instead of drawn. A
// stale chart is drawn before anything shows or reads its pixels:
//   - when it comes near the viewport, in the observer's callback;
//   - while stale it is not painted at all (`data-stale` makes it
//     `opacity: 0`, widget.css: unlike `visibility: hidden` it keeps the
//     chart focusable and under the pointer), so a scroll the compositor
//     moves before the callback runs shows an empty box for at most one
//     frame, never an old picture;
//   - when it takes focus (Tab, a click), at once;
//   - a script that reads its pixels (toDataURL, toBlob, getImageData)
//     gets a fresh draw first.
// The first draw, before the observer has reported, takes only the charts
// inside the viewport itself (no margin): the first screen is complete
// before anything below the fold is drawn, and the observer's first report,
// a task after that frame, draws the charts within the margin.
// Panels not shown at all (`panels=`, lecture mode's other tabs) are hidden
// and never drawn; the frame that shows one draws it (canvases.js).
//
// May depend on: wasm.js (coreLists, live); the widget core (this.ui,
// this.app, guard), canvases.js (paintCharts).

import { coreLists, live } from './wasm.js';

/** How far above and below the viewport a chart is still drawn on update, as a share of its height (so a scroll rarely meets a stale one). */
const MARGIN_SHARE = 0.5;
/** That margin as an IntersectionObserver rootMargin (the train panel's charts use it too). */
export const VISIBILITY_MARGIN = `${MARGIN_SHARE * 100}% 0px ${MARGIN_SHARE * 100}% 0px`;

export const Visibility = (Base) => class extends Base {
  /** Watches the chart canvases; until its first report every chart counts as in view. */
  observeVisibility() {
    // Charts known to be outside the viewport (canvas ids) and charts whose pixels are not of the current scene.
    this.offscreen = this.offscreen || new Set();
    this.stale = this.stale || new Set();
    if (typeof IntersectionObserver !== 'function') return;
    // Until the first report, isOffscreen measures against the bare viewport.
    this.visibilityReported = false;
    const byCanvas = new Map(coreLists().charts.map((id) => [this.ui[id], id]));
    const io = new IntersectionObserver((entries) => {
      if (!live.has(this)) { io.disconnect(); return; }
      this.visibilityReported = true;
      const now = [];
      for (const e of entries) {
        const id = byCanvas.get(e.target);
        if (!id) continue;
        // data-offscreen mirrors the set for tools and tests (it changes only when a chart crosses the margin).
        e.target.toggleAttribute('data-offscreen', !e.isIntersecting);
        if (e.isIntersecting) {
          this.offscreen.delete(id);
          if (this.stale.has(id)) now.push(id);
        } else {
          this.offscreen.add(id);
        }
      }
      // Drawn here, in the same task as the report, so before the frame that paints it.
      if (now.length) this.drawStale(now);
    }, { rootMargin: VISIBILITY_MARGIN });
    for (const [c] of byCanvas) {
      io.observe(c);
      this.guardReads(c);
      c.addEventListener('focus', () => this.drawStale([byCanvas.get(c)]));
    }
    this.visibilityObserver = io;
  }

  /**
   * Whether an update leaves chart `id` out (it is outside the viewport's
   * margin). The observer reports a scroll a task or more after it
   * happens, so its set is checked against where the chart is now: a chart
   * the set still calls outside but a scroll has brought into view is drawn
   * (else it would be hidden as stale under the pointer, which loses its
   * hover, until the report comes).
   */
  isOffscreen(id) {
    const h = window.innerHeight || 0;
    if (this.visibilityReported === false) {
      // The first draw: only what is on the first screen (an empty viewport, as in some embeds, draws all).
      if (h <= 0) return false;
      const r = this.ui[id].getBoundingClientRect();
      return r.bottom <= 0 || r.top >= h;
    }
    if (!this.offscreen || !this.offscreen.has(id)) return false;
    const r = this.ui[id].getBoundingClientRect();
    return r.bottom < -h * MARGIN_SHARE || r.top > h * (1 + MARGIN_SHARE);
  }

  markStale(id) {
    if (this.stale.has(id)) return;
    this.stale.add(id);
    this.ui[id].toggleAttribute('data-stale', true);
  }

  markFresh(id) {
    if (!this.stale || !this.stale.has(id)) return;
    this.stale.delete(id);
    this.ui[id].toggleAttribute('data-stale', false);
  }

  /** Draws the stale charts among `ids` now (synchronously), if the widget can draw. */
  drawStale(ids) {
    const want = ids.filter((id) => this.stale.has(id));
    if (!want.length || !this.app || this.broken) return;
    this.paintCharts(new Set(want));
  }

  /** Every read of a canvas's pixels by a script draws it first if it is stale. */
  guardReads(canvas) {
    const id = canvas.id;
    const fresh = () => { if (this.stale.has(id)) this.drawStale([id]); };
    for (const name of ['toDataURL', 'toBlob']) {
      const own = canvas[name];
      Object.defineProperty(canvas, name, { configurable: true, value: function (...args) { fresh(); return own.apply(this, args); } });
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const read = ctx.getImageData;
    Object.defineProperty(ctx, 'getImageData', { configurable: true, value: function (...args) { fresh(); return read.apply(this, args); } });
  }
};
