//! Compiled dictionaries of names, matched token-aligned and leftmost-longest.
//!
//! A [`Gazetteer`] is built once from one or more files in the [line format](parse) (the
//! embedded defaults and any files the caller adds). Every name and alias is folded (see
//! [`crate::text`]) and compiled into one anchored Aho-Corasick automaton. Matching starts
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

pub mod parse;

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

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
    /// Anything.
    Any,
}

/// One entry a surface form stands for.
#[derive(Clone, Copy, Debug)]
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
    rows: Vec<(String, Row)>,
    replace: bool,
    common: Vec<String>,
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
        for row in parse::parse_file(path, src)? {
            self.rows.push((path.to_string(), row));
        }
        Ok(self)
    }

    /// Adds common English words (one folded word per line, `#` comments): a short name
    /// that is a common word ("May", "Brown") is not used alone, and the recogniser treats
    /// a capitalised common word at a sentence start with suspicion.
    pub fn add_common_words(&mut self, src: &str) -> &mut Self {
        self.common.extend(
            src.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(fold_str),
        );
        self
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
        self.add_source(&name, &src)
    }

    /// Whether a row whose id is already loaded replaces the earlier one (`true`) or is an
    /// error (`false`, the default).
    pub fn replace_duplicates(&mut self, yes: bool) -> &mut Self {
        self.replace = yes;
        self
    }

    /// Compiles the automaton.
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateEntry`] when an id appears twice (unless replacing is allowed).
    pub fn build(&self) -> Result<Gazetteer> {
        let mut entries: Vec<Entry> = Vec::with_capacity(self.rows.len());
        let mut by_id: HashMap<&str, (usize, &str, usize)> =
            HashMap::with_capacity(self.rows.len());
        let mut surfaces: Vec<Vec<(String, bool)>> = Vec::with_capacity(self.rows.len());
        for (path, row) in &self.rows {
            if let Some(&(idx, p0, l0)) = by_id.get(row.id.as_str()) {
                if !self.replace {
                    return Err(Error::at(
                        ErrorKind::DuplicateEntry,
                        path,
                        row.line,
                        1,
                        format!("duplicate id {:?}, first defined at {p0}:{l0}", row.id),
                    )
                    .with_hint(
                        "ids are unique across all loaded files; rename or remove one row",
                    ));
                }
                entries[idx] = entry_of(row);
                surfaces[idx] = surfaces_of(row);
                continue;
            }
            by_id.insert(&row.id, (entries.len(), path, row.line));
            entries.push(entry_of(row));
            surfaces.push(surfaces_of(row));
        }
        let mut forms: Vec<String> = Vec::new();
        let mut form_index: HashMap<String, u32> = HashMap::new();
        let mut senses: Vec<Vec<Sense>> = Vec::new();
        for (eid, list) in surfaces.iter().enumerate() {
            for (surface, canonical) in list {
                let folded = fold_str(surface);
                let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
                if folded.is_empty() {
                    continue;
                }
                let fid = *form_index.entry(folded.clone()).or_insert_with(|| {
                    forms.push(folded);
                    senses.push(Vec::new());
                    (forms.len() - 1) as u32
                });
                let s = &mut senses[fid as usize];
                if s.iter().any(|x| x.entry == eid as EntryId) {
                    continue;
                }
                s.push(Sense {
                    entry: eid as EntryId,
                    canonical: *canonical,
                    short: false,
                    common: false,
                    policy: policy_of(surface),
                });
            }
        }
        let common: std::collections::HashSet<String> = self.common.iter().cloned().collect();
        add_short_names(&entries, &common, &mut forms, &mut form_index, &mut senses);
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&forms)
            .map_err(|e| {
                Error::new(
                    ErrorKind::GazetteerSyntax,
                    format!("cannot compile gazetteer: {e}"),
                )
            })?;
        let id_index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.to_string(), i as EntryId))
            .collect();
        let mut country_index = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if e.kind == EntityKind::Location
                && e.attrs.get("kind").is_some_and(|k| k == "country")
                && let Some(code) = e.attrs.get("country")
            {
                country_index.entry(code.clone()).or_insert(i as EntryId);
            }
        }
        Ok(Gazetteer {
            entries,
            forms,
            senses,
            ac,
            id_index,
            country_index,
            common,
        })
    }
}

/// Office holders (people with a `title`) are often named by one part of their name:
/// the family name ("Putin", "Xi" for a family-name-first name) or the `short` attribute
/// ("Lula"). That form becomes a short sense of the person, unless two office holders
/// share it or it is a one-letter or two-letter word.
fn add_short_names(
    entries: &[Entry],
    common: &std::collections::HashSet<String>,
    forms: &mut Vec<String>,
    form_index: &mut HashMap<String, u32>,
    senses: &mut Vec<Vec<Sense>>,
) {
    let mut shorts: HashMap<String, Option<(EntryId, String)>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.kind != EntityKind::Person || !e.attrs.contains_key("title") {
            continue;
        }
        let short = match e.attrs.get("short").or_else(|| e.attrs.get("family")) {
            Some(s) => s.clone(),
            None => {
                let words: Vec<&str> = e.name.split_whitespace().collect();
                if words.len() < 2 {
                    continue;
                }
                let family_first = e.attrs.get("order").is_some_and(|o| o == "family-first");
                (if family_first {
                    words[0]
                } else {
                    words[words.len() - 1]
                })
                .to_string()
            }
        };
        let folded = fold_str(&short);
        if folded.chars().count() < 2 || !short.chars().next().is_some_and(|c| c.is_uppercase()) {
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
    let mut list: Vec<(String, EntryId, String)> = shorts
        .into_iter()
        .filter_map(|(f, v)| v.map(|(e, s)| (f, e, s)))
        .collect();
    list.sort();
    for (folded, eid, surface) in list {
        let is_common = common.contains(&folded);
        let fid = *form_index.entry(folded.clone()).or_insert_with(|| {
            forms.push(folded);
            senses.push(Vec::new());
            (forms.len() - 1) as u32
        });
        let s = &mut senses[fid as usize];
        if s.iter().any(|x| x.entry == eid) {
            continue;
        }
        s.push(Sense {
            entry: eid,
            canonical: false,
            short: true,
            common: is_common,
            policy: policy_of(&surface),
        });
    }
}

fn line_col(bytes: &[u8]) -> (usize, usize) {
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let last = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&bytes[last..]).chars().count() + 1;
    (line, col)
}

fn entry_of(row: &Row) -> Entry {
    Entry {
        id: row.id.clone().into_boxed_str(),
        kind: row.kind,
        name: row.name.clone().into_boxed_str(),
        attrs: row.attrs.clone(),
    }
}

fn surfaces_of(row: &Row) -> Vec<(String, bool)> {
    let mut v = vec![(row.name.clone(), true)];
    v.extend(row.aliases.iter().map(|a| (a.clone(), false)));
    if row.kind == EntityKind::Title && row.attrs.get("kind").is_none_or(|k| k == "office") {
        // plural offices: "foreign ministers", "spokesmen", "secretaries"
        let plurals: Vec<(String, bool)> = v.iter().map(|(s, _)| (plural(s), false)).collect();
        v.extend(plurals);
    }
    v
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
    } else {
        CasePolicy::Capitalized
    }
}

/// A compiled gazetteer: entries and the automaton over their folded surface forms.
///
/// Immutable and `Send + Sync`; share one between threads.
#[derive(Clone, Debug)]
pub struct Gazetteer {
    entries: Vec<Entry>,
    forms: Vec<String>,
    senses: Vec<Vec<Sense>>,
    ac: AhoCorasick,
    id_index: HashMap<String, EntryId>,
    country_index: HashMap<String, EntryId>,
    common: std::collections::HashSet<String>,
}

impl Gazetteer {
    /// A builder.
    pub fn builder() -> GazetteerBuilder {
        GazetteerBuilder::new()
    }

    /// All entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// One entry.
    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[id as usize]
    }

    /// The entry with the given id string.
    pub fn by_id(&self, id: &str) -> Option<EntryId> {
        self.id_index.get(id).copied()
    }

    /// True when the folded word is a common English word.
    pub fn is_common_word(&self, folded: &str) -> bool {
        self.common.contains(folded)
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
        &self.forms[form as usize]
    }

    /// The entries a surface form may stand for (all of them, before the case check).
    pub fn senses(&self, form: u32) -> &[Sense] {
        &self.senses[form as usize]
    }

    /// The senses of a candidate whose case policy the text satisfies.
    pub fn senses_for<'g>(
        &'g self,
        cand: &Candidate,
        tokens: &'g [Token],
    ) -> impl Iterator<Item = &'g Sense> + 'g {
        let first = tokens[cand.first];
        let all_upper = tokens[cand.first..cand.last]
            .iter()
            .all(|t| t.shape == Shape::Upper || t.shape == Shape::NoLetter || t.span.len() == 1);
        self.senses[cand.form as usize]
            .iter()
            .filter(move |s| match s.policy {
                CasePolicy::Any => true,
                CasePolicy::Upper => all_upper && first.shape == Shape::Upper,
                CasePolicy::UpperOrCapitalized => all_upper || first.shape == Shape::Capitalized,
                CasePolicy::Capitalized => matches!(
                    first.shape,
                    Shape::Capitalized | Shape::Upper | Shape::Mixed
                ),
            })
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
        let Some(sent_end) = range.clone().last().map(|k| tokens[k].fold.end) else {
            return;
        };
        let mut k = range.start;
        while k < range.end {
            let t = &tokens[k];
            if !matches!(t.kind, TokenKind::Word | TokenKind::Number) {
                k += 1;
                continue;
            }
            let start = t.fold.start;
            let mut limit = sent_end;
            let mut found = None;
            // longest match that ends on a token boundary; retry shorter when it does not
            while limit > start {
                let input = Input::new(hay).span(start..limit).anchored(Anchored::Yes);
                let Some(m) = self.ac.find(input) else { break };
                // find the token whose end equals m.end()
                let mut j = k;
                while j < range.end && tokens[j].fold.end < m.end() {
                    j += 1;
                }
                if j < range.end && tokens[j].fold.end == m.end() {
                    found = Some((j + 1, m.pattern().as_u32()));
                    break;
                }
                // shrink to the last token boundary before the match end
                let prev = if j > k { tokens[j - 1].fold.end } else { start };
                limit = prev;
            }
            match found {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

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
}
