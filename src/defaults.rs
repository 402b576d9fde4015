//! The embedded default gazetteers and rules (see `gazetteers/README.md` and `rules/`).

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../", $path)))),*]
    };
}

/// The default gazetteer files: (name for messages, text).
pub(crate) const GAZETTEERS: &[(&str, &str)] = embed![
    "gazetteers/countries.tsv",
    "gazetteers/regions.tsv",
    "gazetteers/cities.tsv",
    "gazetteers/demonyms.tsv",
    "gazetteers/organizations.tsv",
    "gazetteers/media.tsv",
    "gazetteers/people.tsv",
    "gazetteers/titles.tsv",
    "gazetteers/given-names.tsv",
    "gazetteers/surnames.tsv",
];

/// The default relation rules: (name for messages, text).
pub(crate) const RULES: &[(&str, &str)] = embed![
    "rules/lexicon.rules",
    "rules/meet.rules",
    "rules/call.rules",
    "rules/visit.rules",
];

/// Common English words (SCOWL), one per line.
pub(crate) const COMMON_WORDS: &str = include_str!("../gazetteers/common-words.txt");
