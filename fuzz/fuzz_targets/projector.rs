//! The Embedding Projector pair: `vectors.tsv`, a 0xFF byte, `metadata.tsv`.
//! The checks are in `src/checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| din_viz_fuzz::projector(data));
