// <din-attention>: the widget as a custom element, for slide decks.
//
//   <script type="module" src="din-attention.js"></script>
//   <din-attention scene="why-din-works" lang="zh" panels="bars,map" step="3"></din-attention>
//
// Attributes use the same keys and values as the page's URL (scene,
// candidate, q, x, similarity, normalization, temperature, activation, weight,
// maxlen, step, lang, theme, font, panels, embed, density, placement, view,
// tab, d, n).
// The element never reads or writes `location`: the deck owns the URL.
// It has a `state` property, the methods of the page's `window.din`, and
// fires `din-change` (detail: the state) whenever its state changes.
// Several elements on one page are independent: one wasm module, separate
// state and canvases, each in its own shadow root.

import { createWidget } from './widget.js';

const KEYS = ['v', 'scene', 'd', 'n', 'candidate', 'q', 'x', 'similarity', 'normalization', 'temperature', 'activation', 'weight',
  'maxlen', 'step', 'lang', 'theme', 'font', 'panels', 'embed', 'density', 'placement', 'view', 'tab'];

/** One attribute value in URL form: only the characters that would end a parameter are escaped. */
const escapeValue = (v) => v.replace(/%/g, '%25').replace(/&/g, '%26').replace(/#/g, '%23');

export class DinAttention extends HTMLElement {
  static get observedAttributes() { return KEYS; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.widget = null;
    this.pending = null;
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
    // A failed start is shown in the element; `ready` still rejects for
    // whoever awaits it, but is never an unhandled rejection.
    this.ready.catch(() => {});
  }

  params() {
    return KEYS.filter((k) => this.hasAttribute(k)).map((k) => `${k}=${escapeValue(this.getAttribute(k))}`).join('&');
  }

  async connectedCallback() {
    if (this.widget || this.starting) return;
    this.starting = true;
    try {
      const api = await createWidget(this.shadowRoot, {
        // Embedded by default (no page chrome); embed="0" shows the toolbar.
        params: `embed=1&${this.params()}`,
        host: this,
        onChange: (w, { burst } = {}) => this.changed(burst),
      });
      this.widget = api;
      for (const k of Object.keys(api)) if (!(k in this) && k !== '_widget' && k !== 'root') this[k] = api[k];
      this.setAttribute('data-ready', 'true');
      this.resolveReady(api);
      if (this.pending) { const p = this.pending; this.pending = null; api.applyParams(p); }
    } catch (e) {
      const p = document.createElement('p');
      p.setAttribute('role', 'alert');
      const en = e && e.message ? e.message : String(e);
      p.textContent = `The DIN attention widget could not start: ${en}${e && e.zh ? ` · DIN 注意力组件无法启动：${e.zh}` : ''}`;
      this.shadowRoot.append(p);
      this.rejectReady(e);
    }
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    const text = value === null ? '' : `${name}=${escapeValue(value)}`;
    if (!text) return;
    if (this.widget) this.widget.applyParams(text);
    else this.pending = this.pending ? `${this.pending}&${text}` : text;
  }

  changed(burst) {
    clearTimeout(this.eventTimer);
    const fire = () => {
      if (this.widget) this.dispatchEvent(new CustomEvent('din-change', { detail: this.widget.state(), bubbles: true, composed: true }));
    };
    // One event per burst of edits (a drag fires many), once it pauses; any other change at once.
    if (burst) this.eventTimer = setTimeout(fire, 50);
    else fire();
  }

  /** The state on screen (same object as window.din.state() on the page). */
  get state() { return this.widget ? this.widget.state() : null; }
  set state(obj) {
    if (this.widget) this.widget.setState(obj);
    else this.ready.then((api) => api.setState(obj)).catch((e) => this.widget?.say(e.message, 'error'));
  }
}

if (!customElements.get('din-attention')) customElements.define('din-attention', DinAttention);
