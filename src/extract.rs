//! The [`Extractor`]: every stage wired together, built once, called per document.

use std::sync::Arc;

use crate::corefer::corefer;
use crate::doc::{Document, Entity, EntityKind};
use crate::error::{Error, ErrorKind, Result};
use crate::events::{Context, find_events};
use crate::gazetteer::{Gazetteer, GazetteerBuilder};
use crate::pattern::RuleSet;
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
    rules: Vec<(String, String)>,
    rule_paths: Vec<std::path::PathBuf>,
    max_document_bytes: usize,
}

impl Default for ExtractorBuilder {
    fn default() -> Self {
        ExtractorBuilder {
            defaults: true,
            gazetteers: Vec::new(),
            gazetteer_paths: Vec::new(),
            rules: Vec::new(),
            rule_paths: Vec::new(),
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

    /// Adds a rule file's text (see `rules/README.md`); `path` names it in error messages.
    pub fn rule_source(&mut self, path: &str, src: &str) -> &mut Self {
        self.rules.push((path.to_string(), src.to_string()));
        self
    }

    /// Adds a rule file from disk.
    pub fn rule_file(&mut self, path: impl Into<std::path::PathBuf>) -> &mut Self {
        self.rule_paths.push(path.into());
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
                    b.add_common_words(crate::defaults::COMMON_WORDS);
                }
                for (p, s) in &self.gazetteers {
                    b.add_source(p, s)?;
                }
                for p in &self.gazetteer_paths {
                    b.add_file(p)?;
                }
                self.check_user_duplicates()?;
                b.replace_duplicates(true);
                Arc::new(b.build()?)
            };
        let rules = if self.defaults && self.rules.is_empty() && self.rule_paths.is_empty() {
            default_rules()?
        } else {
            let mut files: Vec<(String, String)> = Vec::new();
            if self.defaults {
                files.extend(
                    crate::defaults::RULES
                        .iter()
                        .map(|(p, s)| (p.to_string(), s.to_string())),
                );
            }
            files.extend(self.rules.iter().cloned());
            for p in &self.rule_paths {
                let name = p.display().to_string();
                let bytes = std::fs::read(p)
                    .map_err(|e| Error::new(ErrorKind::Io, format!("{name}: {e}")))?;
                let src = String::from_utf8(bytes).map_err(|e| {
                    let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
                    let last = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                    let col = String::from_utf8_lossy(&upto[last..]).chars().count() + 1;
                    Error::at(ErrorKind::RuleSyntax, &name, line, col, "invalid UTF-8")
                })?;
                files.push((name, src));
            }
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, s)| (p.as_str(), s.as_str()))
                .collect();
            Arc::new(RuleSet::from_sources(&refs)?)
        };
        Ok(Extractor {
            gazetteer,
            rules,
            time: Arc::new(TimeTagger::new()),
            max_document_bytes: self.max_document_bytes,
        })
    }
}

impl ExtractorBuilder {
    /// A caller's row may replace a default row, but an id given twice in the caller's own
    /// files is an error (the files were read and checked by `GazetteerBuilder` already).
    fn check_user_duplicates(&self) -> Result<()> {
        let mut seen: std::collections::HashMap<String, (String, usize)> =
            std::collections::HashMap::new();
        let files = self
            .gazetteers
            .iter()
            .cloned()
            .chain(self.gazetteer_paths.iter().filter_map(|p| {
                let src = std::fs::read_to_string(p).ok()?;
                Some((p.display().to_string(), src))
            }));
        for (path, src) in files {
            for row in crate::gazetteer::parse::parse_file(&path, &src)? {
                if let Some((p0, l0)) = seen.get(&row.id) {
                    return Err(Error::at(
                        ErrorKind::DuplicateEntry,
                        &path,
                        row.line,
                        1,
                        format!("duplicate id {:?}, first defined at {p0}:{l0}", row.id),
                    )
                    .with_hint("ids are unique across the caller's files (a caller's row may replace a built-in one)"));
                }
                seen.insert(row.id, (path.clone(), row.line));
            }
        }
        Ok(())
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
            b.add_common_words(crate::defaults::COMMON_WORDS);
            Ok(Arc::new(b.build()?))
        })
        .clone()
}

/// The default rules, compiled once per process and shared.
fn default_rules() -> Result<Arc<RuleSet>> {
    static DEFAULT: std::sync::OnceLock<std::result::Result<Arc<RuleSet>, Error>> =
        std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| Ok(Arc::new(RuleSet::from_sources(crate::defaults::RULES)?)))
        .clone()
}

/// Reads news text and returns its entities, times and events.
///
/// Built once, immutable, `Send + Sync`; all per-document scratch lives in the call.
#[derive(Debug, Clone)]
pub struct Extractor {
    gazetteer: Arc<Gazetteer>,
    rules: Arc<RuleSet>,
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

    /// The compiled relation rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
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
        let mut mentions = rec.mentions.clone();
        let times = self.time.find(text, &folded, &tokens, &sentences, date);
        // temporal expressions win over entities they overlap ("May", "Sunday")
        // (time spans by start, with the running maximum end: a binary search per mention
        // instead of a scan of all times, which was quadratic in long documents)
        let mut time_spans: Vec<Span> = times.iter().map(|t| t.span).collect();
        time_spans.sort_unstable();
        let max_end: Vec<usize> = time_spans
            .iter()
            .scan(0, |e, t| {
                *e = t.end.max(*e);
                Some(*e)
            })
            .collect();
        mentions.retain(|m| {
            let before_end = time_spans.partition_point(|t| t.start < m.span.end);
            before_end == 0 || max_end[before_end - 1] <= m.span.start
        });
        let (drafts, mention_entity) = corefer(g, text, &folded, &tokens, &mut mentions);
        // entity ids in order of first mention
        let mut order: Vec<usize> = (0..drafts.len()).collect();
        order.sort_by_key(|&i| drafts[i].mentions.first().map(|&m| mentions[m].first));
        let mut new_id = vec![0; drafts.len()];
        for (n, &i) in order.iter().enumerate() {
            new_id[i] = n;
        }
        let mention_entity: Vec<usize> = mention_entity.iter().map(|&e| new_id[e]).collect();
        let mut entities: Vec<Entity> = Vec::with_capacity(drafts.len());
        for (n, &i) in order.iter().enumerate() {
            let d = &drafts[i];
            entities.push(Entity {
                id: n,
                kind: d.kind,
                name: d.name.clone(),
                kb: d.kb.clone(),
                attrs: d.attrs.clone(),
                mentions: d.mentions.iter().map(|&m| mentions[m].span).collect(),
            });
        }
        let dateline = crate::time::dateline_date(text);
        let doc_date = match date {
            Some(d) => Some(d.to_string()),
            None => dateline.map(|d| d.value()),
        };
        let entity_kind: Vec<EntityKind> = entities.iter().map(|e| e.kind).collect();
        let entity_attrs: Vec<crate::doc::Attrs> =
            entities.iter().map(|e| e.attrs.clone()).collect();
        let cx = Context {
            g,
            folded: &folded,
            tokens: &tokens,
            sentences: &sentences,
            mentions: &mentions,
            mention_entity: &mention_entity,
            titles: &rec.titles,
            entity_kind: &entity_kind,
            entity_attrs: &entity_attrs,
            times: &times,
            doc_date: doc_date.as_deref(),
            dateline: dateline.map(|d| d.span),
        };
        let mut cache = self.rules.cache();
        let events = find_events(&cx, &self.rules, &mut cache);
        Ok(Document {
            text: text.to_string(),
            date: doc_date,
            sentences: sentences.iter().map(|s| s.span).collect::<Vec<Span>>(),
            entities,
            times,
            events,
        })
    }
}
