// Set-up of the one-file builds (make dist): the wasm bytes are inlined by
// the bundler, so the page needs no request at all and opens from file://
// (where modules and fetch of a .wasm are refused). Imported before app.js /
// din-attention.js so it runs first. The widget's markup (template.js) is
// inlined the same way, LZMA-compressed, and set before any widget starts.
// The element script also imports dist-styles.js (the widget's CSS for its
// shadow roots).

import { setWasmSource } from './widget.js';
import { setTemplate } from './template.js';
import { lzmaDecode } from './lzma.js';

/**
 * The inlined module, LZMA-compressed (lzma.js). The one-file page carries it in a data
 * block (<script type="application/x-din-wasm">, never executed) with one
 * character per byte: the page is windows-1252, so 27 bytes of 0x80-0x9f
 * arrive as other code points and are mapped back (a latin-1 reading, as in
 * a Jupyter srcdoc, needs no mapping), and the four bytes the
 * HTML parser would alter or end the block on are escaped with "~"
 * (~0 NUL, ~r CR, ~l "<", ~~ "~"). The element script carries base64.
 */
function bytesOf(text, encoding) {
  if (encoding === 'base64') {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const back = new Map();
  const w1252 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
  for (let i = 0; i < 32; i++) back.set(w1252.charCodeAt(i), 0x80 + i);
  const escaped = { 0x30: 0x00, 0x72: 0x0d, 0x6c: 0x3c, 0x7e: 0x7e };
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 0x7e) c = escaped[text.charCodeAt(++i)] ?? 0;
    // Read as windows-1252 (a browser) or as latin-1 (e.g. Python's
    // decode('latin-1') for a srcdoc): only code points above 0xff need mapping.
    else if (c > 0xff) c = back.get(c) ?? 0;
    out[n++] = c;
  }
  return out.subarray(0, n);
}

/** Decompresses the module (LZMA: a fifth smaller than deflate, which is all DecompressionStream offers). */
async function inflate(text, encoding) {
  return lzmaDecode(bytesOf(text, encoding));
}

// Replaced by the build (tools/dist.mjs): where the module and the markup
// are, and how they are written.
/* global __DIN_WASM__, __DIN_TEMPLATE__, __DIN_WASM_ENCODING__ */
const inPage = (id) => document.getElementById(id).textContent;
const base64 = __DIN_WASM_ENCODING__ === 'base64';
// The markup first, at once: app.js and din-attention.js build widgets from it.
const markup = lzmaDecode(bytesOf(base64 ? __DIN_TEMPLATE__ : inPage('din-template'), __DIN_WASM_ENCODING__));
setTemplate(new TextDecoder().decode(markup));
setWasmSource(inflate(base64 ? __DIN_WASM__ : inPage('din-wasm'), __DIN_WASM_ENCODING__));
