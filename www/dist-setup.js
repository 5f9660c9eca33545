// Set-up of the one-file builds (make dist): the wasm bytes and the widget's
// CSS are inlined by the bundler, so the page needs no request at all and
// opens from file:// (where modules and fetch of a .wasm are refused).
// Imported before app.js / din-attention.js so it runs first.

import { setWasmSource, setStyles } from './widget.js';
import css from './widget.css';

/** Inflates the raw-deflated, base64-encoded module with the browser's own DecompressionStream. */
async function inflate(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

setStyles(css);
// __DIN_WASM__ is replaced by the build with the module's bytes (base64 of raw deflate).
// eslint-disable-next-line no-undef
setWasmSource(inflate(__DIN_WASM__));
