//! Inputs that once crashed or misbehaved (found by the fuzzers under `fuzz/` or by hand),
//! kept so they never come back. Each test names the target that found it.

use newsgraph::Extractor;

fn extract_ok(text: &str) {
    let ex = Extractor::new().unwrap();
    let doc = ex.extract(text).unwrap();
    let _ = doc.to_json(None);
}

/// Every file under `tests/data/regression/extract/` is a document that once crashed.
#[test]
fn regression_files_extract() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/regression/extract");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        extract_ok(&String::from_utf8_lossy(&bytes));
    }
}
