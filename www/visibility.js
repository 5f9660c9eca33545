// visibility.js — draws only the charts the reader can see. An update draws
// the charts inside the viewport; a chart outside it is marked stale
// instead of drawn, and a stale chart is drawn before anything shows or
// reads its pixels:
//   - when it comes within half a screen of the viewport (an
//     IntersectionObserver with that margin, and, for a chart already that
//     near when an update left it stale, the first scroll after the update),
//     so a scroll rarely meets a stale one;
//   - when it enters the viewport by any other way (a second observer
//     without margin: a layout change, a resize);
//   - while stale it is not painted at all (`data-stale` makes it
//     `opacity: 0`, widget.css: unlike `visibility: hidden` it keeps the
//     chart focusable and under the pointer), so a scroll the compositor
//     moves before the main thread draws shows an empty box for at most one
//     frame, never an old picture;
//   - when it takes focus (Tab, a click), at once;
//   - a script that reads its pixels (toDataURL, toBlob, getImageData)
//     gets a fresh draw first.
// The first draw, before the observer has reported, takes the same
// first-screen charts: the first screen is complete before anything below
// the fold is drawn, and the observer's first report, a task after that
// frame, draws the charts within the margin.
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
  /** Watches the chart canvases; until the first report, charts count by where they are. */
  observeVisibility() {
    // Charts known to be outside the viewport's margin (canvas ids) and charts whose pixels are not of the current scene.
    this.offscreen = this.offscreen || new Set();
    this.stale = this.stale || new Set();
    if (typeof IntersectionObserver !== 'function') return;
    const byCanvas = new Map(coreLists().charts.map((id) => [this.ui[id], id]));
    // Near: within the margin. Reports crossings of the margin (a scroll coming close draws ahead).
    const near = new IntersectionObserver((entries) => {
      if (!live.has(this)) { near.disconnect(); return; }
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
    // In view: a stale chart that enters the viewport itself by any way is drawn at once.
    const seen = new IntersectionObserver((entries) => {
      if (!live.has(this)) { seen.disconnect(); return; }
      const now = entries.filter((e) => e.isIntersecting).map((e) => byCanvas.get(e.target)).filter((id) => id && this.stale.has(id));
      if (now.length) this.drawStale(now);
    });
    for (const [c] of byCanvas) {
      near.observe(c);
      seen.observe(c);
      this.guardReads(c);
      c.addEventListener('focus', () => this.drawStale([byCanvas.get(c)]));
    }
    // A chart an update left stale while it was already near does not cross the margin again:
    // the first scroll (of the page or of any scrolling box around the widget) draws it ahead.
    // Near is what the margin observer last reported (not in `offscreen`; a hidden or unrendered
    // chart is reported outside), so the scroll handler forces no layout.
    const onScroll = () => {
      if (!live.has(this)) { document.removeEventListener('scroll', onScroll, true); return; }
      if (!this.stale.size) return;
      const ahead = [...this.stale].filter((id) => !this.offscreen.has(id));
      if (ahead.length) this.drawStale(ahead);
    };
    document.addEventListener('scroll', onScroll, { capture: true, passive: true });
  }

  /**
   * Whether an update leaves chart `id` out: no part of it is inside the
   * viewport. Only what the reader sees is drawn on an update; a chart just
   * below the fold is drawn ahead when a scroll comes near it, not on every
   * edit.
   */
  isOffscreen(id) {
    const h = window.innerHeight || 0;
    const w = window.innerWidth || 0;
    // (An empty viewport, as in some embeds before layout, draws all.)
    if (h <= 0 || w <= 0) return false;
    const r = this.ui[id].getBoundingClientRect();
    return r.bottom <= 0 || r.top >= h || r.right <= 0 || r.left >= w;
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
