// lecture.js — lecture mode's DOM: one 16:9 screen (the layout is
// widget.css's), the tab strip mirroring the App's tab, the readout moved
// into the left column, the page's train panel moved in as the train tab, the settings drawer, the zoom the App computes
// for the box the lecture fills, and where the scene picker goes and
// whether the caption is compact on that screen (or a short, wide window).
//
// May depend on: util.js; the widget core (this.app, shell, host, $, guard,
// edit, t, applyView), canvases.js (scheduleDraw), caption.js (fitCaption,
// openCaption).

import { toJson, put, putAttr } from './util.js';

export const Lecture = (Base) => class extends Base {
  // ------------------------------------------------------------ lecture mode (issue 11 §5)
  //
  // view=lecture lays the lecture out on one 16:9 screen (widget.css): the
  // caption across the top; candidate, q, the readout (pooled vs mean) and
  // the settings on the left; the alpha bars over the map; the lecture
  // panels as tabs in one place. Which tab shows is state in the Rust App
  // (it follows the step-through); this only mirrors it in the DOM. A tab
  // not shown is hidden, so it is neither sized nor drawn; the frame that
  // shows it draws it first (the draw runs in requestAnimationFrame,
  // before the browser paints).

  lectureOn() { return this.shell.dataset.view === 'lecture'; }

  /** Lecture mode on one screen: canvases take their size from its grid. */
  lectureFills() { return this.lectureOn() && this.shell.hasAttribute('data-fit'); }

  /**
   * Whether the lecture fits one screen in the box it fills (the element,
   * or the window), and at what scale (the App decides: a 1920 × 1080
   * projector shows the 1366 × 768 screen scaled up); else its parts stack.
   */
  fitLecture() {
    const box = this.host !== this.shell ? this.host : document.documentElement;
    const zoom = this.lectureOn() ? this.guard(() => this.app.lectureZoom(box.clientWidth, box.clientHeight)) : 0;
    const fit = zoom > 0;
    const z = String(fit ? zoom : 1);
    if (fit !== this.shell.hasAttribute('data-fit') || this.shell.style.getPropertyValue('--lecture-zoom') !== z) {
      const refit = fit !== this.shell.hasAttribute('data-fit');
      this.shell.toggleAttribute('data-fit', fit);
      this.shell.style.setProperty('--lecture-zoom', z);
      // On the lecture's one screen the scene picker heads the left column and the caption is compact; whole elsewhere.
      if (refit) {
        this.placeScenePicker();
        if (!fit && this.ui.caption.hasAttribute('data-open')) this.openCaption(false);
        else this.fitCaption();
      }
      this.scheduleDraw();
    }
    // The caption is compact on the lecture's one screen, and on the long page in a wide, short
    // window (1366 × 768), so that q, the bars and pooled vs mean stay on the first screen.
    const short = !fit && !this.lectureOn() && this.host === this.shell && !this.shell.hasAttribute('data-embed')
      && typeof matchMedia === 'function' && matchMedia('(min-width: 1250px) and (max-height: 900px)').matches;
    if ((fit || short) !== this.shell.hasAttribute('data-cap-compact')) {
      this.shell.toggleAttribute('data-cap-compact', fit || short);
      if (!(fit || short) && this.ui.caption.hasAttribute('data-open')) this.openCaption(false);
      else this.fitCaption();
    }
  }

  /**
   * On the lecture's one screen the scene picker heads the left column (the
   * inputs), so that the caption beside the map and the bars' column keep
   * their height; elsewhere it is in the band with the caption.
   */
  placeScenePicker() {
    const row = this.ui.scene.closest('.row');
    const band = this.shell.querySelector('.scene-band');
    const controls = this.shell.querySelector('.controls');
    if (this.lectureFills()) {
      if (row.parentNode !== controls) controls.prepend(row);
    } else if (row.parentNode !== band) {
      band.prepend(row);
    }
  }

  wireLecture() {
    const { app } = this;
    window.addEventListener('resize', () => this.fitLecture());
    if (this.host !== this.shell) new ResizeObserver(() => this.fitLecture()).observe(this.host);
    const toggle = this.$('view-toggle');
    toggle.addEventListener('click', () => {
      const view = this.lectureOn() ? 'explore' : 'lecture';
      if (this.edit(null, () => app.setView(toJson({ view })))) {
        this.applyView();
        // The lecture's screen starts at its top.
        if (view === 'lecture' && this.options.page) window.scrollTo(0, 0);
      }
    });
    // The settings are a drawer at the foot of the left column.
    const settings = this.$('settings-panel');
    const drawer = this.$('settings-toggle');
    const openSettings = (open) => {
      settings.toggleAttribute('data-open', open);
      drawer.setAttribute('aria-expanded', String(open));
    };
    drawer.addEventListener('click', () => openSettings(!settings.hasAttribute('data-open')));
    settings.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && settings.hasAttribute('data-open')) {
        openSettings(false);
        drawer.focus();
        e.preventDefault();
        e.stopPropagation();
      }
    });
    this.$('lecture-tabs').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-tab]');
      if (b && this.edit(null, () => app.setView(toJson({ tab: b.dataset.tab })))) this.syncLecture();
    });
  }

  /** Puts the layout, the tab strip and the readout's place in the DOM for the view options `v`. */
  applyLecture(v) {
    const { shell } = this;
    const lecture = v.view === 'lecture';
    shell.dataset.view = v.view;
    if (this.host !== shell) this.host.toggleAttribute('data-lecture', lecture);
    const toggle = this.$('view-toggle');
    putAttr(toggle, 'aria-pressed', String(lecture));
    // The readout sits in the left column in lecture mode, beside the bars otherwise.
    const readout = shell.querySelector('.readout');
    const controls = shell.querySelector('.controls');
    const charts = shell.querySelector('.charts');
    if (lecture && readout.parentNode !== controls) controls.insertBefore(readout, controls.querySelector('[data-part=settings]'));
    if (!lecture && readout.parentNode !== charts) charts.insertBefore(readout, charts.querySelector('[data-panel=bars]'));
    this.placeTrain(lecture);
    this.lectureTabs = '';
    this.fitLecture();
    this.syncLecture();
  }

  /**
   * The page's train panel (options.train, issue 13) is lecture mode's
   * `train` tab: in lecture mode it moves into the widget beside the tab
   * panels (the layout is widget.css's); on the long page it goes back
   * where the page put it. Its worker goes on training either way.
   */
  placeTrain(lecture) {
    const train = this.options.train;
    if (!train) return;
    if (!this.trainHome) this.trainHome = { parent: train.parentNode, next: train.nextSibling };
    const charts = this.shell.querySelector('.charts');
    if (lecture && train.parentNode !== charts) {
      charts.append(train);
    } else if (!lecture && train.parentNode === charts) {
      this.trainHome.parent.insertBefore(train, this.trainHome.next);
    }
  }

  /** A tab's panel: the widget's (looked up once: the markup's panels stay), or the page's train panel. */
  tabPanel(name) {
    if (name === 'train') return this.options.train;
    this.tabPanels = this.tabPanels || new Map();
    let el = this.tabPanels.get(name);
    // (A query per tab per edit cost 0.3 ms at n = 10,000, where the items' table makes the shadow tree large.)
    if (!el || !el.isConnected) {
      el = this.shell.querySelector(`[data-panel=${name}]`);
      this.tabPanels.set(name, el);
    }
    return el;
  }

  /** The tab strip and the shown tab, as the App says (after a tab click, a step, a state). */
  syncLecture() {
    const t = JSON.parse(this.guard(() => this.app.lectureJson()));
    const lecture = this.lectureOn();
    const barsMin = `${Math.ceil(t.barsMin)}px`;
    if (this.shell.style.getPropertyValue('--bars-min') !== barsMin) this.shell.style.setProperty('--bars-min', barsMin);
    const strip = this.$('lecture-tabs');
    const key = `${this.guard(() => this.app.lang())}|${t.tabs.join(',')}`;
    if (key !== this.lectureTabs) {
      this.lectureTabs = key;
      strip.replaceChildren(...t.tabs.map((name) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.tab = name;
        b.textContent = this.t(`tab-${name}`);
        b.setAttribute('aria-controls', name);
        return b;
      }));
    }
    for (const b of strip.children) putAttr(b, 'aria-pressed', String(b.dataset.tab === t.shown));
    put(strip, 'hidden', !lecture || t.tabs.length === 0);
    // The train tab takes the whole screen under the strip (widget.css).
    const shown = lecture && t.shown ? t.shown : '';
    if ((this.shell.dataset.shownTab || '') !== shown) this.shell.dataset.shownTab = shown;
    // t.tabs are listed panels: shown on the long page, only the chosen one in lecture mode.
    for (const name of t.tabs) {
      const el = this.tabPanel(name);
      el.toggleAttribute('data-tab-panel', true);
      const hide = lecture && name !== t.shown;
      if (el.hidden !== hide) {
        el.hidden = hide;
        this.scheduleDraw();
      }
    }
  }

  /**
   * Heights of the panels that need more than their box: the towers
   * diagram's preferred height for its width on the long page (a narrow
   * one stacks its two models); in lecture mode the unit panel keeps its
   * preferred height and scrolls inside its tab.
   */
  sizeLecturePanels(fill) {
    const { ui } = this;
    const towers = ui.towers;
    if (!towers.closest('[data-panel]').hidden) {
      const h = fill ? '' : `${Math.ceil(this.guard(() => this.app.towersHeight(towers.offsetWidth)))}px`;
      if (towers.style.minHeight !== h) towers.style.minHeight = h;
    }
    const unit = ui.unit;
    if (this.lectureFills() && !unit.closest('[data-panel]').hidden) {
      const h = `${Math.ceil(this.guard(() => this.app.unitHeight(unit.offsetWidth)))}px`;
      if (unit.style.minHeight !== h) unit.style.minHeight = h;
    } else if (unit.style.minHeight) {
      unit.style.minHeight = '';
    }
  }
};
