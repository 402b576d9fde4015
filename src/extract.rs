//! The [`Extractor`]: every stage wired together, built once, called per document.

use std::sync::Arc;

use crate::corefer::corefer;
use crate::doc::{Document, Entity, EntityKind};
use crate::error::{Error, ErrorKind, Result};
use crate::gazetteer::{Gazetteer, GazetteerBuilder};
use crate::recognize::recognize;
use crate::span::Span;
use crate::text::Folded;
use crate::time::{Date, TimeTagger};
use crate::tokenize::tokenize;

/// The default maximum document size: 16 MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 16 << 20;

/// Builds an [`Extractor`] from the embedded defaults and the caller's files.
#[derive(Debug)]
pub struct ExtractorBuilder {
    defaults: bool,
    gazetteers: Vec<(String, String)>,
    gazetteer_paths: Vec<std::path::PathBuf>,
    max_document_bytes: usize,
}

impl Default for ExtractorBuilder {
    fn default() -> Self {
        ExtractorBuilder {
            defaults: true,
            gazetteers: Vec::new(),
            gazetteer_paths: Vec::new(),
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

impl ExtractorBuilder {
    /// Whether to load the embedded default gazetteers and rules (default `true`).
    pub fn defaults(&mut self, yes: bool) -> &mut Self {
        self.defaults = yes;
        self
    }

    /// Adds a gazetteer file's text; `path` names it in error messages.
    pub fn gazetteer_source(&mut self, path: &str, src: &str) -> &mut Self {
        self.gazetteers.push((path.to_string(), src.to_string()));
        self
    }

    /// Adds a gazetteer file from disk.
    pub fn gazetteer_file(&mut self, path: impl Into<std::path::PathBuf>) -> &mut Self {
        self.gazetteer_paths.push(path.into());
        self
    }

    /// The largest document [`Extractor::extract`] accepts, in bytes.
    pub fn max_document_bytes(&mut self, n: usize) -> &mut Self {
        self.max_document_bytes = n;
        self
    }

    /// Builds the extractor.
    ///
    /// # Errors
    /// Any error of a gazetteer file (syntax, unknown type, duplicate id, I/O).
    pub fn build(&self) -> Result<Extractor> {
        let gazetteer =
            if self.defaults && self.gazetteers.is_empty() && self.gazetteer_paths.is_empty() {
                default_gazetteer()?
            } else {
                let mut b = GazetteerBuilder::new();
                if self.defaults {
                    for (name, src) in crate::defaults::GAZETTEERS {
                        b.add_source(name, src)?;
                    }
                }
                for (p, s) in &self.gazetteers {
                    b.add_source(p, s)?;
                }
                for p in &self.gazetteer_paths {
                    b.add_file(p)?;
                }
                b.replace_duplicates(true);
                Arc::new(b.build()?)
            };
        Ok(Extractor {
            gazetteer,
            time: Arc::new(TimeTagger::new()),
            max_document_bytes: self.max_document_bytes,
        })
    }
}

/// The default gazetteer, compiled once per process and shared.
fn default_gazetteer() -> Result<Arc<Gazetteer>> {
    static DEFAULT: std::sync::OnceLock<std::result::Result<Arc<Gazetteer>, Error>> =
        std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| {
            let mut b = GazetteerBuilder::new();
            for (name, src) in crate::defaults::GAZETTEERS {
                b.add_source(name, src)?;
            }
            Ok(Arc::new(b.build()?))
        })
        .clone()
}

/// Reads news text and returns its entities, times and events.
///
/// Built once, immutable, `Send + Sync`; all per-document scratch lives in the call.
#[derive(Debug, Clone)]
pub struct Extractor {
    gazetteer: Arc<Gazetteer>,
    time: Arc<TimeTagger>,
    max_document_bytes: usize,
}

impl Extractor {
    /// The extractor with the embedded default gazetteers and rules.
    ///
    /// # Errors
    /// None in practice: the embedded defaults are checked by the test suite.
    pub fn new() -> Result<Extractor> {
        ExtractorBuilder::default().build()
    }

    /// A builder, to add files or change limits.
    pub fn builder() -> ExtractorBuilder {
        ExtractorBuilder::default()
    }

    /// The compiled gazetteer.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Analyses one document without a known date (a dateline in the text may give one).
    ///
    /// # Errors
    /// [`ErrorKind::DocumentTooLarge`] beyond the configured maximum.
    pub fn extract(&self, text: &str) -> Result<Document> {
        self.extract_with_date(text, None)
    }

    /// Analyses one document published on `date`.
    ///
    /// # Errors
    /// [`ErrorKind::DocumentTooLarge`] beyond the configured maximum.
    pub fn extract_with_date(&self, text: &str, date: Option<Date>) -> Result<Document> {
        if text.len() > self.max_document_bytes {
            return Err(Error::new(
                ErrorKind::DocumentTooLarge,
                format!(
                    "document of {} bytes exceeds the maximum of {} bytes",
                    text.len(),
                    self.max_document_bytes
                ),
            )
            .with_hint("raise it with ExtractorBuilder::max_document_bytes or --max-bytes"));
        }
        let g = &*self.gazetteer;
        let folded = Folded::new(text);
        let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
        tokenize(text, &folded, &mut tokens, &mut sentences);
        let rec = recognize(g, text, &folded, &tokens, &sentences);
        let mut mentions = rec.mentions;
        let times = self.time.find(text, &folded, &tokens, &sentences, date);
        // temporal expressions win over entities they overlap ("May", "Sunday")
        mentions.retain(|m| !times.iter().any(|t| t.span.overlaps(m.span)));
        let (drafts, _mention_entity) = corefer(g, text, &folded, &tokens, &mut mentions);
        let mut entities: Vec<Entity> = Vec::with_capacity(drafts.len());
        // entity ids in order of first mention
        let mut order: Vec<usize> = (0..drafts.len()).collect();
        order.sort_by_key(|&i| drafts[i].mentions.first().map(|&m| mentions[m].first));
        for (new_id, &i) in order.iter().enumerate() {
            let d = &drafts[i];
            entities.push(Entity {
                id: new_id,
                kind: d.kind,
                name: d.name.clone(),
                kb: d.kb.clone(),
                attrs: d.attrs.clone(),
                mentions: d.mentions.iter().map(|&m| mentions[m].span).collect(),
            });
        }
        let _ = EntityKind::Person;
        Ok(Document {
            text: text.to_string(),
            date: date.map(|d| d.to_string()),
            sentences: sentences.iter().map(|s| s.span).collect::<Vec<Span>>(),
            entities,
            times,
            events: Vec::new(),
        })
    }
}
