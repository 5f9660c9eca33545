//! Fuzzing of din-viz's decoders: the checks the targets in
//! `fuzz_targets/` run (see `checks.rs`, shared with `tests/fuzz_regressions.rs`).

mod checks;

pub use checks::{import, projector, state_json, url_decode};
