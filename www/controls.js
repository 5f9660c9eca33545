// controls.js — the controls that are not the table: q's sliders and
// fields, the definition of alpha and its settings (similarity,
// normalisation, temperature, activation, weight, max length), the scene
// and candidate menus, language, theme, font, undo/redo and reset, and the
// readout numbers. It builds them from the App's summary and puts the
// scene's values back into them after every change.
//
// May depend on: pkg/din_viz.js (App.formatNumber), util.js; the widget core (this.app, ui, guard, edit, t,
// applyStrings, applyView, rebuild), table.js (buildTable, syncTable),
// caption.js, tip.js, steps.js and lecture.js (their sync methods).

import { App } from '../pkg/din_viz.js';
import { toJson, put } from './util.js';

export const Controls = (Base) => class extends Base {
  buildControls() {
    const { ui, app } = this;
    const s = JSON.parse(this.guard(() => app.summaryJson()));
    ui.genN.value = String(s.n);
    ui.genD.value = String(s.d);
    const d = s.d;
    ui.query.replaceChildren();
    for (let k = 0; k < d; k++) {
      const row = document.createElement('div');
      row.className = 'qrow';
      const name = document.createElement('span');
      name.className = 'qname';
      name.textContent = `q${k + 1}`;
      const range = document.createElement('input');
      range.type = 'range';
      range.step = '0.01';
      range.setAttribute('aria-label', `q${k + 1}`);
      range.dataset.k = k;
      const text = document.createElement('input');
      text.type = 'text';
      text.inputMode = 'decimal';
      text.autocomplete = 'off';
      text.spellcheck = false;
      text.setAttribute('aria-label', `q${k + 1}`);
      text.dataset.k = k;
      range.addEventListener('input', () => this.edit(text, () => app.setQueryValue(k, range.valueAsNumber), { source: range, burst: true }));
      // Keyboard steps fire a change each; a burst of them is one undo step.
      range.addEventListener('change', () => this.scheduleCommit(400));
      text.addEventListener('input', () => this.edit(text, () => app.setQueryText(k, text.value), { burst: true }));
      text.addEventListener('change', () => this.scheduleCommit(0));
      text.addEventListener('blur', () => this.revertIfInvalid(text));
      row.append(name, range, text);
      ui.query.append(row);
    }
    this.buildTable(s);
    const keep = ui.unitItem.value;
    const labels = JSON.parse(this.guard(() => app.itemsJson(0, 500)));
    ui.unitItem.replaceChildren(...labels.map((item, i) => {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = `x${i + 1} ${item.label}`;
      return o;
    }));
    if (keep && Number(keep) < s.n) ui.unitItem.value = keep;
    const scenes = JSON.parse(this.guard(() => app.scenesJson()));
    ui.scene.replaceChildren(...scenes.map((sc) => {
      const o = document.createElement('option');
      o.value = sc.id;
      o.textContent = sc.title;
      return o;
    }));
    const cands = JSON.parse(this.guard(() => app.candidatesJson()));
    ui.candidate.replaceChildren();
    const custom = document.createElement('option');
    custom.value = '';
    custom.textContent = this.t('custom');
    ui.candidate.append(custom);
    for (const c of cands) {
      const o = document.createElement('option');
      o.value = c.id;
      o.textContent = c.fits ? c.label : `${c.label} — ${this.t('needs-d8')}`;
      o.disabled = !c.fits;
      ui.candidate.append(o);
    }
    ui.candidate.disabled = cands.length === 0;
    this.syncControls(null);
  }

  /** Puts the scene's numbers into every control except `except` (the one being used). */
  syncControls(except) {
    const { ui, app } = this;
    const s = JSON.parse(this.guard(() => app.summaryJson()));
    // A q field being used changes q alone: the items' table, the settings
    // and their notes stay as they are, only q's fields and the readouts move.
    const qOnly = except !== null && except !== undefined && ui.query.contains(except);
    const lims = JSON.parse(this.guard(() => app.queryRangeJson()));
    const d = s.query.length;
    const queryTexts = ui.query.querySelectorAll('input[type=text]');
    const queryRanges = ui.query.querySelectorAll('input[type=range]');
    // Only what changed is written: a write to a field, even of the same
    // value, costs style and layout, and the table holds n × d of them.
    for (let k = 0; k < d && k < queryRanges.length; k++) {
      const v = s.query[k];
      const lim = String(lims[k]);
      const range = queryRanges[k];
      put(range, 'min', `-${lim}`);
      put(range, 'max', lim);
      if (range !== except) put(range, 'value', String(v));
      if (queryTexts[k] !== except && queryTexts[k].getAttribute('aria-invalid') !== 'true') put(queryTexts[k], 'value', String(v));
    }
    if (!qOnly) this.syncSettings(s, except);
    // The readout's numbers as the charts write them; "?" until the step-through reveals them.
    const r = JSON.parse(this.guard(() => app.normsJson()));
    put(ui.alphaSum, 'textContent', r.shown.alphaSum ? App.formatNumber(r.alphaSum) : '?');
    put(ui.pooledNorm, 'textContent', r.shown.results ? App.formatNumber(r.pooledNorm) : '?');
    put(ui.meanNorm, 'textContent', r.shown.results ? App.formatNumber(r.meanNorm) : '?');
    put(ui.readoutNote, 'textContent', r.note);
    put(ui.readoutNote, 'hidden', !r.note);
    put(ui.colorsNote, 'hidden', !this.guard(() => app.colorsRepeat()));
    // A <select> is written only when its value changes: Chromium's autofill
    // answers every write to one (even of the same value) by re-reading the
    // whole form, a forced style and layout per field (about 450 on this
    // page, 6 ms per edit of q; see README "Speed and size").
    const cand = s.candidate || '';
    if (ui.candidate.value !== cand) {
      ui.candidate.value = cand;
      if (ui.candidate.value !== cand) ui.candidate.value = '';
    }
    if (![...ui.scene.options].some((o) => o.value === s.scene)) {
      const o = document.createElement('option');
      o.value = s.scene;
      o.textContent = s.scene === 'generated' ? this.t('generated') : s.scene;
      ui.scene.append(o);
    }
    if (ui.scene.value !== s.scene) ui.scene.value = s.scene;
    this.syncCaption(`${s.scene} ${s.lang}`);
    this.syncShares();
    this.refreshTip();
    this.syncSteps();
    this.syncHistory();
    this.syncLecture();
  }

  /** The items' table and the settings' controls and notes for the summary `s` (not `except`, the control being used). */
  syncSettings(s, except) {
    const { ui, app } = this;
    const d = s.query.length;
    // Which settings apply (controls::Controls): the core's rules.
    const c = JSON.parse(this.guard(() => app.controlsJson()));
    this.syncTable(except);
    ui.similarity.value = s.similarity;
    ui.normalization.value = s.normalization;
    for (const v of ['unit', 'authors']) ui.similarity.querySelector(`option[value="${v}"]`).disabled = !c.unitOptions.enabled;
    // Every formula and note here comes from the Rust core (explain::settings_texts).
    const texts = JSON.parse(this.guard(() => app.settingsTextsJson()));
    const unit = JSON.parse(this.guard(() => app.unitStatus()));
    ui.normNone.textContent = texts.normNone;
    ui.weightRow.hidden = !c.weight.shown;
    ui.weight.value = s.weight;
    ui.weight.disabled = !c.weight.enabled;
    ui.weightNote.textContent = texts.weightNote;
    ui.weightNote.hidden = !c.weight.shown || !texts.weightNote;
    ui.unitNote.textContent = c.unitOptions.enabled ? texts.unitNote : c.unitOptions.why;
    ui.unitNote.hidden = !ui.unitNote.textContent;
    ui.activationRow.hidden = !c.activation.shown;
    ui.activation.value = s.activation;
    ui.maxlenRow.hidden = !c.maxLen.shown;
    ui.normalization.disabled = !c.normalization.enabled;
    if (ui.maxlen !== except && ui.maxlen.getAttribute('aria-invalid') !== 'true') ui.maxlen.value = String(unit.paddedLen);
    ui.padded.textContent = `${unit.padded} ${this.t('padded')}`;
    const tText = ui.temperatureText;
    if (tText !== except && tText.getAttribute('aria-invalid') !== 'true') tText.value = String(s.temperature);
    if (ui.temperatureRange !== except) ui.temperatureRange.value = String(s.temperature);
    tText.disabled = !c.temperature.enabled;
    ui.temperatureRange.disabled = !c.temperature.enabled;
    ui.tempNote.textContent = texts.tempNote;
    if (ui.dim !== except) ui.dim.value = String(d);
  }

  syncHistory() {
    const { ui } = this;
    put(ui.undo, 'disabled', !this.guard(() => this.app.canUndo()));
    put(ui.redo, 'disabled', !this.guard(() => this.app.canRedo()));
    // Undo is bounded by memory: say when old steps had to be dropped.
    const note = this.guard(() => this.app.historyNote());
    if (note) this.say(note, 'note');
  }

  wireControls() {
    const { ui, app, shell } = this;
    const edit = this.edit.bind(this);
    ui.similarity.addEventListener('change', () => edit(ui.similarity, () => app.setSimilarity(ui.similarity.value), { commit: true }));
    ui.activation.addEventListener('change', () => edit(ui.activation, () => app.setActivation(ui.activation.value), { commit: true }));
    ui.weight.addEventListener('change', () => edit(ui.weight, () => app.setWeight(ui.weight.value), { commit: true }));
    ui.maxlen.addEventListener('change', () => edit(ui.maxlen, () => app.setMaxLenText(ui.maxlen.value), { commit: true }));
    ui.maxlen.addEventListener('blur', () => this.revertIfInvalid(ui.maxlen));
    ui.unitItem.addEventListener('change', () => { this.guard(() => app.selectItem(Number(ui.unitItem.value))); this.scheduleDraw(); });
    ui.density.addEventListener('change', () => edit(null, () => app.setView(toJson({ density: ui.density.checked }))));
    ui.normalization.addEventListener('change', () => edit(ui.normalization, () => app.setNormalization(ui.normalization.value), { commit: true }));
    ui.temperatureRange.addEventListener('input', () => edit(ui.temperatureText, () => app.setTemperatureText(ui.temperatureRange.value), { source: ui.temperatureRange, burst: true }));
    ui.temperatureRange.addEventListener('change', () => this.scheduleCommit(400));
    ui.temperatureText.addEventListener('input', () => edit(ui.temperatureText, () => app.setTemperatureText(ui.temperatureText.value), { burst: true }));
    ui.temperatureText.addEventListener('change', () => this.scheduleCommit(0));
    ui.temperatureText.addEventListener('blur', () => this.revertIfInvalid(ui.temperatureText));
    ui.candidate.addEventListener('change', () => {
      const v = ui.candidate.value;
      if (v !== '') edit(ui.candidate, () => app.chooseCandidate(v), { commit: true });
    });
    ui.scene.addEventListener('change', () => edit(null, () => app.loadScene(ui.scene.value, 0), { rebuild: true, commit: true }));
    ui.lang.addEventListener('click', () => {
      this.guard(() => app.setLang(this.guard(() => app.lang()) === 'zh' ? 'en' : 'zh'));
      this.applyStrings();
      this.rebuild();
    });
    ui.theme.addEventListener('change', () => { if (edit(null, () => app.setView(toJson({ theme: ui.theme.value })))) this.applyView(); });
    ui.font.addEventListener('change', () => { if (edit(null, () => app.setView(toJson({ font: Number(ui.font.value) })))) this.applyView(); });
    ui.undo.addEventListener('click', () => this.undo());
    ui.redo.addEventListener('click', () => this.redo());
    ui.reset.addEventListener('click', () => edit(null, () => app.resetScene(), { rebuild: true, commit: true }));
    ui.copyLink.addEventListener('click', () => this.options.copyLink?.(this));
    for (const r of shell.querySelectorAll('input[name=placement]')) {
      r.addEventListener('change', () => { if (r.checked) edit(null, () => app.setView(toJson({ placement: r.value }))); });
    }
  }
};

