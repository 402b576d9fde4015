//! A byte trie over the folded surface forms, for anchored longest-match search.
//!
//! Matching in the gazetteer is anchored at a token start and wants the longest form that
//! also ends on a token boundary. A trie answers that in one walk, which the gazetteer takes
//! a token at a time ([`Trie::start`] over the first token, [`Trie::descend`] over each next
//! one with the spaces before it) and asks for a form only where a token ends. No failure
//! links are needed (nothing is searched unanchored), so building is one sort and two
//! linear passes (the first counts each node's children, so that the second lays out each
//! node's edge list before its children).
//!
//! Layout: nodes are numbered depth-first (preorder), in the order the sorted forms first
//! reach them, and each is laid out in one array of `u32` cells: its record (the form it
//! ends, its edges) and, for a node of two children or more, its edge list right after it
//! (labels, then where the children are), then its first child. So a step through a node of
//! many children reads the node's own cache line and the child's, not a third one in a
//! separate array of lists (a walk waits on memory more than it computes: the trie is a
//! few megabytes, read at random).
//!
//! Most nodes are links of single-child chains (the tail of a surname past the point where
//! no other name shares it): a run of formless nodes of one child each is not laid out node
//! by node but as one chain, its bytes packed four to a cell after the record of the node
//! it starts from, then the node it leads to. A million names' trie is then a fraction of
//! the size (a record of two cells a byte was most of it), and a walk along a chain reads
//! its bytes from one or two cache lines. A place in a walk ([`At`]) may stand inside a
//! chain: a token may end there, and the next one's bytes go on along it.

use super::blob::{Decoded, Reader, Writer};

/// No form ends at this node.
const NONE: u32 = u32::MAX;

/// The edges cell of a node without children.
const LEAF: u32 = u32::MAX;

/// The edges cell of a node with one child (the node right after it): this bit and the
/// child's label.
const SINGLE: u32 = 1 << 31;

/// The edges cell of a node that starts a chain (see [`Chain`]): these bits and the
/// chain. A chain's edges are thus above those of a node of one child or of a list, and
/// below [`LEAF`] (the place along a chain is below its length), so a step tells them
/// apart by one comparison.
const CHAIN: u32 = SINGLE | 1 << 30;

/// Cells of a node's record: the form it ends (or [`NONE`]) and its edges: [`LEAF`];
/// [`SINGLE`] `| label`; [`CHAIN`] `|` the chain's length ([`Chain::MIN`] or more), with its
/// bytes in the cells after the record (four to a cell, little-endian) and the node it
/// leads to after them; or, for `k` children (two or more), `k`, with the node's list in
/// the cells after the record: the `k` labels (sorted, four to a cell, little-endian),
/// then where children `1..k` are (one cell each). Child 0 comes right after the list.
const RECORD: usize = 2;

/// Cells of the list of a node with `k` children (none below two).
#[inline]
fn list_cells(k: usize) -> usize {
    if k < 2 { 0 } else { k.div_ceil(4) + k - 1 }
}

/// A chain's edges (with [`CHAIN`]): its length in bytes ([`Chain::MIN`] or more) in the low
/// [`Chain::BITS`] bits, and above them, in an [`At`] inside the chain, how many of them
/// a walk has gone along (none in the cell of the node that starts it).
struct Chain;

impl Chain {
    /// Bits of a length and of a place along a chain.
    const BITS: u32 = 15;
    /// The longest chain: a run of more single-child nodes (a form of 32 KB) is laid out
    /// as several chains, each from a node of its own.
    const MAX: usize = (1 << Chain::BITS) - 1;
    /// The shortest chain: shorter runs are laid out node by node (a walk steps through
    /// a chain's bytes no faster than through nodes, and a chain costs it a few
    /// instructions more to enter and leave; the runs of two or three bytes save little).
    const MIN: usize = 4;

    /// True for the edges of a chain, at its start or inside it: those from [`CHAIN`] up,
    /// but [`LEAF`].
    #[inline]
    fn is(edges: u32) -> bool {
        edges >= CHAIN && edges != LEAF
    }

    /// The length of the chain of `edges`, and how much of it a walk has gone along.
    #[inline]
    fn len_and_gone(edges: u32) -> (usize, usize) {
        let mask = Chain::MAX as u32;
        (
            (edges & mask) as usize,
            (edges >> Chain::BITS & mask) as usize,
        )
    }

    /// Cells of the bytes of a chain of `len` bytes (none for one byte: a [`SINGLE`]
    /// edge).
    #[inline]
    fn cells(len: usize) -> usize {
        if len < 2 { 0 } else { len.div_ceil(4) }
    }
}

/// The number of children of each node while a trie is built, by preorder number: one
/// byte a node (a million names' trie has some 14 million nodes, whose counts took 28 MB
/// of fresh memory at two bytes each), and the nodes of 255 or more children (up to 256,
/// one a byte; none in text, whose UTF-8 never holds 13 of the byte values) on the side.
#[derive(Debug)]
struct ChildCounts {
    /// The count, or `u8::MAX` for a node in `many`.
    small: Vec<u8>,
    /// (node, count) of the nodes of `u8::MAX` children or more.
    many: Vec<(u32, u16)>,
}

impl ChildCounts {
    /// No nodes yet, room for `n` (capacity never written costs no memory).
    fn with_capacity(n: usize) -> ChildCounts {
        ChildCounts {
            small: Vec::with_capacity(n),
            many: Vec::new(),
        }
    }

    /// The number of nodes.
    fn len(&self) -> usize {
        self.small.len()
    }

    /// Adds a node of `k` children (fewer than `u8::MAX`).
    fn push(&mut self, k: u8) {
        debug_assert!(k < u8::MAX);
        self.small.push(k);
    }

    /// The children of node `n`.
    #[inline]
    fn get(&self, n: usize) -> u16 {
        match self.small[n] {
            u8::MAX => self.many_of(n).1,
            k => u16::from(k),
        }
    }

    /// Counts one more child of node `n`; returns its count now.
    #[inline]
    fn add_one(&mut self, n: usize) -> u16 {
        let k = &mut self.small[n];
        if *k < u8::MAX - 1 {
            *k += 1;
            return u16::from(*k);
        }
        if *k == u8::MAX - 1 {
            *k = u8::MAX;
            self.many.push((n as u32, u16::from(u8::MAX)));
            return u16::from(u8::MAX);
        }
        let many = self.many_of_mut(n);
        many.1 += 1;
        many.1
    }

    /// The entry of node `n` in `many` (a few at most: a search from the end, where the
    /// node being counted is).
    fn many_of(&self, n: usize) -> &(u32, u16) {
        self.many
            .iter()
            .rev()
            .find(|m| m.0 as usize == n)
            .expect("a node of many children is listed")
    }

    /// [`ChildCounts::many_of`], to change.
    fn many_of_mut(&mut self, n: usize) -> &mut (u32, u16) {
        self.many
            .iter_mut()
            .rev()
            .find(|m| m.0 as usize == n)
            .expect("a node of many children is listed")
    }
}

/// A place in a walk: a node with its record, or a place inside a chain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct At {
    /// The node, as the index of its first cell (0, the root's: none, in the tables of
    /// the first levels); inside a chain, the node that starts it.
    node: u32,
    /// Its record; inside a chain, no form ([`NONE`]) and the chain's edges with how
    /// far along it the walk is (see [`Chain`]).
    form: u32,
    edges: u32,
}

impl At {
    /// The form that ends here.
    #[inline]
    pub(crate) fn form(self) -> Option<u32> {
        (self.form != NONE).then_some(self.form)
    }
}

/// The compiled trie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Trie {
    /// The nodes, each at its first cell (see [`RECORD`]); the root at 0.
    cells: Vec<u32>,
    /// The nodes one byte down, by byte.
    root: Box<[At; 256]>,
    /// The nodes two and three bytes down, by their path: a walk starts three bytes down
    /// with one read of a small table (32 KB and 256 KB for the default gazetteer, so they
    /// stay in the second-level cache; 8 KB each for its lower-case trie) instead of two
    /// searches in the long edge lists of the first levels and a read of a node record far
    /// away in the trie.
    two: Level,
    three: Level,
    /// The three-byte paths and the two-byte forms as a bit set, a few cache lines for the
    /// lower-case trie: see [`Trie::may_walk`].
    heads: Heads,
}

/// A set of the three-byte paths and the two-byte forms of a trie, as bits at hashes of
/// their bytes: bytes not in it are no such path or form; bytes in it may be (a bit
/// shared by another's hash).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Heads {
    bits: Vec<u64>,
    /// 32 minus the log2 of the number of bits: a hash's top bits index it.
    shift: u32,
}

impl Heads {
    /// The set of `paths`: two-byte ones tagged with bit 24 (see [`Heads::key`]).
    fn new(paths: impl ExactSizeIterator<Item = u32>) -> Heads {
        // 16 bits a path: a path not in the set finds its bit clear 15 times in 16 (the
        // lower-case trie's set is 1 KB, which stays in the first-level cache)
        let size = (16 * paths.len()).next_power_of_two().max(64);
        let mut heads = Heads {
            bits: vec![0; size / 64],
            shift: 32 - size.trailing_zeros(),
        };
        for key in paths {
            let b = heads.bit(key);
            heads.bits[b / 64] |= 1 << (b % 64);
        }
        heads
    }

    /// The key of the first two or three bytes of `seg` (at least two).
    #[inline]
    fn key(seg: &[u8]) -> u32 {
        match *seg {
            [b0, b1] => 1 << 24 | u32::from(b0) << 8 | u32::from(b1),
            [b0, b1, b2, ..] => u32::from(b0) << 16 | u32::from(b1) << 8 | u32::from(b2),
            _ => unreachable!("two bytes or more"),
        }
    }

    /// The bit of `key`.
    #[inline]
    fn bit(&self, key: u32) -> usize {
        // Fibonacci hashing, as in `Level::slot`
        (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    /// False when the first two or three bytes of `seg` (at least two) are not in the set.
    #[inline]
    fn may_hold(&self, seg: &[u8]) -> bool {
        let b = self.bit(Heads::key(seg));
        self.bits[b / 64] & 1 << (b % 64) != 0
    }
}

/// The nodes at one depth (two or three bytes), by their path, as an open-addressing
/// table: the few thousand of them are a small fraction of a 65,536 or 16,777,216 entry
/// table indexed by the path, and a walk from each token reads one.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Level {
    /// (path, node); `At::node == 0` marks an empty slot. At most half full (a quarter
    /// while small).
    slots: Vec<(u32, At)>,
    /// 32 minus the log2 of the table size: a hash's top bits index it.
    shift: u32,
}

impl Level {
    /// The table of `nodes`, as (path, node) (distinct paths).
    fn new(nodes: &[(u32, At)]) -> Level {
        // a quarter full while that is small (the lower-case trie's tables, read from most
        // tokens, and most of the reads find nothing: such a read probes to an empty
        // slot, about 1.4 slots a quarter full, 2.5 half full); half full for the big ones
        let size = match (4 * nodes.len()).next_power_of_two() {
            small @ ..=1024 => small.max(2),
            _ => (2 * nodes.len()).next_power_of_two(),
        };
        let mut level = Level {
            slots: vec![(0, At::default()); size],
            shift: 32 - size.trailing_zeros(),
        };
        let mask = size - 1;
        for &(path, at) in nodes {
            let mut i = level.slot(path);
            while level.slots[i].1.node != 0 {
                i = (i + 1) & mask;
            }
            level.slots[i] = (path, at);
        }
        level
    }

    /// The first slot `path` may be in.
    #[inline]
    fn slot(&self, path: u32) -> usize {
        // Fibonacci hashing: the top bits of the product mix every byte of the path
        (path.wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    /// The node at `path`.
    #[inline]
    fn get(&self, path: u32) -> Option<At> {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(path);
        loop {
            let (p, at) = self.slots[i];
            if at.node == 0 {
                return None;
            }
            if p == path {
                return Some(at);
            }
            i = (i + 1) & mask;
        }
    }
}

impl Default for Trie {
    fn default() -> Trie {
        Trie::from_sorted(&[])
    }
}

impl Trie {
    /// Builds the trie over `forms` (distinct, non-empty; form `i` is reported as `i`).
    #[cfg(test)]
    pub(crate) fn new(forms: &[String]) -> Trie {
        let mut order: Vec<(&[u8], u32)> = forms
            .iter()
            .enumerate()
            .map(|(i, f)| (f.as_bytes(), i as u32))
            .collect();
        order.sort_unstable();
        Trie::from_sorted(&order)
    }

    /// Builds the trie over `order`: (form bytes, form id), distinct, non-empty and sorted
    /// by bytes (the gazetteer numbers its forms in that order, so it sorts once).
    pub(crate) fn from_sorted(order: &[(&[u8], u32)]) -> Trie {
        Trie::from_sorted_iter(order.iter().copied())
    }

    /// [`Trie::from_sorted`] over an iterator (walked twice).
    pub(crate) fn from_sorted_iter<'a>(
        order: impl Iterator<Item = (&'a [u8], u32)> + Clone,
    ) -> Trie {
        // first walk: the number of children of each node, by preorder number (one node
        // per distinct prefix: the root, plus each form's bytes past the prefix it shares
        // with the form before it), so that the second walk lays each node's list out
        // before its children and knows where chains go, and bounds the cells (a
        // million-name build then makes no reallocations; the capacity the chains leave
        // unwritten costs no memory)
        let mut kids = ChildCounts::with_capacity(Self::nodes_at_most(order.clone()));
        kids.push(0);
        // at most this many cells: the records of all nodes, and the lists (a list grows
        // with each child past the first); the chains make it less
        let mut size = RECORD;
        // the nodes on the path of the form before: path[d] is its prefix of length d
        let mut path: Vec<u32> = vec![0];
        let mut longest = 0;
        let mut prev: &[u8] = &[];
        for (f, _) in order.clone() {
            debug_assert!(prev < f && !f.is_empty(), "sorted, distinct, non-empty");
            // a form sorted after another is never its prefix, so it makes a node: a new
            // child of its prefix's node, then a chain of only children
            let l = lcp(prev, f);
            path.truncate(l + 1);
            let k = usize::from(kids.add_one(path[l] as usize));
            size += list_cells(k) - list_cells(k - 1);
            let n = kids.len() as u32;
            for _ in l + 1..f.len() {
                kids.push(1);
            }
            kids.push(0);
            path.extend(n..kids.len() as u32);
            size += RECORD * (f.len() - l);
            longest = longest.max(f.len());
            prev = f;
        }
        assert!(size < SINGLE as usize, "trie cells overflow");
        // second walk: the cells, in the same order, each written once (no zeroing of
        // the megabytes of a million names' trie first)
        let mut cells: Vec<u32> = Vec::with_capacity(size);
        // links node `parent` (with `i` children before this one) to the node to be laid
        // out next, through `bytes` (more than one for a chain)
        let link =
            |cells: &mut Vec<u32>, parent: u32, i: u16, bytes: &[u8]| {
                let p = parent as usize;
                let edges = cells[p + 1];
                if edges == SINGLE {
                    // an only child follows, or the chain to it
                    debug_assert_eq!(p + RECORD, cells.len(), "an only child follows");
                    match *bytes {
                        [b] => cells[p + 1] = SINGLE | u32::from(b),
                        _ => {
                            cells[p + 1] = CHAIN | bytes.len() as u32;
                            cells.extend(bytes.chunks(4).map(|c| {
                                c.iter().rev().fold(0, |cell, &b| cell << 8 | u32::from(b))
                            }));
                        }
                    }
                    return;
                }
                let [b] = *bytes else {
                    unreachable!("no chain from a node of many children")
                };
                let (k, i) = (edges as usize, usize::from(i));
                let labels = p + RECORD;
                cells[labels + i / 4] |= u32::from(b) << (8 * (i % 4));
                if i == 0 {
                    debug_assert_eq!(labels + list_cells(k), cells.len(), "child 0 follows");
                } else {
                    cells[labels + k.div_ceil(4) + i - 1] = cells.len() as u32;
                }
            };
        // lays out the record of a node with `k` children and its list (zeros: the
        // labels and children are linked as the children are made; an only child's
        // label too); returns the node
        let put = |cells: &mut Vec<u32>, form: u32, k: u16| {
            let n = cells.len();
            match k {
                0 => cells.extend_from_slice(&[form, LEAF]),
                1 => cells.extend_from_slice(&[form, SINGLE]),
                k => {
                    cells.extend_from_slice(&[form, u32::from(k)]);
                    cells.resize(n + RECORD + list_cells(usize::from(k)), 0);
                }
            }
            n as u32
        };
        // the nodes on the path of the form before, as (first cell, children laid out so
        // far): path[d] is its prefix of length d (set for every d up to its length at
        // which a node is laid out, not inside a chain)
        let mut path: Vec<(u32, u16)> = vec![(0, 0); longest + 1];
        path[0] = (put(&mut cells, NONE, kids.get(0)), 0);
        let mut kid = 1;
        let mut prev: &[u8] = &[];
        for (f, id) in order {
            // the new nodes: the first a new child of the node at depth l (which is laid
            // out: it has two children or ends a form), each other one the first child of
            // the one before (made right after it); the last one ends the form
            let mut d = lcp(prev, f);
            while d < f.len() {
                let (parent, i) = path[d];
                path[d].1 += 1;
                // the next node laid out: the child, or from a node of one child (not
                // the root) past the chain of its formless single-child descendants,
                // which are this form's next nodes
                let mut e = d + 1;
                if parent != 0 && cells[parent as usize + 1] == SINGLE {
                    let inside = kids.small[kid..kid + f.len() - e]
                        .iter()
                        .take(Chain::MAX - 1)
                        .take_while(|&&k| k == 1)
                        .count();
                    if inside + 1 >= Chain::MIN {
                        kid += inside;
                        e += inside;
                    }
                }
                link(&mut cells, parent, i, &f[d..e]);
                let form = if e == f.len() { id } else { NONE };
                path[e] = (put(&mut cells, form, kids.get(kid)), 0);
                kid += 1;
                d = e;
            }
            prev = f;
        }
        debug_assert!(cells.len() <= size);
        let mut trie = Trie {
            cells,
            root: Box::new([At::default(); 256]),
            two: Level::new(&[]),
            three: Level::new(&[]),
            heads: Heads::new(std::iter::empty()),
        };
        let (mut two, mut three) = (Vec::new(), Vec::new());
        for (b0, a1) in trie.children(trie.at(0)) {
            trie.root[usize::from(b0)] = a1;
            for (b1, a2) in trie.children(a1) {
                let p2 = u32::from(b0) << 8 | u32::from(b1);
                two.push((p2, a2));
                for (b2, a3) in trie.children(a2) {
                    three.push((p2 << 8 | u32::from(b2), a3));
                }
            }
        }
        trie.two = Level::new(&two);
        trie.heads = Heads::new(
            two.iter()
                .filter(|(_, at)| at.form().is_some())
                .map(|&(p, _)| 1 << 24 | p)
                .chain(three.iter().map(|&(p, _)| p))
                .collect::<Vec<_>>()
                .into_iter(),
        );
        trie.three = Level::new(&three);
        trie
    }

    /// An upper bound on the nodes of the trie over `order`: one a byte, and the root. The
    /// list of children counts is sized by it, not grown by doubling: the growing copied
    /// a million names' 14 MB of counts, and touched twice as much fresh memory (its
    /// capacity past the nodes is never written, so it costs no memory).
    fn nodes_at_most<'a>(order: impl Iterator<Item = (&'a [u8], u32)>) -> usize {
        order.map(|(f, _)| f.len()).sum::<usize>() + 1
    }

    /// The places one byte on from `at`, as (byte, place).
    fn children(&self, at: At) -> Vec<(u8, At)> {
        let n = at.node as usize;
        match at.edges {
            LEAF => Vec::new(),
            edges if Chain::is(edges) => {
                let b = self.chain_byte(n + RECORD, Chain::len_and_gone(edges).1);
                let (next, _) = self.along(at, &[b]).expect("a chain goes on with its byte");
                vec![(b, next)]
            }
            edges if edges & SINGLE != 0 => vec![(edges as u8, self.at(at.node + RECORD as u32))],
            k => (0..k as usize)
                .map(|i| {
                    let (b, child) = self.child(n, k as usize, i);
                    (b, self.at(child))
                })
                .collect(),
        }
    }

    /// Child `i` of node `n`, which has `k` (two or more), as (label, child).
    #[inline]
    fn child(&self, n: usize, k: usize, i: usize) -> (u8, u32) {
        let labels = n + RECORD;
        let label = (self.cells[labels + i / 4] >> (8 * (i % 4))) as u8;
        let child = match i {
            0 => (labels + list_cells(k)) as u32,
            _ => self.cells[labels + k.div_ceil(4) + i - 1],
        };
        (label, child)
    }

    /// Node `n` with its record.
    #[inline]
    fn at(&self, n: u32) -> At {
        // (the record's two cells read as one slice: fewer bounds checks than two reads;
        // a walk reads a record for every byte)
        let [form, edges] = self.cells[n as usize..][..RECORD] else {
            unreachable!("a record is two cells")
        };
        At {
            node: n,
            form,
            edges,
        }
    }

    /// False when a walk from `seg`, followed in the text by the byte `next` (if any),
    /// finds no form: `seg` is no form, and no form starts with `seg` and `next`. True
    /// when it may find one, or `seg` is shorter than two bytes. It reads a few bits that
    /// stay in the first-level cache: the gazetteer asks it before it sets up a walk from
    /// a lower-case word of a length its sharper set of whole words (`WordStarts`) does
    /// not answer for, and most of them start no form of the lower-case trie.
    #[inline]
    pub(crate) fn may_walk(&self, seg: &[u8], next: Option<u8>) -> bool {
        match *seg {
            [] | [_] => true,
            // a form, or the path of one three bytes down with the next byte
            [b0, b1] => {
                self.heads.may_hold(seg)
                    || next.is_some_and(|b2| self.heads.may_hold(&[b0, b1, b2]))
            }
            _ => self.heads.may_hold(seg),
        }
    }

    /// Walks `seg` from the root: where it ends, or `None` when no form starts with it
    /// (nor with the empty `seg`: the root is no place to stand).
    #[inline]
    pub(crate) fn start(&self, seg: &[u8]) -> Option<At> {
        let path = |b: &[u8]| b.iter().fold(0, |p, &b| p << 8 | u32::from(b));
        match *seg {
            [] => None,
            [b0] => Some(self.root[usize::from(b0)]).filter(|a| a.node != 0),
            [_, _] => self.two.get(path(seg)),
            _ => {
                let (head, rest) = seg.split_at(3);
                self.descend(self.three.get(path(head))?, rest)
            }
        }
    }

    /// Walks `seg` on from `at`: where it ends, or `None` when no form goes that way.
    #[inline(always)]
    pub(crate) fn descend(&self, mut at: At, mut seg: &[u8]) -> Option<At> {
        while let [b, rest @ ..] = seg {
            // (one test for the usual steps: a chain's edges and LEAF are the largest)
            if at.edges < CHAIN {
                at = self.at(self.next(at.node, at.edges, *b)?);
                seg = rest;
            } else if at.edges != LEAF {
                (at, seg) = self.along(at, seg)?;
            } else {
                return None;
            }
        }
        Some(at)
    }

    /// Walks `seg` (not empty) along the chain `at` is at or in, as far as both go:
    /// where that ends (the node the chain leads to, or a place inside it) and the rest
    /// of `seg`; `None` when they differ.
    #[inline]
    fn along<'s>(&self, at: At, seg: &'s [u8]) -> Option<(At, &'s [u8])> {
        let (len, gone) = Chain::len_and_gone(at.edges);
        let n = (len - gone).min(seg.len());
        let bytes = at.node as usize + RECORD;
        for (p, &b) in (gone..).zip(&seg[..n]) {
            if self.chain_byte(bytes, p) != b {
                return None;
            }
        }
        let at = if gone + n == len {
            self.at((bytes + Chain::cells(len)) as u32)
        } else {
            At {
                node: at.node,
                form: NONE,
                edges: at.edges + ((n as u32) << Chain::BITS),
            }
        };
        Some((at, &seg[n..]))
    }

    /// Byte `p` of the chain whose bytes start at cell `bytes`.
    #[inline]
    fn chain_byte(&self, bytes: usize, p: usize) -> u8 {
        (self.cells[bytes + p / 4] >> (8 * (p % 4))) as u8
    }

    /// The node reached from `node`, whose edges are `edges` (no chain's), through `b`.
    #[inline]
    fn next(&self, node: u32, edges: u32, b: u8) -> Option<u32> {
        if edges & SINGLE != 0 {
            // most nodes have one child (or none: LEAF's label bits are never a byte)
            return (edges == SINGLE | u32::from(b)).then_some(node + RECORD as u32);
        }
        // the list (see [`RECORD`]): the labels' cells, then the children's
        let k = edges as usize;
        let labels = node as usize + RECORD;
        let children = labels + k.div_ceil(4);
        // four labels at a time: the lowest zero byte of `cell ^ pattern` is the label
        // (the bit trick's false positives are only above a true zero byte)
        let pattern = u32::from(b) * 0x0101_0101;
        let mut first = 0;
        for &cell in &self.cells[labels..children] {
            let x = cell ^ pattern;
            let zero = x.wrapping_sub(0x0101_0101) & !x & 0x8080_8080;
            if zero != 0 {
                return match first + zero.trailing_zeros() as usize / 8 {
                    // (the last cell's unused bytes are 0)
                    i if i >= k => None,
                    0 => Some((children + k - 1) as u32),
                    i => Some(self.cells[children + i - 1]),
                };
            }
            first += 4;
        }
        None
    }
}

/// The trie as bytes, for the default gazetteer the build script makes (see `blob.rs`):
/// every array as it is, so decoding is a few copies.
impl Trie {
    /// Writes the trie for [`Trie::decode`].
    #[allow(dead_code)] // (the build script's and the tests')
    pub(crate) fn encode(&self, w: &mut Writer) {
        let at = |a: &At| [a.node, a.form, a.edges];
        w.u32s(&self.cells);
        w.records(self.root.iter().map(at));
        for level in [&self.two, &self.three] {
            w.u32(level.shift);
            w.records(level.slots.iter().map(|(p, a)| {
                let [node, form, edges] = at(a);
                [*p, node, form, edges]
            }));
        }
        w.u32(self.heads.shift);
        w.u64s(&self.heads.bits);
    }

    /// Reads a trie [`Trie::encode`] wrote.
    ///
    /// # Errors
    /// Bytes cut short, or tables whose sizes do not fit their hash shifts (a lookup in
    /// them could index out of range or, in a full table, never end).
    pub(crate) fn decode(r: &mut Reader) -> Decoded<Trie> {
        let at = |[node, form, edges]: [u32; 3]| At { node, form, edges };
        let cells = r.u32s("trie cells")?;
        let root: Vec<At> = r.records("trie root", at)?;
        let root: Box<[At; 256]> = root
            .into_boxed_slice()
            .try_into()
            .map_err(|_| "trie root: not 256 nodes")?;
        let mut level = |what: &str| -> Decoded<Level> {
            let shift = r.u32(what)?;
            let slots = r.records(what, |[p, node, form, edges]| (p, at([node, form, edges])))?;
            let size = slots.len();
            // a power of two the shift indexes, with an empty slot
            if !size.is_power_of_two()
                || shift != 32 - size.trailing_zeros()
                || slots.iter().all(|(_, a)| a.node != 0)
            {
                return Err(format!("{what}: {size} slots and shift {shift}"));
            }
            Ok(Level { slots, shift })
        };
        let two = level("trie level two")?;
        let three = level("trie level three")?;
        let shift = r.u32("trie heads")?;
        let bits = r.u64s("trie heads")?;
        if !(64 * bits.len()).is_power_of_two() || shift != 32 - (64 * bits.len()).trailing_zeros()
        {
            return Err(format!(
                "trie heads: {} words and shift {shift}",
                bits.len()
            ));
        }
        Ok(Trie {
            cells,
            root,
            two,
            three,
            heads: Heads { bits, shift },
        })
    }
}

/// Length of the longest common prefix.
fn lcp(a: &[u8], b: &[u8]) -> usize {
    // eight bytes at a time: the first differing byte is the lowest set byte of the xor
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let x = u64::from_le_bytes(a[i..i + 8].try_into().expect("8 bytes"));
        let y = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        if x != y {
            return i + (x ^ y).trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naive oracle: every form that is a prefix of `hay`, as (end, form).
    fn naive(forms: &[String], hay: &str) -> Vec<(usize, u32)> {
        let mut v: Vec<(usize, u32)> = forms
            .iter()
            .enumerate()
            .filter(|(_, f)| hay.starts_with(f.as_str()))
            .map(|(i, f)| (f.len(), i as u32))
            .collect();
        v.sort();
        v
    }

    /// Every form on `hay`'s path, one byte at a time.
    fn walk(t: &Trie, hay: &str) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        let mut at = None;
        for (p, &b) in hay.as_bytes().iter().enumerate() {
            at = match at {
                None => t.start(&[b]),
                Some(a) => t.descend(a, &[b]),
            };
            let Some(a) = at else { break };
            if let Some(f) = a.form() {
                out.push((p + 1, f));
            }
        }
        out
    }

    /// The forms at the ends of `hay`'s pieces, cut at `cuts`, walked a piece at a time as
    /// the gazetteer walks tokens.
    fn walk_pieces(t: &Trie, hay: &str, cuts: &[usize]) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        let (mut at, mut pos) = (None, 0);
        for &end in cuts {
            let seg = &hay.as_bytes()[pos..end];
            at = match at {
                None => t.start(seg),
                Some(a) => t.descend(a, seg),
            };
            let Some(a) = at else { break };
            if let Some(f) = a.form() {
                out.push((end, f));
            }
            pos = end;
        }
        out
    }

    #[test]
    fn prefixes_match_the_naive_oracle() {
        let forms: Vec<String> = [
            "new",
            "new york",
            "new york city",
            "newark",
            "n",
            "minsk",
            "york",
            "ny",
            "é",
            "new delhi",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let t = Trie::new(&forms);
        for hay in [
            "new york city hall",
            "newark",
            "new yorker",
            "minsk",
            "nyc",
            "é",
            "",
            "x",
            "new delhi and new york",
        ] {
            assert_eq!(walk(&t, hay), naive(&forms, hay), "{hay:?}");
        }
        assert_eq!(t.start(b""), None);
        assert_eq!(t.start(b"x").map(At::form), None);
        assert_eq!(t.start(b"n").and_then(At::form), Some(4));
        assert_eq!(t.start(b"ne").and_then(At::form), None);
        assert_eq!(t.start(b"new").and_then(At::form), Some(0));
    }

    #[test]
    fn pieces_match_the_naive_oracle() {
        // many forms, with long shared prefixes and nodes of many children
        let mut forms: Vec<String> = Vec::new();
        let mut x: u32 = 7;
        let mut next = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            x >> 16
        };
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(next() % 9 + 1) {
                s.push(b"ab cdeoq"[next() as usize % 8] as char);
            }
            forms.push(s);
        }
        forms.sort();
        forms.dedup();
        forms.retain(|f| !f.is_empty());
        let t = Trie::new(&forms);
        for hay in forms.iter().take(500).map(|f| format!("{f}{f} x")) {
            let all = naive(&forms, &hay);
            assert_eq!(walk(&t, &hay), all, "{hay:?}");
            // cut at random places: the forms found are those that end at a cut
            let mut cuts: Vec<usize> = (1..=hay.len()).filter(|_| next() % 3 == 0).collect();
            cuts.push(hay.len());
            cuts.dedup();
            let want: Vec<(usize, u32)> =
                all.into_iter().filter(|(e, _)| cuts.contains(e)).collect();
            assert_eq!(walk_pieces(&t, &hay, &cuts), want, "{hay:?} {cuts:?}");
        }
    }

    #[test]
    fn may_walk_is_false_only_where_a_walk_finds_nothing() {
        let mut forms: Vec<String> = Vec::new();
        let mut x: u32 = 5;
        let mut next = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            x >> 16
        };
        let alphabet = b"ab cdeoq";
        for _ in 0..400 {
            let s: String = (0..(next() % 6 + 1))
                .map(|_| alphabet[next() as usize % 8] as char)
                .collect();
            forms.push(s);
        }
        forms.sort();
        forms.dedup();
        let t = Trie::new(&forms);
        // what the walk may find: a form at `seg`, or a path on through `next`
        let finds = |seg: &[u8], next: Option<u8>| match t.start(seg) {
            None => false,
            Some(at) => at.form().is_some() || next.is_some_and(|b| t.descend(at, &[b]).is_some()),
        };
        let bytes: Vec<u8> = alphabet.iter().chain(b"xz").copied().collect();
        let (mut rejected, mut asked) = (0, 0);
        for &a in &bytes {
            for &b in &bytes {
                for &c in &bytes {
                    for seg in [&[a][..], &[a, b], &[a, b, c], &[a, b, c, b'o']] {
                        for next in [None, Some(b' '), Some(b'q'), Some(b'x')] {
                            asked += 1;
                            if !t.may_walk(seg, next) {
                                rejected += 1;
                                assert!(!finds(seg, next), "{seg:?} {next:?}");
                            }
                        }
                    }
                }
            }
        }
        // it rejects many (no form has 'x' or 'z')
        assert!(rejected > asked / 3, "{rejected} of {asked}");
    }

    #[test]
    fn lcp_matches_the_bytewise_one() {
        let words = [
            "",
            "a",
            "abcdefgh",
            "abcdefgi",
            "abcdefghij",
            "abcdefghijklmnopq",
            "b",
        ];
        for a in words {
            for b in words {
                let want = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
                assert_eq!(lcp(a.as_bytes(), b.as_bytes()), want, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn nodes_of_many_children_find_each_label_and_no_other() {
        // lists of 2 to 200 labels, with bytes above 0x7F (the labels' cells compare four
        // at a time) and a form of a NUL byte (the last cell's unused bytes are 0)
        let mut forms: Vec<String> = vec!["\0".into(), "q".into(), "qé".into(), "qéa".into()];
        for (i, c) in ('a'..='z').chain('à'..='ÿ').chain('α'..='ω').enumerate() {
            for n in [2, 3, 4, 5, 8, 9, 200] {
                if i < n {
                    forms.push(format!("{n}{c}"));
                    forms.push(format!("{n}x{c}"));
                }
            }
        }
        forms.sort();
        let t = Trie::new(&forms);
        let all: Vec<String> = (0..=0x7Fu8)
            .map(|b| (b as char).to_string())
            .chain(forms.iter().cloned())
            .collect();
        for prefix in ["", "2", "5", "9", "9x", "200", "200x", "q", "qé"] {
            for tail in &all {
                let hay = format!("{prefix}{tail}");
                assert_eq!(walk(&t, &hay), naive(&forms, &hay), "{hay:?}");
            }
        }
    }

    #[test]
    fn nodes_of_255_and_256_children() {
        // every byte after the root and after "a", all but one after "b": more children
        // than a byte of the build's counts holds
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for b in 0..=255u8 {
            forms.push(vec![b]);
            forms.push(vec![b'a', b]);
            if b != 7 {
                forms.push(vec![b'b', b]);
            }
        }
        forms.sort();
        let order: Vec<(&[u8], u32)> = (0..).zip(&forms).map(|(i, f)| (&f[..], i)).collect();
        let t = Trie::from_sorted(&order);
        let labels = |n: At| -> Vec<u8> { t.children(n).iter().map(|&(b, _)| b).collect() };
        let child = |n: At, b: u8| t.children(n).iter().find(|c| c.0 == b).map(|c| c.1);
        let root = t.at(0);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(labels(root), all);
        assert_eq!(labels(child(root, b'a').unwrap()), all);
        let b = child(root, b'b').unwrap();
        assert_eq!(
            labels(b),
            all.iter().copied().filter(|&x| x != 7).collect::<Vec<_>>()
        );
        assert_eq!(child(b, 7), None);
        // each form's node reports it
        for (f, i) in order {
            let at = f.iter().try_fold(root, |n, &b| child(n, b)).unwrap();
            assert_eq!(at.form(), Some(i), "{f:?}");
        }
    }

    #[test]
    fn child_counts_are_a_list_of_counts() {
        // counts taken up to 256 in random order, against a plain list
        let mut rng = crate::hash::xorshift(0x9e37_79b9_7f4a_7c15u64);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let (mut counts, mut want) = (ChildCounts::with_capacity(0), Vec::<u16>::new());
        for _ in 0..40 {
            let k = next(3) as u8;
            counts.push(k);
            want.push(u16::from(k));
        }
        for _ in 0..12_000 {
            // (skewed to the first nodes: some reach 256, others stay below 255)
            let up_to = next(want.len()) + 1;
            let n = next(up_to);
            if want[n] < 256 {
                want[n] += 1;
                assert_eq!(counts.add_one(n), want[n]);
            }
        }
        assert_eq!(counts.len(), want.len());
        assert!((0..want.len()).all(|n| counts.get(n) == want[n]));
        assert!(want.iter().filter(|&&k| k == 256).count() > 3, "{want:?}");
        assert!(want.iter().filter(|&&k| k < 255).count() > 3, "{want:?}");
    }

    /// Every chain of `t`, as (its length, where it leads), found from the root.
    fn chains(t: &Trie) -> Vec<(usize, At)> {
        let mut out = Vec::new();
        let mut stack = vec![t.at(0)];
        while let Some(at) = stack.pop() {
            if Chain::is(at.edges) {
                let (len, gone) = Chain::len_and_gone(at.edges);
                assert_eq!(gone, 0, "a node's record starts its chain");
                // byte by byte: every place inside it has one way on
                let mut end = at;
                for _ in 0..len {
                    let next = t.children(end);
                    assert_eq!(next.len(), 1);
                    end = next[0].1;
                }
                out.push((len, end));
                stack.push(end);
            } else {
                stack.extend(t.children(at).into_iter().map(|(_, c)| c));
            }
        }
        out
    }

    #[test]
    fn walks_stop_and_go_on_inside_chains() {
        // chains that end in a leaf, in a form with a longer one after it, in a fork, and
        // chains of one cell, of several, and of a cell and a byte
        let forms: Vec<String> = [
            "a",
            "abcdefghij",
            "abcdefghijklmnopqrstu",
            "abcdefxyz",
            "abcdefxyzw",
            "bcde",
            "bcdefghi",
            "bcdefghij",
            "c d",
            "c dddd eeee",
            "c dddd ffff",
            "xyz",
            "xyzabcde",
            "é à ü",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let t = Trie::new(&forms);
        let found = chains(&t);
        let ends = |f: fn(&Trie, At) -> bool| found.iter().filter(|&&(_, end)| f(&t, end)).count();
        assert!(ends(|t, a| t.children(a).is_empty()) >= 3, "{found:?}");
        assert!(ends(|t, a| a.form().is_some() && !t.children(a).is_empty()) > 0);
        assert!(ends(|t, a| t.children(a).len() > 1) > 0, "{found:?}");
        assert!(found.iter().any(|&(len, _)| len > 8), "{found:?}");
        assert!(found.iter().all(|&(len, _)| len >= Chain::MIN), "{found:?}");
        assert!(found.iter().any(|&(len, _)| len % 4 != 0), "{found:?}");
        // every way to cut each text into pieces (all of them for the first 13 bytes)
        let mut hays: Vec<String> = forms.iter().map(|f| format!("{f} x")).collect();
        hays.extend(
            [
                "abcdefghijklmnopqrstuvw",
                "abcdefxyzwv",
                "c dddd eeeee",
                "xyzabcdf",
            ]
            .map(String::from),
        );
        for hay in &hays {
            let all = naive(&forms, hay);
            assert_eq!(walk(&t, hay), all, "{hay:?}");
            let n = hay.len().min(13);
            for set in 0..1u32 << (n - 1) {
                let mut cuts: Vec<usize> = (1..n).filter(|i| set & 1 << (i - 1) != 0).collect();
                cuts.push(hay.len());
                let want: Vec<(usize, u32)> = all
                    .iter()
                    .copied()
                    .filter(|(e, _)| cuts.contains(e))
                    .collect();
                assert_eq!(walk_pieces(&t, hay, &cuts), want, "{hay:?} {cuts:?}");
            }
        }
    }

    #[test]
    fn chains_longer_than_the_longest_are_cut() {
        // a form of three chains' length, with a form ending inside the second and
        // another one branching off the third
        let long: String = (0..3 * Chain::MAX + 5)
            .map(|i| (b'a' + (i % 26) as u8) as char)
            .collect();
        let mid = &long[..Chain::MAX + 100];
        let mut fork = long[..2 * Chain::MAX + 7].to_string();
        fork.push('!');
        let forms = vec![long.clone(), mid.to_string(), fork, "b".into()];
        let t = Trie::new(&forms);
        // every byte of `long` but the root's and the fork's edges: from "a" one of the
        // longest, then the rest to the form inside, to the fork, to the end
        let lens: Vec<usize> = chains(&t).iter().map(|c| c.0).collect();
        assert_eq!(lens.iter().sum::<usize>(), long.len() - 2, "{lens:?}");
        assert!(lens.contains(&Chain::MAX), "{lens:?}");
        assert!(lens.iter().all(|&len| len <= Chain::MAX), "{lens:?}");
        for hay in [
            format!("{long}!"),
            format!("{mid} "),
            forms[2].clone(),
            "bb".into(),
        ] {
            let all = naive(&forms, &hay);
            assert_eq!(walk(&t, &hay), all);
            // pieces of a few thousand bytes
            let cuts: Vec<usize> = (1..=hay.len())
                .filter(|&i| i % 4093 == 0 || i == hay.len())
                .collect();
            let want: Vec<(usize, u32)> =
                all.into_iter().filter(|(e, _)| cuts.contains(e)).collect();
            assert_eq!(walk_pieces(&t, &hay, &cuts), want);
        }
    }

    #[test]
    fn empty_trie() {
        let t = Trie::new(&[]);
        assert!(t.start(b"a").is_none());
        assert!(t.start(b"ab").is_none());
        assert!(t.start(b"abc").is_none());
    }
}
