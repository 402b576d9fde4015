//! Exports of a [`Graph`] (and of a [`Document`](crate::Document) as a page): one file per
//! format.
//!
//! | format | function | shape |
//! | --- | --- | --- |
//! | contract JSON | [`Document::write_json`](crate::Document::write_json) | one object per document, `CONTRACT.md` |
//! | graph JSON | [`graph_json::write`] | `{"format": "newsgraph-graph", "version": 1, "documents", "nodes", "edges", "events"}` |
//! | GraphViz DOT | [`dot::write`] | a `digraph`; undirected relations have `dir=none` |
//! | GraphML | [`graphml::write`] | typed `<key>`s; reads in Gephi, yEd, NetworkX |
//! | CSV | [`csv::write_dir`] | `nodes.csv` and `edges.csv` for `neo4j-admin database import` |
//! | HTML | [`html::document_page`], [`html::graph_page`] | one self-contained page, no network |
//!
//! The graph's shape (how events become edges, how documents merge) is described in
//! [`crate::graph`]. Every format names nodes `n0, n1, ...`, edges `r0, r1, ...` and events
//! `ev0, ev1, ...` as [`Graph::nodes`], [`Graph::edges`] and [`Graph::events`] order them.

pub mod csv;
pub mod dot;
pub mod graph_json;
pub mod graphml;
pub mod html;

use std::io::{self, Write};
use std::path::Path;

use crate::graph::Graph;

/// A single-file graph format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The documented graph JSON of [`graph_json`].
    GraphJson,
    /// GraphViz DOT, [`dot`].
    Dot,
    /// GraphML, [`graphml`].
    GraphMl,
    /// A self-contained HTML page, [`html::graph_page`].
    Html,
}

impl Format {
    /// The format for a command-line name: `graph-json`, `dot`, `graphml`, `html`.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "graph-json" | "graphjson" => Format::GraphJson,
            "dot" | "gv" => Format::Dot,
            "graphml" => Format::GraphMl,
            "html" => Format::Html,
            _ => return None,
        })
    }

    /// The format for a file name's extension: `.json`, `.dot`/`.gv`, `.graphml`, `.html`/`.htm`.
    pub fn from_path(path: impl AsRef<Path>) -> Option<Format> {
        let ext = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "json" => Format::GraphJson,
            "dot" | "gv" => Format::Dot,
            "graphml" => Format::GraphMl,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }
}

/// Writes `graph` in `format`.
///
/// # Errors
/// Only the writer's I/O errors.
pub fn write_graph(graph: &Graph, format: Format, w: impl Write) -> io::Result<()> {
    match format {
        Format::GraphJson => graph_json::write(graph, w),
        Format::Dot => dot::write(graph, w),
        Format::GraphMl => graphml::write(graph, w),
        Format::Html => {
            let mut w = w;
            w.write_all(html::graph_page(graph, "newsgraph").as_bytes())
        }
    }
}

/// True for characters XML 1.0 allows (and HTML does not flag as errors).
fn xml_char_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (!c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Appends `s` escaped for XML and HTML text and attribute values: `& < > " '` become
/// references, characters XML forbids (C0/C1 controls other than tab and newlines,
/// U+FFFE, U+FFFF) are dropped.
pub(crate) fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if xml_char_ok(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` escaped for XML and HTML (see `escape_into`).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("<script>alert('x&y')</script>\"\u{0}\u{7}\u{FFFF}\tok\n"),
            "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;&quot;\tok\n"
        );
    }

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(Format::from_path("out.GraphML"), Some(Format::GraphMl));
        assert_eq!(Format::from_path("a/b.json"), Some(Format::GraphJson));
        assert_eq!(Format::from_path("x.gv"), Some(Format::Dot));
        assert_eq!(Format::from_path("x.htm"), Some(Format::Html));
        assert_eq!(Format::from_path("x.csv"), None);
        assert_eq!(Format::from_name("graph-json"), Some(Format::GraphJson));
        assert_eq!(Format::from_name("json"), None);
    }
}
