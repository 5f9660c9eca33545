// util.js — small helpers the widget's modules share: the step keys, JSON
// text for the core, and whether a key event belongs to a field. No state,
// no DOM of its own, no wasm.
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
