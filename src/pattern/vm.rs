//! The matcher: anchor filter, then per rule a backward longest-match pass and a forward
//! capture pass, both Thompson-NFA simulations (Pike VM) over sets of states marked with a
//! stamp (see `Threads`).
//!
//! # Why two passes
//!
//! The obvious scheme (search forward for the leftmost-longest match, restart after it) is
//! linear per search but can rescan: with `x | x _* y` over `x x x ... x` every search runs
//! to the end of the sentence looking for `y`, and there are `n` searches. Instead:
//!
//! 0. The forward automaton, without captures, runs from every anchor word of the sentence
//!    (entered after the instruction that reads it) and marks where a match may end: a
//!    match reads an anchor word, so it ends where this pass gets to. This touches only
//!    the few units after each anchor word (see `match_ends`).
//! 1. The *reversed* automaton runs once from the last of those ends to the start. Every
//!    thread carries the position where it was seeded (the end of the match it would make);
//!    when two threads reach the same state at the same position their futures are the same,
//!    so keeping the one with the larger end loses nothing. Whenever a thread reaches the
//!    pattern's start at position `i`, `longest[i]` gets its end. One pass, `O(n × m)`, gives
//!    the longest match from every start. Threads are seeded only at the ends of step 0.
//! 2. Greedy selection over `longest` gives the non-overlapping leftmost-longest matches.
//! 3. For each selected match `[s, e)` the forward automaton (with capture instructions) runs
//!    anchored from `s` to `e`, and the highest-priority thread that accepts exactly at `e`
//!    gives the captures. Matches do not overlap, so this is `O(n × m)` in total too.
//!
//! Captures are persistent linked lists of open/close events in an arena (shared tails,
//! no copying when threads split); the arena is cleared for every selected match.

use super::compile::{
    Compiled, Fast, Inst, Leaves, NO_WORD, Pred, Program, RuleProg, unit_class, unit_features,
    word_bit,
};
use super::parse::{EntitySel, kind_bit, shape_bit};
use super::{Capture, Match, SlotId, Unit, UnitKind};
use crate::text::fold_str;

const NONE: u32 = u32::MAX;

/// In [`Cache::words`]: the unit's word id and features are not looked up yet. No word id
/// comes near it (rule files have a few hundred words).
const UNSEEN: u32 = NO_WORD - 1;

/// The word id of a unit text ([`NO_WORD`] if no rule mentions it).
#[inline]
fn word_id(c: &Compiled, norm: &[u8]) -> u32 {
    if c.vocab_filter.may_contain_bytes(norm) {
        c.vocab.get_bytes(norm).unwrap_or(NO_WORD)
    } else {
        NO_WORD
    }
}

/// The word id of `norm` if it is an anchor word of some rule, for a text that passed
/// `anchor_filter`: the filters in front of the word table let few other words through.
#[inline]
pub(super) fn anchor_word(c: &Compiled, norm: &[u8]) -> Option<u32> {
    if !c.anchor_prefix.may_contain(norm) {
        return None;
    }
    let w = c.vocab.get_bytes(norm)?;
    let (a, b) = c.anchor_ranges[w as usize];
    (a < b).then_some(w)
}

/// The word id and feature bits of unit `i`, looked up the first time a pass reads it:
/// the passes read few of a sentence's units (a seventh in news text), and the lookup of
/// every unit in the word table cost more than the passes themselves.
#[inline]
fn unit_at(
    c: &Compiled,
    units: &[Unit<'_>],
    words: &mut [u32],
    feats: &mut [u32],
    i: usize,
) -> (u32, u32) {
    if words[i] == UNSEEN {
        words[i] = word_id(c, units[i].norm.as_bytes());
        feats[i] = unit_features(&units[i]);
    }
    (words[i], feats[i])
}

/// Per-sentence scratch space for [`RuleSet::find_all`](super::RuleSet::find_all).
///
/// Create one with [`RuleSet::cache`](super::RuleSet::cache) (or `Cache::default()`) and
/// reuse it: its buffers grow to the largest sentence and rule seen and are then reused,
/// so matching does not allocate per unit. A cache may be used with any rule set, one call
/// at a time; it is not shared between threads (make one per thread).
#[derive(Clone, Debug, Default)]
pub struct Cache {
    /// Word id of every unit, [`UNSEEN`] until a pass reads the unit (see [`unit_at`]).
    words: Vec<u32>,
    /// Feature bits of every unit (kind and shape, see `compile::unit_features`), set with
    /// its word id.
    feats: Vec<u32>,
    /// Positions of the units that are anchor words, in order.
    anchors: Vec<u32>,
    /// Per rule: which of its anchor sets occur in the sentence (zero between calls).
    seen: Vec<u64>,
    /// Rules with a nonzero `seen` mask.
    touched: Vec<u32>,
    /// Per touched rule: the position where its last anchor set was first seen. A match
    /// holds a word of every set, so it ends after this position.
    lo: Vec<u32>,
    /// Positions where a match of the rule at hand may end, in increasing order (see
    /// [`match_ends`]).
    ends: Vec<u32>,
    /// `longest[i]`: end of the longest match starting at `i`, or `NONE`.
    longest: Vec<u32>,
    cur: Threads,
    next: Threads,
    stack: Vec<(u32, u32)>,
    /// Capture events: (previous event, slot, position, open?).
    arena: Vec<CapNode>,
    /// Captures being built: open spans waiting for their close.
    open: Vec<usize>,
    events: Vec<u32>,
    /// Results of the slow predicates at the current position: `memo_at[s] == stamp` when
    /// `memo[s]` holds the result of the predicate with memo slot `s` there (many threads
    /// test the same predicate).
    memo: Vec<bool>,
    memo_at: Vec<u32>,
    stamp: u32,
    /// Thread steps taken in the last call.
    steps: u64,
}

/// Evaluates predicate `pred` (a slow one, memo slot `slot`) on `u`, once per position
/// (see [`Cache::memo`]).
#[allow(clippy::too_many_arguments)]
#[inline]
fn eval_memo(
    c: &Compiled,
    pred: u32,
    slot: u32,
    u: &Unit<'_>,
    word: u32,
    memo: &mut [bool],
    memo_at: &mut [u32],
    stamp: u32,
) -> bool {
    let p = slot as usize;
    if memo_at[p] == stamp {
        return memo[p];
    }
    let v = eval(c, pred, u, word);
    memo[p] = v;
    memo_at[p] = stamp;
    v
}

/// Tests predicate `pred` on unit `u` (word id `word`, features `feat`): inline for the
/// simple forms, else through the memo.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn holds(
    c: &Compiled,
    pred: u32,
    u: &Unit<'_>,
    word: u32,
    feat: u32,
    memo: &mut [bool],
    memo_at: &mut [u32],
    stamp: u32,
) -> bool {
    match c.fast[pred as usize] {
        Fast::Mask(m) => feat & m != 0,
        Fast::Word(w) => word == w,
        Fast::Class(k) => c.in_class(word, k),
        Fast::Guard { mask, set, within } => feat & mask != 0 && c.in_set(word, set) == within,
        Fast::Any => true,
        Fast::Slow(slot) => eval_memo(c, pred, slot, u, word, memo, memo_at, stamp),
    }
}

impl Cache {
    /// A fresh stamp for the predicate memo (a new position).
    #[inline]
    fn next_stamp(stamp: &mut u32, memo_at: &mut [u32]) -> u32 {
        *stamp = stamp.wrapping_add(1);
        if *stamp == 0 {
            memo_at.fill(0);
            *stamp = 1;
        }
        *stamp
    }
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Cache {
        Cache::default()
    }

    /// The number of automaton steps (one thread trying one unit, or one closure state)
    /// taken by the last call that used this cache: a measure of work for tests and
    /// benchmarks.
    pub fn steps(&self) -> u64 {
        self.steps
    }
}

#[cfg(test)]
impl Cache {
    /// Capacities of every buffer, to check that steady-state calls do not grow them.
    pub(crate) fn capacities(&self) -> Vec<usize> {
        vec![
            self.words.capacity(),
            self.feats.capacity(),
            self.anchors.capacity(),
            self.seen.capacity(),
            self.touched.capacity(),
            self.lo.capacity(),
            self.ends.capacity(),
            self.longest.capacity(),
            self.cur.mark.capacity(),
            self.cur.list.capacity(),
            self.next.mark.capacity(),
            self.next.list.capacity(),
            self.stack.capacity(),
            self.arena.capacity(),
            self.open.capacity(),
            self.events.capacity(),
            self.memo.capacity(),
            self.memo_at.capacity(),
        ]
    }
}

#[derive(Clone, Copy, Debug)]
struct CapNode {
    prev: u32,
    slot: u16,
    open: bool,
    pos: u32,
}

#[derive(Clone, Copy, Debug)]
struct Thread {
    pc: u32,
    /// Forward: capture list head; backward: the end the thread started from.
    data: u32,
}

/// A set of states plus the ordered list of threads waiting on a unit.
///
/// The set is a mark per state: state `pc` is in it when `mark[pc] == stamp`, so clearing
/// it is one increment. The list is sized to the program once ([`Threads::resize`]): a
/// state enters it at most once between clears, so adding a thread never grows it, and
/// the matcher's inner loops make no call that could (which let the compiler keep the
/// set's fields in registers).
#[derive(Clone, Debug)]
struct Threads {
    mark: Vec<u32>,
    stamp: u32,
    /// The threads are `list[..len]`.
    list: Vec<Thread>,
    len: usize,
}

impl Default for Threads {
    fn default() -> Threads {
        // a stamp no fresh mark (0) equals: the empty set
        Threads {
            mark: Vec::new(),
            stamp: 1,
            list: Vec::new(),
            len: 0,
        }
    }
}

impl Threads {
    /// Makes room for the states of a program of `n` instructions.
    fn resize(&mut self, n: usize) {
        if self.mark.len() < n {
            self.mark.resize(n, 0);
            self.list.resize(n, Thread { pc: 0, data: 0 });
        }
    }

    #[inline]
    fn clear(&mut self) {
        self.len = 0;
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.fill(0);
            self.stamp = 1;
        }
    }

    /// Inserts `pc`; false if it was already there.
    #[inline]
    fn insert(&mut self, pc: u32) -> bool {
        let m = &mut self.mark[pc as usize];
        if *m == self.stamp {
            return false;
        }
        *m = self.stamp;
        true
    }

    /// Appends a thread (its state was just inserted, so there is room).
    #[inline]
    fn push(&mut self, t: Thread) {
        self.list[self.len] = t;
        self.len += 1;
    }

    /// Adds a thread with `data` for each state of `pcs` not in the set yet, in order: a
    /// closure computed once (see [`unit_closures`]). The set's fields are read into locals
    /// first: written through the struct, they were reloaded for every state (the compiler
    /// cannot tell that the marks and threads written do not overlap them).
    #[inline]
    fn add_leaves(&mut self, pcs: &[u32], data: u32) {
        let stamp = self.stamp;
        let (mark, list) = (&mut self.mark[..], &mut self.list[..]);
        let mut len = self.len;
        for &pc in pcs {
            let m = &mut mark[pc as usize];
            if *m != stamp {
                *m = stamp;
                list[len] = Thread { pc, data };
                len += 1;
            }
        }
        self.len = len;
    }

    /// The threads, in order.
    #[inline]
    fn threads(&self) -> &[Thread] {
        &self.list[..self.len]
    }
}

impl Cache {
    /// Sizes the per-rule buffers for the rules of `c`.
    fn fit_rules(&mut self, c: &Compiled) {
        let nrules = c.progs.len();
        if self.seen.len() != nrules {
            // another rule set used this cache last
            self.seen.clear();
            self.seen.resize(nrules, 0);
            self.lo.clear();
            self.lo.resize(nrules, 0);
        }
    }
}

/// Marks the anchor sets word `w` belongs to as seen in `seen` (a mask per rule, listed in
/// `touched` once nonzero) and calls `first_sighting(rule, mask)` for each set seen for the
/// first time, with the rule's new mask.
#[inline]
fn note_anchor(
    c: &Compiled,
    w: u32,
    seen: &mut [u64],
    touched: &mut Vec<u32>,
    first_sighting: impl FnMut(usize, u64),
) {
    note_anchor_if(c, w, seen, touched, |_, _| true, first_sighting)
}

/// [`note_anchor`] for the (rule, anchor set) pairs `counts(rule, set)` accepts.
#[inline]
fn note_anchor_if(
    c: &Compiled,
    w: u32,
    seen: &mut [u64],
    touched: &mut Vec<u32>,
    mut counts: impl FnMut(usize, u8) -> bool,
    mut first_sighting: impl FnMut(usize, u64),
) {
    let (a, b) = c.anchor_ranges[w as usize];
    for &(r, k) in &c.anchor_rules[a as usize..b as usize] {
        if !counts(r as usize, k) {
            continue;
        }
        let seen = &mut seen[r as usize];
        if *seen == 0 {
            touched.push(r);
        }
        if *seen & (1 << k) == 0 {
            *seen |= 1 << k;
            first_sighting(r as usize, *seen);
        }
    }
}

/// The test, before a sentence's units are built, of whether any rule would run on it:
/// fed the texts its units can have, it tells when some rule that may match units of the
/// sentence's classes ([`Compiled::may_match`]) has seen a word of each of its anchor sets
/// (as [`find`] requires to run it). Made by
/// [`RuleSet::anchor_scan`](super::RuleSet::anchor_scan); it borrows the cache's
/// per-rule masks and clears them when dropped.
pub(crate) struct AnchorScan<'a> {
    c: &'a Compiled,
    seen: &'a mut [u64],
    touched: &'a mut Vec<u32>,
    /// The classes of the sentence's units (a superset will do).
    present: u32,
}

impl<'a> AnchorScan<'a> {
    pub(crate) fn new(c: &'a Compiled, cache: &'a mut Cache, present: u32) -> AnchorScan<'a> {
        cache.fit_rules(c);
        cache.touched.clear();
        AnchorScan {
            c,
            seen: &mut cache.seen,
            touched: &mut cache.touched,
            present,
        }
    }

    /// Notes `norm`, the bytes of a folded unit text (a slice of the text: a `str` slice
    /// checks UTF-8 boundaries, a third of this test's cost); true when some rule has now
    /// seen all its anchor sets.
    #[inline]
    pub(crate) fn sees(&mut self, norm: &[u8]) -> bool {
        self.sees_any(std::iter::once(norm))
    }

    /// Notes texts up to the first after which some rule has seen all its anchor sets
    /// (true), or all of them (false). The first filter turns most words away inline; the
    /// loop keeps its table in a register (fetched through `self` after every call out of
    /// line, it was reloaded for every word).
    #[inline]
    pub(crate) fn sees_any<'t>(&mut self, texts: impl IntoIterator<Item = &'t [u8]>) -> bool {
        let (c, present) = (self.c, self.present);
        let filter = &c.anchor_filter;
        for norm in texts {
            if filter.may_contain_bytes(norm)
                && Self::sees_rest(c, self.seen, self.touched, present, norm)
            {
                return true;
            }
        }
        false
    }

    /// Notes the anchor word of a unit of one token, already looked up: `w` is its anchor
    /// id ([`for_each_anchor_word`]; [`NO_ANCHOR`] is no anchor word). `next` gives the text of the unit after it, read
    /// only for the anchor sets that say which words may follow them
    /// ([`Entry::follow`](super::compile::Entry::follow)): their word is not counted
    /// before another. True when some rule has now seen all its anchor sets.
    #[inline]
    pub(crate) fn sees_anchor<'t>(&mut self, w: u32, next: impl FnOnce() -> Next<'t>) -> bool {
        let c = self.c;
        if w == NO_ANCHOR {
            return false;
        }
        let mut next = Some(next);
        let mut follows = None;
        let mut all = false;
        note_anchor_if(
            c,
            w,
            self.seen,
            self.touched,
            |r, k| {
                let Some(words) = c.progs[r].entry.follow.as_deref().filter(|_| k == 0) else {
                    return true;
                };
                // the first rule that asks looks the next unit's word up
                let word = *follows.get_or_insert_with(|| match (next.take().unwrap())() {
                    Next::Unknown => None,
                    Next::End => Some(NO_WORD),
                    Next::Text(text) => Some(word_id(c, text)),
                });
                word.is_none_or(|w| word_bit(words, w))
            },
            |r, mask| all |= mask == c.anchor_need[r] && c.may_match(r, self.present),
        );
        all
    }

    #[inline(never)]
    fn sees_rest(
        c: &Compiled,
        seen: &mut [u64],
        touched: &mut Vec<u32>,
        present: u32,
        norm: &[u8],
    ) -> bool {
        match anchor_word(c, norm) {
            Some(w) => Self::sees_word(c, seen, touched, present, w),
            None => false,
        }
    }

    /// Notes anchor word `w`; true when some rule that may match units of the classes
    /// `present` has now seen all its anchor sets.
    #[inline(never)]
    fn sees_word(
        c: &Compiled,
        seen: &mut [u64],
        touched: &mut Vec<u32>,
        present: u32,
        w: u32,
    ) -> bool {
        let mut all = false;
        note_anchor(c, w, seen, touched, |r, mask| {
            all |= mask == c.anchor_need[r] && c.may_match(r, present);
        });
        all
    }
}

/// What follows a unit whose anchor word [`AnchorScan::sees_anchor`] notes.
pub(crate) enum Next<'t> {
    /// Not known (a unit of several tokens may start there): any word may follow.
    Unknown,
    /// The unit ends the sentence.
    End,
    /// The folded text of the next unit.
    Text(&'t [u8]),
}

/// The anchor id of a text that is no anchor word (see [`AnchorScan::sees_anchor`]).
pub(crate) const NO_ANCHOR: u32 = NO_WORD;

/// Calls `f` with every anchor word of `c` and its anchor id, the id
/// [`AnchorScan::sees_anchor`] takes for it (the word's id in the vocabulary, as
/// [`anchor_word`] finds it); a word of several anchor sets comes once for each.
pub(crate) fn for_each_anchor_word(c: &Compiled, mut f: impl FnMut(&str, u32)) {
    for w in c.anchor_words.iter().flatten().flatten() {
        let id = anchor_word(c, w.as_bytes()).expect("an anchor word is in the vocabulary");
        f(w, id);
    }
}

impl Drop for AnchorScan<'_> {
    fn drop(&mut self) {
        for &r in self.touched.iter() {
            self.seen[r as usize] = 0;
        }
        self.touched.clear();
    }
}

/// Runs every active rule (or only `only`) and appends matches to `out`.
pub(crate) fn find(
    c: &Compiled,
    only: Option<usize>,
    units: &[Unit<'_>],
    cache: &mut Cache,
    out: &mut Vec<Match>,
) {
    cache.steps = 0;
    cache.fit_rules(c);
    // 1. the anchor words, and which rules have all their anchor sets in the sentence;
    // other units' word ids are looked up when a pass reads them
    cache.touched.clear();
    cache.anchors.clear();
    cache.words.clear();
    cache.words.resize(units.len(), UNSEEN);
    cache.feats.clear();
    cache.feats.resize(units.len(), 0);
    // the classes of the units: a rule that needs a unit of a class absent here is not run
    let mut present = 0;
    for (i, u) in units.iter().enumerate() {
        present |= unit_class(u);
        let norm = u.norm.as_bytes();
        if !c.anchor_filter.may_contain_bytes(norm) {
            continue;
        }
        let Some(w) = anchor_word(c, norm) else {
            continue;
        };
        cache.words[i] = w;
        cache.feats[i] = unit_features(u);
        cache.anchors.push(i as u32);
        let lo = &mut cache.lo;
        // positions only grow: the latest first sighting is the bound
        note_anchor(c, w, &mut cache.seen, &mut cache.touched, |r, _| {
            lo[r] = i as u32;
        });
    }
    if cache.touched.is_empty() {
        return;
    }
    // keep the rules that saw every anchor set and may match units of these classes (and
    // `only`), reset the masks
    let Cache { seen, touched, .. } = cache;
    touched.retain(|&r| {
        let r = r as usize;
        let all = seen[r] == c.anchor_need[r];
        seen[r] = 0;
        all && c.may_match(r, present) && only.is_none_or(|o| o == r)
    });
    if touched.is_empty() {
        return;
    }
    touched.sort_unstable();
    cache.cur.resize(c.max_insts);
    cache.next.resize(c.max_insts);
    if cache.memo.len() < c.nslow {
        cache.memo.resize(c.nslow, false);
        cache.memo_at.resize(c.nslow, 0);
    }
    if cache.longest.len() < units.len() + 1 {
        cache.longest.resize(units.len() + 1, NONE);
    }
    // 2. rules
    for k in 0..cache.touched.len() {
        let r = cache.touched[k] as usize;
        run_rule(c, r, units, cache, out);
    }
}

fn run_rule(
    c: &Compiled,
    rule: usize,
    units: &[Unit<'_>],
    cache: &mut Cache,
    out: &mut Vec<Match>,
) {
    let prog = &c.progs[rule];
    let lo = cache.lo[rule] as usize;
    match_ends(c, prog, units, lo, cache);
    // most runs find nothing: no end, or no match back from one, and nothing to select
    if cache.ends.is_empty() {
        return;
    }
    let Some(first) = longest_matches(c, &prog.rev, units, cache) else {
        return;
    };
    let n = units.len();
    let mut i = first;
    while i < n {
        let e = cache.longest[i];
        if e == NONE || e as usize <= i {
            i += 1;
            continue;
        }
        let e = e as usize;
        let mut captures = Vec::new();
        captures_of(c, &prog.fwd, units, i, e, cache, &mut captures);
        out.push(Match {
            rule,
            start: i,
            end: e,
            captures,
        });
        i = e;
    }
}

/// Fills `cache.ends` with the positions after `lo` where a match of `prog` may end, in
/// increasing order: a superset of the ends of its matches, found without running the part
/// of the pattern before its anchor.
///
/// Every match reads a word of the rule's first anchor set with one of the unit
/// instructions of [`Entry`](super::compile::Entry), so its end is reached by the forward
/// program run from the state after that instruction. This pass runs the forward program
/// (without captures) from there, entered at every anchor word of the sentence: anchor
/// words are rare and the part of a pattern after its trigger is short, so it costs little,
/// and the backward pass then seeds threads only at these ends rather than at every
/// position after `lo` (every match ends after `lo`, see [`Cache::lo`]).
fn match_ends(c: &Compiled, prog: &RuleProg, units: &[Unit<'_>], lo: usize, cache: &mut Cache) {
    let n = units.len();
    let Cache {
        words,
        feats,
        anchors,
        ends,
        cur,
        next,
        stack,
        steps: total_steps,
        memo,
        memo_at,
        stamp,
        ..
    } = cache;
    let (fwd, entry) = (&prog.fwd, &prog.entry);
    ends.clear();
    // the anchor words not passed yet are `anchors[a..]`
    let mut a = 0;
    // the buffers' roles swap at every position: swap the references, not the buffers
    let (mut cur, mut next) = (cur, next);
    cur.clear();
    let mut steps = 0u64;
    let mut pos = 0;
    while pos <= n {
        while a < anchors.len() && (anchors[a] as usize) < pos {
            a += 1;
        }
        if cur.len == 0 {
            // no thread: only a word of the rule's anchor set can start one, so go
            // straight to the next (their word ids are known)
            while a < anchors.len() && !entry.reads(words[anchors[a] as usize]) {
                a += 1;
            }
            let Some(&p) = anchors.get(a) else {
                break;
            };
            pos = p as usize;
        }
        let st = Cache::next_stamp(stamp, memo_at);
        // the unit the threads read here, looked up once for all of them
        let here = (pos < n).then(|| {
            let (word, feat) = unit_at(c, units, words, feats, pos);
            (&units[pos], word, feat)
        });
        next.clear();
        for &t in cur.threads() {
            steps += 1;
            match fwd.insts[t.pc as usize] {
                // the match state enters a set once: one push per position
                Inst::Match if pos > lo => ends.push(pos as u32),
                Inst::Unit { pred, next: to } => {
                    let Some((unit, word, feat)) = here else {
                        continue;
                    };
                    if holds(c, pred, unit, word, feat, memo, memo_at, st) {
                        add_next(fwd, next, stack, to, 0, pos + 1, n, &mut steps);
                    }
                }
                _ => {}
            }
        }
        // the threads that enter at an anchor word here
        if let Some((unit, word, feat)) = here
            && entry.reads(word)
        {
            for &(pred, to) in &entry.insts {
                steps += 1;
                if holds(c, pred, unit, word, feat, memo, memo_at, st) {
                    add_next(fwd, next, stack, to, 0, pos + 1, n, &mut steps);
                }
            }
        }
        std::mem::swap(&mut cur, &mut next);
        pos += 1;
    }
    *total_steps += steps;
}

/// Fills `cache.longest[0..=n]` by running the reversed program from the end, with a
/// thread seeded at every end of `cache.ends` (see [`match_ends`]): at any other position
/// a seed has no future. Between ends, when no thread is left, the pass goes straight to
/// the next end below; it stops when no thread and no end is left. Returns the first
/// start with a match (`longest` is `NONE` before it), or `None` when there is none.
fn longest_matches(
    c: &Compiled,
    prog: &Program,
    units: &[Unit<'_>],
    cache: &mut Cache,
) -> Option<usize> {
    let n = units.len();
    let Cache {
        words,
        feats,
        ends,
        longest,
        cur,
        next,
        stack,
        steps: total_steps,
        memo,
        memo_at,
        stamp,
        ..
    } = cache;
    longest[..=n].fill(NONE);
    // the buffers' roles swap at every position: swap the references, not the buffers
    let (mut cur, mut next) = (cur, next);
    cur.clear();
    // counted in a local (a register) and added to the cache's count at the end
    let mut steps = 0u64;
    // positions go down: the last one given a match is the first start
    let mut first = None;
    // the ends not seeded yet are `ends[..k]`, all below `pos`
    let mut k = ends.len();
    let mut pos = n + 1;
    loop {
        if cur.len == 0 {
            // no thread left: only a seed can start one, so go straight to the next end
            let Some(k1) = k.checked_sub(1) else {
                break;
            };
            pos = ends[k1] as usize;
        } else {
            // threads are left only after a step over a unit: `pos` is not 0
            pos -= 1;
        }
        let st = Cache::next_stamp(stamp, memo_at);
        // the unit the threads read at this position (the one before it), read once here
        // rather than by every thread
        let before = pos.checked_sub(1).map(|i| {
            let (word, feat) = unit_at(c, units, words, feats, i);
            (&units[i], word, feat)
        });
        // seed: a match ending at `pos` (lowest priority: smallest end so far)
        if k > 0 && ends[k - 1] as usize == pos {
            k -= 1;
            match &prog.start_leaves {
                // the start's closure, computed once (the same states, in the same order,
                // as `add` would reach; the seed is the last to enter `cur` here)
                Some(leaves) => {
                    steps += leaves.len() as u64;
                    cur.add_leaves(leaves, pos as u32);
                }
                None => add(prog, cur, stack, prog.start, pos as u32, pos, n, &mut steps),
            }
        }
        next.clear();
        for &t in cur.threads() {
            steps += 1;
            match prog.insts[t.pc as usize] {
                Inst::Match if longest[pos] == NONE || longest[pos] < t.data => {
                    longest[pos] = t.data;
                    first = Some(pos);
                }
                Inst::Unit { pred, next: to } => {
                    let Some((unit, word, feat)) = before else {
                        continue;
                    };
                    if holds(c, pred, unit, word, feat, memo, memo_at, st) {
                        add_next(prog, next, stack, to, t.data, pos - 1, n, &mut steps);
                    }
                }
                _ => {}
            }
        }
        std::mem::swap(&mut cur, &mut next);
    }
    *total_steps += steps;
    first
}

/// Runs the forward program anchored at `s` and collects the captures of the
/// highest-priority path that accepts exactly at `e`.
#[allow(clippy::too_many_arguments)]
fn captures_of(
    c: &Compiled,
    prog: &Program,
    units: &[Unit<'_>],
    s: usize,
    e: usize,
    cache: &mut Cache,
    captures: &mut Vec<Capture>,
) {
    let Cache {
        words,
        feats,
        cur,
        next,
        stack,
        arena,
        open,
        events,
        steps,
        memo,
        memo_at,
        stamp,
        ..
    } = cache;
    let n = units.len();
    arena.clear();
    cur.clear();
    add_fwd(prog, cur, stack, arena, prog.start, NONE, s, n, steps);
    let mut found = None;
    'outer: for pos in s..=e {
        let st = Cache::next_stamp(stamp, memo_at);
        let here = (pos < e).then(|| {
            let (word, feat) = unit_at(c, units, words, feats, pos);
            (&units[pos], word, feat)
        });
        next.clear();
        for &t in cur.threads() {
            *steps += 1;
            match prog.insts[t.pc as usize] {
                Inst::Match if pos == e => {
                    found = Some(t.data);
                    break 'outer;
                }
                Inst::Unit { pred, next: to }
                    if here.is_some_and(|(unit, word, feat)| {
                        holds(c, pred, unit, word, feat, memo, memo_at, st)
                    }) =>
                {
                    add_fwd(prog, next, stack, arena, to, t.data, pos + 1, n, steps);
                }
                _ => {}
            }
        }
        std::mem::swap(cur, next);
    }
    // Always found: `e` is the end of a match from `s`. Be defensive anyway.
    let Some(mut head) = found else {
        return;
    };
    events.clear();
    while head != NONE {
        events.push(head);
        head = arena[head as usize].prev;
    }
    open.clear();
    for &ev in events.iter().rev() {
        let node = arena[ev as usize];
        if node.open {
            open.push(captures.len());
            captures.push(Capture {
                slot: SlotId(node.slot),
                start: node.pos as usize,
                end: node.pos as usize,
            });
        } else if let Some(k) = open.pop() {
            captures[k].end = node.pos as usize;
        }
    }
    // an optional or repeated slot that matched nothing is not a capture
    captures.retain(|c| c.end > c.start);
}

/// The states [`add`] reaches from a program's start, in its order, when that does not
/// depend on the position (no `^` or `$` in the program): computed once per program.
pub(crate) fn start_closure(prog: &Program) -> Option<Vec<u32>> {
    if prog
        .insts
        .iter()
        .any(|i| matches!(i, Inst::AssertStart(_) | Inst::AssertEnd(_)))
    {
        return None;
    }
    let mut set = Threads::default();
    set.resize(prog.insts.len());
    let (mut stack, mut steps) = (Vec::new(), 0);
    add(prog, &mut set, &mut stack, prog.start, 0, 0, 0, &mut steps);
    Some(set.threads().iter().map(|t| t.pc).collect())
}

/// Most closure states kept per program by [`unit_closures`], per instruction on average.
const MAX_LEAVES_PER_INST: usize = 16;

/// The states [`add`] reaches from the state after each unit instruction, in its order,
/// when that does not depend on the position (no `^` or `$`) and the lists stay within
/// [`MAX_LEAVES_PER_INST`] per instruction: computed once per program.
///
/// Adding these leaves one by one, skipping those already in the set, gives the same
/// states in the same order as [`add`]: the set [`add`] prunes at is closed under its
/// walk (every state it holds came with all the states reachable from it), so pruning
/// only skips states that are there already.
pub(crate) fn unit_closures(prog: &Program) -> Option<Leaves> {
    if prog
        .insts
        .iter()
        .any(|i| matches!(i, Inst::AssertStart(_) | Inst::AssertEnd(_)))
    {
        return None;
    }
    let n = prog.insts.len();
    let mut out = Leaves {
        ranges: vec![(0, 0); n],
        pcs: Vec::new(),
    };
    let mut set = Threads::default();
    set.resize(n);
    let (mut stack, mut steps) = (Vec::new(), 0);
    for inst in &prog.insts {
        let Inst::Unit { next, .. } = *inst else {
            continue;
        };
        if out.ranges[next as usize] != (0, 0) {
            continue;
        }
        set.clear();
        add(prog, &mut set, &mut stack, next, 0, 0, 0, &mut steps);
        let a = out.pcs.len() as u32;
        out.pcs.extend(set.threads().iter().map(|t| t.pc));
        if out.pcs.len() > MAX_LEAVES_PER_INST * n + 1024 {
            return None;
        }
        out.ranges[next as usize] = (a, out.pcs.len() as u32);
    }
    Some(out)
}

/// Adds the closure of `to`, the state after a unit instruction, at position `at` to `set`:
/// the program's precomputed leaves when it has them (see [`unit_closures`]), else by
/// [`add`].
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn add_next(
    prog: &Program,
    set: &mut Threads,
    stack: &mut Vec<(u32, u32)>,
    to: u32,
    data: u32,
    at: usize,
    n: usize,
    steps: &mut u64,
) {
    match &prog.next_leaves {
        // the leaves `add` would reach, in its order, skipping those already in `set`
        Some(leaves) => {
            let leaves = leaves.of(to);
            *steps += leaves.len() as u64;
            set.add_leaves(leaves, data);
        }
        None => add(prog, set, stack, to, data, at, n, steps),
    }
}

/// Adds the closure of `pc` at position `at` to `set`, passing capture instructions by
/// (the passes that record no captures).
#[allow(clippy::too_many_arguments)]
#[inline]
fn add(
    prog: &Program,
    set: &mut Threads,
    stack: &mut Vec<(u32, u32)>,
    pc: u32,
    data: u32,
    at: usize,
    n: usize,
    steps: &mut u64,
) {
    stack.push((pc, data));
    while let Some((mut pc, data)) = stack.pop() {
        loop {
            if !set.insert(pc) {
                break;
            }
            *steps += 1;
            match prog.insts[pc as usize] {
                Inst::Jmp(x) => pc = x,
                Inst::Split(x, y) => {
                    stack.push((y, data));
                    pc = x;
                }
                Inst::Open { next, .. } | Inst::Close { next, .. } => pc = next,
                Inst::AssertStart(next) => {
                    if at != 0 {
                        break;
                    }
                    pc = next;
                }
                Inst::AssertEnd(next) => {
                    if at != n {
                        break;
                    }
                    pc = next;
                }
                Inst::Unit { .. } | Inst::Match => {
                    set.push(Thread { pc, data });
                    break;
                }
            }
        }
    }
}

/// Adds the closure of `pc` at position `at` to `set`, recording capture events.
#[allow(clippy::too_many_arguments)]
#[inline]
fn add_fwd(
    prog: &Program,
    set: &mut Threads,
    stack: &mut Vec<(u32, u32)>,
    arena: &mut Vec<CapNode>,
    pc: u32,
    caps: u32,
    at: usize,
    n: usize,
    steps: &mut u64,
) {
    stack.push((pc, caps));
    while let Some((mut pc, mut caps)) = stack.pop() {
        loop {
            if !set.insert(pc) {
                break;
            }
            *steps += 1;
            match prog.insts[pc as usize] {
                Inst::Jmp(x) => pc = x,
                Inst::Split(x, y) => {
                    stack.push((y, caps));
                    pc = x;
                }
                Inst::Open { slot, next } | Inst::Close { slot, next } => {
                    let open = matches!(prog.insts[pc as usize], Inst::Open { .. });
                    arena.push(CapNode {
                        prev: caps,
                        slot,
                        open,
                        pos: at as u32,
                    });
                    caps = arena.len() as u32 - 1;
                    pc = next;
                }
                Inst::AssertStart(next) => {
                    if at != 0 {
                        break;
                    }
                    pc = next;
                }
                Inst::AssertEnd(next) => {
                    if at != n {
                        break;
                    }
                    pc = next;
                }
                Inst::Unit { .. } | Inst::Match => {
                    set.push(Thread { pc, data: caps });
                    break;
                }
            }
        }
    }
}

#[inline]
fn eval(c: &Compiled, pred: u32, u: &Unit<'_>, word: u32) -> bool {
    test(c, &c.preds[pred as usize], u, word)
}

fn test(c: &Compiled, p: &Pred, u: &Unit<'_>, word: u32) -> bool {
    match p {
        Pred::Any => true,
        Pred::Word(w) => word == *w,
        Pred::Class(k) => c.in_class(word, *k),
        Pred::Entity { sel, attrs } => {
            let kind_ok = match (sel, u.kind) {
                (EntitySel::Kind(k), UnitKind::Entity(uk)) => *k == uk,
                (EntitySel::AnyEntity, UnitKind::Entity(_)) => true,
                (EntitySel::Time, UnitKind::Time) => true,
                _ => false,
            };
            kind_ok
                && attrs.iter().all(|a| {
                    let v = u.attrs.and_then(|m| m.get(a.key.as_str()));
                    let hit = match v {
                        None => false,
                        Some(_) if a.values.is_empty() => true,
                        Some(v) => a.values.iter().any(|want| folded_eq(v, want)),
                    };
                    hit != a.negate
                })
        }
        Pred::Shape(bits) => bits & shape_bit(u.shape) != 0,
        Pred::Kind(bits) => bits & kind_bit(u.kind) != 0,
        Pred::Regex(re) => re.is_match(u.norm),
        Pred::Not(p) => !test(c, p, u, word),
        Pred::Or(v) => v.iter().any(|p| test(c, p, u, word)),
        Pred::And(v) => v.iter().all(|p| test(c, p, u, word)),
    }
}

/// `fold(value) == want` (with `want` already folded), without allocating for ASCII.
fn folded_eq(value: &str, want: &str) -> bool {
    if value.is_ascii() {
        value.len() == want.len()
            && value
                .bytes()
                .zip(want.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
            || (value.contains(char::is_whitespace) && super::parse::fold_phrase(value) == want)
    } else {
        super::parse::fold_phrase(&fold_str(value)) == want
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `add_leaves` (the closure loop of the backward pass) adds the same threads in the
    /// same order as `insert` and `push` one state at a time, across clears and with
    /// states repeated within and between lists.
    #[test]
    fn add_leaves_is_insert_then_push() {
        let n = 40;
        let (mut fast, mut slow) = (Threads::default(), Threads::default());
        fast.resize(n);
        slow.resize(n);
        let mut rng = crate::hash::xorshift(0x2545_f491_4f6c_dd1du64);
        for round in 0..300 {
            if round % 7 == 0 {
                fast.clear();
                slow.clear();
            }
            let x = rng();
            let pcs: Vec<u32> = (0..x % 12)
                .map(|i| ((x >> (4 * i)) % n as u64) as u32)
                .collect();
            let data = round as u32;
            fast.add_leaves(&pcs, data);
            for &pc in &pcs {
                if slow.insert(pc) {
                    slow.push(Thread { pc, data });
                }
            }
            let key = |t: &Threads| {
                t.threads()
                    .iter()
                    .map(|t| (t.pc, t.data))
                    .collect::<Vec<_>>()
            };
            assert_eq!(key(&fast), key(&slow), "round {round}");
            assert!(fast.len <= n);
        }
        // a cleared set holds nothing, whatever its stamp wrapped to
        fast.stamp = u32::MAX;
        fast.clear();
        assert!(fast.threads().is_empty());
        assert!((0..n as u32).all(|pc| fast.insert(pc)));
    }
}
