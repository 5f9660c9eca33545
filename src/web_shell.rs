//! The App's exports for the rules the web shell (`www/`) used to repeat
//! (issue 12): which settings apply and their notes, the readout's
//! numbers as the charts write them, the LastN table's short numbers,
//! "generate" from the fields' text, the Embedding Projector's two files
//! in either order, and the key, panel and tab lists. Each is computed in
//! a pure module ([`crate::controls`], [`crate::explain`]); this only
//! converts at the boundary.

use super::App;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl App {
    /// What the settings show and allow now, as JSON: the pure
    /// [`crate::controls::controls_json`] plus the texts that go with it:
    /// `{…, unitNote, normalization: {enabled, noneText}, weight: {shown,
    /// enabled, note}, temperature: {enabled, note}, maxLen: {shown,
    /// value, padded}}` (`unitNote` is why the unit cannot be chosen, when
    /// it cannot; `padded` the number of padded slots).
    #[wasm_bindgen(js_name = controlsJson)]
    pub fn controls_json(&self) -> String {
        let unit: serde_json::Value = serde_json::from_str(&self.unit_status()).unwrap_or_default();
        let unit_ok = unit["ok"].as_bool().unwrap_or(false);
        let texts = crate::explain::settings_texts(&self.scene, self.lang);
        let mut c = crate::controls::controls_json(&self.scene, unit_ok);
        c["unitNote"] = serde_json::json!(if unit_ok { texts.unit_note.clone() } else { unit["reason"].as_str().unwrap_or_default().to_owned() });
        c["normalization"]["noneText"] = serde_json::json!(texts.norm_none);
        c["weight"]["note"] = serde_json::json!(texts.weight_note);
        c["temperature"]["note"] = serde_json::json!(texts.temp_note);
        c["maxLen"]["value"] = unit["paddedLen"].clone();
        c["maxLen"]["padded"] = unit["padded"].clone();
        c.to_string()
    }

    /// The readout's numbers as every chart writes them
    /// ([`crate::explain::fmt_num`]), or "?" while the step-through has
    /// not revealed them: JSON `{alphaSum, pooledNorm, meanNorm, note}`.
    #[wasm_bindgen(js_name = readoutJson)]
    pub fn readout_json(&self) -> String {
        let r: serde_json::Value = serde_json::from_str(&self.norms_json()).unwrap_or_default();
        let text = |key: &str, shown: &str| {
            if r["shown"][shown].as_bool().unwrap_or(false) {
                r[key].as_f64().map_or_else(|| "?".to_owned(), crate::explain::fmt_num)
            } else {
                "?".to_owned()
            }
        };
        serde_json::json!({
            "alphaSum": text("alphaSum", "alphaSum"), "pooledNorm": text("pooledNorm", "results"),
            "meanNorm": text("meanNorm", "results"), "note": r["note"],
        })
        .to_string()
    }

    /// The short forms the LastN table's cells show for items
    /// `start..start + count`, as JSON `[[text, …], …]`
    /// ([`crate::controls::cell_text`]).
    #[wasm_bindgen(js_name = cellTextsJson)]
    pub fn cell_texts_json(&self, start: usize, count: usize) -> String {
        crate::controls::cell_texts_json(&self.scene, start, count)
    }

    /// "generate" with the text of its two fields: whole numbers, else
    /// an `E_INVALID` error and nothing changes; then as [`App::generate`].
    #[wasm_bindgen(js_name = generateText)]
    pub fn generate_text(&mut self, n_text: &str, d_text: &str) -> Result<(), JsValue> {
        let (n, d) = crate::controls::generate_counts(n_text, d_text).map_err(|e| self.fail(e))?;
        self.generate(n, d)
    }

    /// Imports the Embedding Projector's two files given in either order,
    /// with their file names: the one whose name says "meta" is
    /// `metadata.tsv` ([`crate::controls::projector_first_is_metadata`]).
    #[wasm_bindgen(js_name = importProjectorFiles)]
    pub fn import_projector_files(&mut self, name_a: &str, text_a: js_sys::JsString, name_b: &str, text_b: js_sys::JsString) -> Result<String, JsValue> {
        if crate::controls::projector_first_is_metadata(name_a, name_b) {
            self.import_projector(text_b, text_a)
        } else {
            self.import_projector(text_a, text_b)
        }
    }
}

/// The lists the shell must not repeat, as JSON `{url, panels, charts,
/// tabs}` ([`crate::controls::keys_json`]). A function of the module (no
/// App needed), so that the element can read its attribute keys as soon as
/// the module is loaded.
#[wasm_bindgen(js_name = keysJson)]
pub fn keys_json() -> String {
    crate::controls::keys_json().to_string()
}
