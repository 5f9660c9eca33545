// io.js — export and import: the two trays, downloads (PNG at 1× and 2×,
// SVG, JSON, CSV), reading dropped, pasted and chosen files, and the
// state as a link. Every format is written and read by the Rust core; this
// moves bytes and text between it and the browser.
//
// May depend on: pkg/din_viz.js (App.projectorOrder), util.js (ownsKeys); the widget core (this.app, ui, shell,
// guard, edit, say, t).

import { App } from '../pkg/din_viz.js';
import { ownsKeys } from './util.js';

export const Io = (Base) => class extends Base {
  // ------------------------------------------------------------ export and import

  download(name, blobOrText, type) {
    const blob = blobOrText instanceof Blob ? blobOrText : new Blob([blobOrText], { type });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.rel = 'noopener';
    a.style.display = 'none';
    this.shell.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  /** Renders `panel` (or "all") into a fresh canvas of width × height backing pixels. */
  renderCanvas(panel, width, height) {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    this.guard(() => this.app.renderTo(panel, c, height / 720));
    return c;
  }

  pngBlob(panel, factor) {
    // The factor is checked (finite, 0.25 to 4) before anything is drawn.
    let size;
    try {
      size = this.guard(() => this.app.pngSize(factor));
    } catch (e) {
      return Promise.reject(e);
    }
    const c = this.renderCanvas(panel, size[0], size[1]);
    return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
  }

  svgText(panel) { return this.guard(() => this.app.svg(panel, 1280, 720)); }

  fileStem(panel) {
    const s = JSON.parse(this.guard(() => this.app.summaryJson()));
    const clean = String(s.scene || 'scene').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'scene';
    return `din-${clean}${panel ? `-${panel}` : ''}`;
  }

  importText(text) {
    const note = this.edit(null, () => this.app.importText(text), { rebuild: true, commit: true });
    if (typeof note === 'string') this.say(note);
    return note;
  }

  async importFiles(files) {
    const list = [...files];
    if (list.length === 0) return false;
    if (list.length > 2) { this.say(this.t('import-too-many'), 'error'); return false; }
    // A file over the import limit is refused before it is read.
    for (const f of list) if (!this.edit(null, () => this.app.checkImportSize(f.name, f.size))) return false;
    const texts = await Promise.all(list.map((f) => f.text()));
    if (list.length === 2) {
      // The core tells vectors.tsv from metadata.tsv by their names.
      const [vi, mi] = App.projectorOrder(list[0].name, list[1].name);
      const note = this.edit(null, () => this.app.importProjector(texts[vi], texts[mi]), { rebuild: true, commit: true });
      if (typeof note === 'string') this.say(note);
      return note;
    }
    return this.importText(texts[0]);
  }

  wireIo() {
    const { ui, app, shell } = this;
    const edit = this.edit.bind(this);
    // Export and import trays.
    const tray = (button, panel, other, otherButton) => button.addEventListener('click', () => {
      const open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open) { other.hidden = true; otherButton.setAttribute('aria-expanded', 'false'); }
    });
    tray(ui.exportToggle, ui.exportPanel, ui.importPanel, ui.importToggle);
    tray(ui.importToggle, ui.importPanel, ui.exportPanel, ui.exportToggle);
    const which = () => ui.exportPanelSelect.value;
    const safely = async (fn) => { try { await fn(); } catch (e) { if (!this.broken) this.say(e.message, 'error'); } };
    ui.exportPng.addEventListener('click', () => safely(async () => this.download(`${this.fileStem(which())}.png`, await this.pngBlob(which(), 1))));
    ui.exportPng2.addEventListener('click', () => safely(async () => this.download(`${this.fileStem(which())}@2x.png`, await this.pngBlob(which(), 2))));
    ui.exportSvg.addEventListener('click', () => safely(() => this.download(`${this.fileStem(which())}.svg`, this.svgText(which()), 'image/svg+xml')));
    const json = () => safely(() => this.download(`${this.fileStem()}.json`, this.guard(() => app.sceneJson()), 'application/json'));
    ui.exportJson.addEventListener('click', json);
    ui.linkNoteJson.addEventListener('click', json);
    ui.exportCsv.addEventListener('click', () => safely(() => this.download(`${this.fileStem('result')}.csv`, this.guard(() => app.resultCsv()), 'text/csv')));
    ui.exportItems.addEventListener('click', () => safely(() => this.download(`${this.fileStem('items')}.csv`, this.guard(() => app.itemsCsv()), 'text/csv')));
    ui.importText.addEventListener('input', () => ui.importText.removeAttribute('aria-invalid'));
    ui.importGo.addEventListener('click', () => {
      if (this.importText(ui.importText.value)) ui.importText.removeAttribute('aria-invalid');
      else ui.importText.setAttribute('aria-invalid', 'true');
    });
    ui.importFile.addEventListener('change', () => safely(async () => { await this.importFiles(ui.importFile.files); ui.importFile.value = ''; }));
    shell.addEventListener('dragover', (e) => { if (e.dataTransfer?.types?.includes('Files')) { e.preventDefault(); shell.dataset.drop = 'true'; } });
    shell.addEventListener('dragleave', (e) => { if (e.target === shell) delete shell.dataset.drop; });
    shell.addEventListener('drop', (e) => {
      delete shell.dataset.drop;
      if (!e.dataTransfer?.files?.length) return;
      e.preventDefault();
      safely(() => this.importFiles(e.dataTransfer.files));
    });
    shell.addEventListener('paste', (e) => {
      if (ownsKeys(e.target)) return;
      const text = e.clipboardData?.getData('text/plain');
      if (text) { e.preventDefault(); this.importText(text); }
    });
  }
};
