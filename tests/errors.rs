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
