// LZMA decoder for the one-file builds (make dist): the inlined wasm module
// is compressed with LZMA ("xz --format=lzma", the .lzma header followed by
// the range-coded stream), about 19% smaller than raw deflate for this
// module; browsers have no LZMA of their own, so the page carries this
// decoder (about 2 KB minified). Written from the format's description
// (Igor Pavlov's LZMA specification, lzma-specification.txt of the LZMA SDK).
//
// Only used by dist-setup.js; the served page fetches the .wasm as is.
//
// May depend on: nothing (no import; tests/node/lzma.test.mjs checks it against xz).

const PROB_INIT = 1024;
const probs = (n) => new Uint16Array(n).fill(PROB_INIT);

/**
 * The range decoder: bits with adaptive probabilities (11-bit, in
 * `Uint16Array`s) and direct bits. Range and code are unsigned 32-bit
 * numbers kept as int32 in an `Int32Array` (no boxed numbers on the hot
 * path) and compared unsigned by flipping their top bits.
 */
class RangeDecoder {
  constructor(input, at) {
    if (input[at] !== 0) throw new Error('the compressed module is damaged (bad first byte)');
    this.input = input;
    this.at = at + 5;
    // [range, code]
    this.s = new Int32Array([-1, (input[at + 1] << 24) | (input[at + 2] << 16) | (input[at + 3] << 8) | input[at + 4]]);
  }

  /** The next input byte (0 past the end: the caller checks `truncated`). */
  byte() {
    return this.at < this.input.length ? this.input[this.at++] : (this.at++, 0);
  }

  get truncated() { return this.at > this.input.length; }

  bit(p, i) {
    const s = this.s;
    let range = s[0];
    let code = s[1];
    const prob = p[i];
    const bound = Math.imul(range >>> 11, prob);
    let b;
    if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
      range = bound;
      p[i] = prob + ((2048 - prob) >>> 5);
      b = 0;
    } else {
      range = (range - bound) | 0;
      code = (code - bound) | 0;
      p[i] = prob - (prob >>> 5);
      b = 1;
    }
    if ((range >>> 24) === 0) {
      range <<= 8;
      code = (code << 8) | this.byte();
    }
    s[0] = range;
    s[1] = code;
    return b;
  }

  direct(count) {
    const s = this.s;
    let range = s[0];
    let code = s[1];
    let r = 0;
    while (count--) {
      range >>>= 1;
      let b = 0;
      if ((code ^ 0x80000000) >= (range ^ 0x80000000)) { code = (code - range) | 0; b = 1; }
      r = (r << 1) | b;
      if ((range >>> 24) === 0) {
        range <<= 8;
        code = (code << 8) | this.byte();
      }
    }
    s[0] = range;
    s[1] = code;
    return r;
  }

  /** `bits` bits, most significant first, through a binary tree of probabilities from `base`. */
  tree(p, base, bits) {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(p, base + m);
    return m - (1 << bits);
  }

  /** The same, least significant bit first. */
  reverse(p, base, bits) {
    let m = 1;
    let r = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(p, base + m);
      m = (m << 1) | b;
      r |= b << i;
    }
    return r;
  }
}

/**
 * The bytes that `input` (a .lzma file: 13-byte header, then the stream)
 * decodes to. Throws an Error on a malformed or truncated stream.
 *
 * @param {Uint8Array} input
 * @returns {Uint8Array}
 */
export function lzmaDecode(input) {
  const fail = (why) => { throw new Error(`the compressed module is damaged (${why})`); };
  if (input.length < 18) fail('too short');
  let props = input[0];
  if (props >= 9 * 5 * 5) fail('bad properties');
  const lc = props % 9;
  props = (props / 9) | 0;
  const lp = props % 5;
  const pb = (props / 5) | 0;
  const sizeLo = (input[5] | input[6] << 8 | input[7] << 16 | input[8] << 24) >>> 0;
  const sizeHi = (input[9] | input[10] << 8 | input[11] << 16 | input[12] << 24) >>> 0;
  // An unknown size (all ones) means the stream ends with its end marker.
  const known = !(sizeLo === 0xffffffff && sizeHi === 0xffffffff);
  if (known && sizeHi !== 0) fail('too large');
  let out = new Uint8Array(known ? sizeLo : Math.max(1 << 16, input.length * 4));
  let n = 0;

  const rc = new RangeDecoder(input, 13);
  const bit = (p, i) => rc.bit(p, i);
  const tree = (p, base, bits) => rc.tree(p, base, bits);
  const reverse = (p, base, bits) => rc.reverse(p, base, bits);
  const direct = (count) => rc.direct(count);

  // ---------------------------------------------------------- the model
  const literal = probs(0x300 << (lc + lp));
  const isMatch = probs(12 << 4);
  const isRep = probs(12);
  const isRepG0 = probs(12);
  const isRepG1 = probs(12);
  const isRepG2 = probs(12);
  const isRep0Long = probs(12 << 4);
  const slot = probs(4 << 6);
  const special = probs(114);
  const align = probs(16);
  // Length coders: choice, choice 2, then 16 low trees (8 symbols each), 16 mid trees, one high tree (256).
  const lenCoder = () => probs(2 + 16 * 8 + 16 * 8 + 256);
  const matchLen = lenCoder();
  const repLen = lenCoder();
  /** A match length minus 2 (0 to 271). */
  const length = (p, posState) => {
    if (bit(p, 0) === 0) return tree(p, 2 + posState * 8, 3);
    if (bit(p, 1) === 0) return 8 + tree(p, 2 + 128 + posState * 8, 3);
    return 16 + tree(p, 2 + 256, 8);
  };
  /** A match distance minus 1 (0xffffffff: the end marker). */
  const distance = (len) => {
    const s = tree(slot, (len < 3 ? len : 3) << 6, 6);
    if (s < 4) return s;
    const bits = (s >>> 1) - 1;
    const d = ((2 | (s & 1)) << bits) >>> 0;
    if (s < 14) return d + reverse(special, d - s - 1, bits);
    return d + direct(bits - 4) * 16 + reverse(align, 0, 4);
  };

  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  const room = (more) => {
    if (n + more <= out.length) return;
    if (known) fail('longer than its header says');
    const bigger = new Uint8Array(Math.max(out.length * 2, n + more));
    bigger.set(out);
    out = bigger;
  };

  while (!known || n < out.length) {
    if (rc.truncated) fail('truncated');
    const posState = n & pbMask;
    if (bit(isMatch, (state << 4) + posState) === 0) {
      const prev = n > 0 ? out[n - 1] : 0;
      const base = 0x300 * (((n & lpMask) << lc) + (prev >>> (8 - lc)));
      let sym = 1;
      if (state >= 7) {
        // After a match: the byte at rep0 guides the first bits.
        let matchByte = out[n - rep0 - 1];
        while (sym < 0x100) {
          const mb = (matchByte >>> 7) & 1;
          matchByte <<= 1;
          const b = bit(literal, base + ((1 + mb) << 8) + sym);
          sym = (sym << 1) | b;
          if (mb !== b) break;
        }
      }
      while (sym < 0x100) sym = (sym << 1) | bit(literal, base + sym);
      room(1);
      out[n++] = sym & 0xff;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len;
    if (bit(isRep, state) === 0) {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = length(matchLen, posState);
      state = state < 7 ? 7 : 10;
      rep0 = distance(len);
      if (rep0 === 0xffffffff) break;
    } else {
      if (n === 0) fail('repeat before any byte');
      if (bit(isRepG0, state) === 0) {
        if (bit(isRep0Long, (state << 4) + posState) === 0) {
          state = state < 7 ? 9 : 11;
          room(1);
          out[n] = out[n - rep0 - 1];
          n++;
          continue;
        }
      } else {
        let dist;
        if (bit(isRepG1, state) === 0) {
          dist = rep1;
        } else {
          if (bit(isRepG2, state) === 0) {
            dist = rep2;
          } else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = length(repLen, posState);
      state = state < 7 ? 8 : 11;
    }
    if (rep0 >= n) fail('distance beyond the start');
    len += 2;
    room(len);
    for (let from = n - rep0 - 1; len > 0; len--) out[n++] = out[from++];
  }
  if (known && n !== out.length) fail('shorter than its header says');
  return known ? out : out.slice(0, n);
}
