//! # din-viz
//!
//! An interactive visualiser of DIN attention (Zhou et al., "Deep Interest
//! Network for Click-Through Rate Prediction", KDD 2018): for a candidate
//! item `q` and a user's LastN items `x_1..x_n`, the weights
//! `alpha_i = similarity(q, x_i)`, the weighted sum `pooled = sum_i alpha_i x_i`
//! that DIN feeds to the ranking model, and the plain average it replaces.
//!
//! Parts (see ARCHITECTURE.md):
//! * [`attention`]: the maths; pure, no web crate.
//! * [`scene`]: what is on screen, validation and edits; pure.
//! * [`presets`]: built-in scenes and candidates; pure.
//! * [`projection`]: PCA basis and screen/data conversion for the map; pure.
//! * [`draw`]: the three charts, generic over plotters' `DrawingBackend`.
//! * [`unit`], [`rng`], [`train`]: the paper's activation unit, a seeded
//!   PRNG and the trainer behind `make weights`.
//! * [`model`], [`learn`], [`clicks`], [`metrics`]: a whole learned DIN as
//!   JSON and its inference, the step-wise in-page trainer of DIN and
//!   average pooling, the synthetic click data, AUC and GAUC; pure.
//! * [`i18n`], [`errors`]: English and Chinese strings, error codes.
//! * [`explain`]: every formula, the category shares, the outcome captions
//!   and the per-item explanations, computed from the numbers; pure.
//! * [`import`], [`export`]: LastN items in from CSV/TSV, the Embedding
//!   Projector's `vectors.tsv` + `metadata.tsv` or a scene JSON; items and
//!   results out as CSV; pure.
//! * [`options`]: the theme and the panel list (view options in the state).
//! * [`urlstate`], [`history`]: the whole state as link parameters, and undo/redo.
//! * [`scene_history`]: undo steps of a scene as patches, and the undo budget.
//! * [`snapshot`]: the last good scene in parts, for the panic overlay's Restore.
//! * [`palette`]: each theme's colours, stroke weight and font factor; pure.
//! * [`lecture`], [`unit_panel`]: the step-through, query/key/value,
//!   two-tower and inside-the-unit panels.
//! * [`catalogue`], [`map_layers`]: the map's catalogue of candidate items
//!   scored by the scene's own attention (the paper's Fig. 6; pure), and
//!   its drawing with the map's key and labels.
//! * [`steps`]: the step-through's policy: what each step reveals, the
//!   products and running sums it draws, the setting it shows; pure.
//! * [`controls`]: the rules the web shell shows and no longer repeats:
//!   which settings apply, slider ranges, table cells' short numbers, the
//!   key, panel and tab lists; pure.
//! * `web` (wasm32 only): the thin wasm-bindgen layer the page talks to.

pub mod attention;
pub mod catalogue;
pub mod clicks;
pub mod controls;
pub mod draw;
pub mod either;
pub mod errors;
pub mod explain;
pub mod export;
pub mod history;
pub mod i18n;
pub mod import;
pub mod learn;
pub mod lecture;
pub mod map_layers;
pub mod metrics;
pub mod model;
pub mod options;
pub mod palette;
pub mod presets;
pub mod projection;
pub mod rng;
pub mod scene;
pub mod scene_history;
pub mod snapshot;
pub mod steps;
pub mod textlayout;
#[cfg(test)]
mod theme_tests;
pub mod train;
pub mod unit;
pub mod unit_panel;
pub mod urlstate;

#[cfg(target_arch = "wasm32")]
pub mod canvas;
#[cfg(target_arch = "wasm32")]
pub mod web;
