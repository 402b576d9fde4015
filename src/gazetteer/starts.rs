//! Which lower-case words may start a form of the lower-case trie: a bit set over whole
//! words, asked before a walk is set up.
//!
//! A walk from a word `w` followed in the text by the byte `c` finds something only when
//! `w` is a form, or some form starts with `w` and `c` (the walk goes on past `w` only
//! through `c`). Most lower-case words of news text ("of", "the", "said") are neither,
//! and the lower-case trie's forms are a few hundred titles and particles ("foreign
//! minister", "de"): so the set of those forms and of their prefixes is small, and a word
//! and its next byte looked up in it turn away two lower-case words in three that the
//! trie's set of three-byte paths (`Trie::may_walk`) lets through (words that start with
//! "for", "com", "pre", real paths, but are no form and no form's first word): over the
//! news corpus 270,000 walks instead of 775,000. Each walk turned away is one
//! unpredictable branch and a few dozen instructions fewer.

use super::blob::{Decoded, Reader, Writer};
use crate::hash::{MASK16, sixteen_at};

/// The longest word the set answers for; longer ones are left to `Trie::may_walk`. (Its
/// prefix keys are one byte longer: sixteen bytes, one load.)
pub(crate) const LONGEST: usize = 15;

/// The forms of the lower-case trie (of 2 to [`LONGEST`] bytes) and the prefixes of 3 to
/// `LONGEST + 1` bytes of all its forms, as bits: a word of 2 to `LONGEST` bytes picks a
/// word of the bits by a hash of its bytes, and in it the bit that says "a form" and a
/// bit for each byte after it that says "a prefix of a form" (a prefix is its word but
/// for its last byte, and that byte). A bit clear is a pair not in the set; both a word's
/// bits are read in one load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WordStarts {
    bits: Vec<u64>,
    /// 64 minus the log2 of the number of words of bits: a hash's top bits index it.
    shift: u32,
}

/// The "byte" after a word that stands for "the word is a form" (no byte is 256).
const FORM: u32 = 256;

impl WordStarts {
    /// The set of `forms` (the lower-case trie's).
    pub(crate) fn new<'a>(forms: impl Iterator<Item = &'a [u8]>) -> WordStarts {
        // (word, what follows it): each form, and each prefix but for its last byte
        let mut pairs = Vec::new();
        for f in forms {
            let mut head = [0; 16];
            let n = f.len().min(16);
            head[..n].copy_from_slice(&f[..n]);
            if (2..=LONGEST).contains(&f.len()) {
                pairs.push((head, f.len(), FORM));
            }
            for len in 2..n {
                pairs.push((head, len, u32::from(head[len])));
            }
        }
        let mut keys: Vec<(u64, u32)> = pairs
            .into_iter()
            .map(|(head, len, after)| (hash(u128::from_le_bytes(head), len), after))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        // 32 bits a pair: a word not in the set finds its two bits clear 15 times in 16
        // (16 KB for the default gazetteer's 600 lower-case forms, in the first-level
        // cache)
        // (two words at least: a shift of 64 would overflow)
        let words = (keys.len() / 2).next_power_of_two().max(2);
        let mut set = WordStarts {
            bits: vec![0; words],
            shift: 64 - words.trailing_zeros(),
        };
        for (h, after) in keys {
            let i = set.word(h);
            set.bits[i] |= bit(h, after);
        }
        set
    }

    /// False when the word `hay[start..start + len]` (`len` from 2 to [`LONGEST`]) is no
    /// form of the set and no form starts with it and the byte after it (`hay[start +
    /// len]`, if any): then a walk from it finds nothing.
    #[inline]
    pub(crate) fn may_start(&self, hay: &[u8], start: usize, len: usize) -> bool {
        debug_assert!((2..=LONGEST).contains(&len));
        // sixteen bytes from the word's start (zeros past the text's end: no form's byte)
        let head = sixteen_at(hay, start);
        let h = hash(u128::from_le_bytes(head), len);
        self.bits[self.word(h)] & (bit(h, FORM) | bit(h, u32::from(head[len]))) != 0
    }

    /// The word of the bits of the word whose hash is `h`.
    #[inline]
    fn word(&self, h: u64) -> usize {
        (h >> self.shift) as usize
    }
    /// Writes the set for [`WordStarts::decode`].
    #[allow(dead_code)] // (the build script's and the tests')
    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u32(self.shift);
        w.u64s(&self.bits);
    }

    /// Reads a set [`WordStarts::encode`] wrote.
    ///
    /// # Errors
    /// Bytes cut short, or a shift that does not index the bits (a lookup could index
    /// out of range).
    pub(crate) fn decode(r: &mut Reader) -> Decoded<WordStarts> {
        let shift = r.u32("lower-case word starts")?;
        let bits = r.u64s("lower-case word starts")?;
        if !bits.len().is_power_of_two()
            || bits.len() < 2
            || shift != 64 - bits.len().trailing_zeros()
        {
            return Err(format!(
                "lower-case word starts: {} words and shift {shift}",
                bits.len()
            ));
        }
        Ok(WordStarts { bits, shift })
    }
}

/// The hash of the first `len` bytes (2 to 16) of `v` (sixteen bytes, little-endian):
/// its top bits pick the word of the bits, the ones below them a word's bits.
#[inline]
fn hash(v: u128, len: usize) -> u64 {
    // (a mask from a table: a shift of a 128-bit integer by a variable is a few
    // instructions and branches)
    let v = v & MASK16[len];
    let (lo, hi) = (v as u64, (v >> 64) as u64);
    // (the rotation moves the second half's bytes off the first's; the length tells
    // apart words that differ by zero bytes at the end)
    let key = lo ^ hi.rotate_left(29) ^ (len as u64) << 59;
    key.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The bit, in its word, of the word whose hash is `h` followed by `after` (a byte, or
/// [`FORM`]): bits 20 to 51 of the hash (below the word's index for up to 4,096 words)
/// mixed with `after`.
#[inline]
fn bit(h: u64, after: u32) -> u64 {
    1 << (((h >> 20) as u32 ^ after.wrapping_mul(0x9E37_79B1)) >> 26)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forms of a few letters, some long, and every word up to four letters of them
    /// (and of two letters no form has) with every next byte: a word the set turns away
    /// is no form and starts no form with its next byte.
    #[test]
    fn may_start_is_false_only_where_no_form_starts() {
        let mut next = crate::hash::xorshift(7);
        let alphabet = b"ab cdeoq";
        let mut forms: Vec<Vec<u8>> = (0..300)
            .map(|_| {
                // (one in eight longer than the set answers for)
                let longest = if next().is_multiple_of(8) { 20 } else { 5 };
                let n = 2 + next() as usize % longest;
                (0..n).map(|_| alphabet[next() as usize % 8]).collect()
            })
            .collect();
        forms.sort();
        forms.dedup();
        let set = WordStarts::new(forms.iter().map(Vec::as_slice));
        let letters: Vec<u8> = alphabet.iter().chain(b"xz").copied().collect();
        let mut words: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..4 {
            let longer: Vec<Vec<u8>> = words
                .iter()
                .flat_map(|w| letters.iter().map(move |&b| [w.as_slice(), &[b]].concat()))
                .collect();
            words.extend(longer);
        }
        // and the long forms' own heads
        for f in &forms {
            for len in 2..=f.len().min(LONGEST) {
                words.push(f[..len].to_vec());
            }
        }
        words.retain(|w| w.len() >= 2);
        let (mut rejected, mut asked) = (0, 0);
        for w in &words {
            for after in [None, Some(b' '), Some(b'q'), Some(b'x')] {
                // the word somewhere in a text, at its end or before more bytes
                for tail in [&b""[..], b"ab", b"q cdeoqab cdeo"] {
                    let mut hay = b"o ".to_vec();
                    hay.extend_from_slice(w);
                    if let Some(b) = after {
                        hay.push(b);
                        hay.extend_from_slice(tail);
                    }
                    asked += 1;
                    if !set.may_start(&hay, 2, w.len()) {
                        rejected += 1;
                        let starts = |f: &Vec<u8>| match after {
                            Some(b) => f.starts_with(w) && f.get(w.len()) == Some(&b),
                            None => false,
                        };
                        assert!(
                            !forms.iter().any(|f| f == w || starts(f)),
                            "{:?} then {after:?}",
                            String::from_utf8_lossy(w)
                        );
                    }
                }
            }
        }
        // it turns most away ('x' and 'z' are in no form)
        assert!(rejected > asked / 2, "{rejected} of {asked}");
    }
}
