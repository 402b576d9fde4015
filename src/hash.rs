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

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A cheap "might this word be in the set" test: length bits and (first byte and length,
/// last byte) bits. It
/// turns most words away before a hash lookup (rule vocabularies, the recogniser's lists).
#[derive(Clone, Debug)]
pub(crate) struct Filter {
    lens: u64,
    pairs: Vec<u64>,
}

impl Filter {
    pub(crate) fn new() -> Filter {
        Filter {
            lens: 0,
            pairs: vec![0; 256 * 256 / 64],
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
        self.lens |= 1 << w.len().min(63);
        let k = Filter::key(w.as_bytes());
        self.pairs[k / 64] |= 1 << (k % 64);
    }

    #[inline]
    pub(crate) fn may_contain(&self, w: &str) -> bool {
        let b = w.as_bytes();
        if b.is_empty() || self.lens & (1 << b.len().min(63)) == 0 {
            return false;
        }
        let k = Filter::key(b);
        self.pairs[k / 64] & (1 << (k % 64)) != 0
    }
}
