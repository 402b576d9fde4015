//! The embedded default gazetteers and rules.

/// The default gazetteer files: (name for messages, text).
pub(crate) const GAZETTEERS: &[(&str, &str)] = &[];
