//! newsgraph: who met whom, who called whom, who visited where — and where and when.
#![deny(missing_docs)]

pub mod doc;
pub mod error;
pub mod pattern;
pub mod span;
pub mod text;
pub mod time;
pub mod tokenize;

pub use doc::{Attrs, EntityKind};
pub use error::{Error, ErrorKind, Location, Result};
pub use span::Span;
