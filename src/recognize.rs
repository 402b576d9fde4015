//! Entity mentions: gazetteer candidates plus name rules, resolved by one overlap policy.
//!
//! Sources of mentions, in order:
//! 1. **Gazetteer** candidates (see [`crate::gazetteer`]) whose case fits; among several
//!    senses the recogniser prefers, in order: a person, an organisation, a country, a
//!    capital, the larger population. A single capitalised word that is also a common
//!    English word (`common=1` in the gazetteer) is dropped at the start of a sentence. A
//!    word that is also a known given name loses its reading as a region or a city under
//!    100,000 people (`Paul`, `Michael`). An office holder's short name (`Hussain`) is not
//!    read next to another capitalised word that is no common word (`Nasser Hussain`).
//! 2. **Title rule**: a title or honorific (`President`, `Foreign Minister`, `Mr.`) followed
//!    by capitalised words is a PERSON (`Foreign Minister Sergei Aleinik`); the title is not
//!    part of the name.
//! 3. **Given-name rule**: a known given name followed by capitalised words is a PERSON. In
//!    a line written in capitals, a common word ends the name (`RANDALL CUNNINGHAM RETIRES`).
//! 4. **Organisation rule**: capitalised words ending in an organisation word (`Ministry`,
//!    `Party`, `Council`, `Bank`, `Agency`, ...), optionally joined by `of`, `for`, `and`,
//!    `the` (`Ministry of Foreign Affairs`), are an ORGANIZATION; so is a demonym followed by
//!    a lower-case ministry (`Chinese foreign ministry`).
//! 5. **Acronym definitions**: `Long Name (ACRONYM)` where the acronym's letters are the
//!    initials of the name makes the name an ORGANIZATION with the acronym as alias.
//! 6. **Unknown names**: capitalised sequences that nothing above took, typed from their
//!    context and from the rest of the document (see `unknown_names`): a place mention
//!    they touch (`Dynamo Moscow`, `Air France`, `Baltimore Orioles`; an event word makes
//!    an EVENT, `U.S. Open`), a known given name, initial or family name (`S. Waugh`), an
//!    athlete's country in brackets, a club word (`Ross County`), an ampersand (`Douglas &
//!    Lomason`), a word of geography (`Zanskar Valley`), a score after them in a results
//!    line, the noun of a kind of body before them (`the news agency Tanjug`), a company's
//!    words after them (`Magna 's shares`), an acronym in lower-case text (`LIFFE`), a
//!    place preposition before one word (`near Tavildara`), or the type the same text or
//!    name part has elsewhere in the document. A sentence-initial common word (`Meanwhile`)
//!    and common words in capitals lines are no names, unless the document uses the same
//!    pair of words inside a sentence (`Red Star`).
//! 7. **Places in other senses**: a small town or region with a company's words around it
//!    is that company in the whole document; in a sports report, a city followed by a
//!    score in a results line or next to a word of play (`Leicestershire beat Somerset`,
//!    `Surrey captain`) is a team, an ORGANIZATION, in all its mentions in the document
//!    except the dateline and after `in`/`at` (the venue).
//!
//! **Overlap policy.** Mentions never overlap. When two do, the one covering more tokens
//! wins; on equal length a gazetteer person beats a title-rule person, which beats any
//! other gazetteer mention (`President Clinton` is not the town), which beats the other
//! rules. Unknown names (6) only fill tokens that no mention covers. Titles and honorifics are
//! never part of a person's span: they become the person's `title` attribute, and a demonym
//! or country before them the `country` attribute ("Belarussian President Alexander
//! Lukashenko": title President, country Belarus). A list of demonyms before a plural title
//! and a list of names distributes pairwise ("the Belarussian and Chinese foreign ministers
//! Sergei Aleinik and Qin Gang").

use crate::doc::{Attrs, EntityKind};
use crate::gazetteer::{Candidate, EntryId, Facts, Gazetteer, PlaceKind, case_fits_text};
use crate::lexicon::Lexicon;
use crate::span::Span;
use crate::text::Folded;
use crate::tokenize::{Sentence, Shape, Token, TokenKind};

/// Where a mention came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A gazetteer entry.
    Gazetteer,
    /// A title or honorific followed by a name.
    TitleRule,
    /// A known given name followed by a name.
    GivenNameRule,
    /// An organisation word ending a capitalised name.
    OrgRule,
    /// A `Long Name (ACRONYM)` definition, or a later use of the acronym.
    Acronym,
    /// A later mention of a person by one part of their name.
    PartialName,
    /// A capitalised sequence no gazetteer knows, typed from its context and the document.
    UnknownName,
    /// A place name used as the name of a sports team ("Chicago 5 Boston 3").
    Team,
}

/// A mention of an entity in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Bytes in the caller's text.
    pub span: Span,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Entity type.
    pub kind: EntityKind,
    /// The gazetteer entry, when known.
    pub entry: Option<EntryId>,
    /// How it was found.
    pub source: Source,
    /// Attributes read from the context (title, country).
    pub attrs: Attrs,
    /// For acronyms: the index of the mention that defines it.
    pub defined_by: Option<usize>,
}

/// A title phrase (`foreign minister`, `President`, `Mr.`) found before a name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TitleHit {
    pub first: usize,
    pub last: usize,
    /// The gazetteer row; `None` for the relational words ("counterpart").
    pub entry: Option<EntryId>,
}

/// The recogniser's longer word lists as bits, so that a list test is one hash lookup, not
/// a scan of up to a hundred strings (these tests run on every capitalised word).
mod class {
    pub(super) const ORG_HEADS: u32 = 1 << 0;
    pub(super) const SPORTS_WORDS: u32 = 1 << 1;
    pub(super) const BODY_NOUNS: u32 = 1 << 2;
    pub(super) const NOT_NAME: u32 = 1 << 3;
    pub(super) const TEAM_WORDS: u32 = 1 << 4;
    pub(super) const TEAM_VERBS_AFTER: u32 = 1 << 5;
    pub(super) const FACILITY_HEADS: u32 = 1 << 6;
    pub(super) const PLACE_HEADS: u32 = 1 << 7;
    pub(super) const AREA_WORDS: u32 = 1 << 8;
    pub(super) const NAME_PARTICLES: u32 = 1 << 9;
    pub(super) const SIDE_AFTER: u32 = 1 << 10;
    pub(super) const COMPANY_AFTER: u32 = 1 << 11;
    pub(super) const EVENT_WORDS: u32 = 1 << 12;
    /// A relational title or its plural ("counterpart", "counterparts").
    pub(super) const RELATIONAL: u32 = 1 << 13;
    pub(super) const FORCE_NOUNS: u32 = 1 << 14;
    pub(super) const COMPANY_BEFORE: u32 = 1 << 15;
    /// Every list bit (the rest of a [`super::Lex`] entry is the common-word memo and the
    /// token's flags below).
    pub(super) const LISTS: u32 = (1 << 16) - 1;
    /// The first word of a sentence.
    pub(super) const SENT_START: u32 = 1 << 16;
    /// A known given name (a gazetteer candidate of one word).
    pub(super) const GIVEN: u32 = 1 << 17;
    /// A known family name (a gazetteer candidate of one word).
    pub(super) const SURNAME: u32 = 1 << 18;
    /// Part of a title ("President", "foreign minister").
    pub(super) const IN_TITLE: u32 = 1 << 19;
    /// The word is a common English word (valid with [`COMMON_KNOWN`]).
    pub(super) const COMMON: u32 = 1 << 30;
    /// [`COMMON`] was looked up for this token.
    pub(super) const COMMON_KNOWN: u32 = 1 << 31;
}

/// What the recogniser asks of each token's word, kept for the document: the lists it is
/// on ([`class`], read from the extractor's word table for every token at once) and
/// whether it is a common word (looked up when first asked: the rules ask it of few
/// tokens). The same word of each token also holds the token's flags (a sentence start, a
/// given name, a family name, part of a title): one table per document instead of one per
/// flag, and the rules that test a flag mostly ask the lists of the same token too.
struct Lex<'a> {
    bits: Vec<std::cell::Cell<u32>>,
    g: &'a Gazetteer,
    lexicon: &'a Lexicon,
    tokens: &'a [Token],
    /// The folded text's bytes: the words are looked up as bytes (a `str` slice checks
    /// both ends for a character boundary, and the tables hash bytes anyway).
    bytes: &'a [u8],
    /// Three sports words or more (see [`Lex::sports`]).
    sports: bool,
    /// The capitalised words ([`is_cap`]), in text order.
    caps: Vec<u32>,
    /// The relational titles ("counterpart", "hosts"), in text order.
    relational: Vec<u32>,
}

impl<'a> Lex<'a> {
    /// The lists of every token, from the extractor's word table `lexicon` (the tokens'
    /// word ids were looked up there once, for all the stages), and the capitalised words
    /// and relational titles in text order.
    fn new(
        g: &'a Gazetteer,
        lexicon: &'a Lexicon,
        tokens: &'a [Token],
        folded: &'a Folded,
    ) -> Lex<'a> {
        let bytes = folded.as_str().as_bytes();
        let mut sports_words = 0;
        // (room for every token: one allocation, never grown)
        let mut caps = Vec::with_capacity(tokens.len());
        let mut relational = Vec::new();
        let bits = tokens
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let b = lexicon.word(t.word).lists;
                if is_cap(t) {
                    caps.push(k as u32);
                }
                // (few words are on these two lists: a branch the processor guesses right,
                // and the count is not updated at every word)
                if b & (class::SPORTS_WORDS | class::RELATIONAL) != 0 && t.kind == TokenKind::Word {
                    sports_words += usize::from(b & class::SPORTS_WORDS != 0);
                    if b & class::RELATIONAL != 0 {
                        relational.push(k as u32);
                    }
                }
                std::cell::Cell::new(b)
            })
            .collect();
        Lex {
            bits,
            g,
            lexicon,
            tokens,
            bytes,
            sports: sports_words >= 3,
            caps,
            relational,
        }
    }

    /// The lists token `k`'s word is on (see [`class`]).
    #[inline]
    fn class(&self, k: usize) -> u32 {
        self.bits[k].get() & class::LISTS
    }

    /// The lists the folded word `w` is on (a word that is no token's).
    fn lists_of(&self, w: &str) -> u32 {
        self.lexicon.word(self.lexicon.id(w.as_bytes())).lists
    }

    /// True when token `k`'s word is a common word.
    #[inline]
    fn common(&self, k: usize) -> bool {
        let b = self.bits[k].get();
        if b & class::COMMON_KNOWN != 0 {
            return b & class::COMMON != 0;
        }
        let common = self.g.is_common_word_bytes(self.word(k));
        self.bits[k].set(b | class::COMMON_KNOWN | if common { class::COMMON } else { 0 });
        common
    }

    /// Token `k`'s folded word.
    #[inline]
    fn word(&self, k: usize) -> &'a [u8] {
        let t = &self.tokens[k];
        &self.bytes[t.fold.start..t.fold.end]
    }

    /// True when token `k`'s word starts with an apostrophe (a clitic: `'s`, `’s`).
    #[inline]
    fn clitic(&self, k: usize) -> bool {
        let w = self.word(k);
        w.starts_with(b"'") || w.starts_with("\u{2019}".as_bytes())
    }

    /// Sets `flag` (one of [`class::SENT_START`], [`class::GIVEN`], [`class::SURNAME`],
    /// [`class::IN_TITLE`]) on token `k`.
    #[inline]
    fn mark(&self, k: usize, flag: u32) {
        let cell = &self.bits[k];
        cell.set(cell.get() | flag);
    }

    /// True when token `k` has `flag` (see [`Lex::mark`]).
    #[inline]
    fn has(&self, k: usize, flag: u32) -> bool {
        self.bits[k].get() & flag != 0
    }

    /// True when token `k` is the first word of its sentence.
    #[inline]
    fn sent_start(&self, k: usize) -> bool {
        self.has(k, class::SENT_START)
    }

    /// True when token `k` is a known given name.
    #[inline]
    fn given(&self, k: usize) -> bool {
        self.has(k, class::GIVEN)
    }

    /// True when token `k` is a known family name.
    #[inline]
    fn surname(&self, k: usize) -> bool {
        self.has(k, class::SURNAME)
    }

    /// True when token `k` is part of a title.
    #[inline]
    fn in_title(&self, k: usize) -> bool {
        self.has(k, class::IN_TITLE)
    }

    /// True when the document reads as a sports report (three sports words or more).
    fn sports(&self) -> bool {
        self.sports
    }
}

/// Calls `f` with every word of the recogniser's lists and its list's bit (see [`class`]);
/// a word on several lists comes once for each. The extractor's word table
/// ([`crate::lexicon::Lexicon`]) is built from it.
pub(crate) fn for_each_listed_word(mut f: impl FnMut(&str, u32)) {
    for (list, bit) in [
        (ORG_HEADS, class::ORG_HEADS),
        (SPORTS_WORDS, class::SPORTS_WORDS),
        (BODY_NOUNS, class::BODY_NOUNS),
        (NOT_NAME, class::NOT_NAME),
        (TEAM_WORDS, class::TEAM_WORDS),
        (TEAM_VERBS_AFTER, class::TEAM_VERBS_AFTER),
        (FACILITY_HEADS, class::FACILITY_HEADS),
        (PLACE_HEADS, class::PLACE_HEADS),
        (AREA_WORDS, class::AREA_WORDS),
        (NAME_PARTICLES, class::NAME_PARTICLES),
        (SIDE_AFTER, class::SIDE_AFTER),
        (COMPANY_AFTER, class::COMPANY_AFTER),
        (EVENT_WORDS, class::EVENT_WORDS),
        (FORCE_NOUNS, class::FORCE_NOUNS),
        (COMPANY_BEFORE, class::COMPANY_BEFORE),
        // a weekday starting a sentence is no name either
        (&crate::time::WEEKDAYS[..], class::NOT_NAME),
    ] {
        for w in list {
            f(w, bit);
        }
    }
    for w in relational_words() {
        f(&w, class::RELATIONAL);
    }
}

/// Words that end an organisation name.
const ORG_HEADS: &[&str] = &[
    "ministry",
    "party",
    "council",
    "committee",
    "commission",
    "bank",
    "university",
    "agency",
    "inc",
    "inc.",
    "corp",
    "corp.",
    "ltd",
    "ltd.",
    "organization",
    "organisation",
    "association",
    "union",
    "court",
    "army",
    "navy",
    "parliament",
    "assembly",
    "congress",
    "senate",
    "institute",
    "foundation",
    "company",
    "corporation",
    "group",
    "federation",
    "league",
    "club",
    "authority",
    "department",
    "office",
    "bureau",
    "board",
    "fund",
    "forum",
    "front",
    "movement",
    "alliance",
    "co",
    "co.",
    "plc",
    "ag",
    "gmbh",
    "sa",
    "airlines",
    "airways",
    "service",
    "services",
    "police",
    "guard",
    "force",
    "forces",
    "times",
    "post",
    "news",
    "press",
    "herald",
    "journal",
    "tribune",
    "daily",
    "television",
    "radio",
    "broadcasting",
    "network",
    "exchange",
    "industries",
    "holdings",
    "pharmaceuticals",
    "communications",
    "financial",
    "electronics",
    "systems",
    "technologies",
    "petroleum",
    "mining",
    "chemicals",
    "insurance",
    "securities",
    "investments",
    "bancshares",
    "enterprises",
    "telecom",
    "entertainment",
    "breweries",
    "motors",
    "bancorp",
    "trust",
    "society",
    "church",
    "school",
    "college",
    "hospital",
    "secretariat",
    "cabinet",
    "government",
    "administration",
];

/// Words that end the name of a building or site ("Elysee Palace", "Tiananmen Square"):
/// such a name is one LOCATION, and a place name inside it is not a mention of its own.
const FACILITY_HEADS: &[&str] = &[
    "palace",
    "square",
    "airport",
    "hotel",
    "street",
    "stadium",
    "bridge",
    "avenue",
    "park",
    "hall",
    "center",
    "centre",
    "tower",
    "house",
    "station",
    "plaza",
    "gate",
    "cathedral",
    "mosque",
    "temple",
    "castle",
    "building",
    "base",
    "port",
    "harbour",
    "harbor",
    "road",
];

/// Lower-case words allowed inside an organisation name.
const ORG_CONNECTORS: &[&str] = &["of", "for", "and", "the", "on", "de", "&"];

/// Lower-case ministry words after a demonym ("Chinese foreign ministry").
const MINISTRY_WORDS: &[&str] = &[
    "ministry",
    "government",
    "embassy",
    "army",
    "navy",
    "military",
    "parliament",
    "cabinet",
];

/// Particles inside personal names ("Ursula von der Leyen", "Bashar al-Assad").
const NAME_PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "del", "della", "la", "le", "da", "das", "dos", "ter", "ten",
    "bin", "al", "el", "ibn", "abu", "du", "di",
];

/// Capitalised words that are never part of a name run after a title (with the weekdays,
/// [`crate::time::WEEKDAYS`], in [`class::NOT_NAME`]).
const NOT_NAME: &[&str] = &[
    "i", "the", "a", "he", "she", "it", "we", "they", "his", "her", "their", "this", "that", "on",
    "in", "at", "and", "or", "but", "of", "for", "to", "said", "says",
];

/// The relational titles and their plurals ("his counterparts" as well as "his
/// counterpart"): the words of [`class::RELATIONAL`].
fn relational_words() -> impl Iterator<Item = String> {
    RELATIONAL_TITLES
        .iter()
        .flat_map(|w| [w.to_string(), format!("{w}s")])
}

/// Title words that name a relation to someone else, not an office.
const RELATIONAL_TITLES: &[&str] = &[
    "counterpart",
    "host",
    "guest",
    "successor",
    "predecessor",
    "rival",
    "ally",
];

/// Per-document state of the recogniser.
pub(crate) struct Recognized {
    pub mentions: Vec<Mention>,
    pub titles: Vec<TitleHit>,
    /// The capitalised words ([`is_cap`]: capitalised, upper-case or mixed-case words), in
    /// text order, as the recogniser listed them: coreference reads them instead of scanning
    /// every token again.
    pub caps: Vec<u32>,
}

/// An optional index in four bytes, for the per-token tables built for every document
/// (an `Option<usize>` takes sixteen, and zeroing those tables was a share of each
/// document's memory traffic). Documents are below 4 GiB (see
/// [`crate::ExtractorBuilder::max_document_bytes`]), so every index fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot(u32);

impl Slot {
    const NONE: Slot = Slot(u32::MAX);

    #[inline]
    fn some(i: usize) -> Slot {
        debug_assert!(i < u32::MAX as usize);
        Slot(i as u32)
    }

    #[inline]
    fn get(self) -> Option<usize> {
        (self.0 != u32::MAX).then_some(self.0 as usize)
    }
}

#[inline]
fn is_cap(t: &Token) -> bool {
    t.kind == TokenKind::Word && matches!(t.shape, Shape::Capitalized | Shape::Upper | Shape::Mixed)
}

fn span_of(tokens: &[Token], first: usize, last: usize) -> Span {
    Span::new(tokens[first].span.start, tokens[last - 1].span.end)
}

/// Ranks a sense by its entry's facts: higher is preferred.
fn sense_rank(f: Facts) -> (u8, u64) {
    let k = match f.kind {
        EntityKind::Person => 9,
        EntityKind::Organization => 7,
        EntityKind::Location => match f.place {
            PlaceKind::Country => 8,
            PlaceKind::Continent => 6,
            _ if f.capital => 5,
            PlaceKind::Region => 3,
            _ => 4,
        },
        EntityKind::Nationality => 6,
        EntityKind::Event => 5,
        EntityKind::Title => 2,
        EntityKind::GivenName | EntityKind::Surname => 1,
    };
    (k, f.population)
}

/// Population at or above which a city keeps its place reading against a given name.
const MAJOR_PLACE: u64 = 100_000;

/// A place too small to beat a given name of the same spelling: a region, or a city
/// under [`MAJOR_PLACE`] (countries and continents always win).
fn minor_place(f: Facts) -> bool {
    match f.place {
        PlaceKind::Country | PlaceKind::Continent | PlaceKind::Territory => false,
        PlaceKind::Region => true,
        _ => f.population < MAJOR_PLACE,
    }
}

/// Runs the recogniser over a tokenized document whose tokens' word ids point into
/// `lexicon`.
pub(crate) fn recognize(
    g: &Gazetteer,
    lexicon: &Lexicon,
    text: &str,
    folded: &Folded,
    tokens: &[Token],
    sentences: &[Sentence],
) -> Recognized {
    // (at most one a token: one allocation, never grown)
    let mut cands: Vec<Candidate> = Vec::with_capacity(tokens.len());
    for s in sentences {
        g.find_in(folded, tokens, s.tokens(), &mut cands);
    }
    // The facts of the entries of every candidate's senses, read in one short loop before
    // any sense is weighed (candidate after candidate, sense after sense). They are a cache
    // miss or two per candidate (the senses and the facts of 143,000 entries); this loop
    // decides nothing on what it reads, so the processor fetches those of many candidates
    // at once, where the weighing below, which branches on each sense, waited for each
    // candidate's in turn (about 2% less CPU time over the corpus, for 0.4% more
    // instructions).
    let mut facts: Vec<Facts> = Vec::with_capacity(cands.len());
    for c in &cands {
        facts.extend(g.senses(c.form).iter().map(|s| g.facts(s.entry)));
    }
    let lex = Lex::new(g, lexicon, tokens, folded);
    // sentence start per token
    for s in sentences {
        // first word token of the sentence (skip opening quotes and brackets)
        let mut k = s.first;
        while k < s.last && tokens[k].kind != TokenKind::Word && tokens[k].kind != TokenKind::Number
        {
            k += 1;
        }
        if k < s.last {
            lex.mark(k, class::SENT_START);
        }
    }
    // (at most one mention per candidate: no growing and moving of mentions)
    let mut mentions: Vec<Mention> = Vec::with_capacity(cands.len());
    let mut titles: Vec<TitleHit> = Vec::new();
    // a capitalised word that is no common word: part of a longer name
    let next_to_name = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            t.kind == TokenKind::Word
                && matches!(t.shape, Shape::Capitalized | Shape::Mixed)
                && !lex.common(k)
        })
    };
    let mut facts_of = facts.as_slice();
    for c in &cands {
        let single = c.last - c.first == 1;
        // a word that is a given name is that before it is a small place or a region of
        // the same name ("Paul", "Michael", "Douglas"): the name rules and the document
        // decide. Whether it is one is known only after all its senses are seen, so one
        // pass keeps two bests: over every sense, and over the senses that are no minor
        // place.
        let mut is_given = false;
        let mut is_surname = false;
        let mut best: Option<(EntryId, (u8, u64))> = None;
        let mut best_major: Option<(EntryId, (u8, u64))> = None;
        let all = g.senses(c.form);
        let (f_all, rest) = facts_of.split_at(all.len());
        facts_of = rest;
        // (the senses `Gazetteer::senses_for` gives: those whose case fits)
        let fits = case_fits_text(c, tokens);
        for (s, &f) in all.iter().zip(f_all).filter(|(s, _)| fits(s)) {
            if single {
                match f.kind {
                    EntityKind::GivenName => is_given = true,
                    EntityKind::Surname => is_surname = true,
                    _ => {}
                }
            }
            if single && (f.common || s.common) {
                // a place named like a common word ("West", "Reading") needs a clear sign:
                // not at a sentence start, not in an all-caps line, not after an article;
                // a region so named needs more than the recogniser has, so it is dropped
                let t = &tokens[c.first];
                let kind = f.place;
                let after_article =
                    c.first > 0 && matches!(tokens[c.first - 1].norm(folded), "the" | "a" | "an");
                // an office holder's short name that is also a rare common word ("Macron",
                // "Trump") starts sentences as the person
                if kind != PlaceKind::Country
                    && ((lex.sent_start(c.first) && !s.short)
                        || t.shape == Shape::Upper
                        || after_article
                        || kind == PlaceKind::Region)
                {
                    continue;
                }
            }
            if s.short && (next_to_name(c.first.wrapping_sub(1)) || next_to_name(c.last)) {
                // "Nasser Hussain" is not the office holder Mamnoon Hussain
                continue;
            }
            let mut r = sense_rank(f);
            if s.short {
                // an office holder's short name ("Clinton", "Putin") beats a town or region
                // of that name, and yields to a country, a capital or an organisation
                r = (5, 0);
            }
            if best.is_none_or(|(_, br)| r > br) {
                best = Some((s.entry, r));
            }
            let minor = f.kind == EntityKind::Location && minor_place(f);
            if !minor && best_major.is_none_or(|(_, br)| r > br) {
                best_major = Some((s.entry, r));
            }
        }
        if single {
            if is_given {
                lex.mark(c.first, class::GIVEN);
            }
            if is_surname {
                lex.mark(c.first, class::SURNAME);
            }
        }
        let best = if is_given { best_major } else { best };
        let Some((eid, _)) = best else { continue };
        match g.facts(eid).kind {
            EntityKind::Title => titles.push(TitleHit {
                first: c.first,
                last: c.last,
                entry: Some(eid),
            }),
            EntityKind::GivenName | EntityKind::Surname => {}
            kind => mentions.push(Mention {
                span: span_of(tokens, c.first, c.last),
                first: c.first,
                last: c.last,
                kind,
                entry: Some(eid),
                source: Source::Gazetteer,
                attrs: Attrs::new(),
                defined_by: None,
            }),
        }
    }
    // relational words act as titles before a name: "his Chinese counterpart Xi Jinping"
    for &k in &lex.relational {
        let k = k as usize;
        titles.push(TitleHit {
            first: k,
            last: k + 1,
            entry: None,
        });
    }
    titles.sort_by_key(|t| t.first);
    // token -> gazetteer mention index, for the rules below
    let mut rules: Vec<Mention> = Vec::new();
    // (token after a title, title): for each token the title ending right before it that
    // starts last, in text order
    let mut title_end: Vec<(usize, usize)> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.last, i))
        .filter(|&(after, _)| after < tokens.len())
        .collect();
    title_end.sort_unstable_by_key(|&(after, i)| (after, std::cmp::Reverse(i)));
    title_end.dedup_by_key(|&mut (after, _)| after);
    for t in &titles {
        (t.first..t.last).for_each(|k| lex.mark(k, class::IN_TITLE));
    }
    // one past the last token of each token's sentence; the sentences come in text order
    // and do not overlap, so the table is written once a token, sentence by sentence (a
    // token in none, which the tokenizer leaves none of, gets the end of the text)
    let sentence_end: Vec<u32> = {
        let none = tokens.len() as u32;
        let mut v = Vec::with_capacity(tokens.len());
        for s in sentences {
            debug_assert!(s.first >= v.len(), "sentences in order, not overlapping");
            v.resize(s.first, none);
            v.resize(s.last, s.last as u32);
        }
        v.resize(tokens.len(), none);
        v
    };
    // name run: capitalised words, hyphen-joined parts, particles, initials
    let name_run = |start: usize| -> usize {
        let end = sentence_end
            .get(start)
            .map_or(tokens.len(), |&e| e as usize);
        let mut k = start;
        while k < end {
            let t = &tokens[k];
            // (the token's text is sliced only when a test needs it)
            let n = || t.norm(folded);
            if k > start
                && t.shape == Shape::Upper
                && !lex.given(k)
                && !lex.surname(k)
                && lex.common(k)
            {
                // a headline in capitals: "RANDALL CUNNINGHAM RETIRES"
                break;
            } else if is_cap(t)
                && lex.class(k) & class::NOT_NAME == 0
                && !lex.in_title(k)
                // a clitic in capitals ends the name: "MILAN 'S LENTINI"
                && !lex.clitic(k)
            {
                k += 1;
            } else if k > start
                && t.kind == TokenKind::Punct
                && n() == "-"
                && t.joined
                && k + 1 < end
                && tokens[k + 1].joined
                && tokens[k + 1].kind == TokenKind::Word
            {
                k += 2;
            } else if k > start
                && lex.class(k) & class::NAME_PARTICLES != 0
                && t.shape == Shape::Lower
                && k + 1 < end
                && is_cap(&tokens[k + 1])
            {
                k += 1;
            } else {
                break;
            }
        }
        // do not end on a particle
        k
    };
    // the gazetteer mention starting at each token (asked after relational titles only)
    let mut gaz_at: Vec<Slot> = Vec::new();
    if !lex.relational.is_empty() {
        gaz_at.resize(tokens.len(), Slot::NONE);
        for (i, m) in mentions.iter().enumerate() {
            if gaz_at[m.first] == Slot::NONE {
                gaz_at[m.first] = Slot::some(i);
            }
        }
    }
    // 2. title + name
    for &(k, ti) in &title_end {
        let modifier = titles[ti]
            .entry
            .is_some_and(|e| g.facts(e).place == PlaceKind::Modifier);
        if modifier {
            continue;
        }
        let end = name_run(k);
        // a relation word before a country is no person ("World Cup hosts France")
        let relation_before_place = titles[ti].entry.is_none()
            && gaz_at[k].get().is_some_and(|i| {
                let m = &mentions[i];
                m.last == end && matches!(m.kind, EntityKind::Location | EntityKind::Organization)
            });
        if end > k && !relation_before_place {
            rules.push(rule_mention(
                tokens,
                k,
                end,
                EntityKind::Person,
                Source::TitleRule,
            ));
        }
    }
    // 3. given name + capitalised word(s)
    for &k in &lex.caps {
        let k = k as usize;
        // the next word follows a space: "Clinton-Trump debate" is no name
        let spaced = tokens.get(k + 1).is_some_and(|t| !t.joined);
        if lex.given(k) && spaced {
            let end = name_run(k);
            if end >= k + 2 {
                // "Ross County", "Crystal Palace United": a club, not a person
                let club = lex.class(end - 1) & class::TEAM_WORDS != 0;
                rules.push(rule_mention(
                    tokens,
                    k,
                    end,
                    if club {
                        EntityKind::Organization
                    } else {
                        EntityKind::Person
                    },
                    if club {
                        Source::OrgRule
                    } else {
                        Source::GivenNameRule
                    },
                ));
            }
        }
    }
    // 4. organisation names
    org_rule(&lex, folded, tokens, &sentence_end, &mentions, &mut rules);
    let mut all = resolve_overlaps(mentions, rules);
    // 5. acronym definitions
    acronyms(text, folded, tokens, &mut all);
    // 6. capitalised names no gazetteer knows, and places that are sports teams
    let cx = DocContext {
        g,
        text,
        folded,
        tokens,
        sentences,
        sentence_end: &sentence_end,
        lex: &lex,
        sports: lex.sports(),
    };
    unknown_names(&cx, &mut all);
    companies_named_like_places(&cx, &mut all);
    sports_teams(&cx, &mut all);
    // the later passes add mentions of their own: the overlap policy holds for all of them
    drop_overlaps(&mut all);
    attach_attributes(g, folded, tokens, &titles, &mut all);
    Recognized {
        mentions: all,
        titles,
        caps: lex.caps,
    }
}

/// What the later stages need to know about the document's tokens.
struct DocContext<'a> {
    g: &'a Gazetteer,
    text: &'a str,
    folded: &'a Folded,
    tokens: &'a [Token],
    sentences: &'a [Sentence],
    /// One past the last token of each token's sentence.
    sentence_end: &'a [u32],
    /// The words' lists, looked up once.
    lex: &'a Lex<'a>,
    /// The document reads as a sports report (see [`Lex::sports`]), computed once.
    sports: bool,
}

/// Words that join a place name into a sports club's name ("Manchester City", "Real Madrid").
const TEAM_WORDS: &[&str] = &[
    "city",
    "united",
    "town",
    "county",
    "rovers",
    "rangers",
    "wanderers",
    "athletic",
    "athletico",
    "atletico",
    "albion",
    "real",
    "sporting",
    "dynamo",
    "dinamo",
    "olympique",
    "olympiakos",
    "fc",
    "afc",
    "cf",
    "sc",
    "ac",
    "hotspur",
    "thistle",
    "harriers",
    "orient",
    "academicals",
    "villa",
    "forest",
    "argyle",
];

/// Words that end the name of a sports event or a festival ("U.S. Open", "Atlanta Games").
const EVENT_WORDS: &[&str] = &[
    "open",
    "games",
    "olympics",
    "championship",
    "championships",
    "classic",
    "marathon",
    "masters",
    "invitational",
    "trophy",
    "rally",
    "festival",
    "summit",
];

/// Words before a place that keep it a place ("North Korea", "Greater London").
const AREA_WORDS: &[&str] = &[
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "upper", "lower", "greater", "new", "old", "mount", "lake", "port", "cape", "san", "santa",
    "st", "st.", "saint", "fort",
];

/// Words that end the name of a natural feature or an area ("Zanskar Valley", "Ob River").
const PLACE_HEADS: &[&str] = &[
    "valley",
    "river",
    "mountains",
    "mountain",
    "hills",
    "heights",
    "island",
    "islands",
    "lake",
    "bay",
    "sea",
    "ocean",
    "gulf",
    "desert",
    "peninsula",
    "strait",
    "straits",
    "coast",
    "canal",
    "plateau",
    "province",
    "district",
    "region",
    "prefecture",
    "oblast",
    "territory",
    "territories",
];

/// Endings of one-word company names ("NationsBank", "Rabobank").
const ORG_ENDINGS: &[&str] = &["bank", "corp", "tel", "com"];

/// Prepositions after which an unknown name is a place ("fighting near Tavildara").
const PLACE_PREPOSITIONS: &[&str] = &["in", "near", "outside", "at", "from", "to", "into"];

/// Words that tell a text is a sports report: its teams are named after places.
const SPORTS_WORDS: &[&str] = &[
    "soccer",
    "football",
    "cricket",
    "tennis",
    "golf",
    "rugby",
    "baseball",
    "basketball",
    "hockey",
    "cycling",
    "athletics",
    "boxing",
    "league",
    "cup",
    "championship",
    "championships",
    "tournament",
    "innings",
    "wicket",
    "wickets",
    "goal",
    "goals",
    "striker",
    "midfielder",
    "goalkeeper",
    "halftime",
    "half-time",
    "penalty",
    "seeded",
    "semifinal",
    "semi-final",
    "quarterfinal",
    "quarter-final",
    "standings",
    "batting",
    "bowling",
    "pitcher",
    "inning",
    "homer",
    "touchdown",
    "playoff",
    "playoffs",
    "match",
    "matches",
    "scored",
    "coach",
    "captain",
    "season",
    "beat",
    "drew",
];

/// Words around a place that make it a team ("Leicestershire beat Somerset", "against Kent").
const TEAM_VERBS_AFTER: &[&str] = &[
    "beat", "beats", "drew", "draw", "lost", "won", "win", "defeated", "captain", "coach",
    "manager", "v", "vs", "vs.", "scored", "trail", "lead", "led", "trailed", "reached", "took",
    "were", "have", "had", "batted", "bowled", "declared", "finished", "play", "played",
];
const TEAM_VERBS_BEFORE: &[&str] = &[
    "beat", "beating", "against", "v", "vs", "vs.", "drew", "defeated",
];

/// True for a number token that is a score or a count, not a year ("Chicago 5" vs
/// "LONDON 1996-08-30").
fn is_score(cx: &DocContext, k: usize) -> bool {
    let t = &cx.tokens[k];
    if t.kind != TokenKind::Number {
        return false;
    }
    let n = t.norm(cx.folded);
    let year =
        n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()) && matches!(&n[..2], "19" | "20");
    !year
}

/// A score after a name that opens its line or follows another score: a results line
/// ("Chicago 5 Boston 3"), not a player's figures inside a scorecard line.
/// With `listed`, also after a comma that follows a score ("Warwickshire 195 , Surrey
/// 429-7"); only for names known to be places, since a list of scorers looks the same.
fn team_score(cx: &DocContext, first: usize, last: usize, listed: bool) -> bool {
    last < cx.tokens.len()
        && is_score(cx, last)
        && (cx.lex.sent_start(first)
            || (first > 0 && is_score(cx, first - 1))
            || (listed
                && first > 1
                && cx.tokens[first - 1].norm(cx.folded) == ","
                && is_score(cx, first - 2)))
}

/// Words around a name that make it a team and not a player, whatever the name
/// ("v Gloucestershire", "against Petofi", "Surrey captain", "Derbyshire fans").
const SIDE_BEFORE: &[&str] = &["v", "vs", "vs.", "against"];
const SIDE_AFTER: &[&str] = &[
    "captain",
    "coach",
    "manager",
    "all-rounder",
    "side",
    "fans",
    "v",
    "vs",
    "vs.",
    "supporters",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "batsman",
    "bowler",
    "opener",
    "skipper",
];

/// A team by the words around it (see [`SIDE_BEFORE`], [`SIDE_AFTER`]).
fn side_context(cx: &DocContext, first: usize, last: usize) -> bool {
    (first > 0 && SIDE_BEFORE.contains(&cx.tokens[first - 1].norm(cx.folded)))
        || (last < cx.tokens.len() && cx.lex.class(last) & class::SIDE_AFTER != 0)
}

/// Words after a name that make it a company ("Magna 's shares", "shares of Pirelli").
const COMPANY_AFTER: &[&str] = &[
    "shares",
    "stock",
    "stocks",
    "shareholders",
    "spokesman",
    "spokeswoman",
    "chairman",
    "subsidiary",
    "unit",
    "executives",
    "officials",
    "executive",
    "employees",
    "workers",
    "headquarters",
];
const COMPANY_BEFORE: &[&str] = &["shares", "stake", "subsidiary", "acquire", "acquired"];

/// Lower-case nouns before a name that tell what kind of body it is ("the news agency
/// Tanjug", "Dutch bank Rabobank", "carrier El Al").
const BODY_NOUNS: &[&str] = &[
    "agency",
    "company",
    "firm",
    "group",
    "newspaper",
    "daily",
    "weekly",
    "club",
    "bank",
    "party",
    "carrier",
    "airline",
    "broker",
    "insurer",
    "maker",
    "manufacturer",
    "producer",
    "retailer",
    "operator",
    "unit",
    "subsidiary",
    "conglomerate",
    "brokerage",
    "chain",
    "station",
    "broadcaster",
    "television",
    "radio",
    "magazine",
    "movement",
    "organisation",
    "organization",
    "giant",
    "firms",
    "companies",
    "group's",
];

/// Lower-case nouns after a name that make it an armed group ("Hizbollah guerrillas").
const FORCE_NOUNS: &[&str] = &["guerrillas", "fighters", "militia", "militiamen"];

/// A company by the words around it: "Magna 's shares", "shares of Pirelli", "a stake in X",
/// "the news agency Tanjug", "Hizbollah guerrillas".
fn company_context(cx: &DocContext, first: usize, last: usize) -> bool {
    let w = |k: usize| cx.tokens.get(k).map_or("", |t| t.norm(cx.folded));
    let after = if matches!(w(last), "'s" | "\u{2019}s") {
        last + 1
    } else {
        last
    };
    // the lists a token is on (none past the end)
    let on = |k: usize, list: u32| k < cx.tokens.len() && cx.lex.class(k) & list != 0;
    on(after, class::COMPANY_AFTER)
        || on(last, class::FORCE_NOUNS)
        || (first > 0
            && cx.tokens[first - 1].shape == Shape::Lower
            && on(first - 1, class::BODY_NOUNS))
        || (first > 1
            && matches!(w(first - 1), "of" | "in")
            && on(first - 2, class::COMPANY_BEFORE))
        || (first > 0 && matches!(w(first - 1), "acquire" | "acquired"))
}

/// How many numbers joined by hyphens start at token `k` ("10-0-41-2": 4, "3-1": 2).
fn figures(tokens: &[Token], folded: &Folded, k: usize) -> usize {
    let mut n = 0;
    let mut i = k;
    while i < tokens.len() && tokens[i].kind == TokenKind::Number {
        n += 1;
        if i + 2 < tokens.len()
            && tokens[i + 1].joined
            && tokens[i + 1].norm(folded) == "-"
            && tokens[i + 2].joined
        {
            i += 2;
        } else {
            break;
        }
    }
    n
}

/// Per-sentence flag: the sentence is written in capitals (a headline), so case tells nothing.
fn caps_lines(cx: &DocContext) -> Vec<bool> {
    let mut out = vec![false; cx.tokens.len()];
    for s in cx.sentences {
        // (most sentences have a lower-case word near their start: stop there)
        let (mut upper, mut lower) = (0, 0);
        for t in &cx.tokens[s.tokens()] {
            if t.kind == TokenKind::Word {
                match t.shape {
                    Shape::Upper => upper += 1,
                    Shape::Lower if t.span.len() > 1 => {
                        lower += 1;
                        break;
                    }
                    _ => {}
                }
            }
        }
        if upper > 0 && lower == 0 {
            for f in &mut out[s.tokens()] {
                *f = true;
            }
        }
    }
    out
}

/// Words of a name, a hyphenated compound counting once ("Kwame Mensah-Boateng": 2).
fn name_words(tokens: &[Token], first: usize, last: usize) -> usize {
    (first..last)
        .filter(|&i| tokens[i].kind == TokenKind::Word && !(i > first && tokens[i].joined))
        .count()
}

/// An initial: one capital letter and a period ("S.", "J.").
fn is_initial(text_norm: &str, t: &Token) -> bool {
    t.shape == Shape::Capitalized && text_norm.len() == 2 && text_norm.ends_with('.')
}

/// Capitalised sequences that no gazetteer entry or rule took.
///
/// A sequence is capitalised words (with name particles and hyphen joins, as for a name
/// after a title), not covered by a mention or a title, within one sentence. A common
/// English word does not start one at the start of a sentence, and none is part of one in
/// a line written in capitals (unless it is a known given or family name). A sequence of
/// common words only is left alone. The type, first cue wins:
/// - next to a place mention, it joins it: an area word before it keeps a place ("North
///   Ossetia"), a given name or family name makes a person ("Wang Donghai"), anything else
///   makes an organisation ("Air France", "Dynamo Moscow", "Manchester City");
/// - two words or more with a known given name or an initial first, or a known family
///   name last, are a PERSON;
/// - two words or more opening with an area word ("North Zanskar") or ending in a word of
///   geography ("Zanskar Valley") are a LOCATION;
/// - in a sports report, followed by a score, an ORGANIZATION (a team);
/// - one word after a place preposition ("near Tavildara") is a LOCATION;
/// - otherwise the type that the same text has elsewhere in the document (one sense per
///   document), or a PERSON when the sequence has two words or more.
fn unknown_names(cx: &DocContext, mentions: &mut Vec<Mention>) {
    let (tokens, folded, g) = (cx.tokens, cx.folded, cx.g);
    let n = tokens.len();
    let caps = caps_lines(cx);
    let sports = cx.sports;
    let mut covered: Vec<Slot> = vec![Slot::NONE; n];
    for (i, m) in mentions.iter().enumerate() {
        for c in &mut covered[m.first..m.last] {
            *c = Slot::some(i);
        }
    }
    // a capitalised word ([`is_cap`]) that may be part of a name: the test that the loop
    // over the capitalised words asks, which knows the word is one
    let free_cap = |k: usize| -> bool {
        covered[k] == Slot::NONE
            && !cx.lex.in_title(k)
            && cx.lex.class(k) & class::NOT_NAME == 0
            && !cx.lex.clitic(k)
            && (!caps[k] || !cx.lex.common(k) || cx.lex.given(k) || cx.lex.surname(k))
    };
    // any token that may be part of a name
    let free_word = |k: usize| is_cap(&tokens[k]) && free_cap(k);
    // no name runs across a line break (a table row, a heading)
    let text_bytes = cx.text.as_bytes();
    let same_line =
        |a: usize, b: usize| !text_bytes[tokens[a].span.end..tokens[b].span.start].contains(&b'\n');
    // capitalised word pairs seen inside sentences: "Red Star" there makes "Red Star" at a
    // sentence start a name too (one sense per document)
    let pair_text = |k: usize| &folded.as_str()[tokens[k].fold.start..tokens[k + 1].fold.end];
    // (built when first asked: most documents never ask)
    let inner_pairs_cell = std::cell::OnceCell::new();
    let inner_pairs = || {
        inner_pairs_cell.get_or_init(|| -> crate::hash::FxHashSet<&str> {
            // (a pair starts at a capitalised word)
            cx.lex
                .caps
                .iter()
                .map(|&k| k as usize)
                .filter(|&k| {
                    k >= 1
                        && k + 1 < n
                        && !cx.lex.sent_start(k)
                        && tokens[k - 1].kind == TokenKind::Word
                        && is_cap(&tokens[k + 1])
                        && !caps[k]
                })
                .map(pair_text)
                .collect()
        })
    };
    // (first, last, kind or None when the type must come from the document, merged mention)
    // (at most one a capitalised word, which each starts: one allocation, never grown)
    let mut found: Vec<(usize, usize, Option<EntityKind>, Option<usize>)> =
        Vec::with_capacity(cx.lex.caps.len());
    // tokens before `next` are part of a name found at an earlier start
    let mut next = 0;
    // (a name starts at a capitalised word: most tokens are none)
    for &k in &cx.lex.caps {
        let k = k as usize;
        if k < next || !free_cap(k) {
            continue;
        }
        // a common word opening a sentence is no name ("Meanwhile", "During")
        // (a given name stays when a name follows: "Mark Taylor said")
        if (cx.lex.sent_start(k) || (k > 0 && !tokens[k - 1].kind.eq(&TokenKind::Word)))
            && cx.lex.common(k)
            && !(k + 1 < n
                && free_word(k + 1)
                && (cx.lex.given(k) || inner_pairs().contains(pair_text(k))))
        {
            continue;
        }
        let end = cx.sentence_end[k] as usize;
        let mut j = k + 1;
        let mut ampersand = false;
        while j < end {
            let t = &tokens[j];
            let w = || t.norm(folded);
            if !same_line(j - 1, j) {
                break;
            } else if free_word(j) {
                j += 1;
            } else if w() == "&" && j + 1 < end && free_word(j + 1) {
                // "Douglas & Lomason", "Procter & Gamble": a firm
                ampersand = true;
                j += 1;
            } else if t.kind == TokenKind::Punct
                && w() == "-"
                && t.joined
                && j + 1 < end
                && tokens[j + 1].joined
                && tokens[j + 1].kind == TokenKind::Word
                && covered[j + 1] == Slot::NONE
            {
                j += 2;
            } else if cx.lex.class(j) & class::NAME_PARTICLES != 0
                && t.shape == Shape::Lower
                && j + 1 < end
                && (free_word(j + 1)
                    || (j + 2 < end
                        && cx.lex.class(j + 1) & class::NAME_PARTICLES != 0
                        && free_word(j + 2)))
            {
                // "van der Westhuizen": particles may come in twos
                j += 1;
            } else {
                break;
            }
        }
        let words = name_words(tokens, k, j);
        let all_common = (k..j)
            .filter(|&i| tokens[i].kind == TokenKind::Word)
            .all(|i| !cx.lex.given(i) && cx.lex.common(i));
        let first_w = tokens[k].norm(folded);
        let personal = words >= 2
            && (cx.lex.given(k) || is_initial(first_w, &tokens[k]) || cx.lex.surname(j - 1));
        // a place mention right before or after
        let place_at = |i: Option<usize>| {
            i.and_then(|i| covered[i].get()).filter(|&m| {
                let m = &mentions[m];
                m.kind == EntityKind::Location
                    && m.entry
                        .is_some_and(|e| g.facts(e).place != PlaceKind::Continent)
            })
        };
        let before =
            place_at(k.checked_sub(1)).filter(|&m| mentions[m].last == k && same_line(k - 1, k));
        let after = place_at(Some(j).filter(|&j| j < end))
            .filter(|&m| mentions[m].first == j && same_line(j - 1, j));
        let team_word = (k..j).any(|i| cx.lex.class(i) & class::TEAM_WORDS != 0);
        if let Some(m) = after.or(before) {
            let area = after.is_some() && words == 1 && cx.lex.class(k) & class::AREA_WORDS != 0;
            let kind = if area {
                EntityKind::Location
            } else if personal
                || (cx.lex.given(k) && after.is_some())
                || (cx.lex.surname(k) && after.is_some())
                || (words == 1
                    && !all_common
                    && after.is_some_and(|m| {
                        let m = &mentions[m];
                        m.last == m.first + 1 && cx.lex.surname(m.first)
                    }))
                || (words == 1
                    && !all_common
                    && before.is_some_and(|m| {
                        let m = &mentions[m];
                        m.last == m.first + 1 && m.entry.is_some_and(|e| minor_place(g.facts(e)))
                    }))
            {
                // "Jansher Khan": a family name that is also a town; "Youri Djorkaeff": a
                // given name that is also a village
                EntityKind::Person
            } else if all_common && !team_word && (cx.lex.sent_start(k) || caps[k]) {
                next = j;
                continue;
            } else if (cx.lex.class(j - 1) & class::PLACE_HEADS != 0
                || cx.lex.class(j - 1) & class::FACILITY_HEADS != 0)
                && after.is_none()
            {
                // "Tokyo Bay", "Beijing Airport": still a place
                EntityKind::Location
            } else {
                // "Baltimore Orioles", "Air France", "Chicago Purchasing Managers": a body
                // named after the place; "U.S. Open", "Atlanta Games": an event held there
                if cx.lex.class(j - 1) & class::EVENT_WORDS != 0 && after.is_none() {
                    EntityKind::Event
                } else {
                    EntityKind::Organization
                }
            };
            found.push((k, j, Some(kind), Some(m)));
            next = j;
            continue;
        }
        // common words alone tell nothing ("the Federal Reserve" or "the Cold War")
        if all_common {
            next = j;
            continue;
        }
        // "Jansher Khan ( Pakistan )": an athlete and the country he plays for
        let with_country = j + 2 < end
            && tokens[j].norm(folded) == "("
            && tokens[j + 2].norm(folded) == ")"
            && covered[j + 1].get().is_some_and(|m| {
                let m = &mentions[m];
                m.first == j + 1
                    && m.last == j + 2
                    && m.entry
                        .is_some_and(|e| g.facts(e).place == PlaceKind::Country)
            });
        let acronym = words == 1
            && tokens[k].shape == Shape::Upper
            && !caps[k]
            && (2..=6).contains(&first_w.len())
            && !cx.lex.common(k)
            // a unit or a statistic next to a number: "1400 GMT", "3 RBI", "ERA 2.85"
            && !(k > 0 && tokens[k - 1].kind == TokenKind::Number)
            && !(j < n && tokens[j].kind == TokenKind::Number);
        let team_named = words >= 2 && cx.lex.class(j - 1) & class::TEAM_WORDS != 0;
        // a cricket scorecard names players after how they got out: "c Healy b Warne",
        // "st Kaluwitharana", "lbw b Mullally"
        // ... and bowlers by their figures: "Muralitharan 10-0-41-2"
        let scorecard = sports
            && ((k > 0
                && tokens[k - 1].shape == Shape::Lower
                && matches!(tokens[k - 1].norm(folded), "b" | "c" | "st" | "lbw"))
                || figures(tokens, folded, j) >= 3);
        let kind = if words >= 2 && cx.lex.class(j - 1) & class::EVENT_WORDS != 0 {
            Some(EntityKind::Event)
        } else if ampersand || team_named {
            Some(EntityKind::Organization)
        } else if personal || with_country || scorecard {
            Some(EntityKind::Person)
        } else if sports && (team_score(cx, k, j, false) || side_context(cx, k, j)) {
            Some(EntityKind::Organization)
        } else if words == 1
            && cx.lex.given(k)
            && tokens[k].shape == Shape::Capitalized
            && !cx.lex.common(k)
        {
            Some(EntityKind::Person)
        } else if acronym
            || company_context(cx, k, j)
            || (words == 1 && ORG_ENDINGS.iter().any(|e| first_w.ends_with(e)))
        {
            Some(EntityKind::Organization)
        } else if (words >= 2
            && (cx.lex.class(j - 1) & class::PLACE_HEADS != 0
                || cx.lex.class(k) & class::AREA_WORDS != 0))
            || (words == 1
                && k > 0
                && PLACE_PREPOSITIONS.contains(&tokens[k - 1].norm(folded))
                && (!sports || matches!(tokens[k - 1].norm(folded), "at" | "in")))
        {
            Some(EntityKind::Location)
        } else {
            None
        };
        found.push((k, j, kind, None));
        next = j;
    }
    if found.is_empty() {
        return;
    }
    // one sense per document: the type the same text has where its context was clear
    // text -> type, for the names found here whose type the document must give (built only
    // when some name asks: most documents type every name they find)
    let text_of =
        |a: usize, b: usize| &folded.as_str()[tokens[a].fold.start..tokens[b - 1].fold.end];
    let mut by_text: crate::hash::FxHashMap<&str, EntityKind> = Default::default();
    if found.iter().any(|f| f.2.is_none()) {
        // only the texts of those names are ever looked up: a bit per (length, first byte)
        // of them turns most other texts away before they are hashed
        let bit = |t: &str| {
            let first = t.as_bytes().first().copied().unwrap_or(0);
            1u64 << ((t.len() + 7 * usize::from(first)) & 63)
        };
        let asked = found
            .iter()
            .filter(|f| f.2.is_none())
            .fold(0, |m, &(a, b, _, _)| m | bit(text_of(a, b)));
        // the type of the text of tokens a..b, unless it has one or is never asked for
        let mut put = |a: usize, b: usize, kind: EntityKind| {
            let t = text_of(a, b);
            if asked & bit(t) != 0 {
                by_text.entry(t).or_insert(kind);
            }
        };
        for &(a, b, kind, _) in &found {
            if let Some(kind) = kind {
                put(a, b, kind);
            }
        }
        // a word of a person's name found here names that person alone ("Jansher" after
        // "Jansher Khan")
        let persons = found
            .iter()
            .filter(|f| f.2 == Some(EntityKind::Person))
            .map(|&(a, b, _, m)| match m {
                Some(m) => (a.min(mentions[m].first), b.max(mentions[m].last)),
                None => (a, b),
            })
            .chain(
                mentions
                    .iter()
                    .filter(|m| m.kind == EntityKind::Person)
                    .map(|m| (m.first, m.last)),
            );
        for (a, b) in persons {
            if b > a + 1 {
                for i in (a..b).filter(|&i| tokens[i].kind == TokenKind::Word && is_cap(&tokens[i]))
                {
                    put(i, i + 1, EntityKind::Person);
                }
            }
        }
        for m in mentions.iter() {
            if matches!(
                m.kind,
                EntityKind::Person | EntityKind::Location | EntityKind::Organization
            ) {
                put(m.first, m.last, m.kind);
            }
        }
    }
    let mut remove = vec![false; mentions.len()];
    // (one a name found: one allocation, never grown)
    let mut named: Vec<Mention> = Vec::with_capacity(found.len());
    for (a, b, kind, merged) in found {
        let words = name_words(tokens, a, b);
        let kind = match kind.or_else(|| by_text.get(text_of(a, b)).copied()) {
            Some(k) => k,
            // names made of common words only are rarely people's ("Red Star", "East Fife")
            None if words >= 2
                && (a..b)
                    .filter(|&i| tokens[i].kind == TokenKind::Word)
                    .all(|i| cx.lex.common(i)) =>
            {
                EntityKind::Organization
            }
            None if words >= 2 => EntityKind::Person,
            // a name alone in a sports report is most often a club's
            None if sports && !caps[a] => EntityKind::Organization,
            None => continue,
        };
        let (first, last) = match merged {
            Some(m) => {
                remove[m] = true;
                (a.min(mentions[m].first), b.max(mentions[m].last))
            }
            None => (a, b),
        };
        named.push(rule_mention(tokens, first, last, kind, Source::UnknownName));
    }
    // back in text order: the mentions kept and the names found are each in text order (the
    // mentions as the overlap resolution and the acronyms leave them; the names come one a
    // start, and the stable sort of a sorted list is a scan), so they are merged, as a
    // stable sort of the two lists joined would order them
    debug_assert!(mentions.is_sorted_by_key(|m| m.first));
    named.sort_by_key(|m| m.first);
    let kept = |i: usize| !remove[i];
    let n_old = mentions.len();
    // `defined_by` (acronyms) holds mention indices: the new index of each, by the same
    // merge, for the documents that have such a link (index `n_old + j` is name `j`)
    let mut pos: Vec<Option<usize>> = Vec::new();
    if mentions.iter().any(|m| m.defined_by.is_some()) {
        let order = merge_in_text_order(
            (0..n_old).filter(|&i| kept(i)).collect(),
            (n_old..n_old + named.len()).collect(),
            |&i| match i.checked_sub(n_old) {
                Some(j) => named[j].first,
                None => mentions[i].first,
            },
        );
        pos = vec![None; n_old];
        for (new, &old) in order.iter().enumerate() {
            if old < n_old {
                pos[old] = Some(new);
            }
        }
    }
    if remove.contains(&true) {
        let mut i = 0;
        mentions.retain(|_| {
            i += 1;
            kept(i - 1)
        });
    }
    *mentions = merge_in_text_order(std::mem::take(mentions), named, |m| m.first);
    if !pos.is_empty() {
        for m in mentions.iter_mut() {
            m.defined_by = m.defined_by.and_then(|d| pos[d]);
        }
    }
}

/// Small places that are companies here: a town under [`MAJOR_PLACE`] people or a region
/// with a company's words around one of its mentions ("Magna 's shares", "shares of
/// Ruch") is an ORGANIZATION in all its mentions (one sense per document).
fn companies_named_like_places(cx: &DocContext, mentions: &mut [Mention]) {
    let g = cx.g;
    let small = |m: &Mention| {
        m.kind == EntityKind::Location
            && m.source == Source::Gazetteer
            && m.entry.is_some_and(|e| minor_place(g.facts(e)))
    };
    let mut firms: Vec<EntryId> = mentions
        .iter()
        .filter(|m| small(m) && company_context(cx, m.first, m.last))
        .filter_map(|m| m.entry)
        .collect();
    if firms.is_empty() {
        return;
    }
    firms.sort_unstable();
    firms.dedup();
    for m in mentions.iter_mut() {
        if small(m) && m.entry.is_some_and(|e| firms.binary_search(&e).is_ok()) {
            m.kind = EntityKind::Organization;
            m.entry = None;
            m.source = Source::UnknownName;
        }
    }
}

/// Places that are sports teams (source 7 of the module doc). In a sports report, a city or region (not a country)
/// followed by a score ("Chicago 5 Boston 3"), or next to a word of play ("Leicestershire
/// beat Somerset", "against Kent", "Surrey captain Chris Lewis") is a team: an
/// ORGANIZATION. One sense per document: every mention of that place in the report is the
/// team, except a dateline ("LONDON 1996-08-30").
fn sports_teams(cx: &DocContext, mentions: &mut [Mention]) {
    if !cx.sports {
        return;
    }
    let (tokens, folded, g) = (cx.tokens, cx.folded, cx.g);
    let n = tokens.len();
    let is_team_place = |m: &Mention| {
        m.kind == EntityKind::Location
            && m.source == Source::Gazetteer
            && m.entry.is_some_and(|e| {
                matches!(
                    g.facts(e).place,
                    PlaceKind::City | PlaceKind::Region | PlaceKind::None
                )
            })
    };
    let mut teams: Vec<EntryId> = Vec::new();
    let word = |k: usize| tokens[k].norm(folded);
    for m in mentions.iter() {
        if !is_team_place(m) {
            continue;
        }
        let after = (m.last < n).then_some(m.last);
        let score = team_score(cx, m.first, m.last, true);
        // a region or nation plays as a team only in a results line ("England beat
        // Pakistan" is the national side, which news names by the country)
        let city = m.entry.is_some_and(|e| g.facts(e).place == PlaceKind::City);
        let verb_after = city
            && (after.is_some_and(|k| cx.lex.class(k) & class::TEAM_VERBS_AFTER != 0)
                || side_context(cx, m.first, m.last));
        let verb_before = city && m.first > 0 && TEAM_VERBS_BEFORE.contains(&word(m.first - 1));
        if (score || verb_after || verb_before)
            && let Some(e) = m.entry
        {
            teams.push(e);
        }
    }
    if teams.is_empty() {
        return;
    }
    teams.sort_unstable();
    teams.dedup();
    for m in mentions.iter_mut() {
        if !is_team_place(m) || m.entry.is_none_or(|e| teams.binary_search(&e).is_err()) {
            continue;
        }
        let dateline =
            m.last < n && tokens[m.last].kind == TokenKind::Number && !is_score(cx, m.last);
        // "In Montreal , Sanders allowed one hit", "CHICAGO AT TORONTO": the city itself
        let venue = m.first > 0 && matches!(word(m.first - 1), "in" | "at" | "near" | "from");
        if dateline || venue {
            continue;
        }
        m.kind = EntityKind::Organization;
        m.source = Source::Team;
        // the team is not the city: keep no place id
        m.entry = None;
    }
}

fn rule_mention(
    tokens: &[Token],
    first: usize,
    last: usize,
    kind: EntityKind,
    source: Source,
) -> Mention {
    Mention {
        span: span_of(tokens, first, last),
        first,
        last,
        kind,
        entry: None,
        source,
        attrs: Attrs::new(),
        defined_by: None,
    }
}

fn org_rule(
    lex: &Lex,
    folded: &Folded,
    tokens: &[Token],
    sentence_end: &[u32],
    gaz: &[Mention],
    out: &mut Vec<Mention>,
) {
    // the nationality mentions, walked along with the capitalised words: both come in text
    // order (the gazetteer's mentions are its candidates', leftmost first), so the first one
    // starting at a word is found without a scan per word (quadratic) or a table of all
    // tokens (a zeroed word per token, for a few demonyms)
    debug_assert!(gaz.windows(2).all(|w| w[0].first <= w[1].first));
    let mut nationalities = gaz
        .iter()
        .filter(|m| m.kind == EntityKind::Nationality)
        .peekable();
    // a run of capitalised words without an org head: any later start inside it ends at the
    // same place without a head either, so it is not scanned again (else quadratic)
    let mut no_head_until = 0;
    // tokens before `next` were read as part of a name found at an earlier start
    let mut next = 0;
    // (names start at capitalised words; so does the demonym before a lower-case ministry)
    for &k in &lex.caps {
        let k = k as usize;
        if k < next {
            continue;
        }
        while nationalities.next_if(|m| m.first < k).is_some() {}
        // lower-case ministry after a demonym: "Chinese foreign ministry"
        if let Some(nat) = nationalities.peek().filter(|m| m.first == k) {
            let mut j = nat.last;
            let end = sentence_end[k] as usize;
            let mut words = 0;
            while j < end && tokens[j].shape == Shape::Lower && words < 3 {
                let n = tokens[j].norm(folded);
                words += 1;
                if MINISTRY_WORDS.contains(&n) {
                    if j > nat.last || n != "government" {
                        out.push(rule_mention(
                            tokens,
                            k,
                            j + 1,
                            EntityKind::Organization,
                            Source::OrgRule,
                        ));
                    }
                    break;
                }
                j += 1;
            }
        }
        if k < no_head_until {
            continue;
        }
        // capitalised run with connectors, ending in an org head ("Belarusian Foreign
        // Ministry"), or a head followed by "of ..." ("Ministry of Foreign Affairs")
        let end = sentence_end[k] as usize;
        let mut j = k;
        let mut last_head: Option<usize> = None;
        let mut head_then_of = false;
        let mut facility = false;
        while j < end {
            let tj = &tokens[j];
            if is_cap(tj) {
                if lex.class(j) & class::ORG_HEADS != 0
                    || (lex.word(j).ends_with(b".")
                        && lex.lists_of(tj.norm(folded).trim_end_matches('.')) & class::ORG_HEADS
                            != 0)
                {
                    last_head = Some(j + 1);
                    facility = false;
                } else if j > k && lex.class(j) & class::FACILITY_HEADS != 0 {
                    last_head = Some(j + 1);
                    facility = true;
                }
                j += 1;
            } else if j > k
                && j + 1 < end
                && is_cap(&tokens[j + 1])
                && ORG_CONNECTORS.contains(&tj.norm(folded))
            {
                let n = tj.norm(folded);
                if last_head == Some(j) && matches!(n, "of" | "for" | "on") {
                    head_then_of = true;
                }
                j += 1;
            } else {
                break;
            }
        }
        if let Some(h) = last_head {
            let h = if head_then_of { j } else { h };
            // a sentence-initial function word is not part of the name
            let start = if lex.sent_start(k) && lex.class(k) & class::NOT_NAME != 0 {
                k + 1
            } else {
                k
            };
            if h > start && (h - start >= 2) {
                let kind = if facility {
                    EntityKind::Location
                } else {
                    EntityKind::Organization
                };
                out.push(rule_mention(tokens, start, h, kind, Source::OrgRule));
            }
            next = h.max(k + 1);
        } else {
            no_head_until = j;
        }
    }
}

/// Keeps the mentions `keep` accepts, in order, and renumbers the `defined_by` links of
/// acronyms (a link to a dropped mention is dropped): every removal from a finished list
/// of mentions goes through here.
pub(crate) fn retain_mentions(all: &mut Vec<Mention>, keep: impl FnMut(&Mention) -> bool) {
    let flags: Vec<bool> = all.iter().map(keep).collect();
    retain_flagged(all, &flags);
}

/// [`retain_mentions`] with the answers given: mention `i` stays when `flags[i]`.
fn retain_flagged(all: &mut Vec<Mention>, flags: &[bool]) {
    if flags.iter().all(|&k| k) {
        return;
    }
    // (the links are renumbered only in the documents that have one)
    let linked = all.iter().any(|m| m.defined_by.is_some());
    let mut i = 0;
    all.retain(|_| {
        i += 1;
        flags[i - 1]
    });
    if linked {
        let mut new_index = vec![None; flags.len()];
        let mut next = 0;
        for (i, k) in flags.iter().enumerate() {
            if *k {
                new_index[i] = Some(next);
                next += 1;
            }
        }
        for m in all.iter_mut() {
            m.defined_by = m
                .defined_by
                .and_then(|d| new_index.get(d).copied().flatten());
        }
    }
}

/// Enforces the overlap policy on a finished list of mentions (more tokens first, then a
/// gazetteer mention, then the earlier one), keeping text order and remapping the
/// `defined_by` links of acronyms (a link to a dropped mention is dropped).
fn drop_overlaps(all: &mut Vec<Mention>) {
    // (the passes since the last resolution seldom add an overlap: a list in text order
    // without one keeps every mention)
    if all.windows(2).all(|w| w[0].last <= w[1].first) {
        return;
    }
    let n_tokens = all.iter().map(|m| m.last).max().unwrap_or(0);
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| {
        let m = &all[i];
        (
            std::cmp::Reverse(m.last - m.first),
            m.source != Source::Gazetteer,
            m.first,
        )
    });
    let mut taken = vec![false; n_tokens];
    let mut keep = vec![false; all.len()];
    for i in order {
        let m = &all[i];
        if taken[m.first..m.last].iter().any(|&t| t) {
            continue;
        }
        taken[m.first..m.last].iter_mut().for_each(|t| *t = true);
        keep[i] = true;
    }
    retain_flagged(all, &keep);
}

/// Applies the overlap policy: longer wins; on ties a gazetteer person, then a title-rule
/// person ("President Clinton" is not the town of Clinton), then other gazetteer mentions,
/// then the earlier, then the first listed. Returns the mentions kept in text order.
///
/// Most mentions overlap no other: the mentions are put in text order first, swept for
/// clusters of overlapping mentions, and the priority order is applied only inside a
/// cluster of two or more (a mention in no cluster is kept). The outcome is that of the
/// policy applied to all mentions at once (`tests::overlap_clusters_resolve_as_one_pass`).
fn resolve_overlaps(gaz: Vec<Mention>, rules: Vec<Mention>) -> Vec<Mention> {
    // text order, stable, so among mentions that start together the position keeps the
    // list order (the last tie-break). The gazetteer's and each rule's mentions come in
    // text order: the sort merges a few sorted runs (a merge of the two lists, each sorted
    // on its own, measured more instructions)
    let mut all = gaz;
    all.extend(rules);
    all.sort_by_key(|m| m.first);
    let mut keep = vec![true; all.len()];
    // a cluster's (priority, position) keys and its taken tokens, reused across clusters
    let mut order: Vec<((std::cmp::Reverse<usize>, u8), usize)> = Vec::new();
    let mut taken: Vec<bool> = Vec::new();
    let mut start = 0;
    while start < all.len() {
        // a mention starting before the cluster's reach overlaps one of its mentions
        let mut end = start + 1;
        let mut reach = all[start].last;
        while end < all.len() && all[end].first < reach {
            reach = reach.max(all[end].last);
            end += 1;
        }
        if end - start > 1 {
            let base = all[start].first;
            order.clear();
            order.extend((start..end).map(|i| (overlap_priority(&all[i]), i)));
            // (the position breaks ties: earlier, then listed first)
            order.sort_unstable();
            taken.clear();
            taken.resize(reach - base, false);
            for &(_, i) in &order {
                let span = &mut taken[all[i].first - base..all[i].last - base];
                if span.iter().any(|&t| t) {
                    keep[i] = false;
                } else {
                    span.fill(true);
                }
            }
        }
        start = end;
    }
    let mut i = 0;
    all.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    all
}

/// Two lists in text order (`first` gives an item's first token) merged into one in text
/// order; of two items that start together the one from `a` comes first, as a stable sort
/// of `a` followed by `b` orders them. Each item moves once (a mention is large).
fn merge_in_text_order<T>(a: Vec<T>, b: Vec<T>, first: impl Fn(&T) -> usize) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter();
    for x in b {
        // (the rest of `a` is looked at in place)
        let before = a
            .as_slice()
            .iter()
            .take_while(|y| first(y) <= first(&x))
            .count();
        out.extend(a.by_ref().take(before));
        out.push(x);
    }
    out.extend(a);
    out
}

/// A mention's place in the overlap policy, smaller first: more tokens, then a gazetteer
/// person, a title-rule mention, another gazetteer mention, any other rule's.
fn overlap_priority(m: &Mention) -> (std::cmp::Reverse<usize>, u8) {
    let rank = match (m.source, m.kind) {
        (Source::Gazetteer, EntityKind::Person) => 0,
        (Source::TitleRule, _) => 1,
        (Source::Gazetteer, _) => 2,
        _ => 3,
    };
    (std::cmp::Reverse(m.last - m.first), rank)
}

/// `Long Name (ACR)`: the acronym's letters are the initials of the name's capitalised words.
/// The long name becomes an organisation (unless a mention covers exactly it already), the
/// acronym and its later uses join it. Linear: definitions are collected first, then applied.
fn acronyms(text: &str, folded: &Folded, tokens: &[Token], mentions: &mut Vec<Mention>) {
    // (long_first, long_last, acronym token)
    let mut defs: Vec<(usize, usize, usize)> = Vec::new();
    // a definition opens with a bracket token: the brackets are found by a byte search of
    // the text (they are rare, and the search is much faster than a look at every token),
    // each one's token by a binary search of the tokens' starts
    for (p, _) in text.match_indices('(') {
        let k = tokens.partition_point(|t| t.span.start < p);
        if !(k + 2 < tokens.len()
            && tokens[k].span.start == p
            && tokens[k + 1].shape == Shape::Upper
            && tokens[k].text(text) == "("
            && tokens[k + 2].text(text) == ")")
        {
            continue;
        }
        let acr: String = tokens[k + 1]
            .text(text)
            .chars()
            .filter(|c| c.is_alphabetic())
            .collect();
        let mut j = k;
        let mut initials = String::new();
        let mut start = None;
        while j > 0 && k - j < 12 && initials.len() <= acr.len() {
            let t = &tokens[j - 1];
            if is_cap(t) {
                initials.insert(0, t.text(text).chars().next().unwrap_or(' '));
                if initials.eq_ignore_ascii_case(&acr) {
                    start = Some(j - 1);
                    break;
                }
            } else if !ORG_CONNECTORS.contains(&t.norm(folded))
                && !matches!(t.norm(folded), "in" | "to" | "at")
            {
                // ("Organisation for Security and Cooperation in Europe (OSCE)": the
                // initials decide, so "in" may join the name here)
                break;
            }
            j -= 1;
        }
        if let Some(s) = start.filter(|_| acr.len() >= 2) {
            defs.push((s, k, k + 1));
        }
    }
    if defs.is_empty() {
        return;
    }
    // index of the mention starting at each token
    let mut at: Vec<Slot> = vec![Slot::NONE; tokens.len()];
    for (i, m) in mentions.iter().enumerate() {
        at[m.first] = Slot::some(i);
    }
    let mut remove = vec![false; mentions.len()];
    let mut added: Vec<Mention> = Vec::new();
    // acronym text -> (kind, entry, long-name first token)
    let mut known: crate::hash::FxHashMap<&str, (EntityKind, Option<EntryId>, usize)> =
        Default::default();
    for &(lf, ll, at_tok) in &defs {
        let (kind, entry) = match at[lf].get().map(|i| &mentions[i]) {
            Some(m) if m.last == ll => (m.kind, m.entry),
            _ => {
                for (i, m) in mentions.iter().enumerate() {
                    if m.first < ll && lf < m.last {
                        remove[i] = true;
                    }
                }
                added.push(rule_mention(
                    tokens,
                    lf,
                    ll,
                    EntityKind::Organization,
                    Source::Acronym,
                ));
                (EntityKind::Organization, None)
            }
        };
        if at[at_tok] == Slot::NONE {
            known.insert(tokens[at_tok].text(text), (kind, entry, lf));
        }
    }
    let mut i = 0;
    mentions.retain(|_| {
        i += 1;
        !remove[i - 1]
    });
    let mut covered = vec![false; tokens.len()];
    for m in mentions.iter().chain(added.iter()) {
        for c in &mut covered[m.first..m.last] {
            *c = true;
        }
    }
    // the acronym at its definition and every later bare use
    let first_def = defs.iter().map(|d| d.2).min().unwrap_or(0);
    for (k, t) in tokens.iter().enumerate().skip(first_def) {
        if covered[k] || t.shape != Shape::Upper {
            continue;
        }
        if let Some(&(kind, entry, lf)) = known.get(t.text(text)) {
            let mut m = rule_mention(tokens, k, k + 1, kind, Source::Acronym);
            m.entry = entry;
            // points at the long name's first token until coreference links it
            m.defined_by = Some(lf);
            added.push(m);
        }
    }
    mentions.extend(added);
    mentions.sort_by_key(|m| m.first);
    // defined_by: from token of the long name to its mention index
    let mut idx: Vec<Slot> = vec![Slot::NONE; tokens.len()];
    for (i, m) in mentions.iter().enumerate() {
        if m.defined_by.is_none() {
            idx[m.first] = Slot::some(i);
        }
    }
    for m in mentions.iter_mut() {
        if m.source == Source::Acronym
            && let Some(tok) = m.defined_by
        {
            m.defined_by = idx[tok].get();
        }
    }
}

/// Attaches titles and nationalities to the person names they precede.
fn attach_attributes(
    g: &Gazetteer,
    folded: &Folded,
    tokens: &[Token],
    titles: &[TitleHit],
    mentions: &mut [Mention],
) {
    // index mentions by last token for look-back
    let persons: Vec<usize> = (0..mentions.len())
        .filter(|&i| mentions[i].kind == EntityKind::Person)
        .collect();
    if persons.is_empty() {
        return;
    }
    let n = tokens.len() + 1;
    let mut title_by_last: Vec<Slot> = vec![Slot::NONE; n];
    for (i, t) in titles.iter().enumerate() {
        title_by_last[t.last] = Slot::some(i);
    }
    let mut place_by_last: Vec<Slot> = vec![Slot::NONE; n];
    for (i, m) in mentions.iter().enumerate() {
        if matches!(m.kind, EntityKind::Nationality | EntityKind::Location) {
            place_by_last[m.last] = Slot::some(i);
        }
    }
    for &pi in &persons {
        let first = mentions[pi].first;
        // collect the run of titles immediately before the name, and a demonym/country before them
        let mut k = first;
        let mut title_span: Option<(usize, usize)> = None;
        loop {
            if let Some(t) = title_by_last[k].get().map(|i| &titles[i]) {
                title_span = Some((t.first, title_span.map_or(t.last, |(_, e)| e)));
                k = t.first;
                continue;
            }
            break;
        }
        if let Some((ts, te)) = title_span {
            let words: Vec<&str> = tokens[ts..te].iter().map(|t| t.norm(folded)).collect();
            let title = singular_title(&words.join(" "));
            // "his Chinese counterpart Xi": a relation, not an office
            if !RELATIONAL_TITLES.contains(&title.as_str()) {
                mentions[pi]
                    .attrs
                    .insert("title".into(), display_title(&title, tokens, ts));
            }
        }
        // demonym or country right before (possibly "his Chinese counterpart")
        let mut countries: Vec<String> = Vec::new();
        let mut j = k;
        // the distributive list: "the Belarussian and Chinese foreign ministers A and B"
        while j > 0 {
            let prev = place_by_last[j].get().map(|i| &mentions[i]);
            if let Some(m) = prev {
                if let Some(c) = country_name(g, m) {
                    countries.insert(0, c);
                }
                j = m.first;
                if j > 0 && matches!(tokens[j - 1].norm(folded), "and" | ",") {
                    j -= 1;
                    continue;
                }
            }
            break;
        }
        if countries.is_empty() {
            // "counterpart" directly before: "his Chinese counterpart Xi"
            continue;
        }
        let plural = title_span
            .is_some_and(|(ts, te)| tokens[te - 1].norm(folded).ends_with('s') && te > ts);
        if countries.len() > 1 && plural {
            // position of this person in the list of names after the title
            let list_start = k_after_titles(titles, k);
            let pos = persons
                .iter()
                .filter(|&&q| mentions[q].first >= list_start && mentions[q].first < first)
                .count();
            if pos < countries.len() {
                let c = countries[pos].clone();
                mentions[pi].attrs.insert("country".into(), c);
            }
            // the names after the first in the list also get the title
            let tit = mentions[pi].attrs.get("title").cloned();
            let mut n = pi + 1;
            let mut idx = pos + 1;
            while n < mentions.len() && idx < countries.len() {
                let m = &mentions[n];
                if m.kind == EntityKind::Person {
                    let gap: Vec<&str> = tokens[mentions[n - 1].last..m.first]
                        .iter()
                        .map(|t| t.norm(folded))
                        .collect();
                    if gap.iter().all(|w| *w == "and" || *w == ",") {
                        mentions[n]
                            .attrs
                            .insert("country".into(), countries[idx].clone());
                        if let Some(t) = &tit {
                            mentions[n].attrs.insert("title".into(), t.clone());
                        }
                        idx += 1;
                    } else {
                        break;
                    }
                }
                n += 1;
            }
        } else if let Some(c) = countries.last() {
            mentions[pi].attrs.insert("country".into(), c.clone());
        }
    }
}

fn k_after_titles(titles: &[TitleHit], k: usize) -> usize {
    titles
        .iter()
        .filter(|t| t.first >= k)
        .map(|t| t.last)
        .max()
        .unwrap_or(k)
}

/// "foreign ministers" -> "foreign minister", "spokesmen" -> "spokesman".
pub(crate) fn singular_title(t: &str) -> String {
    if let Some(s) = t.strip_suffix("men") {
        return format!("{s}man");
    }
    if let Some(s) = t.strip_suffix("ies") {
        return format!("{s}y");
    }
    if t.ends_with("ss") {
        return t.to_string();
    }
    t.strip_suffix('s').unwrap_or(t).to_string()
}

/// A title as news writes it: keep the written capitals when capitalised ("President").
fn display_title(folded_title: &str, tokens: &[Token], first: usize) -> String {
    let cap = tokens[first].shape == Shape::Capitalized;
    if cap {
        folded_title
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        folded_title.to_string()
    }
}

/// The country name a demonym or place stands for.
pub(crate) fn country_name(g: &Gazetteer, m: &Mention) -> Option<String> {
    let e = g.entry(m.entry?);
    match e.kind {
        EntityKind::Location if e.attrs.get("kind").is_some_and(|k| k == "country") => {
            Some(String::from(&*e.name))
        }
        EntityKind::Nationality | EntityKind::Location => {
            let code = e.attrs.get("country")?;
            country_by_code(g, code)
        }
        _ => None,
    }
}

/// The canonical name of the country with an ISO alpha-2 code.
pub(crate) fn country_by_code(g: &Gazetteer, code: &str) -> Option<String> {
    // (`String::from` of the `str`: `to_string` of a `Box<str>` goes through `Display` and
    // the formatting machinery, about 130 instructions more a call)
    g.country(code).map(|id| String::from(&*g.entry(id).name))
}

#[cfg(test)]
mod tests {
    use crate::{EntityKind, Extractor};

    /// The lists of `w` from a scan of every list (the reference the word table is tested
    /// against).
    fn word_class(w: &str) -> u32 {
        let mut lists = 0;
        super::for_each_listed_word(|x, bit| {
            if x == w {
                lists |= bit;
            }
        });
        lists
    }

    #[test]
    fn word_classes_find_every_listed_word_and_nothing_else() {
        use super::*;
        let lx = Lexicon::without_rules();
        let word_class = |w: &str| lx.word(lx.id(w.as_bytes())).lists;
        for (list, bit) in [
            (ORG_HEADS, class::ORG_HEADS),
            (SPORTS_WORDS, class::SPORTS_WORDS),
            (NOT_NAME, class::NOT_NAME),
            (NAME_PARTICLES, class::NAME_PARTICLES),
            (EVENT_WORDS, class::EVENT_WORDS),
            (FORCE_NOUNS, class::FORCE_NOUNS),
            (COMPANY_BEFORE, class::COMPANY_BEFORE),
        ] {
            for w in list {
                assert_ne!(word_class(w) & bit, 0, "{w}");
            }
        }
        for w in ["", "minsk", "ebola", "ministries", "ministr", "x"] {
            assert_eq!(word_class(w), 0, "{w}");
        }
    }

    /// The word table gives every word the lists a scan of the lists gives it: the listed words,
    /// words near them (a letter changed, added or dropped), the words of a text and
    /// random ones.
    #[test]
    fn the_word_table_gives_every_word_its_lists() {
        use super::*;
        let lx = Lexicon::without_rules();
        let mut next = crate::hash::xorshift(0x9e37_79b9_7f4a_7c15u64);
        let mut words: Vec<String> = Vec::new();
        for_each_listed_word(|w, _| words.push(w.to_string()));
        let listed = words.len();
        for i in 0..listed {
            words.extend(crate::hash::near_word(&words[i], &mut next));
        }
        let text = "The ministry's spokesman said the club's supporters met their \
                    counterparts at the stadium in Minsk, Inc. and co. on Monday.";
        let folded = Folded::new(text);
        let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
        crate::tokenize::tokenize(text, &folded, &mut tokens, &mut sentences);
        words.extend(tokens.iter().map(|t| t.norm(&folded).to_string()));
        for _ in 0..2000 {
            let n = 1 + next() as usize % 20;
            words.push(
                (0..n)
                    .map(|_| char::from(b"etaoinshrdlcu.-"[next() as usize % 15]))
                    .collect(),
            );
        }
        let mut on_lists = 0;
        for w in &words {
            let lists = lx.word(lx.id(w.as_bytes())).lists;
            assert_eq!(lists, word_class(w), "{w:?}");
            on_lists += usize::from(lists != 0);
        }
        assert!(on_lists > listed / 2, "{on_lists}");
    }

    #[test]
    fn overlaps_resolve_by_length_then_source_and_come_back_in_text_order() {
        use super::*;
        let m = |first, last, kind, source| Mention {
            span: Span::new(first, last),
            first,
            last,
            kind,
            entry: None,
            source,
            attrs: Attrs::new(),
            defined_by: None,
        };
        use EntityKind::{Location as Loc, Organization as Org, Person as Per};
        let gaz = vec![
            m(6, 7, Per, Source::Gazetteer),
            m(0, 1, Loc, Source::Gazetteer),
            m(3, 5, Loc, Source::Gazetteer),
        ];
        let rules = vec![
            m(0, 1, Per, Source::TitleRule),
            m(2, 5, Org, Source::OrgRule),
            m(6, 7, Per, Source::GivenNameRule),
            m(8, 9, Per, Source::TitleRule),
        ];
        let kept: Vec<(usize, usize, Source)> = resolve_overlaps(gaz, rules)
            .iter()
            .map(|m| (m.first, m.last, m.source))
            .collect();
        assert_eq!(
            kept,
            [
                // a title-rule person beats a place of the same length
                (0, 1, Source::TitleRule),
                // the longer mention wins
                (2, 5, Source::OrgRule),
                // a gazetteer person beats a rule's
                (6, 7, Source::Gazetteer),
                (8, 9, Source::TitleRule),
            ]
        );
    }

    /// The overlap policy applied to all mentions at once, the reference for
    /// [`super::resolve_overlaps`]: every mention in priority order (ties: the earlier, then
    /// the first listed) takes its tokens unless one is taken; the kept ones in text order.
    fn resolve_overlaps_in_one_pass(
        gaz: Vec<super::Mention>,
        rules: Vec<super::Mention>,
    ) -> Vec<super::Mention> {
        let mut all = gaz;
        all.extend(rules);
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&i| (super::overlap_priority(&all[i]), all[i].first, i));
        let mut taken = vec![false; all.iter().map(|m| m.last).max().unwrap_or(0)];
        let mut keep = vec![false; all.len()];
        for i in order {
            let span = &mut taken[all[i].first..all[i].last];
            if !span.iter().any(|&t| t) {
                span.fill(true);
                keep[i] = true;
            }
        }
        let mut i = 0;
        all.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        all.sort_by_key(|m| m.first);
        all
    }

    /// Random mentions for the overlap tests: (first, length, kind, source) each, in text
    /// order as the gazetteer's and the rules' lists come (empty ones included).
    fn random_mentions() -> impl proptest::strategy::Strategy<Value = Vec<super::Mention>> {
        use proptest::prelude::*;
        proptest::collection::vec((0usize..40, 0usize..5, 0u8..3, 0u8..4), 0..30).prop_map(
            |mut v| {
                v.sort_by_key(|&(first, ..)| first);
                v.into_iter()
                    .map(|(first, len, kind, source)| super::Mention {
                        span: super::Span::new(first, first + len),
                        first,
                        last: first + len,
                        kind: [
                            EntityKind::Person,
                            EntityKind::Location,
                            EntityKind::Organization,
                        ][usize::from(kind)],
                        entry: None,
                        source: [
                            super::Source::Gazetteer,
                            super::Source::TitleRule,
                            super::Source::GivenNameRule,
                            super::Source::OrgRule,
                        ][usize::from(source)],
                        attrs: super::Attrs::new(),
                        defined_by: None,
                    })
                    .collect()
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn a_merge_in_text_order_is_a_stable_sort_of_both_lists(
            mut a in proptest::collection::vec(0usize..12, 0..20),
            mut b in proptest::collection::vec(0usize..12, 0..20),
        ) {
            a.sort_unstable();
            b.sort_unstable();
            // (first token, which list and where in it)
            let a: Vec<(usize, usize)> = a.into_iter().enumerate().map(|(i, f)| (f, i)).collect();
            let b: Vec<(usize, usize)> =
                b.into_iter().enumerate().map(|(i, f)| (f, 100 + i)).collect();
            let mut want = [a.clone(), b.clone()].concat();
            want.sort_by_key(|&(f, _)| f);
            proptest::prop_assert_eq!(super::merge_in_text_order(a, b, |&(f, _)| f), want);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn overlap_clusters_resolve_as_one_pass(
            gaz in random_mentions(),
            rules in proptest::collection::vec(random_mentions(), 0..4),
        ) {
            // the rules' list is a few runs in text order, one per rule; a tag tells
            // mentions with the same tokens, kind and source apart
            let rules: Vec<super::Mention> = rules.into_iter().flatten().collect();
            let tag = |mut v: Vec<super::Mention>, from: usize| {
                v.iter_mut().enumerate().for_each(|(i, m)| m.defined_by = Some(from + i));
                v
            };
            let n = gaz.len();
            let (gaz, rules) = (tag(gaz, 0), tag(rules, n));
            let want = resolve_overlaps_in_one_pass(gaz.clone(), rules.clone());
            proptest::prop_assert_eq!(super::resolve_overlaps(gaz, rules), want);
        }
    }

    /// Every mention in the text as (text, type), in text order (PERSON, LOCATION and
    /// ORGANIZATION only).
    fn mentions(text: &str) -> Vec<(String, &'static str)> {
        let doc = Extractor::new().unwrap().extract(text).unwrap();
        let mut out: Vec<(usize, String, &'static str)> = Vec::new();
        for e in &doc.entities {
            let ty = match e.kind {
                EntityKind::Person => "PER",
                EntityKind::Location => "LOC",
                EntityKind::Organization => "ORG",
                _ => continue,
            };
            for m in &e.mentions {
                out.push((m.start, m.slice(text).to_string(), ty));
            }
        }
        out.sort();
        out.into_iter().map(|(_, t, k)| (t, k)).collect()
    }

    macro_rules! t {
        ($name:ident, $text:expr, [$(($m:expr, $k:expr)),* $(,)?]) => {
            #[test]
            fn $name() {
                let want: Vec<(String, &str)> = vec![$(($m.to_string(), $k)),*];
                assert_eq!(mentions($text), want, "{}", $text);
            }
        };
    }

    // given name + capitalised word, even where the given name is also a small place
    t!(
        given_name_beats_small_place,
        "The title went to Michael Johnson and Paul Haarhuis.",
        [("Michael Johnson", "PER"), ("Paul Haarhuis", "PER")]
    );
    // a title before a single word that is also a town: the person
    t!(
        title_beats_town,
        "President Clinton spoke. Clinton said no.",
        [("Clinton", "PER"), ("Clinton", "PER")]
    );
    // names no list knows: a family name last, an initial first
    t!(
        unknown_person_by_surname_or_initial,
        "The award went to Jansher Smith and to S. Waugh yesterday.",
        [("Jansher Smith", "PER"), ("S. Waugh", "PER")]
    );
    // a common word opening a sentence is not a name
    t!(
        sentence_initial_common_word,
        "Meanwhile Okonkwo Adebayo arrived.",
        [("Okonkwo Adebayo", "PER")]
    );
    // one sense per document: the full name labels the later family name
    t!(
        later_family_name,
        "Then Nasser Hussain won. Hussain said he was happy.",
        [("Nasser Hussain", "PER"), ("Hussain", "PER")]
    );
    // a place joined by a club word or an unknown word is an organisation
    t!(
        club_names,
        "Manchester City drew with Dynamo Moscow on Sunday in the cup match.",
        [("Manchester City", "ORG"), ("Dynamo Moscow", "ORG")]
    );
    // an area word keeps a place a place
    t!(
        area_word_keeps_place,
        "Fighting broke out in North Zanskar Valley near Tavildara.",
        [("North Zanskar Valley", "LOC"), ("Tavildara", "LOC")]
    );
    // a headline in capitals: common words are not names
    t!(
        caps_headline,
        "RANDALL CUNNINGHAM RETIRES AFTER LOSS",
        [("RANDALL CUNNINGHAM", "PER")]
    );
    // sports results: cities followed by scores are teams; the dateline and the city after
    // "in" stay places
    t!(
        results_table,
        "BASEBALL - RESULTS\nCHICAGO 1996-08-30\nMajor League baseball results, the league standings after the match:\nChicago 5 Boston 3\nHouston 2 Atlanta 1\nThe season goes on in Chicago.",
        [
            ("CHICAGO", "LOC"),
            ("Major League", "ORG"),
            ("Chicago", "ORG"),
            ("Boston", "ORG"),
            ("Houston", "ORG"),
            ("Atlanta", "ORG"),
            ("Chicago", "LOC")
        ]
    );
    // no sports report: a city before a number is a place
    t!(
        no_teams_outside_sports,
        "Prices in Chicago 5 percent higher, Boston 3 percent.",
        [("Chicago", "LOC"), ("Boston", "LOC")]
    );
    // an athlete and his country; his first name alone later is him
    t!(
        athlete_with_country,
        "In the squash final Jansher Okoro ( Pakistan ) beat Rodney Eyles . Jansher won the match .",
        [
            ("Jansher Okoro", "PER"),
            ("Pakistan", "LOC"),
            ("Rodney Eyles", "PER"),
            ("Jansher", "PER")
        ]
    );
    // a word in capitals inside lower-case text is an acronym of an organisation
    t!(
        acronym_is_organisation,
        "Traders at LIFFE said rates fell.",
        [("LIFFE", "ORG")]
    );
    // a known given name alone, mid-sentence, is a person
    t!(
        lone_given_name,
        "Later Frankie said he was tired.",
        [("Frankie", "PER")]
    );
    // an ampersand joins the names of a firm
    t!(
        ampersand_firm,
        "Shares in Okoro & Lomason rose.",
        [("Okoro & Lomason", "ORG")]
    );
    // a small town with a company's words around it is the company, in every mention
    t!(
        town_that_is_a_company,
        "Magna 's shares rose. Analysts like Magna .",
        [("Magna", "ORG"), ("Magna", "ORG")]
    );
    // a pair of capitalised common words seen inside a sentence is a name at its start too
    t!(
        common_words_name_by_document,
        "Red Star won the cup match . The coach of Red Star said the season was long .",
        [("Red Star", "ORG"), ("Red Star", "ORG")]
    );
    // the kind of body before a name, an armed group's noun after it
    t!(
        body_nouns,
        "The news agency Tanjug said Zelmora guerrillas attacked .",
        [("Tanjug", "ORG"), ("Zelmora", "ORG")]
    );
    // particles in twos; a statistic next to a number is no organisation
    t!(
        particles_and_statistics,
        "Joost van der Westhuizen scored at 1400 GMT .",
        [("Joost van der Westhuizen", "PER")]
    );
    // capitalised words next to a place name a body named after it, unless they name a
    // feature of the place
    t!(
        bodies_named_after_places,
        "The strike hit Air France and the Baltimore Orioles but not Tokyo Tower .",
        [
            ("Air France", "ORG"),
            ("Baltimore Orioles", "ORG"),
            ("Tokyo Tower", "LOC")
        ]
    );
    // cricket scorecards: players after how they got out and before their figures
    t!(
        cricket_scorecard,
        "The cricket match , innings and wickets :\nS. Waugh b Muralitharan 22\nBowling : Dharmasena 9-0-49-1",
        [
            ("S. Waugh", "PER"),
            ("Muralitharan", "PER"),
            ("Dharmasena", "PER")
        ]
    );
    // a name ending in a club word is a club; "in" may join a name its acronym spells
    t!(
        club_word_and_acronym_with_in,
        "Ross County lost . The Organisation for Security and Cooperation in Europe ( OSCE ) met .",
        [
            ("Ross County", "ORG"),
            ("Organisation for Security and Cooperation in Europe", "ORG"),
            ("OSCE", "ORG")
        ]
    );
    // a relation word before a country is no person; a village before an unknown word is
    // a given name
    t!(
        hosts_and_villages,
        "World Cup hosts France beat Mexico . Nicolas Ouedec and Youri Djorkaeff scored .",
        [
            ("France", "LOC"),
            ("Mexico", "LOC"),
            ("Nicolas Ouedec", "PER"),
            ("Youri Djorkaeff", "PER")
        ]
    );
    // a name ending in an event word is an event, not a body or a person
    t!(
        events_are_not_bodies,
        "He won the U.S. Open and the Zelmora Classic .",
        []
    );
    // no name across a line break; a clitic in capitals ends a name
    t!(
        lines_and_clitics,
        "Australia\nM. Waugh said\nMILAN 'S OKORO MOVES",
        [("Australia", "LOC"), ("M. Waugh", "PER"), ("MILAN", "LOC")]
    );
    // a company's staff after its name, "giant" before it
    t!(
        company_staff_and_giants,
        "Zarneft officials said the oil giant Yukoneft would pay .",
        [("Zarneft", "ORG"), ("Yukoneft", "ORG")]
    );
}
