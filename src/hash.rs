//! The crate's hash for word tables: the multiply-rotate hash of rustc (`FxHasher`).
//!
//! Keys are words and names from the embedded data, the caller's files and the text; a
//! flooding attack would only slow one caller's own run, and SipHash cost a tenth of the
//! start-up instructions and a share of every word lookup.

/// The hasher builder of [`FxHashMap`] and [`FxHashSet`].
pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;
/// A hash map with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;
/// A hash set with [`FxHasher`].
pub(crate) type FxHashSet<K> = std::collections::HashSet<K, FxBuild>;

/// The multiply-rotate hash of rustc, eight bytes at a time.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        // the last 1 to 7 bytes in two overlapping loads, not copied into a buffer (the
        // copy was a call to memcpy for every word hashed)
        let rest = chunks.remainder();
        let n = rest.len();
        if n >= 4 {
            let lo = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes"));
            let hi = u32::from_le_bytes(rest[n - 4..].try_into().expect("4 bytes"));
            self.add((u64::from(lo) | (u64::from(hi) << 32)) ^ ((n as u64) << 56));
        } else if n > 0 {
            let w =
                u64::from(rest[0]) | (u64::from(rest[n / 2]) << 8) | (u64::from(rest[n - 1]) << 16);
            self.add(w ^ ((n as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The state turned so that its well-mixed high bits land where hash tables take the
    /// bucket index (the low bits of a product depend only on the low bits of its factors:
    /// ids that differ in their last digits clustered in the gazetteer's tables).
    #[inline]
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// A cheap "might this word be in the set" test: one bit per (first byte mixed with the
/// length, last byte). It turns most words away before a hash lookup (rule vocabularies,
/// the recogniser's lists). A test of the length alone (a bit per length) before it turned
/// away one token of seven of news text and cost every token more than that saved.
#[derive(Clone, Debug)]
pub(crate) struct Filter {
    /// A bit per key (16 bits, so every key has its bit: no bounds check).
    pairs: Box<[u64; 256 * 256 / 64]>,
}

impl Filter {
    pub(crate) fn new() -> Filter {
        Filter {
            pairs: Box::new([0; 256 * 256 / 64]),
        }
    }

    /// (first byte, last byte), the first mixed with the length: words are mostly lower-case
    /// letters, so the length spreads them over the table.
    fn key(w: &[u8]) -> usize {
        let first = usize::from(w[0]) ^ w.len().wrapping_mul(37);
        ((first & 0xFF) << 8) | usize::from(w[w.len() - 1])
    }

    pub(crate) fn add(&mut self, w: &str) {
        if w.is_empty() {
            return;
        }
        let k = Filter::key(w.as_bytes());
        self.pairs[k / 64] |= 1 << (k % 64);
    }

    /// Whether the word whose bytes are `b` may have been added: false means it was not.
    /// It takes bytes (a slice of text needs no UTF-8 boundary checks).
    #[inline]
    pub(crate) fn may_contain_bytes(&self, b: &[u8]) -> bool {
        if b.is_empty() {
            return false;
        }
        let k = Filter::key(b);
        self.pairs[k / 64] & (1 << (k % 64)) != 0
    }
}

/// "Might this word be in the set", from its first eight bytes: a multiplicative hash of
/// them picks one bit of 65,536. It backs up [`Filter`] (first and last byte, length),
/// which lets through one word of nine of news text ("said", "its", "sales" look like
/// anchor words to it); this one passes next to nothing but the words of the set.
#[derive(Clone, Debug)]
pub(crate) struct PrefixFilter {
    bits: Vec<u64>,
}

impl Default for PrefixFilter {
    fn default() -> PrefixFilter {
        PrefixFilter {
            bits: vec![0; 65_536 / 64],
        }
    }
}

impl PrefixFilter {
    #[inline]
    fn key(w: &[u8]) -> usize {
        let v = match w.first_chunk::<8>() {
            Some(b) => u64::from_le_bytes(*b),
            None => w.iter().rev().fold(0u64, |v, &b| (v << 8) | u64::from(b)),
        };
        (v.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize
    }

    pub(crate) fn add(&mut self, w: &str) {
        let k = PrefixFilter::key(w.as_bytes());
        self.bits[k / 64] |= 1 << (k % 64);
    }

    /// True when `w` (the bytes of a word) may be in the set.
    #[inline]
    pub(crate) fn may_contain(&self, w: &[u8]) -> bool {
        let k = PrefixFilter::key(w);
        self.bits[k / 64] & (1 << (k % 64)) != 0
    }
}

/// `MASK16[n]` keeps the first `n` bytes of a little-endian integer of sixteen bytes.
pub(crate) const MASK16: [u128; 17] = {
    let mut m = [!0u128; 17];
    let mut n = 0;
    while n < 16 {
        m[n] = (1 << (8 * n)) - 1;
        n += 1;
    }
    m
};

/// The sixteen bytes of `text` from `start` (at most its length), zeros past its end: one
/// load where sixteen bytes follow, a copy only for the last few bytes of a text. The
/// word table and the lower-case word starts key a word by them (masked with
/// [`MASK16`] to its length).
#[inline]
pub(crate) fn sixteen_at(text: &[u8], start: usize) -> [u8; 16] {
    match text.get(start..).and_then(<[u8]>::first_chunk::<16>) {
        Some(b) => *b,
        None => {
            let rest = &text[start..];
            let mut b = [0; 16];
            b[..rest.len()].copy_from_slice(rest);
            b
        }
    }
}

/// A word of up to sixteen bytes as two integers: with its length they identify
/// it (two loads that overlap when the word is shorter than sixteen bytes and cover every
/// byte). Longer words give `None`.
#[inline]
fn word_key(b: &[u8]) -> Option<(u64, u64)> {
    let n = b.len();
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    Some(match n {
        0 => (0, 0),
        1..=3 => (
            u64::from(b[0]) | (u64::from(b[n / 2]) << 8) | (u64::from(b[n - 1]) << 16),
            0,
        ),
        4..=7 => (u32_at(0) | (u32_at(n - 4) << 32), 0),
        8..=16 => (u64_at(0), u64_at(n - 8)),
        _ => return None,
    })
}

/// One slot of a [`WordMap`]: a word as its key and length (0: empty), and its value.
#[derive(Clone, Copy, Debug)]
struct WordSlot<V> {
    lo: u64,
    hi: u64,
    len: u32,
    val: V,
}

/// A map from words to small values for the per-token lookups of every stage: a word of
/// up to sixteen bytes is compared as two integers and its length in an open-addressing
/// table (one probe reads one slot: no string compare, no pointer to follow); longer words
/// go to an ordinary hash map.
#[derive(Clone, Debug)]
pub(crate) struct WordMap<V> {
    slots: Vec<WordSlot<V>>,
    /// Words stored in `slots`.
    short: usize,
    long: FxHashMap<Box<str>, V>,
}

/// Equal when they hold the same words with the same values (whatever their slot order).
impl<V: Copy + Default + PartialEq> PartialEq for WordMap<V> {
    fn eq(&self, other: &Self) -> bool {
        self.short == other.short
            && self.long == other.long
            && self.slots.iter().filter(|s| s.len != 0).all(|s| {
                let o = &other.slots[other.find(s.lo, s.hi, s.len as usize)];
                o.len != 0 && o.val == s.val
            })
    }
}

impl<V: Copy + Default> Default for WordMap<V> {
    fn default() -> Self {
        WordMap::new()
    }
}

impl<V: Copy + Default> WordMap<V> {
    /// An empty map.
    pub(crate) fn new() -> WordMap<V> {
        WordMap {
            slots: Vec::new(),
            short: 0,
            long: FxHashMap::default(),
        }
    }

    #[inline]
    fn slot_of(lo: u64, hi: u64, len: usize, mask: usize) -> usize {
        // one multiply; the index comes from the product's high half, which every input
        // bit reaches
        let x = (lo ^ hi.rotate_left(29) ^ ((len as u64) << 56)).wrapping_mul(FxHasher::K);
        (x >> 32) as usize & mask
    }

    /// The slot holding `(lo, hi, len)`, or the empty slot where it would go.
    #[inline]
    fn find(&self, lo: u64, hi: u64, len: usize) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = Self::slot_of(lo, hi, len, mask);
        loop {
            let s = &self.slots[i];
            if s.len == 0 || (s.lo == lo && s.hi == hi && s.len as usize == len) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value stored for `w`.
    #[inline]
    pub(crate) fn get(&self, w: &str) -> Option<V> {
        self.get_bytes(w.as_bytes())
    }

    /// [`WordMap::get`] for the bytes of a word (a slice of text).
    #[inline]
    pub(crate) fn get_bytes(&self, b: &[u8]) -> Option<V> {
        if b.is_empty() {
            return None;
        }
        match word_key(b) {
            Some((lo, hi)) => {
                if self.short == 0 {
                    return None;
                }
                let s = &self.slots[self.find(lo, hi, b.len())];
                (s.len != 0).then_some(s.val)
            }
            None => std::str::from_utf8(b)
                .ok()
                .and_then(|w| self.long.get(w).copied()),
        }
    }

    /// The value for `w`, made with `f` from the old one (the default when there was none).
    /// The empty word is not stored.
    pub(crate) fn update(&mut self, w: &str, f: impl FnOnce(V) -> V) {
        let b = w.as_bytes();
        if b.is_empty() {
            return;
        }
        let Some((lo, hi)) = word_key(b) else {
            let v = self.long.entry(w.into()).or_default();
            *v = f(*v);
            return;
        };
        // at most half full: probes stay short
        if 2 * (self.short + 1) > self.slots.len() {
            self.grow();
        }
        let i = self.find(lo, hi, b.len());
        let s = &mut self.slots[i];
        if s.len == 0 {
            *s = WordSlot {
                lo,
                hi,
                len: b.len() as u32,
                val: f(V::default()),
            };
            self.short += 1;
        } else {
            s.val = f(s.val);
        }
    }

    /// Makes room for `n` more words without growing again.
    pub(crate) fn reserve(&mut self, n: usize) {
        let want = (2 * (self.short + n)).next_power_of_two();
        if want > self.slots.len() {
            self.resize(want);
        }
    }

    /// Doubles the table (at least 16 slots) and places every word again.
    fn grow(&mut self) {
        self.resize((self.slots.len() * 2).max(16));
    }

    /// Places every word again in a table of `size` slots (a power of two).
    fn resize(&mut self, size: usize) {
        let empty = WordSlot {
            lo: 0,
            hi: 0,
            len: 0,
            val: V::default(),
        };
        let old = std::mem::replace(&mut self.slots, vec![empty; size]);
        for s in old.into_iter().filter(|s| s.len != 0) {
            let i = self.find(s.lo, s.hi, s.len as usize);
            self.slots[i] = s;
        }
    }

    /// Number of words.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.short + self.long.len()
    }
}

/// A set of words, for a large set read at random (the common words: 63,000 of them,
/// asked about capitalised words, and the rare ones' slots are not in the cache): a slot
/// is sixteen bytes, not the 24 of a [`WordMap`] slot (a key and a length), so the table
/// is a third smaller, four slots share a cache line and none straddles two (a probe
/// reads fewer lines). A word of up to fifteen bytes is its key ([`set_key`]: its bytes
/// and its length in the sixteenth); longer words go to an ordinary hash set.
#[derive(Clone, Debug, Default)]
pub(crate) struct WordSet {
    /// The keys; `[0, 0]` is an empty slot (no key is: its length byte is not 0). At most
    /// half full.
    slots: Vec<[u64; 2]>,
    /// Words stored in `slots`.
    short: usize,
    long: FxHashSet<Box<str>>,
}

/// The key of a word of 1 to 15 bytes in a [`WordSet`]: its bytes as a little-endian
/// integer of sixteen bytes, zeros past them and the length in the last byte (which no
/// byte of the word reaches), as two integers; `None` for other lengths. The bytes are
/// read in overlapping loads (the same bytes at the same places, joined by OR), not copied
/// into a buffer (a call to `memcpy`).
#[inline]
fn set_key(b: &[u8]) -> Option<[u64; 2]> {
    let n = b.len();
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    let byte_at = |i: usize| u64::from(b[i]) << (8 * i);
    let (lo, hi) = match n {
        1..=3 => (byte_at(0) | byte_at(n / 2) | byte_at(n - 1), 0),
        4..=7 => (u32_at(0) | u32_at(n - 4) << (8 * (n - 4)), 0),
        8 => (u64_at(0), 0),
        // bytes n - 8 .. n, shifted so that byte 8 comes first
        9..=15 => (u64_at(0), u64_at(n - 8) >> (8 * (16 - n))),
        _ => return None,
    };
    Some([lo, hi | (n as u64) << 56])
}

/// Equal when they hold the same words (whatever their slot order).
impl PartialEq for WordSet {
    fn eq(&self, other: &Self) -> bool {
        self.short == other.short
            && self.long == other.long
            && self
                .slots
                .iter()
                .filter(|&&k| k != [0, 0])
                .all(|&k| other.slots[other.find(k)] == k)
    }
}

impl WordSet {
    /// The slot holding `key`, or the empty slot where it would go (the table is not empty).
    #[inline]
    fn find(&self, key: [u64; 2]) -> usize {
        let mask = self.slots.len() - 1;
        // one multiply; the index comes from the product's high half, which every input
        // bit reaches (the length is in the second integer's top byte)
        let x = (key[0] ^ key[1].rotate_left(29)).wrapping_mul(FxHasher::K);
        let mut i = (x >> 32) as usize & mask;
        loop {
            let s = self.slots[i];
            if s == key || s == [0, 0] {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// True when the set holds `w`.
    #[inline]
    pub(crate) fn contains(&self, w: &str) -> bool {
        self.contains_bytes(w.as_bytes())
    }

    /// [`WordSet::contains`] for the bytes of a word (a slice of text).
    #[inline]
    pub(crate) fn contains_bytes(&self, b: &[u8]) -> bool {
        match set_key(b) {
            Some(key) => self.short != 0 && self.slots[self.find(key)] == key,
            None => b.len() > 15 && std::str::from_utf8(b).is_ok_and(|w| self.long.contains(w)),
        }
    }

    /// Adds `w` (the empty word is not stored).
    pub(crate) fn insert(&mut self, w: &str) {
        let b = w.as_bytes();
        if b.is_empty() {
            return;
        }
        let Some(key) = set_key(b) else {
            self.long.insert(w.into());
            return;
        };
        // at most half full: probes stay short
        if 2 * (self.short + 1) > self.slots.len() {
            self.resize((self.slots.len() * 2).max(16));
        }
        let i = self.find(key);
        if self.slots[i] != key {
            self.slots[i] = key;
            self.short += 1;
        }
    }

    /// Makes room for `n` more words without growing again.
    pub(crate) fn reserve(&mut self, n: usize) {
        let want = (2 * (self.short + n)).next_power_of_two();
        if want > self.slots.len() {
            self.resize(want);
        }
    }

    /// Places every word again in a table of `size` slots (a power of two).
    fn resize(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.slots, vec![[0, 0]; size]);
        for k in old.into_iter().filter(|&k| k != [0, 0]) {
            let i = self.find(k);
            self.slots[i] = k;
        }
    }

    /// Number of words.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.short + self.long.len()
    }

    /// Every slot's key ([`set_key`]; `[0, 0]` for an empty slot), and the words longer
    /// than a key: the table as it is, to be made again at once ([`WordSet::from_table`]:
    /// the default gazetteer's common words are stored so at compile time).
    #[allow(dead_code)] // (the build script's and the tests')
    pub(crate) fn table(
        &self,
    ) -> (
        impl ExactSizeIterator<Item = [u64; 2]> + '_,
        impl Iterator<Item = &str>,
    ) {
        (self.slots.iter().copied(), self.long.iter().map(|w| &**w))
    }

    /// The set whose [`WordSet::table`] is `slots` and `long`; `None` when `slots` is no
    /// such table (not a power of two, or no slot empty: a lookup would not end).
    pub(crate) fn from_table(
        slots: impl ExactSizeIterator<Item = [u64; 2]>,
        long: impl Iterator<Item = Box<str>>,
    ) -> Option<WordSet> {
        let slots: Vec<[u64; 2]> = slots.collect();
        let short = slots.iter().filter(|&&k| k != [0, 0]).count();
        let shape = slots.is_empty() || (slots.len().is_power_of_two() && short < slots.len());
        shape.then(|| WordSet {
            slots,
            short,
            long: long.collect(),
        })
    }
}

/// A xorshift generator from `seed`, for tests that want the same random inputs every run.
#[cfg(test)]
pub(crate) fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// `word` with one edit at a random place (`next` draws): a byte changed, added or dropped,
/// the byte a lower-case letter, `.`, `-` or `'`; `None` when the edit breaks its UTF-8 or
/// `word` is empty. For tests of word tables on the words near the ones they hold.
#[cfg(test)]
pub(crate) fn near_word(word: &str, next: &mut impl FnMut() -> u64) -> Option<String> {
    let mut b = word.as_bytes().to_vec();
    if b.is_empty() {
        return None;
    }
    let at = next() as usize % b.len();
    let c = b"abcdefghijklmnopqrstuvwxyz.-'"[next() as usize % 29];
    match next() % 3 {
        0 => b[at] = c,
        1 => b.insert(at, c),
        _ => {
            b.remove(at);
        }
    }
    String::from_utf8(b).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_made_from_its_table_is_the_same() {
        let mut m = WordSet::default();
        for w in ["a", "may", "brown", "internationalisation", "ñandú", "may"] {
            m.insert(w);
        }
        let (slots, long) = m.table();
        let long: Vec<Box<str>> = long.map(Box::from).collect();
        assert_eq!(long, [Box::from("internationalisation")]);
        let n = WordSet::from_table(slots, long.into_iter()).expect("a table");
        assert!(n == m && n.len() == 5 && n.contains("may") && !n.contains("mat"));
        // a full table, and one whose size is no power of two, are refused
        let full = std::iter::repeat_n([1, 1 << 56], 4);
        assert!(WordSet::from_table(full, std::iter::empty()).is_none());
        let odd = std::iter::repeat_n([0, 0], 3);
        assert!(WordSet::from_table(odd, std::iter::empty()).is_none());
    }

    /// The set's key is the word: over random words of 0 to 20 bytes (of a few letters,
    /// zero bytes and non-ASCII ones, so that many share bytes, lengths and keys' halves),
    /// the set answers as a set of the strings does.
    #[test]
    fn word_set_finds_every_word_and_nothing_else() {
        let mut next = xorshift(11);
        let alphabet = ["a", "b", "\0", "é", "z"];
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            let n = next() as usize % 21;
            (0..n).map(|_| alphabet[next() as usize % 5]).collect()
        };
        let mut set = WordSet::default();
        let mut want: FxHashSet<String> = FxHashSet::default();
        for _ in 0..3000 {
            let w = word(&mut next);
            set.insert(&w);
            if !w.is_empty() {
                want.insert(w);
            }
        }
        assert_eq!(set.len(), want.len());
        let mut found = 0;
        for _ in 0..30_000 {
            let w = word(&mut next);
            assert_eq!(set.contains(&w), want.contains(&w), "{w:?}");
            found += usize::from(want.contains(&w));
        }
        for w in &want {
            assert!(set.contains_bytes(w.as_bytes()), "{w:?}");
        }
        // (the random words hit the set often enough for the test to mean something)
        assert!(found > 1000, "{found}");
    }

    #[test]
    fn word_map_finds_every_word_and_nothing_else() {
        // words of every length class, and near misses that share their key bytes
        let words: Vec<String> = (1..=40)
            .flat_map(|n| {
                ["a", "b", "xy"].into_iter().map(move |p| {
                    let mut w: String = p.repeat(n);
                    w.truncate(n);
                    w
                })
            })
            .chain(
                [
                    "ab",
                    "abc",
                    "abcd",
                    "abcde",
                    "minister",
                    "ministers",
                    "ü",
                    "ñandú",
                ]
                .map(String::from),
            )
            .collect();
        let mut m: WordMap<u32> = WordMap::new();
        for (i, w) in words.iter().enumerate() {
            m.update(w, |v| v | (1 << (i % 31)));
        }
        let mut want: FxHashMap<&str, u32> = FxHashMap::default();
        for (i, w) in words.iter().enumerate() {
            *want.entry(w.as_str()).or_default() |= 1 << (i % 31);
        }
        assert_eq!(m.len(), want.len());
        for (w, v) in &want {
            assert_eq!(m.get(w), Some(*v), "{w}");
        }
        for w in [
            "",
            "c",
            "ac",
            "aab",
            "abd",
            "abcdf",
            "ministerz",
            "minister ",
            "aaaaaaaaaaaaaaaab",
        ] {
            assert_eq!(m.get(w), None, "{w:?}");
        }
        // the middle byte of a 3-byte word and the overlap of 4..7 and 9..15 count
        let mut m: WordMap<u8> = WordMap::new();
        for w in ["abc", "abcdef", "abcdefghijkl"] {
            m.update(w, |_| 1);
        }
        for w in ["axc", "abcxef", "abcdefxhijkl", "abcdefghijk"] {
            assert_eq!(m.get(w), None, "{w}");
        }
    }
}
