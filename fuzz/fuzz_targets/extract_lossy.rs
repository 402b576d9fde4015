//! `Extractor::extract` on arbitrary bytes, decoded lossily (U+FFFD for invalid UTF-8).
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
    let text = String::from_utf8_lossy(data);
    check::run(&text);
    }
);
