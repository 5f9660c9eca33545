// page.js — what the page (index.html, through app.js) needs of the shell,
// as one module: `make build` bundles it with everything it imports into
// pkg/page.js (tools/page.mjs), so a load asks for one script instead of
// eighteen. The wasm glue (pkg/din_viz.js) stays a file of its own.
//
// The custom element (din-attention.js) and the one-file builds use the
// modules of www/ as they are; only the served page loads the bundle.
//
// May depend on: widget.js, storage.js, train.js.

export { createWidget } from './widget.js';
export * as storage from './storage.js';
export { mountTrain } from './train.js';
