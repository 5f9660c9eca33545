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
//
// Which attributes are URL keys is the core's list (urlstate::KEYS, through
// coreLists()), known once the wasm module is loaded: the element watches
// its attributes with a MutationObserver and, until the widget has started,
// keeps the changes to apply them then.
//
// May depend on: widget.js (createWidget, ready, coreLists).

import { createWidget, ready, coreLists } from './widget.js';

/** The link's keys, which are the element's attributes (after ready()). */
const urlKeys = () => coreLists().url;

/** One attribute value in URL form: only the characters that would end a parameter are escaped. */
const escapeValue = (v) => v.replace(/%/g, '%25').replace(/&/g, '%26').replace(/#/g, '%23');

export class DinAttention extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.widget = null;
    // Attributes changed before the widget started: [name, value] in order.
    this.pending = [];
    // Every attribute change, in the order made; what is not a URL key is ignored.
    this.observer = new MutationObserver((records) => this.changes(records));
    this.observer.observe(this, { attributes: true, attributeOldValue: true });
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
    // A failed start is shown in the element; `ready` still rejects for
    // whoever awaits it, but is never an unhandled rejection.
    this.ready.catch(() => {});
  }

  params() {
    return urlKeys().filter((k) => this.hasAttribute(k)).map((k) => `${k}=${escapeValue(this.getAttribute(k))}`).join('&');
  }

  async connectedCallback() {
    if (this.widget || this.starting) return;
    this.starting = true;
    try {
      await ready();
      // The attributes as they are now are the start (params() below); later changes apply after it.
      this.observer.takeRecords();
      this.pending = [];
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
      const changes = this.pending;
      this.pending = [];
      const text = changes.filter(([name]) => urlKeys().includes(name)).map(([name, value]) => `${name}=${escapeValue(value)}`).join('&');
      if (text) api.applyParams(text);
    } catch (e) {
      const p = document.createElement('p');
      p.setAttribute('role', 'alert');
      const en = e && e.message ? e.message : String(e);
      p.textContent = `The DIN attention widget could not start: ${en}${e && e.zh ? ` · DIN 注意力组件无法启动：${e.zh}` : ''}`;
      this.shadowRoot.append(p);
      this.rejectReady(e);
    }
  }

  changes(records) {
    for (const r of records) this.attributeChanged(r.attributeName, r.oldValue, this.getAttribute(r.attributeName));
  }

  /** An attribute changed: a URL key applies at once (or once the widget has started); a removed one is ignored. */
  attributeChanged(name, old, value) {
    if (old === value || value === null) return;
    if (!this.widget) { this.pending.push([name, value]); return; }
    if (urlKeys().includes(name)) this.widget.applyParams(`${name}=${escapeValue(value)}`);
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
