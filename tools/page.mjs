// make build's last step: the page's script as one file. Bundles
// www/page.js and every module it imports into pkg/page.js (with a linked
// source map, pkg/page.js.map), leaving the wasm glue (../pkg/din_viz.js)
// an import of its own. index.html's app.js loads it with import(); the
// custom element and the one-file builds use www/'s modules as they are.
//
// Whitespace and syntax are minified; names are kept, so a profile or a
// stack trace still says renderRows or paintCharts. The bundle sits in
// pkg/, one level below the root like www/, so the modules' own relative
// URLs ('../pkg/din_viz_bg.wasm', '../www/train-worker.js') stay right.
//
// tests/e2e/harness.mjs refuses to serve a pkg/page.js older than a
// module it holds: run `make page` (or `make build`) after editing one.

import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGET } from './targets.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const r = await build({
  entryPoints: [join(ROOT, 'www/page.js')],
  outfile: join(ROOT, 'pkg/page.js'),
  bundle: true,
  format: 'esm',
  external: ['../pkg/*'],
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  target: TARGET,
  charset: 'utf8',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const out = r.metafile.outputs['pkg/page.js'] || Object.values(r.metafile.outputs).find((o) => o.entryPoint);
const inputs = Object.keys(r.metafile.inputs).length;
console.log(`pkg/page.js: ${inputs} modules of www/, ${(out.bytes / 1000).toFixed(1)} KB`);
