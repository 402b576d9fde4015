//! CSV for `neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv`.
//!
//! `nodes.csv`:
//!
//! ```text
//! id:ID,name,type,key,kb,aliases:string[],documents:int,mentions:int,attrs,:LABEL
//! "n0","Xi Jinping","PERSON","wikidata:Q15031","wikidata:Q15031","Xi",2,3,"{""country"":""CN""}","Entity;Person"
//! ```
//!
//! `edges.csv`:
//!
//! ```text
//! :START_ID,:END_ID,:TYPE,id,status,directed:boolean,count:int,documents:string[],time_min,time_max,events:string[]
//! "n0","n1","MEET","r0","occurred",false,1,"doc-1;doc-2","2022-09","2022-09","ev0"
//! ```
//!
//! Every string is quoted (`"` doubled); line breaks become spaces (neo4j-admin reads
//! single-line fields by default); arrays use neo4j's default delimiter `;`, and a `;`
//! inside an element becomes `,`. Labels are `Entity` plus the type in CamelCase
//! (`Person`, `Location`, `Organization`, `Nationality`, `Event`); relationship types are the
//! event types (`MEET`, `CALL`, `VISIT`). `attrs` is the attribute map as a JSON string.

use std::io::{self, Write};
use std::path::Path;

use crate::doc::EntityKind;
use crate::graph::Graph;

/// `s` as a quoted CSV field.
fn field(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\"\""),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A neo4j array field: elements joined by `;`.
fn array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.into_iter().map(|s| s.replace(';', ",")).collect();
    field(&v.join(";"))
}

fn label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Person",
        EntityKind::Location => "Location",
        EntityKind::Organization => "Organization",
        EntityKind::Nationality => "Nationality",
        EntityKind::Event => "Event",
        EntityKind::Title => "Title",
        EntityKind::GivenName => "GivenName",
        EntityKind::Surname => "Surname",
    }
}

/// Writes `nodes.csv`.
///
/// # Errors
/// Only the writer's I/O errors.
pub fn write_nodes(graph: &Graph, w: impl Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    writeln!(
        w,
        "id:ID,name,type,key,kb,aliases:string[],documents:int,mentions:int,attrs,:LABEL"
    )?;
    for n in graph.nodes() {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{}",
            field(&n.id.to_string()),
            field(&n.name),
            field(n.kind.as_str()),
            field(&n.key),
            n.kb.as_deref().map(field).unwrap_or_default(),
            array(n.aliases.iter().map(String::as_str)),
            n.documents,
            n.mentions,
            field(&serde_json::to_string(&n.attrs).unwrap_or_default()),
            field(&format!("Entity;{}", label(n.kind))),
        )?;
    }
    w.flush()
}

/// Writes `edges.csv`.
///
/// # Errors
/// Only the writer's I/O errors.
pub fn write_edges(graph: &Graph, w: impl Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    writeln!(
        w,
        ":START_ID,:END_ID,:TYPE,id,status,directed:boolean,count:int,documents:string[],time_min,time_max,events:string[]"
    )?;
    for e in graph.edges() {
        let events: Vec<String> = e.events.iter().map(|e| e.to_string()).collect();
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{}",
            field(&e.source.to_string()),
            field(&e.target.to_string()),
            field(&e.kind),
            field(&e.id.to_string()),
            field(e.status.as_str()),
            e.directed,
            e.count(),
            array(e.documents.iter().map(String::as_str)),
            e.time_min.as_deref().map(field).unwrap_or_default(),
            e.time_max.as_deref().map(field).unwrap_or_default(),
            array(events.iter().map(String::as_str)),
        )?;
    }
    w.flush()
}

/// Writes `nodes.csv` and `edges.csv` into `dir`, creating it when missing.
///
/// # Errors
/// Creating the directory or writing the files.
pub fn write_dir(graph: &Graph, dir: impl AsRef<Path>) -> io::Result<()> {
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir)?;
    write_nodes(graph, std::fs::File::create(dir.join("nodes.csv"))?)?;
    write_edges(graph, std::fs::File::create(dir.join("edges.csv"))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{doc_a, doc_b};

    /// Splits one CSV line into fields (quoted fields with doubled quotes).
    fn split(line: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    out.last_mut().unwrap().push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => out.push(String::new()),
                (c, _) => out.last_mut().unwrap().push(c),
            }
        }
        assert!(!quoted, "unterminated quote in {line}");
        out
    }

    #[test]
    fn neo4j_headers_and_rows() {
        let mut g = Graph::new();
        g.add_document("a", &doc_a());
        g.add_document("b;\"x\"\nline", &doc_b());
        let mut n = Vec::new();
        write_nodes(&g, &mut n).unwrap();
        let mut e = Vec::new();
        write_edges(&g, &mut e).unwrap();
        let (n, e) = (String::from_utf8(n).unwrap(), String::from_utf8(e).unwrap());
        let nh = split(n.lines().next().unwrap());
        assert!(nh.contains(&"id:ID".to_string()) && nh.contains(&":LABEL".to_string()));
        assert_eq!(n.lines().count(), g.nodes().len() + 1);
        for l in n.lines().skip(1) {
            assert_eq!(split(l).len(), nh.len(), "{l}");
        }
        let row = split(n.lines().nth(1).unwrap());
        assert_eq!(row[0], "n0");
        assert_eq!(row[1], "Xi Jinping");
        assert_eq!(row[9], "Entity;Person");
        let eh = split(e.lines().next().unwrap());
        assert_eq!(eh[..3], [":START_ID", ":END_ID", ":TYPE"]);
        assert_eq!(e.lines().count(), g.edges().len() + 1);
        let r0 = split(e.lines().nth(1).unwrap());
        assert_eq!(r0.len(), eh.len());
        assert_eq!(r0[..5], ["n0", "n1", "MEET", "r0", "occurred"]);
        assert_eq!(r0[7], "a;b,\"x\" line");
        let dir = std::env::temp_dir().join(format!("newsgraph-csv-{}", std::process::id()));
        write_dir(&g, &dir).unwrap();
        assert!(dir.join("nodes.csv").exists() && dir.join("edges.csv").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
