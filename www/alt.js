// alt.js — the text alternative: the visually hidden tables and sentences
// that describe the charts for screen readers, filled from the App's
// altJson.
//
// May depend on: wasm.js (poisoned); the widget core (this.app, ui, guard,
// checkSettled).

import { poisoned } from './wasm.js';

export const Alt = (Base) => class extends Base {
  // ------------------------------------------------------------ text alternative

  /** Fills the visually hidden tables that describe the charts for screen readers. */
  syncAlt() {
    clearTimeout(this.altTimer);
    this.altPending = false;
    if (this.broken || poisoned) { this.checkSettled(); return; }
    const a = JSON.parse(this.guard(() => this.app.altJson()));
    const { ui } = this;
    ui.altStep.textContent = a.step;
    ui.altMap.textContent = a.map;
    const fill = (table, caption, head, rows) => {
      table.caption.textContent = caption;
      const tr = document.createElement('tr');
      for (const h of head) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = h;
        tr.append(th);
      }
      table.tHead.replaceChildren(tr);
      table.tBodies[0].replaceChildren(...rows.map((r) => {
        const row = document.createElement('tr');
        for (const c of r) {
          const td = document.createElement('td');
          td.textContent = c;
          row.append(td);
        }
        return row;
      }));
    };
    fill(ui.altAlpha, a.alphaCaption, a.alphaHead, a.alphaRows);
    fill(ui.altVectors, a.vectorsCaption, a.vectorsHead, a.vectorsRows);
    this.checkSettled();
  }
};
