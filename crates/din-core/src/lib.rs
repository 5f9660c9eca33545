//! # din-core
//!
//! The pure core of din-viz, an interactive visualiser of DIN attention
//! (Zhou et al., "Deep Interest Network for Click-Through Rate Prediction",
//! KDD 2018): for a candidate item `q` and a user's LastN items
//! `x_1..x_n`, the weights `alpha_i = similarity(q, x_i)`, the weighted sum
//! `pooled = sum_i alpha_i x_i` that DIN feeds to the ranking model, and
//! the plain average it replaces.
//!
//! No plotters and no web crate: everything here is tested with plain
//! `cargo test` (ARCHITECTURE.md; `make check-arch` enforces it).
//!
//! * [`attention`]: the maths.
//! * [`scene`]: what is on screen, validation and edits.
//! * [`presets`]: built-in scenes and candidates.
//! * [`projection`]: PCA basis and screen/data conversion for the map.
//! * [`unit`], [`rng`]: the paper's activation unit and a seeded PRNG.
//! * [`model`]: a whole learned DIN as JSON and its inference.
//! * [`catalogue`]: the map's catalogue of candidate items scored by the
//!   scene's own attention (the paper's Fig. 6).
//! * [`steps`]: the step-through's policy.
//! * [`train_view`]: the train worker's view (curves, learned attention,
//!   embedding map) read for the train panel's charts.
//! * [`controls`]: which settings apply and why, the key and panel lists,
//!   the checks of "generate" and of the Projector's two files.
//! * [`explain`]: every formula, the category shares, the outcome captions
//!   and the per-item explanations, computed from the numbers.
//! * [`i18n`], [`errors`]: English and Chinese strings, error codes.
//! * [`import`], [`export`]: LastN items in from CSV/TSV, the Embedding
//!   Projector's files or a scene JSON; items and results out as CSV.
//! * [`options`]: the view options (theme, panels, placement, ...).
//! * [`urlstate`], [`history`], [`scene_history`]: the whole state as link
//!   parameters, undo/redo, and undo steps of a scene as patches.
//! * [`snapshot`]: the last good scene in parts, for the panic overlay.
//! * [`session`]: the page's state without its canvases and every policy
//!   that changes it (edits, setState, links, undo, reset, imports).

pub mod attention;
pub mod catalogue;
pub mod controls;
pub mod errors;
pub mod explain;
pub mod export;
pub mod history;
pub mod i18n;
pub mod import;
pub mod model;
pub mod options;
pub mod presets;
pub mod projection;
pub mod rng;
pub mod scene;
pub mod scene_history;
pub mod session;
pub mod snapshot;
pub mod steps;
pub mod train_view;
pub mod unit;
mod unit_format;
pub mod urlstate;
