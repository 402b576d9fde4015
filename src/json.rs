//! The JSON of `../shared/CONTRACT.md`: one object per document.
//!
//! ```json
//! {"id": "doc-1", "date": "2023-02-28",
//!  "entities": [{"id": "e0", "type": "PERSON", "name": "Alexander Lukashenko", "kb": null,
//!                "attrs": {"title": "President", "country": "Belarus"},
//!                "mentions": [{"start": 101, "end": 121, "text": "Alexander Lukashenko"}]}],
//!  "times": [{"start": 26, "end": 32, "text": "Feb 28", "type": "DATE", "value": "2023-02-28"}],
//!  "events": [{"type": "MEET", "status": "planned", "cameo": "036",
//!              "args": [{"role": "participant", "entity": "e0", "start": 1, "end": 2, "text": "..."},
//!                       {"role": "time", "start": 5, "end": 9, "text": "...", "value": "2023-02-28"}],
//!              "trigger": {"start": 0, "end": 0, "text": "meet"},
//!              "evidence": {"start": 0, "end": 0, "text": "..."},
//!              "sentence": 5, "rule": "meet.expected-to-meet", "more_evidence": []}]}
//! ```
//! Offsets are byte offsets into the UTF-8 text, `end` exclusive.

use serde::Serialize;

use crate::doc::{Attrs, Document, Event};
use crate::span::Span;

#[derive(Serialize)]
struct DocOut<'a> {
    id: Option<&'a str>,
    date: Option<&'a str>,
    entities: Vec<EntityOut<'a>>,
    times: Vec<TimeOut<'a>>,
    events: Vec<EventOut<'a>>,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

fn span_out(text: &str, s: Span) -> SpanOut<'_> {
    SpanOut {
        start: s.start,
        end: s.end,
        text: s.slice(text),
    }
}

#[derive(Serialize)]
struct EntityOut<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    kb: Option<&'a str>,
    attrs: &'a Attrs,
    mentions: Vec<SpanOut<'a>>,
}

#[derive(Serialize)]
struct TimeOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    #[serde(rename = "type")]
    kind: crate::time::TimexType,
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct ArgOut<'a> {
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<String>,
    start: usize,
    end: usize,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    sentence: usize,
    rule: &'a str,
    trigger: SpanOut<'a>,
    evidence: SpanOut<'a>,
}

#[derive(Serialize)]
struct EventOut<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    status: &'static str,
    cameo: Option<&'a str>,
    args: Vec<ArgOut<'a>>,
    trigger: SpanOut<'a>,
    evidence: SpanOut<'a>,
    sentence: usize,
    rule: &'a str,
    more_evidence: Vec<EvidenceOut<'a>>,
}

fn event_out<'a>(text: &'a str, ev: &'a Event) -> EventOut<'a> {
    EventOut {
        kind: &ev.kind,
        status: ev.status.as_str(),
        cameo: ev.cameo.as_deref(),
        args: ev
            .args
            .iter()
            .map(|a| ArgOut {
                role: a.role.as_str(),
                entity: a.entity.map(|e| format!("e{e}")),
                start: a.span.start,
                end: a.span.end,
                text: a.span.slice(text),
                value: a.value.as_deref(),
            })
            .collect(),
        trigger: span_out(text, ev.evidence.trigger),
        evidence: span_out(text, ev.evidence.span),
        sentence: ev.evidence.sentence,
        rule: &ev.evidence.rule,
        more_evidence: ev
            .more_evidence
            .iter()
            .map(|e| EvidenceOut {
                sentence: e.sentence,
                rule: &e.rule,
                trigger: span_out(text, e.trigger),
                evidence: span_out(text, e.span),
            })
            .collect(),
    }
}

fn doc_out<'a>(doc: &'a Document, id: Option<&'a str>) -> DocOut<'a> {
    let text = doc.text();
    DocOut {
        id,
        date: doc.date(),
        entities: doc
            .entities()
            .iter()
            .map(|e| EntityOut {
                id: format!("e{}", e.id),
                kind: e.kind.as_str(),
                name: &e.name,
                kb: e.kb.as_deref(),
                attrs: &e.attrs,
                mentions: e.mentions.iter().map(|&m| span_out(text, m)).collect(),
            })
            .collect(),
        times: doc
            .times()
            .iter()
            .map(|t| TimeOut {
                start: t.span.start,
                end: t.span.end,
                text: t.span.slice(text),
                kind: t.kind,
                value: t.value.as_deref(),
            })
            .collect(),
        events: doc.events().iter().map(|e| event_out(text, e)).collect(),
    }
}

impl Document {
    /// Writes the contract JSON of this document (one line, no trailing newline).
    ///
    /// # Errors
    /// Only the writer's I/O errors.
    pub fn write_json<W: std::io::Write>(&self, id: Option<&str>, w: W) -> std::io::Result<()> {
        serde_json::to_writer(w, &doc_out(self, id)).map_err(std::io::Error::from)
    }

    /// The contract JSON of this document as a string.
    pub fn to_json(&self, id: Option<&str>) -> String {
        serde_json::to_string(&doc_out(self, id)).unwrap_or_default()
    }

    /// The contract JSON of this document, pretty-printed.
    pub fn to_json_pretty(&self, id: Option<&str>) -> String {
        serde_json::to_string_pretty(&doc_out(self, id)).unwrap_or_default()
    }
}
