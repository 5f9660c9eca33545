// The web shell does no maths (ARCHITECTURE.md, "Web shell — www/"): every
// number the page shows, every rule about numbers (which settings apply, what
// is a valid input, how a number is written) comes from the Rust core. This
// reads the shell's sources (www/*.js; not www/examples/, which stand for the
// pages that embed the widget) and fails on what would be maths on data:
//
// - number formatting: toFixed, toPrecision, toExponential, toLocaleString;
// - Math.* other than the layout helpers round, ceil, floor, max, min and
//   hypot (pixel sizes, devicePixelRatio, a tap's distance on screen);
// - reductions over arrays (reduce, reduceRight) and the ** operator;
// - number checks that are validation: Number.isInteger, Number.isSafeInteger,
//   parseFloat / parseInt outside layout.
//
// A use that is layout (or not maths at all) goes in ALLOWED with its
// reason; an entry that matches nothing any more fails too, so the list
// cannot outlive its reason.
//
// Run: node --test tests/node/www-maths.test.mjs (part of `make test-node`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = join(dirname(fileURLToPath(import.meta.url)), '../../www');

/** What counts as maths on data, each with the words of a failure. */
const RULES = [
  [/\.(toFixed|toPrecision|toExponential)\s*\(/, 'formats a number (the Rust formatter writes every number)'],
  [/\.toLocaleString\s*\(/, 'formats a number (the Rust formatter writes every number)'],
  [/\bMath\.(?!(round|ceil|floor|max|min|hypot)\b)[A-Za-z0-9_]+/, 'uses Math beyond the layout helpers round, ceil, floor, max, min, hypot'],
  [/\.reduce(Right)?\s*\(/, 'reduces an array (sums, norms and means are the core\'s)'],
  [/\*\*/, 'raises to a power'],
  [/\bNumber\.is(Safe)?Integer\s*\(/, 'validates a number (validation is the core\'s)'],
  [/\bparse(Float|Int)\s*\(/, 'parses a number (the core parses what the user types)'],
];

/**
 * Uses that are not maths on data: [file, the line's text (a substring), why].
 * Every entry must match exactly one line.
 */
const ALLOWED = [
  ['storage.js', 'Math.random().toString(36)', 'a random key naming this tab\'s record in IndexedDB, not a number shown'],
  ['canvases.js', 'Math.abs(r - last) > 1e-3', 'layout: whether the pixel ratio (devicePixelRatio × CSS zoom) changed'],
  ['caption.js', 'parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)', 'layout: the compact caption box\'s height inside its CSS padding (computed style in px)'],
  ['lzma.js', 'Math.imul(range >>> 11, prob)', 'the LZMA range decoder\'s 32-bit product (decompressing the inlined wasm module\'s bytes, not a number shown)'],
];

/** Comments are prose: blanks them (keeping the lines) so that a sentence about maths does not count. */
function stripComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|\s)\/\/.*$/gm, '$1');
}

function sources() {
  return readdirSync(WWW).filter((f) => f.endsWith('.js')).sort();
}

test('www/ does no maths on data (formatting, Math beyond layout, reductions, validation)', () => {
  const problems = [];
  const used = new Map(ALLOWED.map((a) => [a, 0]));
  for (const file of sources()) {
    const raw = readFileSync(join(WWW, file), 'utf8');
    const lines = raw.split('\n');
    const bare = stripComments(raw).split('\n');
    lines.forEach((line, i) => {
      const text = bare[i];
      for (const [re, why] of RULES) {
        if (!re.test(text)) continue;
        const allowed = ALLOWED.find(([f, s]) => f === file && line.includes(s));
        if (allowed) { used.set(allowed, used.get(allowed) + 1); continue; }
        problems.push(`www/${file}:${i + 1}: ${why}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(problems, [], `maths in www/ (move it to the Rust core, or allow-list layout with its reason):\n${problems.join('\n')}`);
  for (const [[file, s, why], n] of used) {
    assert.ok(n >= 1, `the allow-list entry for www/${file} "${s}" (${why}) matches no line any more: remove it`);
  }
});

test('the maths check finds what it is for (it can fail)', () => {
  const hits = (line) => RULES.filter(([re]) => re.test(stripComments(line))).length;
  for (const bad of [
    'const t = v.toFixed(3);',
    'x.toExponential(2)',
    'const n = Math.abs(v);',
    'Math.sqrt(s)',
    'const sum = alpha.reduce((a, b) => a + b, 0);',
    'const sq = v ** 2;',
    'if (!Number.isInteger(n)) throw new Error("bad");',
    'const t = parseFloat(text);',
  ]) assert.ok(hits(bad) > 0, `not caught: ${bad}`);
  for (const fine of [
    'const w = Math.max(1, Math.round(r.width * dpr));',
    'const moved = Math.hypot(dx, dy);',
    '// toFixed(3) in a comment',
    '/** Math.abs(v) ** 2 in a doc comment */',
    'const n = Number(ui.unitItem.value);',
  ]) assert.equal(hits(fine), 0, `caught by mistake: ${fine}`);
});

test('every www module says its job and what it may depend on', () => {
  for (const file of sources()) {
    const head = readFileSync(join(WWW, file), 'utf8').split('\n').slice(0, 30).join('\n');
    assert.match(head, /^\/\/ /, `www/${file} starts with a header comment`);
    if (!['template.js', 'dist-setup.js', 'din-attention.js'].includes(file)) {
      assert.match(head, /May depend on:/, `www/${file}'s header says what it may depend on`);
    }
  }
});

test('no www module is over 600 lines without a reason at its top', () => {
  for (const file of sources()) {
    const text = readFileSync(join(WWW, file), 'utf8');
    const n = text.split('\n').length;
    if (n > 600) assert.match(text.split('\n').slice(0, 30).join('\n'), /over 600 lines because/i, `www/${file} has ${n} lines`);
  }
});
