// train-worker.js — the train panel's Web Worker (a module worker): it
// loads the second wasm module, pkg-train/din_train_web.js (din-train's
// Trainer; the page's own wasm never contains it), and trains DIN and
// average pooling while the page only draws. Messages in:
//   {type: 'init', settings}      a new trainer (settings: the knobs as text)
//   {type: 'run'} / {type: 'pause'}
//   {type: 'step', batches}       one chunk of mini-batches, then a view
//   {type: 'select', user, candidate}
//   {type: 'export', which}       'din' or 'mean'
//   {type: 'import', name, text}  a model file: the view made by it
// Messages out: {type: 'view', view (JSON text), settings (JSON text),
// running}, {type: 'model', which, text}, {type: 'imported', name, view},
// {type: 'error', en, zh, name?} (name: the refused file's).
// A refused init keeps the trainer that was there.
//
// May depend on: pkg-train/din_train_web.js only.

import init, { TrainWorker } from '../pkg-train/din_train_web.js';

/** Mini-batches per chunk: one curve point and one view each. */
const CHUNK = 25;

let trainer = null;
let running = false;
let queued = false;
const loaded = init();

function post(type, extra = {}) {
  self.postMessage({ type, ...extra });
}

function sendView() {
  post('view', { view: trainer.viewJson(), settings: trainer.settingsJson(), running });
}

function fail(e) {
  post('error', { en: e && e.message ? e.message : String(e), zh: e && e.zh ? e.zh : (e && e.message) || String(e) });
}

// Runs one chunk per task, so pause, select and export are handled between chunks.
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  queued = false;
  if (!running || !trainer) return;
  trainer.step(CHUNK);
  sendView();
  schedule();
};
function schedule() {
  if (running && !queued) {
    queued = true;
    channel.port2.postMessage(null);
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    await loaded;
    if (m.type === 'init') {
      const next = new TrainWorker(JSON.stringify(m.settings));
      if (trainer) trainer.free();
      trainer = next;
      running = false;
      sendView();
      return;
    }
    if (!trainer) return;
    if (m.type === 'run') { running = true; sendView(); schedule(); }
    else if (m.type === 'pause') { running = false; sendView(); }
    else if (m.type === 'step') { running = false; trainer.step(CHUNK); sendView(); }
    else if (m.type === 'select') { trainer.select(String(m.user), String(m.candidate)); sendView(); }
    else if (m.type === 'export') post('model', { which: m.which, text: trainer.exportModel(m.which) });
    else if (m.type === 'import') {
      try {
        post('imported', { name: m.name, view: trainer.importedViewJson(m.text) });
      } catch (err) {
        post('error', { name: m.name, en: err.message, zh: err.zh || err.message });
      }
    }
  } catch (err) {
    fail(err);
  }
};

loaded.then(() => post('loaded'), fail);
