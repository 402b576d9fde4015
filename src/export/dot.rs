//! GraphViz DOT: `dot -Tsvg graph.dot > graph.svg`.
//!
//! One `digraph`. Nodes are `n0, n1, ...` with `label` (the name), a shape and colour per
//! entity type (people ellipses, places boxes, organisations hexagons) and the attributes
//! `type`, `key`, `kb`. Edges carry `label` (`MEET ×2` and the time range), `type`,
//! `status`, `count`, `events` and `time_min`/`time_max`; relations between participants have
//! `dir=none`, planned ones are dashed, negated ones dotted and grey.

use std::io::{self, Write};

use crate::doc::{EntityKind, Status};
use crate::graph::Graph;

/// `s` as a DOT double-quoted string (with the quotes): `\` and `"` escaped, line breaks as
/// `\n`, other control characters dropped.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The fill colour of an entity type (shared with the HTML page).
pub(crate) fn kind_color(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "#4e79a7",
        EntityKind::Location => "#59a14f",
        EntityKind::Organization => "#e15759",
        EntityKind::Nationality => "#b07aa1",
        EntityKind::Event => "#f28e2b",
        _ => "#9c9c9c",
    }
}

fn shape(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "ellipse",
        EntityKind::Location => "box",
        EntityKind::Organization => "hexagon",
        EntityKind::Event => "diamond",
        _ => "octagon",
    }
}

/// The label of an edge: type, count and time range.
pub(crate) fn edge_label(e: &crate::graph::Edge) -> String {
    let mut s = e.kind.clone();
    if e.count() > 1 {
        s.push_str(&format!(" ×{}", e.count()));
    }
    match (&e.time_min, &e.time_max) {
        (Some(a), Some(b)) if a == b => s.push_str(&format!("\n{a}")),
        (Some(a), Some(b)) => s.push_str(&format!("\n{a} – {b}")),
        _ => {}
    }
    s
}

/// Writes the graph as DOT.
///
/// # Errors
/// Only the writer's I/O errors.
pub fn write(graph: &Graph, w: impl Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    writeln!(w, "digraph newsgraph {{")?;
    writeln!(
        w,
        "  graph [overlap=false, splines=true, fontname=\"Helvetica\"];"
    )?;
    writeln!(
        w,
        "  node [style=filled, fontname=\"Helvetica\", fontcolor=\"white\"];"
    )?;
    writeln!(w, "  edge [fontname=\"Helvetica\", fontsize=10];")?;
    for n in graph.nodes() {
        write!(
            w,
            "  {} [label={}, shape={}, fillcolor=\"{}\", color=\"{}\", type={}, key={}",
            n.id,
            quote(&n.name),
            shape(n.kind),
            kind_color(n.kind),
            kind_color(n.kind),
            quote(n.kind.as_str()),
            quote(&n.key)
        )?;
        if let Some(kb) = &n.kb {
            write!(w, ", kb={}", quote(kb))?;
        }
        writeln!(w, "];")?;
    }
    for e in graph.edges() {
        let (style, color) = match e.status {
            Status::Occurred => ("solid", "#333333"),
            Status::Planned => ("dashed", "#333333"),
            Status::Negated => ("dotted", "#aaaaaa"),
        };
        let events: Vec<String> = e.events.iter().map(|e| e.to_string()).collect();
        write!(
            w,
            "  {} -> {} [id={}, label={}, type={}, status={}, count={}, events={}, style={style}, color=\"{color}\"",
            e.source,
            e.target,
            quote(&e.id.to_string()),
            quote(&edge_label(e)),
            quote(&e.kind),
            quote(e.status.as_str()),
            e.count(),
            quote(&events.join(" ")),
        )?;
        if !e.directed {
            write!(w, ", dir=none")?;
        }
        if let Some(t) = &e.time_min {
            write!(w, ", time_min={}", quote(t))?;
        }
        if let Some(t) = &e.time_max {
            write!(w, ", time_max={}", quote(t))?;
        }
        writeln!(w, "];")?;
    }
    writeln!(w, "}}")?;
    w.flush()
}

/// The DOT text of a graph.
pub fn to_string(graph: &Graph) -> String {
    let mut v = Vec::new();
    write(graph, &mut v).expect("writing to a Vec cannot fail");
    String::from_utf8(v).expect("DOT output is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{doc_a, doc_b};

    #[test]
    fn quotes_strings() {
        assert_eq!(quote("a \"b\" \\N\nc\u{7}"), r#""a \"b\" \\N\nc""#);
    }

    #[test]
    fn shape_of_output() {
        let mut g = Graph::new();
        g.add_document("a", &doc_a());
        g.add_document("b", &doc_b());
        let d = to_string(&g);
        assert!(d.starts_with("digraph newsgraph {\n"));
        assert!(d.trim_end().ends_with('}'));
        assert!(d.contains("  n0 [label=\"Xi Jinping\", shape=ellipse"));
        assert!(d.contains("  n0 -> n1 [id=\"r0\", label=\"MEET\\n2022-09\""));
        assert!(d.contains("dir=none"));
        assert!(d.contains(
            "  n1 -> n4 [id=\"r2\", label=\"VISIT\\n2023-02-28 – 2023-03-02\", type=\"VISIT\", status=\"planned\""
        ));
        // every statement line ends with ';' and quotes are balanced
        for line in d.lines().filter(|l| l.starts_with("  ")) {
            assert!(line.ends_with(';'), "{line}");
            assert_eq!(
                line.replace("\\\"", "").matches('"').count() % 2,
                0,
                "{line}"
            );
        }
    }
}
