//! # din-viz
//!
//! An interactive visualiser of DIN attention (Zhou et al., "Deep Interest
//! Network for Click-Through Rate Prediction", KDD 2018): for a candidate
//! item `q` and a user's LastN items `x_1..x_n`, the weights
//! `alpha_i = similarity(q, x_i)`, the weighted sum `pooled = sum_i alpha_i x_i`
//! that DIN feeds to the ranking model, and the plain average it replaces.
//!
//! This package is the thin wasm layer users build with wasm-pack; the
//! workspace's crates hold everything else (ARCHITECTURE.md):
//! * [`din_core`]: the maths, scenes, presets, view options, links, undo,
//!   import/export, languages and explanations; pure, no web crate.
//! * [`din_draw`]: the charts and panels, generic over plotters'
//!   `DrawingBackend`.
//! * `din-train` (not a dependency: the trainer never enters the page's
//!   wasm): `make weights` and the step-wise trainer.
//! * `web` (wasm32 only): the `App` the page talks to; `canvas`: the
//!   plotters backend over a 2D canvas; `web_train`: the train panel's
//!   drawing (the training itself runs in the `din-train-web` worker).

pub use din_core;
pub use din_draw;

#[cfg(target_arch = "wasm32")]
pub mod canvas;
#[cfg(target_arch = "wasm32")]
pub mod web;
#[cfg(target_arch = "wasm32")]
pub mod web_train;
