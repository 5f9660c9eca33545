// The widget's markup: one static string, the same for the page, the
// <din-attention> element (inside its shadow root) and the one-file build.
// It holds no user data: every label and number is put in later as text.
// Visible words come from the Rust string table through data-i18n keys.
// The one-file builds (tools/dist.mjs) ship it LZMA-compressed beside the
// wasm instead of as script text; dist-setup.js decodes it and hands it to
// setTemplate before any widget starts.

export let TEMPLATE = `
<div class="din-toolbar" data-chrome role="toolbar" aria-label="Tools" data-i18n-aria="tools-aria">
  <button id="lang" type="button" class="lang" data-i18n="lang-toggle" data-i18n-aria="lang-toggle-aria">中文</button>
  <button id="view-toggle" type="button" class="view-toggle" aria-pressed="false" data-i18n="lecture-mode" data-i18n-title="lecture-mode-title">Lecture mode</button>
  <label class="tool"><span data-i18n="theme">Theme</span>
    <select id="theme">
      <option value="light" data-i18n="theme-light">light</option>
      <option value="dark" data-i18n="theme-dark">dark</option>
      <option value="contrast" data-i18n="theme-contrast">projector (high contrast)</option>
    </select>
  </label>
  <label class="tool"><span data-i18n="font">Text size</span>
    <select id="font">
      <option value="0.75">75%</option>
      <option value="1">100%</option>
      <option value="1.25">125%</option>
      <option value="1.5">150%</option>
      <option value="2">200%</option>
    </select>
  </label>
  <span class="tool-group">
    <button id="undo" type="button" data-i18n="undo" data-i18n-title="undo-title">↶ undo</button>
    <button id="redo" type="button" data-i18n="redo" data-i18n-title="redo-title">↷ redo</button>
    <button id="reset" type="button" data-i18n="reset" data-i18n-title="reset-title">reset scene</button>
  </span>
  <span class="tool-group">
    <button id="copy-link" type="button" data-i18n="copy-link">copy link</button>
    <button id="export-toggle" type="button" aria-expanded="false" aria-controls="export-panel" data-i18n="export">export…</button>
    <button id="import-toggle" type="button" aria-expanded="false" aria-controls="import-panel" data-i18n="import">import…</button>
  </span>
</div>

<div id="link-note" class="link-note" role="status" hidden>
  <span id="link-note-text"></span>
  <button id="link-note-json" type="button" data-i18n="export-json">JSON scene</button>
</div>

<section id="export-panel" class="tray" data-chrome hidden aria-labelledby="export-title">
  <h2 id="export-title" data-i18n="export-title">Export</h2>
  <div class="row">
    <label class="tool"><span data-i18n="export-what">What</span>
      <select id="export-panel-select">
        <option value="all" data-i18n="export-all">whole widget (visible charts)</option>
        <option value="bars" data-i18n="panel-bars">alpha bars</option>
        <option value="map" data-i18n="panel-map">2-D map</option>
        <option value="heatmap" data-i18n="panel-heatmap">heatmap</option>
        <option value="steps" data-i18n="panel-steps">step-through</option>
        <option value="unit" data-i18n="panel-unit">inside the unit</option>
        <option value="qkv" data-i18n="panel-qkv">query, keys, values</option>
        <option value="towers" data-i18n="panel-towers">two towers vs ranking</option>
      </select>
    </label>
    <button id="export-png" type="button" data-i18n="export-png">PNG 1920×1080</button>
    <button id="export-png2" type="button" data-i18n="export-png2">PNG 3840×2160 (2×)</button>
    <button id="export-svg" type="button" data-i18n="export-svg">SVG</button>
  </div>
  <div class="row">
    <button id="export-json" type="button" data-i18n="export-json">JSON scene</button>
    <button id="export-csv" type="button" data-i18n="export-csv">CSV of alpha, pooled, mean</button>
    <button id="export-items" type="button" data-i18n="export-items">CSV of the LastN items</button>
  </div>
  <p class="note" data-i18n="export-note">SVG is drawn by the same code as the canvas; PNG is rendered at slide size, not a screenshot.</p>
</section>

<section id="import-panel" class="tray" data-chrome hidden aria-labelledby="import-title">
  <h2 id="import-title" data-i18n="import-title">Import LastN items or a scene</h2>
  <p class="note" data-i18n="import-help">Paste or drop CSV/TSV (one item per row: label, then d numbers), a JSON scene, or the Embedding Projector's vectors.tsv and metadata.tsv (choose or drop both files).</p>
  <textarea id="import-text" rows="6" spellcheck="false" aria-label="text to import" data-i18n-aria="import-text-aria" placeholder="ramen,0.9,0.1,…"></textarea>
  <div class="row">
    <button id="import-go" type="button" data-i18n="import-go">import the text</button>
    <label class="file"><span data-i18n="import-file">choose files…</span><input id="import-file" type="file" multiple accept=".csv,.tsv,.txt,.json,text/csv,text/tab-separated-values,application/json,text/plain"></label>
  </div>
</section>

<div id="message" class="message" role="status" aria-live="polite"></div>

<div class="din-body">
  <div class="panel scene-band" data-part="scene">
    <label class="row"><span data-i18n="scene">Scene</span>
      <select id="scene"></select>
    </label>
    <p id="caption" class="caption"></p>
    <button id="caption-more" type="button" class="caption-more" aria-expanded="false" aria-controls="caption" data-i18n="caption-more" data-i18n-title="caption-more-title">more ▾</button>
  </div>

  <section class="controls" data-panel="controls" aria-label="Inputs" data-i18n-aria="inputs-aria">
    <div class="panel" data-part="candidate">
      <h2 data-i18n="candidate-panel">Candidate q</h2>
      <label class="row"><span data-i18n="pick-candidate">Pick a candidate</span>
        <select id="candidate"></select>
      </label>
      <div id="query" class="query" role="group" aria-label="q"></div>
    </div>

    <div class="panel" data-part="settings" id="settings-panel">
      <button id="settings-toggle" type="button" class="settings-toggle" aria-expanded="false" aria-controls="settings-panel"><span data-i18n="settings">Attention settings</span></button>
      <h2 data-i18n="settings">Attention settings</h2>
      <label class="row"><span data-i18n="similarity">Similarity</span>
        <select id="similarity">
          <option value="dot" data-i18n="sim-dot">dot: q · x</option>
          <option value="cosine" data-i18n="sim-cosine">cosine: q · x / (|q| |x|)</option>
          <option value="scaled_dot" data-i18n="sim-scaled">scaled dot: q · x / √d</option>
          <option value="unit" data-i18n="sim-unit">paper: activation unit</option>
          <option value="authors" data-i18n="sim-authors">authors' code: unit, masked, ÷√d, softmax</option>
        </select>
      </label>
      <p id="unit-note" class="note"></p>
      <label class="row" id="activation-row"><span data-i18n="activation">Activation</span>
        <select id="activation">
          <option value="dice">Dice</option>
          <option value="prelu">PReLU</option>
          <option value="sigmoid">sigmoid</option>
        </select>
      </label>
      <label class="row" id="weight-row"><span data-i18n="weight">Weight without softmax</span>
        <select id="weight">
          <option value="z" data-i18n="weight-z">paper: α = z</option>
          <option value="sigmoid" data-i18n="weight-sigmoid">this project's variant: α = sigmoid(z)</option>
        </select>
      </label>
      <p id="weight-note" class="note"></p>
      <div class="row" id="maxlen-row">
        <label for="maxlen" data-i18n="maxlen">Max length (padded)</label>
        <input id="maxlen" type="text" inputmode="numeric" autocomplete="off" aria-label="max length" data-i18n-aria="maxlen-aria">
        <span id="padded" class="note"></span>
      </div>
      <label class="row"><span data-i18n="normalization">Normalization</span>
        <select id="normalization">
          <option value="softmax" data-i18n="norm-softmax">softmax over items</option>
          <option value="none" id="norm-none">none</option>
        </select>
      </label>
      <div class="row temp">
        <label for="temperature-text" data-i18n="temperature">Temperature T</label>
        <input id="temperature-range" type="range" min="0.05" max="5" step="0.05" aria-label="T">
        <input id="temperature-text" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" aria-label="T">
      </div>
      <p id="temp-note" class="note"></p>
    </div>

    <div class="panel" data-part="lastn">
      <h2 data-i18n="lastn">LastN items</h2>
      <div class="row dim">
        <span data-i18n="dim">Vector length d</span>
        <button id="dim-minus" type="button" data-i18n-aria="dim-minus" aria-label="remove the last component">−</button>
        <input id="dim" type="text" inputmode="numeric" aria-label="d" autocomplete="off">
        <button id="dim-plus" type="button" data-i18n-aria="dim-plus" aria-label="add a component">+</button>
      </div>
      <div class="table-wrap">
        <table id="items">
          <thead><tr id="items-head"></tr></thead>
          <tbody id="items-body"></tbody>
        </table>
      </div>
      <p id="rounded-note" class="note" data-i18n="rounded-note" hidden>Numbers underlined with dots are shown rounded: click one to see and edit its exact value.</p>
      <p id="colors-note" class="note" data-i18n="colors-repeat" hidden>More items than colours: an item's colour stays with it, and colours repeat every 12 (colour id k is drawn in colour k mod 12).</p>
      <div class="row gen">
        <button id="add-item" type="button" class="add" data-i18n="add-item">+ add item</button>
        <span class="gen-group">
          <label for="gen-n" data-i18n="gen-n">generate n =</label>
          <input id="gen-n" type="text" inputmode="numeric" autocomplete="off" data-i18n-aria="gen-n-aria" aria-label="number of items to generate">
          <label for="gen-d">d =</label>
          <input id="gen-d" type="text" inputmode="numeric" autocomplete="off" data-i18n-aria="gen-d-aria" aria-label="dimension of the generated items">
          <button id="generate" type="button" data-i18n="generate">generate</button>
        </span>
      </div>
      <p class="note" data-i18n="gen-note">Generate a long LastN (up to 10,000 items, d up to 256) of clustered, seeded vectors: long histories as in SIM.</p>
    </div>
  </section>

  <section class="charts" aria-label="Results" data-i18n-aria="results-aria">
    <div id="lecture-tabs" class="lecture-tabs" role="group" aria-label="Lecture panels" data-i18n-aria="tabs-aria" hidden></div>
    <div class="readout" data-panel="readout">
      <h2 class="readout-title" data-i18n="readout-title">pooled vs mean</h2>
      <div><span class="k">Σα</span><span id="alpha-sum" class="v"></span><span class="h" data-i18n="alpha-sum-h">sum of weights</span></div>
      <div><span class="k" data-i18n="pooled-k">|pooled|</span><span id="pooled-norm" class="v pooled"></span><span class="h" data-i18n="pooled-h">weighted sum</span></div>
      <div><span class="k" data-i18n="mean-k">|mean|</span><span id="mean-norm" class="v mean"></span><span class="h" data-i18n="mean-h">plain average</span></div>
      <p id="readout-note" class="note readout-note" hidden></p>
      <div id="shares" class="shares" role="table" aria-label="weight per interest" data-i18n-aria="shares-aria" hidden></div>
    </div>
    <figure class="chart" data-panel="bars">
      <canvas id="bars" tabindex="0" role="img" aria-describedby="alt-alpha" data-i18n-aria="bars-aria" aria-label="bar chart of the attention weights alpha"></canvas>
      <p class="note" data-i18n="tip-keys">Point at, focus or tap a bar, a map point or a row to see how its α is computed.</p>
    </figure>
    <figure class="chart" data-panel="map">
      <canvas id="map" tabindex="0" role="img" aria-describedby="alt-map alt-alpha" data-i18n-aria="map-aria" aria-label="2-D map of the vectors; drag q or an item; arrow keys move q"></canvas>
      <label class="density-toggle"><input id="density" type="checkbox" checked> <span data-i18n="density">catalogue of candidates, coloured by what DIN gives each for this user (paper Fig. 6)</span></label>
    </figure>
    <figure class="chart" data-panel="heatmap">
      <canvas id="heatmap" role="img" aria-describedby="alt-vectors" data-i18n-aria="heatmap-aria" aria-label="heatmap of the vectors x, q, pooled and mean"></canvas>
    </figure>
    <section class="chart steps" data-panel="steps" aria-labelledby="steps-title">
      <div class="panel-head">
        <h2 id="steps-title" data-i18n="steps-panel">Step through the lecture</h2>
        <div class="step-buttons">
          <button id="steps-toggle" type="button" data-i18n="steps-on">Start step-through</button>
          <button id="step-prev" type="button" data-i18n="prev">◀ previous</button>
          <span id="step-count" class="step-count"></span>
          <button id="step-next" type="button" data-i18n="next">next ▶</button>
        </div>
      </div>
      <p id="steps-setting" class="note steps-setting" hidden><span id="steps-setting-text"></span> <button id="steps-setting-switch" type="button" hidden></button></p>
      <canvas id="steps" tabindex="0" role="img" aria-describedby="alt-step" aria-label="step-through" data-i18n-aria="steps-aria"></canvas>
      <p class="note" data-i18n="steps-help">With the panel focused: → Space PageDown for next, ← PageUp for previous.</p>
    </section>
    <section class="chart" data-panel="unit" aria-labelledby="unit-title">
      <div class="panel-head">
        <h2 id="unit-title" data-i18n="unit-panel">Inside the activation unit</h2>
        <label class="row"><span data-i18n="unit-item">LastN item</span> <select id="unit-item"></select></label>
      </div>
      <canvas id="unit" role="img" data-i18n-aria="unit-aria" aria-label="inside the activation unit"></canvas>
    </section>
    <section class="chart" data-panel="qkv" aria-labelledby="qkv-title">
      <div class="panel-head"><h2 id="qkv-title" data-i18n="qkv-panel">Attention view: query, keys, values</h2></div>
      <canvas id="qkv" tabindex="0" role="img" aria-describedby="alt-alpha" aria-label="query key value" data-i18n-aria="qkv-aria"></canvas>
    </section>
    <section class="chart" data-panel="towers" aria-labelledby="towers-title">
      <div class="panel-head">
        <h2 id="towers-title" data-i18n="towers-panel">Where can LastN go? Two-tower model vs ranking model</h2>
        <div class="placement" role="radiogroup">
          <label><input type="radio" name="placement" value="user-tower"> <span data-i18n="place-user">LastN in the user tower</span></label>
          <label><input type="radio" name="placement" value="ranking" checked> <span data-i18n="place-ranking">LastN in the ranking model</span></label>
        </div>
      </div>
      <canvas id="towers" role="img" aria-label="two-tower and ranking models" data-i18n-aria="towers-aria"></canvas>
    </section>
  </section>
</div>

<div id="tip" class="tip" role="tooltip" hidden><b id="tip-title"></b><ol id="tip-lines"></ol></div>

<div class="visually-hidden" id="alt">
  <p id="alt-step"></p>
  <p id="alt-map"></p>
  <table id="alt-alpha"><caption></caption><thead></thead><tbody></tbody></table>
  <table id="alt-vectors"><caption></caption><thead></thead><tbody></tbody></table>
</div>

<div id="fatal" class="fatal" role="alertdialog" aria-labelledby="fatal-title" hidden>
  <div class="fatal-box">
    <h2 id="fatal-title" data-i18n="fatal-title">Something went wrong inside the visualiser</h2>
    <p data-i18n="fatal-text">This is a bug, not something you did. The message below helps us fix it.</p>
    <pre id="fatal-message"></pre>
    <p id="fatal-note" hidden></p>
    <div class="row">
      <button id="fatal-restore" type="button" data-i18n="restore" hidden>Restore the last good scene</button>
      <button id="fatal-reload" type="button" data-i18n="reload">Reload the page</button>
    </div>
  </div>
</div>
`;

/** Replaces the markup (the one-file builds' decoded copy; see above). */
export function setTemplate(text) { TEMPLATE = text; }
