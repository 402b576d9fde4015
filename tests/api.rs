//! The public API: construction, thread safety, spans, JSON.

use newsgraph::{Date, Extractor};

#[test]
fn extractor_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Extractor>();
    assert_send_sync::<newsgraph::Document>();
}

#[test]
fn spans_slice_the_input() {
    let text =
        "Belarussian President Alexander Lukashenko met Xi Jinping in Beijing on Feb. 28, 2023.";
    let doc = Extractor::new().unwrap().extract(text).unwrap();
    assert!(!doc.entities().is_empty());
    for e in doc.entities() {
        for m in &e.mentions {
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
    }
    for t in doc.times() {
        assert!(text.get(t.span.start..t.span.end).is_some());
    }
}

#[test]
fn contract_json_has_the_fields() {
    let text = "Belarussian President Alexander Lukashenko met Chinese President Xi Jinping in Beijing on Tuesday.";
    let doc = Extractor::new()
        .unwrap()
        .extract_with_date(text, Date::parse("2023-03-01"))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&doc.to_json(Some("d1"))).unwrap();
    assert_eq!(v["id"], "d1");
    assert_eq!(v["date"], "2023-03-01");
    let ents = v["entities"].as_array().unwrap();
    let luka = ents
        .iter()
        .find(|e| e["name"] == "Alexander Lukashenko")
        .expect("Lukashenko");
    assert_eq!(luka["type"], "PERSON");
    assert_eq!(luka["attrs"]["title"], "President");
    assert_eq!(luka["attrs"]["country"], "Belarus");
    let m = &luka["mentions"][0];
    let (s, e) = (
        m["start"].as_u64().unwrap() as usize,
        m["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "Alexander Lukashenko");
    let ev = &v["events"][0];
    assert_eq!(ev["type"], "MEET");
    assert_eq!(ev["status"], "occurred");
    assert!(ev["rule"].as_str().is_some());
    let roles: Vec<&str> = ev["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["role"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"participant") && roles.contains(&"place") && roles.contains(&"time"),
        "{roles:?}"
    );
}

#[test]
fn empty_and_whitespace_documents_are_fine() {
    let ex = Extractor::new().unwrap();
    for t in ["", " ", "\n\n", "...", "\u{FEFF}"] {
        let doc = ex.extract(t).unwrap();
        assert!(doc.events().is_empty());
    }
}
