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

use crate::hash::{FxHashMap, MASK16, WordMap, sixteen_at};
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

/// A bit of a token's word id ([`Lexicon::id`]): the time lexer reads the word's slot
/// (it is not [`Slot::NONE`]: the word has a temporal class, or keeps a weak starter). The
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
        let time = if self.time == Slot::NONE { 0 } else { TIME };
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
/// Every token is looked up, and about a third of them (the frequent function words) are
/// in the table: a test that turns the other words away early (a filter, a probe loop)
/// goes one way or the other by the word, and the processor guessed it wrong for about
/// one token in two (an earlier version with a filter: 95k mispredicted branches in 185k
/// tokens). So a lookup has no branch on the word: a word of up to sixteen bytes is in
/// the one cell that its hash and its bucket's pilot name (a perfect hash: the build
/// tries pilots for each bucket of words until its words fall into free cells), and a
/// lookup reads the pilot (the pilots are small, and stay in the cache), then that cell,
/// compares it with the word (its bytes as two integers and its length: no string
/// compare, no pointer to follow) and keeps its id if it matches, or 0. (An earlier
/// version read two cells, a cuckoo table: a second line of memory and a second compare
/// per token.) A word is read from the text sixteen bytes at once, masked to its length.
/// Longer words (few, and rare in text) are in a hash map; the test of a token's length
/// that sends it there is almost always false.
pub(crate) struct Lexicon {
    /// The cells, a power of two of them: each word of at most sixteen bytes is in the
    /// cell [`Lexicon::cell_of`] names.
    cells: Box<[Cell]>,
    /// `64 - log2(cells.len())`: a hash shifted right by it is a cell's index.
    shift: u32,
    /// Each bucket's pilot, a power of two of them (one for four to eight words): mixed into
    /// the hash of the bucket's words so that each falls into a cell of its own.
    pilots: Box<[u64]>,
    /// `64 - log2(pilots.len())`: a hash shifted right by it is a bucket.
    bucket_shift: u32,
    /// The multipliers of the hashes ([`Lexicon::cell_of`]), odd: of the bucket, of the
    /// cell, and of the second half of the key and the length; the first of a fixed
    /// sequence with which every bucket found a pilot at build time.
    mul: [u64; 3],
    /// The words longer than sixteen bytes (few or none).
    long: FxHashMap<Box<[u8]>, u32>,
    /// The records; index 0 is [`Word::NONE`].
    words: Vec<Word>,
    /// The words by id, for the tests.
    #[cfg(test)]
    names: Vec<String>,
}

/// One cell of [`Lexicon::cells`]: a word's bytes as two integers (its first and its
/// second eight bytes, [`key`]), and its length and id as one integer (`len | id << 32`;
/// 0 in an empty cell).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Cell {
    lo: u64,
    hi: u64,
    len_id: u64,
}

impl Cell {
    /// The id of the word in this cell if its key is (`lo`, `hi`, `n`), else 0; with no
    /// branch (an empty cell, whose id is 0, may match a key of length 0).
    #[inline]
    fn id_if(&self, lo: u64, hi: u64, n: usize) -> u32 {
        let hit = (self.lo == lo) & (self.hi == hi) & (self.len_id as u32 == n as u32);
        // (a plain `if` or mask compiles to a branch, which the word decides)
        std::hint::select_unpredictable(hit, (self.len_id >> 32) as u32, 0)
    }
}

/// The key of the word of `n` bytes (`n` at most 16) at the start of `b`, sixteen bytes
/// of the text from the word's start: its first and its second eight bytes as integers,
/// the bytes past the word cleared (the second is 0 for a word of eight bytes or fewer).
/// One load of sixteen bytes and no branch on the word's length.
#[inline]
fn key(b: &[u8; 16], n: usize) -> (u64, u64) {
    let v = u128::from_le_bytes(*b) & MASK16[n];
    (v as u64, (v >> 64) as u64)
}

/// [`key`] of the word of `n` bytes (at most 16) at `start` of `text`, wherever it
/// stands (see [`sixteen_at`]).
#[inline]
fn key_at(text: &[u8], start: usize, n: usize) -> (u64, u64) {
    key(&sixteen_at(text, start), n)
}

/// The multipliers of the hashes tried first ([`Lexicon::mul`]): that of [`crate::hash`],
/// the golden ratio's and another odd one, each stepped by twice the next one's on a
/// retry (so that they stay odd).
const MUL: [u64; 3] = [
    0x517c_c1b7_2722_0a95,
    0x9e37_79b9_7f4a_7c15,
    0xc2b2_ae3d_27d4_eb4f,
];

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

    /// The integer of the word of `n` bytes whose key is (`lo`, `hi`) ([`key`]) from which
    /// its bucket is found: one integer of the key's bits and the length (which tells
    /// apart words that differ by zero bytes at the end). (The rotation moves the second
    /// half's bytes off the first's.)
    #[inline]
    fn mix(lo: u64, hi: u64, n: usize) -> u64 {
        lo ^ hi.rotate_left(29) ^ ((n as u64) << 59)
    }

    /// The bucket of the word whose [`Lexicon::mix`] is `x`: the top bits of a product
    /// with an odd multiplier.
    #[inline]
    fn bucket_of(&self, x: u64) -> usize {
        // (below the number of pilots, a power of two: the mask spares a bounds check)
        (x.wrapping_mul(self.mul[0]) >> self.bucket_shift) as usize & (self.pilots.len() - 1)
    }

    /// The cell of a word whose [`Lexicon::mix`] is `x` in a bucket whose pilot is
    /// `pilot`: the top bits of the mix with the pilot times an odd multiplier, with the
    /// second half of the key and the length times another mixed in (two keys of the same
    /// mix differ there, so that some pilot parts them).
    #[inline]
    fn cell_at(&self, x: u64, pilot: u64, hi: u64, n: usize) -> usize {
        let h = (x ^ pilot).wrapping_mul(self.mul[1]) ^ (hi ^ n as u64).wrapping_mul(self.mul[2]);
        // (below the number of cells, a power of two: the mask spares a bounds check)
        (h >> self.shift) as usize & (self.cells.len() - 1)
    }

    /// The cell of the word of `n` bytes whose key is (`lo`, `hi`) ([`key`]).
    #[inline]
    fn cell_of(&self, lo: u64, hi: u64, n: usize) -> usize {
        let x = Lexicon::mix(lo, hi, n);
        self.cell_at(x, self.pilots[self.bucket_of(x)], hi, n)
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
        if n > 16 {
            return self.long_id(&text[start..start + n]);
        }
        let (lo, hi) = key_at(text, start, n);
        self.short_id(lo, hi, n)
    }

    /// The id of the word of `n` bytes (at most 16) whose key is (`lo`, `hi`) ([`key`]).
    #[inline]
    fn short_id(&self, lo: u64, hi: u64, n: usize) -> u32 {
        self.cells[self.cell_of(lo, hi, n)].id_if(lo, hi, n)
    }

    /// [`Lexicon::id_at`] out of line: for the tokens [`Lexicon::mark`] cannot read sixteen
    /// bytes at (the last few of a text) and the words longer than sixteen bytes, so that
    /// its loop has no call in it (a call's saved registers cost every token loads).
    #[cold]
    #[inline(never)]
    fn id_at_cold(&self, text: &[u8], start: usize, n: usize) -> u32 {
        self.id_at(text, start, n)
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
        // the last start from which sixteen bytes can be read (none when `folded` is
        // shorter): one compare a token instead of a test of what is left of the text
        let last = folded.len().checked_sub(16);
        for t in tokens {
            let (start, n) = (t.fold.start, t.fold.end - t.fold.start);
            t.word = match last {
                Some(last) if start <= last && n <= 16 => {
                    let b = folded[start..start + 16].try_into().expect("sixteen bytes");
                    let (lo, hi) = key(b, n);
                    self.short_id(lo, hi, n)
                }
                _ => self.id_at_cold(folded, start, n),
            };
        }
    }

    /// Finds each bucket of the words of `short` (cells) a pilot that puts its words in
    /// cells no other word has, fills the cells and returns true; false (the table left
    /// incomplete) when a bucket finds none among the first [`PILOTS`].
    fn place(&mut self, short: &[Cell]) -> bool {
        let mut buckets = vec![Vec::new(); self.pilots.len()];
        for c in short {
            let n = c.len_id as u32 as usize;
            let x = Lexicon::mix(c.lo, c.hi, n);
            buckets[self.bucket_of(x)].push((x, *c));
        }
        // the fullest buckets first, while most cells are free
        let mut order: Vec<usize> = (0..buckets.len()).collect();
        order.sort_by_key(|&b| std::cmp::Reverse(buckets[b].len()));
        let mut at = Vec::new();
        for b in order {
            let words = &buckets[b];
            if words.is_empty() {
                break;
            }
            let found = (0..PILOTS).map(pilot).find(|&p| {
                at.clear();
                words.iter().all(|&(x, c)| {
                    let i = self.cell_at(x, p, c.hi, c.len_id as u32 as usize);
                    let free = self.cells[i].len_id == 0 && !at.contains(&i);
                    at.push(i);
                    free
                })
            });
            let Some(p) = found else {
                return false;
            };
            self.pilots[b] = p;
            for (&i, &(_, c)) in at.iter().zip(words) {
                self.cells[i] = c;
            }
        }
        true
    }
}

/// The pilot tried `k`th for a bucket ([`Lexicon::pilots`]): `k` times an odd constant,
/// so that the pilots differ in their high bits too.
fn pilot(k: u64) -> u64 {
    k.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// How many pilots [`Lexicon::place`] tries for a bucket before it tries other
/// multipliers.
const PILOTS: u64 = 1 << 12;

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

    /// The table of the words gathered: the first multipliers (of a fixed sequence) with
    /// which every bucket finds a pilot ([`Lexicon::place`]), in the smallest number of
    /// cells (a power of two, at least a fifth more than the words) with which one of a
    /// few sets of them does.
    fn build(self) -> Lexicon {
        assert!(self.names.len() <= INDEX as usize, "too many words");
        let mut long = FxHashMap::default();
        let mut short = Vec::new();
        for (i, w) in self.names.iter().enumerate().skip(1) {
            let id = i as u32 | self.words[i].flags();
            let b = w.as_bytes();
            let n = b.len();
            if n > 16 {
                long.insert(b.into(), id);
                continue;
            }
            let (lo, hi) = key_at(b, 0, n);
            short.push(Cell {
                lo,
                hi,
                len_id: n as u64 | u64::from(id) << 32,
            });
        }
        let mut lx = Lexicon {
            cells: Box::new([]),
            shift: 0,
            pilots: Box::new([]),
            bucket_shift: 0,
            mul: MUL,
            long,
            words: self.words,
            #[cfg(test)]
            names: self.names,
        };
        // four to eight words a bucket; the cells a power of two, at least a fifth more
        // than the words, so that the last buckets find free cells soon (1,061 words now,
        // in 2,048 cells of 24 bytes and 256 pilots of 8)
        let buckets = (short.len() / 8 + 1).next_power_of_two().max(2);
        lx.pilots = vec![0; buckets].into_boxed_slice();
        lx.bucket_shift = 64 - buckets.trailing_zeros();
        let mut size = (short.len() * 5 / 4 + 1).next_power_of_two().max(2);
        loop {
            for k in 0..TRIES {
                lx.cells = vec![Cell::default(); size].into_boxed_slice();
                lx.shift = 64 - size.trailing_zeros();
                lx.mul =
                    [0, 1, 2].map(|i| MUL[i].wrapping_add(k.wrapping_mul(MUL[(i + 1) % 3] << 1)));
                if lx.place(&short) {
                    return lx;
                }
            }
            // (only two words of the same mix whose second halves xor their lengths are
            // equal too could fail at every size: their cells are the same for every
            // pilot)
            assert!(
                size < 64 * short.len(),
                "no perfect hash table for the words"
            );
            size *= 2;
        }
    }
}

/// How many sets of multipliers [`Builder::build`] tries for one size of table.
const TRIES: u64 = 8;

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
                    assert_eq!(t.word & TIME != 0, r.time != Slot::NONE, "{w}");
                    assert_eq!(t.word & ANCHOR != 0, r.anchor != NO_ANCHOR, "{w}");
                }
            }
            assert!(known > 0, "{text}");
        }
    }

    #[test]
    fn marked_tokens_near_the_end_of_the_text_get_their_ids() {
        // every tail of the sample: each token in turn stands where sixteen bytes are
        // left after its start, and where fewer are
        let lx = Lexicon::without_rules();
        for cut in (0..SAMPLE.len()).filter(|&c| SAMPLE.is_char_boundary(c)) {
            let text = &SAMPLE[cut..];
            let folded = crate::text::Folded::new(text);
            let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
            crate::tokenize::tokenize(text, &folded, &mut tokens, &mut sentences);
            lx.mark(folded.as_str().as_bytes(), &mut tokens);
            for t in &tokens {
                let w = t.norm(&folded);
                assert_eq!(t.word, lx.id(w.as_bytes()), "{w:?} in {text:?}");
            }
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
            // alone, and followed by other bytes (the word is read sixteen bytes at once)
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

    #[test]
    fn words_of_the_same_mix_are_told_apart() {
        // a word of seven bytes and the same with `x` after it: the length's bits in the
        // mix undo the eighth byte's, and only the cell's hash of the length tells them
        // apart (a table of them has no pilot for their bucket without it)
        let words = ["abcdefg", "abcdefgx"].map(String::from);
        let keys = words.each_ref().map(|w| key_at(w.as_bytes(), 0, w.len()));
        assert_eq!(
            Lexicon::mix(keys[0].0, keys[0].1, 7),
            Lexicon::mix(keys[1].0, keys[1].1, 8)
        );
        let lx = table_of(&words);
        assert_eq!(lx.id(b"abcdefg"), 1);
        assert_eq!(lx.id(b"abcdefgx"), 2);
        assert_eq!(lx.id(b"abcdefgy"), 0);
    }

    /// The words of a table built from `words` (ids in order, from 1).
    fn table_of(words: &[String]) -> Lexicon {
        let mut b = Builder {
            ids: WordMap::new(),
            names: vec![String::new()],
            words: vec![Word::NONE],
        };
        for w in words {
            b.entry(w);
        }
        b.build()
    }

    /// Words that differ from `w` by little: its last byte changed, a byte more or less, a
    /// zero byte at the end.
    fn near(w: &str) -> Vec<Vec<u8>> {
        let w = w.as_bytes();
        let last = w.len() - 1;
        let mut changed = w.to_vec();
        changed[last] ^= 1;
        vec![
            [w, b"\0"].concat(),
            [w, b"s"].concat(),
            w[..last].to_vec(),
            changed,
        ]
    }

    #[test]
    fn every_word_of_the_tables_is_found_and_near_misses_are_not() {
        let lx = Lexicon::new(Some(
            &crate::pattern::RuleSet::from_sources(crate::defaults::RULES).unwrap(),
        ));
        // the table is as small as it is meant to be (a fifth more to two and a half times
        // the words of up to sixteen bytes, and four to eight words a pilot)
        let short = lx.names.iter().skip(1).filter(|w| w.len() <= 16).count();
        assert!(lx.cells.len() > short * 5 / 4 && lx.cells.len() <= short * 5 / 2);
        assert!(lx.pilots.len() > short / 8 && lx.pilots.len() <= short / 4);
        for lx in [&lx, Lexicon::without_rules()] {
            let known: std::collections::HashSet<&[u8]> =
                lx.names.iter().map(String::as_bytes).collect();
            for (i, w) in lx.names.iter().enumerate().skip(1) {
                assert_eq!((lx.id(w.as_bytes()) & INDEX) as usize, i, "{w}");
                for v in near(w) {
                    if !known.contains(&v[..]) {
                        assert_eq!(lx.id(&v), 0, "{v:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn random_words_are_found_and_other_strings_are_not() {
        let mut next = crate::hash::xorshift(0x2545_f491_4f6c_dd1du64);
        // ASCII bytes, the zero byte among them (words that differ by zero bytes at the end
        // must not share a key); lengths up to twenty (the long words' map too)
        let mut random_word = || {
            let n = 1 + next() as usize % 20;
            let b: Vec<u8> = (0..n).map(|_| (next() % 128) as u8).collect();
            String::from_utf8(b).unwrap()
        };
        for count in [1, 2, 3, 100, 1000, 5000] {
            let mut words: Vec<String> = (0..count).map(|_| random_word()).collect();
            words.extend(["ab", "ab\0", "ab\0\0", "ab\0\0\0"].map(String::from));
            words.sort();
            words.dedup();
            let lx = table_of(&words);
            let ids: std::collections::HashMap<&[u8], u32> = words
                .iter()
                .enumerate()
                .map(|(i, w)| (w.as_bytes(), i as u32 + 1))
                .collect();
            let expected = |v: &[u8]| ids.get(v).copied().unwrap_or(0);
            for w in &words {
                assert_eq!(lx.id(w.as_bytes()), expected(w.as_bytes()), "{w:?}");
                assert_ne!(lx.id(w.as_bytes()), 0, "{w:?}");
                for v in near(w) {
                    assert_eq!(lx.id(&v), expected(&v), "{v:?}");
                }
            }
            for _ in 0..2000 {
                let v = random_word();
                assert_eq!(lx.id(v.as_bytes()), expected(v.as_bytes()), "{v:?}");
            }
        }
    }
}
