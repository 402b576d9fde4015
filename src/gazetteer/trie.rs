//! A byte trie over the folded surface forms, for anchored longest-match search.
//!
//! Matching in the gazetteer is anchored at a token start and wants the longest form that
//! also ends on a token boundary. A trie answers that in one walk: every node passed that
//! ends a form is a candidate, and the last one on a boundary wins. No failure links are
//! needed (nothing is searched unanchored), so building is one sort and one linear pass.
//!
//! Layout: nodes are numbered breadth-first, so the children of a node are consecutive and
//! the child reached through edge `e` is node `e + 1` (every node but the root has exactly
//! one incoming edge, and edges are numbered in the order their target nodes are). A node
//! costs 9 bytes: its first edge (`start`), the form it ends (`form`) and its incoming label.

/// No form ends at this node.
const NONE: u32 = u32::MAX;

/// The compiled trie.
#[derive(Clone, Debug, Default)]
pub(crate) struct Trie {
    /// `start[n]..start[n + 1]` are node `n`'s edges (one extra entry at the end).
    start: Vec<u32>,
    /// Edge labels, sorted within a node.
    labels: Vec<u8>,
    /// The form that ends at a node, or [`NONE`].
    form: Vec<u32>,
    /// The root's transitions by byte (0: none; the root is never a child).
    root: Vec<u32>,
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
        debug_assert!(order.windows(2).all(|w| w[0].0 < w[1].0));
        let byte = |i: u32, d: u32| order[i as usize].0.get(d as usize).copied();
        // the queue of nodes to lay out, breadth-first: (lo, hi, depth) stands for the
        // sorted forms order[lo..hi], which share their first `depth` bytes (a queue, not
        // a list of all nodes: it holds one level of the trie at a time)
        let mut tasks: std::collections::VecDeque<(u32, u32, u32)> =
            std::collections::VecDeque::from([(0, order.len() as u32, 0)]);
        // one node per distinct prefix: the root, plus each form's bytes past the prefix it
        // shares with the form before it (sizing the arrays exactly spares a million-name
        // build its reallocations)
        let mut nodes = 1;
        for (i, (f, _)) in order.iter().enumerate() {
            let lcp = match i.checked_sub(1) {
                Some(j) => f.iter().zip(order[j].0).take_while(|(a, b)| a == b).count(),
                None => 0,
            };
            nodes += f.len() - lcp;
        }
        let mut start = Vec::with_capacity(nodes + 1);
        let mut labels = Vec::with_capacity(nodes);
        let mut form = Vec::with_capacity(nodes);
        while let Some((mut lo, hi, d)) = tasks.pop_front() {
            start.push(labels.len() as u32);
            // the form that ends here sorts first
            if lo < hi && byte(lo, d).is_none() {
                form.push(order[lo as usize].1);
                lo += 1;
            } else {
                form.push(NONE);
            }
            while lo < hi {
                let b = byte(lo, d);
                let mut e = lo + 1;
                while e < hi && byte(e, d) == b {
                    e += 1;
                }
                labels.push(b.unwrap_or(0));
                tasks.push_back((lo, e, d + 1));
                lo = e;
            }
        }
        start.push(labels.len() as u32);
        let mut root = vec![0u32; 256];
        for e in start[0]..start[1] {
            root[labels[e as usize] as usize] = e + 1;
        }
        Trie {
            start,
            labels,
            form,
            root,
        }
    }

    /// The node reached from `node` through `b`.
    #[inline]
    pub(crate) fn step(&self, node: u32, b: u8) -> Option<u32> {
        if node == 0 {
            let c = self.root[b as usize];
            return (c != 0).then_some(c);
        }
        let s = self.start[node as usize] as usize;
        let e = self.start[node as usize + 1] as usize;
        let labels = &self.labels[s..e];
        // most nodes have one child
        if labels.len() == 1 {
            return (labels[0] == b).then_some(s as u32 + 1);
        }
        labels
            .iter()
            .position(|&l| l == b)
            .map(|p| (s + p) as u32 + 1)
    }

    /// The form that ends at `node`.
    #[inline]
    pub(crate) fn form(&self, node: u32) -> Option<u32> {
        let f = self.form[node as usize];
        (f != NONE).then_some(f)
    }

    /// Heap bytes held.
    #[allow(dead_code)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.start.capacity() * 4
            + self.labels.capacity()
            + self.form.capacity() * 4
            + self.root.capacity() * 4
    }
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
    fn empty_trie() {
        let t = Trie::new(&[]);
        assert_eq!(t.step(0, b'a'), None);
        assert_eq!(t.form(0), None);
    }
}
