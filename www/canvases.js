// canvases.js — the canvas host: sizes each visible canvas's backing store
// from its box on screen (devicePixelRatio and any CSS transform, so charts
// stay sharp in a scaled slide), draws in one requestAnimationFrame, redraws
// when a box or the pixel ratio changes, and maps pointer positions to the
// canvas's own CSS pixels. Which panels are visible is the view's.
//
// Charts outside the viewport are left stale and drawn when they come
// into view (visibility.js).
//
// May depend on: wasm.js (coreLists, poisoned, live), util.js (cssZoom); the widget
// core (this.app, ui, shell, guard, say, checkSettled), lecture.js
// (lectureFills, sizeLecturePanels), tip.js (placeTip), visibility.js
// (isOffscreen, markStale, markFresh).

import { coreLists, live, poisoned } from './wasm.js';
import { cssZoom } from './util.js';

export const Canvases = (Base) => class extends Base {
  // ------------------------------------------------------------ drawing

  /** Backing-store pixels per CSS pixel: dpr times any CSS transform scale (reveal.js). */
  pixelRatio() {
    return (window.devicePixelRatio || 1) * cssZoom(this.shell);
  }

  /** Sets the canvas's CSS height (null: the stylesheet's) without touching its backing store. */
  setCssHeight(canvas, cssHeight) {
    if (cssHeight !== null) {
      const h = `${cssHeight}px`;
      if (canvas.style.height !== h) canvas.style.height = h;
    }
  }

  /** Backing store = the canvas's size on screen in device pixels (after any CSS transform). */
  sizeCanvas(canvas) {
    const r = canvas.getBoundingClientRect();
    this.drawnBoxes.set(canvas, `${r.width}x${r.height}`);
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width * dpr));
    const h = Math.max(1, Math.round(r.height * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
  }

  draw() {
    this.drawPending = false;
    if (this.broken || poisoned || !this.app) return;
    this.paintCharts(null);
    if (this.tip) this.placeTip();
    // A frame of the animation is not a complete draw: frame() waits for its end.
    if (!this.animating) {
      const waiters = this.frameWaiters;
      this.frameWaiters = [];
      waiters.forEach((w) => w());
    }
    this.checkSettled();
  }

  /**
   * Sizes and draws the shown charts: those in `only` (a Set of chart ids, the
   * stale ones coming into view), or, for null, every chart near the viewport;
   * a shown chart left out is marked stale (visibility.js). Every shown
   * chart's CSS height is set either way, so the page's layout never waits
   * for a draw.
   */
  paintCharts(only) {
    const { ui, shell } = this;
    const ratio = this.pixelRatio();
    const fill = shell.hasAttribute('data-embed') || this.lectureFills();
    const layout = JSON.parse(this.guard(() => this.app.layoutJson()));
    this.sizeLecturePanels(fill);
    const heights = {
      bars: fill ? null : layout.barsHeight,
      heatmap: fill ? null : layout.heatmapHeight,
    };
    const drawn = [];
    for (const id of coreLists().charts) {
      const c = ui[id];
      if (c.closest('[data-panel]').hidden) continue;
      if (id === 'unit') heights.unit = fill ? null : this.guard(() => this.app.unitHeight(c.offsetWidth));
      this.setCssHeight(c, heights[id] ?? null);
      // Not rendered at all (lecture mode's train tab covers the lecture's screen): drawn when it shows.
      if (!only && !c.getClientRects().length) {
        this.markStale(id);
        continue;
      }
      if (only ? !only.has(id) : this.isOffscreen(id)) {
        if (!only) this.markStale(id);
        continue;
      }
      this.sizeCanvas(c);
      this.markFresh(id);
      drawn.push(id);
    }
    if (!drawn.length) return;
    try {
      this.guard(() => this.app.renderOnly(ratio, drawn.join(',')));
    } catch (e) {
      if (!this.broken) this.say(e.message, 'error');
    }
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => this.draw());
  }

  frame() {
    return new Promise((resolve) => { this.frameWaiters.push(resolve); this.scheduleDraw(); });
  }

  /** Resolves once every change is on screen: at once if no draw (or animation) is pending, else after the next complete draw. */
  drawn() {
    return this.drawPending || this.animating ? this.frame() : Promise.resolve();
  }

  /** Whether a visible canvas's box on screen differs from the box the last draw sized it to. */
  resized() {
    return coreLists().charts.some((id) => {
      const c = this.ui[id];
      if (c.closest('[data-panel]').hidden || this.stale.has(id)) return false;
      const r = c.getBoundingClientRect();
      return this.drawnBoxes.get(c) !== `${r.width}x${r.height}`;
    });
  }

  /**
   * Redraws on any size change: ResizeObserver for layout, a cheap per-frame check for CSS transforms.
   * A report that leaves every canvas's box as drawn (the first report after observe(), a change of
   * the shell's height alone) needs no redraw.
   */
  observeSize() {
    const ro = new ResizeObserver(() => { if (this.resized()) this.scheduleDraw(); });
    ro.observe(this.shell);
    for (const c of coreLists().charts) ro.observe(this.ui[c]);
    let last = 0;
    const watch = () => {
      if (!live.has(this)) return;
      // Hidden (a slide not shown, content-visibility): nothing to size now.
      if (this.shell.checkVisibility && !this.shell.checkVisibility()) {
        setTimeout(() => requestAnimationFrame(watch), 250);
        return;
      }
      const r = this.pixelRatio();
      if (Math.abs(r - last) > 1e-3) { last = r; this.scheduleDraw(); }
      setTimeout(() => requestAnimationFrame(watch), 250);
    };
    watch();
    const mq = () => {
      const q = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      q.addEventListener('change', () => { this.scheduleDraw(); mq(); }, { once: true });
    };
    mq();
  }

  /** Pointer position in CSS pixels of the canvas's own layout (undoes CSS transforms). */
  local(canvas, e) {
    const r = canvas.getBoundingClientRect();
    const sx = canvas.offsetWidth > 0 && r.width > 0 ? canvas.offsetWidth / r.width : 1;
    const sy = canvas.offsetHeight > 0 && r.height > 0 ? canvas.offsetHeight / r.height : 1;
    // App multiplies layout pixels by its render scale (dpr × zoom) to get backing pixels.
    return [(e.clientX - r.left) * sx, (e.clientY - r.top) * sy];
  }
};
