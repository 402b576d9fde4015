//! The document date from a dateline at the start of a news text.

use super::Date;
use crate::span::Span;

/// The date of a dateline: "Beijing, Feb 28 (EFE).-", "LONDON 1996-08-30",
/// "WASHINGTON, March 3 (Reuters) -".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dateline {
    /// Bytes of the date in the text ("Feb 28").
    pub span: Span,
    /// The year, when the dateline gives it or the text fixes it; `None` when unknown.
    pub year: Option<i32>,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
}

impl Dateline {
    /// The full date, when the year is known.
    pub fn date(&self) -> Option<Date> {
        Date::new(self.year?, self.month, self.day)
    }

    /// The TIMEX3 value: `2023-02-28`, or `XXXX-02-28` when the year is unknown.
    pub fn value(&self) -> String {
        match self.year {
            Some(y) => format!("{y:04}-{:02}-{:02}", self.month, self.day),
            None => format!("XXXX-{:02}-{:02}", self.month, self.day),
        }
    }
}

/// How far into the text a dateline may start.
const HEAD: usize = 600;
/// How many non-empty lines may precede it (section name, headline, byline).
const LINES: usize = 8;

/// Reads the date of a dateline in the first lines of `text`.
///
/// A dateline is a line that starts with a place (capitalised words and commas) followed
/// by a date — `Month Day[, Year]` or `YYYY-MM-DD` — and then an agency in brackets, a dash
/// or a colon (or the end of the line for an ISO date). When the dateline has no year, the
/// year is inferred only when the text fixes it: the first weekday named in the lead
/// paragraph is taken as the dateline's day, and the year is the first one, from the
/// latest year the text mentions, on which that month and day fall on that weekday.
/// Otherwise the year stays unknown.
pub fn dateline_date(text: &str) -> Option<Dateline> {
    let mut limit = text.len().min(HEAD);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let head = &text[..limit];
    let mut seen = 0;
    for (start, line) in lines(head) {
        let starts_right = match line.as_bytes().first() {
            // an ASCII first character that is not white space (the common case)
            Some(&c)
                if c.is_ascii() && !matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') =>
            {
                c.is_ascii_uppercase() || c.is_ascii_digit()
            }
            _ => {
                if line.trim().is_empty() {
                    continue;
                }
                line.trim_start()
                    .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            }
        };
        seen += 1;
        if seen > LINES {
            break;
        }
        // a dateline starts with a capitalised place or a date, and its day is in digits
        // (most lines before it have none: a headline, a section name)
        if !starts_right || !has_digit(line.as_bytes()) {
            continue;
        }
        if let Some(mut dl) = parse_line(&mut LineToks::new(line, start)) {
            if dl.year.is_none() {
                dl.year = infer_year(text, dl.span.end, dl.month, dl.day);
            }
            return Some(dl);
        }
    }
    None
}

/// The lines of `head` and their byte offsets, as `head.split('\n')` gives them.
///
/// The dateline is read once per document, so its code and branch history are cold at
/// every call: `split`'s byte-at-a-time search for the line break mispredicted about a
/// hundred branches a document. This one tests sixteen bytes with one branch.
fn lines(head: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut next = Some(0);
    std::iter::from_fn(move || {
        let start = next?;
        let rest = &head[start..];
        match find_newline(rest.as_bytes()) {
            Some(p) => {
                next = Some(start + p + 1);
                Some((start, &rest[..p]))
            }
            None => {
                next = None;
                Some((start, rest))
            }
        }
    })
}

/// The index of the first `\n` in `b`. Each block of sixteen bytes is tested as a whole
/// (the `fold` over a fixed-size block compiles to one vector compare); in the block that
/// has the line break, each half of eight bytes is tested as one integer
/// ([`first_newline_in`]); the last bytes, fewer than sixteen, one by one.
fn find_newline(b: &[u8]) -> Option<usize> {
    let mut blocks = b.chunks_exact(16);
    let mut at = 0;
    for block in &mut blocks {
        let block: &[u8; 16] = block.try_into().expect("16 bytes");
        if block.iter().fold(false, |found, &c| found | (c == b'\n')) {
            let (lo, hi) = block.split_at(8);
            let half = |h: &[u8]| u64::from_le_bytes(h.try_into().expect("8 bytes"));
            let p = first_newline_in(half(lo)).unwrap_or_else(|| {
                8 + first_newline_in(half(hi)).expect("the block has a line break")
            });
            return Some(at + p);
        }
        at += 16;
    }
    let rest = blocks.remainder();
    rest.iter().position(|&c| c == b'\n').map(|p| at + p)
}

/// The index of the first `\n` byte of eight bytes read as a little-endian integer: the
/// bytes equal to it are zero in `x ^ 0x0a0a...`, and the lowest zero byte is the lowest
/// whose top bit survives `(y - 0x0101...) & !y & 0x8080...` (the borrow that can set a
/// higher byte's top bit comes only from below it, from a zero byte).
fn first_newline_in(x: u64) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    let y = x ^ (ONES * u64::from(b'\n'));
    let zero = y.wrapping_sub(ONES) & !y & (ONES << 7);
    (zero != 0).then(|| zero.trailing_zeros() as usize / 8)
}

/// True when `b` has an ASCII digit. Each block of sixteen bytes is tested as a whole,
/// as in [`find_newline`].
fn has_digit(b: &[u8]) -> bool {
    let mut blocks = b.chunks_exact(16);
    for block in &mut blocks {
        let block: &[u8; 16] = block.try_into().expect("16 bytes");
        if block
            .iter()
            .fold(false, |found, c| found | c.is_ascii_digit())
        {
            return true;
        }
    }
    blocks.remainder().iter().any(u8::is_ascii_digit)
}

/// A token of a line: its text and its bytes in the document.
#[derive(Clone, Copy)]
struct Tok<'a> {
    s: &'a str,
    start: usize,
    end: usize,
}

/// The most tokens of a line [`parse_line`] reads.
const MAX_TOKS: usize = 24;

/// The tokens of one line, read as [`parse_line`] asks for them.
///
/// Most lines are decided by their first three tokens (a lower-case word after the first
/// ends a dateline's place), so the line is cut into tokens only as far as the parse
/// reads: [`LineToks::get`] gives the `k`-th token of the line as a cut of the whole line
/// would, at most [`MAX_TOKS`] of them and none from the second lower-case word on.
struct LineToks<'a> {
    line: &'a str,
    /// The line's byte offset in the text.
    base: usize,
    /// Where the next token is looked for.
    at: usize,
    /// The lower-case words seen so far.
    lower: u8,
    /// True when the line has no more tokens.
    done: bool,
    /// The bytes of the tokens cut so far, in the line (a line is under [`HEAD`] bytes).
    toks: [(u16, u16); MAX_TOKS],
    len: usize,
}

impl<'a> LineToks<'a> {
    fn new(line: &'a str, base: usize) -> LineToks<'a> {
        debug_assert!(line.len() <= HEAD && HEAD <= usize::from(u16::MAX));
        LineToks {
            line,
            base,
            at: 0,
            lower: 0,
            done: false,
            toks: [(0, 0); MAX_TOKS],
            len: 0,
        }
    }

    /// The `k`-th token of the line, if it has one.
    fn get(&mut self, k: usize) -> Option<Tok<'a>> {
        while self.len <= k && !self.done {
            self.cut_next();
        }
        let (start, end) = *self.toks[..self.len].get(k)?;
        let (start, end) = (usize::from(start), usize::from(end));
        Some(Tok {
            s: &self.line[start..end],
            start: self.base + start,
            end: self.base + end,
        })
    }

    /// Cuts the next token: a run of [`WORD_BYTE`]s, or one other character; white space
    /// separates tokens. A dateline has no lower-case word before its date: the line ends
    /// at the second.
    fn cut_next(&mut self) {
        let b = self.line.as_bytes();
        let mut i = self.at;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() || self.len == MAX_TOKS {
            self.done = true;
            return;
        }
        let c = b[i];
        if c.is_ascii_lowercase() {
            self.lower += 1;
            if self.lower >= 2 {
                self.done = true;
                return;
            }
        }
        let start = i;
        i += 1;
        if WORD_BYTE[usize::from(c)] {
            while i < b.len() && WORD_BYTE[usize::from(b[i])] {
                i += 1;
            }
        } else {
            // stay on char boundaries (a multi-byte punctuation char is consumed above)
            while i < b.len() && !self.line.is_char_boundary(i) {
                i += 1;
            }
        }
        // (both fit: the line is at most `HEAD` bytes)
        self.toks[self.len] = (start as u16, i as u16);
        self.len += 1;
        self.at = i;
    }
}

/// Bytes that continue a word token: ASCII letters and digits, and every byte of a
/// multi-byte character.
const WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b >= 0x80;
        c += 1;
    }
    t
};

/// The month of a month name or abbreviation, any case ("Feb", "MARCH").
fn month_name(w: &str) -> Option<u8> {
    let b = w.as_bytes();
    // (every month name starts with one of these letters)
    if b.len() < 3
        || b.len() > 9
        || !matches!(
            b[0] | 0x20,
            b'j' | b'f' | b'm' | b'a' | b's' | b'o' | b'n' | b'd'
        )
    {
        return None;
    }
    let mut buf = [0u8; 9];
    for (d, &c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    Some(match &buf[..b.len()] {
        b"january" | b"jan" => 1,
        b"february" | b"feb" => 2,
        b"march" | b"mar" => 3,
        b"april" | b"apr" => 4,
        b"may" => 5,
        b"june" | b"jun" => 6,
        b"july" | b"jul" => 7,
        b"august" | b"aug" => 8,
        b"september" | b"sep" | b"sept" => 9,
        b"october" | b"oct" => 10,
        b"november" | b"nov" => 11,
        b"december" | b"dec" => 12,
        _ => return None,
    })
}

#[inline]
fn num(s: &str, max_len: usize) -> Option<u32> {
    if !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    num_digits(s, max_len)
}

fn num_digits(s: &str, max_len: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_place_word(s: &str) -> bool {
    let c = s.chars().next().unwrap_or(' ');
    c.is_uppercase() || matches!(s, "," | "." | "'" | "-" | "/")
}

fn ends_dateline(t: Option<Tok<'_>>) -> bool {
    match t {
        None => false,
        Some(t) => matches!(t.s, "(" | "-" | "\u{2014}" | "\u{2013}" | ":" | "/" | "_"),
    }
}

/// The dateline of a line, if it is one: a place (capitalised words and punctuation, at
/// most eleven tokens), then `Month Day[, Year]` and an agency in brackets, a dash or a
/// colon, or `YYYY-MM-DD`.
fn parse_line(toks: &mut LineToks<'_>) -> Option<Dateline> {
    let mut prev: Option<Tok<'_>> = None;
    for k in 0..12 {
        // (every token before the date is a place's)
        if prev.is_some_and(|p| !is_place_word(p.s)) {
            return None;
        }
        let t = toks.get(k)?;
        prev = Some(t);
        // Month Day[, Year]
        if let Some(month) = month_name(t.s) {
            let mut j = k + 1;
            if toks.get(j).is_some_and(|t| t.s == ".") {
                j += 1;
            }
            let day_tok = toks.get(j)?;
            let day = num(day_tok.s, 2)?;
            let mut end = day_tok.end;
            j += 1;
            let mut year = None;
            if toks.get(j).is_some_and(|t| t.s == ",")
                && let Some(year_tok) = toks.get(j + 1)
                && let Some(y) = num(year_tok.s, 4)
                && (1800..=2200).contains(&y)
            {
                year = Some(y as i32);
                end = year_tok.end;
                j += 2;
            }
            if ends_dateline(toks.get(j))
                || (toks.get(j).is_some_and(|t| t.s == ".") && ends_dateline(toks.get(j + 1)))
            {
                if day == 0
                    || day > 31
                    || Date::new(year.unwrap_or(2000), month, day as u8).is_none()
                {
                    return None;
                }
                return Some(Dateline {
                    span: Span::new(t.start, end),
                    year,
                    month,
                    day: day as u8,
                });
            }
            return None;
        }
        // YYYY-MM-DD
        if let Some(y) = num(t.s, 4)
            && t.s.len() == 4
        {
            if k > 0
                && toks.get(k + 1).is_some_and(|t| t.s == "-")
                && toks.get(k + 3).is_some_and(|t| t.s == "-")
                && let Some(m) = toks.get(k + 2).and_then(|t| num(t.s, 2))
                && let Some(day_tok) = toks.get(k + 4)
                && let Some(d) = num(day_tok.s, 2)
                && let Some(date) = Date::new(y as i32, m as u8, d as u8)
            {
                return Some(Dateline {
                    span: Span::new(t.start, day_tok.end),
                    year: Some(date.year),
                    month: date.month,
                    day: date.day,
                });
            }
            return None;
        }
        if num(t.s, 9).is_some() {
            return None;
        }
    }
    None
}

/// The days of the week, folded, Monday first.
pub(crate) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn weekday_name(w: &str) -> Option<u8> {
    if w.len() < 6 || w.len() > 9 {
        return None;
    }
    WEEKDAYS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(w))
        .map(|p| p as u8)
}

fn infer_year(text: &str, after: usize, month: u8, day: u8) -> Option<i32> {
    // the weekday named in the lead paragraph (up to the first blank line, at most 1000 bytes)
    let mut end = text.len().min(after + 1000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let lead = text.get(after..end)?;
    let lead = match lead.find("\n\n") {
        Some(p) => &lead[..p],
        None => lead,
    };
    let weekday = lead
        .split(|c: char| !c.is_ascii_alphabetic())
        .find_map(weekday_name)?;
    // the latest year the text mentions
    let b = text.as_bytes();
    let mut latest: Option<i32> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let before_ok = s == 0 || !matches!(b[s - 1], b',' | b'.' | b'$');
            let after_ok = i == b.len()
                || !matches!(b[i], b',' | b'.')
                || i + 1 >= b.len()
                || !b[i + 1].is_ascii_digit();
            if i - s == 4 && before_ok && after_ok {
                let y: i32 = text[s..i].parse().unwrap_or(0);
                if (1900..=2100).contains(&y) {
                    latest = Some(latest.map_or(y, |l: i32| l.max(y)));
                }
            }
        } else {
            i += 1;
        }
    }
    let from = latest?;
    (from..=from + 11).find(|&y| Date::new(y, month, day).is_some_and(|d| d.weekday() == weekday))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_datelines() {
        let t = "Politics\n\nHeadline here\n\nBeijing, Feb 28 (EFE).- Belarussian President was on Tuesday set to arrive.\n\nIn January 2021, things happened.";
        let d = dateline_date(t).unwrap();
        assert_eq!(&t[d.span.start..d.span.end], "Feb 28");
        assert_eq!(d.year, Some(2023));
        assert_eq!(d.value(), "2023-02-28");

        let t = "WASHINGTON, March 3 (Reuters) - The talks went on.";
        let d = dateline_date(t).unwrap();
        assert_eq!((d.year, d.month, d.day), (None, 3, 3));
        assert_eq!(d.value(), "XXXX-03-03");

        let t = "LONDON 1996-08-30\nShares rose.";
        let d = dateline_date(t).unwrap();
        assert_eq!(d.date(), Date::new(1996, 8, 30));
    }

    #[test]
    fn find_newline_is_the_first_line_break() {
        // one or two breaks at every pair of places in three blocks and a tail, next to
        // bytes one above and below a line break (0x09, 0x0b) and 0x8a
        for n in 0..52 {
            for m in n..52 {
                let mut b: Vec<u8> = (0..52).map(|k| [b'x', 0x09, 0x0b, 0x8a][k % 4]).collect();
                b[m] = b'\n';
                b[n] = b'\n';
                assert_eq!(find_newline(&b), Some(n), "{n} {m}");
                assert_eq!(find_newline(&b[..n]), None, "{n}");
                assert_eq!(
                    find_newline(&b[n + 1..]),
                    (m > n).then(|| m - n - 1),
                    "{n} {m}"
                );
            }
        }
    }

    #[test]
    fn lines_are_those_of_split() {
        // line breaks at every position of a 16-byte block, runs of them, none, multi-byte
        // characters next to them
        let mut texts: Vec<String> = vec![String::new(), "\n".into(), "\n\n\n".into()];
        for n in 0..40 {
            let mut t = "x".repeat(n) + "\n" + &"é".repeat(n % 7) + "\nab";
            texts.push(t.clone());
            t.insert_str(n / 2, "\n\n");
            texts.push(t.clone());
            texts.push(t.replace('\n', ""));
        }
        for t in &texts {
            let mut offset = 0;
            let want: Vec<(usize, &str)> = t
                .split('\n')
                .map(|line| {
                    offset += line.len() + 1;
                    (offset - line.len() - 1, line)
                })
                .collect();
            assert_eq!(lines(t).collect::<Vec<_>>(), want, "{t:?}");
        }
    }

    /// The tokens a line gives when they are asked for one by one, out of order or all at
    /// once are those of one cut of the whole line.
    #[test]
    fn lazy_tokens_are_those_of_the_whole_line() {
        let lines = [
            "WASHINGTON, March 3 (Reuters) - The talks went on.",
            "  São Paulo , Feb. 28 — «x» é1 a b c",
            "one Two three four",
            "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z",
            "",
            "   ",
            "LONDON 1996-08-30",
        ];
        for line in lines {
            let base = 100;
            // all at once: past the last token first
            let mut all = LineToks::new(line, base);
            assert!(all.get(MAX_TOKS).is_none());
            let eager: Vec<(usize, usize, &str)> = (0..MAX_TOKS)
                .map_while(|k| all.get(k))
                .map(|t| (t.start, t.end, t.s))
                .collect();
            assert!(eager.len() <= MAX_TOKS);
            for (start, end, s) in &eager {
                assert_eq!(&line[start - base..end - base], *s, "{line:?}");
                assert!(!s.trim().is_empty(), "{line:?}");
            }
            // one by one, and backwards from a late token
            let mut lazy = LineToks::new(line, base);
            for (k, want) in eager.iter().enumerate() {
                let t = lazy.get(k).expect("the same tokens");
                assert_eq!((t.start, t.end, t.s), *want, "{line:?} {k}");
            }
            assert!(lazy.get(eager.len()).is_none());
            let mut back = LineToks::new(line, base);
            for k in (0..eager.len() + 2).rev() {
                let t = back.get(k).map(|t| (t.start, t.end, t.s));
                assert_eq!(t, eager.get(k).copied(), "{line:?} {k}");
            }
        }
        // the cut stops at the second lower-case word and after MAX_TOKS tokens
        let mut t = LineToks::new("one Two three four", 0);
        assert_eq!(t.get(1).map(|t| t.s), Some("Two"));
        assert!(t.get(2).is_none());
        let mut t = LineToks::new(lines[3], 0);
        assert_eq!(t.get(MAX_TOKS - 1).map(|t| t.s), Some("X"));
        assert!(t.get(MAX_TOKS).is_none());
    }

    #[test]
    fn datelines_at_their_lines() {
        // a dateline after the headline and section lines; an ISO date; a line with a
        // lower-case word before the date is no dateline
        let t = "Sport\nHeadline Of The Day\n\nNEW YORK, Sept. 4, 1996 (AP) - Shares";
        let d = dateline_date(t).unwrap();
        assert_eq!(&t[d.span.start..d.span.end], "Sept. 4, 1996");
        assert_eq!(d.date(), Date::new(1996, 9, 4));
        assert!(dateline_date("Rio de Janeiro, Feb 28 (EFE) - Rain").is_none());
        assert!(dateline_date("Shares in London, March 3 (Reuters) - fell").is_none());
        let t = "A\nB\nC\nD\nE\nF\nG\nH\nLONDON, March 3 - x";
        assert!(dateline_date(t).is_none(), "a ninth line");
        let t = "A\n\n \nB\nC\nD\nE\nF\nG\nLONDON, March 3 - x";
        assert_eq!(dateline_date(t).map(|d| (d.month, d.day)), Some((3, 3)));
        assert!(dateline_date("LONDON, March 32 - x").is_none());
        assert!(dateline_date("LONDON, Feb 29, 2023 - x").is_none());
        assert!(
            dateline_date("1996-08-30 LONDON").is_none(),
            "a date before the place"
        );
    }

    #[test]
    fn has_digit_is_any_digit() {
        // a digit (or a byte next to the digits) at every position of three blocks
        for n in 0..48 {
            for c in [b'0', b'9', b'/', b':', b'x'] {
                let mut b = vec![b'a'; n + 1 + n % 5];
                b[n] = c;
                let want = c.is_ascii_digit();
                assert_eq!(has_digit(&b), want, "{n} {c}");
                assert!(!has_digit(&b[..n]), "{n}");
            }
        }
    }

    #[test]
    fn no_dateline() {
        assert!(dateline_date("The president met his counterpart on Feb 28 in Minsk.").is_none());
        assert!(dateline_date("").is_none());
        assert!(dateline_date("é—ü (").is_none());
    }
}
