//! GraphML, as Gephi, yEd and NetworkX (`networkx.read_graphml`) read it.
//!
//! One `<graph edgedefault="directed">`; every attribute is declared as a typed `<key>`:
//!
//! | for | attr.name | attr.type | meaning |
//! | --- | --- | --- | --- |
//! | node | `label` | string | the name (Gephi's node label) |
//! | node | `type` | string | `PERSON`, `LOCATION`, `ORGANIZATION`, ... |
//! | node | `key` | string | the merge key |
//! | node | `kb` | string | the gazetteer id (absent when unknown) |
//! | node | `aliases` | string | other surface forms, joined by ` \| ` |
//! | node | `documents`, `mentions` | int | counts over the corpus |
//! | node | `attr_<name>` | string | each entity attribute (`attr_title`, `attr_country`, ...) |
//! | edge | `label` | string | `MEET ×2` |
//! | edge | `type`, `status` | string | event type and status |
//! | edge | `directed` | boolean | `false` for relations between participants |
//! | edge | `count` | int | the number of events |
//! | edge | `weight` | double | the same number (Gephi's edge weight) |
//! | edge | `documents` | int | the number of documents reporting them |
//! | edge | `document_ids` | string | their ids, joined by ` \| ` |
//! | edge | `time_min`, `time_max` | string | TIMEX3 values (absent when unknown) |
//! | edge | `events` | string | event ids, space-separated (`ev0 ev3`) |
//!
//! Undirected relations are written once, from the node with the smaller id, with
//! `directed=false` as data rather than as the XML attribute (NetworkX refuses mixed graphs).
//! Node ids are `n0, n1, ...`, edge ids `r0, r1, ...`; parallel edges (a meeting and a call
//! between the same two people) make NetworkX return a `MultiDiGraph`. yEd shows the data
//! under *Edit → Properties Mapper* (map `label` to the node label).

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::escape;
use crate::graph::Graph;

/// Writes the graph as GraphML.
///
/// # Errors
/// Only the writer's I/O errors.
pub fn write(graph: &Graph, w: impl Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    let node_keys = [
        ("label", "string"),
        ("type", "string"),
        ("key", "string"),
        ("kb", "string"),
        ("aliases", "string"),
        ("documents", "int"),
        ("mentions", "int"),
    ];
    for (name, ty) in node_keys {
        writeln!(
            w,
            r#"  <key id="n_{name}" for="node" attr.name="{name}" attr.type="{ty}"/>"#
        )?;
    }
    let attr_names: BTreeSet<&str> = graph
        .nodes()
        .iter()
        .flat_map(|n| n.attrs.keys().map(String::as_str))
        .collect();
    let attr_names: Vec<&str> = attr_names.into_iter().collect();
    for (i, a) in attr_names.iter().enumerate() {
        writeln!(
            w,
            r#"  <key id="n_attr{i}" for="node" attr.name="attr_{}" attr.type="string"/>"#,
            escape(a)
        )?;
    }
    let edge_keys = [
        ("label", "string"),
        ("type", "string"),
        ("status", "string"),
        ("directed", "boolean"),
        ("count", "int"),
        ("weight", "double"),
        ("documents", "int"),
        ("document_ids", "string"),
        ("time_min", "string"),
        ("time_max", "string"),
        ("events", "string"),
    ];
    for (name, ty) in edge_keys {
        writeln!(
            w,
            r#"  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="{ty}"/>"#
        )?;
    }
    writeln!(w, r#"  <graph id="newsgraph" edgedefault="directed">"#)?;
    let data = |w: &mut io::BufWriter<_>, key: &str, v: &str| -> io::Result<()> {
        writeln!(w, r#"      <data key="{key}">{}</data>"#, escape(v))
    };
    for n in graph.nodes() {
        writeln!(w, r#"    <node id="{}">"#, n.id)?;
        data(&mut w, "n_label", &n.name)?;
        data(&mut w, "n_type", n.kind.as_str())?;
        data(&mut w, "n_key", &n.key)?;
        if let Some(kb) = &n.kb {
            data(&mut w, "n_kb", kb)?;
        }
        if !n.aliases.is_empty() {
            let a: Vec<&str> = n.aliases.iter().map(String::as_str).collect();
            data(&mut w, "n_aliases", &a.join(" | "))?;
        }
        data(&mut w, "n_documents", &n.documents.to_string())?;
        data(&mut w, "n_mentions", &n.mentions.to_string())?;
        for (k, v) in &n.attrs {
            if let Ok(i) = attr_names.binary_search(&k.as_str()) {
                data(&mut w, &format!("n_attr{i}"), v)?;
            }
        }
        writeln!(w, "    </node>")?;
    }
    for e in graph.edges() {
        writeln!(
            w,
            r#"    <edge id="{}" source="{}" target="{}">"#,
            e.id, e.source, e.target
        )?;
        let label = if e.count() > 1 {
            format!("{} ×{}", e.kind, e.count())
        } else {
            e.kind.clone()
        };
        data(&mut w, "e_label", &label)?;
        data(&mut w, "e_type", &e.kind)?;
        data(&mut w, "e_status", e.status.as_str())?;
        data(
            &mut w,
            "e_directed",
            if e.directed { "true" } else { "false" },
        )?;
        data(&mut w, "e_count", &e.count().to_string())?;
        data(&mut w, "e_weight", &format!("{:.1}", e.count() as f64))?;
        data(&mut w, "e_documents", &e.documents.len().to_string())?;
        let docs: Vec<&str> = e.documents.iter().map(String::as_str).collect();
        data(&mut w, "e_document_ids", &docs.join(" | "))?;
        if let Some(t) = &e.time_min {
            data(&mut w, "e_time_min", t)?;
        }
        if let Some(t) = &e.time_max {
            data(&mut w, "e_time_max", t)?;
        }
        let evs: Vec<String> = e.events.iter().map(|e| e.to_string()).collect();
        data(&mut w, "e_events", &evs.join(" "))?;
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")?;
    w.flush()
}

/// The GraphML text of a graph.
pub fn to_string(graph: &Graph) -> String {
    let mut v = Vec::new();
    write(graph, &mut v).expect("writing to a Vec cannot fail");
    String::from_utf8(v).expect("GraphML output is UTF-8")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::doc::EntityKind;
    use crate::graph::tests::{doc_a, doc_b};

    /// A small well-formedness check for the XML this module writes: tags nest and close,
    /// attribute values are quoted, text holds no raw `<` or bare `&`. Returns the elements
    /// as (name, attributes, text).
    fn parse(xml: &str) -> Vec<(String, HashMap<String, String>, String)> {
        let mut out: Vec<(String, HashMap<String, String>, String)> = Vec::new();
        let mut stack: Vec<(String, usize)> = Vec::new();
        let mut rest = xml
            .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
            .unwrap();
        let check_text = |t: &str| {
            assert!(!t.contains('>'), "raw > in {t:?}");
            for (i, _) in t.match_indices('&') {
                let ent = &t[i..t[i..]
                    .find(';')
                    .map(|j| i + j + 1)
                    .expect("unterminated entity")];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&ent),
                    "bad entity {ent}"
                );
            }
        };
        while let Some(i) = rest.find('<') {
            let text = &rest[..i];
            check_text(text);
            if let Some((_, idx)) = stack.last() {
                out[*idx].2.push_str(text);
            } else {
                assert!(text.trim().is_empty());
            }
            let j = rest[i..].find('>').expect("unclosed tag") + i;
            let tag = &rest[i + 1..j];
            rest = &rest[j + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let (open, _) = stack.pop().expect("close without open");
                assert_eq!(open, name);
                continue;
            }
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().unwrap().to_string();
            let mut attrs = HashMap::new();
            let mut a = tag[name.len()..].trim();
            while !a.is_empty() {
                let eq = a.find("=\"").expect("attribute without quoted value");
                let k = a[..eq].trim().to_string();
                let end = a[eq + 2..].find('"').unwrap() + eq + 2;
                let v = &a[eq + 2..end];
                check_text(v);
                assert!(!v.contains('<'));
                assert!(
                    attrs.insert(k, v.to_string()).is_none(),
                    "duplicate attribute"
                );
                a = a[end + 1..].trim_start();
            }
            out.push((name.clone(), attrs, String::new()));
            if !self_closing {
                stack.push((name, out.len() - 1));
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        assert!(rest.trim().is_empty());
        out
    }

    #[test]
    fn well_formed_with_declared_typed_keys() {
        let mut g = Graph::new();
        g.add_document("a", &doc_a());
        g.add_document("b & <c>", &doc_b());
        let n = g.add_node(EntityKind::Person, "Evil <b>\"name\"</b> & co\u{1}", None);
        g.add_event(crate::graph::GraphEvent {
            kind: "MEET".into(),
            participants: vec![n, crate::graph::NodeId::new(0)],
            ..Default::default()
        });
        let xml = to_string(&g);
        let els = parse(&xml);
        assert_eq!(els[0].0, "graphml");
        let keys: HashMap<&str, (&str, &str)> = els
            .iter()
            .filter(|e| e.0 == "key")
            .map(|e| {
                let ty = e.1["attr.type"].as_str();
                assert!(["string", "int", "double", "boolean"].contains(&ty));
                (e.1["id"].as_str(), (e.1["for"].as_str(), ty))
            })
            .collect();
        let mut owner = "";
        let (mut nodes, mut edges) = (0, 0);
        for (name, attrs, text) in &els {
            match name.as_str() {
                "node" => (owner, nodes) = ("node", nodes + 1),
                "edge" => (owner, edges) = ("edge", edges + 1),
                "data" => {
                    let (f, ty) = keys[attrs["key"].as_str()];
                    assert_eq!(f, owner, "{} used on a {owner}", attrs["key"]);
                    match ty {
                        "int" => assert!(text.parse::<i64>().is_ok(), "{text}"),
                        "double" => assert!(text.parse::<f64>().is_ok(), "{text}"),
                        "boolean" => assert!(text == "true" || text == "false"),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        assert_eq!((nodes, edges), (g.nodes().len(), g.edges().len()));
        assert!(xml.contains("Evil &lt;b&gt;&quot;name&quot;&lt;/b&gt; &amp; co</data>"));
        assert!(xml.contains(r#"<data key="e_document_ids">a | b &amp; &lt;c&gt;</data>"#));
        assert!(xml.contains(r#"<edge id="r2" source="n1" target="n4">"#));
    }
}
