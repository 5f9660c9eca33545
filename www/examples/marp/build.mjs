// Builds the Marp example deck (deck.md -> deck.html) offline with the Marp
// CLI from npm, and gives the page a Content-Security-Policy: Marp writes
// no policy of its own and cannot be told to put one in <head>, so this
// script adds a <meta> there, with the hash of each inline script Marp
// writes (its slide viewer), so that nothing else can run.
//
//   node www/examples/marp/build.mjs            (from the repository root)
//
// The policy: scripts from the same origin, the two inline viewer scripts
// by hash, and wasm compilation for the widget; styles from the same
// origin and inline (Marp's themes are inline); frames, images and fetches
// from the same origin only; no plugins, no <base>, no form targets.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const out = join(HERE, 'deck.html');

const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'marp'), ['--html', join(HERE, 'deck.md'), '-o', out], {
  cwd: ROOT,
  encoding: 'utf8',
  // Offline: Marp never needs the network for the default theme; a proxy
  // that goes nowhere makes sure of it.
  env: { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' },
});
if (r.status !== 0) {
  process.stderr.write(r.stderr || r.stdout || 'marp failed\n');
  process.exit(1);
}

let html = readFileSync(out, 'utf8');
const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)]
  .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
if (!html.includes('<head>')) {
  process.stderr.write('deck.html has no <head>: cannot add the Content-Security-Policy\n');
  process.exit(1);
}
html = html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${policy}">`);
writeFileSync(out, html);
console.log(`${out}: ${hashes.length} inline scripts allowed by hash`);
