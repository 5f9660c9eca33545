// make dist: the offline builds.
//
//   dist/din-attention.html  the page as one file: wasm, JS and CSS inlined,
//                            no request of any kind; opens from file://
//   dist/din-attention.js    the <din-attention> element as one classic script
//   dist/reveal/             the reveal.js example deck, offline, using both
//
// The wasm and the widget's markup (www/template.js) are LZMA-compressed
// (the `xz` command, Debian's xz-utils) and inlined as byte text (the page)
// or base64 (the element script); the bundles decompress them with
// www/lzma.js (the markup is then not in the script a second time). Prints every size and fails if
// the one-file page exceeds its budget (430 KiB; it was 400 KiB until the
// page gained the catalogue layer, the bitmap cells and the train charts, see
// README "Speed and size"; issue 15 is bringing the wasm back down).

import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { TARGET } from './targets.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist');
const LIMIT = 430 * 1024;

const wasm = readFileSync(join(ROOT, 'pkg/din_viz_bg.wasm'));

/**
 * The module in the .lzma format, its header carrying the true size (xz
 * writes "unknown" when it reads a pipe). lc=3 lp=0 pb=0 suits wasm (byte
 * aligned, no 4-byte structure): 0.2% smaller than xz's default.
 */
function lzma(bytes) {
  const r = spawnSync('xz', ['--format=lzma', '--lzma1=preset=9e,lc=3,lp=0,pb=0', '--stdout'], { input: bytes, maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) {
    throw new Error(`make dist needs the xz command (Debian: apt-get install xz-utils): ${r.error ? r.error.message : r.stderr}`);
  }
  const out = Buffer.from(r.stdout);
  out.writeUInt32LE(bytes.length, 5);
  out.writeUInt32LE(0, 9);
  return out;
}

const compressed = lzma(wasm);
const packed = compressed.toString('base64');
const { TEMPLATE } = await import(pathToFileURL(join(ROOT, 'www/template.js')).href);
const markup = lzma(Buffer.from(TEMPLATE, 'utf8'));

/**
 * The compressed module as text with one character per byte, for a data
 * block of a windows-1252 page: NUL, CR and "<" (which the HTML parser
 * would replace, normalise or read as the end of the block) and the
 * escape character itself are written as ~0, ~r, ~l and ~~.
 */
function byteText(bytes) {
  const esc = { 0x00: '~0', 0x0d: '~r', 0x3c: '~l', 0x7e: '~~' };
  let out = '';
  for (const b of bytes) out += esc[b] ?? String.fromCharCode(b);
  return out;
}

/** CSS without comments and spaces (esbuild's minifier; same rules, same order). */
async function minifyCss(text) {
  return (await transform(text, { loader: 'css', minify: true, target: TARGET, charset: 'ascii', logLevel: 'warning' })).code;
}

/**
 * template.js without its markup: the bundles carry it compressed
 * (`markup`) and dist-setup.js sets it before any widget starts.
 */
const emptyTemplate = {
  name: 'empty-template',
  setup(b) {
    b.onLoad({ filter: /[\\/]www[\\/]template\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const out = text.replace(/export let TEMPLATE = `[^`]*`;/, "export let TEMPLATE = '';");
      if (out === text) throw new Error('www/template.js changed shape: its markup was not left out of the bundle');
      return { contents: out, loader: 'js' };
    });
  },
};

/**
 * app.js imports the page's bundle, ../pkg/page.js (tools/page.mjs); the
 * one-file page bundles its source, www/page.js, instead, so that it is
 * built from www/'s modules as they are (and the template plugin above
 * sees template.js).
 */
const pageSource = {
  name: 'page-source',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/pkg\/page\.js$/ }, () => ({ path: join(ROOT, 'www/page.js') }));
  },
};

/** Imports of .css files as their minified text (the element's shadow roots). */
const cssText = {
  name: 'css-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => ({ contents: await minifyCss(readFileSync(args.path, 'utf8')), loader: 'text' }));
  },
};

async function bundle(entry, encoding) {
  const r = await build({
    stdin: { contents: entry, resolveDir: join(ROOT, 'www'), sourcefile: 'dist-entry.js', loader: 'js' },
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    target: TARGET,
    plugins: [pageSource, cssText, emptyTemplate],
    define: {
      __DIN_WASM__: encoding === 'base64' ? JSON.stringify(packed) : '""',
      __DIN_TEMPLATE__: encoding === 'base64' ? JSON.stringify(markup.toString('base64')) : '""',
      __DIN_WASM_ENCODING__: JSON.stringify(encoding),
    },
    charset: 'ascii',
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
    legalComments: 'none',
  });
  // Safe inside an inline <script>: no "</script" may appear in the text.
  return r.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
}

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The strict policy of the one-file page: only its own inline script and wasm compilation. */
function csp(scriptHash) {
  return [
    "default-src 'none'",
    `script-src ${scriptHash} 'wasm-unsafe-eval'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Every character outside ASCII as a numeric character reference (the page is windows-1252). */
const asciiHtml = (text) => text.replace(/[^\x00-\x7f]/gu, (c) => `&#x${c.codePointAt(0).toString(16)};`);
const asciiCss = (text) => text.replace(/[^\x00-\x7f]/gu, (c) => `\\${c.codePointAt(0).toString(16)} `);

async function page(script) {
  // style.css ends with the train panel's rules, which a page without the panel does not need.
  const style = readFileSync(join(ROOT, 'www/style.css'), 'utf8');
  const trainRules = style.indexOf('/* The train panel (train.js)');
  if (trainRules < 0) throw new Error('style.css changed shape: the train panel\'s rules were not found');
  const css = asciiCss(await minifyCss(readFileSync(join(ROOT, 'www/widget.css'), 'utf8') + style.slice(0, trainRules)));
  let html = asciiHtml(readFileSync(join(ROOT, 'www/index.html'), 'utf8'));
  html = html.replace(/<link rel="(stylesheet|modulepreload|preload)"[^>]*>\n?/g, '');
  // The train panel needs its Web Worker and second wasm module (pkg-train/),
  // which a one-file page cannot load: the offline builds leave it out.
  const withoutTrain = html.replace(/<section id="train"[\s\S]*?<\/section>\n\n/, '');
  if (withoutTrain === html) throw new Error('index.html changed shape: the train section was not found');
  html = withoutTrain;
  html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, '');
  html = html.replace(/<script type="module" src="app.js"><\/script>/, () => `<script type="application/x-din-template" id="din-template">${byteText(markup)}</script>\n<script type="application/x-din-wasm" id="din-wasm">${byteText(compressed)}</script>\n<script>${script}</script>`);
  html = html.replace('</head>', () => `<style>${css}</style>\n</head>`);
  html = html.replace('<meta charset="utf-8">', () => `<meta charset="windows-1252">\n<meta http-equiv="Content-Security-Policy" content="${csp(sha256(script))}">`);
  if (!html.includes(script)) throw new Error('index.html changed shape: the app script was not inlined');
  return html;
}

function deck(name) {
  // The source deck loads reveal.js from node_modules and the widget from
  // the served www/; the offline copy uses files next to it.
  let html = readFileSync(join(ROOT, 'www/examples/reveal', name), 'utf8');
  html = html.replaceAll('../../../node_modules/reveal.js/dist/', 'reveal/');
  html = html.replaceAll('../../index.html', '../din-attention.html');
  html = html.replace(/<script type="module" src="\.\.\/\.\.\/din-attention\.js"><\/script>/, '<script src="../din-attention.js"></script>');
  html = html.replace(/<script type="module" src="deck\.js"><\/script>/, '<script src="deck.js"></script>');
  return html;
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'reveal/reveal/theme'), { recursive: true });

const appScript = await bundle("import './dist-setup.js';\nimport './app.js';\n", 'bytes');
if (/[^\x00-\x7f]/.test(appScript)) throw new Error('the page script is not ASCII');
const html = await page(appScript);
writeFileSync(join(OUT, 'din-attention.html'), Buffer.from(html, 'latin1'));
const elementScript = await bundle("import './dist-setup.js';\nimport './dist-styles.js';\nimport './din-attention.js';\n", 'base64');
writeFileSync(join(OUT, 'din-attention.js'), elementScript);

writeFileSync(join(OUT, 'reveal/index.html'), deck('index.html'));
for (const f of ['deck.js', 'deck.css']) copyFileSync(join(ROOT, 'www/examples/reveal', f), join(OUT, 'reveal', f));
const rv = join(ROOT, 'node_modules/reveal.js/dist');
for (const f of ['reveal.js', 'reveal.css', 'reset.css', 'theme/white.css']) copyFileSync(join(rv, f), join(OUT, 'reveal/reveal', f));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [
  ['dist/din-attention.html', statSync(join(OUT, 'din-attention.html')).size],
  ['dist/din-attention.js', statSync(join(OUT, 'din-attention.js')).size],
  ['  of which wasm (LZMA)', compressed.length],
  ['  of which markup (LZMA)', markup.length],
  ['  wasm (raw deflate, for comparison)', deflateRawSync(wasm, { level: 9 }).length],
  ['  wasm uncompressed', wasm.length],
];
console.log('make dist:');
for (const [name, size] of rows) {
  const gz = name.startsWith('dist/') ? `   gzip ${kb(gzipSync(readFileSync(join(ROOT, name))).length)}` : name.endsWith('uncompressed') ? `   gzip ${kb(gzipSync(wasm).length)}` : '';
  console.log(`  ${name.padEnd(40)} ${kb(size).padStart(10)}${gz}`);
}
const size = rows[0][1];
if (size > LIMIT) {
  console.error(`dist/din-attention.html is ${kb(size)}, over its ${kb(LIMIT)} budget`);
  process.exit(1);
}
console.log(`  one-file page: ${kb(size)} of ${kb(LIMIT)} allowed`);
