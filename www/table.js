// table.js — the virtual LastN table: only the rows in view are in the DOM
// (spacer rows keep the scroll height true), each cell shows a short form of
// its number and the exact value while it has focus; the item's colour
// swatch; the buttons and fields that change n and d (dimension, generate,
// add an item). Every edit goes to the App through `edit`.
//
// May depend on: util.js; the widget core (this.app, ui, guard, edit, say,
// t, scheduleCommit, revertIfInvalid, syncControls).

export const Table = (Base) => class extends Base {
  /** The LastN table's head and its first rows, for summary `s` (called by buildControls). */
  buildTable(s) {
    const { ui } = this;
    const d = s.d;
    ui.itemsHead.replaceChildren();
    const heads = ['', this.t('label'), ...Array.from({ length: d }, (_, k) => String(k + 1)), ''];
    for (const h of heads) {
      const th = document.createElement('th');
      th.textContent = h;
      th.scope = 'col';
      ui.itemsHead.append(th);
    }
    this.table.n = s.n;
    this.table.d = d;
    this.table.first = -1;
    // The table's box has a fixed height (CSS contain: strict): header + rows, at most 60vh.
    ui.itemsBody.closest('.table-wrap').style.setProperty('--table-h', `${(s.n + 1) * 36 + 8}px`);
    this.renderRows();
  }

  /** Puts the items' labels, numbers and colours into the rows in view, unless `except` (called by syncControls). */
  syncTable(except) {
    const { ui, app, table } = this;
    const put = (el, prop, value) => { if (el[prop] !== value) el[prop] = value; };
    const itemsVersion = this.guard(() => app.itemsVersion());
    if (table.count > 0 && itemsVersion !== table.version) {
      table.version = itemsVersion;
      const items = JSON.parse(this.guard(() => app.itemsJson(table.first, table.count)));
      const shorts = JSON.parse(this.guard(() => app.cellTextsJson(table.first, table.count)));
      const rows = ui.itemsBody.querySelectorAll('tr:not(.spacer)');
      items.forEach((item, j) => {
        const row = rows[j];
        if (!row) return;
        const inputs = row.querySelectorAll('input');
        const dot = row.querySelector('td.swatch .dot');
        if (dot) put(dot.style, 'background', this.guard(() => app.itemColor(table.first + j)));
        if (inputs[0] !== except) put(inputs[0], 'value', item.label);
        item.vector.forEach((v, k) => {
          const inp = inputs[k + 1];
          if (inp && inp !== except && inp.getAttribute('aria-invalid') !== 'true') showCell(inp, v, shorts[j][k], inp === document.activeElement);
        });
      });
      this.syncNumberFields();
    }
  }

  // The table renders only the rows in view (plus a margin), so a LastN of
  // 10,000 items keeps a few dozen rows in the DOM; spacer rows keep the
  // scroll height true. Rows are a fixed height (CSS: 36 px).
  buildRow(i, item, short, d, color) {
    const { app } = this;
    const tr = document.createElement('tr');
    tr.dataset.i = String(i);
    const sw = document.createElement('td');
    sw.className = 'swatch';
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.style.background = color;
    const idx = document.createElement('span');
    idx.className = 'idx';
    idx.textContent = `x${i + 1}`;
    sw.append(dot, idx);
    tr.append(sw);
    const lab = document.createElement('td');
    const labIn = document.createElement('input');
    labIn.type = 'text';
    labIn.className = 'label';
    labIn.value = item.label;
    labIn.setAttribute('aria-label', `${this.t('label-of')} x${i + 1}`);
    labIn.addEventListener('input', () => {
      // The unit panel's item menu names the items too: keep it in step.
      if (this.edit(labIn, () => app.setLabel(i, labIn.value), { burst: true }) && this.ui.unitItem.options[i]) {
        this.ui.unitItem.options[i].textContent = `x${i + 1} ${labIn.value}`;
      }
    });
    labIn.addEventListener('change', () => this.scheduleCommit(0));
    labIn.addEventListener('blur', () => this.revertIfInvalid(labIn));
    // A text field would silently drop the line breaks of pasted text: the
    // pasted label goes to the core whole, which refuses control characters
    // in labels on every channel, with a message; the field keeps its text.
    labIn.addEventListener('paste', (e) => {
      const pasted = e.clipboardData?.getData('text/plain');
      if (pasted === undefined) return;
      e.preventDefault();
      const [a, b] = [labIn.selectionStart ?? labIn.value.length, labIn.selectionEnd ?? labIn.value.length];
      const next = labIn.value.slice(0, a) + pasted + labIn.value.slice(b);
      if (this.edit(labIn, () => app.setLabel(i, next))) {
        labIn.value = next;
        labIn.setSelectionRange(a + pasted.length, a + pasted.length);
        if (this.ui.unitItem.options[i]) this.ui.unitItem.options[i].textContent = `x${i + 1} ${next}`;
      }
    });
    lab.append(labIn);
    tr.append(lab);
    for (let k = 0; k < d; k++) {
      const td = document.createElement('td');
      const inp = document.createElement('input');
      inp.type = 'text';
      inp.inputMode = 'decimal';
      inp.autocomplete = 'off';
      inp.spellcheck = false;
      inp.className = 'num';
      showCell(inp, item.vector[k], short[k], false);
      inp.setAttribute('aria-label', `x${i + 1} ${this.t('item-component')} ${k + 1}`);
      // Focus shows the exact value for editing; leaving shows the short form again.
      inp.addEventListener('focus', () => {
        if (inp.getAttribute('aria-invalid') === 'true' || inp.value === inp.dataset.exact) return;
        // Selected, as Tab selects a field's text, so that typing replaces it.
        inp.value = inp.dataset.exact;
        inp.select();
      });
      inp.addEventListener('input', () => this.edit(inp, () => app.setItemText(i, k, inp.value), { burst: true }));
      inp.addEventListener('change', () => this.scheduleCommit(0));
      inp.addEventListener('blur', () => {
        if (inp.getAttribute('aria-invalid') === 'true') { this.revertIfInvalid(inp); return; }
        const now = JSON.parse(this.guard(() => app.itemsJson(i, 1)))[0];
        const short = JSON.parse(this.guard(() => app.cellTextsJson(i, 1)))[0];
        if (now && short) showCell(inp, now.vector[k], short[k], false);
      });
      td.append(inp);
      tr.append(td);
    }
    const rm = document.createElement('td');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'remove';
    btn.textContent = '×';
    btn.setAttribute('aria-label', `${this.t('remove-item')} x${i + 1}`);
    btn.addEventListener('click', () => this.edit(null, () => app.removeItem(i), { rebuild: true, commit: true }));
    rm.append(btn);
    tr.append(rm);
    return tr;
  }

  spacer(rows) {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    const td = document.createElement('td');
    td.colSpan = this.table.d + 3;
    td.style.height = `${rows * 36}px`;
    tr.append(td);
    return tr;
  }

  renderRows() {
    const { ui, table } = this;
    const wrap = ui.itemsBody.closest('.table-wrap');
    // A margin of 4 rows each side: every field is a box the compositor
    // walks on each frame, so rows far out of view cost time on every edit.
    const visible = Math.ceil((wrap.clientHeight || 600) / 36) + 8;
    const first = Math.max(0, Math.min(table.n - visible, Math.floor(wrap.scrollTop / 36) - 4));
    const count = Math.min(table.n, visible);
    const start = Math.max(0, first);
    if (start === table.first && count === table.count) return false;
    table.first = start;
    table.count = count;
    table.version = -1;
    const items = JSON.parse(this.guard(() => this.app.itemsJson(start, count)));
    const shorts = JSON.parse(this.guard(() => this.app.cellTextsJson(start, count)));
    const rows = items.map((item, j) => this.buildRow(start + j, item, shorts[j], table.d, this.guard(() => this.app.itemColor(start + j))));
    const below = table.n - start - items.length;
    ui.itemsBody.replaceChildren(...(start > 0 ? [this.spacer(start)] : []), ...rows, ...(below > 0 ? [this.spacer(below)] : []));
    this.syncNumberFields();
    return true;
  }

  /**
   * The number fields are narrow while every number in view has at most 4
   * characters (the lecture's scenes), wide enough for 6 otherwise; the note
   * under the table shows while any of them is rounded.
   */
  syncNumberFields() {
    const { ui } = this;
    const fields = ui.itemsBody.querySelectorAll('input.num');
    let wide = false;
    let rounded = false;
    for (const f of fields) {
      if (f.value.length > 4) wide = true;
      if (f.classList.contains('rounded')) rounded = true;
    }
    ui.items.classList.toggle('wide', wide);
    if (ui.roundedNote.hidden === rounded) ui.roundedNote.hidden = !rounded;
  }

  /** Every visible table row's colour swatch, from the item's colour id in the current theme. */
  syncSwatches() {
    const rows = this.ui.itemsBody.querySelectorAll('tr:not(.spacer)');
    rows.forEach((row) => {
      const dot = row.querySelector('td.swatch .dot');
      if (dot) dot.style.background = this.guard(() => this.app.itemColor(Number(row.dataset.i)));
    });
  }

  wireTable() {
    const { ui, app, shell } = this;
    const edit = this.edit.bind(this);
    for (const f of [ui.genN, ui.genD]) f.addEventListener('input', () => this.clearInvalid(ui.genN));
    const setDim = (text, field) => {
      const msg = edit(field, () => app.setDimText(text), { rebuild: true, commit: true });
      if (typeof msg === 'string') this.say(msg);
    };
    ui.dim.addEventListener('change', () => setDim(ui.dim.value, ui.dim));
    ui.dim.addEventListener('blur', () => this.revertIfInvalid(ui.dim));
    ui.dimMinus.addEventListener('click', () => setDim(String(this.table.d - 1), null));
    ui.dimPlus.addEventListener('click', () => setDim(String(this.table.d + 1), null));
    ui.itemsBody.closest('.table-wrap').addEventListener('scroll', () => { if (this.table.n > 0) this.renderRows(); }, { passive: true });
    // The core reads the two fields' text (whole numbers, in range).
    ui.generate.addEventListener('click', () => edit(ui.genN, () => app.generateText(ui.genN.value, ui.genD.value), { rebuild: true, commit: true }));
    ui.addItem.addEventListener('click', () => {
      if (edit(null, () => app.addItem(), { rebuild: true, commit: true })) {
        const wrap = ui.itemsBody.closest('.table-wrap');
        wrap.scrollTop = wrap.scrollHeight;
        this.renderRows();
        const rows = ui.itemsBody.querySelectorAll('tr:not(.spacer)');
        rows[rows.length - 1]?.querySelector('input.label')?.focus();
      }
    });
  }
};

/**
 * A LastN table cell shows a short form of its number (at most 6
 * characters, written by the core: controls::cell_text) so that the text
 * fits the field: a field whose text overflows is a scroll container, and a
 * few thousand of them made Chromium's compositor spend ~45 ms on every
 * edit of q at n = 1,000, d = 64. The exact value is kept in data-exact and
 * shown while the field has focus.
 */
function showCell(inp, v, short, focused) {
  const exact = String(v);
  if (inp.dataset.exact !== exact) inp.dataset.exact = exact;
  const shown = focused ? exact : short;
  if (inp.value !== shown) inp.value = shown;
  inp.classList.toggle('rounded', shown !== exact);
}
