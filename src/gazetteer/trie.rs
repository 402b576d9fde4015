//! A byte trie over the folded surface forms, for anchored longest-match search.
//!
//! Matching in the gazetteer is anchored at a token start and wants the longest form that
//! also ends on a token boundary. A trie answers that in one walk: every node passed that
//! ends a form is a candidate, and the last one on a boundary wins. No failure links are
//! needed (nothing is searched unanchored), so building is one sort and one linear pass.
//!
//! Layout: nodes are numbered depth-first (preorder), in the order the sorted forms first
//! reach them, so the first child of node `n` is always node `n + 1`: the long single-child
//! chains of names ("...ovich") are consecutive in memory, and a walk reads one 8-byte
//! record per byte (the form it ends and its edges) instead of three arrays. A node with
//! one child keeps that child's label in its record; a node with more has its labels and
//! children side by side in one list (one cache line for most).

/// No form ends at this node.
const NONE: u32 = u32::MAX;

/// `Node::edges` of a node without children.
const LEAF: u32 = u32::MAX;

/// `Node::edges` of a node with one child (node `n + 1`): this bit and the child's label.
const SINGLE: u32 = 1 << 31;

/// One node.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// The form that ends here, or [`NONE`].
    form: u32,
    /// [`LEAF`]; [`SINGLE`] `| label`; or, for two children or more, the offset `o` of the
    /// node's edge list in `lists`: `count - 1` at `o`, the labels (sorted) at
    /// `o + 1..=o + count`, then the children, four bytes each (little-endian).
    edges: u32,
}

/// A node two bytes down, with its record: the few hundred of them are read by most walks,
/// and the table keeps them together instead of one to a cache line across the trie.
#[derive(Clone, Copy, Debug, Default)]
struct Second {
    /// The node (0: none).
    node: u32,
    /// Its record.
    form: u32,
    edges: u32,
}

/// The compiled trie.
#[derive(Clone, Debug)]
pub(crate) struct Trie {
    nodes: Vec<Node>,
    /// Edge lists of the nodes with two children or more (see [`Node::edges`]).
    lists: Vec<u8>,
    /// The root's transitions by byte (0: none; the root is never a child).
    root: Box<[u32; 256]>,
    /// The forms of one byte, by byte ([`NONE`]: none).
    root_form: Box<[u32; 256]>,
    /// The node two bytes down by both bytes (`b0 << 8 | b1`), with its record: a walk
    /// skips the search in the long edge lists of the first level.
    root2: Vec<Second>,
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
        // one node per distinct prefix: the root, plus each form's bytes past the prefix it
        // shares with the form before it (sizing the array exactly spares a million-name
        // build its reallocations)
        let mut count = 1;
        // edges past a node's first: a form that branches off the one before below its end
        let mut extra = 0;
        let mut prev: &[u8] = &[];
        for (f, _) in order.clone() {
            let l = lcp(prev, f);
            count += f.len() - l;
            extra += usize::from(0 < l && l < prev.len());
            prev = f;
        }
        let mut nodes: Vec<Node> = Vec::with_capacity(count);
        nodes.push(Node {
            form: NONE,
            edges: LEAF,
        });
        // the nodes on the path of the form before: path[d] is its prefix of length d
        let mut path: Vec<u32> = vec![0];
        // the edges of path[d] past its first, as (label, child): a node's edges are all
        // known once the sorted forms leave its subtree, and then its list is laid out
        let mut pending: Vec<Vec<(u8, u32)>> = Vec::new();
        // a list holds its node's extra edges and two entries more
        let mut lists: Vec<u8> = Vec::with_capacity(11 * extra);
        let mut finish = |nodes: &mut [Node], n: u32, extra: &mut Vec<(u8, u32)>| {
            if extra.is_empty() {
                return;
            }
            let node = &mut nodes[n as usize];
            debug_assert!(node.edges & SINGLE != 0 && node.edges != LEAF);
            let o = lists.len() as u32;
            assert!(o < SINGLE, "trie edge lists overflow");
            lists.push(extra.len() as u8);
            lists.push((node.edges & 0xFF) as u8);
            lists.extend(extra.iter().map(|&(b, _)| b));
            lists.extend((n + 1).to_le_bytes());
            for (_, c) in extra.drain(..) {
                lists.extend(c.to_le_bytes());
            }
            node.edges = o;
        };
        let mut root = Box::new([0u32; 256]);
        let mut prev: &[u8] = &[];
        for (f, id) in order {
            debug_assert!(prev < f && !f.is_empty(), "sorted, distinct, non-empty");
            // a form sorted after another is never its prefix, so it makes a node
            let l = lcp(prev, f);
            while path.len() > l + 1 {
                let d = path.len() - 1;
                let n = path.pop().expect("a node");
                finish(&mut nodes, n, &mut pending[d]);
            }
            if pending.len() <= f.len() {
                pending.resize_with(f.len() + 1, Vec::new);
            }
            for (d, &b) in f.iter().enumerate().skip(l) {
                let parent = path[d];
                let n = nodes.len() as u32;
                if d == 0 {
                    root[b as usize] = n;
                } else if nodes[parent as usize].edges == LEAF {
                    // the first child is made right after its parent
                    debug_assert_eq!(parent + 1, n);
                    nodes[parent as usize].edges = SINGLE | b as u32;
                } else {
                    pending[d].push((b, n));
                }
                nodes.push(Node {
                    form: NONE,
                    edges: LEAF,
                });
                path.push(n);
            }
            nodes[*path.last().expect("a node") as usize].form = id;
            prev = f;
        }
        while path.len() > 1 {
            let d = path.len() - 1;
            let n = path.pop().expect("a node");
            finish(&mut nodes, n, &mut pending[d]);
        }
        let mut trie = Trie {
            nodes,
            lists,
            root,
            root_form: Box::new([NONE; 256]),
            root2: vec![Second::default(); 1 << 16],
        };
        for b0 in 0..=255u8 {
            if let Some(n1) = trie.first(b0) {
                trie.root_form[usize::from(b0)] = trie.nodes[n1 as usize].form;
                for b1 in 0..=255u8 {
                    if let Some(n2) = trie.next(n1, trie.nodes[n1 as usize].edges, b1) {
                        let Node { form, edges } = trie.nodes[n2 as usize];
                        trie.root2[usize::from(b0) << 8 | usize::from(b1)] = Second {
                            node: n2,
                            form,
                            edges,
                        };
                    }
                }
            }
        }
        trie
    }

    /// The node reached from the root through `b`.
    #[inline]
    pub(crate) fn first(&self, b: u8) -> Option<u32> {
        let c = self.root[b as usize];
        (c != 0).then_some(c)
    }

    /// The node reached from `node` through `b`.
    #[cfg(test)]
    pub(crate) fn step(&self, node: u32, b: u8) -> Option<u32> {
        if node == 0 {
            return self.first(b);
        }
        self.next(node, self.nodes[node as usize].edges, b)
    }

    /// The node reached from `node`, whose edges are `edges`, through `b`.
    #[inline]
    fn next(&self, node: u32, edges: u32, b: u8) -> Option<u32> {
        if edges & SINGLE != 0 {
            // most nodes have one child (or none: LEAF's label bits are never a byte)
            return (edges == SINGLE | b as u32).then_some(node + 1);
        }
        let o = edges as usize;
        let n = self.lists[o] as usize + 1;
        let p = self.lists[o + 1..o + 1 + n].iter().position(|&l| l == b)?;
        let c = o + 1 + n + 4 * p;
        Some(u32::from_le_bytes(
            self.lists[c..c + 4].try_into().expect("4 bytes"),
        ))
    }

    /// The form that ends at `node`.
    #[cfg(test)]
    pub(crate) fn form(&self, node: u32) -> Option<u32> {
        let f = self.nodes[node as usize].form;
        (f != NONE).then_some(f)
    }

    /// Walks `hay` from the root, calling `each(end, form)` for every form that is a
    /// prefix of it (`end`: its length), shortest first.
    #[inline]
    pub(crate) fn prefixes(&self, hay: &[u8], mut each: impl FnMut(usize, u32)) {
        let Some((&b, rest)) = hay.split_first() else {
            return;
        };
        if self.root[b as usize] == 0 {
            return;
        }
        let form = self.root_form[b as usize];
        if form != NONE {
            each(1, form);
        }
        let Some((&b1, rest)) = rest.split_first() else {
            return;
        };
        let second = self.root2[usize::from(b) << 8 | usize::from(b1)];
        if second.node == 0 {
            return;
        }
        if second.form != NONE {
            each(2, second.form);
        }
        let mut rest = rest.iter();
        let Some(&b) = rest.next() else {
            return;
        };
        let Some(mut node) = self.next(second.node, second.edges, b) else {
            return;
        };
        let mut end = 3;
        loop {
            let Node { form, edges } = self.nodes[node as usize];
            if form != NONE {
                each(end, form);
            }
            let Some(&b) = rest.next() else {
                return;
            };
            match self.next(node, edges, b) {
                Some(n) => node = n,
                None => return,
            }
            end += 1;
        }
    }

    /// Heap bytes held.
    #[allow(dead_code)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.lists.capacity()
            + 2 * 256 * 4
            + self.root2.capacity() * std::mem::size_of::<Second>()
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

    fn walk(t: &Trie, hay: &str) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        let mut node = 0;
        for (p, &b) in hay.as_bytes().iter().enumerate() {
            match t.step(node, b) {
                Some(n) => node = n,
                None => break,
            }
            if let Some(f) = t.form(node) {
                out.push((p + 1, f));
            }
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
    }

    #[test]
    fn prefixes_match_the_walk() {
        // many forms, with long shared prefixes and nodes of many children
        let mut forms: Vec<String> = Vec::new();
        let mut x: u32 = 7;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(x % 9 + 1) {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                s.push(b"ab cdeoq"[(x >> 16) as usize % 8] as char);
            }
            forms.push(s);
        }
        forms.sort();
        forms.dedup();
        forms.retain(|f| !f.is_empty());
        let t = Trie::new(&forms);
        for hay in forms.iter().take(500).map(|f| format!("{f}{f} x")) {
            let mut got = Vec::new();
            t.prefixes(hay.as_bytes(), |end, f| got.push((end, f)));
            assert_eq!(got, naive(&forms, &hay), "{hay:?}");
            assert_eq!(walk(&t, &hay), got, "{hay:?}");
        }
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
    fn empty_trie() {
        let t = Trie::new(&[]);
        assert_eq!(t.step(0, b'a'), None);
        assert_eq!(t.form(0), None);
    }
}
