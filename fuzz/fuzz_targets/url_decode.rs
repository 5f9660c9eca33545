//! Link parameters: bytes before the first `#` are the query, the rest the hash.
//! The checks are in `src/checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| din_viz_fuzz::url_decode(data));
