//! The App's exports that only convert at the boundary: each calls the
//! pure [`din_core::session::Session`] (the state, its edits and policy,
//! the read-models) and turns its `Message` into a JS `Error` with a
//! `code` ([`App::fail`]). Nothing here draws.
//!
//! Over 600 lines because it is the whole JS API of the session, one
//! documented export per method (the docs become the package's `.d.ts`);
//! each body is a line or two, and splitting the list by topic would only
//! scatter the API.

use super::App;
use din_core::errors::TextSource;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl App {
    /// The scene as JSON: `{scene, query, items: [{label, vector}], similarity, normalization, temperature}`.
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self) -> String {
        self.s.state_json()
    }

    /// The attention as JSON: `{alpha, pooled, mean, scores, alphaSum, pooledNorm, meanNorm}`.
    #[wasm_bindgen(js_name = resultJson)]
    pub fn result_json(&self) -> String {
        self.s.result_json()
    }

    /// Applies a (partial) state given as JSON text, or throws and changes nothing.
    #[wasm_bindgen(js_name = setStateJson)]
    pub fn set_state_json(&mut self, text: &str) -> Result<(), JsValue> {
        self.s.set_state_json(text).map_err(|e| self.fail(e))
    }

    /// Sets `q[k]` from typed text (parsed and validated in Rust).
    #[wasm_bindgen(js_name = setQueryText)]
    pub fn set_query_text(&mut self, k: usize, text: &str) -> Result<(), JsValue> {
        self.s.set_query_text(k, text).map_err(|e| self.fail(e))
    }

    /// Sets `q[k]` to a number (from a slider).
    #[wasm_bindgen(js_name = setQueryValue)]
    pub fn set_query_value(&mut self, k: usize, value: f64) -> Result<(), JsValue> {
        self.s.set_query_value(k, value).map_err(|e| self.fail(e))
    }

    /// Sets component `k` of item `i` from typed text.
    #[wasm_bindgen(js_name = setItemText)]
    pub fn set_item_text(&mut self, i: usize, k: usize, text: &str) -> Result<(), JsValue> {
        self.s.set_item_text(i, k, text).map_err(|e| self.fail(e))
    }

    /// Renames item `i`. The label follows the rules of every channel:
    /// at most 200 characters, one line of text, no lone surrogate.
    #[wasm_bindgen(js_name = setLabel)]
    pub fn set_label(&mut self, i: usize, label: js_sys::JsString) -> Result<(), JsValue> {
        self.s.check_item(i).map_err(|e| self.fail(e))?;
        let label = self.text_of(&label, TextSource::Label(i))?;
        self.s.set_label(i, &label).map_err(|e| self.fail(e))
    }

    /// Appends an item: a copy of candidate `q` nudged off it, so it is
    /// visible on the map and clearly gets weight (label "item k").
    #[wasm_bindgen(js_name = addItem)]
    pub fn add_item(&mut self) -> Result<(), JsValue> {
        self.s.add_item().map_err(|e| self.fail(e))
    }

    /// Removes item `i`.
    #[wasm_bindgen(js_name = removeItem)]
    pub fn remove_item(&mut self, i: usize) -> Result<(), JsValue> {
        self.s.remove_item(i).map_err(|e| self.fail(e))
    }

    /// Changes d from typed text; returns a sentence saying what was kept.
    #[wasm_bindgen(js_name = setDimText)]
    pub fn set_dim_text(&mut self, text: &str) -> Result<String, JsValue> {
        self.s.set_dim_text(text).map_err(|e| self.fail(e))
    }

    /// Sets the similarity by name.
    #[wasm_bindgen(js_name = setSimilarity)]
    pub fn set_similarity(&mut self, name: &str) -> Result<(), JsValue> {
        self.s.set_setting("similarity", name).map_err(|e| self.fail(e))
    }

    /// Sets the activation of the unit: `sigmoid`, `prelu` or `dice`.
    #[wasm_bindgen(js_name = setActivation)]
    pub fn set_activation(&mut self, name: &str) -> Result<(), JsValue> {
        self.s.set_setting("activation", name).map_err(|e| self.fail(e))
    }

    /// Sets the activation unit's weight without softmax: `z` (the paper's
    /// Eq. 3) or `sigmoid` (this project's variant).
    #[wasm_bindgen(js_name = setWeight)]
    pub fn set_weight(&mut self, name: &str) -> Result<(), JsValue> {
        self.s.set_setting("weight", name).map_err(|e| self.fail(e))
    }

    /// Sets the padded length of the authors' variant from typed text.
    #[wasm_bindgen(js_name = setMaxLenText)]
    pub fn set_max_len_text(&mut self, text: &str) -> Result<(), JsValue> {
        self.s.set_max_len_text(text).map_err(|e| self.fail(e))
    }

    /// Whether the activation unit fits the scene (it was trained for d = 8),
    /// and if not, why: JSON `{ok, reason}` in the current language.
    #[wasm_bindgen(js_name = unitStatus)]
    pub fn unit_status(&self) -> String {
        self.s.unit_status()
    }

    /// Sets the normalization by name.
    #[wasm_bindgen(js_name = setNormalization)]
    pub fn set_normalization(&mut self, name: &str) -> Result<(), JsValue> {
        self.s.set_setting("normalization", name).map_err(|e| self.fail(e))
    }

    /// Sets the temperature from typed text.
    #[wasm_bindgen(js_name = setTemperatureText)]
    pub fn set_temperature_text(&mut self, text: &str) -> Result<(), JsValue> {
        self.s.set_temperature_text(text).map_err(|e| self.fail(e))
    }

    /// The scene's named candidates as JSON `[{id, label, fits}]` (`fits`
    /// is false where the candidate's d differs from the scene's).
    #[wasm_bindgen(js_name = candidatesJson)]
    pub fn candidates_json(&self) -> String {
        self.s.candidates_json()
    }

    /// Loads a generated LastN of `n` items in `d` dimensions (seeded,
    /// clustered; see `presets::generated`), for trying long histories.
    pub fn generate(&mut self, n: usize, d: usize) -> Result<(), JsValue> {
        self.s.generate(n, d).map_err(|e| self.fail(e))
    }

    /// The state without the items (cheap for a long LastN), as JSON:
    /// `{scene, candidate, query, similarity, activation, weight, maxLen,
    /// normalization, temperature, lang, step, n, d}`.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> String {
        self.s.summary_json()
    }

    /// A number that changes whenever the LastN items (labels, vectors or
    /// colour ids) may have changed, so the page refreshes its table only then.
    #[wasm_bindgen(js_name = itemsVersion)]
    pub fn items_version(&self) -> f64 {
        // A generation counter, not a hash of the numbers: exact in a JS
        // number up to 2^53 changes, and free to read.
        self.s.items_generation as f64
    }

    /// Items `start .. start + count` (clamped) as JSON `[{label, vector, color}]`
    /// (`color` is the colour id).
    #[wasm_bindgen(js_name = itemsJson)]
    pub fn items_json(&self, start: usize, count: usize) -> String {
        self.s.items_json(start, count)
    }

    /// Summary numbers of the result (no vectors), as JSON `{alphaSum,
    /// pooledNorm, meanNorm, shown: {alphaSum, results}, note}`: `shown`
    /// says which of them the step-through has revealed (the readout shows
    /// the others as "?" with `note`, in the interface language).
    #[wasm_bindgen(js_name = normsJson)]
    pub fn norms_json(&self) -> String {
        self.s.norms_json()
    }

    /// Makes the named candidate `id` the query.
    #[wasm_bindgen(js_name = chooseCandidate)]
    pub fn choose_candidate(&mut self, id: &str) -> Result<(), JsValue> {
        self.s.choose_candidate(id).map_err(|e| self.fail(e))
    }

    /// The built-in scenes as JSON `[{id, title}]` in the current language.
    #[wasm_bindgen(js_name = scenesJson)]
    pub fn scenes_json(&self) -> String {
        self.s.scenes_json()
    }

    /// Loads built-in scene `id` with its default candidate and settings
    /// (`d` is used by `blank` only; 0 keeps 8).
    #[wasm_bindgen(js_name = loadScene)]
    pub fn load_scene(&mut self, id: &str, d: usize) -> Result<(), JsValue> {
        self.s.load_scene(id, d).map_err(|e| self.fail(e))
    }

    /// The caption of the scene on screen in the current language, as JSON
    /// `{key, hint, lines, lead}`: `key` is the named candidate's id (`""` when q
    /// is not one), `hint` the scene's hint while its items are as loaded
    /// (or `null`), `lines` the outcome sentences computed from the numbers
    /// on screen (`explain::caption`), `lead` the indices of `lines`, most
    /// telling first (what the compact caption of lecture mode keeps).
    #[wasm_bindgen(js_name = captionJson)]
    pub fn caption_json(&self) -> String {
        self.s.caption_json()
    }

    /// The caption of [`App::caption_json`] as one text.
    pub fn caption(&self) -> String {
        self.s.caption()
    }

    /// The weight per interest category, attention beside the plain
    /// average, as JSON for the readout (`explain::shares_json`), or
    /// `null` when the items have no categories.
    #[wasm_bindgen(js_name = sharesJson)]
    pub fn shares_json(&self) -> String {
        self.s.shares_json()
    }

    /// How the α of `what` was computed, as JSON `{title, lines}` in the
    /// current language: `what` is `xK` (LastN item K, 1-based, as
    /// [`App::map_hit`] names it) or `q`; `null` for anything else.
    #[wasm_bindgen(js_name = explainJson)]
    pub fn explain_json(&self, what: &str) -> String {
        self.s.explain_json(what)
    }

    /// The settings panel's texts that depend on the definition, as JSON
    /// `{normNone, tempNote, unitNote, weightNote}` (`explain::settings_texts`).
    #[wasm_bindgen(js_name = settingsTextsJson)]
    pub fn settings_texts_json(&self) -> String {
        self.s.settings_texts_json()
    }

    /// The page's strings in the current language, as JSON `{key: text}`.
    #[wasm_bindgen(js_name = pageStrings)]
    pub fn page_strings(&self) -> String {
        din_core::i18n::page_strings_json(self.s.lang)
    }

    /// Sets the interface language (`en` or `zh`).
    #[wasm_bindgen(js_name = setLang)]
    pub fn set_lang(&mut self, code: &str) -> Result<(), JsValue> {
        self.s.set_lang(code).map_err(|e| self.fail(e))
    }

    /// The interface language code.
    pub fn lang(&self) -> String {
        self.s.lang.code().to_owned()
    }

    /// Starts the step-through at step 0 (the toggle button). A built-in
    /// scene with a lecture setting ([`din_core::steps::lecture_setting`]) is
    /// switched to it, and the user's own settings are kept to be given
    /// back; returns whether the settings changed (the page then commits
    /// it as one undo step). Links and `setState({step})` never switch it.
    #[wasm_bindgen(js_name = startSteps)]
    pub fn start_steps(&mut self) -> Result<bool, JsValue> {
        self.s.start_steps().map_err(|e| self.fail(e))
    }

    /// Stops the step-through (the toggle button). If the settings are
    /// still the lecture setting it switched to, the user's own come back;
    /// returns whether the settings changed.
    #[wasm_bindgen(js_name = stopSteps)]
    pub fn stop_steps(&mut self) -> Result<bool, JsValue> {
        self.s.stop_steps().map_err(|e| self.fail(e))
    }

    /// Switches to the scene's lecture setting (`on`, keeping the user's
    /// settings) or back to the user's settings kept when it was applied;
    /// returns whether the settings changed. Does nothing without a
    /// lecture setting, when it is already on, or with nothing kept.
    #[wasm_bindgen(js_name = useStepSetting)]
    pub fn use_step_setting(&mut self, on: bool) -> Result<bool, JsValue> {
        self.s.use_step_setting(on).map_err(|e| self.fail(e))
    }

    /// What the step-through panel says about its setting, as JSON
    /// `{setting, lecture, applied, saved, note, action}`: the setting in
    /// use (e.g. "dot similarity, softmax T = 0.3"), the scene's lecture
    /// setting (or null), whether it is on, the user's kept setting (or
    /// null), a sentence for the panel and the label of the button that
    /// switches (null when there is nothing to switch), all in the
    /// interface language.
    #[wasm_bindgen(js_name = stepSettingJson)]
    pub fn step_setting_json(&self) -> String {
        self.s.step_setting_json()
    }

    /// Sets how far the weighted-sum step's animation is (0 to 1; 1, the
    /// default, is at rest). The page runs it with requestAnimationFrame
    /// when the user steps onto the weighted sum, unless the reader prefers
    /// reduced motion; every other way onto the step is at rest.
    #[wasm_bindgen(js_name = setSumProgress)]
    pub fn set_sum_progress(&mut self, t: f64) {
        self.s.set_sum_progress(t);
    }

    /// The animation's progress (1 = at rest).
    #[wasm_bindgen(js_name = sumProgress)]
    pub fn sum_progress(&self) -> f64 {
        self.s.sum_progress
    }

    /// Whether the step-through is on the weighted-sum step (`n + 2`).
    #[wasm_bindgen(js_name = onSumStep)]
    pub fn on_sum_step(&self) -> bool {
        self.s.on_sum_step()
    }

    /// Turns the step-through on at `step` (clamped), or off with a negative number.
    #[wasm_bindgen(js_name = setStep)]
    pub fn set_step(&mut self, step: f64) -> Result<(), JsValue> {
        self.s.set_step(step).map_err(|e| self.fail(e))
    }

    /// The step (0-based), or -1 when the step-through is off.
    pub fn step(&self) -> f64 {
        self.s.step.map_or(-1.0, |s| s as f64)
    }

    /// Number of steps of the step-through: n + 4 (0 to n + 3).
    #[wasm_bindgen(js_name = stepsTotal)]
    pub fn steps_total(&self) -> usize {
        self.s.steps_total()
    }

    /// Goes one step forward (or back with `forward = false`). Returns false,
    /// changing nothing, at the last (or first) step, so the caller can pass
    /// the key on to the slide deck.
    #[wasm_bindgen(js_name = stepBy)]
    pub fn step_by(&mut self, forward: bool) -> bool {
        self.s.step_by(forward)
    }

    /// Highlights LastN item `i` (0-based) in every panel; a negative number clears it.
    #[wasm_bindgen(js_name = setHighlight)]
    pub fn set_highlight(&mut self, i: f64) {
        self.s.set_highlight(i);
    }

    /// Selects LastN item `i` (0-based) for the "inside the unit" panel.
    #[wasm_bindgen(js_name = selectItem)]
    pub fn select_item(&mut self, i: f64) {
        self.s.select_item(i);
    }

    /// Where the LastN feature goes in the two-tower diagram: `user-tower` or `ranking`.
    #[wasm_bindgen(js_name = setPlacement)]
    pub fn set_placement(&mut self, placement: &str) -> Result<(), JsValue> {
        self.s.set_placement(placement).map_err(|e| self.fail(e))
    }

    /// The view options as JSON `{theme, font, panels, embed, density, placement, view, tab}`.
    #[wasm_bindgen(js_name = viewJson)]
    pub fn view_json(&self) -> String {
        self.view_value().to_string()
    }

    fn view_value(&self) -> serde_json::Value {
        self.s.view_value()
    }

    /// Sets view options from JSON (any of the keys of [`App::view_json`]),
    /// or throws and changes nothing.
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(&mut self, text: &str) -> Result<(), JsValue> {
        self.s.set_view(text).map_err(|e| self.fail(e))
    }

    /// The state as URL parameters, as JSON `{ok: true, text}`, or
    /// `{ok: false, len, max, message}` when the scene is too large for a
    /// link (the message suggests the JSON export).
    #[wasm_bindgen(js_name = urlState)]
    pub fn url_state_json(&self) -> String {
        self.s.url_state_json()
    }

    /// Applies URL parameters (`query` and `hash`, the hash winning per
    /// key). With `keep` they go on top of the current state (an attribute
    /// of the custom element changed, `din.applyParams`); without, they
    /// define the whole state (page load, hashchange). Invalid parameters
    /// are skipped and keep the value on screen, so the result is the
    /// nearest valid state; returns their messages as a JSON array of
    /// strings in the interface language.
    ///
    /// The text is read once, whatever its number of parts, and the result
    /// is put on screen once: the cost is the text's length plus the
    /// scene's size, not their product.
    #[wasm_bindgen(js_name = applyParams)]
    pub fn apply_params(&mut self, query: js_sys::JsString, hash: js_sys::JsString, keep: bool) -> String {
        self.s.dragging = false;
        let texts = self.text_of(&query, TextSource::Link).and_then(|q| Ok((q, self.text_of(&hash, TextSource::Link)?)));
        let (query, hash) = match texts {
            Ok(t) => t,
            Err(e) => {
                let msg = js_sys::Error::from(e).message();
                return serde_json::json!([String::from(msg)]).to_string();
            }
        };
        serde_json::json!(self.s.apply_params(&query, &hash, keep)).to_string()
    }

    /// Forgets the undo history: the scene on screen becomes its start
    /// (after the page has applied its link on load).
    #[wasm_bindgen(js_name = clearHistory)]
    pub fn clear_history(&mut self) {
        self.s.clear_history();
    }

    /// Ends an undo step: the scene as it is now becomes one step of history.
    pub fn commit(&mut self) {
        self.s.commit();
    }

    /// Goes back one step; false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        self.s.undo()
    }

    /// Goes forward one step; false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        self.s.redo()
    }

    #[wasm_bindgen(js_name = canUndo)]
    pub fn can_undo(&self) -> bool {
        self.s.can_undo()
    }

    #[wasm_bindgen(js_name = canRedo)]
    pub fn can_redo(&self) -> bool {
        self.s.can_redo()
    }

    /// A sentence saying how many old undo steps were dropped to keep the
    /// history within its memory budget since the last call, or "".
    #[wasm_bindgen(js_name = historyNote)]
    pub fn history_note(&mut self) -> String {
        self.s.history_note()
    }

    /// Bytes the undo history holds now (at most 64 MiB).
    #[wasm_bindgen(js_name = historyBytes)]
    pub fn history_bytes(&self) -> f64 {
        self.s.history.bytes() as f64
    }

    /// Back to the scene as it was loaded (undoable).
    #[wasm_bindgen(js_name = resetScene)]
    pub fn reset_scene(&mut self) -> Result<(), JsValue> {
        self.s.reset_scene().map_err(|e| self.fail(e))
    }

    /// Imports CSV/TSV item rows or a JSON scene (see `import::import_text`);
    /// returns a note saying what was imported, or throws naming the line
    /// and column of the first problem and changes nothing. A JSON state's
    /// language, step and view options are applied too (checked first).
    #[wasm_bindgen(js_name = importText)]
    pub fn import_text(&mut self, text: js_sys::JsString) -> Result<String, JsValue> {
        let text = self.text_of(&text, TextSource::ImportedText)?;
        self.s.import_text(&text).map_err(|e| self.fail(e))
    }

    /// Imports the Embedding Projector's two files: `vectors` (vectors.tsv)
    /// and `metadata` (metadata.tsv).
    #[wasm_bindgen(js_name = importProjector)]
    pub fn import_projector(&mut self, vectors: js_sys::JsString, metadata: js_sys::JsString) -> Result<String, JsValue> {
        let vectors = self.text_of(&vectors, TextSource::ProjectorVectors)?;
        let metadata = self.text_of(&metadata, TextSource::ProjectorMetadata)?;
        self.s.import_projector(&vectors, &metadata).map_err(|e| self.fail(e))
    }

    /// Refuses a file of `bytes` bytes before the page reads it, when it is
    /// over the import limit (the message names the file and the limit).
    #[wasm_bindgen(js_name = checkImportSize)]
    pub fn check_import_size(&self, name: &str, bytes: f64) -> Result<(), JsValue> {
        din_core::import::check_size(name, bytes).map_err(|e| self.fail(e))
    }

    /// The pixel size `[width, height]` of a PNG export at `factor` ×
    /// 1920 × 1080, or throws when `factor` is not a finite number from
    /// 0.25 to 4.
    #[wasm_bindgen(js_name = pngSize)]
    pub fn png_size(&self, factor: f64) -> Result<Vec<u32>, JsValue> {
        let (w, h) = din_core::export::png_size(factor).map_err(|e| self.fail(e))?;
        Ok(vec![w, h])
    }

    /// The state without the items, as JSON (see `snapshot::head`): the
    /// scene's fields, `n`, `d`, the language, the step and the view options.
    #[wasm_bindgen(js_name = snapshotHead)]
    pub fn snapshot_head(&self) -> String {
        self.s.snapshot_head()
    }

    /// The items' labels as a JSON array.
    #[wasm_bindgen(js_name = snapshotLabels)]
    pub fn snapshot_labels(&self) -> String {
        din_core::snapshot::labels_json(&self.s.scene)
    }

    /// Puts a saved state back (the three parts above): the scene, checked
    /// as `din.setState` checks it, its language, step and view options.
    /// Throws and changes nothing when the parts do not make a valid state.
    #[wasm_bindgen(js_name = restoreSnapshot)]
    pub fn restore_snapshot(&mut self, head: &str, labels: &str, values: &[f64]) -> Result<(), JsValue> {
        self.s.restore_snapshot(head, labels, values).map_err(|e| self.fail(e))
    }

    /// What the page says about the last good scene, in the interface
    /// language: `kind` is `offer` (the overlay), `restored` (after the
    /// reload), `unsaved` (the overlay, nothing saved) or `nothing` (after
    /// the reload, nothing saved); `info` is JSON `{scene, n, d, time, lost, failure}`.
    #[wasm_bindgen(js_name = restoreNote)]
    pub fn restore_note(&self, kind: &str, info: &str) -> String {
        use din_core::snapshot::NoteKind;
        let kind = match kind {
            "offer" => NoteKind::Offer,
            "restored" => NoteKind::Restored,
            "unsaved" => NoteKind::Unsaved,
            _ => NoteKind::Nothing,
        };
        let v: serde_json::Value = serde_json::from_str(info).unwrap_or(serde_json::Value::Null);
        din_core::snapshot::note(kind, &din_core::snapshot::SavedInfo::from_json(&v), self.s.lang)
    }

    /// The scene as pretty JSON (importable again).
    #[wasm_bindgen(js_name = sceneJson)]
    pub fn scene_json(&self) -> String {
        serde_json::to_string_pretty(&self.s.scene.to_json()).unwrap_or_default()
    }

    /// CSV of every item's score and alpha and of q, pooled and mean.
    #[wasm_bindgen(js_name = resultCsv)]
    pub fn result_csv(&self) -> String {
        din_core::export::result_csv(&self.s.scene, &self.s.att)
    }

    /// CSV of the LastN items (label, then the numbers), importable again.
    #[wasm_bindgen(js_name = itemsCsv)]
    pub fn items_csv(&self) -> String {
        din_core::export::items_csv(&self.s.scene)
    }

    /// Which settings apply under the scene's definition of alpha and why,
    /// as JSON `{unitOptions, normalization, temperature, weight,
    /// activation, maxLen}`, each `{shown, enabled, why}` (`why` in the
    /// interface language, "" when shown and enabled):
    /// `din_core::controls::Controls`.
    #[wasm_bindgen(js_name = controlsJson)]
    pub fn controls_json(&self) -> String {
        self.s.controls_json()
    }

    /// `x` as every chart and readout prints it (`din_core::explain::fmt_num`:
    /// at most 3 decimals, no trailing zeros, "−" for minus).
    #[wasm_bindgen(js_name = formatNumber)]
    pub fn format_number(x: f64) -> String {
        din_core::explain::fmt_num(x)
    }

    /// The lists the page needs, as JSON `{url, state, panels, charts,
    /// tabs}`: the link keys (the element's attributes), the state
    /// object's keys, every panel, the canvas panels and lecture mode's tabs.
    #[wasm_bindgen(js_name = keysJson)]
    pub fn keys_json() -> String {
        din_core::controls::keys_json()
    }

    /// Checks the "generate" fields as typed (whole numbers, n 0 to 10,000,
    /// d 1 to 256); throws the message (`E_INVALID`, `E_TOO_LARGE`).
    #[wasm_bindgen(js_name = checkGenerate)]
    pub fn check_generate(&self, n_text: &str, d_text: &str) -> Result<(), JsValue> {
        din_core::controls::check_generate(n_text, d_text).map(|_| ()).map_err(|e| self.fail(e))
    }

    /// Generates a LastN from the typed fields (as [`App::check_generate`]
    /// checks them) and applies it as [`App::generate`] does.
    #[wasm_bindgen(js_name = generateText)]
    pub fn generate_text(&mut self, n_text: &str, d_text: &str) -> Result<(), JsValue> {
        self.s.generate_text(n_text, d_text).map_err(|e| self.fail(e))
    }

    /// Which of two dropped files is the Projector's `vectors.tsv`:
    /// `[vectors, metadata]` as indices 0/1 into (nameA, nameB).
    #[wasm_bindgen(js_name = projectorOrder)]
    pub fn projector_order(name_a: &str, name_b: &str) -> Vec<u32> {
        din_core::controls::projector_order(name_a, name_b).iter().map(|&i| i as u32).collect()
    }

    /// Shows or hides the map's catalogue of candidate items (paper Fig. 6).
    #[wasm_bindgen(js_name = setDensity)]
    pub fn set_density(&mut self, on: bool) {
        self.s.show_density = on;
    }

    /// How often the expensive steps ran since the app was made, as JSON
    /// `{installs, encodes, decodes, validations}` (validations counts every
    /// scene validated on this thread): for tests that assert on work done.
    #[wasm_bindgen(js_name = workJson)]
    pub fn work_json(&self) -> String {
        let w = self.s.work;
        serde_json::json!({
            "installs": w.installs, "encodes": w.encodes, "decodes": w.decodes,
            "validations": din_core::scene::validations(),
        })
        .to_string()
    }
}
