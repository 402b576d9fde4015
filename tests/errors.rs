//! Bad input files give errors that name file:line:column.

use newsgraph::{ErrorKind, Extractor};

#[test]
fn bad_gazetteer_line_names_file_line_column() {
    let dir = std::env::temp_dir().join(format!("ng-gaz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("people.tsv");
    std::fs::write(&path, "# my people\nid\ttype\tname\taliases\tattrs\nme:1\tPERSON\tAda Lovelace\t\t\nme:2\tPERSN\tAlan Turing\t\t\n").unwrap();
    let err = Extractor::builder()
        .gazetteer_file(&path)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownEntityKind);
    let loc = err.location().expect("a location");
    assert!(loc.path.ends_with("people.tsv"));
    assert_eq!((loc.line, loc.column), (4, 6));
    assert!(
        err.to_string()
            .contains("people.tsv:4:6: unknown entity type \"PERSN\""),
        "{err}"
    );
}

#[test]
fn gazetteer_file_with_invalid_utf8_names_the_place() {
    let dir = std::env::temp_dir().join(format!("ng-gaz-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.tsv");
    std::fs::write(
        &path,
        b"id\ttype\tname\taliases\tattrs\nx:1\tPERSON\tJos\xe9\t\t\n",
    )
    .unwrap();
    let err = Extractor::builder()
        .gazetteer_file(&path)
        .build()
        .unwrap_err();
    let loc = err.location().expect("a location");
    assert_eq!((loc.line, loc.column), (2, 15));
}

#[test]
fn missing_gazetteer_file_is_an_io_error() {
    let err = Extractor::builder()
        .gazetteer_file("/nonexistent/dir/g.tsv")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("/nonexistent/dir/g.tsv"));
}

#[test]
fn too_large_document_is_refused() {
    let ex = Extractor::builder().max_document_bytes(10).build().unwrap();
    let err = ex
        .extract("This text is longer than ten bytes.")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DocumentTooLarge);
}

#[test]
fn bad_rule_line_names_file_line_column() {
    let dir = std::env::temp_dir().join(format!("ng-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.rules");
    std::fs::write(
        &path,
        "# my rules\nrule my.meet\n  type MEET\n  pattern participant:@PERSON trigger:$MEET_VRB participant:@PERSON\n",
    )
    .unwrap();
    let err = Extractor::builder().rule_file(&path).build().unwrap_err();
    let loc = err.location().expect("a location");
    assert!(loc.path.ends_with("mine.rules"), "{err}");
    assert_eq!(loc.line, 4, "{err}");
    assert_eq!(loc.column, 39, "{err}");
    assert!(err.to_string().contains("MEET_VRB"), "{err}");
}

#[test]
fn unbalanced_rule_pattern_is_a_syntax_error() {
    let src =
        "rule my.bad\n  type CALL\n  pattern participant:@PERSON ( called participant:@PERSON\n";
    let err = Extractor::builder()
        .rule_source("inline.rules", src)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RuleSyntax);
    assert_eq!(err.location().unwrap().line, 3, "{err}");
}

#[test]
fn user_rules_run_beside_the_built_in_ones() {
    let src = "rule my.lunch\n  type MEET\n  pattern participant:@PERSON trigger:lunched with @TITLE* participant:@PERSON\n";
    let ex = Extractor::builder()
        .rule_source("lunch.rules", src)
        .build()
        .unwrap();
    let doc = ex
        .extract("President Emmanuel Macron lunched with Chancellor Olaf Scholz.")
        .unwrap();
    assert!(
        doc.events().iter().any(|e| e.evidence.rule == "my.lunch"),
        "{:?}",
        doc.events()
    );
    // the built-in rules are still there
    let doc = ex
        .extract("President Emmanuel Macron met Chancellor Olaf Scholz in Berlin.")
        .unwrap();
    assert!(doc.events().iter().any(|e| e.kind == "MEET"));
}
