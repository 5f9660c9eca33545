// keys.js — the keyboard: undo/redo and the step keys while the widget has
// focus (listeners on the widget, never on window), and the keys it does not
// use posted to the embedding page (iframe) by postMessage, to that page's
// origin only when it is known.
//
// May depend on: util.js, wasm.js (poisoned); the widget core (this.app,
// guard, view, undo, redo), steps.js (stepBy).

import { KEYS_NEXT, KEYS_PREV, ownsKeys } from './util.js';
import { poisoned } from './wasm.js';

export const Keys = (Base) => class extends Base {
  // ------------------------------------------------------------ keys

  /**
   * Keys the widget did not use: in an iframe they go to the parent page
   * by postMessage (documented in README), so a slide deck still gets
   * them; in a page or an element they simply bubble on.
   */
  passOn(e) {
    if (window.parent === window || !this.view().embed) return;
    const action = KEYS_NEXT.includes(e.key) ? 'next' : KEYS_PREV.includes(e.key) ? 'prev' : null;
    window.parent.postMessage({
      type: 'din-attention:key', key: e.key, code: e.code, action,
      altKey: e.altKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey,
    }, embedderOrigin());
  }

  /** Step keys anywhere in the widget (but in fields and on the map) while stepping. */
  stepKey(e) {
    const forward = KEYS_NEXT.includes(e.key);
    const back = KEYS_PREV.includes(e.key);
    if (!forward && !back) return false;
    if (this.guard(() => this.app.step()) < 0) return false;
    return this.stepBy(forward);
  }

  wireKeys() {
    const { ui, shell } = this;
    // Keys reach the widget only while it has focus (these listeners are
    // on the widget, never on window). Handled keys stop here; the rest go on.
    shell.addEventListener('keydown', (e) => {
      if (this.broken || poisoned) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && (e.key === 'z' || e.key === 'Z' || e.key === 'y') && !ownsKeys(e.target)) {
        if (e.key === 'y' || e.shiftKey) this.redo(); else this.undo();
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      if (!e.defaultPrevented && !ownsKeys(e.target) && e.target !== ui.map && !mod && !e.altKey) {
        const onButton = e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter');
        if (!onButton && this.stepKey(e)) e.preventDefault();
      }
      if (e.defaultPrevented) { e.stopPropagation(); return; }
      if (ownsKeys(e.target)) return;
      if (e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return;
      this.passOn(e);
    });
  }
};

/**
 * The origin of the page that embeds this frame, so that keys are posted
 * to it only: `location.ancestorOrigins` (Chromium, Safari) or the
 * referrer (Firefox). When it is unknown or opaque (a file:// deck, a
 * sandboxed frame: origin "null", which postMessage cannot target) the
 * message goes to any origin; it carries only the key that was pressed.
 */
function embedderOrigin() {
  let origin = window.location.ancestorOrigins?.[0];
  if (!origin && document.referrer) {
    try { origin = new URL(document.referrer).origin; } catch { origin = undefined; }
  }
  return origin && origin !== 'null' ? origin : '*';
}
