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
    // (on the stack: an allocation per document cost more than the tokens)
    let mut toks = Toks::default();
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
        if let Some(mut dl) = parse_line(line, start, &mut toks) {
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
/// (the `fold` over a fixed-size block compiles to one vector compare), then the block
/// that has the line break is searched byte by byte.
fn find_newline(b: &[u8]) -> Option<usize> {
    let mut blocks = b.chunks_exact(16);
    let mut at = 0;
    for block in &mut blocks {
        let block: &[u8; 16] = block.try_into().expect("16 bytes");
        if block.iter().fold(false, |found, &c| found | (c == b'\n')) {
            break;
        }
        at += 16;
    }
    b[at..].iter().position(|&c| c == b'\n').map(|p| at + p)
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

#[derive(Clone, Copy, Default)]
struct Tok<'a> {
    s: &'a str,
    start: usize,
    end: usize,
}

/// The most tokens of a line [`parse_line`] reads.
const MAX_TOKS: usize = 24;

/// The tokens of one line, at most [`MAX_TOKS`].
#[derive(Default)]
struct Toks<'a> {
    toks: [Tok<'a>; MAX_TOKS],
    len: usize,
}

impl<'a> Toks<'a> {
    fn as_slice(&self) -> &[Tok<'a>] {
        &self.toks[..self.len]
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

fn line_tokens<'a>(line: &'a str, base: usize, out: &mut Toks<'a>) {
    let mut i = 0;
    let mut lower = 0;
    let b = line.as_bytes();
    out.len = 0;
    while i < b.len() && out.len < MAX_TOKS {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        // a dateline has no lower-case words before its date: stop at the second
        if c.is_ascii_lowercase() {
            lower += 1;
            if lower >= 2 {
                break;
            }
        }
        if WORD_BYTE[usize::from(c)] {
            i += 1;
            while i < b.len() && WORD_BYTE[usize::from(b[i])] {
                i += 1;
            }
        } else {
            i += 1;
            // stay on char boundaries (a multi-byte punctuation char is consumed above)
            while i < b.len() && !line.is_char_boundary(i) {
                i += 1;
            }
        }
        out.toks[out.len] = Tok {
            s: &line[start..i],
            start: base + start,
            end: base + i,
        };
        out.len += 1;
    }
}

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

fn ends_dateline(t: Option<&Tok<'_>>) -> bool {
    match t {
        None => false,
        Some(t) => matches!(t.s, "(" | "-" | "\u{2014}" | "\u{2013}" | ":" | "/" | "_"),
    }
}

fn parse_line<'a>(line: &'a str, base: usize, buf: &mut Toks<'a>) -> Option<Dateline> {
    line_tokens(line, base, buf);
    let toks = buf.as_slice();
    for k in 0..toks.len().min(12) {
        if k > 0 && !is_place_word(toks[k - 1].s) {
            return None;
        }
        let t = toks[k];
        // Month Day[, Year]
        if let Some(month) = month_name(t.s) {
            let mut j = k + 1;
            if toks.get(j).is_some_and(|t| t.s == ".") {
                j += 1;
            }
            let day = toks.get(j).and_then(|t| num(t.s, 2))?;
            let mut end = toks[j].end;
            j += 1;
            let mut year = None;
            if toks.get(j).is_some_and(|t| t.s == ",")
                && let Some(y) = toks.get(j + 1).and_then(|t| num(t.s, 4))
                && (1800..=2200).contains(&y)
            {
                year = Some(y as i32);
                end = toks[j + 1].end;
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
            if toks.get(k + 1).is_some_and(|t| t.s == "-")
                && toks.get(k + 3).is_some_and(|t| t.s == "-")
                && let (Some(m), Some(d)) = (
                    toks.get(k + 2).and_then(|t| num(t.s, 2)),
                    toks.get(k + 4).and_then(|t| num(t.s, 2)),
                )
                && k > 0
                && let Some(date) = Date::new(y as i32, m as u8, d as u8)
            {
                return Some(Dateline {
                    span: Span::new(t.start, toks[k + 4].end),
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
