//! Text folding for matching: case, diacritics, typographic quotes and dashes, white space.
//!
//! Matching runs on a *folded* copy of the caller's text, and every match is mapped back to
//! the caller's byte offsets. Folding works one character at a time, so the mapping is
//! monotone: each folded byte knows the original byte offset of the character it came from.
//!
//! | original | folded |
//! | --- | --- |
//! | `A`–`Z`, other cased letters | lower case |
//! | `é`, `ö`, `ł`, `ß`, ... (Latin letters with marks) | `e`, `o`, `l`, `ss` |
//! | `’` `‘` `‛` `′` `` ` `` | `'` |
//! | `“` `”` `„` `″` `«` `»` | `"` |
//! | `‐` `‑` `‒` `–` `—` `―` `−` | `-` |
//! | any white space (tab, new line, no-break space) | one space per character |
//!
//! For pure ASCII input the folded text is the lower-cased input and no offset map is built.

/// The folded view of a text with the maps between folded and original byte offsets.
#[derive(Clone, Debug, Default)]
pub struct Folded {
    text: String,
    /// The non-ASCII characters of the original text and their folds, in text order; empty
    /// when the text is ASCII and the fold is byte for byte.
    ///
    /// An ASCII byte folds to one byte, so between two of these characters the folded
    /// offsets are the original ones less a constant: the maps are kept as these points, not
    /// as two offsets per byte (news text is 93% ASCII even in a text with a typographic
    /// quote, and a map per byte was most of [`Folded::refold`] and 8 bytes per text byte).
    wide: Vec<Wide>,
}

/// A non-ASCII character of a folded text: where it is in the original and in the fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Wide {
    /// Original byte range of the character.
    orig: u32,
    orig_end: u32,
    /// Folded byte range of its fold (never empty).
    fold: u32,
    fold_end: u32,
}

impl Wide {
    /// The folded offset of original offset `j`, for `j` at or after this character and
    /// before the next one: inside it, the start of its fold.
    #[inline]
    fn folded_at(&self, j: usize) -> usize {
        if j < self.orig_end as usize {
            self.fold as usize
        } else {
            j - self.orig_end as usize + self.fold_end as usize
        }
    }

    /// The original offset of folded offset `i`, for `i` at or after this character's fold
    /// and before the next one's: inside the fold, the start of the character.
    #[inline]
    fn original_at(&self, i: usize) -> usize {
        if i < self.fold_end as usize {
            self.orig as usize
        } else {
            i - self.fold_end as usize + self.orig_end as usize
        }
    }
}

impl Folded {
    /// Folds `text`.
    pub fn new(text: &str) -> Folded {
        let mut f = Folded::default();
        f.refold(text);
        f
    }

    /// Folds `text` into this value, reusing its buffers.
    pub fn refold(&mut self, text: &str) {
        self.text.clear();
        self.wide.clear();
        let mut out = std::mem::take(&mut self.text).into_bytes();
        if text.is_ascii() {
            // one pass over bytes, no per-character push (the compiler vectorises it)
            out.extend(text.bytes().map(fold_ascii));
            self.text = String::from_utf8(out).expect("ASCII folds to ASCII");
            return;
        }
        let bytes = text.as_bytes();
        out.reserve(text.len() + 16);
        let mut scratch = String::new();
        let mut i = 0;
        while i < bytes.len() {
            // a run of ASCII bytes (most of a non-ASCII text): one byte in, one byte out,
            // handled in bulk
            let run = ascii_run(&bytes[i..]);
            if run > 0 {
                out.extend(bytes[i..i + run].iter().map(|&b| fold_ascii(b)));
                i += run;
                if i == bytes.len() {
                    break;
                }
            }
            // one non-ASCII character
            let c = text[i..].chars().next().expect("a char starts here");
            let fstart = out.len();
            scratch.clear();
            fold_char(c, &mut scratch);
            out.extend_from_slice(scratch.as_bytes());
            self.wide.push(Wide {
                orig: i as u32,
                orig_end: (i + c.len_utf8()) as u32,
                fold: fstart as u32,
                fold_end: out.len() as u32,
            });
            i += c.len_utf8();
        }
        self.text = String::from_utf8(out).expect("folds of chars are UTF-8");
    }

    /// The non-ASCII characters of the original text, in order (see [`Folded::to_folded`]).
    #[inline]
    pub(crate) fn wide(&self) -> &[Wide] {
        &self.wide
    }

    /// The folded text.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The original byte offset of folded offset `i` (a folded char boundary, or the end).
    #[inline]
    pub fn to_original(&self, i: usize) -> usize {
        // the last non-ASCII character whose fold starts at or before `i`
        match self.wide.partition_point(|w| w.fold as usize <= i) {
            0 => i,
            k => self.wide[k - 1].original_at(i),
        }
    }

    /// The folded byte offset of original offset `j` (an original char boundary, or the end).
    #[inline]
    pub fn to_folded(&self, j: usize) -> usize {
        // the last non-ASCII character that starts at or before `j`
        match self.wide.partition_point(|w| w.orig as usize <= j) {
            0 => j,
            k => self.wide[k - 1].folded_at(j),
        }
    }
}

/// [`Folded::to_folded`] for offsets that never decrease (a scan of the text from start to
/// end): it steps over the non-ASCII characters instead of searching for them, and an
/// offset in the ASCII stretch before the next one costs a compare and a subtraction.
#[derive(Clone, Debug)]
pub(crate) struct FoldCursor<'f> {
    /// The non-ASCII characters not yet passed.
    ahead: &'f [Wide],
    /// The original offset of the first of `ahead` (`usize::MAX` when none): offsets
    /// before it fold to themselves less `shift`.
    limit: usize,
    /// Original less folded offset after the characters passed.
    shift: usize,
}

impl<'f> FoldCursor<'f> {
    /// A cursor at the start of `folded`.
    #[inline]
    pub(crate) fn new(folded: &'f Folded) -> FoldCursor<'f> {
        let mut c = FoldCursor {
            ahead: folded.wide(),
            limit: 0,
            shift: 0,
        };
        c.set_limit();
        c
    }

    #[inline]
    fn set_limit(&mut self) {
        self.limit = self.ahead.first().map_or(usize::MAX, |w| w.orig as usize);
    }

    /// The folded range of original range `start..end` (char boundaries), which starts at
    /// or after the end of the last range asked for.
    #[inline]
    pub(crate) fn span(&mut self, start: usize, end: usize) -> (usize, usize) {
        if end <= self.limit {
            // in the ASCII stretch before the next non-ASCII character (nearly every token)
            (start.wrapping_sub(self.shift), end.wrapping_sub(self.shift))
        } else {
            let s = self.folded(start);
            (s, self.folded(end))
        }
    }

    /// The folded offset of `j` (a char boundary, or the end), which is not before the last
    /// offset asked for.
    #[inline(never)]
    pub(crate) fn folded(&mut self, j: usize) -> usize {
        // step over the characters that end at or before `j`
        while let Some((w, rest)) = self.ahead.split_first()
            && w.orig_end as usize <= j
        {
            // (a fold can be longer than its character, `İ` to `i̇`: the shift may be
            // "negative", and wraps)
            self.shift = (w.orig_end as usize).wrapping_sub(w.fold_end as usize);
            self.ahead = rest;
        }
        self.set_limit();
        match self.ahead.first() {
            // `j` inside the next character (not a char boundary): its fold's start
            Some(w) if w.orig as usize <= j => w.folded_at(j),
            _ => j.wrapping_sub(self.shift),
        }
    }
}

/// The length of the run of ASCII bytes that starts `bytes`, eight bytes at a time: in
/// news text the runs between non-ASCII quotes, dashes and letters are long, and a test
/// per byte was a third of [`Folded::refold`].
#[inline]
fn ascii_run(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0;
    for chunk in chunks.by_ref() {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // the high bits of the non-ASCII bytes; the lowest one is the first in the text
        let high = x & 0x8080_8080_8080_8080;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    let tail = chunks.remainder();
    n + tail
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(tail.len())
}

/// The fold of an ASCII byte: white space to a space, letters to lower case.
#[inline]
fn fold_ascii(b: u8) -> u8 {
    if b.is_ascii_whitespace() {
        b' '
    } else {
        b.to_ascii_lowercase()
    }
}

/// Folds a string on its own (used for gazetteer names and rule words).
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Appends the folded form of `c` to `out`.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(if c.is_ascii_whitespace() {
            ' '
        } else {
            c.to_ascii_lowercase()
        });
        return;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{02BB}' => {
            out.push('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => {
            out.push('"')
        }
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => out.push('-'),
        '\u{00DF}' => out.push_str("ss"),
        '\u{00C6}' | '\u{00E6}' => out.push_str("ae"),
        '\u{0152}' | '\u{0153}' => out.push_str("oe"),
        '\u{00DE}' | '\u{00FE}' => out.push_str("th"),
        c if c.is_whitespace() => out.push(' '),
        c => match strip_mark(c) {
            Some(b) => out.push(b),
            None => {
                for l in c.to_lowercase() {
                    out.push(l);
                }
            }
        },
    }
}

/// The unmarked lower-case ASCII letter of a Latin letter with diacritics.
fn strip_mark(c: char) -> Option<char> {
    let lower = c.to_lowercase().next()?;
    let base =
        match lower {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' | 'ạ' | 'ả' | 'ấ' | 'ầ'
            | 'ậ' => 'a',
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
            'ď' | 'đ' | 'ð' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'ế' | 'ề' | 'ệ' => {
                'e'
            }
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
            'ĥ' | 'ħ' => 'h',
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' | 'ị' => 'i',
            'ĵ' => 'j',
            'ķ' => 'k',
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
            'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' | 'ọ' | 'ố' | 'ồ' | 'ộ'
            | 'ơ' => 'o',
            'ŕ' | 'ŗ' | 'ř' => 'r',
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
            'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' | 'ư' | 'ụ' => {
                'u'
            }
            'ŵ' => 'w',
            'ý' | 'ÿ' | 'ŷ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            _ => return None,
        };
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_lowercased_without_map() {
        let f = Folded::new("Xi MET\tLukashenko");
        assert_eq!(f.as_str(), "xi met lukashenko");
        assert_eq!(f.to_original(3), 3);
    }

    #[test]
    fn quotes_dashes_and_marks_fold() {
        let text = "Lukashenko’s “visit” — São Paulo, Łódź, Straße";
        let f = Folded::new(text);
        assert_eq!(
            f.as_str(),
            "lukashenko's \"visit\" - sao paulo, lodz, strasse"
        );
    }

    #[test]
    fn offsets_map_both_ways() {
        let text = "Über São Paulo";
        let f = Folded::new(text);
        let folded = f.as_str();
        let fs = folded.find("sao paulo").unwrap();
        let fe = fs + "sao paulo".len();
        let (os, oe) = (f.to_original(fs), f.to_original(fe));
        assert_eq!(&text[os..oe], "São Paulo");
        assert_eq!(f.to_folded(os), fs);
        assert_eq!(f.to_folded(text.len()), folded.len());
    }

    /// The fold one character at a time, with its maps one entry per byte, as [`Folded`]
    /// kept them before it kept only its non-ASCII characters: (text, folded offset to
    /// original, original offset to folded).
    fn refold_reference(text: &str) -> (String, Vec<u32>, Vec<u32>) {
        let mut out = String::new();
        let mut to_orig = Vec::new();
        let mut to_fold = vec![0u32; text.len() + 1];
        for (i, c) in text.char_indices() {
            let fstart = out.len();
            fold_char(c, &mut out);
            for _ in fstart..out.len() {
                to_orig.push(i as u32);
            }
            to_fold[i..i + c.len_utf8()].fill(fstart as u32);
        }
        to_orig.push(text.len() as u32);
        to_fold[text.len()] = out.len() as u32;
        (out, to_orig, to_fold)
    }

    fn check_against_reference(text: &str) {
        let mut f = Folded::new("stale Überbleibsel");
        f.refold(text);
        let (t, o, j) = refold_reference(text);
        assert_eq!(f.as_str(), t);
        // an ASCII text folds byte for byte, with nothing kept for the maps
        assert_eq!(f.wide.is_empty(), text.is_ascii());
        for (i, &want) in o.iter().enumerate() {
            assert_eq!(
                f.to_original(i),
                want as usize,
                "to_original({i}) of {text:?}"
            );
        }
        for (k, &want) in j.iter().enumerate() {
            assert_eq!(f.to_folded(k), want as usize, "to_folded({k}) of {text:?}");
        }
        // the cursor, over every char boundary in order and over tokens' ranges
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut cursor = FoldCursor::new(&f);
        for &b in &bounds {
            assert_eq!(cursor.folded(b), j[b] as usize, "cursor at {b} of {text:?}");
        }
        for step in 1..4 {
            let mut cursor = FoldCursor::new(&f);
            for pair in bounds.chunks_exact(step + 1) {
                let (s, e) = (pair[0], pair[step]);
                let want = (j[s] as usize, j[e] as usize);
                assert_eq!(cursor.span(s, e), want, "span {s}..{e} of {text:?}");
            }
        }
    }

    #[test]
    fn refold_matches_the_reference() {
        for text in [
            "",
            "a",
            "é",
            "Über São Paulo",
            "Große Straße\u{2028}ÆON — “x” \t\n",
            "abc😀DEF中\u{A0}ǅİ",
            "ends in é",
            "é starts",
        ] {
            check_against_reference(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn refold_matches_the_reference_on_any_text(text in "\\PC{0,80}") {
            check_against_reference(&text);
        }

        #[test]
        fn refold_matches_the_reference_on_mostly_ascii(
            text in "([a-zA-Z .\\n\\t]{0,12}[ÉéßŁł’“—\u{A0}\u{2028}İ😀中]?){0,8}"
        ) {
            check_against_reference(&text);
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_run_stops_at_the_first_non_ascii_byte(
            text in "[a-z\n]{0,20}[é—😀]?[a-z]{0,20}",
            from in 0usize..4,
        ) {
            let bytes = &text.as_bytes()[from.min(text.len())..];
            let want = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(ascii_run(bytes), want);
        }
    }

    #[test]
    fn expansions_keep_boundaries() {
        let text = "Große Straße";
        let f = Folded::new(text);
        assert_eq!(f.as_str(), "grosse strasse");
        let s = f.as_str().find("strasse").unwrap();
        assert_eq!(
            &text[f.to_original(s)..f.to_original(f.as_str().len())],
            "Straße"
        );
    }
}
