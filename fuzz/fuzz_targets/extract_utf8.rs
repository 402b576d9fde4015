//! `Extractor::extract` on arbitrary valid UTF-8 (invalid inputs are skipped).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "check.rs"]
mod check;

fuzz_target!(
    // build the extractor before the first input, so that its time is not the input's
    init: {
        check::extractor();
    },
    |data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check::run(text);
    }
    }
);
