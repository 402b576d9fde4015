//! The time lexicon: one `match` on a token's folded form gives its temporal word class.

use std::sync::OnceLock;

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

/// Every word [`classify_word`] knows. The lookup table is built from this list, so a word
/// added to `classify_word` must be added here too (a test checks the two agree).
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

/// The longest word of [`WORDS`] ("approximately"); longer tokens are never looked up.
const MAX_WORD: usize = 13;

/// A class and whether it can start an expression, as the table holds them.
#[derive(Clone, Copy)]
struct Slot {
    /// [`can_start`] of `lex`.
    start: bool,
    lex: Lex,
}

impl Slot {
    const NONE: Slot = Slot::of(Lex::None);

    const fn of(lex: Lex) -> Slot {
        Slot {
            start: can_start(lex),
            lex,
        }
    }
}

impl Default for Slot {
    fn default() -> Slot {
        Slot::NONE
    }
}

/// The words and their classes, built once, behind the pre-filter [`FILTER`] that turns
/// most tokens away before any lookup.
///
/// A two-choice (cuckoo) hash table: a word's [`key`] names two cells, and the word is in
/// one of them or in neither. A lookup reads both cells and combines them with arithmetic,
/// not branches: the words that pass the filter are a mix of lengths, known words and
/// unknown ones that no branch predicts (a probing map's length dispatch and probe loop
/// mispredicted about once a lookup).
struct Table {
    cells: Box<[Cell; CELLS]>,
    /// The classes; index 0 is [`Slot::NONE`], the class of a word found in no cell.
    slots: Vec<Slot>,
    /// The multiplier of [`Table::cells_of`], chosen when the table is built.
    mult: u64,
}

/// Cells of [`Table`]: a power of two, three and a half times the words (room for cuckoo
/// placement). 24 kB, where the probing map took 64 kB.
const CELLS: usize = 1024;

// cuckoo placement with two choices needs a table less than half full; at a third full the
// first multiplier or one of the next few places every word
const _: () = assert!(3 * WORDS.len() <= CELLS, "more cells for the time words");

/// One cell of [`Table`]: a word's [`key`], and its length and the index of its class in
/// [`Table::slots`] as one integer (`len | slot << 32`; 0 in an empty cell).
#[derive(Clone, Copy, Default)]
struct Cell {
    lo: u64,
    hi: u64,
    len_slot: u64,
}

impl Cell {
    fn slot(&self) -> u32 {
        (self.len_slot >> 32) as u32
    }
}

/// `MASK[n]` keeps the first `n` bytes of a little-endian word.
const MASK: [u64; 9] = {
    let mut m = [0u64; 9];
    let mut n = 1;
    while n < 8 {
        m[n] = (1 << (8 * n)) - 1;
        n += 1;
    }
    m[8] = !0;
    m
};

/// The key of the `n` bytes at `start` of `text` (`n` at most [`MAX_WORD`]): the first
/// eight bytes and the next eight, as integers, with the bytes past the word cleared.
/// Two loads where sixteen bytes follow `start` (every token but the last few of a text);
/// else the word is copied into a buffer first.
#[inline]
fn key(text: &[u8], start: usize, n: usize) -> (u64, u64) {
    debug_assert!(n <= MAX_WORD);
    let word = |b: &[u8]| {
        (
            u64::from_le_bytes(b[..8].try_into().expect("8 bytes")),
            u64::from_le_bytes(b[8..16].try_into().expect("8 bytes")),
        )
    };
    let (lo, hi) = match text.get(start..start + 16) {
        Some(b) => word(b),
        None => {
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(&text[start..start + n]);
            word(&buf)
        }
    };
    (lo & MASK[n.min(8)], hi & MASK[n.saturating_sub(8)])
}

impl Table {
    /// The two cells of a key (they may be the same).
    #[inline]
    fn cells_of(mult: u64, lo: u64, hi: u64) -> (usize, usize) {
        // one multiply; both indices come from its high bits, which every input bit reaches
        let h = (lo ^ hi.rotate_left(29)).wrapping_mul(mult);
        ((h >> 54) as usize, (h >> 44) as usize % CELLS)
    }

    /// The table of every word of [`WORDS`]: the first multiplier (of a fixed sequence)
    /// under which cuckoo placement finds every word a cell.
    fn build() -> Table {
        let mut slots = vec![Slot::NONE];
        let keys: Vec<(u64, u64, usize)> = WORDS
            .iter()
            .map(|w| {
                let b = w.as_bytes();
                slots.push(Slot::of(classify_word(w)));
                let (lo, hi) = key(b, 0, b.len());
                (lo, hi, b.len())
            })
            .collect();
        // (a fixed sequence of odd multipliers from Fx's: the same table on every run)
        let mut mult: u64 = 0x517c_c1b7_2722_0a95;
        for _ in 0..1000 {
            if let Some(cells) = Self::place(mult, &keys) {
                return Table { cells, slots, mult };
            }
            mult = mult.wrapping_add(0x9E37_79B9_7F4A_7C16);
        }
        panic!("no multiplier places the time words in {CELLS} cells");
    }

    /// Cuckoo placement of `keys` (word `i` has class `i + 1`), or `None` when some word
    /// finds no cell.
    fn place(mult: u64, keys: &[(u64, u64, usize)]) -> Option<Box<[Cell; CELLS]>> {
        let mut cells = Box::new([Cell::default(); CELLS]);
        for (i, &(lo, hi, len)) in keys.iter().enumerate() {
            let mut cur = Cell {
                lo,
                hi,
                len_slot: len as u64 | (i as u64 + 1) << 32,
            };
            let mut at = Self::cells_of(mult, lo, hi).0;
            let mut placed = false;
            for _ in 0..64 {
                std::mem::swap(&mut cells[at], &mut cur);
                if cur.slot() == 0 {
                    placed = true;
                    break;
                }
                // the word pushed out goes to its other cell
                let (a, b) = Self::cells_of(mult, cur.lo, cur.hi);
                at = if at == a { b } else { a };
            }
            if !placed {
                return None;
            }
        }
        Some(cells)
    }

    /// The class of the `n` bytes at `start` of `text` ([`Slot::NONE`] for an unknown
    /// word): both cells are read, and the one holding the word gives its class index.
    #[inline]
    fn get(&self, text: &[u8], start: usize, n: usize) -> Slot {
        let (lo, hi) = key(text, start, n);
        let (a, b) = Self::cells_of(self.mult, lo, hi);
        // a cell's class index where it holds the word, else 0: the differences compared
        // at once, and a select the compiler keeps free of branches (a plain `if` became one)
        let class = |c: &Cell| {
            let differ = (c.lo ^ lo) | (c.hi ^ hi) | ((c.len_slot ^ n as u64) & 0xffff_ffff);
            std::hint::select_unpredictable(differ == 0, c.len_slot >> 32, 0)
        };
        // (a word is in one cell at most; where both are the same cell, the two agree)
        let i = class(&self.cells[a]) | class(&self.cells[b]);
        self.slots[i as usize]
    }
}

static TABLE: OnceLock<Table> = OnceLock::new();

/// The filter bit of a token's last byte: `a`–`z` 0–25, `.` 26, `-` 27, others 28 (never
/// set: no word ends so). A table, not a `match`: one load on every word token.
const LAST_BIT: [u8; 256] = {
    let mut t = [28u8; 256];
    let mut c = b'a';
    while c <= b'z' {
        t[c as usize] = c - b'a';
        c += 1;
    }
    t[b'.' as usize] = 26;
    t[b'-' as usize] = 27;
    t
};

/// The pre-filter on (length, first letter, last byte): bit [`LAST_BIT`] of the token's
/// last byte in `FILTER[len][first letter]` is set when a word of that length starts and
/// ends so, or a word one byte shorter starts so (the token then ends in a period).
/// Computed at compile time from [`WORDS`] (which the asserts check: every word
/// lower-case ASCII at both ends, at most [`MAX_WORD`] bytes).
static FILTER: [[u32; 26]; MAX_WORD + 1] = {
    let mut filter = [[0u32; 26]; MAX_WORD + 1];
    let mut i = 0;
    while i < WORDS.len() {
        let b = WORDS[i].as_bytes();
        assert!(!b.is_empty() && b.len() <= MAX_WORD);
        let (first, last) = (b[0], b[b.len() - 1]);
        assert!(first.is_ascii_lowercase() && LAST_BIT[last as usize] < 28);
        let row = (first - b'a') as usize;
        filter[b.len()][row] |= 1 << LAST_BIT[last as usize];
        if b.len() < MAX_WORD {
            filter[b.len() + 1][row] |= 1 << LAST_BIT[b'.' as usize];
        }
        i += 1;
    }
    filter
};

/// The lookup table (built on first use; [`super::TimeTagger::new`] builds it).
pub(crate) fn table_init() {
    let _ = table();
}

fn table() -> &'static Table {
    TABLE.get_or_init(Table::build)
}

#[cfg(test)]
fn lookup(w: &str) -> Lex {
    let t = table();
    let b = w.as_bytes();
    if b.is_empty() || b.len() > MAX_WORD {
        return Lex::None;
    }
    t.get(b, 0, b.len()).lex
}

/// The classes of a document's tokens. Kept from one document to the next
/// ([`classify_all`] fills it again) so that its buffers are reused.
#[derive(Default)]
pub(crate) struct Classes {
    /// One class per token.
    pub(crate) lex: Vec<Lex>,
    /// Bit `i % 64` of `starts[i / 64]` is set when token `i` can start an expression
    /// ([`can_start`]).
    pub(crate) starts: Vec<u64>,
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
/// tokens' `fold` spans point into.
///
/// The classes start as [`Lex::None`] with no start bit set, and only the tokens looked up
/// are written (numbers, one-character punctuation and the words the pre-filter lets
/// through, known or not): most tokens (words the pre-filter turns away) cost a few loads
/// and branches, no store.
#[inline(never)]
pub(crate) fn classify_all(tokens: &[Token], folded: &[u8], out: &mut Classes) {
    let t = table();
    out.lex.clear();
    out.lex.resize(tokens.len(), Lex::None);
    out.starts.clear();
    out.starts.resize(tokens.len().div_ceil(64), 0);
    for (i, (tok, lex)) in tokens.iter().zip(out.lex.iter_mut()).enumerate() {
        // (the tokenizer's spans lie in the folded text)
        let b = &folded[tok.fold.start..tok.fold.end];
        let s = match tok.kind {
            TokenKind::Word => match word_in(t, folded, tok.fold.start, b) {
                Some(s) => s,
                None => continue,
            },
            // punctuation never starts an expression
            TokenKind::Punct | TokenKind::Symbol => {
                if let &[c] = b {
                    *lex = Lex::P(c);
                }
                continue;
            }
            TokenKind::Number => Slot::of(classify_number(b)),
        };
        *lex = s.lex;
        // (no branch: whether a class can start is as good as random from word to word)
        out.starts[i / 64] |= u64::from(s.start) << (i % 64);
    }
}

/// The class of a word token whose folded form is `b`, at `start` of the folded text
/// `folded` (a final period is dropped); `None` when the pre-filter turns it away.
#[inline]
fn word_in(t: &Table, folded: &[u8], start: usize, b: &[u8]) -> Option<Slot> {
    let n = b.len();
    // (one comparison turns away the empty token and those longer than any word)
    if n.wrapping_sub(1) >= MAX_WORD {
        return None;
    }
    let (first, last) = (b[0], b[n - 1]);
    // most words go here: no known word has this length, first letter and last byte
    let row = usize::from(first.wrapping_sub(b'a'));
    if row >= 26 || FILTER[n][row] & (1 << LAST_BIT[usize::from(last)]) == 0 {
        return None;
    }
    let len = n - usize::from(last == b'.');
    // ("." alone is turned away above: no word starts so)
    Some(t.get(folded, start, len))
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

    #[test]
    fn table_agrees_with_match() {
        for &w in WORDS {
            assert_eq!(lookup(w), classify_word(w), "{w}");
            assert_ne!(lookup(w), Lex::None, "{w}");
        }
        // the pre-filter lets every word through, with and without a final period
        let t = table();
        let class = |w: &str| word_in(t, w.as_bytes(), 0, w.as_bytes()).map(|s| s.lex);
        for &w in WORDS {
            let lex = classify_word(w);
            assert_eq!(class(w), Some(lex), "{w}");
            let dotted = format!("{w}.");
            if dotted.len() <= MAX_WORD {
                assert_eq!(class(&dotted), Some(lex), "{dotted}");
            }
        }
        // turned away by the filter, or passed and then found in no cell
        for w in [".", "the-", "2023", "Monday", "approximately.", "said"] {
            assert_eq!(class(w), None, "{w}");
        }
        for w in ["met", "tho", "ton", "dax.", "summers"] {
            assert_eq!(class(w), Some(Lex::None), "{w}");
        }
        for w in ["met", "president", "", "xi", "lukashenko", "summit"] {
            assert_eq!(lookup(w), Lex::None);
            assert_eq!(classify_word(w), Lex::None);
        }
    }

    /// The table against the `match` on words near the known ones (a letter changed, added
    /// or dropped) and random ones, read from a text both where sixteen bytes follow the
    /// word and at the text's end (where the key is read through a buffer).
    #[test]
    fn table_agrees_with_match_on_other_words() {
        let t = table();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut words: Vec<String> = Vec::new();
        for &w in WORDS {
            for _ in 0..4 {
                let mut b = w.as_bytes().to_vec();
                let at = next() as usize % b.len();
                let c = b"abcdefghijklmnopqrstuvwxyz.-"[next() as usize % 28];
                match next() % 3 {
                    0 => b[at] = c,
                    1 => b.insert(at, c),
                    _ => {
                        b.remove(at);
                    }
                }
                words.push(String::from_utf8(b).unwrap());
            }
        }
        for _ in 0..2000 {
            let n = 1 + next() as usize % MAX_WORD;
            let w: String = (0..n)
                .map(|_| char::from(b"etaoinshrdlu.-"[next() as usize % 14]))
                .collect();
            words.push(w);
        }
        let (mut known, mut unknown) = (0, 0);
        for w in &words {
            let n = w.len();
            if n == 0 || n > MAX_WORD {
                continue;
            }
            // the word in a text, at its end and 20 bytes before it
            for pad in [0, 20] {
                let text = format!("xx {w}{}", "z".repeat(pad));
                let got = t.get(text.as_bytes(), 3, n).lex;
                assert_eq!(got, classify_word(w), "{w:?} + {pad}");
                if got == Lex::None {
                    unknown += 1;
                } else {
                    known += 1;
                }
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
    /// [`classify_all`] gives them into `out`.
    fn classes_of(text: &str, out: &mut Classes) -> Vec<Lex> {
        let folded = crate::text::Folded::new(text);
        let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
        crate::tokenize::tokenize(text, &folded, &mut tokens, &mut sentences);
        classify_all(&tokens, folded.as_str().as_bytes(), out);
        tokens
            .iter()
            .map(|tok| {
                let w = tok.norm(&folded);
                match tok.kind {
                    TokenKind::Word => classify_word(w.strip_suffix('.').unwrap_or(w)),
                    TokenKind::Number => classify_number(w.as_bytes()),
                    _ => match w.as_bytes() {
                        &[c] => Lex::P(c),
                        _ => Lex::None,
                    },
                }
            })
            .collect()
    }

    #[test]
    fn classify_all_agrees_with_the_match_and_reuses_its_buffers() {
        let long = "On Tuesday, Feb. 28, the President met THE minister for two hours; \
                    they last met 3 years ago, in the 1990s, at 5pm. Approximately. ";
        let long = long.repeat(5);
        let short = "Nothing here: said firm. Early in March!";
        let mut out = Classes::default();
        for text in [long.as_str(), short, "", short] {
            let want = classes_of(text, &mut out);
            assert_eq!(out.lex, want, "{text}");
            assert_eq!(out.starts.len(), want.len().div_ceil(64));
            for (i, &l) in want.iter().enumerate() {
                let bit = out.starts[i / 64] >> (i % 64) & 1 == 1;
                assert_eq!(bit, can_start(l), "{text}: token {i} {l:?}");
            }
            // no start bit past the last token
            if !want.len().is_multiple_of(64) {
                assert_eq!(out.starts[want.len() / 64] >> (want.len() % 64), 0);
            }
        }
        assert!(out.lex.contains(&Lex::Month(3, true)));
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
