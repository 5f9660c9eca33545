// train.js — the page's train panel (issue 13): the knobs, run / pause /
// step / reset, the three charts, and model export and import. The
// training runs in a Web Worker (train-worker.js, with its own wasm
// module); this main-thread module only moves text and draws: every view
// the worker sends is drawn by the page's wasm (drawTrain, plotters), once
// per animation frame at most. Numbers typed in the knobs go to the worker
// as text and are read (or refused, naming the field) in Rust; an imported
// model file goes to the worker too, which reads and checks it in Rust and
// sends the view it makes; a refused one changes nothing on screen.
// In lecture mode the panel is the train tab (lecture.js moves it into the
// widget): while another tab shows it is not drawn, the worker trains on,
// and the frame after it shows again draws the latest view (a
// ResizeObserver sees its canvases get their size back).
//
// May depend on: pkg/din_viz.js (drawTrain), train-worker.js (by URL),
// util.js (cssZoom), visibility.js (VISIBILITY_MARGIN), the widget's
// language and theme (w.t, w.app.lang(), w.view()).

import { drawTrain } from '../pkg/din_viz.js';
import { cssZoom } from './util.js';
import { VISIBILITY_MARGIN } from './visibility.js';

const KNOBS = ['max_interests', 'stray', 'lastn', 'users', 'items', 'seed', 'learning_rate', 'batch_size'];
const CHARTS = ['curves', 'attention', 'map'];

export function mountTrain(w, section) {
  const $ = (id) => section.querySelector(`#${id}`);
  const status = $('train-status');
  const note = $('train-imported');
  let worker = null;
  let view = null;          // the worker's latest view (JSON text)
  let imported = null;      // {name, view}: an imported model's attention and map
  let running = false;
  let filled = false;       // knobs filled from the worker's settings once
  let frame = 0;
  let lastExport = null;
  let message = null;       // {en, zh} or {key}

  const lang = () => w.guard(() => w.app.lang());
  function showMessage() {
    if (!message) { status.textContent = ''; delete status.dataset.kind; return; }
    status.textContent = message.key ? w.t(message.key) : (lang() === 'zh' ? message.zh : message.en);
    status.dataset.kind = message.kind || 'info';
  }
  function say(m) { message = m; showMessage(); }

  function buttons() {
    $('train-run').disabled = running || !view;
    $('train-pause').disabled = !running;
    $('train-step').disabled = running || !view;
    $('train-export').disabled = !view;
    section.toggleAttribute('data-running', running);
  }

  function draw() {
    frame = 0;
    // Not on screen (another lecture tab shows): drawn when it shows again.
    if (!view || section.hidden || !section.getClientRects().length) return;
    // Scrolled away on the long page: left stale (and unpainted, data-stale
    // is opacity 0) until it comes near the viewport, as the widget's charts
    // are (visibility.js): a view a second from the worker costs nothing then.
    if (!near) {
      for (const chart of CHARTS) $(`train-${chart}`).setAttribute('data-stale', '');
      return;
    }
    const dpr = window.devicePixelRatio || 1;
    const { theme, font } = w.view();
    for (const chart of CHARTS) {
      const c = $(`train-${chart}`);
      // The box on screen, after lecture mode's CSS scale, so that the charts stay sharp and their text grows with it.
      const zoom = cssZoom(c);
      const wpx = Math.max(1, Math.round(c.clientWidth * zoom * dpr));
      const hpx = Math.max(1, Math.round(c.clientHeight * zoom * dpr));
      if (c.width !== wpx) c.width = wpx;
      if (c.height !== hpx) c.height = hpx;
      const text = imported && chart !== 'curves' ? imported.view : view;
      try {
        drawTrain(chart, c, text, lang(), theme, dpr * zoom, font);
      } catch (e) {
        say({ en: e.message, zh: e.zh || e.message, kind: 'error' });
      }
    }
    for (const chart of CHARTS) $(`train-${chart}`).removeAttribute('data-stale');
    section.dataset.steps = JSON.parse(view).steps;
    section.dataset.font = String(font);
    note.hidden = !imported;
    if (imported) note.textContent = `${w.t('train-imported')} ${imported.name}`;
  }
  function schedule() { if (!frame) frame = requestAnimationFrame(draw); }

  /** The knobs as typed; none before the worker's defaults have filled them (the first trainer). */
  function knobs() {
    const s = {};
    if (!filled) return s;
    for (const k of KNOBS) s[k] = $(`train-${k}`).value;
    return s;
  }

  function start() {
    // Named from the root (../www/), so that the URL holds in the page's bundle (pkg/page.js) too.
    worker = new Worker(new URL('../www/train-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'loaded') { worker.postMessage({ type: 'init', settings: knobs() }); return; }
      if (m.type === 'view') {
        view = m.view;
        running = m.running;
        const s = JSON.parse(m.settings);
        if (!filled) {
          filled = true;
          for (const k of KNOBS) $(`train-${k}`).value = String(s[k]);
        }
        $('train-user').value = String(s.user);
        $('train-candidate').value = String(s.candidate);
        buttons();
        schedule();
      } else if (m.type === 'model') {
        lastExport = m.text;
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([m.text], { type: 'application/json' }));
        a.download = `din-model-${m.which}.json`;
        section.append(a);
        a.click();
        a.remove();
        URL.revokeObjectURL(a.href);
        say({ key: 'train-exported' });
      } else if (m.type === 'imported') {
        imported = { name: m.name, view: m.view };
        say(null);
        schedule();
      } else if (m.type === 'error') {
        if (m.name) say({ en: `${m.name}: ${m.en}`, zh: `${m.name}：${m.zh}`, kind: 'error' });
        else say({ en: m.en, zh: m.zh, kind: 'error' });
      }
    };
    worker.onerror = (e) => say({ en: e.message || 'the train worker failed', zh: e.message || '训练线程出错', kind: 'error' });
  }

  const send = (msg) => { message = null; imported = null; worker.postMessage(msg); };
  $('train-run').addEventListener('click', () => send({ type: 'run' }));
  $('train-pause').addEventListener('click', () => worker.postMessage({ type: 'pause' }));
  $('train-step').addEventListener('click', () => send({ type: 'step' }));
  $('train-reset').addEventListener('click', () => send({ type: 'init', settings: knobs() }));
  $('train-show').addEventListener('click', () => send({ type: 'select', user: $('train-user').value, candidate: $('train-candidate').value }));
  $('train-export').addEventListener('click', () => worker.postMessage({ type: 'export', which: 'din' }));
  $('train-import').addEventListener('change', async (e) => {
    const file = e.target.files && e.target.files[0];
    e.target.value = '';
    if (!file || !view) return;
    worker.postMessage({ type: 'import', name: file.name, text: await file.text() });
  });
  window.addEventListener('resize', schedule);
  // Near the viewport (half a screen above or below, as visibility.js):
  // drawn on every view; elsewhere stale until it comes near again.
  let near = true;
  if (typeof IntersectionObserver === 'function') {
    new IntersectionObserver((entries) => {
      const now = entries[entries.length - 1].isIntersecting;
      if (now !== near) { near = now; if (near) schedule(); }
    }, { rootMargin: VISIBILITY_MARGIN }).observe(section);
  }
  // A canvas's box changed (a lecture tab shown or hidden, the lecture's layout): draw the latest view.
  const ro = new ResizeObserver(schedule);
  for (const chart of CHARTS) ro.observe($(`train-${chart}`));
  buttons();
  start();

  return {
    /** The language or theme changed: redraw, and the message in the new language. */
    refresh() { showMessage(); schedule(); },
    /** For tests: the latest view, the last exported model, the imported one. */
    probe: () => ({ view, running, lastExport, imported: imported && imported.view }),
  };
}
