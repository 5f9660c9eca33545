// util.js — small helpers the widget's modules share: the step keys, JSON
// text for the core, whether a key event belongs to a field, an element's
// CSS scale, and writes that skip an unchanged value. No state, no DOM of
// its own, no wasm.
//
// May depend on: nothing.

export const KEYS_NEXT = ['ArrowRight', ' ', 'PageDown'];
export const KEYS_PREV = ['ArrowLeft', 'PageUp'];

/** JSON.stringify that keeps NaN and infinities visible to the validator. */
export function toJson(obj) {
  const text = JSON.stringify(obj, (_, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return v;
  });
  return text === undefined ? 'null' : text;
}

/** Whether a key event belongs to the field it was typed in. */
export function ownsKeys(el) {
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag === 'INPUT') return true;
  return false;
}

/**
 * How much CSS transforms scale `el` on screen (a reveal.js slide, lecture
 * mode's scaled screen): its box on screen over its layout width, or
 * `fallback` while it has no box.
 */
export function cssZoom(el, fallback = 1) {
  const w = el.offsetWidth;
  const r = el.getBoundingClientRect().width;
  return w > 0 && r > 0 ? r / w : fallback;
}

/**
 * Sets `el[prop] = value` only if it differs (`el` an element, or its
 * `dataset` or `style`). Every write, even of the value
 * already there, is a DOM mutation that costs style (and, for text, layout)
 * work in the next frame; the sync functions run on every edit of q.
 */
export function put(el, prop, value) {
  if (el[prop] !== value) el[prop] = value;
}

/** Sets attribute `name` to `value` only if it differs (see put). */
export function putAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}
