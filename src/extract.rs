//! The [`Extractor`]: every stage wired together, built once, called per document.

use std::sync::Arc;

use crate::corefer::{EntityDraft, ShownEntries, corefer};
use crate::doc::Document;
use crate::error::{Error, ErrorKind, Result};
use crate::events::{Context, find_events};
use crate::gazetteer::{Gazetteer, GazetteerBuilder};
use crate::lexicon::Lexicon;
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
    threads: usize,
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
            threads: 1,
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

    /// The largest document [`Extractor::extract`] accepts, in bytes. Offsets inside a
    /// document are kept in 32 bits, so values above 4 GiB − 2 are lowered to that.
    pub fn max_document_bytes(&mut self, n: usize) -> &mut Self {
        self.max_document_bytes = n.min(u32::MAX as usize - 1);
        self
    }

    /// How many threads building may use (default 1): with two or more, and more than one
    /// core, the gazetteer's independent parts and the rules are made on two threads
    /// (start-up is serial work before a batch runs on its threads). The extractor is the
    /// same whatever the number.
    pub fn threads(&mut self, n: usize) -> &mut Self {
        self.threads = n;
        self
    }

    /// Builds the extractor.
    ///
    /// # Errors
    /// Any error of a gazetteer file (syntax, unknown type, duplicate id, I/O).
    pub fn build(&self) -> Result<Extractor> {
        // the gazetteer, and on a second thread the rules and the word table of their
        // anchor words (a small part of the work)
        let (gazetteer, rules) = crate::gazetteer::join(
            crate::gazetteer::two_threads(self.threads),
            || self.build_gazetteer(),
            || self.build_rules(),
        );
        let (gazetteer, (rules, lexicon)) = (gazetteer?, rules?);
        Ok(Extractor {
            shown: Arc::new(ShownEntries::new(&gazetteer)),
            gazetteer,
            rules,
            lexicon,
            time: Arc::new(TimeTagger::new()),
            max_document_bytes: self.max_document_bytes,
        })
    }

    /// The gazetteer: the default one, or one with the caller's files.
    fn build_gazetteer(&self) -> Result<Arc<Gazetteer>> {
        if self.defaults && self.gazetteers.is_empty() && self.gazetteer_paths.is_empty() {
            return default_gazetteer(self.threads);
        }
        let mut b = GazetteerBuilder::new();
        b.threads(self.threads);
        if self.defaults {
            b.add_embedded_defaults(crate::defaults::GAZETTEERS, crate::defaults::COMMON_WORDS)?;
        }
        for (p, s) in &self.gazetteers {
            b.add_source(p, s)?;
        }
        for p in &self.gazetteer_paths {
            b.add_file(p)?;
        }
        b.replace_built_in();
        Ok(Arc::new(b.build()?))
    }

    /// The rules: the default ones, or ones with the caller's files; and the word table
    /// with their anchor words.
    fn build_rules(&self) -> Result<(Arc<RuleSet>, Arc<Lexicon>)> {
        if self.defaults && self.rules.is_empty() && self.rule_paths.is_empty() {
            return default_rules();
        }
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
            let bytes =
                std::fs::read(p).map_err(|e| Error::new(ErrorKind::Io, format!("{name}: {e}")))?;
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
        Ok(with_words(RuleSet::from_sources(&refs)?))
    }
}

/// The rules and the word table with their anchor words.
fn with_words(rules: RuleSet) -> (Arc<RuleSet>, Arc<Lexicon>) {
    let lexicon = Lexicon::new(Some(&rules));
    (Arc::new(rules), Arc::new(lexicon))
}

/// The default gazetteer, made once per process (decoded from the bytes the build script
/// compiled, see `src/gazetteer/blob.rs`) and shared.
fn default_gazetteer(threads: usize) -> Result<Arc<Gazetteer>> {
    static DEFAULT: std::sync::OnceLock<std::result::Result<Arc<Gazetteer>, Error>> =
        std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| Ok(Arc::new(Gazetteer::embedded_defaults(threads)?)))
        .clone()
}

/// The default rules and their word table, built once per process and shared.
fn default_rules() -> Result<(Arc<RuleSet>, Arc<Lexicon>)> {
    type Built = std::result::Result<(Arc<RuleSet>, Arc<Lexicon>), Error>;
    static DEFAULT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| Ok(with_words(RuleSet::from_sources(crate::defaults::RULES)?)))
        .clone()
}

/// Reads news text and returns its entities, times and events.
///
/// Built once, immutable, `Send + Sync`; all per-document scratch lives in the call.
#[derive(Debug, Clone)]
pub struct Extractor {
    gazetteer: Arc<Gazetteer>,
    /// What the gazetteer's entries give their entities, kept between documents.
    shown: Arc<ShownEntries>,
    rules: Arc<RuleSet>,
    /// The words the stages look up, with the anchor words of `rules`.
    lexicon: Arc<Lexicon>,
    time: Arc<TimeTagger>,
    max_document_bytes: usize,
}

impl Extractor {
    /// The largest document, in bytes, that [`Extractor::extract`] accepts.
    pub fn max_document_bytes(&self) -> usize {
        self.max_document_bytes
    }

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
        let (st, events) = self.run_stages(text, date)?;
        Ok(st.into_document(events))
    }

    /// Analyses one document published on `date` and appends its contract JSON with `id`
    /// to `out`: the bytes [`Document::write_json_into`] appends for the [`Document`] of
    /// [`Extractor::extract_with_date`], without making the document. The entities' names,
    /// ids and attributes are written from the gazetteer's entries, where the document
    /// would hold a copy of each (a string allocated and freed per attribute), and their
    /// mentions from one list.
    ///
    /// # Errors
    /// [`ErrorKind::DocumentTooLarge`] beyond the configured maximum (nothing is appended).
    pub fn extract_json_into(
        &self,
        text: &str,
        date: Option<Date>,
        id: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let (st, events) = self.run_stages(text, date)?;
        st.write_json(&events, id, out);
        st.recycle();
        Ok(())
    }

    /// Every stage of one document, up to its events.
    fn run_stages<'t>(
        &'t self,
        text: &'t str,
        date: Option<Date>,
    ) -> Result<(Stages<'t>, Vec<crate::doc::Event>)> {
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
        let mut st = Stages::front(self, text, date);
        st.recognize(self);
        st.time(self);
        st.corefer(self);
        st.dates();
        let events = st.events(self);
        Ok((st, events))
    }
}

/// Buffers of [`Stages::front`] kept per thread between documents (see [`Stages::front`]).
type FrontBuffers = (
    Folded,
    Vec<crate::tokenize::Token>,
    Vec<crate::tokenize::Sentence>,
);

/// The largest token buffer a thread keeps between documents (about 10 MB; a document of
/// about 1 MB of text fills it).
const KEEP_TOKENS: usize = 1 << 18;

thread_local! {
    static FRONT: std::cell::Cell<Option<FrontBuffers>> = const { std::cell::Cell::new(None) };
}

/// The state of one document between the stages of [`Extractor::extract_with_date`]:
/// fold and tokenize, recognise (gazetteer and name rules), time, corefer, events. Each
/// stage reads the fields the earlier ones filled. [`StageBench`] reruns one stage at a
/// time over a kept state, for the benches.
struct Stages<'t> {
    text: &'t str,
    date: Option<Date>,
    folded: Folded,
    tokens: Vec<crate::tokenize::Token>,
    sentences: Vec<crate::tokenize::Sentence>,
    rec: Option<crate::recognize::Recognized>,
    /// Mentions: the recogniser's, less those a time overlaps, then with corefer's additions.
    mentions: Vec<crate::recognize::Mention>,
    times: Vec<crate::time::Timex>,
    /// The spans of `times`, to ask what they overlap.
    time_spans: TimeSpans,
    /// The entities, in order of first mention (see [`EntityDraft`]).
    entities: Vec<EntityDraft<'t>>,
    /// The mentions of every entity in text order, entity after entity: entity `e`'s are
    /// `entity_mentions[entity_starts[e]..entity_starts[e + 1]]` (one list, not one per
    /// entity).
    entity_mentions: Vec<Span>,
    entity_starts: Vec<u32>,
    mention_entity: Vec<usize>,
    /// The document's date (the caller's, or the dateline's) and the dateline's span.
    doc_date: Option<String>,
    dateline: Option<Span>,
    /// The text's dateline, read by the time stage (which runs before the dates).
    found_dateline: Option<crate::time::Dateline>,
}

/// The spans of a document's time expressions, in text order, each with the running
/// maximum of the ends: whether any overlaps a span is a binary search (a scan of every
/// time per mention was quadratic in the document's length).
#[derive(Debug, Default)]
struct TimeSpans {
    /// Per time: its start, and the largest end of it and the times before it.
    start_max_end: Vec<(usize, usize)>,
}

impl TimeSpans {
    /// The spans of `times`, which must be sorted by start, as the time stage leaves them
    /// (one list made at its size: a copy sorted again and a second list of the ends
    /// cost a sort and an allocation per document).
    fn new(times: &[crate::time::Timex]) -> TimeSpans {
        debug_assert!(times.is_sorted_by_key(|t| t.span.start));
        let mut e = 0;
        let start_max_end = times
            .iter()
            .map(|t| {
                e = t.span.end.max(e);
                (t.span.start, e)
            })
            .collect();
        TimeSpans { start_max_end }
    }

    /// Whether a time overlaps `s`: starts before `s` ends and ends after `s` starts.
    fn overlap(&self, s: Span) -> bool {
        let p = self.start_max_end.partition_point(|t| t.0 < s.end);
        p > 0 && self.start_max_end[p - 1].1 > s.start
    }
}

impl<'t> Stages<'t> {
    /// Folds and tokenizes, and looks every token's word up in the word table.
    fn front(ex: &Extractor, text: &'t str, date: Option<Date>) -> Self {
        // the buffers of this thread's last document, when it gave them back: a long
        // document's token list is megabytes, and fresh memory costs a page fault a page
        let (mut folded, mut tokens, mut sentences) = FRONT
            .with(|f| f.take())
            .unwrap_or_else(|| (Folded::default(), Vec::new(), Vec::new()));
        folded.refold(text);
        // news text has about one token per five bytes: one allocation, not a dozen
        tokens.clear();
        tokens.reserve(text.len() / 4 + 16);
        sentences.clear();
        sentences.reserve(text.len() / 64 + 4);
        tokenize(text, &folded, &mut tokens, &mut sentences);
        ex.lexicon.mark(folded.as_str().as_bytes(), &mut tokens);
        Stages {
            text,
            date,
            folded,
            tokens,
            sentences,
            rec: None,
            mentions: Vec::new(),
            times: Vec::new(),
            time_spans: TimeSpans::default(),
            entities: Vec::new(),
            entity_mentions: Vec::new(),
            entity_starts: Vec::new(),
            mention_entity: Vec::new(),
            doc_date: None,
            dateline: None,
            found_dateline: None,
        }
    }

    fn recognize(&mut self, ex: &Extractor) {
        let mut rec = recognize(
            &ex.gazetteer,
            &ex.lexicon,
            self.text,
            &self.folded,
            &self.tokens,
            &self.sentences,
        );
        // only the titles and the capitalised words are read from `rec` later
        self.mentions = std::mem::take(&mut rec.mentions);
        self.rec = Some(rec);
    }

    fn time(&mut self, ex: &Extractor) {
        // the dateline is read once, for the times and for the document's date
        let dateline = crate::time::dateline_date(self.text);
        self.found_dateline = dateline;
        self.times = ex.time.find_with_dateline(
            &self.folded,
            &self.tokens,
            &ex.lexicon,
            &self.sentences,
            self.date,
            dateline,
        );
        // events.rs relies on text order
        debug_assert!(self.times.is_sorted_by_key(|t| t.span.start));
        // temporal expressions win over entities they overlap ("May", "Sunday")
        self.time_spans = TimeSpans::new(&self.times);
        // (acronym links are renumbered: a plain `retain` left them pointing past the end)
        crate::recognize::retain_mentions(&mut self.mentions, |m| !self.time_spans.overlap(m.span));
    }

    fn corefer(&mut self, ex: &'t Extractor) {
        // tokens inside a time expression take no partial name ("May" of "May 6")
        let (tokens, time_spans) = (&self.tokens, &self.time_spans);
        let in_time = |k: usize| time_spans.overlap(tokens[k].span);
        let mentions = &mut self.mentions;
        let caps = self.rec.as_ref().map_or(&[][..], |r| &r.caps);
        let (mut drafts, mut mention_entity) = corefer(
            &ex.gazetteer,
            &ex.shown,
            self.text,
            &self.folded,
            &self.tokens,
            caps,
            &in_time,
            mentions,
        );
        // entity ids in order of first mention: the mentions are in text order, so that is
        // the order in which the entities first turn up in `mention_entity` (every entity
        // has a mention); the same pass counts each entity's mentions and renumbers the
        // mentions' entities in place
        debug_assert!(mentions.windows(2).all(|w| w[0].last <= w[1].first));
        let mut new_id = vec![usize::MAX; drafts.len()];
        // (entity `e`'s count at `starts[e + 1]`, summed into starts below)
        let mut starts: Vec<u32> = Vec::with_capacity(drafts.len() + 1);
        starts.push(0);
        for e in &mut mention_entity {
            if new_id[*e] == usize::MAX {
                new_id[*e] = starts.len() - 1;
                starts.push(0);
            }
            *e = new_id[*e];
            starts[*e + 1] += 1;
        }
        // the drafts put in that order in place, a cycle of the permutation at a time (the
        // entities are mostly made in that order already: few or no swaps; a draft moved into
        // a second list through an `Option` per draft cost two lists per document)
        for i in 0..drafts.len() {
            while new_id[i] != i {
                let j = new_id[i];
                drafts.swap(i, j);
                new_id.swap(i, j);
            }
        }
        self.entities = drafts;
        // each entity's mentions in text order, entity after entity (a counting sort: the
        // counts summed into where each entity's mentions start)
        for e in 1..starts.len() {
            starts[e] += starts[e - 1];
        }
        let mut at: Vec<u32> = starts[..starts.len() - 1].to_vec();
        let mut spans = vec![Span::new(0, 0); mentions.len()];
        for (m, &e) in mentions.iter().zip(&mention_entity) {
            spans[at[e] as usize] = m.span;
            at[e] += 1;
        }
        self.entity_mentions = spans;
        self.entity_starts = starts;
        self.mention_entity = mention_entity;
    }

    /// The mentions of entity `e`, in text order.
    fn mentions_of(&self, e: usize) -> &[Span] {
        &self.entity_mentions[self.entity_starts[e] as usize..self.entity_starts[e + 1] as usize]
    }

    /// The document's date: the caller's, or the dateline's (read by [`Stages::time`]).
    fn dates(&mut self) {
        let dateline = self.found_dateline;
        self.doc_date = match self.date {
            Some(d) => Some(d.to_string()),
            None => dateline.map(|d| d.value()),
        };
        self.dateline = dateline.map(|d| d.span);
    }

    fn events(&mut self, ex: &Extractor) -> Vec<crate::doc::Event> {
        let titles: &[crate::recognize::TitleHit] = match &self.rec {
            Some(r) => &r.titles,
            None => &[],
        };
        let cx = Context {
            g: &ex.gazetteer,
            folded: &self.folded,
            tokens: &self.tokens,
            lexicon: &ex.lexicon,
            sentences: &self.sentences,
            mentions: &self.mentions,
            mention_entity: &self.mention_entity,
            titles,
            entities: &self.entities,
            times: &self.times,
            doc_date: self.doc_date.as_deref(),
            dateline: self.dateline,
        };
        // the matcher's buffers are kept per thread, not made again for every document
        thread_local! {
            static CACHE: std::cell::RefCell<crate::pattern::Cache> =
                std::cell::RefCell::new(crate::pattern::Cache::new());
        }
        CACHE.with_borrow_mut(|cache| find_events(&cx, &ex.rules, cache))
    }

    fn into_document(mut self, events: Vec<crate::doc::Event>) -> Document {
        let entities = std::mem::take(&mut self.entities)
            .into_iter()
            .enumerate()
            .map(|(n, d)| d.into_entity(n, self.mentions_of(n).to_vec()))
            .collect();
        let doc = Document {
            text: self.text.to_string(),
            date: self.doc_date.take(),
            sentences: self.sentences.iter().map(|s| s.span).collect::<Vec<Span>>(),
            entities,
            times: std::mem::take(&mut self.times),
            events,
        };
        self.recycle();
        doc
    }

    /// Appends the contract JSON of the document with `events` and `id` to `out`: what
    /// [`Document::write_json_into`] appends for [`Stages::into_document`]'s document.
    fn write_json(&self, events: &[crate::doc::Event], id: Option<&str>, out: &mut Vec<u8>) {
        let entities = self
            .entities
            .iter()
            .enumerate()
            .map(|(n, d)| crate::json::EntityView {
                id: n,
                kind: d.kind,
                name: d.name(),
                kb: d.kb(),
                attrs: d.attrs(),
                mentions: self.mentions_of(n),
            });
        crate::json::write_parts(
            self.text,
            self.doc_date.as_deref(),
            id,
            entities,
            &self.times,
            events,
            out,
        );
    }

    /// Gives the front buffers back to the thread for its next document, unless a very
    /// long document made them large (a thread keeps at most a few megabytes), and drops
    /// the rest.
    fn recycle(mut self) {
        drop_mentions(std::mem::take(&mut self.mentions));
        if self.tokens.capacity() <= KEEP_TOKENS {
            FRONT.with(|f| f.set(Some((self.folded, self.tokens, self.sentences))));
        }
    }
}

/// Drops `mentions`. A mention without attributes (nearly every one: coreference moved
/// them to the entities) is forgotten rather than dropped: its empty map owns no memory, so
/// nothing is lost, while dropping it runs an iterator over it out of line (some 60
/// instructions a mention, a million per MB of text).
fn drop_mentions(mentions: Vec<crate::recognize::Mention>) {
    // a mention's map is all it owns: should another field come to own memory, forgetting
    // would leak it, so the build stops here
    use crate::recognize::{Mention, Source};
    use crate::{EntityKind, gazetteer::EntryId};
    const _: () = assert!(
        !std::mem::needs_drop::<Span>()
            && !std::mem::needs_drop::<EntityKind>()
            && !std::mem::needs_drop::<Option<EntryId>>()
            && !std::mem::needs_drop::<Source>()
            && !std::mem::needs_drop::<Option<usize>>()
    );
    let _: fn(&Mention) = |m| {
        // every field, named: a new one fails to compile until the check above covers it
        let Mention {
            span: _,
            first: _,
            last: _,
            kind: _,
            entry: _,
            source: _,
            attrs: _,
            defined_by: _,
        } = m;
    };
    for m in mentions {
        if m.attrs.is_empty() {
            std::mem::forget(m);
        }
    }
}

/// One document's pipeline state kept for benchmarking one stage at a time (used by
/// `benches/extract.rs`; not a stable API). Each method reruns one stage over the state
/// the earlier stages left and returns a count of what it found, so a bench can time
/// recognise, time, corefer and events alone.
#[doc(hidden)]
pub struct StageBench<'x> {
    ex: &'x Extractor,
    text: String,
}

impl<'x> StageBench<'x> {
    /// Keeps `text` (analysed without a date).
    pub fn new(ex: &'x Extractor, text: &str) -> Self {
        StageBench {
            ex,
            text: text.to_string(),
        }
    }

    /// Runs `f` on the state after the stages before `stage` ("recognize", "time",
    /// "corefer", "events"); `f` gets a closure that runs `stage` and returns a count.
    /// The state is rebuilt before each call of the closure only for `corefer`, which
    /// changes its input; build the state once and time the closure.
    pub fn with_stage<R>(&self, stage: &str, f: impl FnOnce(&mut dyn FnMut() -> usize) -> R) -> R {
        let ex = self.ex;
        let mut st = Stages::front(ex, &self.text, None);
        match stage {
            "recognize" => f(&mut || {
                let r = recognize(
                    &ex.gazetteer,
                    &ex.lexicon,
                    st.text,
                    &st.folded,
                    &st.tokens,
                    &st.sentences,
                );
                r.mentions.len()
            }),
            "time" => {
                st.recognize(ex);
                f(&mut || {
                    let dateline = crate::time::dateline_date(st.text);
                    ex.time
                        .find_with_dateline(
                            &st.folded,
                            &st.tokens,
                            &ex.lexicon,
                            &st.sentences,
                            None,
                            dateline,
                        )
                        .len()
                })
            }
            "corefer" => {
                st.recognize(ex);
                st.time(ex);
                let kept = st.mentions.clone();
                f(&mut || {
                    st.mentions.clone_from(&kept);
                    st.corefer(ex);
                    st.entities.len()
                })
            }
            "events" => {
                st.recognize(ex);
                st.time(ex);
                st.corefer(ex);
                st.dates();
                f(&mut || st.events(ex).len())
            }
            other => panic!("unknown stage {other:?}"),
        }
    }
}

/// The work a [`Batch`] does on each item: `Fn(&Extractor, T) -> O`, shared by its threads.
type Work<T, O> = Arc<dyn Fn(&Extractor, T) -> O + Send + Sync>;

impl Extractor {
    /// Analyses a stream of documents `(text, date)` on `threads` threads and yields the
    /// results in input order.
    ///
    /// The input is read lazily from the calling thread and handed to the threads in
    /// groups of 64 documents; at most a small window (four groups per thread) is in
    /// flight, so memory is bounded by the largest documents, not by the stream. A group is
    /// handed over when it is full or the input ends, so a slow stream (a pipe fed a line
    /// at a time) sees its first outputs after 64 inputs. With `threads <= 1` no thread is
    /// started and each document is analysed in the call to `next`.
    ///
    /// # Example
    /// ```
    /// # use newsgraph::Extractor;
    /// let ex = Extractor::new()?;
    /// let docs = ["Xi Jinping met Vladimir Putin in Moscow.", "Lula visited Beijing."];
    /// let found: Vec<usize> = ex
    ///     .extract_batch(docs.iter().map(|t| (t.to_string(), None)), 2)
    ///     .map(|d| d.map(|d| d.events().len()))
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(found.len(), 2);
    /// # Ok::<(), newsgraph::Error>(())
    /// ```
    pub fn extract_batch<I>(&self, docs: I, threads: usize) -> Batch<I::IntoIter, Result<Document>>
    where
        I: IntoIterator<Item = (String, Option<Date>)>,
    {
        self.map_batch(docs, threads, |ex, (text, date): (String, Option<Date>)| {
            ex.extract_with_date(&text, date)
        })
    }

    /// Runs `work(extractor, item)` over a stream of items on `threads` threads and yields
    /// the outputs in input order: the general form of [`Extractor::extract_batch`], for
    /// callers that also parse their input or serialise their output on the worker threads
    /// (the `extract --jsonl --threads N` example does both).
    ///
    /// Items are pulled from `items` on the calling thread, at most `256 * threads` at a
    /// time in flight (four groups of 64 per thread). Dropping the [`Batch`] early stops
    /// the workers after their current group.
    pub fn map_batch<I, T, O, W>(&self, items: I, threads: usize, work: W) -> Batch<I::IntoIter, O>
    where
        I: IntoIterator<Item = T>,
        T: Send + 'static,
        O: Send + 'static,
        W: Fn(&Extractor, T) -> O + Send + Sync + 'static,
    {
        Batch::new(
            self.clone(),
            items.into_iter(),
            threads.max(1),
            Arc::new(work),
        )
    }
}

/// An iterator over the outputs of [`Extractor::map_batch`] (or
/// [`Extractor::extract_batch`]), in input order.
pub struct Batch<I: Iterator, O> {
    inputs: I,
    /// No more input.
    done: bool,
    /// Single-threaded: the work and the extractor, run in `next`.
    inline: Option<(Extractor, Work<I::Item, O>)>,
    /// To the workers: (sequence number of the first item, a group of items). `None` once
    /// the input is exhausted.
    to_workers: Option<std::sync::mpsc::SyncSender<(usize, Vec<I::Item>)>>,
    /// From the workers: (sequence number of the first output, outputs; the last may be
    /// the payload of a panic).
    from_workers: Option<std::sync::mpsc::Receiver<(usize, Vec<std::thread::Result<O>>)>>,
    workers: Vec<std::thread::JoinHandle<()>>,
    /// Groups of outputs that arrived before their turn, by their first sequence number.
    pending: std::collections::BTreeMap<usize, Vec<std::thread::Result<O>>>,
    /// The group being yielded, its outputs in reverse order.
    current: Vec<std::thread::Result<O>>,
    sent: usize,
    yielded: usize,
    window: usize,
}

/// Documents handed to a worker at a time: one hand-over per document cost a tenth of the
/// time of two threads in waking them (futex calls and context switches). Groups of 64
/// rather than 16 cut the context switches over the news corpus from about 3,600 to about
/// 900, and the two-thread wall time from 0.341 s to 0.333 s (medians of 9 runs).
const GROUP: usize = 64;

impl<I: Iterator, O> std::fmt::Debug for Batch<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("threads", &self.workers.len().max(1))
            .field("sent", &self.sent)
            .field("yielded", &self.yielded)
            .finish_non_exhaustive()
    }
}

impl<I, O> Batch<I, O>
where
    I: Iterator,
    I::Item: Send + 'static,
    O: Send + 'static,
{
    fn new(ex: Extractor, inputs: I, threads: usize, work: Work<I::Item, O>) -> Self {
        let mut b = Batch {
            inputs,
            done: false,
            inline: None,
            to_workers: None,
            from_workers: None,
            workers: Vec::new(),
            pending: std::collections::BTreeMap::new(),
            current: Vec::new(),
            sent: 0,
            yielded: 0,
            window: 4 * GROUP * threads,
        };
        if threads <= 1 {
            b.inline = Some((ex, work));
            return b;
        }
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<I::Item>)>(2 * threads);
        let (otx, orx) = std::sync::mpsc::channel::<(usize, Vec<std::thread::Result<O>>)>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for _ in 0..threads {
            let (ex, work, rx, otx) = (ex.clone(), work.clone(), rx.clone(), otx.clone());
            b.workers.push(std::thread::spawn(move || {
                loop {
                    // hold the lock only to take one group
                    let next = rx.lock().map(|r| r.recv());
                    let Ok(Ok((seq, items))) = next else { break };
                    let mut outs = Vec::with_capacity(items.len());
                    let mut panicked = false;
                    for item in items {
                        // a panic is handed to the caller's thread, which resumes it in order
                        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            work(&ex, item)
                        }));
                        panicked = out.is_err();
                        outs.push(out);
                        if panicked {
                            break;
                        }
                    }
                    if otx.send((seq, outs)).is_err() || panicked {
                        break;
                    }
                }
            }));
        }
        b.to_workers = Some(tx);
        b.from_workers = Some(orx);
        b
    }
}

impl<I, O> Iterator for Batch<I, O>
where
    I: Iterator,
    I::Item: Send + 'static,
    O: Send + 'static,
{
    type Item = O;

    fn next(&mut self) -> Option<O> {
        if let Some((ex, work)) = &self.inline {
            return self.inputs.next().map(|x| work(ex, x));
        }
        // keep the window full, a group at a time
        while !self.done && self.sent - self.yielded + GROUP <= self.window {
            let group: Vec<I::Item> = self.inputs.by_ref().take(GROUP).collect();
            if group.len() < GROUP {
                self.done = true;
            }
            if group.is_empty() {
                self.to_workers = None;
                break;
            }
            let n = group.len();
            let Some(tx) = self.to_workers.as_ref() else {
                break;
            };
            if tx.send((self.sent, group)).is_err() {
                // every worker is gone (one panicked): stop
                self.done = true;
                self.to_workers = None;
                break;
            }
            self.sent += n;
            if self.done {
                self.to_workers = None;
            }
        }
        loop {
            if let Some(o) = self.current.pop() {
                self.yielded += 1;
                return match o {
                    Ok(o) => Some(o),
                    Err(payload) => {
                        self.done = true;
                        self.to_workers = None;
                        std::panic::resume_unwind(payload)
                    }
                };
            }
            if self.yielded == self.sent {
                return None;
            }
            if let Some(mut group) = self.pending.remove(&self.yielded) {
                group.reverse();
                self.current = group;
                continue;
            }
            let (seq, o) = self.from_workers.as_ref()?.recv().ok()?;
            self.pending.insert(seq, o);
        }
    }
}

impl<I: Iterator, O> Drop for Batch<I, O> {
    fn drop(&mut self) {
        self.to_workers = None;
        self.from_workers = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<String> {
        let base = [
            "Belarussian President Alexander Lukashenko met Chinese President Xi Jinping in Beijing on Wednesday.",
            "No names here at all.",
            "Vladimir Putin held a phone call with Recep Tayyip Erdogan on Monday.",
        ];
        (0..40).map(|i| format!("{} ({i})", base[i % 3])).collect()
    }

    #[test]
    fn a_document_too_large_for_json_appends_nothing() {
        let ex = Extractor::builder().max_document_bytes(10).build().unwrap();
        let mut out = b"x".to_vec();
        let err = ex
            .extract_json_into("Xi Jinping met Putin.", None, None, &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DocumentTooLarge);
        assert_eq!(out, b"x");
        ex.extract_json_into("Xi met.", None, Some("a"), &mut out)
            .unwrap();
        assert!(out.starts_with(b"x{\"id\":\"a\""), "{out:?}");
    }

    #[test]
    fn time_spans_overlap_as_a_scan_of_every_time_does() {
        // overlapping, nested, touching and empty times, sorted by start (as the time stage
        // leaves them), the ends in no order
        let spans = [
            (0, 3),
            (10, 14),
            (12, 20),
            (13, 14),
            (25, 28),
            (30, 30),
            (40, 45),
        ];
        let times: Vec<crate::time::Timex> = spans
            .iter()
            .map(|&(a, b)| crate::time::Timex {
                span: Span::new(a, b),
                kind: crate::time::TimexType::Date,
                value: None,
            })
            .collect();
        let ts = TimeSpans::new(&times);
        let mut hits = 0;
        for a in 0..50 {
            for b in a..50 {
                let s = Span::new(a, b);
                let scan = spans.iter().any(|&(ta, tb)| ta < s.end && tb > s.start);
                assert_eq!(ts.overlap(s), scan, "{a}..{b}");
                hits += usize::from(scan);
            }
        }
        assert!(hits > 100);
        assert!(!TimeSpans::new(&[]).overlap(Span::new(0, 5)));
    }

    #[test]
    fn entities_are_numbered_in_order_of_first_mention() {
        // "Lukashenko" names its person before the full name does: coreference makes the
        // full name's entity after Belarusian's, and the renumbering moves it before
        let ex = Extractor::new().unwrap();
        let text = "Beijing hosted talks. Lukashenko arrived on Monday. Later Belarusian \
                    President Alexander Lukashenko met Chinese President Xi Jinping in Beijing.";
        let doc = ex.extract(text).unwrap();
        let got: Vec<(usize, &str, Vec<&str>)> = doc
            .entities
            .iter()
            .map(|e| {
                let mentions = e.mentions.iter().map(|s| s.slice(text)).collect();
                (e.id, e.name.as_str(), mentions)
            })
            .collect();
        assert_eq!(
            got,
            [
                (0, "Beijing", vec!["Beijing", "Beijing"]),
                (
                    1,
                    "Alexander Lukashenko",
                    vec!["Lukashenko", "Alexander Lukashenko"]
                ),
                (2, "Belarusian", vec!["Belarusian"]),
                (3, "Chinese", vec!["Chinese"]),
                (4, "Xi Jinping", vec!["Xi Jinping"]),
            ]
        );
    }

    #[test]
    fn an_extractor_built_on_two_threads_is_the_same() {
        // a caller's file: neither the gazetteer nor the rules are the shared defaults
        let build = |threads| {
            Extractor::builder()
                .threads(threads)
                .gazetteer_source(
                    "g.tsv",
                    "id\ttype\tname\taliases\tattrs\nt:1\tPERSON\tAnna Smolna\t\ttitle=minister\n",
                )
                .rule_source("r.rules", "")
                .build()
                .unwrap()
        };
        let (a, b) = (build(1), build(2));
        assert_eq!(a.rules().rules().len(), b.rules().rules().len());
        assert!(!a.rules().rules().is_empty());
        let text = "Anna Smolna met Angela Merkel in Berlin on Monday. Smolna called Putin.";
        let (x, y) = (a.extract(text).unwrap(), b.extract(text).unwrap());
        assert_eq!(format!("{x:?}"), format!("{y:?}"));
        assert!(x.entities.iter().any(|e| e.kb.as_deref() == Some("t:1")));
    }

    #[test]
    fn batch_keeps_input_order_and_matches_one_by_one() {
        let ex = Extractor::new().unwrap();
        let want: Vec<String> = docs()
            .iter()
            .map(|d| ex.extract(d).unwrap().to_json(None))
            .collect();
        for threads in [1, 2, 3] {
            let got: Vec<String> = ex
                .extract_batch(docs().into_iter().map(|d| (d, None)), threads)
                .map(|d| d.unwrap().to_json(None))
                .collect();
            assert_eq!(got, want, "{threads} threads");
        }
    }

    #[test]
    fn map_batch_orders_uneven_work_and_stops_early() {
        let ex = Extractor::new().unwrap();
        let out: Vec<usize> = ex
            .map_batch(0..100usize, 4, |_, i| {
                // later items finish first
                std::thread::sleep(std::time::Duration::from_micros(((100 - i) * 20) as u64));
                i
            })
            .collect();
        assert_eq!(out, (0..100).collect::<Vec<_>>());
        // inputs handed over in groups: around the group size, nothing lost or repeated
        for n in [0, 1, GROUP - 1, GROUP, GROUP + 1, 2 * GROUP + 1, 9 * GROUP] {
            for threads in [2, 3] {
                let out: Vec<usize> = ex.map_batch(0..n, threads, |_, i| i).collect();
                assert_eq!(
                    out,
                    (0..n).collect::<Vec<_>>(),
                    "{n} items, {threads} threads"
                );
            }
        }
        // dropping a batch before its end joins the workers without waiting for the input
        let mut b = ex.map_batch(0.., 2, |_, i: usize| i * 2);
        assert_eq!(b.next(), Some(0));
        assert_eq!(b.next(), Some(2));
        drop(b);
    }

    #[test]
    fn the_outputs_before_a_panic_come_first_and_nothing_waits_for_a_dead_worker() {
        // the panic stops the worker that met it; the groups after it, far more than a
        // window, must still be done by the others, the outputs before it yielded in order,
        // and then the panic resumed
        let ex = Extractor::new().unwrap();
        for threads in [2, 3] {
            let mut seen = Vec::new();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                for i in ex.map_batch(0..5_000usize, threads, |_, i| {
                    assert!(i != 21, "item 21");
                    i
                }) {
                    seen.push(i);
                }
            }));
            assert!(r.is_err(), "{threads} threads");
            assert_eq!(seen, (0..21).collect::<Vec<_>>(), "{threads} threads");
        }
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let ex = Extractor::new().unwrap();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ex.map_batch(0..10usize, 2, |_, i| {
                assert!(i != 5, "item five");
                i
            })
            .count()
        }));
        assert!(r.is_err());
    }
}
