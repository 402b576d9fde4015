//! newsgraph: who met whom, who called whom, who visited where — and where and when.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod corefer;
mod defaults;
pub mod doc;
pub mod error;
pub mod events;
pub mod export;
pub mod extract;
pub mod gazetteer;
pub mod graph;
mod json;
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
