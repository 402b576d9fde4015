//! The time lexicon: one `match` on a token's folded form gives its temporal word class.
//! The words' classes are computed once, into the extractor's word table
//! ([`crate::lexicon::Lexicon`]), and [`classify_all`] reads each token's from there.

use crate::lexicon::Lexicon;
use crate::tokenize::{Token, TokenKind};

/// A unit of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

impl Unit {
    /// The TIMEX3 duration letter(s) and whether they follow a `T`.
    pub(crate) fn letter(self) -> (&'static str, bool) {
        match self {
            Unit::Second => ("S", true),
            Unit::Minute => ("M", true),
            Unit::Hour => ("H", true),
            Unit::Day => ("D", false),
            Unit::Week => ("W", false),
            Unit::Month => ("M", false),
            Unit::Quarter => ("Q", false),
            Unit::Year => ("Y", false),
            Unit::Decade => ("DE", false),
            Unit::Century => ("CE", false),
        }
    }
}

/// Function words and triggers the grammar looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum W {
    The,
    A,
    Last,
    This,
    Next,
    Coming,
    Past,
    Previous,
    Following,
    Early,
    Late,
    Mid,
    Earlier,
    Later,
    Ago,
    Every,
    Each,
    Today,
    Yesterday,
    Tomorrow,
    Tonight,
    Now,
    Right,
    Recent,
    Current,
    Future,
    Near,
    Term,
    Same,
    That,
    These,
    End,
    Beginning,
    Middle,
    Of,
    Fiscal,
    Noon,
    Midnight,
    Am,
    Pm,
    Zone,
    Few,
    Several,
    Couple,
    Many,
    Half,
    Latest,
    Weekend,
    Before,
    After,
    Ahead,
    From,
    Times,
    Or,
    And,
    To,
    Approx,
    More,
    Less,
    Than,
    At,
    Least,
    Most,
    Up,
    Within,
    Per,
    Period,
    Hundred,
    Dozen,
    Christmas,
    Eve,
    Thanksgiving,
    In,
    For,
    Once,
    Twice,
    First,
}

/// The values of the set adverbs ([`Lex::SetAdv`]).
pub(crate) const SET_ADVERBS: [&str; 7] =
    ["P1D", "P1W", "P1M", "P1Y", "P3M", "PT1H", "XXXX-XX-XXTNI"];

/// The values of the vague reference adverbs ([`Lex::Ref`]).
pub(crate) const REFS: [&str; 3] = ["PAST_REF", "PRESENT_REF", "FUTURE_REF"];

/// The temporal word class of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lex {
    /// Nothing temporal.
    None,
    /// A month name or abbreviation, 1–12; `true` when it is a full name.
    Month(u8, bool),
    /// A weekday, 0 = Monday; `true` when plural ("Mondays").
    Weekday(u8, bool),
    /// A season: 0 SP, 1 SU, 2 FA, 3 WI.
    Season(u8),
    /// A unit; `true` when plural.
    Unit(Unit, bool),
    /// A number word ("three", "twenty").
    NumWord(u32),
    /// Digits: value and number of digits.
    Int(u32, u8),
    /// An ordinal: "third", "3rd".
    Ord(u32),
    /// A decade: "1990s" → 199, "80s" → 198, "nineties" → 199.
    Decade(i32),
    /// A clock time written as one token: "5pm" (hour, pm?).
    Clock(u8, bool),
    /// A part of the day: 0 MO, 1 AF, 2 EV, 3 NI.
    Part(u8),
    /// A set adverb: "daily" → "P1D".
    SetAdv(u8),
    /// A vague reference adverb: "recently" → index of "PAST_REF" in [`REFS`].
    Ref(u8),
    /// A function word.
    W(W),
    /// Punctuation.
    P(u8),
}

fn month_of(w: &str) -> Option<(u8, bool)> {
    Some(match w {
        "january" => (1, true),
        "february" => (2, true),
        "march" => (3, true),
        "april" => (4, true),
        "may" => (5, true),
        "june" => (6, true),
        "july" => (7, true),
        "august" => (8, true),
        "september" => (9, true),
        "october" => (10, true),
        "november" => (11, true),
        "december" => (12, true),
        "jan" => (1, false),
        "feb" => (2, false),
        "mar" => (3, false),
        "apr" => (4, false),
        "jun" => (6, false),
        "jul" => (7, false),
        "aug" => (8, false),
        "sep" | "sept" => (9, false),
        "oct" => (10, false),
        "nov" => (11, false),
        "dec" => (12, false),
        _ => return None,
    })
}

fn number_word(w: &str) -> Option<u32> {
    Some(match w {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

fn ordinal_word(w: &str) -> Option<u32> {
    Some(match w {
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        _ => return None,
    })
}

/// Every word [`classify_word`] knows. The extractor's word table takes the time words from
/// this list ([`for_each_word`]), so a word added to `classify_word` must be added here too
/// (a test checks the two agree).
const WORDS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
    "spring",
    "summer",
    "fall",
    "autumn",
    "winter",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "quarter",
    "quarters",
    "year",
    "years",
    "decade",
    "decades",
    "century",
    "centuries",
    "first",
    "morning",
    "mornings",
    "afternoon",
    "afternoons",
    "evening",
    "evenings",
    "night",
    "nights",
    "daily",
    "weekly",
    "monthly",
    "annually",
    "yearly",
    "quarterly",
    "hourly",
    "nightly",
    "recently",
    "lately",
    "currently",
    "nowadays",
    "presently",
    "sixties",
    "seventies",
    "eighties",
    "nineties",
    "the",
    "a",
    "an",
    "last",
    "this",
    "next",
    "coming",
    "upcoming",
    "past",
    "previous",
    "preceding",
    "prior",
    "following",
    "subsequent",
    "early",
    "late",
    "mid",
    "earlier",
    "later",
    "ago",
    "every",
    "each",
    "today",
    "yesterday",
    "tomorrow",
    "tonight",
    "now",
    "right",
    "recent",
    "current",
    "future",
    "near",
    "short",
    "long",
    "term",
    "same",
    "that",
    "these",
    "end",
    "beginning",
    "start",
    "middle",
    "of",
    "fiscal",
    "noon",
    "midday",
    "midnight",
    "a.m",
    "am",
    "p.m",
    "pm",
    "est",
    "edt",
    "cst",
    "cdt",
    "mst",
    "mdt",
    "pst",
    "pdt",
    "gmt",
    "utc",
    "bst",
    "cet",
    "cest",
    "et",
    "few",
    "several",
    "some",
    "couple",
    "many",
    "half",
    "latest",
    "weekend",
    "weekends",
    "before",
    "after",
    "ahead",
    "from",
    "times",
    "or",
    "and",
    "to",
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "roughly",
    "some-",
    "more",
    "over",
    "less",
    "under",
    "fewer",
    "than",
    "at",
    "least",
    "most",
    "up",
    "within",
    "per",
    "period",
    "hundred",
    "dozen",
    "christmas",
    "eve",
    "thanksgiving",
    "once",
    "in",
    "for",
    "twice",
];

/// The longest word of [`WORDS`] ("approximately"). A word with a final period is known
/// up to this length too: "approximately." is not (the classes were first looked up by a
/// table that took no longer token, and the output stays what it was).
const MAX_WORD: usize = 13;

/// A class and whether it can start an expression, as the word table holds them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Slot {
    /// Whether a token of this class starts an expression whatever follows it:
    /// [`can_start`] of `lex`, less the weak starters.
    pub(crate) start: bool,
    /// [`is_weak`] of `lex`: a weak starter ("the", "a", "last", ...), which starts an
    /// expression only before a token that [`Slot::keeps`] one.
    pub(crate) weak: bool,
    /// Whether a weak starter before a token of this class may start an expression: the
    /// token has a temporal class, or is one of [`KEEPERS`] (punctuation's classes are
    /// not in the table: see [`classify_all`]).
    pub(crate) keeps: bool,
    pub(crate) lex: Lex,
}

impl Slot {
    /// The class of a word of no temporal class.
    pub(crate) const NONE: Slot = Slot::of(Lex::None);

    const fn of(lex: Lex) -> Slot {
        Slot {
            start: can_start(lex) && !is_weak(lex),
            weak: is_weak(lex),
            keeps: !matches!(lex, Lex::None | Lex::P(_)),
            lex,
        }
    }
}

impl Default for Slot {
    fn default() -> Slot {
        Slot::NONE
    }
}

/// The words of no temporal class that some rule reads after a weak starter ("the full
/// year", "an additional year", "an extra day"): a weak starter before one of them may
/// start an expression. (Not with a final period: "the full." ends a sentence.)
const KEEPERS: [&str; 3] = ["full", "additional", "extra"];

/// The commonest starters ("the", "a", "that", "at", "this", ...) start an expression only
/// before a temporal word, a number of a class, one of [`KEEPERS`], or an apostrophe or a
/// hyphen ("the '90s", "mid-2023"): [`classify_all`] sets their start bits only there, so
/// that the grammar does not stop at the thousands of "the" before a plain word.
#[inline]
pub(crate) const fn is_weak(l: Lex) -> bool {
    matches!(
        l,
        Lex::W(
            W::The
                | W::A
                | W::That
                | W::At
                | W::Up
                | W::More
                | W::Less
                | W::Approx
                | W::Within
                | W::Right
                | W::Early
                | W::Late
                | W::Mid
                | W::Last
                | W::This
                | W::Next
                | W::Coming
                | W::Past
                | W::Previous
                | W::Following
        )
    )
}

/// Calls `f` with every word token that has a temporal class, and its class: each word of
/// [`WORDS`], and the same word with a final period (an abbreviation, "feb.", or the last
/// word of a sentence) when that is at most [`MAX_WORD`] bytes; and the [`KEEPERS`], of
/// no class. The extractor's word table ([`crate::lexicon::Lexicon`]) holds them, and
/// [`classify_all`] reads a word token's class from there.
pub(crate) fn for_each_word(mut f: impl FnMut(&str, Slot)) {
    for &w in WORDS {
        debug_assert!(!w.ends_with('.') && w.len() <= MAX_WORD);
        let slot = Slot::of(classify_word(w));
        f(w, slot);
        if w.len() < MAX_WORD {
            f(&format!("{w}."), slot);
        }
    }
    for w in KEEPERS {
        debug_assert_eq!(classify_word(w), Lex::None);
        f(
            w,
            Slot {
                keeps: true,
                ..Slot::NONE
            },
        );
    }
}

/// The classes of a document's tokens. Kept from one document to the next
/// ([`classify_all`] fills it again) so that its buffers are reused.
#[derive(Default)]
pub(crate) struct Classes {
    /// One class per token of the document, then what is left of a longer document's
    /// (never read: the buffer is not cut, so that it is not filled again when a longer
    /// document comes; [`Classes::lex`] gives the document's part).
    lex: Vec<Lex>,
    /// The number of tokens of the document.
    len: usize,
    /// Bit `i % 64` of `starts[i / 64]` is set when token `i` can start an expression
    /// ([`can_start`]), a weak starter ([`is_weak`]) only when the token after it keeps it
    /// ([`Slot::keeps`]).
    pub(crate) starts: Vec<u64>,
}

impl Classes {
    /// One class per token of the document.
    pub(crate) fn lex(&self) -> &[Lex] {
        &self.lex[..self.len]
    }

    /// The capacity of the class buffer, in tokens.
    pub(crate) fn capacity(&self) -> usize {
        self.lex.capacity()
    }
}

/// Can a token of this class start an expression? Punctuation, words of no temporal
/// class and context words ("in", "for", "of", "ago", ...) never do.
#[inline]
pub(crate) const fn can_start(l: Lex) -> bool {
    !matches!(
        l,
        Lex::None
            | Lex::P(_)
            | Lex::W(
                W::In
                    | W::For
                    | W::Of
                    | W::To
                    | W::And
                    | W::Or
                    | W::From
                    | W::Than
                    | W::Least
                    | W::Most
                    | W::Times
                    | W::Per
                    | W::Period
                    | W::Eve
                    | W::Ahead
                    | W::Before
                    | W::After
                    | W::Term
                    | W::Ago
            )
    )
}

/// Classifies every token of a document into `out`; `folded` is the folded text the
/// tokens' `fold` spans point into, and `lexicon` the word table their `word` ids point
/// into (the words' classes were looked up with the rest of what the stages need of them).
///
/// Every token's class is written, over what the buffer held for the last documents (it
/// is not cleared first, nor cut to the document's length: zeroing it was a second pass
/// over eight bytes a token, and filling what a shorter document cut off a third); the
/// start bits start clear, and only those of the tokens of a class are set. Most words
/// have no class: a word whose id lacks the bit [`crate::lexicon::TIME`] costs a few loads,
/// a branch and a store, no lookup. A weak starter's bit is set at the next token, when
/// that token keeps it: a temporal word, a [`KEEPERS`] word (both in the table), a number
/// of a class, an apostrophe or a hyphen.
#[inline(never)]
pub(crate) fn classify_all(tokens: &[Token], folded: &[u8], lexicon: &Lexicon, out: &mut Classes) {
    let n = tokens.len();
    if out.lex.len() < n {
        // (only the part past the longest document's tokens is filled here)
        out.lex.resize(n, Lex::None);
    }
    out.len = n;
    out.starts.clear();
    out.starts.resize(n.div_ceil(64), 0);
    // 1 when the last token is a weak starter
    let mut weak = 0u64;
    for (i, (tok, lex)) in tokens.iter().zip(&mut out.lex[..n]).enumerate() {
        let s = match tok.kind {
            TokenKind::Word if tok.word & crate::lexicon::TIME == 0 => {
                *lex = Lex::None;
                weak = 0;
                continue;
            }
            TokenKind::Word => lexicon.word(tok.word).time,
            // punctuation never starts an expression
            TokenKind::Punct | TokenKind::Symbol => {
                let keeps = if tok.fold.end - tok.fold.start == 1 {
                    let c = folded[tok.fold.start];
                    *lex = Lex::P(c);
                    c == b'\'' || c == b'-'
                } else {
                    *lex = Lex::None;
                    false
                };
                // (a branch: the two marks are rare; `weak` is 0 at the first token)
                if keeps && weak != 0 {
                    out.starts[(i - 1) / 64] |= 1 << ((i - 1) % 64);
                }
                weak = 0;
                continue;
            }
            // (the tokenizer's spans lie in the folded text)
            TokenKind::Number => Slot::of(classify_number(&folded[tok.fold.start..tok.fold.end])),
        };
        *lex = s.lex;
        // this token's bit, and the last token's when it is a weak starter that this one
        // keeps: the bit below, in the same word but at a word's first token (no branch:
        // whether a class can start or keeps is as good as random from word to word)
        let kept = weak & u64::from(s.keeps);
        out.starts[i / 64] |= (u64::from(s.start) << (i % 64)) | ((kept << (i % 64)) >> 1);
        if i % 64 == 0 && kept != 0 {
            // (`kept` is 0 at the first token)
            out.starts[i / 64 - 1] |= 1 << 63;
        }
        weak = u64::from(s.weak);
    }
}

#[inline(never)]
fn classify_number(b: &[u8]) -> Lex {
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 9 {
        return Lex::None;
    }
    let value = b[..digits]
        .iter()
        .fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
    let rest = &b[digits..];
    match rest {
        b"" => Lex::Int(value, digits as u8),
        b"s" if digits == 4 && value.is_multiple_of(10) => Lex::Decade((value / 10) as i32),
        b"s" if digits == 2 && value.is_multiple_of(10) => Lex::Decade(190 + (value / 10) as i32),
        b"st" | b"nd" | b"rd" | b"th" => Lex::Ord(value),
        b"am" | b"pm" | b"a" | b"p" if (1..=12).contains(&value) => {
            Lex::Clock(value as u8, rest[0] == b'p')
        }
        _ => Lex::None,
    }
}

fn classify_word(w: &str) -> Lex {
    if let Some((m, full)) = month_of(w) {
        return Lex::Month(m, full);
    }
    if let Some(n) = number_word(w) {
        return Lex::NumWord(n);
    }
    if let Some(n) = ordinal_word(w) {
        return Lex::Ord(n);
    }
    use W::*;
    match w {
        "monday" => Lex::Weekday(0, false),
        "tuesday" => Lex::Weekday(1, false),
        "wednesday" => Lex::Weekday(2, false),
        "thursday" => Lex::Weekday(3, false),
        "friday" => Lex::Weekday(4, false),
        "saturday" => Lex::Weekday(5, false),
        "sunday" => Lex::Weekday(6, false),
        "mondays" => Lex::Weekday(0, true),
        "tuesdays" => Lex::Weekday(1, true),
        "wednesdays" => Lex::Weekday(2, true),
        "thursdays" => Lex::Weekday(3, true),
        "fridays" => Lex::Weekday(4, true),
        "saturdays" => Lex::Weekday(5, true),
        "sundays" => Lex::Weekday(6, true),
        "spring" => Lex::Season(0),
        "summer" => Lex::Season(1),
        "fall" | "autumn" => Lex::Season(2),
        "winter" => Lex::Season(3),
        "second" => Lex::Unit(Unit::Second, false),
        "seconds" => Lex::Unit(Unit::Second, true),
        "minute" => Lex::Unit(Unit::Minute, false),
        "minutes" => Lex::Unit(Unit::Minute, true),
        "hour" => Lex::Unit(Unit::Hour, false),
        "hours" => Lex::Unit(Unit::Hour, true),
        "day" => Lex::Unit(Unit::Day, false),
        "days" => Lex::Unit(Unit::Day, true),
        "week" => Lex::Unit(Unit::Week, false),
        "weeks" => Lex::Unit(Unit::Week, true),
        "month" => Lex::Unit(Unit::Month, false),
        "months" => Lex::Unit(Unit::Month, true),
        "quarter" => Lex::Unit(Unit::Quarter, false),
        "quarters" => Lex::Unit(Unit::Quarter, true),
        "year" => Lex::Unit(Unit::Year, false),
        "years" => Lex::Unit(Unit::Year, true),
        "decade" => Lex::Unit(Unit::Decade, false),
        "decades" => Lex::Unit(Unit::Decade, true),
        "century" => Lex::Unit(Unit::Century, false),
        "centuries" => Lex::Unit(Unit::Century, true),
        "first" => Lex::W(First),
        "morning" | "mornings" => Lex::Part(0),
        "afternoon" | "afternoons" => Lex::Part(1),
        "evening" | "evenings" => Lex::Part(2),
        "night" | "nights" => Lex::Part(3),
        "daily" => Lex::SetAdv(0),
        "weekly" => Lex::SetAdv(1),
        "monthly" => Lex::SetAdv(2),
        "annually" | "yearly" => Lex::SetAdv(3),
        "quarterly" => Lex::SetAdv(4),
        "hourly" => Lex::SetAdv(5),
        "nightly" => Lex::SetAdv(6),
        "recently" | "lately" => Lex::Ref(0),
        "currently" | "nowadays" | "presently" => Lex::Ref(1),
        "sixties" => Lex::Decade(196),
        "seventies" => Lex::Decade(197),
        "eighties" => Lex::Decade(198),
        "nineties" => Lex::Decade(199),
        "the" => Lex::W(The),
        "a" | "an" => Lex::W(A),
        "last" => Lex::W(Last),
        "this" => Lex::W(This),
        "next" => Lex::W(Next),
        "coming" | "upcoming" => Lex::W(Coming),
        "past" => Lex::W(Past),
        "previous" | "preceding" | "prior" => Lex::W(Previous),
        "following" | "subsequent" => Lex::W(Following),
        "early" => Lex::W(Early),
        "late" => Lex::W(Late),
        "mid" => Lex::W(Mid),
        "earlier" => Lex::W(Earlier),
        "later" => Lex::W(Later),
        "ago" => Lex::W(Ago),
        "every" => Lex::W(Every),
        "each" => Lex::W(Each),
        "today" => Lex::W(Today),
        "yesterday" => Lex::W(Yesterday),
        "tomorrow" => Lex::W(Tomorrow),
        "tonight" => Lex::W(Tonight),
        "now" => Lex::W(Now),
        "right" => Lex::W(Right),
        "recent" => Lex::W(Recent),
        "current" => Lex::W(Current),
        "future" => Lex::W(Future),
        "near" | "short" | "long" => Lex::W(Near),
        "term" => Lex::W(Term),
        "same" => Lex::W(Same),
        "that" => Lex::W(That),
        "these" => Lex::W(These),
        "end" => Lex::W(End),
        "beginning" | "start" => Lex::W(Beginning),
        "middle" => Lex::W(Middle),
        "of" => Lex::W(Of),
        "fiscal" => Lex::W(Fiscal),
        "noon" | "midday" => Lex::W(Noon),
        "midnight" => Lex::W(Midnight),
        "a.m" | "am" => Lex::W(Am),
        "p.m" | "pm" => Lex::W(Pm),
        "est" | "edt" | "cst" | "cdt" | "mst" | "mdt" | "pst" | "pdt" | "gmt" | "utc" | "bst"
        | "cet" | "cest" | "et" => Lex::W(Zone),
        "few" => Lex::W(Few),
        "several" | "some" => Lex::W(Several),
        "couple" => Lex::W(Couple),
        "many" => Lex::W(Many),
        "half" => Lex::W(Half),
        "latest" => Lex::W(Latest),
        "weekend" | "weekends" => Lex::W(Weekend),
        "before" => Lex::W(Before),
        "after" => Lex::W(After),
        "ahead" => Lex::W(Ahead),
        "from" => Lex::W(From),
        "times" => Lex::W(Times),
        "or" => Lex::W(Or),
        "and" => Lex::W(And),
        "to" => Lex::W(To),
        "nearly" | "almost" | "about" | "around" | "approximately" | "roughly" | "some-" => {
            Lex::W(Approx)
        }
        "more" | "over" => Lex::W(More),
        "less" | "under" | "fewer" => Lex::W(Less),
        "than" => Lex::W(Than),
        "at" => Lex::W(At),
        "least" => Lex::W(Least),
        "most" => Lex::W(Most),
        "up" => Lex::W(Up),
        "within" => Lex::W(Within),
        "per" => Lex::W(Per),
        "period" => Lex::W(Period),
        "hundred" => Lex::W(Hundred),
        "dozen" => Lex::W(Dozen),
        "christmas" => Lex::W(Christmas),
        "eve" => Lex::W(Eve),
        "thanksgiving" => Lex::W(Thanksgiving),
        "once" => Lex::W(Once),
        "in" => Lex::W(In),
        "for" => Lex::W(For),
        "twice" => Lex::W(Twice),
        _ => Lex::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class of a word token as the time lexer gave it before the extractor's word
    /// table: the class of the word less one final period, for tokens of at most
    /// [`MAX_WORD`] bytes (the reference the table is tested against).
    fn reference(w: &str) -> Lex {
        if w.len() > MAX_WORD {
            return Lex::None;
        }
        classify_word(w.strip_suffix('.').unwrap_or(w))
    }

    /// The class the word table gives a word token `w`.
    fn from_table(w: &str) -> Slot {
        let lx = Lexicon::without_rules();
        lx.word(lx.id(w.as_bytes())).time
    }

    #[test]
    fn table_agrees_with_match() {
        for &w in WORDS {
            assert_eq!(from_table(w), Slot::of(classify_word(w)), "{w}");
            assert_ne!(from_table(w).lex, Lex::None, "{w}");
            let dotted = format!("{w}.");
            assert_eq!(from_table(&dotted).lex, reference(&dotted), "{dotted}");
        }
        assert_eq!(from_table("feb.").lex, Lex::Month(2, false));
        // the words that keep a weak starter are in the table, of no class
        for w in KEEPERS {
            assert_eq!(from_table(w).lex, Lex::None, "{w}");
            assert!(from_table(w).keeps, "{w}");
            assert_eq!(from_table(&format!("{w}.")), Slot::NONE, "{w}");
        }
        assert!(from_table("the").weak && !from_table("the").start);
        assert!(from_table("march").start && !from_table("march").weak);
        assert_eq!(from_table("approximately.").lex, Lex::None);
        for w in [
            ".", "the-", "2023", "Monday", "said", "met", "tho", "dax.", "feb..",
        ] {
            assert_eq!(from_table(w), Slot::NONE, "{w}");
            assert_eq!(reference(w), Lex::None, "{w}");
        }
        assert!(WORDS.iter().all(|w| w.len() <= MAX_WORD));
    }

    /// The table against the reference on words near the known ones (a letter changed,
    /// added or dropped) and random ones.
    #[test]
    fn table_agrees_with_match_on_other_words() {
        let mut next = crate::hash::xorshift(0x2545_f491_4f6c_dd1du64);
        let mut words: Vec<String> = Vec::new();
        for &w in WORDS {
            for _ in 0..4 {
                words.extend(crate::hash::near_word(w, &mut next));
            }
        }
        for _ in 0..2000 {
            let n = 1 + next() as usize % (MAX_WORD + 2);
            let w: String = (0..n)
                .map(|_| char::from(b"etaoinshrdlu.-"[next() as usize % 14]))
                .collect();
            words.push(w);
        }
        let (mut known, mut unknown) = (0, 0);
        for w in &words {
            let got = from_table(w);
            assert_eq!(got.lex, reference(w), "{w:?}");
            if KEEPERS.contains(&w.as_str()) {
                assert!(got.keeps && !got.start && !got.weak, "{w:?}");
            } else {
                assert_eq!(got, Slot::of(got.lex), "{w:?}");
            }
            if got.lex == Lex::None {
                unknown += 1;
            } else {
                known += 1;
            }
        }
        // (some changed words are words too: the comparison saw both outcomes)
        assert!(known > 0 && unknown > 0, "{known} {unknown}");
    }

    #[test]
    fn classes_are_small() {
        assert!(std::mem::size_of::<Lex>() <= 8);
    }

    /// The classes of a text's tokens, one by one from the `match` (the reference), and as
    /// [`classify_all`] gives them into `out`; with whether each token can start an
    /// expression, as the grammar decided it before the start bits did: a weak starter
    /// only before a token of a temporal class other than punctuation, one of
    /// [`KEEPERS`], an apostrophe or a hyphen.
    fn classes_of(text: &str, out: &mut Classes) -> (Vec<Lex>, Vec<bool>) {
        let folded = crate::text::Folded::new(text);
        let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
        crate::tokenize::tokenize(text, &folded, &mut tokens, &mut sentences);
        let lexicon = Lexicon::without_rules();
        lexicon.mark(folded.as_str().as_bytes(), &mut tokens);
        classify_all(&tokens, folded.as_str().as_bytes(), lexicon, out);
        let lex: Vec<Lex> = tokens
            .iter()
            .map(|tok| {
                let w = tok.norm(&folded);
                match tok.kind {
                    TokenKind::Word => reference(w),
                    TokenKind::Number => classify_number(w.as_bytes()),
                    _ => match w.as_bytes() {
                        &[c] => Lex::P(c),
                        _ => Lex::None,
                    },
                }
            })
            .collect();
        let starts = (0..lex.len())
            .map(|i| {
                let next = lex.get(i + 1).copied().unwrap_or(Lex::None);
                let plain_next = match next {
                    Lex::None => !tokens
                        .get(i + 1)
                        .is_some_and(|t| KEEPERS.contains(&t.norm(&folded))),
                    Lex::P(c) => c != b'\'' && c != b'-',
                    _ => false,
                };
                can_start(lex[i]) && !(is_weak(lex[i]) && plain_next)
            })
            .collect();
        (lex, starts)
    }

    #[test]
    fn classify_all_agrees_with_the_match_and_reuses_its_buffers() {
        let long = "On Tuesday, Feb. 28, the President met THE minister for two hours; \
                    they last met 3 years ago, in the 1990s, at 5pm. Approximately. \
                    The full year, an extra day, the '90s, mid-2023, the 1,000 and the \
                    full. A - the Full, this...";
        let long = long.repeat(5);
        let short = "Nothing here: said firm. Early in March! The";
        let mut out = Classes::default();
        let mut weak = [0, 0];
        for text in [long.as_str(), short, "", short, long.as_str()] {
            let (want, starts) = classes_of(text, &mut out);
            assert_eq!(out.lex(), want, "{text}");
            assert_eq!(out.starts.len(), want.len().div_ceil(64));
            for (i, &l) in want.iter().enumerate() {
                let bit = out.starts[i / 64] >> (i % 64) & 1 == 1;
                assert_eq!(bit, starts[i], "{text}: token {i} {l:?}");
                if is_weak(l) {
                    weak[usize::from(bit)] += 1;
                }
            }
            // no start bit past the last token
            if !want.len().is_multiple_of(64) {
                assert_eq!(out.starts[want.len() / 64] >> (want.len() % 64), 0);
            }
        }
        assert!(out.lex().contains(&Lex::Month(2, false)));
        // weak starters with their bits and without were seen
        assert!(weak[0] > 10 && weak[1] > 10, "{weak:?}");
    }

    #[test]
    fn words_and_numbers() {
        assert_eq!(classify_word("sept"), Lex::Month(9, false));
        assert_eq!(classify_word("tuesday"), Lex::Weekday(1, false));
        assert_eq!(classify_number(b"1990s"), Lex::Decade(199));
        assert_eq!(classify_number(b"80s"), Lex::Decade(198));
        assert_eq!(classify_number(b"5pm"), Lex::Clock(5, true));
        assert_eq!(classify_number(b"2023"), Lex::Int(2023, 4));
        assert_eq!(classify_number(b"20th"), Lex::Ord(20));
        assert_eq!(classify_number(b"1,000"), Lex::None);
        assert_eq!(classify_number(b"999999999"), Lex::Int(999_999_999, 9));
        assert_eq!(classify_number(b"1234567890"), Lex::None);
    }
}
