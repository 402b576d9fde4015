//! Inputs that once crashed or misbehaved (found by the fuzzers under `fuzz/` or by hand),
//! kept so they never come back. Each test names the target that found it.

use newsgraph::Extractor;

fn extract_ok(text: &str) {
    let ex = Extractor::new().unwrap();
    let doc = ex.extract(text).unwrap();
    let _ = doc.to_json(None);
}

/// Every file under `tests/data/regression/extract/` is a document that once crashed:
/// - `acronym-link-after-time-overlap.txt` (fuzz target `extract_utf8`, session 2): a time
///   expression removed an entity mention without renumbering the acronym links that pointed
///   past it, and coreference indexed past the end of the mention list.
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

/// Edge inputs met while fuzzing and testing: lone combining marks, NUL, U+FFFD from lossy
/// decoding, a BOM, separators, an unterminated quote before a name.
#[test]
fn edge_inputs() {
    for text in [
        "\u{0301}",
        "\u{0301}Xi met Putin.",
        "\0Xi\0met\0Putin\0",
        "\u{FFFD}\u{FFFD} met \u{FFFD}.",
        "\u{FEFF}Xi Jinping met Vladimir Putin.",
        "Xi\u{2028}met\u{2029}Putin.",
        "\"Xi met Putin",
        "Xi met Putin in",
        "on",
        "Feb.",
        "U.S.",
        "(((",
        "Xi and Xi and Xi and Xi and Xi met.",
    ] {
        extract_ok(text);
    }
}

/// Found by the proptest of disjoint mentions: an unknown-name pass made "Xi Beijing"
/// (PERSON) and "Beijing Xi" (ORGANIZATION) overlap; the overlap policy now runs after every
/// pass of the recogniser.
#[test]
fn later_recogniser_passes_keep_mentions_disjoint() {
    let ex = newsgraph::Extractor::new().unwrap();
    for text in [
        "Xi Beijing Xi (.",
        "Xi Beijing Xi Beijing",
        "Paul Beijing Paul (Beijing)",
    ] {
        let doc = ex.extract(text).unwrap();
        let mut spans: Vec<(usize, usize)> = doc
            .entities()
            .iter()
            .flat_map(|e| e.mentions.iter().map(|m| (m.start, m.end)))
            .collect();
        spans.sort_unstable();
        for w in spans.windows(2) {
            assert!(w[0].1 <= w[1].0, "{text:?}: {:?} overlaps {:?}", w[0], w[1]);
        }
    }
}

/// Found through the `extract_utf8` crash (session 2): the time stage removed the entity
/// mention "May" of "May 6" without renumbering the acronym links behind it, so "ONS" joined
/// no entity (in the news corpus: "ONS" joined Germany, "BCC" David Frost); and coreference
/// then made "May" of "May 6" a mention of Theresa May again.
#[test]
fn a_time_expression_leaves_acronym_links_and_partial_names_right() {
    let ex = Extractor::new().unwrap();
    let text = "Theresa May said on May 6 that the Office for National Statistics (ONS) was \
                right. Later the ONS agreed with Gordon Brown.";
    let doc = ex.extract(text).unwrap();
    let mentions = |name: &str| -> Vec<&str> {
        let e = doc
            .entity_named(name)
            .unwrap_or_else(|| panic!("no {name}"));
        e.mentions.iter().map(|m| m.slice(text)).collect()
    };
    assert_eq!(
        mentions("Office for National Statistics"),
        ["Office for National Statistics", "ONS", "ONS"]
    );
    assert_eq!(mentions("Theresa May"), ["Theresa May"]);
    assert_eq!(doc.entities().len(), 3, "{:?}", doc.entities());
}
