//! The rule parser and compiler (`RuleSet::from_sources`), on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::pattern::{RuleSet, render_error};

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    if let Err(e) = RuleSet::from_sources(&[("fuzz.rules", &src)]) {
        // rendering the error with its source line and caret must not panic either
        let _ = render_error(&e, &src);
    }
});
