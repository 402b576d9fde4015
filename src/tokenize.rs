//! Tokens and sentences.
//!
//! The tokenizer splits on white space and punctuation, keeps abbreviations with their
//! period (`Feb.`, `U.S.`, `Mr.`, `Gov.`, initials such as `J.`), splits the possessive and
//! negative clitics (`Lukashenko’s` → `Lukashenko` `’s`, `didn't` → `did` `n't`), keeps
//! numbers with their decimal and thousands separators (`1,000`, `3.5`), and makes every
//! hyphen its own token (`three-day` → `three` `-` `day`, with [`Token::joined`] telling that
//! no space separated them).
//!
//! Sentences end at `.`, `!` or `?` (with any closing quotes or brackets after them) and at
//! every line break: news text puts a paragraph, a headline or a dateline on its own line.
//! A period that belongs to an abbreviation does not end a sentence, unless the abbreviation
//! is one that often ends one (`U.S.`, `Inc.`) and the next word starts a new sentence.

use crate::span::Span;
use crate::text::{FoldCursor, Folded};

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (and digits mixed with letters), including abbreviations with their period.
    Word,
    /// Digits, with decimal and thousands separators.
    Number,
    /// Punctuation: one character.
    Punct,
    /// Anything else: one character.
    Symbol,
}

/// The letter case of a token, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// All letters lower case: `met`.
    Lower,
    /// First letter upper case, the others lower: `Minsk`, `Mr.`, `A`.
    Capitalized,
    /// Two or more letters, all upper case: `SCO`, `U.S.`.
    Upper,
    /// Upper case after lower: `McDonald`, `iPhone`.
    Mixed,
    /// No letter: numbers, punctuation.
    NoLetter,
}

/// One token: its span in the original text, its span in the folded text, kind and shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Bytes in the caller's text.
    pub span: Span,
    /// Bytes in the folded text (see [`crate::text`]): the token's matching form.
    pub fold: Span,
    /// What it is made of.
    pub kind: TokenKind,
    /// Its letter case.
    pub shape: Shape,
    /// True when no white space separates this token from the one before.
    pub joined: bool,
    /// The id of the token's word in the extractor's word table
    /// ([`crate::lexicon::Lexicon::id`]: its record, and bits telling which stages know
    /// it), `0` for a word not in it: [`tokenize`] leaves it `0`, and the extractor looks
    /// every token up once, so that each stage reads what it needs of the word instead of
    /// hashing it again. (It fills padding: a token stays 40 bytes.)
    pub(crate) word: u32,
}

// the field `word` took padding bytes: a token is as large as before
const _: () = assert!(std::mem::size_of::<Token>() == 40);

impl Token {
    /// The token as written.
    #[inline]
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        self.span.slice(text)
    }

    /// The token's folded (lower-case, unmarked) form.
    #[inline]
    pub fn norm<'f>(&self, folded: &'f Folded) -> &'f str {
        self.fold.slice(folded.as_str())
    }
}

/// One sentence: its span and its range of tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Bytes in the caller's text, from the first token's start to the last token's end.
    pub span: Span,
    /// Index of the first token.
    pub first: usize,
    /// One past the index of the last token.
    pub last: usize,
}

impl Sentence {
    /// The token index range.
    #[inline]
    pub fn tokens(&self) -> std::ops::Range<usize> {
        self.first..self.last
    }
}

/// Abbreviations that keep their period (folded, without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gov", "sen", "rep", "gen", "lt", "col", "maj", "capt", "cpt",
    "sgt", "adm", "cmdr", "cdr", "brig", "pres", "amb", "rev", "fr", "st", "sr", "jr", "hon",
    "messrs", "mme", "mlle", "insp", "supt", "atty", "sec", "treas", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu",
    "thur", "thurs", "fri", "sat", "sun", "inc", "corp", "ltd", "co", "bros", "plc", "no", "nos",
    "vs", "etc", "approx", "est", "dept", "univ", "assn", "ave", "blvd", "mt", "ft", "vol", "p",
    "pp", "ca", "cf", "al", "fig", "ph", "op", "ed", "eds",
];

/// Abbreviations after which a sentence often ends (so a following capital starts one).
const FINAL_ABBREVIATIONS: &[&str] =
    &["inc", "corp", "ltd", "co", "etc", "plc", "bros", "jr", "sr"];

/// The key of a word of up to 7 bytes for [`ABBREVIATION_KEYS`]: its bytes in ASCII lower
/// case and its length.
const fn abbreviation_key(w: &[u8]) -> u64 {
    let mut k = (w.len() as u64) << 56;
    let mut i = 0;
    while i < w.len() {
        k |= (w[i].to_ascii_lowercase() as u64) << (8 * i);
        i += 1;
    }
    k
}

/// The keys of [`ABBREVIATIONS`], sorted: a binary search instead of a scan of the list.
static ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = {
    let mut keys = [0u64; ABBREVIATIONS.len()];
    let mut i = 0;
    while i < keys.len() {
        assert!(ABBREVIATIONS[i].len() < 8);
        keys[i] = abbreviation_key(ABBREVIATIONS[i].as_bytes());
        // insertion sort
        let mut j = i;
        while j > 0 && keys[j - 1] > keys[j] {
            let t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    keys
};

/// Whether `word` is one of [`ABBREVIATIONS`]: `word` is folded, or ASCII as written (an
/// ASCII word folds to its lower case, which the key takes).
fn is_abbreviation(word: &str) -> bool {
    word.len() < 8
        && ABBREVIATION_KEYS
            .binary_search(&abbreviation_key(word.as_bytes()))
            .is_ok()
}

#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\u{00AD}'
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Byte classes for the tokenizer's ASCII fast paths.
const C_WS: u8 = 1;
const C_LOWER: u8 = 2;
const C_UPPER: u8 = 4;
const C_DIGIT: u8 = 8;
/// ASCII punctuation other than the apostrophe (which may start a clitic).
const C_PUNCT: u8 = 16;
const C_LETTER: u8 = C_LOWER | C_UPPER;
const C_ALNUM: u8 = C_LETTER | C_DIGIT;

/// The class of every byte; non-ASCII bytes, control characters and `'` are 0 (the
/// general path).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_whitespace() {
            C_WS
        } else if c.is_ascii_lowercase() {
            C_LOWER
        } else if c.is_ascii_uppercase() {
            C_UPPER
        } else if c.is_ascii_digit() {
            C_DIGIT
        } else if c.is_ascii_punctuation() && c != b'\'' {
            C_PUNCT
        } else {
            0
        };
        b += 1;
    }
    t
};

/// [`FOLLOW`]: the byte after a run of ASCII letters and digits that starts with a letter
/// sends the word to the general scan (a non-ASCII byte, `'` or `.`).
const F_WORD_GOES_ON: u8 = 1;
/// [`FOLLOW`]: the byte after a run of ASCII digits sends the number to the general scan
/// (a non-ASCII byte, `,`, `.` or a letter).
const F_NUMBER_GOES_ON: u8 = 2;

/// What each byte means right after a run of ASCII letters and digits: one lookup instead
/// of a chain of comparisons per token.
static FOLLOW: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if !c.is_ascii() || c == b'\'' || c == b'.' {
            t[b] |= F_WORD_GOES_ON;
        }
        if !c.is_ascii() || c == b',' || c == b'.' || c.is_ascii_alphabetic() {
            t[b] |= F_NUMBER_GOES_ON;
        }
        b += 1;
    }
    t
};

/// The letter case of an ASCII token, gathered byte by byte during a scan.
#[derive(Default)]
struct CaseScan {
    upper: usize,
    lower: usize,
    first_upper: bool,
    lower_then_upper: bool,
}

/// The end of the run of ASCII letters and digits that starts at `from`, and whether the
/// run holds a capital.
///
/// Eight bytes at a time: most words end within the first eight bytes, so the loop exit is a
/// predictable branch rather than one test per byte.
#[inline]
fn ascii_alnum_run(bytes: &[u8], from: usize) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let mut j = from;
    let mut has_upper = false;
    while let Some(chunk) = bytes.get(j..j + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // the high bit of each byte of `ge(c)`: that byte's low seven bits are >= c (no
        // carry crosses bytes: at most 0x7f + 0x7f)
        let low = x & !HIGH;
        let ge = |v: u64, c: u64| v.wrapping_add(ONES * (0x80 - c)) & HIGH;
        let digit = ge(low, 0x30) & !ge(low, 0x3a);
        // letters with the case bit (0x20) set are the lower-case letters: one range test
        // for both cases
        let cased = low | (ONES * 0x20);
        let letter = ge(cased, 0x61) & !ge(cased, 0x7b);
        // a letter whose case bit is clear is a capital (`<< 2` moves that bit to the high
        // bit of its byte)
        let upper = letter & !(x << 2);
        // non-ASCII bytes (high bit set) are not letters or digits
        let alnum = (digit | letter) & !x;
        let stop = !alnum & HIGH;
        if stop == 0 {
            has_upper |= upper != 0;
            j += 8;
            continue;
        }
        let n = (stop.trailing_zeros() / 8) as usize;
        // the bits below the first stop's high bit (a non-ASCII stop may have the bit of
        // `upper` set)
        let before = (stop - 1) & !stop;
        // (`|`, not `||`: a test of `has_upper` first was a branch on every word)
        return (j + n, has_upper | (upper & before != 0));
    }
    while j < bytes.len() {
        let c = CLASS[bytes[j] as usize];
        if c & C_ALNUM == 0 {
            break;
        }
        has_upper |= c == C_UPPER;
        j += 1;
    }
    (j, has_upper)
}

/// The shape of an ASCII word (letters and digits) with a capital after its first letter
/// (the main loop of [`tokenize`] knows the shape of the others from its scan).
#[inline]
fn ascii_word_shape(word: &[u8]) -> Shape {
    let mut case = CaseScan::default();
    for &b in word {
        case.add(CLASS[b as usize]);
    }
    case.shape(word)
}

impl CaseScan {
    #[inline]
    fn add(&mut self, class: u8) {
        if class == C_LOWER {
            self.lower += 1;
        } else if class == C_UPPER {
            if self.upper + self.lower == 0 {
                self.first_upper = true;
            } else if self.lower > 0 {
                self.lower_then_upper = true;
            }
            self.upper += 1;
        }
    }

    #[inline]
    fn shape(&self, token: &[u8]) -> Shape {
        let mc = token.starts_with(b"Mc") || token.starts_with(b"Mac");
        classify(
            self.upper,
            self.lower,
            self.first_upper,
            self.lower_then_upper,
            mc,
        )
    }
}

/// Splits `text` into tokens and sentences, appending to the given vectors (cleared first).
///
/// `folded` must be the fold of `text`.
pub fn tokenize(
    text: &str,
    folded: &Folded,
    tokens: &mut Vec<Token>,
    sentences: &mut Vec<Sentence>,
) {
    // an ASCII text folds byte for byte: a token's folded span is its span, and the loop
    // made for that case has no test for it per token
    if folded.wide().is_empty() {
        tokenize_with::<true>(text, folded, tokens, sentences)
    } else {
        tokenize_with::<false>(text, folded, tokens, sentences)
    }
}

/// [`tokenize`], for a fold that is the identity (`IDENTITY`: an ASCII text) or not.
#[inline(never)]
fn tokenize_with<const IDENTITY: bool>(
    text: &str,
    folded: &Folded,
    tokens: &mut Vec<Token>,
    sentences: &mut Vec<Sentence>,
) {
    debug_assert_eq!(IDENTITY, folded.wide().is_empty());
    // the tokens are pushed onto a local vector (the caller's buffer, moved here and back):
    // the compiler keeps its length and pointer itself, where through `&mut` each push
    // read them through the caller's reference
    let mut out = std::mem::take(tokens);
    out.clear();
    sentences.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut joined = false;
    // Line breaks between tokens: the index of the first token after each line break.
    // News text has a line break every few hundred bytes and a sentence end every hundred
    // or so: one allocation each from the length, not a chain of regrowths per document.
    let mut breaks_before: Vec<usize> = Vec::with_capacity(bytes.len() / 128 + 4);
    // The tokens that may end a sentence (see `may_end_sentence`).
    let mut candidates: Vec<usize> = Vec::with_capacity(bytes.len() / 64 + 4);
    // the tokens' folded offsets, in text order
    let mut fold_at = FoldCursor::new(folded);
    while i < bytes.len() {
        let b = bytes[i];
        let class = CLASS[b as usize];
        // fast path for ASCII white space
        if class == C_WS {
            if (b == b'\n' || b == b'\r') && breaks_before.last() != Some(&out.len()) {
                breaks_before.push(out.len());
            }
            joined = false;
            i += 1;
            continue;
        }
        let start = i;
        // `may_end`: whether the token may end a sentence, known from the path taken (an
        // ASCII word or number without a period never does)
        if class & C_LETTER != 0 {
            // an ASCII word: letters and digits, its case gathered on the way; a word that
            // stops at an apostrophe, a period or a non-ASCII byte takes the general path
            // (the run after the first letter, and whether it holds a capital)
            let (j, upper_after) = ascii_alnum_run(bytes, i + 1);
            let (end, may_end) = match bytes.get(j) {
                Some(&nb) if FOLLOW[usize::from(nb)] & F_WORD_GOES_ON != 0 => {
                    // a period after two or more letters and digits (`Minsk.`, `Mr.`: the
                    // last word of most sentences) is the word's only when the word is an
                    // abbreviation, which is all that the general scan would find out
                    if nb == b'.' && j - start > 1 {
                        let abbreviation = is_abbreviation(&text[start..j]);
                        (j + usize::from(abbreviation), abbreviation)
                    } else {
                        let end = scan_word_from(text, i, j, folded);
                        (end, end - start > 1 && bytes[end - 1] == b'.')
                    }
                }
                _ => (j, false),
            };
            // a word that did not go on past the run (`Minsk.`, `Xi’s`: the last word of
            // most sentences, too) is the run, whose shape needs no general scan
            let shape = if end != j {
                shape_of(&text[start..end])
            } else if !upper_after {
                // no capital after the first letter, which decides: `met`, or the usual
                // capital, `Minsk`, `The`, `A`
                if class == C_UPPER {
                    Shape::Capitalized
                } else {
                    Shape::Lower
                }
            } else {
                ascii_word_shape(&bytes[start..j])
            };
            // (the word pushes its token itself: through the merge with the other paths below,
            // its kind and shape went through the stack)
            i = push_token::<IDENTITY>(
                &mut out,
                &mut candidates,
                &mut fold_at,
                bytes,
                Span { start, end },
                (TokenKind::Word, shape, may_end),
                &mut joined,
            );
            continue;
        }
        let (end, kind, shape, may_end) = if class == C_DIGIT {
            // ASCII digits that stop at white space or punctuation other than `,` and `.`
            let j = bytes[i..]
                .iter()
                .position(|&b| CLASS[b as usize] != C_DIGIT)
                .map_or(bytes.len(), |n| i + n);
            match bytes.get(j) {
                Some(&nb) if FOLLOW[usize::from(nb)] & F_NUMBER_GOES_ON != 0 => {
                    let end = scan_number(text, i);
                    // digits that did not go on (`24.`, `2023,`) have no letter
                    let shape = if end == j {
                        Shape::NoLetter
                    } else {
                        shape_of(&text[start..end])
                    };
                    (end, TokenKind::Number, shape, false)
                }
                _ => (j, TokenKind::Number, Shape::NoLetter, false),
            }
        } else if class == C_PUNCT {
            let may_end = matches!(b, b'.' | b'!' | b'?');
            (i + 1, TokenKind::Punct, Shape::NoLetter, may_end)
        } else {
            let c = next_char(text, i);
            if c.is_whitespace() {
                if c == '\u{2028}' || c == '\u{2029}' || c == '\u{0085}' {
                    breaks_before.push(out.len());
                }
                joined = false;
                i += c.len_utf8();
                continue;
            }
            let (end, kind) = scan_other(text, i, c, folded);
            let may_end = match kind {
                TokenKind::Punct => matches!(&text[start..end], "." | "!" | "?" | "…"),
                TokenKind::Word => end - start > 1 && bytes[end - 1] == b'.',
                _ => false,
            };
            (end, kind, shape_of(&text[start..end]), may_end)
        };
        i = push_token::<IDENTITY>(
            &mut out,
            &mut candidates,
            &mut fold_at,
            bytes,
            Span { start, end },
            (kind, shape, may_end),
            &mut joined,
        );
    }
    *tokens = out;
    split_sentences(text, folded, tokens, &breaks_before, &candidates, sentences);
}

/// Pushes the token of `span` (kind, shape and whether it may end a sentence) for
/// [`tokenize_with`], listing it in `candidates` when it may end a sentence, and returns
/// where the next token may start, with `joined` set for it: one space after a token, the
/// usual case, is stepped over here rather than by a turn of the loop.
#[inline(always)]
fn push_token<const IDENTITY: bool>(
    out: &mut Vec<Token>,
    candidates: &mut Vec<usize>,
    fold_at: &mut FoldCursor,
    bytes: &[u8],
    span: Span,
    (kind, shape, may_end): (TokenKind, Shape, bool),
    joined: &mut bool,
) -> usize {
    if may_end {
        candidates.push(out.len());
    }
    // (`end > start`: every path takes at least one byte; the fold's map is monotone)
    debug_assert!(span.start < span.end);
    let fold = if IDENTITY {
        span
    } else {
        let (start, end) = fold_at.span(span.start, span.end);
        Span { start, end }
    };
    out.push(Token {
        span,
        fold,
        kind,
        shape,
        joined: *joined,
        word: 0,
    });
    let end = span.end;
    if bytes.get(end) == Some(&b' ') {
        *joined = false;
        end + 1
    } else {
        *joined = true;
        end
    }
}

/// The end and kind of a token that starts with `c` at `i` (not white space): the general
/// path of [`tokenize`].
fn scan_other(text: &str, i: usize, c: char, folded: &Folded) -> (usize, TokenKind) {
    if c.is_numeric() {
        (scan_number(text, i), TokenKind::Number)
    } else if is_word_char(c) {
        (scan_word(text, i, folded), TokenKind::Word)
    } else if is_apostrophe(c) {
        // clitic 's / 't / n't handled in scan_word; a lone apostrophe + s
        let next = i + c.len_utf8();
        let rest = &text[next..];
        let clen = clitic_len(rest);
        if clen > 0 {
            (next + clen, TokenKind::Word)
        } else {
            (next, TokenKind::Punct)
        }
    } else if c.is_ascii_punctuation() || is_unicode_punct(c) {
        (i + c.len_utf8(), TokenKind::Punct)
    } else {
        (i + c.len_utf8(), TokenKind::Symbol)
    }
}

#[inline]
fn next_char(text: &str, i: usize) -> char {
    match text.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => b as char,
        _ => text[i..].chars().next().unwrap_or(' '),
    }
}

fn is_unicode_punct(c: char) -> bool {
    matches!(c,
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{00A1}' | '\u{00A7}' | '\u{00AB}'
        | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}' | '\u{3001}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}' | '\u{FF01}'..='\u{FF0F}')
}

/// Length of a clitic (`s`, `t`, `re`, `ve`, `ll`, `d`, `m`) right after an apostrophe,
/// when it ends the word.
fn clitic_len(rest: &str) -> usize {
    // one or two ASCII letters (no clitic is the start of another) ...
    let n = match rest.as_bytes() {
        [b'r', b'e', ..] | [b'v', b'e', ..] | [b'l', b'l', ..] => 2,
        [b'R', b'E', ..] | [b'V', b'E', ..] | [b'L', b'L', ..] => 2,
        [b's' | b'S' | b't' | b'T' | b'd' | b'D' | b'm' | b'M', ..] => 1,
        _ => return 0,
    };
    // ... that end the word
    if rest[n..].starts_with(char::is_alphanumeric) {
        0
    } else {
        n
    }
}

/// Scans a number: digits with `,` or `.` between digits.
fn scan_number(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    loop {
        let c = next_char(text, i);
        if i < text.len() && c.is_numeric() {
            i += c.len_utf8();
        } else if i < text.len()
            && (bytes[i] == b',' || bytes[i] == b'.')
            && i + 1 < text.len()
            && bytes[i + 1].is_ascii_digit()
            && i > start
        {
            i += 1;
        } else {
            break;
        }
    }
    // "1990s", "20th", "3rd", "5pm": letters right after digits stay in the token
    let mut j = i;
    while j < text.len() && bytes[j].is_ascii_alphabetic() {
        j += 1;
    }
    if j > i && j - i <= 3 { j } else { i }
}

/// Scans a word starting at `start`: letters and digits, internal apostrophes before a
/// capital (`O'Brien`), and a final period when the word is an abbreviation or an initial.
fn scan_word(text: &str, start: usize, folded: &Folded) -> usize {
    scan_word_from(text, start, start, folded)
}

/// [`scan_word`] resumed at `from`, when `start..from` is known to be ASCII letters and
/// digits (the scan would only step over them).
fn scan_word_from(text: &str, start: usize, from: usize, folded: &Folded) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    // whether the word so far holds a period: only the step over a dotted acronym's period
    // below takes one in, so a flag answers what a search of the word would
    let mut has_period = false;
    // whether the word so far is ASCII (`start..from` is), which folds to its lower case
    let mut ascii = true;
    while i < text.len() {
        if bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let c = next_char(text, i);
        if is_word_char(c) {
            ascii &= c.is_ascii();
            i += c.len_utf8();
            continue;
        }
        if is_apostrophe(c) {
            let after = i + c.len_utf8();
            let rest = &text[after..];
            // n't: split before the n
            if (rest.starts_with('t') || rest.starts_with('T'))
                && i > start
                && matches!(bytes[i - 1], b'n' | b'N')
                && !rest[1..].starts_with(|c: char| c.is_alphanumeric())
            {
                if i - 1 == start {
                    // the clitic itself: n't
                    return after + 1;
                }
                return i - 1;
            }
            if clitic_len(rest) > 0 {
                return i;
            }
            // O'Brien, d'Alema: apostrophe followed by a letter continues the word
            if rest.starts_with(|c: char| c.is_alphabetic()) && i - start <= 2 {
                ascii &= c.is_ascii();
                i = after;
                continue;
            }
            return i;
        }
        if c == '.' {
            let word = &text[start..i];
            // U.S., U.N., e.g.: single letters joined by periods
            // one char, or (only possible with a period inside) single letters and periods
            if word.chars().nth(1).is_none() || (has_period && is_dotted(word)) {
                let after = i + 1;
                if after < text.len() && bytes[after].is_ascii_alphabetic() {
                    let nc = next_char(text, after + 1);
                    if after + 1 >= text.len() || !nc.is_alphanumeric() {
                        has_period = true;
                        i = after; // continue: next letter joins, e.g. U.S
                        continue;
                    }
                }
                return i + 1;
            }
            // an ASCII word is looked up as written, without its folded offsets
            let fw = if ascii {
                word
            } else {
                &folded.as_str()[folded.to_folded(start)..folded.to_folded(i)]
            };
            if is_abbreviation(fw) {
                return i + 1;
            }
            return i;
        }
        break;
    }
    i
}

/// `U.S`, `e.g`: letters separated by single periods.
fn is_dotted(word: &str) -> bool {
    let mut n = 0;
    for part in word.split('.') {
        if part.chars().count() != 1 {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// The letter case of a token.
pub fn shape_of(s: &str) -> Shape {
    // one pass over the bytes for ASCII tokens (nearly all of them); the first non-ASCII
    // byte sends the token to the Unicode path
    if let Some(shape) = shape_of_ascii(s.as_bytes()) {
        return shape;
    }
    let mut upper = 0usize;
    let mut lower = 0usize;
    let mut first_upper = false;
    let mut lower_then_upper = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if upper + lower == 0 {
                first_upper = true;
            } else if lower > 0 {
                lower_then_upper = true;
            }
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    let mc = s.starts_with("Mc") || s.starts_with("Mac");
    classify(upper, lower, first_upper, lower_then_upper, mc)
}

/// The shape from letter counts: shared by [`shape_of`] and its ASCII fast path.
#[inline]
fn classify(
    upper: usize,
    lower: usize,
    first_upper: bool,
    lower_then_upper: bool,
    mc: bool,
) -> Shape {
    match (upper, lower) {
        (0, 0) => Shape::NoLetter,
        (0, _) => Shape::Lower,
        (u, 0) if u >= 2 => Shape::Upper,
        (_, 0) => Shape::Capitalized,
        _ if first_upper && (!lower_then_upper || mc) => Shape::Capitalized,
        _ => Shape::Mixed,
    }
}

/// [`shape_of`] for ASCII text, on bytes; `None` at the first non-ASCII byte.
#[inline]
fn shape_of_ascii(s: &[u8]) -> Option<Shape> {
    let mut case = CaseScan::default();
    for &b in s {
        if !b.is_ascii() {
            return None;
        }
        case.add(CLASS[b as usize]);
    }
    Some(case.shape(s))
}

fn is_closer(t: &str) -> bool {
    matches!(t, "\"" | "'" | "”" | "’" | ")" | "]" | "»" | "}")
}

/// Whether token `k` ends a sentence (before the closers [`sentence_end`] takes along).
#[inline]
fn ends_sentence(text: &str, folded: &Folded, tokens: &[Token], k: usize) -> bool {
    let t = &tokens[k];
    let mut end_here = false;
    // the text is sliced only for punctuation and for words that end in a period
    if t.kind == TokenKind::Punct {
        end_here = matches!(t.text(text), "." | "!" | "?" | "…");
    } else if t.kind == TokenKind::Word
        && t.span.len() > 1
        && text.as_bytes()[t.span.end - 1] == b'.'
    {
        // abbreviation: ends a sentence only when a final-type abbreviation (or a
        // dotted acronym such as U.S.) is followed by a capitalised common sentence start
        let fw = t.norm(folded).trim_end_matches('.');
        let finalish = FINAL_ABBREVIATIONS.contains(&fw) || is_dotted(fw);
        if finalish && let Some(n) = tokens.get(k + 1) {
            let ntext = n.text(text);
            end_here = n.shape == Shape::Capitalized
                && matches!(
                    n.norm(folded),
                    "the"
                        | "he"
                        | "she"
                        | "it"
                        | "they"
                        | "we"
                        | "i"
                        | "but"
                        | "this"
                        | "that"
                        | "in"
                        | "a"
                        | "an"
                        | "his"
                        | "her"
                        | "their"
                        | "its"
                )
                && !ntext.is_empty();
        }
    }
    end_here
}

/// Whether token `t` may end a sentence: [`ends_sentence`] is false for every other token.
/// [`tokenize`] works this out from the path each token takes; the tests check the two.
#[cfg(test)]
fn may_end_sentence(text: &str, t: &Token) -> bool {
    match t.kind {
        TokenKind::Punct => matches!(t.text(text), "." | "!" | "?" | "…"),
        TokenKind::Word => t.span.len() > 1 && text.as_bytes()[t.span.end - 1] == b'.',
        _ => false,
    }
}

/// One past the last token of a sentence that token `k` ends: closing quotes and brackets
/// and more terminal punctuation joined to it go along.
fn sentence_end(text: &str, tokens: &[Token], k: usize) -> usize {
    // take closing quotes and brackets along
    let mut last = k + 1;
    while last < tokens.len() && tokens[last].joined && is_closer(tokens[last].text(text)) {
        last += 1;
    }
    // more terminal punctuation ("?!", "...")
    while last < tokens.len()
        && tokens[last].joined
        && matches!(tokens[last].text(text), "." | "!" | "?")
    {
        last += 1;
    }
    last
}

#[inline]
fn push_sentence(tokens: &[Token], first: usize, last: usize, sentences: &mut Vec<Sentence>) {
    if last > first {
        sentences.push(Sentence {
            span: Span::new(tokens[first].span.start, tokens[last - 1].span.end),
            first,
            last,
        });
    }
}

/// Splits the tokens into sentences at the line breaks (`breaks_before`: the index of the
/// first token after each) and at the tokens that end one. Only the tokens in `candidates`
/// (ascending; every token for which [`may_end_sentence`] holds) are looked at, not all.
fn split_sentences(
    text: &str,
    folded: &Folded,
    tokens: &[Token],
    breaks_before: &[usize],
    candidates: &[usize],
    sentences: &mut Vec<Sentence>,
) {
    let mut first = 0;
    // tokens before `next` were taken along by an end (closers): their breaks and ends
    // are not looked at
    let mut next = 0;
    let (mut bi, mut ci) = (0, 0);
    loop {
        let b = breaks_before.get(bi).copied().unwrap_or(usize::MAX);
        let c = candidates.get(ci).copied().unwrap_or(usize::MAX);
        let k = b.min(c);
        if k >= tokens.len() {
            break;
        }
        // at one token, the line break before it counts first
        if b == k {
            bi += 1;
            if k >= next && k > first {
                push_sentence(tokens, first, k, sentences);
                first = k;
            }
            continue;
        }
        ci += 1;
        if k >= next && ends_sentence(text, folded, tokens, k) {
            let last = sentence_end(text, tokens, k);
            push_sentence(tokens, first, last, sentences);
            first = last;
            next = last;
        }
    }
    push_sentence(tokens, first, tokens.len(), sentences);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        t.iter().map(|t| t.text(text).to_string()).collect()
    }

    fn sents(text: &str) -> Vec<String> {
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        s.iter().map(|s| s.span.slice(text).to_string()).collect()
    }

    macro_rules! t {
        ($name:ident, $text:expr, [$($tok:expr),*]) => {
            #[test]
            fn $name() {
                assert_eq!(toks($text), vec![$($tok.to_string()),*]);
            }
        };
    }

    t!(
        plain,
        "Xi met Lukashenko.",
        ["Xi", "met", "Lukashenko", "."]
    );
    t!(
        possessive,
        "Lukashenko’s visit",
        ["Lukashenko", "’s", "visit"]
    );
    t!(negation, "He didn't go", ["He", "did", "n't", "go"]);
    t!(
        abbreviations,
        "Feb. 24 in the U.S. with Mr. Smith",
        ["Feb.", "24", "in", "the", "U.S.", "with", "Mr.", "Smith"]
    );
    t!(
        hyphens,
        "a three-day visit",
        ["a", "three", "-", "day", "visit"]
    );
    t!(
        numbers,
        "1,000 people, 3.5%, 12-point",
        ["1,000", "people", ",", "3.5", "%", ",", "12", "-", "point"]
    );
    t!(
        quotes,
        "a “political solution”",
        ["a", "“", "political", "solution", "”"]
    );
    t!(obrien, "O'Brien said", ["O'Brien", "said"]);
    t!(
        dateline,
        "Beijing, Feb 28 (EFE).-",
        ["Beijing", ",", "Feb", "28", "(", "EFE", ")", ".", "-"]
    );
    t!(decade, "the 1990s", ["the", "1990s"]);
    t!(initials, "J. R. R. Tolkien", ["J.", "R.", "R.", "Tolkien"]);
    t!(
        abbreviations_in_capitals_and_with_marks,
        "MR. Xi, Gén. Li and Génx. Wu",
        ["MR.", "Xi", ",", "Gén.", "Li", "and", "Génx", ".", "Wu"]
    );

    #[test]
    fn shapes() {
        assert_eq!(shape_of("Minsk"), Shape::Capitalized);
        assert_eq!(shape_of("SCO"), Shape::Upper);
        assert_eq!(shape_of("U.S."), Shape::Upper);
        assert_eq!(shape_of("met"), Shape::Lower);
        assert_eq!(shape_of("iPhone"), Shape::Mixed);
        assert_eq!(shape_of("McDonald"), Shape::Capitalized);
        assert_eq!(shape_of("2023"), Shape::NoLetter);
        assert_eq!(shape_of("A"), Shape::Capitalized);
    }

    #[test]
    fn sentences_respect_abbreviations_and_lines() {
        assert_eq!(
            sents("Mr. Xi met Gov. Smith on Feb. 24. They talked!\nHeadline here"),
            vec![
                "Mr. Xi met Gov. Smith on Feb. 24.",
                "They talked!",
                "Headline here"
            ]
        );
        assert_eq!(
            sents("He said “it is over.” Then he left."),
            vec!["He said “it is over.”", "Then he left."]
        );
        assert_eq!(
            sents("He lives in the U.S. He left."),
            vec!["He lives in the U.S.", "He left."]
        );
        assert_eq!(sents("The U.S. Army said"), vec!["The U.S. Army said"]);
    }

    /// The tokenizer's main loop without the ASCII fast paths: every token through
    /// `next_char`, [`scan_other`] and [`shape_of`].
    fn tokenize_reference(text: &str, folded: &Folded) -> (Vec<Token>, Vec<Sentence>) {
        let mut tokens = Vec::new();
        let mut sentences = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut joined = false;
        let mut breaks_before: Vec<usize> = Vec::new();
        while i < text.len() {
            let b = bytes[i];
            if b.is_ascii_whitespace() {
                if (b == b'\n' || b == b'\r') && breaks_before.last() != Some(&tokens.len()) {
                    breaks_before.push(tokens.len());
                }
                joined = false;
                i += 1;
                continue;
            }
            let c = next_char(text, i);
            if c.is_whitespace() {
                if c == '\u{2028}' || c == '\u{2029}' || c == '\u{0085}' {
                    breaks_before.push(tokens.len());
                }
                joined = false;
                i += c.len_utf8();
                continue;
            }
            let (end, kind) = scan_other(text, i, c, folded);
            tokens.push(Token {
                span: Span::new(i, end),
                fold: Span::new(folded.to_folded(i), folded.to_folded(end)),
                kind,
                shape: shape_of(&text[i..end]),
                joined,
                word: 0,
            });
            joined = true;
            i = end;
        }
        for k in 0..tokens.len() {
            assert_eq!(
                may_end_sentence(text, &tokens[k]),
                may_end_sentence(text, &tokens[k]) || ends_sentence(text, folded, &tokens, k),
                "a token that ends a sentence is a candidate"
            );
        }
        split_sentences_reference(text, folded, &tokens, &breaks_before, &mut sentences);
        (tokens, sentences)
    }

    /// The sentence split before it looked only at candidates: every token in turn.
    fn split_sentences_reference(
        text: &str,
        folded: &Folded,
        tokens: &[Token],
        breaks_before: &[usize],
        sentences: &mut Vec<Sentence>,
    ) {
        let mut first = 0;
        let mut bi = 0;
        let mut k = 0;
        while k < tokens.len() {
            while bi < breaks_before.len() && breaks_before[bi] < k {
                bi += 1;
            }
            if bi < breaks_before.len() && breaks_before[bi] == k && k > first {
                push_sentence(tokens, first, k, sentences);
                first = k;
            }
            if ends_sentence(text, folded, tokens, k) {
                let last = sentence_end(text, tokens, k);
                push_sentence(tokens, first, last, sentences);
                first = last;
                k = last;
                continue;
            }
            k += 1;
        }
        push_sentence(tokens, first, tokens.len(), sentences);
    }

    /// Pieces of news-like text that exercise every path: ASCII words and their cases,
    /// abbreviations, clitics, numbers, non-ASCII letters, digits and spaces, symbols.
    const PIECES: &[&str] = &[
        "a", "Z", "met", "Xi", "SCO", "iPhone", "McDonald", "MacLeod", "Mc", "x1", "A1b", "É", "é",
        "ö", "ß", "İ", "ǅ", "Ω", "中", "😀", "’", "'", "‘", "ʼ", "'s", "’s", "n't", "N'T", "'re",
        "O'", ".", "..", "U.S.", "e.g.", "Mr.", "mr.", "Feb.", "Inc.", "Co.", "J.", "1", "9",
        "1990", "3.5", ",", "1,000", "2nd", "5pm", "²", "٣", "Ⅻ", "-", "—", "–", "!", "?", "…",
        "\"", "“", "”", "«", "(", ")", "%", "$", "€", "\u{AD}", " ", "  ", "\n", "\r\n", "\t",
        "\u{0B}", "\u{0C}", "\u{2028}", "\u{2029}", "\u{85}", "\u{A0}", "\u{3000}", "\u{1}",
        "\u{7F}", "The", "He", "the", "it", "Léa", "São",
    ];

    fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
    }

    fn check_against_reference(text: &str) {
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        let (rt, rs) = tokenize_reference(text, &f);
        assert_eq!(t, rt, "tokens of {text:?}");
        assert_eq!(s, rs, "sentences of {text:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_paths_match_the_general_path_on_pieces(text in pieces()) {
            check_against_reference(&text);
        }

        #[test]
        fn fast_paths_match_the_general_path_on_any_text(text in "\\PC{0,80}") {
            check_against_reference(&text);
        }

        #[test]
        fn fast_paths_match_the_general_path_on_ascii(
            text in "[a-zA-Z0-9 .,'\\n\\t!?()-]{0,80}"
        ) {
            check_against_reference(&text);
        }

        #[test]
        fn abbreviation_keys_match_the_list(word in "[a-zA-Z.]{0,9}") {
            let folded = crate::text::fold_str(&word);
            proptest::prop_assert_eq!(is_abbreviation(&word), ABBREVIATIONS.contains(&folded.as_str()));
        }

        #[test]
        fn abbreviations_as_written_match_their_fold(
            word in proptest::sample::select(ABBREVIATIONS),
            upper in proptest::collection::vec(proptest::prelude::any::<bool>(), 7),
            tail in "[a-zA-Z0-9'.]{0,2}",
        ) {
            // an abbreviation in any case, or a longer word
            let written: String = word
                .chars()
                .zip(&upper)
                .map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c })
                .chain(tail.chars())
                .collect();
            let folded = crate::text::fold_str(&written);
            proptest::prop_assert_eq!(is_abbreviation(&written), is_abbreviation(&folded));
            proptest::prop_assert_eq!(is_abbreviation(&written), ABBREVIATIONS.contains(&folded.as_str()));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn alnum_run_matches_a_byte_scan(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<u8>(),
                    proptest::prelude::any::<u8>(),
                    b'0'..=b'z',
                    b'a'..=b'z',
                    b'A'..=b'Z',
                ],
                0..40,
            ),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let mut j = from;
            while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
                j += 1;
            }
            let upper = bytes[from..j].iter().any(|b| b.is_ascii_uppercase());
            proptest::prop_assert_eq!(ascii_alnum_run(&bytes, from), (j, upper));
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_word_shape_matches_shape_of(word in "[A-Za-z0-9]{1,12}") {
            proptest::prop_assert_eq!(ascii_word_shape(word.as_bytes()), shape_of(&word));
        }
    }

    /// [`clitic_len`] as it was: the word after the apostrophe, looked up in the list.
    fn clitic_len_reference(rest: &str) -> usize {
        let word_len = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        let w = &rest[..word_len];
        if [
            "s", "S", "t", "re", "ve", "ll", "d", "m", "RE", "VE", "LL", "D", "M", "T",
        ]
        .contains(&w)
        {
            word_len
        } else {
            0
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn clitic_len_matches_the_list(
            rest in "([sStTdDmMrRvVlLeE]{0,3}|re|ve|ll|RE|VE|LL|Re|rE)[ .,'’éß1a-z-]{0,2}"
        ) {
            proptest::prop_assert_eq!(clitic_len(&rest), clitic_len_reference(&rest));
        }
    }

    #[test]
    fn every_abbreviation_is_found() {
        for a in ABBREVIATIONS {
            assert!(is_abbreviation(a), "{a}");
        }
        assert!(!is_abbreviation("mrs."));
        assert!(!is_abbreviation(""));
        assert!(!is_abbreviation("approxim"));
    }

    #[test]
    fn spans_slice_input_and_fold_spans_match() {
        let text = "Łukaszenka’s “visit” to São Paulo — on Feb. 24.";
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        for tok in &t {
            let _ = tok.text(text);
            let n = tok.norm(&f);
            assert_eq!(n, crate::text::fold_str(tok.text(text)));
        }
    }
}
