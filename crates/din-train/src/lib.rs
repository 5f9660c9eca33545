//! # din-train
//!
//! din-viz's trainers, on din-core only (no plotters, no web crate; builds
//! for wasm32 for the train worker, crates/din-train-web; the page's wasm never links it):
//!
//! * [`clicks`]: the synthetic click data's steps (interests, LastN, click
//!   probability) and the catalogue dataset.
//! * [`train`]: the deterministic activation-unit trainer behind
//!   `make weights` (`src/bin/make_weights.rs`), byte for byte.
//! * [`learn`]: the step-wise trainer of DIN and average pooling.
//! * [`metrics`]: AUC, GAUC and log loss.

pub mod clicks;
pub mod learn;
pub mod metrics;
pub mod train;
