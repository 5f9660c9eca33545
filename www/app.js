// The page: one widget in the document, its state mirrored in the URL.
// The URL is read on load (query string and hash; the hash wins), updated
// with history.replaceState while the user edits (no history entry per
// slider tick), and applied again on hashchange. All decoding and
// validation happens in the Rust core; this file only moves text.

// The rest of the shell is imported in main(), so that a file that cannot be
// loaded is named on the page (see whatFailed): ../pkg/page.js, which
// `make build` bundles from page.js (widget.js and every module it imports,
// storage.js with the last good scene for the panic overlay's Restore, and
// train.js), and through it the wasm glue. The one-file builds bundle
// page.js itself instead (tools/dist.mjs).
//
// May depend on: page.js (createWidget and its API, storage, mountTrain for
// the train panel below the widget), as ../pkg/page.js.

const boot = document.getElementById('boot');
const mount = document.getElementById('din');

function bootError(text) {
  boot.textContent = text;
  boot.dataset.kind = 'error';
  boot.hidden = false;
}

/** The files the shell starts from, asked for again by whatFailed. */
const START_FILES = ['../pkg/page.js', '../pkg/din_viz.js'];

let urlTimer = 0;
let lastWritten = null;
/** storage.js, once imported. */
let storage = null;
/** train.js's mountTrain, once imported. */
let mountTrain = null;

/** The page's address without query and hash (about:srcdoc keeps its own). */
function pageBase() {
  return location.protocol === 'about:' ? location.href.split('#')[0] : location.pathname;
}

/**
 * Writes the state into the hash (dropping the query, whose keys the hash
 * now covers) without a history entry. A document that may not change its
 * URL (a sandboxed frame with an opaque origin) simply keeps it.
 */
function writeUrl(w) {
  const text = w.link();
  storage.saveLastGood(w, text);
  const target = text === null ? pageBase() : `${pageBase()}#${text}`;
  if (target === lastWritten) return;
  lastWritten = target;
  try {
    history.replaceState(null, '', target);
  } catch {
    // SecurityError in an opaque-origin frame: the state lives on without a URL.
  }
}

/**
 * The address bar follows the state 120 ms after the last change, so a
 * burst of edits (or a script's loop) is one history.replaceState, which
 * browsers throttle. Nothing on the page depends on it in between; tests
 * wait for the hash to hold din.link(), not for a time.
 */
function scheduleUrl(w) {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => writeUrl(w), 120);
}

async function copyLink(w) {
  writeUrl(w);
  const text = w.link();
  if (text === null) return;
  const url = `${location.origin === 'null' ? location.href.split('#')[0] : location.origin + location.pathname}#${text}`;
  try {
    await navigator.clipboard.writeText(url);
    w.say(w.t('link-copied'));
  } catch {
    // No clipboard permission (file://, an old browser): show the link to copy by hand.
    w.say(`${w.t('link-copy-by-hand')} ${url}`);
  }
}

let chromeKey = null;

/** The page around the widget follows its language, embed mode and layout; redone only when one changes. */
function chrome(w) {
  const key = `${w.guard(() => w.app.lang())}|${w.view().embed}|${w.view().view}|${w.view().theme}|${w.view().font}`;
  if (key === chromeKey) return;
  chromeKey = key;
  // Embed mode hides the page's own header and footer too.
  document.body.toggleAttribute('data-embed', w.view().embed);
  // So does lecture mode: the lecture is the whole screen.
  document.body.dataset.view = w.view().view;
  document.documentElement.lang = w.guard(() => w.app.lang()) === 'zh' ? 'zh-CN' : 'en';
  document.title = `${w.t('title')} — DIN`;
  for (const el of document.querySelectorAll('[data-page-i18n]')) el.textContent = w.t(el.dataset.pageI18n);
  for (const el of document.querySelectorAll('[data-page-i18n-aria]')) el.setAttribute('aria-label', w.t(el.dataset.pageI18nAria));
  train?.refresh();
}

/** The train panel (train.js), once mounted. */
let train = null;

async function main() {
  let api;
  let createWidget;
  try {
    ({ createWidget, storage, mountTrain } = await import('../pkg/page.js'));
  } catch (e) {
    const why = await whatFailed(e);
    bootError(`The visualiser could not start: ${why.en}. 可视化程序无法启动：${why.zh}。`);
    return;
  }
  storage.loadSaved();
  try {
    // A page may carry its opening state in <meta name="din-state"> (a
    // srcdoc copy has no URL of its own); the query and the hash win over it.
    const preset = document.querySelector('meta[name="din-state"]')?.content || '';
    // The train panel is lecture mode's train tab too, where this page has it and can run its worker
    // (the one-file page has neither: no tab).
    const trainSection = typeof Worker === 'function' ? document.getElementById('train') : null;
    api = await createWidget(mount, {
      train: trainSection,
      params: [preset, location.search.replace(/^\?/, '')].filter(Boolean).join('&'),
      hash: location.hash,
      page: true,
      onChange: (w) => { storage.changedNow(); scheduleUrl(w); chrome(w); },
      onStrings: (w) => chrome(w),
      // The loading note goes as the widget enters the page, before its first
      // layout: else the first frame shows both and the widget then jumps up.
      onAttach: () => { boot.hidden = true; },
      copyLink,
      restore: storage.restoreLastGood,
      canRestore: storage.canRestore,
      restoreNote: storage.restoreNote,
    });
  } catch (e) {
    const en = e && e.message ? e.message : String(e);
    bootError(`The visualiser could not start: ${en}. 可视化程序无法启动：${e && e.zh ? e.zh : en}。`);
    return;
  }
  boot.hidden = true;
  const w = api._widget;
  // Back from a panic: put the saved state on screen (it wins over the address bar).
  const restore = storage.takeRestore();
  if (restore) {
    try {
      await storage.restoreAfterReload(w, api, restore);
    } catch (e) {
      w.say(e.message, 'error');
    }
  }
  // (An opaque origin, e.g. a sandboxed frame, has no storage at all.)
  try { if (typeof indexedDB === 'object') storage.forgetOldTabs().catch(() => {}); } catch { /* no storage */ }
  // The train panel (issue 13) is the page's, below the widget; its worker
  // starts only when the panel comes near the screen.
  const section = document.getElementById('train');
  if (section && typeof Worker === 'function') {
    const seen = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      seen.disconnect();
      try {
        train = mountTrain(w, section);
        window.dinTrain = train;
      } catch (e) {
        w.say(e.message, 'error');
      }
    }, { rootMargin: '200px' });
    seen.observe(section);
  }
  chrome(w);
  window.addEventListener('hashchange', () => {
    if (`${pageBase()}${location.hash}` === lastWritten) return;
    w.applyExternal('', location.hash, true);
    chrome(w);
    lastWritten = null;
    writeUrl(w);
  });
  const din = { ...api };
  delete din._widget;
  Object.defineProperty(din, 'root', { get: () => w.shell });
  window.din = din;
  // createWidget resolved after its first complete draw; wait only if the
  // restore above changed the scene since (a redraw is then pending).
  await w.drawn();
  document.documentElement.dataset.ready = 'true';
  // The canonical link (address bar, and the panic overlay's restore point)
  // is bookkeeping nobody sees: written in the next task, so that it does not
  // hold back the first frame.
  setTimeout(() => writeUrl(w), 0);
}

/**
 * Names the file that kept the visualiser from starting, as {en, zh}: each
 * module the page needs is asked for again, and the first that fails is
 * reported with its HTTP status; otherwise the import's own error.
 */
async function whatFailed(e) {
  for (const path of START_FILES) {
    const url = new URL(path, import.meta.url);
    const name = url.pathname.split('/').slice(-2).join('/');
    let why = null;
    try {
      const r = await fetch(url, { method: 'HEAD', cache: 'no-store' });
      if (!r.ok) why = `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`;
    } catch (err) {
      why = err && err.message ? err.message : String(err);
    }
    if (why) return { en: `${name} could not be loaded (${why})`, zh: `无法加载 ${name}（${why}）` };
  }
  const en = e && e.message ? e.message : String(e);
  return { en, zh: en };
}

main();
