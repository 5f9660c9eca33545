//! JSON state text applied to the default scene (and the interest-intensity preset).
//! The checks are in `src/checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| din_viz_fuzz::state_json(data));
