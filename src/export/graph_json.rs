//! The graph JSON: the whole [`Graph`] in one object.
//!
//! ```json
//! {"format": "newsgraph-graph", "version": 1,
//!  "documents": [{"id": "doc-1", "date": "2023-02-28", "entities": 21, "events": 4}],
//!  "nodes": [{"id": "n0", "key": "wikidata:Q15031", "type": "PERSON", "name": "Xi Jinping",
//!             "kb": "wikidata:Q15031", "attrs": {"country": "CN"}, "aliases": ["Xi"],
//!             "documents": 1, "mentions": 2}],
//!  "edges": [{"id": "r0", "source": "n0", "target": "n1", "type": "MEET", "status": "occurred",
//!             "directed": false, "count": 1, "documents": ["doc-1"],
//!             "time_min": "2022-09", "time_max": "2022-09", "events": ["ev1"]}],
//!  "events": [{"id": "ev1", "type": "MEET", "status": "occurred", "cameo": "040",
//!              "participants": ["n0", "n1"], "place": "n7", "origin": null,
//!              "destination": null, "time": "2022-09",
//!              "provenance": [{"document": "doc-1", "sentence": 5, "start": 930, "end": 1041,
//!                              "trigger": {"start": 954, "end": 957},
//!                              "rule": "meet.coordinated-subject", "text": "Xi and ..."}]}]}
//! ```
//!
//! * `nodes[].key`: the merge key (gazetteer id, else `TYPE:folded name`);
//!   `documents`/`mentions` count the documents and mentions over the corpus.
//! * `edges[]`: one per pair of nodes, event type and status (see [`crate::graph`]);
//!   `directed` is `true` for participant → place edges; `time_min`/`time_max` are TIMEX3
//!   values (the earliest start and the latest end of the events' times), `null` when no
//!   event has a calendar time.
//! * `events[]`: every event, with all its participants (hyperedge) and its provenance;
//!   `start`/`end`/`trigger` are byte offsets into the text of `document`.
//!
//! [`read`] takes this JSON back (to merge the graphs of separate runs with [`Graph::merge`]).

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::doc::{Attrs, EntityKind, Status};
use crate::graph::{DocumentInfo, EventId, Graph, GraphEvent, Node, NodeId, Provenance};
use crate::span::Span;

#[derive(Serialize)]
struct GraphOut<'a> {
    format: &'static str,
    version: u32,
    documents: Vec<DocOut<'a>>,
    nodes: Vec<NodeOut<'a>>,
    edges: Vec<EdgeOut<'a>>,
    events: Vec<EventOut<'a>>,
}

#[derive(Serialize)]
struct DocOut<'a> {
    id: &'a str,
    date: Option<&'a str>,
    entities: usize,
    events: usize,
}

#[derive(Serialize)]
struct NodeOut<'a> {
    id: String,
    key: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    kb: Option<&'a str>,
    attrs: &'a Attrs,
    aliases: Vec<&'a str>,
    documents: usize,
    mentions: usize,
}

#[derive(Serialize)]
struct EdgeOut<'a> {
    id: String,
    source: String,
    target: String,
    #[serde(rename = "type")]
    kind: &'a str,
    status: &'static str,
    directed: bool,
    count: usize,
    documents: Vec<&'a str>,
    time_min: Option<&'a str>,
    time_max: Option<&'a str>,
    events: Vec<String>,
}

#[derive(Serialize)]
struct SpanOut {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct ProvOut<'a> {
    document: &'a str,
    sentence: usize,
    start: usize,
    end: usize,
    trigger: SpanOut,
    rule: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct EventOut<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'a str,
    status: &'static str,
    cameo: Option<&'a str>,
    participants: Vec<String>,
    place: Option<String>,
    origin: Option<String>,
    destination: Option<String>,
    time: Option<&'a str>,
    provenance: Vec<ProvOut<'a>>,
}

fn id(n: &Option<NodeId>) -> Option<String> {
    n.map(|n| n.to_string())
}

fn out(g: &Graph) -> GraphOut<'_> {
    GraphOut {
        format: "newsgraph-graph",
        version: 1,
        documents: g
            .documents()
            .iter()
            .map(|d| DocOut {
                id: &d.id,
                date: d.date.as_deref(),
                entities: d.entities,
                events: d.events,
            })
            .collect(),
        nodes: g
            .nodes()
            .iter()
            .map(|n| NodeOut {
                id: n.id.to_string(),
                key: &n.key,
                kind: n.kind.as_str(),
                name: &n.name,
                kb: n.kb.as_deref(),
                attrs: &n.attrs,
                aliases: n.aliases.iter().map(String::as_str).collect(),
                documents: n.documents,
                mentions: n.mentions,
            })
            .collect(),
        edges: g
            .edges()
            .iter()
            .map(|e| EdgeOut {
                id: e.id.to_string(),
                source: e.source.to_string(),
                target: e.target.to_string(),
                kind: &e.kind,
                status: e.status.as_str(),
                directed: e.directed,
                count: e.count(),
                documents: e.documents.iter().map(String::as_str).collect(),
                time_min: e.time_min.as_deref(),
                time_max: e.time_max.as_deref(),
                events: e.events.iter().map(|e| e.to_string()).collect(),
            })
            .collect(),
        events: g
            .events()
            .iter()
            .map(|e| EventOut {
                id: e.id.to_string(),
                kind: &e.kind,
                status: e.status.as_str(),
                cameo: e.cameo.as_deref(),
                participants: e.participants.iter().map(|n| n.to_string()).collect(),
                place: id(&e.place),
                origin: id(&e.origin),
                destination: id(&e.destination),
                time: e.time.as_deref(),
                provenance: e
                    .provenance
                    .iter()
                    .map(|p| ProvOut {
                        document: &p.document,
                        sentence: p.sentence,
                        start: p.span.start,
                        end: p.span.end,
                        trigger: SpanOut {
                            start: p.trigger.start,
                            end: p.trigger.end,
                        },
                        rule: &p.rule,
                        text: &p.text,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Writes the graph JSON (one line, then a newline).
///
/// # Errors
/// Only the writer's I/O errors.
pub fn write(graph: &Graph, mut w: impl Write) -> io::Result<()> {
    serde_json::to_writer(&mut w, &out(graph)).map_err(io::Error::from)?;
    w.write_all(b"\n")
}

/// The graph JSON as a string (no trailing newline).
pub fn to_string(graph: &Graph) -> String {
    serde_json::to_string(&out(graph)).unwrap_or_default()
}

// What `read` takes: the fields it needs (edges are rebuilt from the events).

#[derive(Deserialize)]
struct GraphIn {
    format: String,
    version: u32,
    documents: Vec<DocIn>,
    nodes: Vec<NodeIn>,
    events: Vec<EventIn>,
}

#[derive(Deserialize)]
struct DocIn {
    id: String,
    date: Option<String>,
    entities: usize,
    events: usize,
}

#[derive(Deserialize)]
struct NodeIn {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    name: String,
    kb: Option<String>,
    #[serde(default)]
    attrs: Attrs,
    #[serde(default)]
    aliases: Vec<String>,
    documents: usize,
    mentions: usize,
}

#[derive(Deserialize)]
struct SpanIn {
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct ProvIn {
    document: String,
    sentence: usize,
    start: usize,
    end: usize,
    trigger: SpanIn,
    rule: String,
    text: String,
}

#[derive(Deserialize)]
struct EventIn {
    #[serde(rename = "type")]
    kind: String,
    status: Status,
    cameo: Option<String>,
    participants: Vec<String>,
    place: Option<String>,
    origin: Option<String>,
    destination: Option<String>,
    time: Option<String>,
    provenance: Vec<ProvIn>,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn span(start: usize, end: usize) -> io::Result<Span> {
    if start <= end {
        Ok(Span { start, end })
    } else {
        Err(invalid(format!("bad span {start}..{end}")))
    }
}

/// Reads a graph JSON (as [`write()`] writes it) into a new graph; merge it into another with
/// [`Graph::merge`]. Edges are rebuilt from the events, so a graph survives the round trip
/// `write` → `read` → `write` unchanged.
///
/// # Errors
/// I/O errors, invalid JSON, another `format` or `version`, an unknown entity type or status,
/// an event naming a node the file does not define, a span with its start after its end
/// (all as [`io::ErrorKind::InvalidData`] but the reader's own errors).
pub fn read(r: impl io::Read) -> io::Result<Graph> {
    let g: GraphIn = serde_json::from_reader(io::BufReader::new(r)).map_err(io::Error::from)?;
    if g.format != "newsgraph-graph" || g.version != 1 {
        return Err(invalid(format!(
            "not a newsgraph graph JSON version 1 (format {:?}, version {})",
            g.format, g.version
        )));
    }
    let mut out = Graph::new();
    let mut ids = std::collections::HashMap::new();
    for n in g.nodes {
        let kind = EntityKind::parse(&n.kind)
            .ok_or_else(|| invalid(format!("node {}: unknown type {:?}", n.id, n.kind)))?;
        let node = Node {
            id: NodeId::new(0),
            key: String::new(),
            kind,
            name: n.name,
            kb: n.kb,
            attrs: n.attrs,
            aliases: n.aliases.into_iter().collect(),
            documents: n.documents,
            mentions: n.mentions,
        };
        ids.insert(n.id, out.absorb_node(&node));
    }
    let node = |id: &String| {
        ids.get(id)
            .copied()
            .ok_or_else(|| invalid(format!("unknown node {id:?}")))
    };
    let opt = |id: &Option<String>| id.as_ref().map(node).transpose();
    for e in g.events {
        let mut provenance = Vec::with_capacity(e.provenance.len());
        for p in e.provenance {
            provenance.push(Provenance {
                document: p.document,
                sentence: p.sentence,
                span: span(p.start, p.end)?,
                trigger: span(p.trigger.start, p.trigger.end)?,
                rule: p.rule,
                text: p.text,
            });
        }
        out.add_event(GraphEvent {
            id: EventId::new(0),
            kind: e.kind,
            status: e.status,
            cameo: e.cameo,
            participants: e.participants.iter().map(node).collect::<io::Result<_>>()?,
            place: opt(&e.place)?,
            origin: opt(&e.origin)?,
            destination: opt(&e.destination)?,
            time: e.time,
            provenance,
        });
    }
    for d in g.documents {
        out.push_document(DocumentInfo {
            id: d.id,
            date: d.date,
            entities: d.entities,
            events: d.events,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::graph::Graph;
    use crate::graph::tests::{doc_a, doc_b};

    #[test]
    fn documented_shape() {
        let mut g = Graph::new();
        g.add_document("a", &doc_a());
        g.add_document("b", &doc_b());
        let v: serde_json::Value = serde_json::from_str(&super::to_string(&g)).unwrap();
        assert_eq!(v["format"], "newsgraph-graph");
        assert_eq!(v["version"], 1);
        assert_eq!(v["documents"].as_array().unwrap().len(), 2);
        assert_eq!(v["nodes"].as_array().unwrap().len(), 5);
        assert_eq!(v["nodes"][0]["key"], "wikidata:Q15031");
        assert_eq!(v["nodes"][0]["aliases"][0], "XI JINPING");
        let e = &v["edges"][0];
        assert_eq!(
            (
                &e["id"],
                &e["source"],
                &e["target"],
                &e["type"],
                &e["count"]
            ),
            (
                &"r0".into(),
                &"n0".into(),
                &"n1".into(),
                &"MEET".into(),
                &1.into()
            )
        );
        assert_eq!(e["documents"], serde_json::json!(["a", "b"]));
        assert_eq!(e["events"], serde_json::json!(["ev0"]));
        let ev = &v["events"][2];
        assert_eq!(ev["type"], "VISIT");
        assert_eq!(ev["destination"], "n4");
        assert_eq!(ev["place"], serde_json::Value::Null);
        assert_eq!(ev["time"], "2023-02-28/2023-03-02");
        assert_eq!(ev["provenance"][0]["document"], "b");
        assert_eq!(v["edges"][2]["time_max"], "2023-03-02");
    }

    #[test]
    fn round_trip_and_merge_of_files() {
        let mut g = Graph::new();
        g.include_all_entities(true);
        g.add_document("a", &doc_a());
        g.add_document("b", &doc_b());
        let text = super::to_string(&g);
        let back = super::read(text.as_bytes()).unwrap();
        assert_eq!(super::to_string(&back), text);
        // two files of one document each merge into the graph of both
        let a = super::to_string(&Graph::from_document("a", &doc_a()));
        let b = super::to_string(&Graph::from_document("b", &doc_b()));
        let mut m = super::read(a.as_bytes()).unwrap();
        m.merge(&super::read(b.as_bytes()).unwrap());
        let mut both = Graph::new();
        both.add_document("a", &doc_a());
        both.add_document("b", &doc_b());
        assert_eq!(super::to_string(&m), super::to_string(&both));
    }

    #[test]
    fn read_rejects_what_it_cannot_take() {
        let bad = [
            "{}",
            r#"{"format":"other","version":1,"documents":[],"nodes":[],"events":[]}"#,
            r#"{"format":"newsgraph-graph","version":1,"documents":[],"nodes":[],
                "events":[{"type":"MEET","status":"occurred","cameo":null,"participants":["n9"],
                "place":null,"origin":null,"destination":null,"time":null,"provenance":[]}]}"#,
            r#"{"format":"newsgraph-graph","version":1,"documents":[],"nodes":[{"id":"n0",
                "type":"ALIEN","name":"x","kb":null,"documents":1,"mentions":1}],"events":[]}"#,
        ];
        for b in bad {
            let e = super::read(b.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidData, "{b}: {e}");
        }
    }
}
