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

const HEADER: &str = "id\ttype\tname\taliases\tattrs\n";

/// Every malformed gazetteer line: an error with file:line:column and a hint.
#[test]
fn every_malformed_gazetteer_line_names_its_place_with_a_hint() {
    let bad = [
        ("x:1\tPERSON\tBob\n", 2, ErrorKind::GazetteerSyntax),
        ("x:1\tPERSON\tBob\t\t\t\n", 2, ErrorKind::GazetteerSyntax),
        ("\tPERSON\tBob\t\t\n", 2, ErrorKind::GazetteerSyntax),
        ("x 1\tPERSON\tBob\t\t\n", 2, ErrorKind::GazetteerSyntax),
        ("x:1\tPERSN\tBob\t\t\n", 2, ErrorKind::UnknownEntityKind),
        ("x:1\tperson\tBob\t\t\n", 2, ErrorKind::UnknownEntityKind),
        ("x:1\tPERSON\t \t\t\n", 2, ErrorKind::GazetteerSyntax),
        ("x:1\tPERSON\tBob\tB||C\t\n", 2, ErrorKind::GazetteerSyntax),
        ("x:1\tPERSON\tBob\t|B\t\n", 2, ErrorKind::GazetteerSyntax),
        (
            "x:1\tPERSON\tBob\t\tcountry\n",
            2,
            ErrorKind::GazetteerSyntax,
        ),
        (
            "x:1\tPERSON\tBob\t\tc ountry=BY\n",
            2,
            ErrorKind::GazetteerSyntax,
        ),
        (
            "x:1\tPERSON\tBob\t\tc=1;c=2\n",
            2,
            ErrorKind::GazetteerSyntax,
        ),
        ("x:1\tPERSON\tBo\u{7}b\t\t\n", 2, ErrorKind::GazetteerSyntax),
        (
            "# ok\n\nx:1\tPERSON\tBob\t\t\nx:2\tLOCATION\t\t\t\n",
            5,
            ErrorKind::GazetteerSyntax,
        ),
    ];
    for (rows, line, kind) in bad {
        let src = format!("{HEADER}{rows}");
        let err = Extractor::builder()
            .gazetteer_source("mine.tsv", &src)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{rows:?}: {err}");
        let loc = err
            .location()
            .unwrap_or_else(|| panic!("{rows:?}: no location: {err}"));
        assert_eq!(
            (loc.path.as_str(), loc.line),
            ("mine.tsv", line),
            "{rows:?}: {err}"
        );
        assert!(loc.column >= 1, "{rows:?}: {err}");
        assert!(err.hint().is_some(), "{rows:?}: no hint: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("mine.tsv:{line}:{}: ", loc.column)),
            "{err}"
        );
    }
    // a missing or wrong header
    for src in ["x:1\tPERSON\tBob\t\t\n", "id,type,name,aliases,attrs\n"] {
        let err = Extractor::builder()
            .gazetteer_source("h.tsv", src)
            .build()
            .unwrap_err();
        assert_eq!(err.location().unwrap().line, 1, "{err}");
        assert!(err.hint().is_some(), "{err}");
    }
}

#[test]
fn duplicate_gazetteer_ids_are_rejected() {
    // within one of the caller's files
    let src = format!("{HEADER}me:1\tPERSON\tAda Lovelace\t\t\nme:1\tPERSON\tAlan Turing\t\t\n");
    let err = Extractor::builder()
        .gazetteer_source("mine.tsv", &src)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateEntry, "{err}");
    assert_eq!(err.location().unwrap().line, 3, "{err}");
    assert!(
        err.to_string().contains("first defined at mine.tsv:2"),
        "{err}"
    );
    assert!(err.hint().is_some());
    // across two of the caller's files, one of them on disk
    let dir = std::env::temp_dir().join(format!("ng-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("b.tsv");
    std::fs::write(&path, format!("{HEADER}me:1\tPERSON\tAlan Turing\t\t\n")).unwrap();
    let one = format!("{HEADER}me:1\tPERSON\tAda Lovelace\t\t\n");
    let err = Extractor::builder()
        .gazetteer_source("a.tsv", &one)
        .gazetteer_file(&path)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateEntry, "{err}");
    assert!(err.location().unwrap().path.ends_with("b.tsv"), "{err}");
    // without the defaults, the same holds
    let err = Extractor::builder()
        .defaults(false)
        .gazetteer_source("mine.tsv", &src)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateEntry, "{err}");
    // a caller's row may replace a built-in one (documented)
    let id = "iso3166:BY";
    let replace = format!("{HEADER}{id}\tLOCATION\tBelarus\tBelarusia\tkind=country;country=BY\n");
    let ex = Extractor::builder()
        .gazetteer_source("mine.tsv", &replace)
        .build()
        .unwrap();
    let doc = ex.extract("Lukashenko flew back to Belarusia.").unwrap();
    assert!(
        doc.entity_named("Belarusia").is_some(),
        "{:?}",
        doc.entities()
    );
    // ... but only once: a second row of the caller's with that id is an error
    let twice = format!("{replace}{id}\tLOCATION\tBelarus\tBielorussia\tkind=country;country=BY\n");
    let err = Extractor::builder()
        .gazetteer_source("mine.tsv", &twice)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateEntry, "{err}");
    assert!(
        err.to_string().contains("first defined at mine.tsv:2"),
        "{err}"
    );
}

/// Malformed rule files: an error with file:line:column, and the kinds the docs promise.
#[test]
fn every_malformed_rule_names_its_place() {
    let bad = [
        ("rule\n", ErrorKind::RuleSyntax),
        ("rule a.b\n", ErrorKind::RuleSyntax),
        ("rule a.b\n  type MEET\n", ErrorKind::RuleSyntax),
        (
            "rule a.b\n  pattern participant:@PERSON met participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON ( met participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON met ) participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSN met participant:@PERSON\n",
            ErrorKind::UnknownEntityKind,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON $NO_SUCH participant:@PERSON\n",
            ErrorKind::UnknownName,
        ),
        (
            "rule a.b\n  type MEET\n  pattern nobody:@PERSON met participant:@PERSON\n",
            ErrorKind::UnknownName,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON met{2,1} participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON met{99999999999999999999} participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON met* participant:@PERSON\n  priority x\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  status maybe\n  pattern participant:@PERSON met participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON \"met participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON /me(t/ participant:@PERSON\n",
            ErrorKind::RuleSyntax,
        ),
        (
            "rule a.b\n  type MEET\n  pattern participant:@PERSON met participant:@PERSON\nrule a.b\n  type MEET\n  pattern participant:@PERSON met participant:@PERSON\n",
            ErrorKind::DuplicateEntry,
        ),
        ("class A = x\nclass A = y\n", ErrorKind::DuplicateEntry),
        ("class = x\n", ErrorKind::RuleSyntax),
        ("bogus line\n", ErrorKind::RuleSyntax),
        ("  indented first\n", ErrorKind::RuleSyntax),
    ];
    let mut without_hint = Vec::new();
    for (src, kind) in bad {
        let err = RuleSet::from_sources(&[("mine.rules", src)]).unwrap_err();
        assert_eq!(err.kind(), kind, "{src:?}: {err}");
        let loc = err
            .location()
            .unwrap_or_else(|| panic!("{src:?}: no location: {err}"));
        assert_eq!(loc.path, "mine.rules", "{err}");
        assert!(loc.line >= 1 && loc.column >= 1, "{err}");
        assert!(loc.line <= src.lines().count().max(1) + 1, "{src:?}: {err}");
        if err.hint().is_none() {
            without_hint.push(err.to_string());
        }
        // the caret rendering never panics
        let _ = newsgraph::pattern::render_error(&err, src);
    }
    assert!(
        without_hint.is_empty(),
        "errors without a hint: {without_hint:#?}"
    );
}

/// A run-on sentence of meetings with times: the event stage once scanned the sentence per
/// time and per trigger (cubic: 56 kB took minutes). Each meeting still gets its own time.
#[test]
fn a_run_on_sentence_of_meetings_with_times() {
    let text = "Xi met Putin on Tuesday and ".repeat(3_000) + "Lukashenko.";
    let doc = Extractor::builder()
        .build()
        .unwrap()
        .extract_with_date(&text, newsgraph::Date::parse("2023-03-02"))
        .unwrap();
    spans_ok(&text, &doc);
    assert!(!doc.events().is_empty());
    assert!(
        doc.events()
            .iter()
            .all(|e| e.arg(newsgraph::Role::Time).is_some()),
        "every meeting has its time"
    );
    let text = "Xi met Putin at the SCO summit in Samarkand and ".repeat(2_000) + "left.";
    let doc = ex().extract(&text).unwrap();
    spans_ok(&text, &doc);
}
