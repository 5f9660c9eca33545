// caption.js — the caption over the charts (the scene's hint and the outcome
// sentences) and the category shares, both as the Rust core writes them
// (captionJson, sharesJson); this only lays them out, keeps the
// caption's box from shrinking under the pointer and, on a short screen,
// fills a four-line box with the sentences the core ranks first (`lead`),
// the "more" button opening the whole caption.
//
// May depend on: util.js (put); the widget core (this.app, ui, shell, $, t,
// guard).

import { put } from './util.js';

export const Caption = (Base) => class extends Base {
  // ------------------------------------------------------------ captions, shares, explanations (issue 11 §2, §6)

  /**
   * The caption: the scene's hint and the outcome sentences, computed in
   * Rust from the numbers on screen. Its text changes with every edit, so
   * its box only grows (to the tallest text so far) and never shrinks under
   * the pointer: a drag of a slider or of q, or a click on the LastN table
   * below it, stays where it is. Another scene, language or width starts afresh.
   */
  syncCaption(scene) {
    const { ui } = this;
    const c = JSON.parse(this.guard(() => this.app.captionJson()));
    let span = ui.caption.firstElementChild;
    if (!span) {
      span = document.createElement('span');
      span.className = 'on';
      ui.caption.append(span);
      this.captionBox = { height: 0, width: 0, scene: null };
      // Observed after layout, before paint: the grown minimum is on screen in the same frame.
      new ResizeObserver(([e]) => {
        const box = this.captionBox;
        const { width, height } = e.contentRect;
        if (width !== box.width) {
          box.width = width;
          this.fitCaption();
        } else if (height > box.height && !this.captionCompact()) {
          box.height = height;
          span.style.minHeight = `${height}px`;
        }
      }).observe(span);
    }
    const fresh = scene !== this.captionBox.scene;
    this.captionBox.scene = scene;
    put(span.dataset, 'key', c.key);
    this.captionLead = c.lead || [];
    const lines = c.hint ? [c.hint, ...c.lines] : c.lines;
    if (span.textContent !== lines.join(' ')) {
      // One sentence a line (a space between, for the text as a whole); the hint first, muted.
      const parts = [];
      lines.forEach((line, i) => {
        if (i > 0) parts.push(' ');
        const p = document.createElement('span');
        const hint = c.hint && i === 0;
        p.className = hint ? 'hint' : 'says';
        if (!hint) p.dataset.k = String(c.hint ? i - 1 : i);
        p.textContent = line;
        parts.push(p);
      });
      span.replaceChildren(...parts);
    }
    ui.caption.hidden = lines.length === 0;
    if (fresh) this.fitCaption();
    else this.compactCaption();
  }

  /** The caption's box fits its text again (another scene, language or width). */
  fitCaption() {
    const span = this.ui.caption.firstElementChild;
    if (!span) return;
    span.style.minHeight = '';
    if (this.captionCompact()) {
      this.captionBox.height = 0;
      this.compactCaption();
      return;
    }
    this.compactCaption();
    this.captionBox.height = span.offsetHeight;
    if (this.captionBox.height > 0) span.style.minHeight = `${this.captionBox.height}px`;
  }

  // ------------------------------------------------------------ the compact caption (polish after issue 11)
  //
  // On the lecture's one screen (and on the long page in a wide, short
  // window) the caption is a box of four lines, so that the map (the first
  // screen's charts) keep the height: the sentences the Rust core ranks
  // most telling (`lead`: the outcome first, the candidate's context last)
  // that fit, shown in their own order; the button beside it ("more")
  // opens the whole caption, hint included, over the charts.

  /** Whether the caption is the compact one (data-cap-compact, not opened). */
  captionCompact() { return this.shell.hasAttribute('data-cap-compact') && !this.ui.caption.hasAttribute('data-open'); }

  /** Chooses the sentences of the compact caption; elsewhere shows them all. */
  compactCaption() {
    const cap = this.ui.caption;
    const span = cap.firstElementChild;
    const more = this.$('caption-more');
    if (!span) return;
    const says = [...span.querySelectorAll('.says')];
    const compact = this.captionCompact();
    const label = this.t(cap.hasAttribute('data-open') ? 'caption-less' : 'caption-more');
    if (more.textContent !== label) more.textContent = label;
    span.toggleAttribute('data-clamp', false);
    if (!compact || !span.isConnected) {
      for (const s of says) s.removeAttribute('data-rest');
      more.toggleAttribute('data-none', !cap.hasAttribute('data-open'));
      return;
    }
    span.style.minHeight = '';
    for (const s of says) s.setAttribute('data-rest', '');
    // The box is as tall as the lecture's grid makes it (four lines): fill it.
    const cs = getComputedStyle(cap);
    const limit = cap.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom) + 1;
    let shown = 0;
    const order = this.captionLead.filter((k) => says[k]);
    for (let i = 0; i < says.length; i++) if (!order.includes(i)) order.push(i);
    for (const k of order) {
      says[k].removeAttribute('data-rest');
      if (span.offsetHeight <= limit) {
        shown++;
      } else if (shown === 0) {
        // Not even the most telling sentence fits the box: it is cut with "…", the button opens it.
        span.toggleAttribute('data-clamp', true);
        shown++;
        break;
      } else {
        says[k].setAttribute('data-rest', '');
      }
    }
    const hidden = span.hasAttribute('data-clamp') || span.querySelector('.hint') !== null || says.some((s) => s.hasAttribute('data-rest'));
    more.toggleAttribute('data-none', !hidden);
  }

  /** Opens (or closes) the whole caption over the lecture's screen. */
  openCaption(open) {
    const cap = this.ui.caption;
    const more = this.$('caption-more');
    cap.toggleAttribute('data-open', open);
    more.setAttribute('aria-expanded', String(open));
    this.fitCaption();
  }

  wireCaption() {
    const more = this.$('caption-more');
    more.addEventListener('click', () => this.openCaption(!this.ui.caption.hasAttribute('data-open')));
    this.shell.querySelector('.scene-band').addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.ui.caption.hasAttribute('data-open')) {
        this.openCaption(false);
        more.focus();
        e.preventDefault();
        e.stopPropagation();
      }
    });
  }

  /**
   * The weight per interest category: attention beside the plain average
   * (numbers and bar lengths from Rust). While the step-through has not
   * revealed every α, the core's attention column reads "?" (as Σα does),
   * so that it does not give the outcome away.
   */
  syncShares() {
    const { ui } = this;
    const sh = JSON.parse(this.guard(() => this.app.sharesJson()));
    put(ui.shares, 'hidden', !sh);
    if (!sh) { ui.shares.replaceChildren(); this.sharesKey = ''; return; }
    // An edit of q changes only the attention column: when everything else
    // is as drawn, its numbers and bars are updated in place (rebuilding the
    // block on every edit cost style and layout for all its elements).
    const key = JSON.stringify([sh.kind, sh.title, sh.attentionHead, sh.meanHead, sh.note, sh.rows.map((r) => [r.id, r.name, r.mean, r.meanSpan])]);
    if (key === this.sharesKey && this.updateShares(sh)) return;
    this.sharesKey = key;
    const el = (tag, cls, text, role) => {
      const e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      if (role) e.setAttribute('role', role);
      return e;
    };
    const signed = sh.kind === 'sums';
    // Each bar's place in its track ([left, width] in %) is the core's (explain::bar_span).
    const bar = (value, [left, width], cls) => {
      const cell = el('span', `sh-cell ${cls}`, undefined, 'cell');
      const track = el('span', 'sh-bar');
      track.toggleAttribute('data-signed', signed);
      const fill = el('i');
      fill.style.width = `${width}%`;
      fill.style.left = `${left}%`;
      track.append(fill);
      cell.append(track, el('span', 'sh-num', value));
      return cell;
    };
    const head = el('div', 'sh-row sh-head', undefined, 'row');
    head.append(el('span', 'sh-title', sh.title, 'columnheader'), el('span', 'sh-h att', sh.attentionHead, 'columnheader'), el('span', 'sh-h mean', sh.meanHead, 'columnheader'));
    const rows = sh.rows.map((r) => {
      const row = el('div', 'sh-row', undefined, 'row');
      row.dataset.id = r.id;
      row.append(el('span', 'sh-name', r.name, 'rowheader'), bar(r.attention, r.attentionSpan, 'att'), bar(r.mean, r.meanSpan, 'mean'));
      return row;
    });
    ui.shares.dataset.kind = sh.kind;
    ui.shares.replaceChildren(head, ...rows, el('p', 'sh-note', sh.note));
  }

  /** Writes the attention column of the shares block as drawn; false if its rows are not the block's. */
  updateShares(sh) {
    const rows = this.ui.shares.querySelectorAll(':scope > .sh-row[data-id]');
    if (rows.length !== sh.rows.length) return false;
    const cells = [];
    for (let i = 0; i < rows.length; i++) {
      const cell = rows[i].querySelector('.sh-cell.att');
      if (rows[i].dataset.id !== String(sh.rows[i].id) || !cell) return false;
      cells.push(cell);
    }
    sh.rows.forEach((r, i) => {
      const num = cells[i].querySelector('.sh-num');
      const fill = cells[i].querySelector('i');
      const [left, width] = r.attentionSpan;
      put(num, 'textContent', r.attention);
      put(fill.style, 'width', `${width}%`);
      put(fill.style, 'left', `${left}%`);
    });
    return true;
  }
};
