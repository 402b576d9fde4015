//! Property tests (proptest) over generated news-like text: every span slices the input on
//! char boundaries and its JSON text equals the slice, mentions of different entities are
//! disjoint, extraction is deterministic, the contract JSON and the graph JSON round-trip,
//! and an unrelated sentence at the end never removes an event.
//!
//! Case counts stay small (`cargo test --release` runs on 2 shared cores in CI); the fuzz
//! targets under `fuzz/` push the same invariants much further.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use newsgraph::export::graph_json;
use newsgraph::{Document, Extractor, Graph, Span};
use proptest::prelude::*;
use serde_json::Value;

fn ex() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| Extractor::new().unwrap())
}

const PEOPLE: &[&str] = &[
    "Xi Jinping",
    "Xi",
    "Alexander Lukashenko",
    "Lukashenko",
    "President Vladimir Putin",
    "Putin",
    "Chancellor Olaf Scholz",
    "Emmanuel Macron",
    "Mr. Biden",
    "he",
    "she",
    "the two leaders",
    "Sergei Lavrov",
    "Wang Yi",
    "José Müller",
    "Ángela Núñez",
    "Theresa May",
    "May",
    "the Office for National Statistics (ONS)",
    "the ONS",
];
const PLACES: &[&str] = &[
    "Beijing",
    "Minsk",
    "Samarkand",
    "the White House",
    "Paris",
    "Moscow",
    "São Paulo",
    "Kyiv",
    "the Shanghai Cooperation Organisation (SCO) summit in Samarkand",
];
const VERBS: &[&str] = &[
    "met",
    "met with",
    "called",
    "spoke by phone with",
    "held talks with",
    "will meet",
    "did not meet",
    "visited",
    "hosted",
    "arrived in",
    "is expected to visit",
    "phoned",
];
const TIMES: &[&str] = &[
    "on Tuesday",
    "on Feb. 24",
    "in September 2022",
    "last week",
    "yesterday",
    "on 2023-03-01",
    "next month",
    "in the spring",
    "on May 6",
    "",
];
const NOISE: &[&str] = &[
    "(", ")", "\"", "“", "”", "’", "—", ",", ";", "and", "the", "SCO", "U.S.", "é", "日本", "🙂",
    "\u{0301}", "\t", "\n", "\r\n", "",
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(list)
}

/// One sentence: a clause from the vocabulary, or a few noise words, ending with a period.
fn sentence() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (pick(PEOPLE), pick(VERBS), pick(PEOPLE), pick(PLACES), pick(TIMES))
            .prop_map(|(a, v, b, p, t)| format!("{a} {v} {b} in {p} {t}.")),
        2 => (pick(PEOPLE), pick(VERBS), pick(PLACES), pick(TIMES))
            .prop_map(|(a, v, p, t)| format!("{a} {v} {p} {t}.")),
        1 => prop::collection::vec(prop_oneof![pick(NOISE), pick(PEOPLE), pick(PLACES)], 0..8)
            .prop_map(|w| format!("{}.", w.join(" "))),
        1 => "\\PC{0,30}".prop_map(|s| format!("{s}.")),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(sentence(), 1..6).prop_map(|s| s.join(" "))
}

fn check_span(text: &str, s: Span, what: &str) {
    assert!(
        s.start <= s.end && s.end <= text.len(),
        "{what} {s:?} out of range"
    );
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{what} {s:?} not on char boundaries"
    );
}

/// A `{"start", "end", "text"}` object of the JSON: the text is the slice.
fn check_json_span(text: &str, v: &Value, what: &str) {
    let start = v["start"].as_u64().expect("start") as usize;
    let end = v["end"].as_u64().expect("end") as usize;
    check_span(text, Span { start, end }, what);
    assert_eq!(v["text"].as_str(), Some(&text[start..end]), "{what} text");
}

fn check_document(text: &str, doc: &Document) {
    for m in doc.entities().iter().flat_map(|e| &e.mentions) {
        check_span(text, *m, "mention");
    }
    for t in doc.times() {
        check_span(text, t.span, "time");
    }
    for ev in doc.events() {
        for a in &ev.args {
            check_span(text, a.span, "argument");
        }
        for e in std::iter::once(&ev.evidence).chain(&ev.more_evidence) {
            check_span(text, e.span, "evidence");
            check_span(text, e.trigger, "trigger");
        }
    }
    let json: Value = serde_json::from_str(&doc.to_json(Some("p"))).unwrap();
    for e in json["entities"].as_array().unwrap() {
        for m in e["mentions"].as_array().unwrap() {
            check_json_span(text, m, "mention");
        }
    }
    for t in json["times"].as_array().unwrap() {
        check_json_span(text, t, "time");
    }
    for ev in json["events"].as_array().unwrap() {
        for a in ev["args"].as_array().unwrap() {
            check_json_span(text, a, "argument");
        }
        check_json_span(text, &ev["trigger"], "trigger");
        check_json_span(text, &ev["evidence"], "evidence");
        for more in ev["more_evidence"].as_array().unwrap() {
            check_json_span(text, &more["trigger"], "trigger");
            check_json_span(text, &more["evidence"], "evidence");
        }
    }
}

/// (kind, trigger) of every piece of evidence of every event.
fn event_keys(doc: &Document) -> BTreeSet<(String, Span)> {
    doc.events()
        .iter()
        .flat_map(|ev| {
            std::iter::once(&ev.evidence)
                .chain(&ev.more_evidence)
                .map(|e| (ev.kind.clone(), e.trigger))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn spans_slice_the_input_on_char_boundaries(text in document()) {
        let doc = ex().extract(&text).unwrap();
        check_document(&text, &doc);
    }

    #[test]
    fn spans_hold_on_arbitrary_unicode(text in "\\PC{0,200}") {
        let doc = ex().extract(&text).unwrap();
        check_document(&text, &doc);
    }

    #[test]
    fn mentions_of_different_entities_are_disjoint(text in document()) {
        let doc = ex().extract(&text).unwrap();
        let mut all: Vec<(Span, usize)> = doc
            .entities()
            .iter()
            .flat_map(|e| e.mentions.iter().map(move |&m| (m, e.id)))
            .collect();
        all.sort();
        for w in all.windows(2) {
            prop_assert!(!w[0].0.overlaps(w[1].0), "{:?} and {:?} overlap", w[0], w[1]);
        }
    }

    #[test]
    fn extraction_is_deterministic(text in document()) {
        let a = ex().extract(&text).unwrap().to_json(Some("d"));
        let b = ex().extract(&text).unwrap().to_json(Some("d"));
        prop_assert_eq!(&a, &b);
        // and independent of the extractor instance
        let other = Extractor::new().unwrap();
        prop_assert_eq!(a, other.extract(&text).unwrap().to_json(Some("d")));
    }

    #[test]
    fn contract_json_round_trips(text in document()) {
        let json = ex().extract(&text).unwrap().to_json(Some("rt"));
        let v: Value = serde_json::from_str(&json).unwrap();
        let again: Value = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        prop_assert_eq!(&v, &again);
        let pretty: Value = serde_json::from_str(&ex().extract(&text).unwrap().to_json_pretty(Some("rt"))).unwrap();
        prop_assert_eq!(v, pretty);
    }

    #[test]
    fn graph_json_round_trips(docs in prop::collection::vec(document(), 1..4)) {
        let mut g = Graph::new();
        for (i, text) in docs.iter().enumerate() {
            g.add_document(&format!("doc-{i}"), &ex().extract(text).unwrap());
        }
        let json = graph_json::to_string(&g);
        let back = graph_json::read(json.as_bytes()).unwrap();
        prop_assert_eq!(back.nodes().len(), g.nodes().len());
        prop_assert_eq!(back.edges().len(), g.edges().len());
        prop_assert_eq!(back.events().len(), g.events().len());
        prop_assert_eq!(graph_json::to_string(&back), json);
    }

    #[test]
    fn an_unrelated_sentence_at_the_end_removes_no_event(text in document()) {
        let before = event_keys(&ex().extract(&text).unwrap());
        let longer = format!("{text} The weather was mild.");
        let after = event_keys(&ex().extract(&longer).unwrap());
        let lost: Vec<_> = before.difference(&after).collect();
        prop_assert!(lost.is_empty(), "lost {:?}", lost);
    }
}
