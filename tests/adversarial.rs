//! Adversarial input: pathological shapes at moderate sizes must complete, keep the span
//! invariants, and the document size limit must give a clear error. Nothing here asserts on
//! wall-clock time; `scripts/adversarial.sh` measures how time grows with size (2x input
//! must stay within 2.3x time).

use newsgraph::pattern::RuleSet;
use newsgraph::{ErrorKind, Extractor, Span};

fn ex() -> Extractor {
    Extractor::new().unwrap()
}

fn spans_ok(text: &str, doc: &newsgraph::Document) {
    let ok = |s: Span| {
        s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    };
    for e in doc.entities() {
        assert!(e.mentions.iter().all(|&m| ok(m)));
    }
    assert!(doc.times().iter().all(|t| ok(t.span)));
    for ev in doc.events() {
        assert!(ev.args.iter().all(|a| ok(a.span)));
        assert!(ok(ev.evidence.span) && ok(ev.evidence.trigger));
    }
}

#[test]
fn a_long_line_without_spaces() {
    let text = "abcdefghij".repeat(100_000); // 1 MB, one token
    let doc = ex().extract(&text).unwrap();
    assert!(doc.events().is_empty());
    let text = "Xi,Putin;Minsk.".repeat(20_000);
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
}

#[test]
fn a_long_coordination_of_the_same_name() {
    // "Xi and Xi and Xi and ..." (about 100 kB) in one sentence, then a verb
    let mut text = "Xi and ".repeat(15_000);
    text.push_str("Putin met Lukashenko in Minsk.");
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
    let xi = doc.entity_named("Xi").expect("Xi is an entity");
    assert_eq!(xi.mentions.len(), 15_000);
}

#[test]
fn deeply_nested_quotes_and_parentheses() {
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(["(", "\"", "“", "'", "["][i % 5]);
    }
    text.push_str("Xi met Putin in Moscow.");
    for i in (0..n).rev() {
        text.push_str([")", "\"", "”", "'", "]"][i % 5]);
    }
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
    // unbalanced: only openers
    let text = "((((\"\"\"“".repeat(5_000) + " Xi met Putin.";
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
}

#[test]
fn a_sentence_of_many_capitalised_words() {
    let words = [
        "Alpha",
        "Bravo",
        "Charlie",
        "Delta",
        "Echo",
        "Foxtrot",
        "Golf",
        "Hotel",
        "India",
        "Juliet",
        "Kilo",
        "Lima",
        "President",
        "Minister",
        "Xi",
        "Minsk",
        "Ministry",
        "Organization",
        "University",
        "Putin",
    ];
    let text: Vec<&str> = (0..10_000)
        .map(|i| words[(i * 7 + i / 3) % words.len()])
        .collect();
    let text = text.join(" ") + " met Lukashenko.";
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
}

#[test]
fn many_sentences_of_meetings() {
    let text = "Xi Jinping met Alexander Lukashenko in Beijing on Tuesday. ".repeat(2_000);
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
    assert!(!doc.events().is_empty());
}

#[test]
fn combining_marks_and_astral_characters() {
    let text = "X\u{0301}\u{0308}i 🙂 met P\u{0327}utin 日本 ".repeat(5_000);
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
    let text = "\u{0301}".repeat(50_000);
    ex().extract(&text).unwrap();
}

/// A rule with many optional parts compiles and runs over a long sentence.
#[test]
fn a_rule_with_many_optional_parts() {
    let mut pattern = String::from("participant:@PERSON");
    for i in 0..40 {
        pattern.push_str(&format!(" ( w{i} )?"));
    }
    pattern.push_str(" trigger:lunched ( ( with | and | , )+ participant:@PERSON )*");
    let src = format!("rule many.optional\n  type MEET\n  pattern {pattern}\n");
    RuleSet::from_sources(&[("many.rules", &src)]).unwrap();
    // a repetition of something that can match nothing is refused when compiling
    let empty_loop = "rule bad.loop\n  type MEET\n  pattern participant:@PERSON met ( with? participant:@PERSON? )*\n";
    let err = RuleSet::from_sources(&[("loop.rules", empty_loop)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RuleSyntax, "{err}");
    let ex = Extractor::builder()
        .rule_source("many.rules", &src)
        .build()
        .unwrap();
    let mut text = String::from("Xi ");
    for i in 0..40 {
        text.push_str(&format!("w{i} "));
    }
    text.push_str("lunched");
    text.push_str(&" with Putin and".repeat(3_000));
    text.push_str(" Lukashenko.");
    let doc = ex.extract(&text).unwrap();
    spans_ok(&text, &doc);
    assert!(
        doc.events()
            .iter()
            .any(|e| e.evidence.rule == "many.optional")
    );
}

#[test]
fn the_maximum_document_size_is_a_clear_error() {
    let text = "Xi met Putin in Moscow.";
    let exact = Extractor::builder()
        .max_document_bytes(text.len())
        .build()
        .unwrap();
    assert!(
        exact.extract(text).is_ok(),
        "a document of exactly the maximum is accepted"
    );
    let small = Extractor::builder()
        .max_document_bytes(text.len() - 1)
        .build()
        .unwrap();
    let err = small.extract(text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DocumentTooLarge);
    let msg = err.to_string();
    assert!(msg.contains(&format!("{} bytes", text.len())), "{msg}");
    assert!(
        msg.contains(&format!("maximum of {} bytes", text.len() - 1)),
        "{msg}"
    );
    assert!(err.hint().unwrap().contains("max_document_bytes"), "{msg}");
    // the default is 16 MiB
    let big = "a".repeat(newsgraph::extract::DEFAULT_MAX_DOCUMENT_BYTES + 1);
    assert_eq!(
        ex().extract(&big).unwrap_err().kind(),
        ErrorKind::DocumentTooLarge
    );
    let zero = Extractor::builder().max_document_bytes(0).build().unwrap();
    assert!(zero.extract("").is_ok());
    assert!(zero.extract(" ").is_err());
}

#[test]
fn empty_and_whitespace_documents() {
    for text in [
        "",
        " ",
        "\n\n\n",
        "\r\n",
        "\u{FEFF}",
        ".",
        "...",
        "\0",
        "\u{2028}\u{2029}",
    ] {
        let doc = ex().extract(text).unwrap();
        spans_ok(text, &doc);
        assert!(doc.events().is_empty(), "{text:?}");
    }
}
