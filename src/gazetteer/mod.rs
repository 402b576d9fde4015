//! Compiled dictionaries of names, matched token-aligned and leftmost-longest.
//!
//! A [`Gazetteer`] is built once from one or more files in the [line format](parse) (the
//! embedded defaults and any files the caller adds). Every name and alias is folded (see
//! [`crate::text`]) and compiled into one byte trie (see `trie.rs`). Matching starts
//! at every token and takes the longest name that also ends on a token boundary; the
//! matched tokens are then skipped, so candidates never overlap.
//!
//! Case policy, checked on the text as written:
//! - a name written in capitals in the file (an acronym such as `SCO`, `U.S.`) matches text
//!   in capitals; acronyms of four letters or more also match their capitalised form
//!   (`Nato`), as British news writes them;
//! - any other name matches when its first token is capitalised or in capitals, or when the
//!   name itself starts with a lower-case letter in the file (`de Gaulle`, and the title
//!   words such as `foreign minister`).

mod blob;
pub mod parse;
mod starts;
mod trie;

use crate::hash::FxHashMap as HashMap;

/// Folded common words, in the table every word lookup of the recogniser uses (a test
/// for every capitalised word: no string compare, no pointer to the word).
type CommonWords = crate::hash::WordSet;

use starts::WordStarts;
use trie::Trie;

use crate::doc::{Attrs, EntityKind};
use crate::error::{Error, ErrorKind, Result};
use crate::text::{Folded, fold_str};
use crate::tokenize::{Shape, Token, TokenKind};

pub use parse::Row;

/// One gazetteer entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its id (also the knowledge-base id reported for the entity).
    pub id: Box<str>,
    /// Its type.
    pub kind: EntityKind,
    /// The canonical name.
    pub name: Box<str>,
    /// Attributes.
    pub attrs: Attrs,
}

/// What the recogniser asks of an entry while it weighs the senses of a match, read from
/// the row's attributes when the gazetteer is built: every sense of every match is
/// weighed, and an entry's attribute map is parsed only when its entry is first wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The entry's type.
    pub(crate) kind: EntityKind,
    /// Its `kind` attribute.
    pub(crate) place: PlaceKind,
    /// Its `population` attribute; 0 when absent or not a whole number.
    pub(crate) population: u64,
    /// It has a `capital` attribute.
    pub(crate) capital: bool,
    /// Its `common` attribute is `1` (a place named like a common word).
    pub(crate) common: bool,
}

/// The values of the `kind` attribute the recogniser tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PlaceKind {
    /// No `kind` attribute.
    None,
    /// `kind=country`.
    Country,
    /// `kind=continent`.
    Continent,
    /// `kind=region`.
    Region,
    /// `kind=city`.
    City,
    /// `kind=territory`.
    Territory,
    /// `kind=modifier` (a title word such as "deputy").
    Modifier,
    /// Any other `kind`.
    Other,
}

impl Facts {
    /// The facts of a row of type `kind` with the attrs column `attrs` (its keys are given
    /// once: the parser checks).
    fn of(kind: EntityKind, attrs: &str) -> Facts {
        let mut f = Facts {
            kind,
            place: PlaceKind::None,
            population: 0,
            capital: false,
            common: false,
        };
        for (k, v) in attr_pairs(attrs) {
            match k {
                "kind" => {
                    f.place = match v {
                        "country" => PlaceKind::Country,
                        "continent" => PlaceKind::Continent,
                        "region" => PlaceKind::Region,
                        "city" => PlaceKind::City,
                        "territory" => PlaceKind::Territory,
                        "modifier" => PlaceKind::Modifier,
                        _ => PlaceKind::Other,
                    }
                }
                "population" => f.population = v.parse().unwrap_or(0),
                "capital" => f.capital = true,
                "common" => f.common = v == "1",
                _ => {}
            }
        }
        f
    }
}

/// Index of an entry in a [`Gazetteer`].
pub type EntryId = u32;

/// How a surface form must be written in the text to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CasePolicy {
    /// Text in capitals (acronyms of up to three letters).
    Upper,
    /// Text in capitals or capitalised (longer acronyms: NATO, Nato).
    UpperOrCapitalized,
    /// First token capitalised, in capitals or mixed.
    Capitalized,
    /// Every word capitalised, in capitals or mixed: the name is written with every word
    /// capitalised (`Xinhua News Agency`), so `the Xinhua news agency` is not it.
    CapitalizedAll,
    /// Anything.
    Any,
}

/// One entry a surface form stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sense {
    /// The entry.
    pub entry: EntryId,
    /// True when the surface form is the entry's canonical name, not an alias.
    pub canonical: bool,
    /// True when the surface form is an office holder's short name ("Putin", "Lula"): it
    /// stands for the person only when nothing else in the gazetteer has that name.
    pub short: bool,
    /// True when a short name is also a common English word ("Trump", "May"): the
    /// recogniser then wants it capitalised inside a sentence.
    pub common: bool,
    policy: CasePolicy,
}

/// The test [`Gazetteer::senses_for`] keeps a sense of candidate `cand` by: whether the
/// case of the candidate's text satisfies the sense's case policy (the recogniser applies
/// it to senses it has read beforehand).
#[inline]
pub(crate) fn case_fits_text(
    cand: &Candidate,
    tokens: &[Token],
) -> impl Fn(&Sense) -> bool + use<> {
    let first = tokens[cand.first].shape;
    let all_cap = tokens[cand.first..cand.last].iter().all(|t| {
        t.kind != TokenKind::Word
            || matches!(t.shape, Shape::Capitalized | Shape::Upper | Shape::Mixed)
    });
    let all_upper = tokens[cand.first..cand.last]
        .iter()
        .all(|t| t.shape == Shape::Upper || t.shape == Shape::NoLetter || t.span.len() == 1);
    move |s: &Sense| match s.policy {
        CasePolicy::Any => true,
        CasePolicy::Upper => all_upper && first == Shape::Upper,
        CasePolicy::UpperOrCapitalized => all_upper || first == Shape::Capitalized,
        CasePolicy::Capitalized => {
            matches!(first, Shape::Capitalized | Shape::Upper | Shape::Mixed)
        }
        CasePolicy::CapitalizedAll => all_cap,
    }
}

/// A gazetteer match: a token range and the entries its text may stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// The surface form matched (index into the gazetteer's forms).
    pub form: u32,
}

/// Builds a [`Gazetteer`] from files.
#[derive(Debug, Default)]
pub struct GazetteerBuilder {
    /// File names, for messages; rows refer to them by index.
    paths: Vec<String>,
    /// The files' texts, by the same index.
    texts: Vec<Text>,
    /// The rows, shared with the gazetteers built (see [`GazetteerBuilder::build`]): a
    /// row added after a build copies them first.
    rows: std::sync::Arc<Vec<RawRow>>,
    replace: Replace,
    /// Shared with the built gazetteers (no copy at build).
    common: std::sync::Arc<CommonWords>,
    /// The threads building may use (0 and 1: the calling thread alone).
    threads: usize,
}

/// Runs `a` and `b`, `b` on a second thread when `parallel`, and returns both results:
/// each closure's result depends on its inputs alone, so they are the same either way.
pub(crate) fn join<A, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !parallel {
        let x = a();
        return (x, b());
    }
    std::thread::scope(|s| {
        let other = s.spawn(b);
        let x = a();
        let y = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (x, y)
    })
}

/// True when work may go to a second thread: the caller allows `threads` (more than one)
/// and the machine has more than one core for this process.
pub(crate) fn two_threads(threads: usize) -> bool {
    threads >= 2 && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// What a duplicate id does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Replace {
    /// It is an error.
    #[default]
    Never,
    /// The later row replaces the earlier one.
    Always,
    /// A caller's row replaces an embedded one; any other duplicate is an error.
    BuiltIn,
}

/// The text of a loaded file, kept whole: its rows are read in place.
#[derive(Clone)]
enum Text {
    /// An embedded default file.
    Static(&'static str),
    /// A caller's file.
    Owned(std::sync::Arc<String>),
}

impl Text {
    fn as_str(&self) -> &str {
        match self {
            Text::Static(s) => s,
            Text::Owned(s) => s,
        }
    }
}

/// Texts are equal when their contents are (an embedded file or a copy of it).
impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Text({} bytes)", self.as_str().len())
    }
}

/// One row: where its line is and what type it has. Its columns are split from the line
/// again when read (the line was checked, or for an embedded file split, when added), so
/// a row costs 24 bytes until its entry is made, not the kilobyte of a [`Row`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RawRow {
    /// The line: `texts[file][start..start + len]`.
    start: usize,
    len: u32,
    /// The file (index into the paths and texts).
    file: u32,
    /// Where the name, aliases and attrs columns start in the line (0: not kept, for a
    /// line longer than `u16::MAX`; the line is split again).
    cols: [u16; 3],
    kind: EntityKind,
}

/// The columns of a row's line.
#[derive(Clone, Copy, Debug)]
struct Cols<'a> {
    kind: EntityKind,
    /// Trimmed.
    name: &'a str,
    aliases: &'a str,
    attrs: &'a str,
}

impl RawRow {
    fn line<'a>(&self, texts: &'a [Text]) -> &'a str {
        &texts[self.file as usize].as_str()[self.start..self.start + self.len as usize]
    }

    /// The line's number in its file (counted: only error messages want it).
    fn line_no(&self, texts: &[Text]) -> usize {
        let text = &texts[self.file as usize].as_str().as_bytes()[..self.start];
        text.iter().filter(|&&b| b == b'\n').count() + 1
    }

    fn id<'a>(&self, texts: &'a [Text]) -> &'a str {
        let line = self.line(texts);
        let end = position_of(line.as_bytes(), b'\t').unwrap_or(line.len());
        &line[..end]
    }

    /// A row of `line`, which starts at `start` of its file, given its columns (slices of
    /// `line`).
    fn new(
        start: usize,
        line: &str,
        file: u32,
        kind: EntityKind,
        cols: [&str; 3],
    ) -> Option<RawRow> {
        let at = |col: &str| col.as_ptr() as usize - line.as_ptr() as usize;
        let cols = match cols.map(|c| u16::try_from(at(c) + c.len())) {
            [Ok(_), Ok(_), Ok(_)] => cols.map(|c| at(c) as u16),
            _ => [0; 3],
        };
        Some(RawRow {
            start,
            len: u32::try_from(line.len()).ok()?,
            file,
            cols,
            kind,
        })
    }

    /// About the bytes of its name and aliases (the work of listing its forms): those of
    /// the two columns, or of the line when their places were not kept.
    fn names_len(&self) -> usize {
        match self.cols {
            [0, ..] => self.len as usize,
            [name, _, attrs] => usize::from(attrs - name),
        }
    }

    /// The attrs column alone (what [`RawRow::cols`] gives as `attrs`): the readers of
    /// every row's attributes at build (the facts, the office holders) do not split the
    /// rest.
    fn attrs<'a>(&self, texts: &'a [Text]) -> &'a str {
        match self.cols[2] {
            0 => self.cols(texts).attrs,
            attrs => &self.line(texts)[usize::from(attrs)..],
        }
    }

    fn cols<'a>(&self, texts: &'a [Text]) -> Cols<'a> {
        let line = self.line(texts);
        if let [name, aliases, attrs] = self.cols.map(usize::from)
            && name > 0
        {
            return Cols {
                kind: self.kind,
                name: trim(&line[name..aliases - 1]),
                aliases: &line[aliases..attrs - 1],
                attrs: &line[attrs..],
            };
        }
        let mut f = line.splitn(5, '\t');
        let mut next = || f.next().unwrap_or("");
        next();
        next();
        Cols {
            kind: self.kind,
            name: trim(next()),
            aliases: next(),
            attrs: next(),
        }
    }

    /// Splits the lines of an embedded file; `None` when a line does not have the shape
    /// of a row (then the file goes through the full parser, which names the error).
    fn split_file(file: u32, src: &str, rows: &mut Vec<RawRow>) -> Option<()> {
        // sized once (growing a list of 60,000 rows by doubling touched twice the memory,
        // and fresh memory is a page fault a page)
        rows.reserve(lines_in(src));
        let mut header_seen = false;
        for l in parse::scanned_lines(src) {
            let line = l.text;
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !header_seen {
                if line != parse::HEADER {
                    return None;
                }
                header_seen = true;
                continue;
            }
            let [id, ty, name, aliases, attrs] = parse::columns(line, l.tabs?);
            if id.is_empty() || trim(name).is_empty() {
                return None;
            }
            rows.push(RawRow::new(
                l.start,
                line,
                file,
                EntityKind::parse(ty)?,
                [name, aliases, attrs],
            )?);
        }
        Some(())
    }
}

/// The offset of the first `byte` in `s` (`s.iter().position(..)`), eight bytes at a time:
/// a million ids and names are read at build, each a few words long, on which a general
/// search costs more to set up than to run, and a byte-wise loop runs a test and a branch
/// a byte.
fn position_of(s: &[u8], byte: u8) -> Option<usize> {
    position_of_either(s, byte, byte)
}

/// The offset of the first `a` or `b` in `s`, as [`position_of`] finds one.
#[inline]
fn position_of_either(s: &[u8], a: u8, b: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (pa, pb) = (u64::from(a) * ONES, u64::from(b) * ONES);
    // the high bit of each zero byte of `x` (and maybe of bytes above the first one: the
    // lowest is exact, and so is the lowest of two such masks or'ed)
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let found = |w: u64| zero(w ^ pa) | zero(w ^ pb);
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let m = found(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    if rest.is_empty() || s.len() < 8 {
        return rest.iter().position(|&c| c == a || c == b).map(|p| at + p);
    }
    // the last eight bytes, of which the first `8 - rest.len()` were read above and are
    // neither (so the lowest match past them is exact)
    let m = found(u64::from_le_bytes(
        s[s.len() - 8..].try_into().expect("8 bytes"),
    )) >> (8 * (8 - rest.len()));
    (m != 0).then(|| at + m.trailing_zeros() as usize / 8)
}

/// The pieces of `s` between its `sep` bytes: `s.split(sep as char)` for an ASCII `sep`,
/// by [`position_of`].
fn split_at_byte(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let Some(i) = position_of(r.as_bytes(), sep) else {
            rest = None;
            return Some(r);
        };
        rest = Some(&r[i + 1..]);
        Some(&r[..i])
    })
}

/// The attributes of an attrs column as (key, value), as `parse_row` reads them: `;`
/// separates them, the first `=` splits one.
fn attr_pairs(attrs: &str) -> impl Iterator<Item = (&str, &str)> {
    // `split(';').filter_map(|kv| kv.split_once('='))` (a test holds them equal), by
    // `position_of`: a row's attributes are a few short pairs, read for every row at
    // build, and a general search costs more to set up than to run on them. One search
    // for the first '=' or ';' reads each key once: a ';' first ends a pair without '='
    let mut rest = Some(attrs);
    std::iter::from_fn(move || {
        loop {
            let s = rest?;
            let Some(i) = position_of_either(s.as_bytes(), b'=', b';') else {
                rest = None;
                return None;
            };
            if s.as_bytes()[i] == b';' {
                rest = Some(&s[i + 1..]);
                continue;
            }
            let value = &s[i + 1..];
            let end = position_of(value.as_bytes(), b';');
            rest = end.map(|e| &value[e + 1..]);
            return Some((&s[..i], &value[..end.unwrap_or(value.len())]));
        }
    })
}

/// The value of `key` in an attrs column.
fn attr_of<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    attr_pairs(attrs).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// `s.trim()`, with no char decoding when `s` starts and ends with a printable ASCII
/// character (every name and alias is trimmed at build, and nearly all are such).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The number of lines of `src` (an upper bound on its rows or words).
fn lines_in(src: &str) -> usize {
    // 6 MB of embedded text at every start: counted in byte-wide sums of at most 255
    // bytes, a loop the compiler vectorises (a count into a usize it does not)
    let count = |chunk: &[u8]| chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'));
    src.as_bytes()
        .chunks(255)
        .map(|c| usize::from(count(c)))
        .sum::<usize>()
        + 1
}

impl<'a> Cols<'a> {
    /// The attributes as (key, value), as `parse_row` reads them: `;` separates them, the
    /// first `=` splits one.
    fn attrs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        attr_pairs(self.attrs)
    }

    /// An attribute's value.
    fn attr(&self, key: &str) -> Option<&'a str> {
        attr_of(self.attrs, key)
    }

    /// The surface forms, in order, as (text, is the canonical name): the name, the
    /// aliases, then for an office the plural of each ("foreign ministers", "spokesmen",
    /// "secretaries").
    fn each_surface(&self, mut each: impl FnMut(&str, bool)) {
        let aliases = || {
            split_at_byte(self.aliases, b'|')
                .filter(|_| !self.aliases.is_empty())
                .map(trim)
        };
        each(self.name, true);
        for a in aliases() {
            each(a, false);
        }
        if self.kind == EntityKind::Title && self.attr("kind").is_none_or(|k| k == "office") {
            each(&plural(self.name), false);
            for a in aliases() {
                each(&plural(a), false);
            }
        }
    }
}

impl GazetteerBuilder {
    /// An empty builder.
    pub fn new() -> GazetteerBuilder {
        GazetteerBuilder::default()
    }

    /// Adds the rows of one file's text; `path` names it in error messages.
    ///
    /// # Errors
    /// Any syntax error of the file (see [`parse::parse_file`]).
    pub fn add_source(&mut self, path: &str, src: &str) -> Result<&mut Self> {
        self.add_owned(path, src.to_string())
    }

    /// [`GazetteerBuilder::add_source`] for a text the builder may keep.
    fn add_owned(&mut self, path: &str, src: String) -> Result<&mut Self> {
        let file = self.paths.len() as u32;
        let rows = std::sync::Arc::make_mut(&mut self.rows);
        let before = rows.len();
        // about one row per 60 bytes of a file
        rows.reserve(src.len() / 60);
        let mut long = None;
        let checked = parse::check_lines(path, &src, |line_no, start, line, fields| {
            let cols = [fields.name, fields.aliases, fields.attrs];
            match RawRow::new(start, line, file, fields.kind, cols) {
                Some(row) => rows.push(row),
                None => {
                    long.get_or_insert(line_no);
                }
            }
        });
        let checked = checked.and_then(|()| match long {
            None => Ok(()),
            Some(line_no) => Err(Error::at(
                ErrorKind::GazetteerSyntax,
                path,
                line_no,
                1,
                "a line of 4 GiB or more",
            )
            .with_hint("one row per line")),
        });
        if let Err(e) = checked {
            rows.truncate(before);
            return Err(e);
        }
        self.paths.push(path.to_string());
        self.texts.push(Text::Owned(std::sync::Arc::new(src)));
        Ok(self)
    }

    /// Adds an embedded default file: its lines are split now and parsed in full only
    /// when their entry is first used (start-up cost), so the file must be one the test
    /// suite parses. A file that does not split cleanly is parsed in full at once.
    pub(crate) fn add_embedded(&mut self, path: &str, src: &'static str) -> Result<&mut Self> {
        let rows = std::sync::Arc::make_mut(&mut self.rows);
        let before = rows.len();
        if RawRow::split_file(self.paths.len() as u32, src, rows).is_none() {
            rows.truncate(before);
            return self.add_source(path, src);
        }
        self.paths.push(path.to_string());
        self.texts.push(Text::Static(src));
        Ok(self)
    }

    /// Adds common English words (one folded word per line, `#` comments): a short name
    /// that is a common word ("May", "Brown") is not used alone, and the recogniser treats
    /// a capitalised common word at a sentence start with suspicion.
    pub fn add_common_words(&mut self, src: &str) -> &mut Self {
        let set = std::sync::Arc::make_mut(&mut self.common);
        for l in src.lines().map(str::trim) {
            if !l.is_empty() && !l.starts_with('#') {
                set.insert(&fold_str(l));
            }
        }
        self
    }

    /// [`GazetteerBuilder::add_common_words`] for the embedded list: its folded words are
    /// kept as they are, not copied.
    pub(crate) fn add_embedded_common_words(&mut self, src: &'static str) -> &mut Self {
        embedded_words(std::sync::Arc::make_mut(&mut self.common), src);
        self
    }

    /// How many threads [`GazetteerBuilder::build`] (and the adding of the embedded
    /// defaults) may use: with two or more, and more than one core, independent parts are
    /// made on a second thread. The gazetteer built is the same whatever the number.
    /// Default 1.
    pub fn threads(&mut self, n: usize) -> &mut Self {
        self.threads = n;
        self
    }

    /// [`GazetteerBuilder::add_embedded`] of each of `files`, in order, then
    /// [`GazetteerBuilder::add_embedded_common_words`] of `words`: on two threads when the
    /// builder may use them (see [`GazetteerBuilder::threads`]), the rows and words being
    /// the same.
    pub(crate) fn add_embedded_defaults(
        &mut self,
        files: &[(&str, &'static str)],
        words: &'static str,
    ) -> Result<&mut Self> {
        if !two_threads(self.threads) {
            for (path, src) in files {
                self.add_embedded(path, src)?;
            }
            return Ok(self.add_embedded_common_words(words));
        }
        // the second thread takes the words and the last files, up to about half the work
        // (measured: a byte of the word list costs about three of a gazetteer file, a
        // table insert a word)
        let weight = |src: &str| src.len();
        let total = files.iter().map(|(_, s)| weight(s)).sum::<usize>() + 3 * words.len();
        let (mut k, mut second) = (files.len(), 3 * words.len());
        while k > 0 && 2 * (second + weight(files[k - 1].1)) <= total {
            k -= 1;
            second += weight(files[k].1);
        }
        let base = self.paths.len();
        // the rows of each file, `None` for one that does not split (it is parsed below)
        let split = |first: usize, files: &[(&str, &'static str)]| -> Vec<Option<Vec<RawRow>>> {
            files
                .iter()
                .enumerate()
                .map(|(i, (_, src))| {
                    let mut rows = Vec::new();
                    RawRow::split_file((base + first + i) as u32, src, &mut rows).map(|()| rows)
                })
                .collect()
        };
        let mut common = std::mem::take(&mut self.common);
        let (head, (tail, common)) = join(
            true,
            || split(0, &files[..k]),
            || {
                let tail = split(k, &files[k..]);
                embedded_words(std::sync::Arc::make_mut(&mut common), words);
                (tail, common)
            },
        );
        self.common = common;
        std::sync::Arc::make_mut(&mut self.rows)
            .reserve(head.iter().chain(&tail).flatten().map(Vec::len).sum());
        for ((path, src), rows) in files.iter().zip(head.into_iter().chain(tail)) {
            match rows {
                Some(rows) => {
                    std::sync::Arc::make_mut(&mut self.rows).extend_from_slice(&rows);
                    self.paths.push(path.to_string());
                    self.texts.push(Text::Static(src));
                }
                None => {
                    self.add_source(path, src)?;
                }
            }
        }
        Ok(self)
    }

    /// Adds the rows of a file on disk.
    ///
    /// # Errors
    /// An I/O error naming the path, a file that is not UTF-8, or a syntax error.
    pub fn add_file(&mut self, path: impl AsRef<std::path::Path>) -> Result<&mut Self> {
        let p = path.as_ref();
        let name = p.display().to_string();
        let bytes =
            std::fs::read(p).map_err(|e| Error::new(ErrorKind::Io, format!("{name}: {e}")))?;
        let src = String::from_utf8(bytes).map_err(|e| {
            let pos = e.utf8_error().valid_up_to();
            let (line, col) = line_col(&e.as_bytes()[..pos]);
            Error::at(
                ErrorKind::GazetteerSyntax,
                &name,
                line,
                col,
                "invalid UTF-8",
            )
            .with_hint("gazetteer files are UTF-8 text; re-encode the file")
        })?;
        self.add_owned(&name, src)
    }

    /// Whether a row whose id is already loaded replaces the earlier one (`true`) or is an
    /// error (`false`, the default).
    pub fn replace_duplicates(&mut self, yes: bool) -> &mut Self {
        self.replace = if yes { Replace::Always } else { Replace::Never };
        self
    }

    /// A caller's row (from [`GazetteerBuilder::add_source`] or
    /// [`GazetteerBuilder::add_file`]) may replace an embedded default row; any other
    /// duplicate id is an error.
    pub(crate) fn replace_built_in(&mut self) -> &mut Self {
        self.replace = Replace::BuiltIn;
        self
    }

    /// The gazetteer of the embedded default files and common words, built from their
    /// text as [`crate::ExtractorBuilder`] builds it (on `threads`, see
    /// [`GazetteerBuilder::threads`]). This is what the build script encodes.
    pub(crate) fn embedded_defaults(threads: usize) -> Result<Gazetteer> {
        GazetteerBuilder::new()
            .threads(threads)
            .add_embedded_defaults(crate::defaults::GAZETTEERS, crate::defaults::COMMON_WORDS)?
            .build()
    }

    /// Compiles the trie.
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateEntry`] when an id appears twice (unless replacing is allowed).
    pub fn build(&self) -> Result<Gazetteer> {
        // the row that defines each entry (a later row replaces an earlier one's content
        // but keeps its place): the builder's rows themselves, shared, not copied (a
        // million rows are 24 MB of fresh memory), until a duplicate id replaces or drops
        // one; then a copy of the rows chosen so far, grown from there
        let texts = &self.texts[..];
        let mut copy: Option<Vec<RawRow>> = None;
        let embedded = |r: &RawRow| matches!(texts[r.file as usize], Text::Static(_));
        // the embedded files alone have distinct ids (a test builds them through the
        // checking path below): no index of 143,000 ids at every start
        let only_embedded = self.rows.iter().all(embedded);
        let mut by_id = IdTable::new(if only_embedded { 0 } else { self.rows.len() });
        // the hashes of the rows of `i..i + 16`, made at once: the slots of the rows a few
        // ahead are read before their turn, so the cache misses of a big table overlap
        // instead of coming one at a time (sixteen at a time: a list of all the hashes
        // was 8 MB of fresh memory for a million rows)
        let mut hashes = [0u64; 16];
        for (i, row) in self.rows.iter().enumerate() {
            if only_embedded {
                continue;
            }
            if i % 16 == 0 {
                // sixteen independent reads, whose misses overlap
                let mut ahead = [0u64; 16];
                for ((h, a), r) in hashes.iter_mut().zip(&mut ahead).zip(&self.rows[i..]) {
                    *h = IdTable::hash(r.id(texts));
                    *a = by_id.peek(*h);
                }
                std::hint::black_box(ahead);
            }
            // (the id's text is read only to compare it with a row's of the same hash bits)
            let id = || row.id(texts);
            // the rows chosen so far (the first `i` while none was copied)
            let chosen = copy.as_deref().unwrap_or(&self.rows[..i]);
            let slot = by_id.find(id, hashes[i % 16], |idx| chosen[idx as usize].id(texts));
            if let Some(idx) = by_id.get(slot) {
                let first = chosen[idx as usize];
                let allowed = match self.replace {
                    Replace::Never => false,
                    Replace::Always => true,
                    Replace::BuiltIn => embedded(&first) && !embedded(row),
                };
                if !allowed {
                    let hint = match self.replace {
                        Replace::BuiltIn => {
                            "ids are unique across the caller's files (a caller's row may \
                             replace a built-in one)"
                        }
                        _ => "ids are unique across all loaded files; rename or remove one row",
                    };
                    return Err(Error::at(
                        ErrorKind::DuplicateEntry,
                        &self.paths[row.file as usize],
                        row.line_no(texts),
                        1,
                        format!(
                            "duplicate id {:?}, first defined at {}:{}",
                            id(),
                            self.paths[first.file as usize],
                            first.line_no(texts)
                        ),
                    )
                    .with_hint(hint));
                }
                // a later duplicate is measured against the row that stands now
                let copy = copy.get_or_insert_with(|| {
                    // sized once, for all the rows (doubling would copy it again)
                    let mut c = Vec::with_capacity(self.rows.len());
                    c.extend_from_slice(&self.rows[..i]);
                    c
                });
                copy[idx as usize] = *row;
                continue;
            }
            by_id.insert(slot, chosen.len() as u32);
            if let Some(copy) = &mut copy {
                copy.push(*row);
            }
        }
        drop(by_id);
        let chosen = copy.map_or_else(|| self.rows.clone(), std::sync::Arc::new);
        let parallel = two_threads(self.threads);
        // every (folded surface, sense) pair, the folded text side by side in one buffer;
        // one sort by text then numbers the forms in byte order, which is also the order
        // the trie is built in (no hash map of strings, no string per form). On two
        // threads each lists and sorts the pairs of half the rows (by the bytes of their
        // names and aliases), and the two sorted lists are merged: the order is the same
        // (pairs are ordered by text, then in the order listed, which the second half's
        // offsets keep)
        let half = if parallel {
            let total: usize = chosen.iter().map(RawRow::names_len).sum();
            let mut sum = 0;
            chosen
                .iter()
                .position(|r| {
                    sum += r.names_len();
                    2 * sum >= total
                })
                .map_or(chosen.len(), |i| i + 1)
        } else {
            chosen.len()
        };
        let common = self.common.clone();
        // the pairs of `chosen[from..to]`, sorted; the office holders' short names after
        // them in the last part
        let list = |from: usize, to: usize| -> (Vec<FormRec>, Vec<u8>) {
            let rows = &chosen[from..to];
            let mut arena: Vec<u8> = Vec::with_capacity(4 * rows.len() * 8);
            // (untouched capacity costs nothing: the embedded rows list about two forms
            // each)
            let mut recs: Vec<FormRec> = Vec::with_capacity(3 * rows.len());
            for (eid, row) in (from..).zip(rows) {
                row.cols(texts).each_surface(|surface, canonical| {
                    let off = arena.len();
                    let policy = fold_form_and_policy(surface, &mut arena);
                    let sense = Sense {
                        entry: eid as EntryId,
                        canonical,
                        short: false,
                        common: false,
                        policy,
                    };
                    FormRec::push(&mut recs, &arena, off, sense);
                });
            }
            if to == chosen.len() {
                add_short_names(&chosen, texts, &common, &mut recs, &mut arena);
            }
            (sort_recs(recs, &arena), arena)
        };
        let ((recs, mut arena), (mut more, arena_more)) = if half < chosen.len() {
            join(true, || list(0, half), || list(half, chosen.len()))
        } else {
            (list(0, half), (Vec::new(), Vec::new()))
        };
        // the second list's texts go after the first's
        let shift = u32::try_from(arena.len()).expect("forms of less than 4 GiB");
        for r in &mut more {
            r.off += shift;
        }
        arena.extend_from_slice(&arena_more);
        drop(arena_more);
        let n = recs.len() + more.len();
        let mut senses: Vec<Sense> = Vec::with_capacity(n);
        let mut sense_start: Vec<u32> = Vec::with_capacity(n + 1);
        // the forms' texts as bytes, checked as UTF-8 once at the end (each was a `str`):
        // a short one comes whole from its key, with no read of the arena, whose texts
        // are in listing order, not this one. Sized for all the listed texts (it holds the
        // distinct ones): grown by doubling, it copied a million names' 25 MB of forms
        // once, into fresh memory (capacity never written costs no memory)
        let mut text: Vec<u8> = Vec::with_capacity(arena.len());
        let mut start: Vec<u32> = Vec::with_capacity(n + 1);
        start.push(0);
        let mut prev: Option<&FormRec> = None;
        for r in merged(&recs, &more, &arena) {
            if prev.is_none_or(|p| !p.same_text(r, &arena)) {
                if r.len as usize <= KEY_BYTES {
                    // the whole key then the length: a copy of fixed size, no call
                    let at = text.len();
                    text.extend_from_slice(&r.key_bytes());
                    text.truncate(at + r.len as usize);
                } else {
                    text.extend_from_slice(r.text(&arena));
                }
                start.push(u32::try_from(text.len()).expect("forms of less than 4 GiB"));
                sense_start.push(senses.len() as u32);
                prev = Some(r);
            }
            // one sense per entry and form: the first one listed wins
            let here = &senses[*sense_start.last().expect("a form") as usize..];
            if !here.iter().any(|x| x.entry == r.sense.entry) {
                senses.push(r.sense);
            }
        }
        let forms = Forms {
            text: String::from_utf8(text).expect("forms are whole strs"),
            start,
        };
        sense_start.push(senses.len() as u32);
        drop(recs);
        drop(more);
        drop(arena);
        // the trie; on the other thread, the rest (the lower-case trie is small)
        let (trie, (lower_trie, lower_starts, facts, country_index)) = join(
            parallel,
            || Trie::from_sorted_iter((0..forms.len() as u32).map(|f| (forms.bytes(f), f))),
            || {
                // at a lower-case word only a sense that takes any case can fit (see
                // `senses_for`): those forms get a trie of their own, a small fraction of
                // the rest
                let any_case: Vec<u32> = (0..forms.len() as u32)
                    .filter(|&f| {
                        senses
                            [sense_start[f as usize] as usize..sense_start[f as usize + 1] as usize]
                            .iter()
                            .any(|s| s.policy == CasePolicy::Any)
                    })
                    .collect();
                let lower_trie =
                    Trie::from_sorted_iter(any_case.iter().map(|&f| (forms.bytes(f), f)));
                let lower_starts = WordStarts::new(any_case.iter().map(|&f| forms.bytes(f)));
                // each row's facts, and the countries by their code (one split of a row)
                let mut facts: Vec<Facts> = Vec::with_capacity(chosen.len());
                let mut country_index = HashMap::default();
                for (i, row) in chosen.iter().enumerate() {
                    let attrs = row.attrs(texts);
                    let f = Facts::of(row.kind, attrs);
                    // `kind=country` (a row gives each key once)
                    if f.kind == EntityKind::Location
                        && f.place == PlaceKind::Country
                        && let Some(code) = attr_of(attrs, "country")
                    {
                        country_index
                            .entry(code.to_string())
                            .or_insert(i as EntryId);
                    }
                    facts.push(f);
                }
                (lower_trie, lower_starts, facts, country_index)
            },
        );
        // rows become entries when first used, in blocks made on first use
        let entries: Vec<std::sync::OnceLock<EntryBlock>> = (0..chosen.len().div_ceil(BLOCK))
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Ok(Gazetteer {
            paths: self.paths.clone(),
            texts: self.texts.clone(),
            entries,
            rows: chosen,
            all_entries: std::sync::OnceLock::new(),
            forms,
            senses,
            sense_start,
            trie,
            lower_trie,
            lower_starts,
            id_index: std::sync::OnceLock::new(),
            country_index,
            common,
            facts,
        })
    }
}

/// The ids seen while building, as an open-addressing table of (hash bits, index): 8
/// bytes a slot, the id text read from its row when the hash bits agree.
struct IdTable {
    /// `(hash >> 32) << 32 | (index + 1)`; 0 is an empty slot.
    slots: Vec<u64>,
    mask: usize,
}

impl IdTable {
    /// A table for up to `n` ids (at most two thirds full).
    fn new(n: usize) -> IdTable {
        let size = (n + n / 2 + 1).next_power_of_two();
        IdTable {
            slots: vec![0; size],
            mask: size - 1,
        }
    }

    /// The hash of an id: Fx, mixed once more, since the table takes its index from the
    /// low 32 bits and its tag from the high 32, and both must vary with every byte of
    /// ids that differ only at the end ("syn:person/123456").
    fn hash(id: &str) -> u64 {
        use std::hash::Hasher;
        let mut h = crate::hash::FxHasher::default();
        h.write(id.as_bytes());
        let h = h.finish();
        let h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }

    /// The first slot a hash probes (read only to bring it into the cache).
    fn peek(&self, h: u64) -> u64 {
        self.slots[h as usize & self.mask]
    }

    /// The slot of the id `id()`, whose hash is `h` (`id_of` reads the id of an index in
    /// the table): its own, or the empty one where it goes. The ids are read only when
    /// the hash bits kept in a slot agree.
    fn find<'a>(
        &self,
        id: impl Fn() -> &'a str,
        h: u64,
        id_of: impl Fn(u32) -> &'a str,
    ) -> (usize, u64) {
        let tag = h >> 32;
        let mut pos = h as usize & self.mask;
        loop {
            let s = self.slots[pos];
            if s == 0 || (s >> 32 == tag && id_of((s as u32) - 1) == id()) {
                return (pos, tag);
            }
            pos = (pos + 1) & self.mask;
        }
    }

    /// The index in a slot [`IdTable::find`] gave.
    fn get(&self, (pos, _): (usize, u64)) -> Option<u32> {
        let s = self.slots[pos];
        (s != 0).then(|| s as u32 - 1)
    }

    /// Puts `index` in an empty slot [`IdTable::find`] gave.
    fn insert(&mut self, (pos, tag): (usize, u64), index: u32) {
        debug_assert_eq!(self.slots[pos], 0);
        self.slots[pos] = tag << 32 | (u64::from(index) + 1);
    }
}

/// Office holders (people with a `title`) are often named by one part of their name:
/// the family name ("Putin", "Xi" for a family-name-first name) or the `short` attribute
/// ("Lula"). That form becomes a short sense of the person, unless two office holders
/// share it or it is a one-letter or two-letter word.
fn add_short_names(
    entries: &[RawRow],
    texts: &[Text],
    common: &CommonWords,
    recs: &mut Vec<FormRec>,
    arena: &mut Vec<u8>,
) {
    let mut shorts: HashMap<String, Option<(EntryId, String)>> = HashMap::default();
    for (i, e) in entries.iter().enumerate() {
        if e.kind != EntityKind::Person || attr_of(e.attrs(texts), "title").is_none() {
            continue;
        }
        let e = e.cols(texts);
        // the short form the file gives, and the family part of the name and of every
        // alias ("Zelenskyy", "Zelensky")
        let family_first = e.attr("order") == Some("family-first");
        let mut cands: Vec<String> = Vec::new();
        if let Some(s) = e.attr("short").or_else(|| e.attr("family")) {
            cands.push(s.to_string());
        }
        e.each_surface(|surface, _| {
            let words: Vec<&str> = surface.split_whitespace().collect();
            if words.len() < 2 {
                return;
            }
            let part = if family_first {
                words[0]
            } else {
                words[words.len() - 1]
            };
            if !cands.iter().any(|c| c == part) {
                cands.push(part.to_string());
            }
        });
        for short in cands {
            let folded = fold_str(&short);
            if folded.chars().count() < 2 || !short.chars().next().is_some_and(|c| c.is_uppercase())
            {
                continue;
            }
            match shorts.get(&folded) {
                None => {
                    shorts.insert(folded, Some((i as EntryId, short)));
                }
                Some(Some((other, _))) if *other != i as EntryId => {
                    shorts.insert(folded, None);
                }
                _ => {}
            }
        }
    }
    let mut list: Vec<(String, EntryId, String)> = shorts
        .into_iter()
        .filter_map(|(f, v)| v.map(|(e, s)| (f, e, s)))
        .collect();
    list.sort();
    for (folded, eid, surface) in list {
        let sense = Sense {
            entry: eid,
            canonical: false,
            short: true,
            common: common.contains(&folded),
            policy: policy_of(&surface),
        };
        let off = arena.len();
        fold_form_and_policy(&folded, arena);
        FormRec::push(recs, arena, off, sense);
    }
}

/// Adds the embedded word list `src` to `set` (see
/// [`GazetteerBuilder::add_embedded_common_words`]).
fn embedded_words(set: &mut CommonWords, src: &str) {
    set.reserve(lines_in(src));
    // split at each '\n' by a plain loop (`str::lines` sets up a search a line, which cost
    // more than the line: the words are short); `trim` takes the '\r' of a CRLF line
    let folded = |b: u8| b.is_ascii_lowercase() || b == b'\'' || b == b'-';
    let mut rest = src;
    while !rest.is_empty() {
        // to the line's end, seeing on the way whether the line is a folded word (most
        // are): then it has nothing to trim
        let (mut end, mut plain) = (rest.len(), true);
        for (i, b) in rest.bytes().enumerate() {
            if b == b'\n' {
                end = i;
                break;
            }
            plain &= folded(b);
        }
        let line = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        if plain && !line.is_empty() {
            set.insert(line);
            continue;
        }
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l.bytes().all(folded) {
            set.insert(l);
        } else {
            set.insert(&fold_str(l));
        }
    }
}

/// The matching form of a name: folded (see [`crate::text`]), white space runs made one
/// space, no space at either end; written into `out`.
#[cfg(test)]
fn fold_form(surface: &str, out: &mut String) {
    out.clear();
    fold_form_append(surface, out);
}

/// Appends the matching form of a name (see [`fold_form`]) to `out`.
fn fold_form_append(surface: &str, out: &mut String) {
    let start = out.len();
    let surface = trim(surface);
    // the common case: ASCII, single spaces (one pass over the bytes, then one copy)
    let mut prev = 0;
    let plain = surface.bytes().all(|b| {
        let ok = b.is_ascii_graphic() || (b == b' ' && prev != b' ');
        prev = b;
        ok
    });
    if plain {
        out.push_str(surface);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in surface.chars() {
        let before = out.len();
        crate::text::fold_char(c, out);
        // folding makes every white space character one space
        if out.len() == before + 1
            && out.as_bytes()[before] == b' '
            && (before == start || out.as_bytes()[before - 1] == b' ')
        {
            out.pop();
        }
    }
    if out.len() > start && out.ends_with(' ') {
        out.pop();
    }
}

/// One (folded surface form, sense) pair while a gazetteer is built.
#[derive(Clone, Copy, Debug)]
struct FormRec {
    /// The first sixteen bytes of the text, big-endian and zero-padded, as two words:
    /// they order most pairs without reading the text.
    key: [u64; 2],
    /// The text: `arena[off..off + len]`. The offsets grow in the order the pairs were
    /// listed in, which breaks ties (the first sense listed for an entry wins).
    off: u32,
    len: u32,
    sense: Sense,
}

/// Bytes of a form in [`FormRec::key`].
const KEY_BYTES: usize = 16;

impl FormRec {
    /// Lists the form `arena[off..]` (folded there last) with `sense` (nothing for an
    /// empty form).
    fn push(recs: &mut Vec<FormRec>, arena: &[u8], off: usize, sense: Sense) {
        let len = arena.len() - off;
        if len == 0 {
            return;
        }
        let text = &arena[off..];
        let mut k = [0u8; KEY_BYTES];
        // (a loop the compiler unrolls: a copy of a length known at run time is a call)
        for (k, &b) in k.iter_mut().zip(text) {
            *k = b;
        }
        let (hi, lo) = k.split_at(8);
        let word = |b: &[u8]| u64::from_be_bytes(b.try_into().expect("8 bytes"));
        recs.push(FormRec {
            key: [word(hi), word(lo)],
            off: off as u32,
            len: len as u32,
            sense,
        });
    }

    /// The key's bytes.
    fn key_bytes(&self) -> [u8; KEY_BYTES] {
        let mut k = [0u8; KEY_BYTES];
        k[..8].copy_from_slice(&self.key[0].to_be_bytes());
        k[8..].copy_from_slice(&self.key[1].to_be_bytes());
        k
    }

    fn text<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        &arena[self.off as usize..(self.off + self.len) as usize]
    }

    /// By text, then in the order listed.
    #[inline]
    fn cmp(&self, other: &FormRec, arena: &[u8]) -> std::cmp::Ordering {
        self.key[0]
            .cmp(&other.key[0])
            .then_with(|| self.key[1].cmp(&other.key[1]))
            .then_with(|| {
                if self.len as usize <= KEY_BYTES && other.len as usize <= KEY_BYTES {
                    // the keys hold both texts: equal keys, so the shorter one is a
                    // prefix of the other (padded with zero bytes)
                    self.len.cmp(&other.len)
                } else {
                    self.text(arena).cmp(other.text(arena))
                }
            })
            .then(self.off.cmp(&other.off))
    }

    /// True when both have the same text.
    fn same_text(&self, other: &FormRec, arena: &[u8]) -> bool {
        self.key == other.key
            && self.len == other.len
            && (self.len as usize <= KEY_BYTES || self.text(arena) == other.text(arena))
    }
}

/// `recs` sorted by [`FormRec::cmp`] (texts in `arena`): first moved into buckets by the
/// first two bytes of their text (one count, then [`into_buckets`] in place), then each
/// bucket sorted by [`radix_sort`]. The first two bytes are what most comparisons of one
/// sort of the whole list would read first. In place: a copy of a million names' pairs
/// was 67 MB of fresh memory, whose pages the kernel zeroed at first touch.
fn sort_recs(mut recs: Vec<FormRec>, arena: &[u8]) -> Vec<FormRec> {
    // the first two bytes: the top of the key (big-endian)
    let bucket = |r: &FormRec| (r.key[0] >> 48) as usize;
    // the count of each bucket, then where each starts (`next`) and ends (`end`)
    let mut end = vec![0u32; 1 << 16];
    for r in &recs {
        end[bucket(r)] += 1;
    }
    let mut next = vec![0u32; 1 << 16];
    let mut sum = 0;
    for (n, e) in next.iter_mut().zip(&mut end) {
        *n = sum;
        sum += *e;
        *e = sum;
    }
    into_buckets(&mut recs, &mut next, &end, 0..=(1 << 16) - 1, bucket);
    let mut start = 0;
    for &e in &end {
        if e - start > 1 {
            radix_sort(&mut recs[start as usize..e as usize], 2, arena);
        }
        start = e;
    }
    recs
}

/// Moves each of `recs` into its bucket, in place (no second buffer): bucket `b` is
/// `recs[next[b]..end[b]]` as given, and `next[b]` is then moved to `end[b]`. Each place
/// of a bucket not yet filled takes the pair there out and swaps it along the buckets it
/// belongs to until one of this bucket's comes back. `bucket` gives every pair a bucket
/// of `used`; the others are left as they are.
fn into_buckets(
    recs: &mut [FormRec],
    next: &mut [u32],
    end: &[u32],
    used: std::ops::RangeInclusive<usize>,
    bucket: impl Fn(&FormRec) -> usize,
) {
    for b in used {
        while next[b] < end[b] {
            let at = next[b] as usize;
            let mut r = recs[at];
            loop {
                let t = bucket(&r);
                if t == b {
                    break;
                }
                let j = next[t] as usize;
                next[t] += 1;
                std::mem::swap(&mut r, &mut recs[j]);
            }
            recs[at] = r;
            next[b] += 1;
        }
    }
}

/// Buckets of fewer pairs than this are sorted by comparisons: [`radix_sort`]'s count
/// and walk over the bytes in use cost more than the comparisons would.
const RADIX_MIN: usize = 48;

/// Sorts `recs`, whose keys agree on their first `depth` bytes, by [`FormRec::cmp`]: moved
/// into buckets by the key's byte at `depth` in place (a count, then cycles of swaps:
/// no second buffer), then each bucket by the next byte. A bucket of a million synthetic
/// names' first two bytes holds tens of thousands of pairs, whose comparison sort read
/// each pair's key some fifteen times; this reads it once a byte. Small buckets, keys
/// read to their end, and the bucket of the zero byte (texts that end there, or that
/// hold a zero byte) are sorted by comparisons, which also order equal texts.
fn radix_sort(recs: &mut [FormRec], mut depth: usize, arena: &[u8]) {
    loop {
        if recs.len() < RADIX_MIN || depth >= KEY_BYTES {
            sort_small(recs, arena);
            return;
        }
        let (word, shift) = (depth / 8, 56 - 8 * (depth % 8));
        let byte = |r: &FormRec| usize::from((r.key[word] >> shift) as u8);
        let mut count = [0u32; 256];
        let (mut lo, mut hi) = (255, 0);
        for r in recs.iter() {
            let b = byte(r);
            count[b] += 1;
            lo = lo.min(b);
            hi = hi.max(b);
        }
        if lo == hi {
            // one bucket: on to the next byte (unless the texts end here)
            if lo == 0 {
                sort_small(recs, arena);
                return;
            }
            depth += 1;
            continue;
        }
        // where each bucket of the bytes in use starts and ends
        let mut next = [0u32; 256];
        let mut end = [0u32; 256];
        let mut sum = 0;
        for b in lo..=hi {
            next[b] = sum;
            sum += count[b];
            end[b] = sum;
        }
        into_buckets(recs, &mut next, &end, lo..=hi, byte);
        let mut start = 0;
        for b in lo..=hi {
            let bucket = &mut recs[start as usize..end[b] as usize];
            start = end[b];
            if bucket.len() < 2 {
                continue;
            }
            if b == 0 {
                sort_small(bucket, arena);
            } else {
                radix_sort(bucket, depth + 1, arena);
            }
        }
        return;
    }
}

/// Sorts `recs` by [`FormRec::cmp`] by comparisons. When every text is in its key (of
/// at most [`KEY_BYTES`]), that order is the one of (key, length, offset), compared with
/// no test of the lengths or read of the arena.
fn sort_small(recs: &mut [FormRec], arena: &[u8]) {
    if recs.iter().all(|r| r.len as usize <= KEY_BYTES) {
        recs.sort_unstable_by_key(|r| (r.key, r.len, r.off));
    } else {
        recs.sort_unstable_by(|x, y| x.cmp(y, arena));
    }
}

/// The pairs of two sorted lists (texts in `arena`) in one sorted sequence.
fn merged<'a>(
    a: &'a [FormRec],
    b: &'a [FormRec],
    arena: &'a [u8],
) -> impl Iterator<Item = &'a FormRec> + use<'a> {
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    std::iter::from_fn(move || {
        // (one test a pair while `b` is empty, as on one thread)
        let Some(y) = b.peek() else {
            return a.next();
        };
        match a.peek() {
            Some(x) if !y.cmp(x, arena).is_lt() => a.next(),
            _ => b.next(),
        }
    })
}

/// Distinct folded forms side by side: form `f` is `text[start[f]..start[f + 1]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Forms {
    text: String,
    start: Vec<u32>,
}

impl Forms {
    fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    fn get(&self, f: u32) -> &str {
        &self.text[self.start[f as usize] as usize..self.start[f as usize + 1] as usize]
    }

    /// [`Forms::get`] as bytes (no check of character boundaries).
    fn bytes(&self, f: u32) -> &[u8] {
        &self.text.as_bytes()[self.start[f as usize] as usize..self.start[f as usize + 1] as usize]
    }
}

fn line_col(bytes: &[u8]) -> (usize, usize) {
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let last = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&bytes[last..]).chars().count() + 1;
    (line, col)
}

fn plural(s: &str) -> String {
    if let Some(p) = s.strip_suffix("man") {
        format!("{p}men")
    } else if let Some(p) = s
        .strip_suffix('y')
        .filter(|p| !p.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{p}ies")
    } else if s.ends_with('s') || s.ends_with("sh") || s.ends_with("ch") {
        format!("{s}es")
    } else {
        format!("{s}s")
    }
}

fn policy_of(surface: &str) -> CasePolicy {
    // every name of the gazetteer goes through here at start-up: ASCII names in one pass
    if let Some(p) = policy_of_ascii(surface.as_bytes()) {
        return p;
    }
    policy_of_chars(surface)
}

/// [`policy_of`] for an ASCII name, in one pass over its bytes; `None` for any other name.
fn policy_of_ascii(b: &[u8]) -> Option<CasePolicy> {
    let mut scan = CaseScan::default();
    // a table lookup a byte, no branch but one
    for &c in b {
        let class = ASCII_CLASS[usize::from(c)];
        if class & NOT_ASCII != 0 {
            return None;
        }
        scan.take(class);
    }
    Some(scan.policy(b.first().copied()))
}

/// What one pass over a name's ASCII bytes has seen so far: a few bit operations a byte
/// on its [`ASCII_CLASS`], no branch.
#[derive(Clone, Copy, Debug, Default)]
struct CaseScan {
    /// The classes of all bytes, or'ed.
    any: u8,
    letters: usize,
    /// [`LOWER`] set: a word (after a space or a hyphen) starts in lower case.
    lower_word: u8,
    /// [`SPACE`] set: two spaces in a row.
    double_space: u8,
    /// The class of the byte before.
    prev: u8,
}

impl CaseScan {
    /// Takes the next byte, by its class.
    #[inline(always)]
    fn take(&mut self, class: u8) {
        self.any |= class;
        self.letters += usize::from(class & LETTER);
        // the byte before's SEPARATOR bit, moved to the LOWER bit
        const _: () = assert!(SEPARATOR >> 1 == LOWER);
        self.lower_word |= class & (self.prev >> 1);
        self.double_space |= class & self.prev;
        self.prev = class;
    }

    /// The policy of the name whose bytes were all taken; `first` is its first byte.
    fn policy(&self, first: Option<u8>) -> CasePolicy {
        if self.letters >= 2 && self.any & LOWER == 0 {
            if self.letters >= 4 {
                CasePolicy::UpperOrCapitalized
            } else {
                CasePolicy::Upper
            }
        } else if first.is_some_and(|b| b.is_ascii_lowercase()) {
            CasePolicy::Any
        } else if self.any & SPACE != 0 && self.lower_word & LOWER == 0 {
            CasePolicy::CapitalizedAll
        } else {
            CasePolicy::Capitalized
        }
    }

    /// The bytes are printable ASCII and single spaces (see [`fold_form_append`]).
    #[cfg(test)]
    fn plain(&self) -> bool {
        self.any & NOT_PLAIN == 0 && self.double_space & SPACE == 0
    }

    /// The scan of `name` ([`CaseScan::take`] of each byte's class) when it is plain (see
    /// [`CaseScan::plain`]), `name` then appended to `out` with its ASCII capitals made
    /// lower case; `None` (and anything appended) for any other name. Eight bytes at a
    /// time, on masks of the bytes of each kind: every name and alias of a big caller's
    /// file comes here at build, and a table lookup and five updates a byte cost some
    /// fifteen instructions a byte (a test holds the two scans to agree).
    fn lowering_plain(name: &[u8], out: &mut Vec<u8>) -> Option<CaseScan> {
        let end = out.len() + name.len();
        // whole words appended, the last one padded and cut back: copies of a fixed size,
        // not a call to copy the name and then a pass over the copy
        out.reserve(name.len() + 8);
        let mut chunks = name.chunks_exact(8);
        let mut eight = Eight::default();
        for chunk in &mut chunks {
            let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            out.extend_from_slice(&eight.take(w)?.to_le_bytes());
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // padded with '0', which is of no kind the scan counts (a loop the compiler
            // unrolls: a copy of a length known at run time is a call)
            let mut word = [b'0'; 8];
            for (w, &b) in word.iter_mut().zip(rest) {
                *w = b;
            }
            out.extend_from_slice(&eight.take(u64::from_le_bytes(word))?.to_le_bytes());
            out.truncate(end);
        }
        (eight.double_space == 0).then_some(CaseScan {
            any: (if eight.lower != 0 { LOWER } else { 0 })
                | (if eight.space != 0 { SPACE } else { 0 }),
            letters: eight.letters,
            lower_word: if eight.lower_word != 0 { LOWER } else { 0 },
            double_space: 0,
            prev: 0,
        })
    }
}

/// What [`CaseScan::lowering_plain`] has seen of a name's words of eight bytes: each a
/// mask of the high bits of the bytes of one kind, or'ed, except the last word's
/// separators (carried into the next word).
#[derive(Clone, Copy, Debug, Default)]
struct Eight {
    lower: u64,
    space: u64,
    /// A lower-case letter right after a space or a hyphen.
    lower_word: u64,
    /// A space right after a space.
    double_space: u64,
    letters: usize,
    /// The last word's spaces and separators (space or hyphen).
    last_space: u64,
    last_sep: u64,
}

impl Eight {
    /// Takes the next eight bytes (little-endian) and returns them with their capitals
    /// made lower case; `None` when one is not printable ASCII or a space. Exact: with
    /// every byte below 0x7F, no byte's sum carries into the next.
    #[inline(always)]
    fn take(&mut self, w: u64) -> Option<u64> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        if parse::special(w) != 0 {
            return None;
        }
        // the bytes `>= c` (for 1 <= c <= 0x80), and those equal to `c`
        let at_least = |c: u8| (w + (0x80 - u64::from(c)) * ONES) & HIGH;
        let equal = |c: u8| !((w ^ (u64::from(c) * ONES)) + LOW7) & HIGH;
        let upper = at_least(b'A') & !at_least(b'Z' + 1);
        let lower = at_least(b'a') & !at_least(b'z' + 1);
        let space = equal(b' ');
        let sep = space | equal(b'-');
        // the byte before each byte: this word's shifted up a byte, the last word's top
        let after_sep = sep << 8 | self.last_sep >> 56;
        let after_space = space << 8 | self.last_space >> 56;
        self.lower |= lower;
        self.space |= space;
        self.lower_word |= lower & after_sep;
        self.double_space |= space & after_space;
        // one bit a letter at the bottom of its byte, summed into the top byte (a
        // `count_ones` is a dozen instructions without the popcount instruction)
        self.letters += (((upper | lower) >> 7).wrapping_mul(ONES) >> 56) as usize;
        (self.last_space, self.last_sep) = (space, sep);
        // the high bit moved to the case bit (0x20)
        Some(w | upper >> 2)
    }
}

/// Appends the matching form of `surface` to `out` ([`fold_form_append`]) and returns its
/// [`policy_of`]: every name and alias of the gazetteer comes here at build, and one pass
/// over the bytes of a plain name (printable ASCII, single spaces inside) does it all,
/// copying, lowering and reading the case at once. Other names go the general way (a
/// test holds the two to agree).
fn fold_form_and_policy(surface: &str, out: &mut Vec<u8>) -> CasePolicy {
    let b = surface.as_bytes();
    // no space at either end (as every name is trimmed): then the plain check is
    // `fold_form_append`'s
    if matches!((b.first(), b.last()), (Some(x), Some(y)) if x.is_ascii_graphic() && y.is_ascii_graphic())
    {
        let start = out.len();
        if let Some(scan) = CaseScan::lowering_plain(b, out) {
            return scan.policy(b.first().copied());
        }
        out.truncate(start);
    }
    // (room for the usual folding: a few characters fold to two or three)
    let mut folded = String::with_capacity(2 * surface.len());
    fold_form_append(surface, &mut folded);
    out.extend_from_slice(folded.as_bytes());
    policy_of(surface)
}

/// [`ASCII_CLASS`] bits: an ASCII letter (the bit is 1: it is added to a count).
const LETTER: u8 = 1;
/// A lower-case ASCII letter.
const LOWER: u8 = 2;
/// A space or a hyphen: what starts a word (one bit above [`LOWER`]: see
/// [`CaseScan::take`]).
const SEPARATOR: u8 = 4;
/// A space.
const SPACE: u8 = 8;
/// Not ASCII.
const NOT_ASCII: u8 = 16;
/// An upper-case ASCII letter: the bit that makes it lower case.
const UPPER: u8 = 0x20;
/// Neither printable ASCII nor a space.
const NOT_PLAIN: u8 = 64;

/// The class bits of every byte, for [`policy_of_ascii`].
const ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if !b.is_ascii() {
            NOT_ASCII | NOT_PLAIN
        } else if b.is_ascii_lowercase() {
            LETTER | LOWER
        } else if b.is_ascii_uppercase() {
            LETTER | UPPER
        } else if b == b' ' {
            SPACE | SEPARATOR
        } else if b == b'-' {
            SEPARATOR
        } else if b.is_ascii_graphic() {
            0
        } else {
            NOT_PLAIN
        };
        c += 1;
    }
    t
};

/// [`policy_of`], on characters (any name).
fn policy_of_chars(surface: &str) -> CasePolicy {
    let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
    let lower = surface.chars().any(|c| c.is_lowercase());
    if letters >= 2 && !lower {
        if letters >= 4 {
            CasePolicy::UpperOrCapitalized
        } else {
            CasePolicy::Upper
        }
    } else if surface.chars().next().is_some_and(|c| c.is_lowercase()) {
        CasePolicy::Any
    } else if surface.contains(' ')
        && surface
            .split([' ', '-'])
            .all(|w| !w.chars().next().is_some_and(|c| c.is_lowercase()))
    {
        CasePolicy::CapitalizedAll
    } else {
        CasePolicy::Capitalized
    }
}

/// Entries made from their rows on first use, in blocks of [`BLOCK`]: a million rows of a
/// caller's file cost no table of a million empty entries.
type EntryBlock = Box<[std::sync::OnceLock<Entry>]>;

/// Entries in an [`EntryBlock`].
const BLOCK: usize = 64;

/// A compiled gazetteer: entries and the trie over their folded surface forms.
///
/// Immutable and `Send + Sync`; share one between threads.
#[derive(Clone, Debug)]
pub struct Gazetteer {
    /// File names, for the messages of lazily parsed rows.
    paths: Vec<String>,
    /// The files' texts, by the same index: the rows are read from them.
    texts: Vec<Text>,
    /// The entries; a row's entry is parsed on first use.
    entries: Vec<std::sync::OnceLock<EntryBlock>>,
    /// The row of each entry (shared with its builder when no row was replaced).
    rows: std::sync::Arc<Vec<RawRow>>,
    /// All entries as one slice, made on the first call of [`Gazetteer::entries`].
    all_entries: std::sync::OnceLock<Vec<Entry>>,
    forms: Forms,
    /// The senses of form `f`: `senses[sense_start[f]..sense_start[f + 1]]`.
    senses: Vec<Sense>,
    sense_start: Vec<u32>,
    trie: Trie,
    /// The trie of the forms with a sense that takes any case: the only ones that can
    /// start at a lower-case word.
    lower_trie: Trie,
    /// What a lower-case word may start in `lower_trie` (see `find_in`).
    lower_starts: WordStarts,
    /// Made on the first call of [`Gazetteer::by_id`].
    id_index: std::sync::OnceLock<HashMap<String, EntryId>>,
    country_index: HashMap<String, EntryId>,
    common: std::sync::Arc<CommonWords>,
    /// Per entry, what the recogniser weighs senses by.
    facts: Vec<Facts>,
}

/// The default gazetteer the build script built and encoded (see `blob.rs`), or `None`
/// when it could not (then it is built from the embedded text at start-up).
#[cfg(newsgraph_prebuilt)]
const PREBUILT: Option<&[u8]> = Some(include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.bin")));
#[cfg(not(newsgraph_prebuilt))]
const PREBUILT: Option<&[u8]> = None;

impl Gazetteer {
    /// The gazetteer of the embedded default files: decoded from the bytes the build
    /// script made (a few copies), else built from the text
    /// ([`GazetteerBuilder::embedded_defaults`]).
    ///
    /// # Errors
    /// An error of the embedded files (then there are no prebuilt bytes).
    ///
    /// # Panics
    /// When the prebuilt bytes do not decode (a bug: they were made from these very files).
    pub(crate) fn embedded_defaults(threads: usize) -> Result<Gazetteer> {
        let Some(blob) = PREBUILT else {
            return GazetteerBuilder::embedded_defaults(threads);
        };
        Ok(Gazetteer::decode(blob, crate::defaults::GAZETTEERS)
            .unwrap_or_else(|e| panic!("the default gazetteer built at compile time: {e}")))
    }

    /// A builder.
    pub fn builder() -> GazetteerBuilder {
        GazetteerBuilder::new()
    }

    /// All entries.
    pub fn entries(&self) -> &[Entry] {
        self.all_entries.get_or_init(|| {
            (0..self.rows.len() as EntryId)
                .map(|i| self.entry(i).clone())
                .collect()
        })
    }

    /// The number of entries (ids are `0..len`).
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// One entry.
    ///
    /// # Panics
    /// When `id` is out of range.
    pub fn entry(&self, id: EntryId) -> &Entry {
        let i = id as usize;
        assert!(i < self.rows.len(), "entry {id} out of range");
        let block = self.entries[i / BLOCK]
            .get_or_init(|| (0..BLOCK).map(|_| std::sync::OnceLock::new()).collect());
        block[i % BLOCK].get_or_init(|| {
            // the row was checked when the gazetteer was built (a caller's rows when added,
            // the embedded ones by the test suite), and where its columns start was kept:
            // they are read in place, with no second split and check, and the aliases, which
            // an entry does not keep, are not copied (a first use of an entry cost about
            // 5,000 instructions when its row was parsed again)
            let r = &self.rows[i];
            let cols = r.cols(&self.texts);
            Entry {
                id: r.id(&self.texts).into(),
                kind: cols.kind,
                name: cols.name.into(),
                attrs: cols
                    .attrs()
                    .map(|(k, v)| (String::from(k), String::from(v)))
                    .collect(),
            }
        })
    }

    /// The entry with the given id string.
    pub fn by_id(&self, id: &str) -> Option<EntryId> {
        self.id_index
            .get_or_init(|| {
                (0..self.rows.len() as EntryId)
                    .map(|i| (self.entry(i).id.to_string(), i))
                    .collect()
            })
            .get(id)
            .copied()
    }

    /// What the recogniser weighs entry `id`'s senses by, without making its entry.
    #[inline]
    pub(crate) fn facts(&self, id: EntryId) -> Facts {
        self.facts[id as usize]
    }

    /// True when the folded word is a common English word.
    pub fn is_common_word(&self, folded: &str) -> bool {
        self.is_common_word_bytes(folded.as_bytes())
    }

    /// [`Gazetteer::is_common_word`] of a folded word's bytes.
    #[inline]
    pub(crate) fn is_common_word_bytes(&self, folded: &[u8]) -> bool {
        self.common.contains_bytes(folded)
    }

    /// The country entry (`kind=country`) with an ISO 3166-1 alpha-2 code.
    pub fn country(&self, code: &str) -> Option<EntryId> {
        self.country_index.get(code).copied()
    }

    /// Number of distinct folded surface forms.
    pub fn form_count(&self) -> usize {
        self.forms.len()
    }

    /// The folded text of a surface form.
    pub fn form(&self, form: u32) -> &str {
        self.forms.get(form)
    }

    /// The entries a surface form may stand for (all of them, before the case check).
    pub fn senses(&self, form: u32) -> &[Sense] {
        let f = form as usize;
        &self.senses[self.sense_start[f] as usize..self.sense_start[f + 1] as usize]
    }

    /// The senses of a candidate whose case policy the text satisfies.
    pub fn senses_for<'g>(
        &'g self,
        cand: &Candidate,
        tokens: &'g [Token],
    ) -> impl Iterator<Item = &'g Sense> + 'g {
        let fits = case_fits_text(cand, tokens);
        self.senses(cand.form).iter().filter(move |s| fits(s))
    }

    /// True when some sense of the form fits the case of `tokens[first..last]`.
    fn case_fits(&self, form: u32, tokens: &[Token], first: usize, last: usize) -> bool {
        let cand = Candidate { first, last, form };
        self.senses_for(&cand, tokens).next().is_some()
    }

    /// Finds candidates in `tokens[range]`, appending to `out`: leftmost-longest,
    /// token-aligned, non-overlapping.
    pub fn find_in(
        &self,
        folded: &Folded,
        tokens: &[Token],
        range: std::ops::Range<usize>,
        out: &mut Vec<Candidate>,
    ) {
        let hay = folded.as_str().as_bytes();
        // (one bounds check a token: the range's end is the slice's)
        let tokens_to_end = &tokens[..range.end];
        let mut k = range.start;
        while let Some(t) = tokens_to_end.get(k) {
            if !matches!(t.kind, TokenKind::Word | TokenKind::Number) {
                k += 1;
                continue;
            }
            let trie = if t.shape == Shape::Lower && t.span.len() > 1 {
                // most lower-case words start no form of the lower-case trie, and a few
                // bits say so before a walk is set up: the set of its forms and their
                // prefixes for the word and its next byte (`WordStarts`), else the
                // trie's own three-byte paths (`Trie::may_walk`; a word folded to
                // nothing walks on with the next one's bytes: may_walk is true)
                let may = match t.fold.len() {
                    len @ 2..=starts::LONGEST => {
                        self.lower_starts.may_start(hay, t.fold.start, len)
                    }
                    _ => {
                        let seg = &hay[t.fold.start..t.fold.end];
                        self.lower_trie.may_walk(seg, hay.get(t.fold.end).copied())
                    }
                };
                if !may {
                    k += 1;
                    continue;
                }
                &self.lower_trie
            } else {
                &self.trie
            };
            match self.longest_at(trie, hay, tokens_to_end, k) {
                Some((last, form)) => {
                    out.push(Candidate {
                        first: k,
                        last,
                        form,
                    });
                    k = last;
                }
                None => k += 1,
            }
        }
    }

    /// The longest form of `trie` that starts at token `k` and ends at the end of a token
    /// (of `tokens`, which end where the search does), with its case fitting the text, as
    /// (one past its last token, form).
    ///
    /// The walk goes a token at a time (the bytes from one token's end to the next one's,
    /// spaces included), and asks for a form only at a token's end: a form that ends
    /// inside a token is never a match.
    #[inline]
    fn longest_at(
        &self,
        trie: &Trie,
        hay: &[u8],
        tokens: &[Token],
        k: usize,
    ) -> Option<(usize, u32)> {
        let end = tokens.len();
        // the first token from `j` on that ends past `pos` (a token may fold to nothing)
        let next_end = |mut j: usize, pos: usize| {
            while j < end && tokens[j].fold.end <= pos {
                j += 1;
            }
            j
        };
        let start = tokens[k].fold.start;
        let mut j = next_end(k, start);
        if j == end {
            return None;
        }
        let mut pos = tokens[j].fold.end;
        let mut at = trie.start(&hay[start..pos])?;
        let mut found = None;
        loop {
            // a longer name counts only when its case fits the text ("New York City"
            // needs capitals); else a shorter one found on the way stands
            if let Some(form) = at.form()
                && (j == k || self.case_fits(form, tokens, k, j + 1))
            {
                found = Some((j + 1, form));
            }
            j = next_end(j + 1, pos);
            if j == end {
                return found;
            }
            let e = tokens[j].fold.end;
            match trie.descend(at, &hay[pos..e]) {
                Some(a) => at = a,
                None => return found,
            }
            pos = e;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    #[test]
    fn the_ascii_case_policy_is_the_general_one() {
        let mut names: Vec<String> = crate::defaults::GAZETTEERS
            .iter()
            .flat_map(|(_, src)| src.lines())
            .flat_map(|l| l.split('\t').skip(2).take(2))
            .flat_map(|c| c.split('|'))
            .map(|c| c.trim().to_string())
            .collect();
        names.extend(
            [
                "",
                "a",
                "A",
                "ab",
                "AB",
                "ABC",
                "ABCD",
                "Ab",
                "aB",
                "new York",
                "New york",
                "New-york",
                "New- York",
                "New  York",
                "NEW York",
                "X-ray",
                "-a",
                " a",
                "A b",
                "U.S.",
                "u.s.",
                "3M",
                "A1",
                "O'Brien",
                "de Gaulle",
            ]
            .map(String::from),
        );
        let mut ascii = 0;
        for n in &names {
            if let Some(p) = policy_of_ascii(n.as_bytes()) {
                ascii += 1;
                assert_eq!(p, policy_of_chars(n), "{n:?}");
            } else {
                assert!(!n.is_ascii(), "{n:?}");
            }
        }
        assert!(ascii > 100_000, "{ascii} ASCII names checked");
    }

    const G: &str = "id\ttype\tname\taliases\tattrs
t:1\tLOCATION\tMinsk\t\tkind=city
t:2\tLOCATION\tNew York\tNew York City|NYC\tkind=city
t:3\tORGANIZATION\tShanghai Cooperation Organisation\tShanghai Cooperation Organization|SCO\tkind=igo
t:4\tNATIONALITY\tBelarusian\tBelarussian\tcountry=BY
t:5\tLOCATION\tBelarus\t\tkind=country
t:6\tTITLE\tforeign minister\t\tkind=office
t:7\tORGANIZATION\tNorth Atlantic Treaty Organization\tNATO\tkind=igo
t:8\tLOCATION\tNew\t\tkind=city
";

    fn run(text: &str) -> Vec<(String, String)> {
        let g = Gazetteer::builder()
            .add_source("g.tsv", G)
            .unwrap()
            .build()
            .unwrap();
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        let mut out = Vec::new();
        g.find_in(&f, &t, 0..t.len(), &mut out);
        out.iter()
            .filter_map(|c| {
                let sense = g.senses_for(c, &t).next()?;
                let span = crate::Span::new(t[c.first].span.start, t[c.last - 1].span.end);
                Some((
                    span.slice(text).to_string(),
                    g.entry(sense.entry).name.to_string(),
                ))
            })
            .collect()
    }

    #[test]
    fn lower_case_words_start_only_any_case_forms() {
        let g = Gazetteer::builder()
            .add_source("g.tsv", G)
            .unwrap()
            .build()
            .unwrap();
        let text = "the foreign minister flew from minsk to Minsk and new york";
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        let mut out = Vec::new();
        g.find_in(&f, &t, 0..t.len(), &mut out);
        let found: Vec<&str> = out
            .iter()
            .map(|c| &text[t[c.first].span.start..t[c.last - 1].span.end])
            .collect();
        // "minsk" and "new york" in lower case cannot be the city: not even a candidate
        assert_eq!(found, ["foreign minister", "Minsk"]);
        // and every candidate dropped that way had no sense for its case
        assert_eq!(
            run(text),
            [
                (
                    "foreign minister".to_string(),
                    "foreign minister".to_string()
                ),
                ("Minsk".to_string(), "Minsk".to_string())
            ]
        );
    }

    #[test]
    fn longest_token_aligned() {
        assert_eq!(
            run("The Shanghai Cooperation Organization (SCO) met in New York City, not Minsky."),
            vec![
                (
                    "Shanghai Cooperation Organization".into(),
                    "Shanghai Cooperation Organisation".into()
                ),
                ("SCO".into(), "Shanghai Cooperation Organisation".into()),
                ("New York City".into(), "New York".into()),
            ]
        );
    }

    #[test]
    fn case_policy() {
        // lower-case "sco" is not the acronym; "Nato" is NATO; titles match in lower case
        let r = run("the sco and Nato; the Belarussian foreign minister in minsk");
        assert_eq!(
            r,
            vec![
                ("Nato".into(), "North Atlantic Treaty Organization".into()),
                ("Belarussian".into(), "Belarusian".into()),
                ("foreign minister".into(), "foreign minister".into()),
            ]
        );
    }

    #[test]
    fn shorter_match_when_longest_is_not_aligned() {
        // "new york cit" is no form, but "new york city" inside "New York Citys" is not
        // token-aligned: fall back to "New York"
        assert_eq!(
            run("New York Citys"),
            vec![("New York".into(), "New York".into())]
        );
    }

    /// [`Gazetteer::find_in`] the slow way: from each token, every token end is looked up
    /// in the sorted forms.
    fn find_naive(g: &Gazetteer, f: &Folded, t: &[Token]) -> Vec<Candidate> {
        let hay = f.as_str().as_bytes();
        let ids: Vec<u32> = (0..g.form_count() as u32).collect();
        let lookup = |b: &[u8]| {
            ids.binary_search_by(|&x| g.forms.bytes(x).cmp(b))
                .ok()
                .map(|i| i as u32)
        };
        let mut out = Vec::new();
        let mut k = 0;
        while k < t.len() {
            if !matches!(t[k].kind, TokenKind::Word | TokenKind::Number) {
                k += 1;
                continue;
            }
            let lower = t[k].shape == Shape::Lower && t[k].span.len() > 1;
            let mut best = None;
            for j in k..t.len() {
                let Some(form) = lookup(&hay[t[k].fold.start..t[j].fold.end]) else {
                    continue;
                };
                let any_case = g.senses(form).iter().any(|s| s.policy == CasePolicy::Any);
                if (!lower || any_case) && (j == k || g.case_fits(form, t, k, j + 1)) {
                    best = Some((j + 1, form));
                }
            }
            match best {
                Some((last, form)) => {
                    out.push(Candidate {
                        first: k,
                        last,
                        form,
                    });
                    k = last;
                }
                None => k += 1,
            }
        }
        out
    }

    #[test]
    fn find_in_matches_the_naive_search() {
        let ex = crate::Extractor::new().unwrap();
        let g = ex.gazetteer();
        // names of the default gazetteer as written, in capitals, in lower case, and run
        // together, between common words
        let mut text = String::from(
            "The Shanghai Cooperation Organization met in New York City, not Minsky. The \
             foreign minister of Belarus, Sergei Lavrov and the U.S. Secretary of State \
             flew to São Paulo; the sco and Nato. ",
        );
        let glue = [
            "said", "and", "the", "of", "in", ",", "to", "New", "foreign",
        ];
        for (i, f) in (0..g.form_count() as u32).step_by(97).enumerate() {
            let form = g.form(f);
            let written = match i % 4 {
                0 => form.to_string(),
                1 => form.to_uppercase(),
                2 => form
                    .split(' ')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next().map_or(String::new(), |x| {
                            x.to_uppercase().chain(c).collect::<String>()
                        })
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => form.replace(' ', ""),
            };
            text.push_str(&written);
            text.push(' ');
            text.push_str(glue[i % glue.len()]);
            text.push(' ');
        }
        let f = Folded::new(&text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(&text, &f, &mut t, &mut s);
        let mut got = Vec::new();
        g.find_in(&f, &t, 0..t.len(), &mut got);
        let want = find_naive(g, &f, &t);
        assert!(want.len() > 500, "{} candidates", want.len());
        assert_eq!(got, want);
    }

    #[test]
    fn every_word_capitalised_names_need_capitals() {
        let g = Gazetteer::builder()
            .add_source(
                "g.tsv",
                "id\ttype\tname\taliases\tattrs\nt:1\tORGANIZATION\tXinhua News Agency\tXinhua\t\n",
            )
            .unwrap()
            .build()
            .unwrap();
        for (text, want) in [
            ("the Xinhua News Agency said", "Xinhua News Agency"),
            ("the Xinhua news agency said", "Xinhua"),
            ("XINHUA NEWS AGENCY SAID", "XINHUA NEWS AGENCY"),
        ] {
            let f = Folded::new(text);
            let (mut t, mut s) = (Vec::new(), Vec::new());
            tokenize(text, &f, &mut t, &mut s);
            let mut out = Vec::new();
            g.find_in(&f, &t, 0..t.len(), &mut out);
            let got: Vec<&str> = out
                .iter()
                .map(|c| {
                    crate::Span::new(t[c.first].span.start, t[c.last - 1].span.end).slice(text)
                })
                .collect();
            assert_eq!(got, vec![want], "{text}");
        }
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let e = Gazetteer::builder()
            .add_source("a.tsv", G)
            .unwrap()
            .add_source(
                "b.tsv",
                "id\ttype\tname\taliases\tattrs\nt:1\tLOCATION\tX\t\t\n",
            )
            .unwrap()
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DuplicateEntry);
        assert!(
            e.to_string()
                .starts_with("b.tsv:2:1: duplicate id \"t:1\", first defined at a.tsv:2"),
            "{e}"
        );
    }

    #[test]
    fn rows_are_shared_until_a_duplicate_replaces_one() {
        let h = "id\ttype\tname\taliases\tattrs\n";
        let names = |g: &Gazetteer| -> Vec<String> {
            g.entries()
                .iter()
                .map(|e| format!("{} {}", e.id, e.name))
                .collect()
        };
        // no duplicate: the gazetteer's rows are the builder's, not a copy
        let mut b = Gazetteer::builder();
        b.add_source(
            "a.tsv",
            &format!("{h}t:1\tLOCATION\tA\t\t\nt:2\tPERSON\tB\t\t\n"),
        )
        .unwrap();
        let g = b.build().unwrap();
        assert!(std::sync::Arc::ptr_eq(&g.rows, &b.rows));
        // a row added after the build copies them: the gazetteer keeps its own
        b.add_source("b.tsv", &format!("{h}t:3\tLOCATION\tC\t\t\n"))
            .unwrap();
        assert_eq!((g.rows.len(), b.rows.len()), (2, 3));
        assert_eq!(names(&g), ["t:1 A", "t:2 B"]);
        // a duplicate replaces its row in place, a second one the row standing then; the
        // rows after them take the next places
        b.replace_duplicates(true)
            .add_source(
                "c.tsv",
                &format!(
                    "{h}t:2\tPERSON\tB2\t\t\nt:4\tLOCATION\tD\t\t\nt:2\tPERSON\tB3\t\t\n\
                     t:1\tLOCATION\tA2\t\t\nt:5\tLOCATION\tE\t\t\n"
                ),
            )
            .unwrap();
        let g = b.build().unwrap();
        assert!(!std::sync::Arc::ptr_eq(&g.rows, &b.rows));
        assert_eq!(names(&g), ["t:1 A2", "t:2 B3", "t:3 C", "t:4 D", "t:5 E"]);
        assert_eq!(g.by_id("t:5"), Some(4));
        assert_eq!(g.rows.len(), 5);
    }

    #[test]
    fn embedded_defaults_parse() {
        for (name, src) in crate::defaults::GAZETTEERS {
            parse::parse_file(name, src).unwrap();
            assert!(
                RawRow::split_file(0, src, &mut Vec::new()).is_some(),
                "{name} splits"
            );
        }
    }

    #[test]
    fn embedded_rows_build_the_same_gazetteer_as_parsed_rows() {
        let (mut a, mut b) = (Gazetteer::builder(), Gazetteer::builder());
        for (name, src) in crate::defaults::GAZETTEERS {
            a.add_source(name, src).unwrap();
            b.add_embedded(name, src).unwrap();
        }
        a.add_common_words(crate::defaults::COMMON_WORDS);
        b.add_embedded_common_words(crate::defaults::COMMON_WORDS);
        let (a, b) = (a.build().unwrap(), b.build().unwrap());
        assert_eq!(a.forms, b.forms);
        assert_eq!(a.common, b.common);
        assert_eq!(a.form_count(), b.form_count());
        for f in 0..a.form_count() as u32 {
            let (x, y) = (a.senses(f), b.senses(f));
            let key = |s: &Sense| (s.entry, s.canonical, s.short, s.policy);
            assert_eq!(
                x.iter().map(key).collect::<Vec<_>>(),
                y.iter().map(key).collect::<Vec<_>>()
            );
        }
        assert_eq!(a.entries(), b.entries());
        assert_eq!(a.country_index, b.country_index);
        assert_eq!(a.by_id("iso3166:BY"), b.by_id("iso3166:BY"));
        assert!(b.by_id("iso3166:BY").is_some());
    }

    #[test]
    fn two_threads_build_the_same_gazetteer() {
        let build = |threads| {
            let mut b = Gazetteer::builder();
            b.threads(threads)
                .add_embedded_defaults(crate::defaults::GAZETTEERS, crate::defaults::COMMON_WORDS)
                .unwrap();
            // and a caller's file, whose rows replace some and come after the rest
            let over = "id\ttype\tname\taliases\tattrs\n\
                        iso3166:BY\tLOCATION\tBelarus\tWhite Russia\tkind=country;country=BY\n\
                        t:1\tTITLE\tchief whip\t\tkind=office\n";
            b.add_source("over.tsv", over).unwrap();
            b.add_common_words("Whip\n");
            b.replace_built_in();
            b.build().unwrap()
        };
        assert!(
            two_threads(2) || std::thread::available_parallelism().map_or(1, |n| n.get()) < 2,
            "two threads on a machine with two cores"
        );
        let (a, b) = (build(1), build(2));
        assert_eq!(a.paths, b.paths);
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.forms, b.forms);
        assert_eq!(a.sense_start, b.sense_start);
        let key = |s: &Sense| (s.entry, s.canonical, s.short, s.common, s.policy);
        assert!(a.senses.iter().map(key).eq(b.senses.iter().map(key)));
        assert_eq!(a.facts, b.facts);
        assert_eq!(a.country_index, b.country_index);
        assert_eq!(a.common, b.common);
        assert_eq!(a.trie, b.trie);
        assert_eq!(a.lower_trie, b.lower_trie);
        assert_eq!(a.lower_starts, b.lower_starts);
        // the caller's rows are in
        let by = b.by_id("iso3166:BY").expect("Belarus");
        assert_eq!(b.entry(by).name.as_ref(), "Belarus");
        assert!((0..b.form_count() as u32).any(|f| b.form(f) == "chief whips"));
        assert!(b.is_common_word("whip") && b.rows.len() > 60_000);
    }

    #[test]
    fn country_index_is_the_first_country_row_of_each_code() {
        let g = crate::Extractor::new().unwrap();
        let g = g.gazetteer();
        let mut want: Vec<(String, String)> = Vec::new();
        for (name, src) in crate::defaults::GAZETTEERS {
            for row in parse::parse_file(name, src).unwrap() {
                if row.kind == EntityKind::Location
                    && row.attrs.get("kind").map(String::as_str) == Some("country")
                    && let Some(code) = row.attrs.get("country")
                    && !want.iter().any(|(c, _)| c == code)
                {
                    want.push((code.clone(), row.id));
                }
            }
        }
        assert!(want.len() > 150, "{} countries", want.len());
        assert_eq!(g.country_index.len(), want.len());
        for (code, id) in &want {
            let e = g.country(code).unwrap_or_else(|| panic!("{code}"));
            assert_eq!(&*g.entry(e).id, id.as_str(), "{code}");
        }
    }

    #[test]
    fn lines_in_counts_lines() {
        for src in [
            "",
            "a",
            "\n",
            "a\nb\n",
            &"x\n".repeat(1000),
            &"\n".repeat(600),
        ] {
            assert_eq!(lines_in(src), src.split('\n').count(), "{src:?}");
        }
    }

    #[test]
    fn position_of_and_split_at_byte_are_position_and_split() {
        let mut rng = crate::hash::xorshift(0x51ed_2701_f3a5_c8b9);
        for s in [
            "",
            "|",
            "a",
            "||",
            "a|",
            "|a",
            "ab|c||déf|",
            "x|y|z|0123456789abcdef|",
        ] {
            assert!(split_at_byte(s, b'|').eq(s.split('|')), "{s:?}");
        }
        for _ in 0..20_000 {
            let len = (rng() % 40) as usize;
            // few distinct bytes, so that the one looked for comes at any place, or twice
            // in a word, or not at all; and bytes one above and below it
            let s: Vec<u8> = (0..len)
                .map(|_| b"\t\x08\n|}{a\x80\xff"[(rng() % 9) as usize])
                .collect();
            for byte in [b'\t', b'|', 0x80, 0xFF, b'z'] {
                assert_eq!(
                    position_of(&s, byte),
                    s.iter().position(|&b| b == byte),
                    "{s:?} {byte}"
                );
                assert_eq!(
                    position_of_either(&s, b'{', byte),
                    s.iter().position(|&b| b == b'{' || b == byte),
                    "{s:?} {byte}"
                );
            }
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\t",
            "New York",
            "\u{A0}x",
            "x\u{A0}",
            "é",
            "\u{3000}",
            "a\u{2003}",
            "-",
            "~ ~",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn attrs_are_split_as_parse_row_splits_them() {
        let samples = [
            "",
            ";",
            "a=1",
            "a=1;",
            ";a=1",
            "a=1;b=2",
            "a",
            "a;b=",
            "=x",
            "a==b;c=d=e",
            ";;",
            "kind=city;population=1000;é=ü",
            "x=1;;y",
        ];
        let mut n = 0;
        for attrs in samples {
            let cols = Cols {
                kind: EntityKind::Location,
                name: "",
                aliases: "",
                attrs,
            };
            let want: Vec<_> = attrs
                .split(';')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            n += want.len();
            assert_eq!(cols.attrs().collect::<Vec<_>>(), want, "{attrs:?}");
        }
        assert!(n > 10);
        // columns of '=', ';' and letters at every place, of up to 30 bytes (one search
        // covers a few words)
        let mut rng = crate::hash::xorshift(0x2f6e_91c3_5ab0_7d14);
        for _ in 0..20_000 {
            let len = (rng() % 30) as usize;
            let attrs: String = (0..len)
                .map(|_| ['=', ';', 'a', 'b'][(rng() % 4) as usize])
                .collect();
            let want: Vec<_> = attrs
                .split(';')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            assert_eq!(attr_pairs(&attrs).collect::<Vec<_>>(), want, "{attrs:?}");
        }
    }

    #[test]
    fn an_entry_is_its_row_as_parse_row_reads_it() {
        // every row of the embedded gazetteer (whose entries are made from the rows kept in
        // the prebuilt blob), then a caller's file: a name with spaces around it, an empty
        // pair and an empty value, aliases, and a line too long for its columns' places to
        // be kept
        let ex = crate::Extractor::new().unwrap();
        let long = "x".repeat(70_000);
        let src = format!(
            "{}\na\tPERSON\t  Ab Cd \t Ab | Cd \ttitle=x;;country=BY;j=\n\
             b\tLOCATION\t{long}\t\tkind=city;population=5\nc\tORGANIZATION\tEf\t\t\n",
            parse::HEADER
        );
        let mut b = GazetteerBuilder::new();
        b.add_source("g.tsv", &src).unwrap();
        let own = b.build().unwrap();
        assert_eq!(own.rows.iter().filter(|r| r.cols == [0; 3]).count(), 1);
        let mut n = 0;
        for g in [ex.gazetteer(), &own] {
            for (i, r) in g.rows.iter().enumerate() {
                let row = parse::parse_row("g", 1, r.line(&g.texts)).unwrap();
                let want = Entry {
                    id: row.id.into(),
                    kind: row.kind,
                    name: row.name.into(),
                    attrs: row.attrs,
                };
                assert_eq!(g.entry(i as EntryId), &want);
                n += 1;
            }
        }
        assert!(n > 50_000, "{n}");
        assert_eq!(&*own.entry(0).name, "Ab Cd");
        assert_eq!(own.entry(0).attrs.len(), 3);
        assert_eq!(own.entry(1).attrs["population"], "5");
        assert_eq!(own.entry(0).attrs["j"], "");
    }

    #[test]
    fn a_rows_attrs_column_is_the_one_of_its_columns() {
        // rows whose columns' places are kept, and a line too long for that
        let long = "x".repeat(70_000);
        let src = format!(
            "{}\na\tPERSON\tAb Cd\tAb\ttitle=x;country=BY\nb\tLOCATION\t{long}\t\tkind=city\n\
             c\tPERSON\t Ef \t\t\n",
            parse::HEADER
        );
        let mut b = GazetteerBuilder::new();
        b.add_source("g.tsv", &src).unwrap();
        assert_eq!(b.rows.iter().filter(|r| r.cols == [0; 3]).count(), 1);
        let got: Vec<&str> = b.rows.iter().map(|r| r.attrs(&b.texts)).collect();
        assert_eq!(got, ["title=x;country=BY", "kind=city", ""]);
        for r in b.rows.iter() {
            assert_eq!(r.attrs(&b.texts), r.cols(&b.texts).attrs);
        }
    }

    #[test]
    fn fold_form_is_fold_then_one_space_between_words() {
        let mut out = String::new();
        let samples = [
            "  New\u{00A0} York ",
            "São  Paulo",
            "",
            " ",
            "Ṭ x",
            "A\tB\nC",
        ];
        let rows = crate::defaults::GAZETTEERS
            .iter()
            .flat_map(|(n, s)| parse::parse_file(n, s).unwrap());
        let names: Vec<String> = rows
            .flat_map(|r| std::iter::once(r.name).chain(r.aliases))
            .chain(samples.iter().map(|s| s.to_string()))
            .collect();
        for s in &names {
            fold_form(s, &mut out);
            let want = fold_str(s).split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(out, want, "{s:?}");
        }
    }

    #[test]
    fn sort_recs_is_a_sort_by_form_rec_cmp() {
        // forms sharing their first bytes, longer and shorter than a key, duplicates, and
        // one or two bytes long
        let mut rng = crate::hash::xorshift(0x9e37_79b9_7f4a_7c15u64);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let pieces = [
            "a",
            "b",
            "ab",
            " ",
            "é",
            "san ",
            "saint-",
            "x",
            "aaaaaaaaaaaaaaaa",
        ];
        let (mut recs, mut arena) = (Vec::new(), Vec::new());
        for i in 0..20_000 {
            let off = arena.len();
            for _ in 0..1 + next(6) {
                arena.extend_from_slice(pieces[next(pieces.len())].as_bytes());
            }
            let sense = Sense {
                entry: i,
                canonical: false,
                short: false,
                common: false,
                policy: CasePolicy::Any,
            };
            FormRec::push(&mut recs, &arena, off, sense);
        }
        let mut want = recs.clone();
        want.sort_unstable_by(|a, b| a.cmp(b, &arena));
        let got = sort_recs(recs, &arena);
        let key = |r: &FormRec| (r.off, r.len, r.sense.entry);
        assert!(got.iter().map(key).eq(want.iter().map(key)));
        assert!(sort_recs(Vec::new(), &arena).is_empty());
    }

    /// [`CaseScan::lowering_plain`] as a byte at a time: the class of each byte taken,
    /// capitals lowered, `None` unless the name is plain.
    fn lowering_plain_simple(name: &mut [u8]) -> Option<CaseScan> {
        let mut scan = CaseScan::default();
        for x in name.iter_mut() {
            let class = ASCII_CLASS[usize::from(*x)];
            scan.take(class);
            *x |= class & UPPER;
        }
        scan.plain().then_some(scan)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Names of up to 40 bytes of the kinds the scan tells apart (capitals at both
        /// ends of the alphabet, lower case, spaces, hyphens, digits, '@' and '[' next to
        /// the capitals, '`' and '{' next to the lower case, DEL, a tab, a control
        /// character, a byte of a non-ASCII character).
        #[test]
        fn lowering_plain_is_the_byte_scan(name in proptest::collection::vec(
            proptest::sample::select(b"AZMazm -09@[`{~\x7f\t\x01\xc3".to_vec()), 0..40),
        ) {
            let (mut got, mut want) = (b"x".to_vec(), name.clone());
            let (g, w) = (CaseScan::lowering_plain(&name, &mut got), lowering_plain_simple(&mut want));
            proptest::prop_assert_eq!(g.is_some(), w.is_some());
            if let (Some(g), Some(w)) = (g, w) {
                proptest::prop_assert_eq!(&got[1..], &want[..]);
                for first in [name.first().copied(), Some(b'a'), Some(b'A'), None] {
                    proptest::prop_assert_eq!(g.policy(first), w.policy(first));
                }
            }
        }
    }

    #[test]
    fn fold_form_and_policy_is_fold_form_and_policy_of() {
        let samples = [
            "",
            " ",
            "a",
            "A",
            "AB",
            "ABCD",
            "New York",
            "New  York",
            "new York",
            "A\tB",
            " Minsk",
            "Minsk ",
            "X-ray",
            "x-Ray",
            "U.S.",
            "de Gaulle",
            "São Paulo",
            "NATO",
            "Ab-cd Ef",
            "A\u{7}B",
            "~",
            "a b-c D",
            "Ṭ x",
            "Zürich",
        ];
        let rows = crate::defaults::GAZETTEERS
            .iter()
            .flat_map(|(n, s)| parse::parse_file(n, s).unwrap());
        let names: Vec<String> = rows
            .flat_map(|r| std::iter::once(r.name).chain(r.aliases))
            .flat_map(|n| [plural(&n), n])
            .chain(samples.iter().map(|s| s.to_string()))
            .collect();
        let (mut want, mut got) = (String::new(), vec![b'x']);
        let mut plain = 0;
        for s in &names {
            fold_form(s, &mut want);
            got.truncate(1);
            let policy = fold_form_and_policy(s, &mut got);
            assert_eq!(&got[1..], want.as_bytes(), "{s:?}");
            assert_eq!(policy, policy_of(s), "{s:?}");
            plain += usize::from(s.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
        }
        assert!(
            plain > 100_000 && plain < names.len(),
            "{plain} of {}",
            names.len()
        );
    }
}
