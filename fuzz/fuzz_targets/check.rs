//! Invariants every extraction must keep, shared by the extraction fuzz targets.

use std::sync::OnceLock;

use newsgraph::{Document, Extractor, Span};

pub fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| Extractor::new().expect("the embedded defaults build"))
}

fn span_ok(text: &str, s: Span, what: &str) {
    assert!(s.start <= s.end, "{what}: reversed span {s:?}");
    assert!(
        s.end <= text.len(),
        "{what}: span {s:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{what}: span {s:?} not on char boundaries"
    );
}

/// Runs the default extractor on `text` and checks the invariants the library promises.
pub fn run(text: &str) {
    let ex = extractor();
    let doc = match ex.extract(text) {
        Ok(d) => d,
        Err(e) => panic!("extract failed on a document under the size limit: {e}"),
    };
    check(text, &doc);
}

pub fn check(text: &str, doc: &Document) {
    assert_eq!(doc.text(), text);
    for s in doc.sentences() {
        span_ok(text, *s, "sentence");
    }
    let mut mentions: Vec<(Span, usize)> = Vec::new();
    for e in doc.entities() {
        for m in &e.mentions {
            span_ok(text, *m, "mention");
            mentions.push((*m, e.id));
        }
    }
    mentions.sort();
    for w in mentions.windows(2) {
        assert!(
            !w[0].0.overlaps(w[1].0),
            "mentions {:?} and {:?} overlap",
            w[0],
            w[1]
        );
    }
    for t in doc.times() {
        span_ok(text, t.span, "time");
    }
    for ev in doc.events() {
        for a in &ev.args {
            span_ok(text, a.span, "event argument");
            if let Some(e) = a.entity {
                assert!(e < doc.entities().len(), "argument entity {e} out of range");
            }
        }
        for ev in std::iter::once(&ev.evidence).chain(&ev.more_evidence) {
            span_ok(text, ev.span, "evidence");
            span_ok(text, ev.trigger, "trigger");
            assert!(
                ev.sentence < doc.sentences().len().max(1),
                "sentence index out of range"
            );
        }
    }
    let json = doc.to_json(Some("fuzz"));
    let v: serde_json::Value = serde_json::from_str(&json).expect("the contract JSON parses");
    assert_eq!(v["id"], "fuzz");
}
