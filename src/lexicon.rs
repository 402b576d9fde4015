//! One word table for the stages: every word that some stage looks up a token's word for,
//! with what each stage needs to know of it.
//!
//! The time lexer (a word's temporal class), the recogniser (the word lists a word is on)
//! and the event rules' anchor test (whether a word is an anchor word) each used to run
//! over all tokens and look each word up in a table of its own. The extractor now looks
//! every token up once in this table, right after tokenizing, and keeps the word's id in
//! the token ([`Token::word`](crate::tokenize::Token)); each stage reads its field of the
//! word's record. The gazetteer's common words (sixty thousand, asked of few tokens) stay
//! in the gazetteer's own table.

use crate::hash::{FxHashMap, WordMap};
use crate::pattern::{NO_ANCHOR, RuleSet};
use crate::time::lex::Slot;
use crate::tokenize::Token;

/// What the stages need to know of one word.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Word {
    /// Its temporal class (see [`crate::time::lex::for_each_word`]).
    pub(crate) time: Slot,
    /// The recogniser's lists it is on (see [`crate::recognize::for_each_listed_word`]).
    pub(crate) lists: u32,
    /// Its anchor id in the event rules (see [`RuleSet::for_each_anchor_word`]), or
    /// [`NO_ANCHOR`].
    pub(crate) anchor: u32,
}

/// A bit of a token's word id ([`Lexicon::id`]): the word has a temporal class. The
/// stages that read one field of few words' records skip the other tokens on these bits,
/// without reading a record.
pub(crate) const TIME: u32 = 1 << 31;
/// A bit of a token's word id: the word is an anchor word of the rules (see [`TIME`]).
pub(crate) const ANCHOR: u32 = 1 << 30;
/// The bits of a word id that index the records (the others are [`TIME`] and [`ANCHOR`]).
const INDEX: u32 = ANCHOR - 1;

impl Word {
    /// The bits [`TIME`] and [`ANCHOR`] of this record's word.
    fn flags(&self) -> u32 {
        let time = if self.time.lex == Slot::NONE.lex {
            0
        } else {
            TIME
        };
        let anchor = if self.anchor == NO_ANCHOR { 0 } else { ANCHOR };
        time | anchor
    }

    /// A word no stage knows.
    const NONE: Word = Word {
        time: Slot::NONE,
        lists: 0,
        anchor: NO_ANCHOR,
    };
}

/// The word table: folded word → id → [`Word`]. Id 0 is every word not in it (and what
/// [`crate::tokenize::tokenize`] gives every token), whose record says that no stage
/// knows it.
///
/// Every token is looked up, and most are in no stage's lists: a lookup first reads one
/// bit of a filter (8 kB: most tokens stop there), then probes a table of words as two
/// integers and a length (no string compare, no pointer to follow). A word is read from
/// the text eight bytes at a time, masked to its length.
pub(crate) struct Lexicon {
    /// One bit per top sixteen bits of a word's [`hash`]: set for every word of the table.
    filter: Box<[u64; 1024]>,
    /// Open addressing with linear probing, at most a quarter full.
    cells: Vec<Cell>,
    /// The words longer than sixteen bytes (few or none).
    long: FxHashMap<Box<[u8]>, u32>,
    /// The records; index 0 is [`Word::NONE`].
    words: Vec<Word>,
    /// The words by id, for the tests.
    #[cfg(test)]
    names: Vec<String>,
}

/// One cell of [`Lexicon::cells`]: a word's bytes as two integers ([`load8`], [`high8`]),
/// and its length and id as one integer (`len | id << 32`; 0 in an empty cell).
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    lo: u64,
    hi: u64,
    len_id: u64,
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

/// The first `min(n, 8)` bytes at `start` of `text` as an integer, with the bytes past
/// them cleared: one load where eight bytes follow `start` (every token but the last few
/// of a text); else the bytes are copied into a buffer first.
#[inline]
fn load8(text: &[u8], start: usize, n: usize) -> u64 {
    let n = n.min(8);
    let v = match text.get(start..).and_then(<[u8]>::first_chunk::<8>) {
        Some(b) => u64::from_le_bytes(*b),
        None => {
            let mut buf = [0u8; 8];
            buf[..n].copy_from_slice(&text[start..start + n]);
            u64::from_le_bytes(buf)
        }
    };
    v & MASK[n]
}

/// The second half of the key of the `n` bytes at `start` of `text` (`n` at most 16):
/// bytes 8 to 16 (0 for a word of eight bytes or fewer). The first half is [`load8`].
#[inline]
fn high8(text: &[u8], start: usize, n: usize) -> u64 {
    debug_assert!(n <= 16);
    if n > 8 {
        load8(text, start + 8, n - 8)
    } else {
        0
    }
}

/// The hash of a word from its first eight bytes and its length (one multiply, whose high
/// bits every input bit reaches): the filter's bit and the first cell to probe. The rest
/// of a longer word is compared in the cell only, so that a word turned away by the filter
/// (most of them) costs one load of its bytes.
#[inline]
fn hash(lo: u64, n: usize) -> u64 {
    (lo ^ ((n as u64) << 56)).wrapping_mul(0x517c_c1b7_2722_0a95)
}

impl Lexicon {
    /// The table of the time words, the recogniser's lists and the anchor words of
    /// `rules` (the rules the events stage runs: the anchor ids are theirs).
    pub(crate) fn new(rules: Option<&RuleSet>) -> Lexicon {
        let mut b = Builder {
            ids: WordMap::new(),
            names: vec![String::new()],
            words: vec![Word::NONE],
        };
        crate::time::lex::for_each_word(|w, slot| b.entry(w).time = slot);
        crate::recognize::for_each_listed_word(|w, bit| b.entry(w).lists |= bit);
        if let Some(rules) = rules {
            rules.for_each_anchor_word(|w, id| b.entry(w).anchor = id);
        }
        b.build()
    }

    /// The table without anchor words, built once: for the public
    /// [`TimeTagger::find`](crate::time::TimeTagger::find), which reads only the time
    /// classes.
    pub(crate) fn without_rules() -> &'static Lexicon {
        static TABLE: std::sync::LazyLock<Lexicon> =
            std::sync::LazyLock::new(|| Lexicon::new(None));
        &TABLE
    }

    /// The id of the folded word `w` (0 when it is not in the table): the index of its
    /// record, with the bits [`TIME`] and [`ANCHOR`] of what it is.
    #[inline]
    pub(crate) fn id(&self, w: &[u8]) -> u32 {
        self.id_at(w, 0, w.len())
    }

    /// The id of the word of `n` bytes at `start` of `text` (0 when it is not in the table).
    #[inline]
    fn id_at(&self, text: &[u8], start: usize, n: usize) -> u32 {
        let lo = load8(text, start, n);
        let h = hash(lo, n);
        let f = (h >> 48) as usize;
        if self.filter[f / 64] & (1 << (f % 64)) == 0 {
            return 0;
        }
        if n > 16 {
            return self.long_id(&text[start..start + n]);
        }
        let hi = high8(text, start, n);
        let mask = self.cells.len() - 1;
        let mut i = (h >> 20) as usize & mask;
        loop {
            let c = &self.cells[i];
            if c.lo == lo && c.hi == hi && c.len_id as u32 as usize == n {
                return (c.len_id >> 32) as u32;
            }
            if c.len_id == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    #[cold]
    fn long_id(&self, w: &[u8]) -> u32 {
        self.long.get(w).copied().unwrap_or(0)
    }

    /// The record of id `id` (of [`Lexicon::id`]).
    #[inline]
    pub(crate) fn word(&self, id: u32) -> &Word {
        &self.words[(id & INDEX) as usize]
    }

    /// Sets the word id of each of `tokens`, whose folded spans lie in `folded`.
    pub(crate) fn mark(&self, folded: &[u8], tokens: &mut [Token]) {
        for t in tokens {
            t.word = self.id_at(folded, t.fold.start, t.fold.end - t.fold.start);
        }
    }
}

/// The number of words, not the tables (an [`crate::Extractor`] is `Debug`).
impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("words", &(self.words.len() - 1))
            .finish_non_exhaustive()
    }
}

/// The words of a [`Lexicon`] as they are gathered, each once.
struct Builder {
    ids: WordMap<u32>,
    /// The words by id (index 0, the empty word, stands for no word).
    names: Vec<String>,
    words: Vec<Word>,
}

impl Builder {
    /// The record of `w`, added when it is not in the table yet.
    fn entry(&mut self, w: &str) -> &mut Word {
        // (the empty word would get id 0, the record of every other word)
        assert!(!w.is_empty(), "an empty word in a word list");
        let next = self.words.len() as u32;
        let mut id = 0;
        self.ids.update(w, |v| {
            id = if v == 0 { next } else { v };
            id
        });
        if id == next {
            self.words.push(Word::NONE);
            self.names.push(w.to_string());
        }
        &mut self.words[id as usize]
    }

    fn build(self) -> Lexicon {
        let size = (4 * self.names.len()).next_power_of_two();
        let mut lx = Lexicon {
            filter: Box::new([0; 1024]),
            cells: vec![Cell::default(); size],
            long: FxHashMap::default(),
            words: self.words,
            #[cfg(test)]
            names: self.names.clone(),
        };
        assert!(self.names.len() <= INDEX as usize, "too many words");
        for (i, w) in self.names.iter().enumerate().skip(1) {
            let id = i as u32 | lx.words[i].flags();
            let b = w.as_bytes();
            let n = b.len();
            let lo = load8(b, 0, n);
            let h = hash(lo, n);
            let f = (h >> 48) as usize;
            lx.filter[f / 64] |= 1 << (f % 64);
            if n > 16 {
                lx.long.insert(b.into(), id);
                continue;
            }
            let hi = high8(b, 0, n);
            let mut i = (h >> 20) as usize & (size - 1);
            while lx.cells[i].len_id != 0 {
                i = (i + 1) & (size - 1);
            }
            lx.cells[i] = Cell {
                lo,
                hi,
                len_id: n as u64 | u64::from(id) << 32,
            };
        }
        lx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few words of the text and of each list, and words near them.
    const SAMPLE: &str = "On Tuesday, Feb. 28, the President met his counterpart for talks in \
        the capital; the ministry's spokesman said the club's supporters visited 3 stadiums \
        over two weeks. Approximately. Internationalisation-minded counterparts held \
        teleconferences with the Foreign Minister in March 2023 and 1990s.";

    #[test]
    fn marked_tokens_get_the_id_of_their_word_wherever_it_stands() {
        let lx = Lexicon::new(Some(
            &crate::pattern::RuleSet::from_sources(crate::defaults::RULES).unwrap(),
        ));
        for text in [
            SAMPLE,
            &SAMPLE.to_uppercase(),
            "in",
            "feb.",
            "x counterparts",
        ] {
            let folded = crate::text::Folded::new(text);
            let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
            crate::tokenize::tokenize(text, &folded, &mut tokens, &mut sentences);
            lx.mark(folded.as_str().as_bytes(), &mut tokens);
            let mut known = 0;
            for t in &tokens {
                let w = t.norm(&folded);
                // the word alone (read through the buffer) and in the text agree
                assert_eq!(t.word, lx.id(w.as_bytes()), "{w:?} in {text:?}");
                // and the id is the word's: its record is the one built for it, and its
                // bits say what the record says
                if t.word != 0 {
                    known += 1;
                    assert_eq!(lx.names[(t.word & INDEX) as usize], w);
                    let r = lx.word(t.word);
                    assert_eq!(t.word & TIME != 0, r.time.lex != Slot::NONE.lex, "{w}");
                    assert_eq!(t.word & ANCHOR != 0, r.anchor != NO_ANCHOR, "{w}");
                }
            }
            assert!(known > 0, "{text}");
        }
    }

    #[test]
    fn words_not_in_the_table_get_id_0() {
        let lx = Lexicon::without_rules();
        assert_ne!(lx.id(b"in"), 0);
        assert_ne!(lx.id(b"counterparts"), 0);
        for w in [
            "",
            "inn",
            "ni",
            "counterpartss",
            "counterpart.x",
            "zzzzzzzzzzzzzzzzzzzzz",
        ] {
            assert_eq!(lx.id(w.as_bytes()), 0, "{w:?}");
        }
        assert_eq!(*lx.word(0), Word::NONE);
    }

    #[test]
    fn words_of_every_length_are_found_and_their_neighbours_are_not() {
        let mut b = Builder {
            ids: WordMap::new(),
            names: vec![String::new()],
            words: vec![Word::NONE],
        };
        let words: Vec<String> = (1..=40)
            .map(|n| "abcdefghijklmnopqrstuvwxyz0123456789ABCD"[..n].to_string())
            .collect();
        for (i, w) in words.iter().enumerate() {
            b.entry(w).lists = i as u32 + 1;
        }
        let lx = b.build();
        assert!(!lx.long.is_empty());
        for (i, w) in words.iter().enumerate() {
            // alone, and followed by other bytes (the word is read eight bytes at a time)
            let text = format!("{w} zzzzzzzzzzzzzzzzzzzz");
            for (t, start) in [
                (w.as_str(), 0),
                (text.as_str(), 0),
                (&*format!("..{text}"), 2),
            ] {
                let id = lx.id_at(t.as_bytes(), start, w.len());
                assert_eq!(lx.word(id).lists, i as u32 + 1, "{w}");
            }
            let mut near = w.clone().into_bytes();
            let last = near.len() - 1;
            near[last] ^= 0x20;
            assert_eq!(lx.id(&near), 0, "{w}");
            assert_eq!(lx.id(&w.as_bytes()[1..]), 0, "{w}");
        }
    }
}
