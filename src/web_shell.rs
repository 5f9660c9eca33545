//! The App's exports for the numbers the web shell (`www/`) used to
//! compute itself (issue 12, the www side): the range of q's sliders and
//! the LastN table cells' short numbers. Both are computed in
//! [`din_core::controls`]; this only converts at the boundary. (The other
//! rules www/ used to repeat are exported next to the App in `web.rs`:
//! `controlsJson`, `formatNumber`, `keysJson`, `generateText`,
//! `projectorOrder`, `hitName`.)

use super::App;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl App {
    /// Half the range of each of q's sliders, as JSON `[lim, …]`: slider
    /// `k` runs from `-lim` to `lim` ([`din_core::controls::query_range`]).
    #[wasm_bindgen(js_name = queryRangeJson)]
    pub fn query_range_json(&self) -> String {
        let lims: Vec<f64> = self.s.scene.query.iter().map(|&v| din_core::controls::query_range(v)).collect();
        serde_json::to_string(&lims).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The short forms the LastN table's cells show for items
    /// `start..start + count`, as JSON `[[text, …], …]`
    /// ([`din_core::controls::cell_text`]).
    #[wasm_bindgen(js_name = cellTextsJson)]
    pub fn cell_texts_json(&self, start: usize, count: usize) -> String {
        din_core::controls::cell_texts_json(&self.s.scene, start, count)
    }
}
