// The wasm package outside a page: Node instantiates it with initSync and
// calls attend(). Checks values against the numpy fixtures, the returned
// types, and that invalid input throws real Error objects with messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { initSync, attend } = await import(`${root}pkg/din_viz.js`);
initSync({ module: readFileSync(`${root}pkg/din_viz_bg.wasm`) });

const maxAbs = (v) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

function assertClose(got, want, what) {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = maxAbs(want);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    assert.ok(err <= 1e-9 * scale || (scale === 0 && got[i] === 0), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

test('attend matches the numpy fixtures for every similarity x normalization', () => {
  const cases = JSON.parse(readFileSync(`${root}tests/fixtures/attention.json`, 'utf8'));
  assert.ok(cases.length >= 20, 'enough fixture cases');
  const pairs = new Set();
  for (const c of cases) {
    const r = attend(new Float64Array(c.query), new Float64Array(c.keys), c.similarity, c.normalization, c.temperature);
    try {
      const alpha = r.alpha();
      assert.ok(alpha instanceof Float64Array, 'alpha() is a Float64Array');
      assert.ok(r.pooled() instanceof Float64Array && r.mean() instanceof Float64Array);
      assertClose(alpha, c.alpha, `${c.name} alpha`);
      assertClose(r.pooled(), c.pooled, `${c.name} pooled`);
      assertClose(r.mean(), c.mean, `${c.name} mean`);
      pairs.add(`${c.similarity}/${c.normalization}`);
    } finally {
      r.free();
    }
  }
  assert.equal(pairs.size, 6, 'all six similarity x normalization pairs covered');
});

test('a hand-worked case: food candidate keeps the food item', () => {
  // q = (1, 0); x1 = (1, 0) food, x2 = (0, 1) cars. dot + none: alpha = (1, 0).
  const r = attend(new Float64Array([1, 0]), new Float64Array([1, 0, 0, 1]), 'dot', 'none', 1);
  assert.deepEqual(Array.from(r.alpha()), [1, 0]);
  assert.deepEqual(Array.from(r.pooled()), [1, 0]);
  assert.deepEqual(Array.from(r.mean()), [0.5, 0.5]);
  assert.equal(r.alphaSum, 1);
  r.free();
});

test('invalid input throws an Error naming the problem, never a panic', () => {
  const cases = [
    [[1, 2], [1, 2, 3, 4, 5, 6, 7], 'dot', 'none', 1, /^keys has 7 numbers, not a multiple of d = 2$/],
    [[], [], 'dot', 'none', 1, /query is empty/],
    [[NaN, 1], [], 'dot', 'none', 1, /query\[0\] is NaN/],
    [[1], [Infinity], 'cosine', 'none', 1, /keys\[0\] is inf/],
    [[1], [1], 'l2', 'none', 1, /unknown similarity "l2"/],
    [[1], [1], 'dot', 'max', 1, /unknown normalization "max"/],
    [[1], [1], 'dot', 'softmax', 0, /temperature is 0/],
    [[1], [1], 'dot', 'softmax', NaN, /temperature is NaN/],
    [[1e200, 1e200], [1e200, 1e200], 'dot', 'none', 1, /too large to represent/],
  ];
  for (const [q, k, s, n, t, re] of cases) {
    let thrown;
    try {
      attend(new Float64Array(q), new Float64Array(k), s, n, t);
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof Error, `${re}: threw an Error object`);
    assert.match(thrown.message, re);
    assert.doesNotMatch(thrown.message, /unreachable|panicked/);
  }
  // The module still works after the errors.
  const r = attend(new Float64Array([1]), new Float64Array([2]), 'dot', 'softmax', 1);
  assert.deepEqual(Array.from(r.alpha()), [1]);
  r.free();
});

test('temperature is ignored without softmax', () => {
  const r = attend(new Float64Array([1]), new Float64Array([3, 4]), 'dot', 'none', -5);
  assert.deepEqual(Array.from(r.alpha()), [3, 4]);
  r.free();
});
