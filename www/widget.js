// widget.js — the DIN attention widget's lifecycle and public API: builds
// the markup inside a root (the page's <main>, or a <din-attention>
// element's shadow root), gives it its own wasm `App`, runs edits (marking
// refused fields, undo steps, the message line), applies the view and
// state, and says when everything is settled. Each job of the widget is a
// module of its own (see the imports), mixed into one Widget class.
//
// No maths and no validation here or in any module: every number, URL
// parameter, imported file and state goes to the Rust core as text or
// numbers, and every refusal comes back as an Error with a message.
//
// One wasm module serves every widget on a page; each widget has its own
// App (scene, state, canvases), so several can live side by side.
//
// May depend on: pkg/din_viz.js (App), template.js, and the modules below.

import { App } from '../pkg/din_viz.js';
import { TEMPLATE } from './template.js';
import { ready, poisoned, live, coreLists } from './wasm.js';
import { put, toJson } from './util.js';
import { Alt } from './alt.js';
import { Canvases } from './canvases.js';
import { Caption } from './caption.js';
import { Controls } from './controls.js';
import { Io } from './io.js';
import { Keys } from './keys.js';
import { Lecture } from './lecture.js';
import { Pointer } from './pointer.js';
import { Steps } from './steps.js';
import { Table } from './table.js';
import { Tip } from './tip.js';
import { Visibility } from './visibility.js';

export { setWasmSource, ready, coreLists, WASM_STALL_SECONDS } from './wasm.js';

let stylesheet = null;
/** CSS text for shadow roots (the bundles set it; the page links widget.css). */
export function setStyles(text) { stylesheet = text; }
// Named from the root (../www/), so that the URL holds in the page's bundle (pkg/page.js) too.
export function widgetStylesHref() { return new URL('../www/widget.css', import.meta.url).href; }

/**
 * Mounts a widget in `root` (an element or a shadow root).
 *
 * options:
 * - `params`: initial state as `key=value&…` text (the URL format);
 * - `hash`: a second such text that wins per key (the page's location.hash);
 * - `host`: the element whose events (`din-change`) and size matter;
 * - `onChange(widget)`: called after every change of the state;
 * - `page`: true for the page (copy link, URL sync handled by the page);
 * - `train`: the page's train panel (a `<section>` outside the widget),
 *   offered as lecture mode's `train` tab (lecture.js moves it in and out);
 *   only a page that can run its worker passes it.
 *
 * Resolves to the widget's API (see `api` at the end).
 */
export async function createWidget(root, options = {}) {
  await ready();
  const doc = root.ownerDocument || document;
  const shell = doc.createElement('div');
  shell.className = 'din';
  shell.innerHTML = TEMPLATE;
  if (root instanceof ShadowRoot) {
    const style = doc.createElement(stylesheet ? 'style' : 'link');
    if (stylesheet) style.textContent = stylesheet;
    else { style.rel = 'stylesheet'; style.href = widgetStylesHref(); }
    root.append(style);
    // Lay out and draw only once the shadow root is styled (else the first
    // frame, and `data-ready`, come with the unstyled toolbar and sizes).
    if (!stylesheet) {
      await new Promise((resolve) => {
        style.addEventListener('load', resolve, { once: true });
        style.addEventListener('error', resolve, { once: true });
        setTimeout(resolve, 5000);
      });
    }
  }
  const $ = (id) => shell.querySelector(`#${id}`);
  const host = options.host || shell;
  const W = new Widget(shell, $, host, options);
  live.add(W);
  // onAttach: the host's last change to its page before the widget's first
  // layout (the page hides its loading note then, so the first frame is final).
  await W.start(() => { root.append(shell); options.onAttach?.(); });
  return W.api();
}

/** Whether a setState object names q and nothing else. */
function onlyQuery(obj) {
  return obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.keys(obj).length === 1 && Object.hasOwn(obj, 'query');
}

/** What every module relies on: the App, the fields, edits, messages, the view and settling. */
class WidgetCore {
  constructor(shell, $, host, options) {
    this.shell = shell;
    this.$ = $;
    this.host = host;
    this.options = options;
    this.app = null;
    this.broken = false;
    this.drawPending = false;
    this.frameWaiters = [];
    // Each visible canvas's box on screen (CSS px) when the last draw sized it.
    this.drawnBoxes = new Map();
    // Charts outside the viewport and charts not drawn since the scene changed (visibility.js).
    this.offscreen = new Set();
    this.stale = new Set();
    this.strings = {};
    this.table = { n: 0, d: 0, first: -1, count: 0, version: -1 };
    this.commitTimer = 0;
    this.commitPending = false;
    this.altTimer = 0;
    this.altPending = false;
    // The weighted-sum step's animation (see startSumAnimation) and the
    // callers of settled() waiting for every pending update to be done.
    this.animating = false;
    this.settleWaiters = [];
    // The explanation tooltip on screen: { canvas, what: 'q' | 'xK', at: [x, y] in the canvas's CSS px, or null to follow the item }.
    this.tip = null;
    this.ui = {};
    for (const id of ['message', 'lang', 'theme', 'font', 'undo', 'redo', 'reset', 'copy-link', 'export-toggle', 'import-toggle',
      'export-panel', 'import-panel', 'export-panel-select', 'export-png', 'export-png2', 'export-svg', 'export-json', 'export-csv', 'export-items',
      'import-text', 'import-go', 'import-file', 'link-note', 'link-note-text', 'link-note-json',
      'scene', 'caption', 'steps', 'steps-toggle', 'step-prev', 'step-next', 'step-count', 'steps-setting', 'steps-setting-text', 'steps-setting-switch', 'qkv', 'towers', 'unit', 'unit-item',
      'gen-n', 'gen-d', 'generate', 'density', 'unit-note', 'rounded-note', 'activation', 'activation-row', 'maxlen', 'maxlen-row', 'padded',
      'candidate', 'query', 'similarity', 'normalization', 'temperature-range', 'temperature-text', 'temp-note',
      'dim', 'dim-minus', 'dim-plus', 'items', 'items-head', 'items-body', 'add-item', 'colors-note', 'alpha-sum', 'pooled-norm', 'mean-norm', 'readout-note',
      'bars', 'heatmap', 'map', 'fatal', 'fatal-message', 'fatal-reload', 'fatal-restore', 'alt-step', 'alt-map', 'alt-alpha', 'alt-vectors',
      'weight', 'weight-row', 'weight-note', 'norm-none', 'shares', 'tip', 'tip-title', 'tip-lines']) {
      this.ui[id.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = $(id);
    }
  }

  // ------------------------------------------------------------ start

  /**
   * Builds the widget while it is still out of the document (`attach` puts
   * it in), so that nothing forces a layout of a half-built widget: the
   * page lays it out once, for the first draw.
   */
  async start(attach) {
    const { ui } = this;
    try {
      this.app = new App(ui.bars, ui.heatmap, ui.map);
      for (const p of ['steps', 'qkv', 'towers', 'unit']) this.app.attach(p, ui[p]);
      if (this.options.train) this.app.setTrainTab(true);
      const lang = (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
      this.guard(() => this.app.setLang(lang));
      const problems = this.applyParams(this.options.params || '', this.options.hash || '', true);
      this.applyStrings();
      this.applyView();
      this.buildControls();
      if (problems.length) this.say(problems.join(' · '), 'error');
      // Each module wires its own part of the markup.
      this.wireControls();
      this.wireTable();
      this.wireIo();
      this.wireSteps();
      this.wirePointer();
      this.wireKeys();
      this.wireLecture();
      this.wireCaption();
      this.wireFatal();
      // The scene as opened (link, attributes) is where undo stops.
      this.guard(() => this.app.clearHistory());
      this.syncHistory();
      this.syncAlt();
    } finally {
      attach();
      // A panic while building: the overlay could not take the focus out of the document.
      if (this.broken) this.showFatal(ui.fatalMessage.textContent);
    }
    // Out of the document the table had no height, so its first rows were
    // counted for 600 px; count them again for its real height.
    this.renderRows();
    this.observeSize();
    this.observeVisibility();
    await this.frame();
  }

  // ------------------------------------------------------------ errors

  showFatal(text) {
    this.broken = true;
    this.ui.fatalMessage.textContent = String(text);
    this.ui.fatal.hidden = false;
    const canRestore = typeof this.options.restore === 'function' && this.options.canRestore?.();
    this.ui.fatalRestore.hidden = !canRestore;
    // What Restore brings back (or that nothing could be saved), worded before the error.
    const note = this.$('fatal-note');
    note.textContent = this.options.restoreNote?.() || '';
    note.hidden = !note.textContent;
    (canRestore ? this.ui.fatalRestore : this.ui.fatalReload).focus();
  }

  wireFatal() {
    const { ui } = this;
    ui.fatalReload.addEventListener('click', () => location.reload());
    // The wasm instance cannot be trusted after a trap: restoring reloads
    // the page with the last good scene the host saved before the error.
    ui.fatalRestore.addEventListener('click', () => this.options.restore?.());
  }

  /** Calls into wasm; a trap (a Rust panic) becomes the visible overlay. */
  guard(fn) {
    if (this.broken || poisoned) throw new Error('the visualiser stopped after an internal error; reload the page');
    try {
      return fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError && this.ui.fatal.hidden) this.showFatal(e.message);
      throw e;
    }
  }

  /**
   * Says `text` in the message line. An error stays until the field is
   * fixed; a note (`info` or `note`) stays until the next change of the state (no
   * timer: what a reader or a test sees does not depend on how fast).
   */
  say(text, kind = 'info') {
    const m = this.ui.message;
    m.textContent = text;
    m.dataset.kind = kind;
  }

  markInvalid(field, text) {
    field.setAttribute('aria-invalid', 'true');
    field.title = text;
    this.say(text, 'error');
  }

  clearInvalid(field) {
    if (field.getAttribute('aria-invalid') === 'true') {
      field.removeAttribute('aria-invalid');
      field.removeAttribute('title');
      if (this.ui.message.dataset.kind === 'error') this.say('');
    }
  }

  /**
   * Runs an edit. On success clears `field`'s mark and any stale error,
   * refreshes the controls (all but `source`) and redraws; with `rebuild`
   * the table and sliders are built anew. On refusal marks `field` (if
   * any), explains, and keeps the scene. `commit` ends an undo step now
   * (otherwise a burst of edits becomes one step after a pause); a
   * burst still waiting for its pause is committed first, so it stays its
   * own step. `burst` marks one edit of a burst (typing, a slider, a
   * drag): only then is the text alternative refreshed after a pause.
   */
  edit(field, fn, { source = field, rebuild = false, commit = false, burst = false } = {}) {
    if (commit && this.commitPending) this.scheduleCommit(0);
    let out;
    try {
      out = this.guard(fn);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || this.broken) return false;
      if (field) this.markInvalid(field, e.message);
      else this.say(e.message, 'error');
      return false;
    }
    if (field) this.clearInvalid(field);
    if (this.ui.message.dataset.kind === 'error' && !this.shell.querySelector('[aria-invalid="true"]')) this.say('');
    if (rebuild) this.rebuild();
    else this.changed(source, burst);
    this.scheduleCommit(commit ? 0 : 600);
    return out === undefined ? true : out;
  }

  scheduleCommit(ms) {
    clearTimeout(this.commitTimer);
    const run = () => {
      this.commitPending = false;
      if (!this.broken && !poisoned) { this.app.commit(); this.syncHistory(); }
      this.checkSettled();
    };
    if (ms === 0) run();
    else {
      this.commitPending = true;
      this.commitTimer = setTimeout(run, ms);
    }
  }

  // ------------------------------------------------------------ language and view

  t(key) { return this.strings[key] ?? key; }

  applyStrings() {
    this.strings = JSON.parse(this.guard(() => this.app.pageStrings()));
    const lang = this.guard(() => this.app.lang());
    this.shell.lang = lang === 'zh' ? 'zh-CN' : 'en';
    for (const el of this.shell.querySelectorAll('[data-i18n]')) el.textContent = this.t(el.dataset.i18n);
    for (const el of this.shell.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', this.t(el.dataset.i18nAria));
    for (const el of this.shell.querySelectorAll('[data-i18n-title]')) el.title = this.t(el.dataset.i18nTitle);
    this.options.onStrings?.(this);
  }

  view() { return JSON.parse(this.guard(() => this.app.viewJson())); }

  /** Shows the panels in the chosen order, the theme, the font scale and embed mode. */
  applyView() {
    const v = this.view();
    const { shell, ui } = this;
    if (shell.dataset.theme && shell.dataset.theme !== v.theme) {
      // The table's colour swatches follow the theme, like the charts.
      this.table.version = -1;
      this.syncSwatches();
    }
    shell.dataset.theme = v.theme;
    shell.style.setProperty('--font-scale', String(v.font));
    shell.toggleAttribute('data-embed', v.embed);
    if (this.host !== shell) this.host.toggleAttribute('data-embed', v.embed);
    ui.theme.value = v.theme;
    ui.font.value = String(v.font);
    if (ui.font.value !== String(v.font)) {
      const o = document.createElement('option');
      o.value = String(v.font);
      o.textContent = `${Math.round(v.font * 100)}%`;
      ui.font.append(o);
      ui.font.value = String(v.font);
    }
    const order = new Map(v.panels.map((p, i) => [p, i]));
    for (const el of shell.querySelectorAll('[data-panel]')) {
      const p = el.dataset.panel;
      el.hidden = !order.has(p);
      el.style.order = order.has(p) ? String(order.get(p)) : '';
    }
    const charts = v.panels.filter((p) => coreLists().charts.includes(p) || p === 'readout');
    shell.dataset.charts = String(charts.length);
    shell.toggleAttribute('data-no-controls', !order.has('controls'));
    ui.density.checked = v.density;
    for (const r of shell.querySelectorAll('input[name=placement]')) r.checked = r.value === v.placement;
    ui.copyLink.hidden = !this.options.page;
    this.applyLecture(v);
  }

  // ------------------------------------------------------------ state → controls

  state() { return JSON.parse(this.guard(() => this.app.stateJson())); }
  result() { return JSON.parse(this.guard(() => this.app.resultJson())); }

  revertIfInvalid(field) {
    if (field.getAttribute('aria-invalid') === 'true') {
      field.removeAttribute('aria-invalid');
      field.removeAttribute('title');
      // The table's fields too (a refused label): rewrite them from the scene.
      this.table.version = -1;
      this.syncControls(null);
    }
  }

  changed(except, burst = false) {
    this.syncControls(except);
    this.scheduleDraw();
    this.notify(burst);
  }

  rebuild() {
    this.buildControls();
    this.scheduleDraw();
    this.notify();
  }

  /**
   * Tells the host (URL, element event) that the state changed, and
   * refreshes the text alternative: at once, unless the change is one of a
   * burst of edits (typing, a slider, a drag), which refreshes it once the
   * burst pauses. A note in the message line is about the change before.
   */
  notify(burst = false) {
    if (this.ui.message.dataset.kind === 'info' && this.ui.message.textContent) this.say('');
    this.options.onChange?.(this, { burst });
    clearTimeout(this.altTimer);
    if (burst) {
      this.altPending = true;
      this.altTimer = setTimeout(() => this.syncAlt(), 150);
    } else {
      this.syncAlt();
    }
  }

  // ------------------------------------------------------------ settling

  /** Whether an update is still to come: a draw, the animation, an undo commit or the text alternative. */
  busy() {
    return this.drawPending || this.animating || this.commitPending || this.altPending;
  }

  /** Resolves once nothing is pending (see busy); for tests and tools. */
  settled() {
    if (!this.busy() || this.broken || poisoned) return Promise.resolve();
    return new Promise((resolve) => { this.settleWaiters.push(resolve); });
  }

  checkSettled() {
    if (this.busy() && !this.broken && !poisoned) return;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    waiters.forEach((w) => w());
  }

  // ------------------------------------------------------------ state in and out

  /** Applies `key=value` text (the URL format); returns the problems, in the interface language. */
  applyParams(query, hash, fresh) {
    let problems;
    try {
      problems = JSON.parse(this.guard(() => this.app.applyParams(query, hash, !fresh)));
    } catch (e) {
      if (this.broken) return [];
      problems = [e.message];
    }
    return problems;
  }

  /** Re-applies state text from outside (hashchange, attribute change) and refreshes everything. */
  applyExternal(query, hash, fresh) {
    this.stopSumAnimation();
    const problems = this.applyParams(query, hash, fresh);
    this.applyStrings();
    this.applyView();
    this.rebuild();
    this.scheduleCommit(0);
    if (problems.length) this.say(problems.join(' · '), 'error');
    return problems;
  }

  /** The state as URL text, or null when the scene is too large for a link (with a note on screen). */
  link() {
    const r = JSON.parse(this.guard(() => this.app.urlState()));
    put(this.ui.linkNote, 'hidden', r.ok);
    if (!r.ok) put(this.ui.linkNoteText, 'textContent', r.message);
    return r.ok ? r.text : null;
  }

  undo() { return this.travel(() => this.app.undo()); }

  redo() { return this.travel(() => this.app.redo()); }

  /** One undo or redo step (`move` says whether there was one); the commit a burst of edits was waiting for is cancelled. */
  travel(move) {
    this.stopSumAnimation();
    clearTimeout(this.commitTimer);
    this.commitPending = false;
    if (this.guard(move)) { this.rebuild(); this.syncHistory(); return true; }
    return false;
  }

  // ------------------------------------------------------------ the API

  api() {
    const W = this;
    return {
      /** The state on screen: scene, query, items, settings, lang, step and view options. */
      state: () => W.state(),
      /** Applies a (partial) state object, or throws an Error and changes nothing. */
      setState(obj) {
        W.stopSumAnimation();
        W.guard(() => W.app.setStateJson(toJson(obj)));
        if (onlyQuery(obj)) {
          // q alone (a slide deck moving the candidate): the update a q slider
          // makes (q's fields, the readouts, captions and charts), not a rebuild
          // of every control and string (34.5 ms per call on the default page
          // against 7.5 ms). A q of another length is refused above, so no
          // field appears or goes. A q field marked invalid shows the new q.
          for (const f of W.ui.query.querySelectorAll('[aria-invalid="true"]')) W.clearInvalid(f);
          W.changed(W.ui.query);
          W.scheduleCommit(0);
          return;
        }
        W.applyStrings();
        W.applyView();
        W.rebuild();
        W.scheduleCommit(0);
      },
      /** {alpha, pooled, mean, scores, alphaSum, pooledNorm, meanNorm}. */
      result: () => W.result(),
      /** Resolves after the next complete draw (never a frame of the weighted sum's animation). */
      frame: () => W.frame(),
      /**
       * Resolves once every pending update is done: the draw, the weighted
       * sum's animation, the undo step of a burst of edits and the text
       * alternative. For tests and tools: wait on this, never on time.
       */
      settled: () => W.settled(),
      /** Where bars, map points and the step-through strips were last drawn (for tests and tools). */
      layout: () => {
        // Layouts are of the last draw: a chart left stale off-screen is drawn first.
        W.drawStale(['bars', 'map', 'steps', 'qkv']);
        return {
          bars: JSON.parse(W.guard(() => W.app.barsLayoutJson())),
          map: JSON.parse(W.guard(() => W.app.mapLayoutJson())),
          steps: JSON.parse(W.guard(() => W.app.stepsLayoutJson())),
          qkv: JSON.parse(W.guard(() => W.app.qkvRowsJson())),
        };
      },
      /** The state as `key=value` URL text, or null if the scene is too large for a link. */
      link: () => W.link(),
      /** Applies URL-format text on top of the current state (or from scratch with fresh = true); returns the problems. */
      applyParams: (text, fresh = false) => W.applyExternal(fresh ? text : '', fresh ? '' : text, fresh),
      undo: () => W.undo(),
      redo: () => W.redo(),
      reset() { return W.edit(null, () => W.app.resetScene(), { rebuild: true, commit: true }); },
      /** PNG Blob of a panel ("all" = every visible chart) at 1920×1080 × factor. */
      exportPng: (panel = 'all', factor = 1) => W.pngBlob(panel, factor),
      /** SVG text of a panel, drawn by plotters' SVG backend. */
      exportSvg: (panel = 'all') => W.svgText(panel),
      exportJson: () => W.guard(() => W.app.sceneJson()),
      exportCsv: () => W.guard(() => W.app.resultCsv()),
      exportItemsCsv: () => W.guard(() => W.app.itemsCsv()),
      /** Imports CSV/TSV/JSON text; throws with the line and column of the first problem. */
      importText(text) {
        const note = W.guard(() => W.app.importText(text));
        W.rebuild();
        W.scheduleCommit(0);
        return note;
      },
      /** Imports the Embedding Projector's vectors.tsv and metadata.tsv. */
      importProjector(vectors, metadata) {
        const note = W.guard(() => W.app.importProjector(vectors, metadata));
        W.rebuild();
        W.scheduleCommit(0);
        return note;
      },
      /** How often the expensive steps ran ({installs, encodes, decodes, validations}): for tests that assert on work done. */
      work: () => JSON.parse(W.guard(() => W.app.workJson())),
      /** Bytes the undo history holds (it keeps up to 64 MiB of steps by design): for tests that tell it from a leak. */
      historyBytes: () => W.guard(() => W.app.historyBytes()),
      /** Says `text` in the message line (`kind`: info or error). */
      say: (text, kind) => W.say(text, kind),
      /** The on-screen message (errors and notes). */
      message: () => W.ui.message.textContent,
      get root() { return W.shell; },
      _widget: W,
    };
  }
}

/** The widget: the core with every job's module mixed in. */
class Widget extends Keys(Pointer(Io(Lecture(Visibility(Canvases(Alt(Tip(Caption(Steps(Table(Controls(WidgetCore)))))))))))) {}
