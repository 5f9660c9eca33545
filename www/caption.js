// caption.js — the caption over the charts (the scene's hint and the outcome
// sentences) and the category shares, both as the Rust core writes them
// (captionJson, sharesJson); this only lays them out and keeps the
// caption's box from shrinking under the pointer.
//
// May depend on: the widget core (this.app, ui, guard).

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
        } else if (height > box.height) {
          box.height = height;
          span.style.minHeight = `${height}px`;
        }
      }).observe(span);
    }
    const fresh = scene !== this.captionBox.scene;
    this.captionBox.scene = scene;
    span.dataset.key = c.key;
    const lines = c.hint ? [c.hint, ...c.lines] : c.lines;
    if (span.textContent !== lines.join(' ')) {
      // One sentence a line (a space between, for the text as a whole); the hint first, muted.
      const parts = [];
      lines.forEach((line, i) => {
        if (i > 0) parts.push(' ');
        const p = document.createElement('span');
        p.className = c.hint && i === 0 ? 'hint' : 'says';
        p.textContent = line;
        parts.push(p);
      });
      span.replaceChildren(...parts);
    }
    ui.caption.hidden = lines.length === 0;
    if (fresh) this.fitCaption();
  }

  /** The caption's box fits its text again (another scene, language or width). */
  fitCaption() {
    const span = this.ui.caption.firstElementChild;
    if (!span) return;
    span.style.minHeight = '';
    this.captionBox.height = span.offsetHeight;
    if (this.captionBox.height > 0) span.style.minHeight = `${this.captionBox.height}px`;
  }

  /** The weight per interest category: attention beside the plain average (numbers and bar lengths from Rust). */
  syncShares() {
    const { ui } = this;
    const sh = JSON.parse(this.guard(() => this.app.sharesJson()));
    ui.shares.hidden = !sh;
    if (!sh) { ui.shares.replaceChildren(); return; }
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
};
