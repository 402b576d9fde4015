//! The gazetteer line parser, and building a gazetteer from what it accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::gazetteer::GazetteerBuilder;
use newsgraph::gazetteer::parse::parse_file;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    match parse_file("fuzz.tsv", &src) {
        Ok(_) => {
            // what parses must also build (or fail with an error, e.g. a duplicate id)
            let mut b = GazetteerBuilder::new();
            if b.add_source("fuzz.tsv", &src).is_ok() {
                let _ = b.build();
            }
        }
        Err(e) => {
            let loc = e
                .location()
                .expect("a gazetteer error names file:line:column");
            assert_eq!(loc.path, "fuzz.tsv");
            assert!(loc.line >= 1 && loc.column >= 1);
        }
    }
});
