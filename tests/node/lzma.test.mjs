// www/lzma.js, the decoder of the one-file builds' inlined wasm: decodes
// what `xz --format=lzma` writes (the settings of tools/dist.mjs and
// others), byte for byte, and refuses damaged input instead of returning
// a short module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { lzmaDecode } = await import(`${root}www/lzma.js`);

function xz(bytes, settings) {
  const r = spawnSync('xz', ['--format=lzma', `--lzma1=${settings}`, '--stdout'], { input: bytes, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `xz failed: ${r.error || r.stderr}`);
  return new Uint8Array(r.stdout);
}

/** The same stream with its true size in the header (as tools/dist.mjs writes it). */
function withSize(c, size) {
  const k = c.slice();
  const v = new DataView(k.buffer);
  v.setUint32(5, size, true);
  v.setUint32(9, 0, true);
  return k;
}

/** A deterministic byte source (xorshift32), so a failure can be repeated. */
function noise(n, seed) {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

const inputs = {
  empty: new Uint8Array(0),
  'one byte': new Uint8Array([0x3c]),
  noise: noise(70000, 2018),
  // Long matches, repeats at several distances and literals after matches.
  repeats: new TextEncoder().encode('abcabcabd'.repeat(5000) + 'x'.repeat(3000) + 'abcabcabd q'.repeat(700)),
  'skewed noise': noise(50000, 7).map((b) => (b < 200 ? b & 3 : b)),
  'widget.js': readFileSync(`${root}www/widget.js`),
  'template.js': readFileSync(`${root}www/template.js`),
};
const settings = ['preset=9e,lc=3,lp=0,pb=0', 'preset=6', 'preset=1,lc=1,lp=2,pb=3', 'preset=9,lc=4,lp=0,pb=4,dict=4KiB'];

for (const [name, bytes] of Object.entries(inputs)) {
  test(`lzmaDecode round trip: ${name} (${bytes.length} bytes)`, () => {
    for (const s of settings) {
      const c = xz(bytes, s);
      // xz's own header (size unknown, end marker) and the dist's (size known).
      assert.deepEqual(lzmaDecode(c), new Uint8Array(bytes), `${name}, ${s}, end marker`);
      assert.deepEqual(lzmaDecode(withSize(c, bytes.length)), new Uint8Array(bytes), `${name}, ${s}, known size`);
    }
  });
}

test('lzmaDecode decodes the built wasm module (pkg/) as tools/dist.mjs packs it', { skip: !safeRead(`${root}pkg/din_viz_bg.wasm`) && 'no pkg/ (make build)' }, () => {
  const wasm = readFileSync(`${root}pkg/din_viz_bg.wasm`);
  const out = lzmaDecode(withSize(xz(wasm, 'preset=9e,lc=3,lp=0,pb=0'), wasm.length));
  assert.equal(out.length, wasm.length);
  assert.ok(Buffer.from(out).equals(wasm), 'the decoded module differs from pkg/din_viz_bg.wasm');
  assert.ok(WebAssembly.validate(out));
});

test('lzmaDecode refuses damaged input with an Error, never a short result', () => {
  const bytes = inputs['widget.js'];
  const c = withSize(xz(bytes, 'preset=6'), bytes.length);
  // Cut anywhere after the header: the decoder runs out of input.
  for (const cut of [14, 100, (c.length / 2) | 0, c.length - 10]) {
    assert.throws(() => lzmaDecode(c.subarray(0, cut)), /damaged/, `cut at ${cut}`);
  }
  // A header claiming more bytes than the stream holds.
  const stream = xz(bytes, 'preset=6');
  assert.throws(() => lzmaDecode(withSize(stream, bytes.length + 5)), /damaged/);
  // Bad properties byte; first range-coder byte not 0.
  const bad = c.slice();
  bad[0] = 225;
  assert.throws(() => lzmaDecode(bad), /damaged \(bad properties\)/);
  const bad2 = c.slice();
  bad2[13] = 1;
  assert.throws(() => lzmaDecode(bad2), /damaged \(bad first byte\)/);
  assert.throws(() => lzmaDecode(new Uint8Array(5)), /damaged \(too short\)/);
});

function safeRead(path) {
  try { return readFileSync(path).length > 0; } catch { return false; }
}
