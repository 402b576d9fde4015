//! newsgraph: who met whom, who called whom, who visited where — and where and when.
//!
//! newsgraph reads English news text and returns its entities (people, places,
//! organisations, nationalities), its temporal expressions (TIMEX3 values against the
//! document date), and its events — meetings, calls and visits — with participants, place,
//! time, status (occurred, planned, negated), the evidence and the rule that fired. No model
//! is downloaded: gazetteers and relation rules are embedded data, compiled once.
//!
//! # Example: who met whom
//!
//! ```
//! use newsgraph::{Date, Extractor, Role, Status};
//!
//! let extractor = Extractor::new()?;
//! let text = "Belarussian President Alexander Lukashenko met Chinese President Xi Jinping \
//!             in Beijing on Wednesday. He is expected to visit Moscow next week.";
//! let doc = extractor.extract_with_date(text, Date::parse("2023-03-02"))?;
//!
//! let meeting = doc.events().iter().find(|e| e.kind == "MEET").unwrap();
//! let who: Vec<&str> = meeting.participants().map(|e| doc.entities()[e].name.as_str()).collect();
//! assert_eq!(who, ["Alexander Lukashenko", "Xi Jinping"]);
//! assert_eq!(meeting.status, Status::Occurred);
//! let place = meeting.arg(Role::Place).and_then(|a| a.entity).unwrap();
//! assert_eq!(doc.entities()[place].name, "Beijing");
//! assert_eq!(meeting.arg(Role::Time).and_then(|a| a.value.as_deref()), Some("2023-03-01"));
//!
//! let visit = doc.events().iter().find(|e| e.kind == "VISIT").unwrap();
//! assert_eq!(visit.status, Status::Planned);
//!
//! // the whole document as a graph: people and places as nodes, events as edges
//! let graph = newsgraph::Graph::from_document("doc-1", &doc);
//! assert!(graph.nodes().len() >= 3 && !graph.edges().is_empty());
//! # Ok::<(), newsgraph::Error>(())
//! ```
//!
//! # Primary types
//!
//! - [`Extractor`] (built by [`ExtractorBuilder`]): the compiled gazetteers, rules and time
//!   tagger; immutable, `Send + Sync`, built once.
//! - [`Document`]: one analysed text with its [`Entity`]s, [`Timex`]es and [`Event`]s; every
//!   span is a byte range into the caller's text. [`Document::to_json`] writes the JSON
//!   contract.
//! - [`Graph`]: documents merged into one graph of entities and events, with exports
//!   (`export`: JSON, DOT, GraphML, CSV, HTML).
//! - [`Error`]: one error type with [`ErrorKind`] and a `file:line:column` [`Location`].
//!
//! # File formats
//!
//! - Gazetteers: tab-separated `id type name aliases attrs` rows ([`gazetteer::parse`]).
//! - Relation rules: the rule language of [`pattern`] (grammar in `rules/README.md`).
//!
//! # Crate features
//!
//! - `petgraph`: converts a [`Graph`] to a `petgraph` graph.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod corefer;
mod defaults;
pub mod doc;
pub mod error;
pub mod events;
pub mod export;
pub mod extract;
pub mod gazetteer;
pub mod graph;
mod hash;
mod json;
mod lexicon;
pub mod pattern;
pub mod recognize;
pub mod span;
pub mod text;
pub mod time;
pub mod tokenize;

pub use doc::{Arg, Attrs, Document, Entity, EntityKind, Event, Evidence, Role, Status};
pub use error::{Error, ErrorKind, Location, Result};
pub use extract::{Extractor, ExtractorBuilder};
pub use graph::Graph;
pub use span::Span;
pub use time::{Date, Timex, TimexType};
