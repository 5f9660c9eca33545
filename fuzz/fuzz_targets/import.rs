//! Text for the import box: `import_text` and `parse_items`, with the CSV round trip.
//! The checks are in `src/checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| din_viz_fuzz::import(data));
