// tip.js — the explanation tooltip: how the alpha of q or of an item was
// computed (explainJson, text from Rust), placed beside the item on the
// bars, the Q/K/V rows or the map, inside the widget's box; keyboard
// stepping through the items of a focused chart.
//
// May depend on: the widget core (this.app, ui, shell, guard), canvases.js
// (scheduleDraw), util.js (cssZoom).

import { cssZoom } from './util.js';

export const Tip = (Base) => class extends Base {

  /**
   * Shows how the α of `what` ('q' or 'xK') was computed, next to `at`
   * (CSS px of `canvas`'s own layout) or, with `at` null, next to where
   * the item is drawn. The text comes from Rust; this only positions it.
   */
  showTip(canvas, what, at) {
    this.tip = { canvas, what, at };
    this.refreshTip();
  }

  hideTip() {
    if (!this.tip) return;
    this.tip = null;
    this.ui.tip.hidden = true;
  }

  refreshTip() {
    const { ui } = this;
    if (!this.tip) return;
    const j = JSON.parse(this.guard(() => this.app.explainJson(this.tip.what)));
    if (!j) { this.hideTip(); return; }
    ui.tipTitle.textContent = j.title;
    ui.tipLines.replaceChildren(...j.lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }));
    ui.tip.dataset.what = this.tip.what;
    ui.tip.hidden = false;
    this.placeTip();
  }

  /** Where item `what` is drawn on `canvas`, in the canvas's CSS px, or null. */
  anchorOf(canvas, what) {
    const { ui } = this;
    const i = what === 'q' ? -1 : Number(what.slice(1)) - 1;
    if (canvas === ui.bars) {
      const lay = JSON.parse(this.guard(() => this.app.barsLayoutJson()));
      const r = lay ? lay.items.indexOf(i) : -1;
      if (r < 0) return null;
      const ratio = canvas.width / Math.max(1, canvas.offsetWidth);
      const [top, bottom, end] = lay.bars[r];
      return [Math.max(end, lay.zeroX) / ratio, (top + bottom) / 2 / ratio];
    }
    if (canvas === ui.qkv) {
      const rows = JSON.parse(this.guard(() => this.app.qkvRowsJson()));
      const r = rows[i];
      return r ? [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2] : null;
    }
    if (canvas === ui.map) {
      const lay = JSON.parse(this.guard(() => this.app.mapLayoutJson()));
      if (!lay) return null;
      return i < 0 ? lay.query : lay.items[i] || null;
    }
    return null;
  }

  /** Puts the tooltip beside its anchor, inside the widget's box (it is a child of the shell, so no panel clips it). */
  placeTip() {
    const { ui, shell } = this;
    if (!this.tip || ui.tip.hidden) return;
    const { canvas } = this.tip;
    const at = this.tip.at || this.anchorOf(canvas, this.tip.what);
    if (!at) { this.hideTip(); return; }
    const sr = shell.getBoundingClientRect();
    const cr = canvas.getBoundingClientRect();
    const zoom = cssZoom(shell);
    const cz = cssZoom(canvas, zoom);
    // The anchor in the shell's own (untransformed) pixels.
    const x = (cr.left - sr.left + at[0] * cz) / zoom;
    const y = (cr.top - sr.top + at[1] * cz) / zoom;
    const w = ui.tip.offsetWidth;
    const h = ui.tip.offsetHeight;
    const W = shell.clientWidth;
    const H = shell.scrollHeight;
    const gap = 14;
    let left = x + gap + w <= W - 4 ? x + gap : x - gap - w;
    left = Math.max(4, Math.min(left, W - w - 4));
    let top = y + gap + h <= H - 4 ? y + gap : y - gap - h;
    top = Math.max(4, Math.min(top, Math.max(4, H - h - 4)));
    ui.tip.style.left = `${Math.round(left)}px`;
    ui.tip.style.top = `${Math.round(top)}px`;
  }

  /** Keyboard on a focused chart: ↑ ↓ (Home, End) go through the items with their explanation; Esc hides it. */
  tipKeys(canvas, e, count) {
    if (e.key === 'Escape') {
      if (this.tip) { this.hideTip(); e.preventDefault(); }
      return;
    }
    const moves = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
    if (!(e.key in moves) || e.ctrlKey || e.metaKey || e.altKey) return;
    const items = count();
    if (items.length === 0) return;
    const cur = this.tip && this.tip.canvas === canvas && this.tip.what !== 'q' ? items.indexOf(Number(this.tip.what.slice(1)) - 1) : -1;
    const d = moves[e.key];
    const next = d === -Infinity ? 0 : d === Infinity ? items.length - 1 : cur < 0 ? (d > 0 ? 0 : items.length - 1) : Math.max(0, Math.min(items.length - 1, cur + d));
    const i = items[next];
    this.guard(() => this.app.setHighlight(i));
    this.scheduleDraw();
    this.showTip(canvas, `x${i + 1}`, null);
    e.preventDefault();
  }
};
