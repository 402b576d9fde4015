//! Syntax trees → programs: name resolution across files, anchors, and Thompson NFAs.
//!
//! Every rule becomes two programs over the same predicates: a forward one with capture
//! instructions (run only over a match already found, to extract captures) and a reversed
//! one without captures (run backwards over the sentence to find, for every start, the
//! longest match). See `vm.rs` for why.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::hash::{Filter, FxHashMap as FxMap, PrefixFilter, WordMap};

use super::parse::{AttrTest, EntitySel, Member, Node, NodeKind, ParsedFile, Pos, PredAst};
use super::{BUILTIN_SLOTS, Rule, SlotId, Unit, UnitKind};
use crate::doc::EntityKind;
use crate::tokenize::TokenKind;

/// Most anchor sets a rule is indexed by.
const MAX_ANCHOR_SETS: usize = 8;

/// Largest number of instructions in one rule's program.
const MAX_INSTS: usize = 20_000;

/// A test on one unit, with names resolved.
#[derive(Clone, Debug)]
pub(crate) enum Pred {
    Any,
    /// The unit's word id (see [`Compiled::vocab`]) equals this.
    Word(u32),
    /// The unit's word belongs to this class.
    Class(u32),
    Entity {
        sel: EntitySel,
        attrs: Vec<AttrTest>,
    },
    Shape(u8),
    Kind(u8),
    Regex(regex::Regex),
    Not(Box<Pred>),
    Or(Vec<Pred>),
    And(Vec<Pred>),
}

/// A predicate in the form the matcher tests it: most rule predicates are a word, a class
/// or a set of unit kinds and shapes, and those are tested inline against the unit's word
/// id and feature bits (see [`unit_features`]) instead of walking the [`Pred`] tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fast {
    Any,
    Word(u32),
    Class(u32),
    /// True when the unit's feature bits meet this mask.
    Mask(u32),
    /// True when the unit's feature bits meet `mask` and its word is in word set `set`
    /// (see [`Compiled::word_sets`]) or, when `within` is false, is not:
    /// `[shape=Lower, norm!=after|before]`, `!(a | b)`, `(a | $CLASS)`.
    Guard {
        mask: u32,
        set: u32,
        within: bool,
    },
    /// Anything else (attributes, regexes, negations): [`Pred`] is evaluated, once per
    /// position, its result kept in this slot of the matcher's memo.
    Slow(u32),
}

/// Feature bits 0..=4: the shape (as [`shape_bit`](super::parse::shape_bit)).
const FEAT_TOKEN: u32 = 5;
/// Feature bits of entity kinds start here (one per [`EntityKind`]).
const FEAT_ENTITY: u32 = 9;
const ENTITY_KINDS: [EntityKind; 8] = EntityKind::ALL;
const FEAT_TIME: u32 = FEAT_ENTITY + ENTITY_KINDS.len() as u32;
const FEAT_ANY_ENTITY: u32 = ((1 << ENTITY_KINDS.len()) - 1) << FEAT_ENTITY;

fn entity_feature(k: EntityKind) -> u32 {
    let i = match k {
        EntityKind::Person => 0,
        EntityKind::Location => 1,
        EntityKind::Organization => 2,
        EntityKind::Nationality => 3,
        EntityKind::Event => 4,
        EntityKind::Title => 5,
        EntityKind::GivenName => 6,
        EntityKind::Surname => 7,
    };
    1 << (FEAT_ENTITY + i)
}

/// A unit's feature bits: one bit for its shape, one for its kind (each entity kind its
/// own bit).
#[inline]
pub(crate) fn unit_features(u: &Unit<'_>) -> u32 {
    let kind = match u.kind {
        UnitKind::Token(TokenKind::Word) => 1 << FEAT_TOKEN,
        UnitKind::Token(TokenKind::Number) => 1 << (FEAT_TOKEN + 1),
        UnitKind::Token(TokenKind::Punct) => 1 << (FEAT_TOKEN + 2),
        UnitKind::Token(TokenKind::Symbol) => 1 << (FEAT_TOKEN + 3),
        UnitKind::Entity(k) => entity_feature(k),
        UnitKind::Time => 1 << FEAT_TIME,
    };
    kind | u32::from(super::parse::shape_bit(u.shape))
}

/// The unit classes of [`Compiled::needs`], as bits: one per entity kind (in the order of
/// the entity feature bits), then times ([`CLASS_TIME`]), then every token unit
/// ([`CLASS_TOKEN`]). A sentence's classes tell which rules can match in it at all: most
/// rules need an entity of some kind (a visit a place), and a word of a rule's anchor sets
/// often comes without one ("went to a record high").
pub(crate) const CLASS_TIME: u32 = 1 << ENTITY_KINDS.len();
/// Every token unit (word, number, punctuation or symbol): see [`CLASS_TIME`].
pub(crate) const CLASS_TOKEN: u32 = CLASS_TIME << 1;
/// Every class.
pub(crate) const CLASS_ALL: u32 = (CLASS_TOKEN << 1) - 1;
/// Every entity kind's class.
const CLASS_ANY_ENTITY: u32 = CLASS_TIME - 1;

/// The class of a unit of entity kind `k` (see [`CLASS_TIME`]).
#[inline]
pub(crate) fn entity_class(k: EntityKind) -> u32 {
    entity_feature(k) >> FEAT_ENTITY
}

/// The class of unit `u` (see [`CLASS_TIME`]).
#[inline]
pub(crate) fn unit_class(u: &Unit<'_>) -> u32 {
    match u.kind {
        UnitKind::Token(_) => CLASS_TOKEN,
        UnitKind::Entity(k) => entity_class(k),
        UnitKind::Time => CLASS_TIME,
    }
}

/// The classes of the units `p` can hold for (a superset: a word, a shape or a negation
/// can hold for a unit of any class).
fn pred_classes(p: &Pred) -> u32 {
    match p {
        Pred::Entity { sel, .. } => match sel {
            EntitySel::Kind(k) => entity_class(*k),
            EntitySel::AnyEntity => CLASS_ANY_ENTITY,
            EntitySel::Time => CLASS_TIME,
        },
        Pred::Kind(bits) => {
            let b = u32::from(*bits);
            let mut m = 0;
            if b & 0xF != 0 {
                m |= CLASS_TOKEN;
            }
            if b & 16 != 0 {
                m |= CLASS_ANY_ENTITY;
            }
            if b & 32 != 0 {
                m |= CLASS_TIME;
            }
            m
        }
        Pred::Or(v) => v.iter().fold(0, |m, q| m | pred_classes(q)),
        Pred::And(v) => v.iter().fold(CLASS_ALL, |m, q| m & pred_classes(q)),
        _ => CLASS_ALL,
    }
}

/// The sets of unit classes (as bit masks) every match of `prog` reads a unit of: for each,
/// no match is possible in a sentence without a unit of one of its classes. The sets are
/// those of the predicates that hold for no token unit; one is kept when the match state
/// cannot be reached without passing a unit instruction whose predicate holds only for
/// classes of the set. `classes` is [`pred_classes`] of every predicate.
fn needed_classes(prog: &Program, classes: &[u32]) -> Vec<u32> {
    let of = |pred: u32| classes[pred as usize];
    let mut sets: Vec<u32> = prog
        .insts
        .iter()
        .filter_map(|i| match i {
            Inst::Unit { pred, .. } if of(*pred) & CLASS_TOKEN == 0 => Some(of(*pred)),
            _ => None,
        })
        .collect();
    sets.sort_unstable();
    sets.dedup();
    let mut seen = vec![false; prog.insts.len()];
    let mut stack = Vec::new();
    sets.retain(|&set| {
        // can the match state be reached through unit instructions that hold for a class
        // outside `set`?
        seen.fill(false);
        stack.clear();
        stack.push(prog.start);
        while let Some(pc) = stack.pop() {
            let pc = pc as usize;
            if std::mem::replace(&mut seen[pc], true) {
                continue;
            }
            match prog.insts[pc] {
                Inst::Match => return false,
                Inst::Unit { pred, next } => {
                    if of(pred) & !set != 0 {
                        stack.push(next);
                    }
                }
                Inst::Split(a, b) => stack.extend([a, b]),
                Inst::Jmp(next)
                | Inst::Open { next, .. }
                | Inst::Close { next, .. }
                | Inst::AssertStart(next)
                | Inst::AssertEnd(next) => stack.push(next),
            }
        }
        true
    });
    sets
}

/// The feature mask equivalent to `p`, if there is one.
fn pred_mask(p: &Pred) -> Option<u32> {
    Some(match p {
        Pred::Shape(bits) => u32::from(*bits) & 0x1F,
        Pred::Kind(bits) => {
            let b = u32::from(*bits);
            let mut m = (b & 0xF) << FEAT_TOKEN;
            if b & 16 != 0 {
                m |= FEAT_ANY_ENTITY;
            }
            if b & 32 != 0 {
                m |= 1 << FEAT_TIME;
            }
            m
        }
        Pred::Entity { sel, attrs } if attrs.is_empty() => match sel {
            EntitySel::Kind(k) => entity_feature(*k),
            EntitySel::AnyEntity => FEAT_ANY_ENTITY,
            EntitySel::Time => 1 << FEAT_TIME,
        },
        Pred::Or(v) => {
            let mut m = 0;
            for q in v {
                m |= pred_mask(q)?;
            }
            m
        }
        _ => return None,
    })
}

/// The words of `p` when it is a set of words (words, classes and alternatives of them).
fn pred_word_set(p: &Pred, class_words: &[Vec<u32>], out: &mut Vec<u32>) -> bool {
    match p {
        Pred::Word(w) => out.push(*w),
        Pred::Class(k) => out.extend_from_slice(&class_words[*k as usize]),
        Pred::Or(v) => {
            for q in v {
                if !pred_word_set(q, class_words, out) {
                    return false;
                }
            }
        }
        _ => return false,
    }
    true
}

/// A word set and whether the unit's word must be in it (true) or out of it (false).
type WordTest = (Vec<u32>, bool);

/// `p` as a feature mask and a word test.
fn pred_guard(p: &Pred, class_words: &[Vec<u32>]) -> Option<(u32, Option<WordTest>)> {
    if let Some(m) = pred_mask(p) {
        return Some((m, None));
    }
    let mut words = Vec::new();
    if pred_word_set(p, class_words, &mut words) {
        return Some((u32::MAX, Some((words, true))));
    }
    match p {
        Pred::Not(q) => {
            let mut words = Vec::new();
            pred_word_set(q, class_words, &mut words).then_some((u32::MAX, Some((words, false))))
        }
        Pred::And(v) => {
            // at most one mask and one word set (two masks do not make one mask)
            let (mut mask, mut set) = (None, None);
            for q in v {
                let (m, s) = pred_guard(q, class_words)?;
                match s {
                    Some(s) if m == u32::MAX && set.is_none() => set = Some(s),
                    None if mask.is_none() => mask = Some(m),
                    _ => return None,
                }
            }
            Some((mask.unwrap_or(u32::MAX), set))
        }
        _ => None,
    }
}

/// How the matcher tests `p`; word sets go to `sets` (bit sets over word ids).
/// `words` as a bit set over the `nwords` word ids (see [`word_bit`]).
fn word_bits(words: impl IntoIterator<Item = u32>, nwords: usize) -> Vec<u64> {
    let mut bits = vec![0u64; nwords.div_ceil(64)];
    for w in words {
        bits[w as usize / 64] |= 1 << (w % 64);
    }
    bits
}

/// True when word `word` is in the bit set `bits` ([`word_bits`]); [`NO_WORD`] never is.
#[inline]
pub(crate) fn word_bit(bits: &[u64], word: u32) -> bool {
    word != NO_WORD && bits[word as usize / 64] & (1 << (word % 64)) != 0
}

fn fast_form(p: &Pred, class_words: &[Vec<u32>], nwords: usize, sets: &mut Vec<Vec<u64>>) -> Fast {
    match p {
        Pred::Any => return Fast::Any,
        Pred::Word(w) => return Fast::Word(*w),
        Pred::Class(k) => return Fast::Class(*k),
        _ => {}
    }
    match pred_guard(p, class_words) {
        Some((mask, None)) => Fast::Mask(mask),
        Some((mask, Some((words, within)))) => {
            sets.push(word_bits(words, nwords));
            Fast::Guard {
                mask,
                set: sets.len() as u32 - 1,
                within,
            }
        }
        None => Fast::Slow(0),
    }
}

/// One automaton instruction. `u32` fields are instruction indices.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Inst {
    /// Consume one unit that satisfies `preds[pred]`.
    Unit {
        pred: u32,
        next: u32,
    },
    /// Try `0` first, then `1`.
    Split(u32, u32),
    Jmp(u32),
    /// A slot's span opens here (forward programs only).
    Open {
        slot: u16,
        next: u32,
    },
    /// A slot's span closes here (forward programs only).
    Close {
        slot: u16,
        next: u32,
    },
    /// Only at position 0.
    AssertStart(u32),
    /// Only at the end of the sentence.
    AssertEnd(u32),
    Match,
}

/// A compiled automaton.
#[derive(Clone, Debug, Default)]
pub(crate) struct Program {
    pub insts: Vec<Inst>,
    pub start: u32,
    /// The unit and match states reached from `start` without reading a unit, in the
    /// order the matcher's closure visits them; `None` when the program has an anchor
    /// (`^`, `$`), since then they depend on the position (see `vm::start_closure`).
    pub start_leaves: Option<Vec<u32>>,
    /// The same for the state after every unit instruction (`next` of `Inst::Unit`):
    /// `leaves[ranges[pc]]`, computed once per program when it has no anchor and the lists
    /// stay small (see `vm::unit_closures`). Capture instructions are passed through, as
    /// the passes that use these (all but the capture pass) do not record captures.
    pub next_leaves: Option<Leaves>,
}

/// Closures of program states, as ranges of one list.
#[derive(Clone, Debug, Default)]
pub(crate) struct Leaves {
    /// Per instruction: the range of `pcs` holding its closure (empty when not computed).
    pub ranges: Vec<(u32, u32)>,
    pub pcs: Vec<u32>,
}

impl Leaves {
    #[inline]
    pub(crate) fn of(&self, pc: u32) -> &[u32] {
        let (a, b) = self.ranges[pc as usize];
        &self.pcs[a as usize..b as usize]
    }
}

/// One rule's programs.
#[derive(Clone, Debug)]
pub(crate) struct RuleProg {
    pub fwd: Program,
    pub rev: Program,
    /// Where the forward program reads the rule's first anchor set (see [`Entry`]).
    pub entry: Entry,
}

/// The unit instructions through which every match of a rule reads a word of its first
/// anchor set (the one [`anchor_sets`] ranks best): every path from the forward program's
/// start to its match state takes one of them. Started at every word of that set in a
/// sentence, the states after them reach every position where a match can end, without
/// running the part of the pattern before the anchor (see `vm::match_ends`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Entry {
    /// The words of the anchor set, as bits over word ids: a unit whose word is not in
    /// it passes none of `insts`' predicates.
    pub words: Vec<u64>,
    /// `(pred, next)` of every unit instruction of the forward program made from a
    /// predicate the anchor set comes from.
    pub insts: Vec<(u32, u32)>,
    /// The words the unit right after an anchor word must have, as bits over word ids,
    /// when the pattern says so (every state after `insts` reads a unit whose predicate is
    /// a set of words before it can match: `visit.movement`'s movement verbs are followed
    /// by `to`, `into`, `back`...); `None` when a match may end at the anchor word or go on
    /// with any other kind of unit. [`vm::AnchorScan`](super::vm::AnchorScan) counts an
    /// anchor word of this set only before such a unit.
    pub follow: Option<Vec<u64>>,
}

impl Entry {
    fn new(
        fwd: &Program,
        anchor: &Anchor,
        preds: &[Pred],
        class_words: &[Vec<u32>],
        nwords: usize,
    ) -> Entry {
        let words = word_bits(anchor.words.iter().copied(), nwords);
        let insts: Vec<(u32, u32)> = fwd
            .insts
            .iter()
            .filter_map(|i| match *i {
                Inst::Unit { pred, next } if anchor.preds.contains(&pred) => Some((pred, next)),
                _ => None,
            })
            .collect();
        let follow = follow_words(fwd, insts.iter().map(|&(_, next)| next), preds, class_words)
            .map(|list| word_bits(list, nwords));
        Entry {
            words,
            insts,
            follow,
        }
    }

    /// True when word `word` is in the anchor set.
    #[inline]
    pub(crate) fn reads(&self, word: u32) -> bool {
        word_bit(&self.words, word)
    }
}

/// The words of the first unit any path of `prog` from the states `from` reads before it
/// reaches the match state, when every unit instruction such a path meets first tests a
/// set of words (see [`pred_word_set`]); `None` when the match state (or the end of the
/// sentence, `$`) is reachable without reading a unit, or some first unit is tested
/// otherwise. A `^` is passed over, as if it held (a superset).
fn follow_words(
    prog: &Program,
    from: impl IntoIterator<Item = u32>,
    preds: &[Pred],
    class_words: &[Vec<u32>],
) -> Option<Vec<u32>> {
    let mut words = Vec::new();
    let mut seen = vec![false; prog.insts.len()];
    let mut stack: Vec<u32> = from.into_iter().collect();
    while let Some(pc) = stack.pop() {
        let pc = pc as usize;
        if std::mem::replace(&mut seen[pc], true) {
            continue;
        }
        match prog.insts[pc] {
            Inst::Match | Inst::AssertEnd(_) => return None,
            Inst::Unit { pred, .. } => {
                if !pred_word_set(&preds[pred as usize], class_words, &mut words) {
                    return None;
                }
            }
            Inst::Split(a, b) => stack.extend([a, b]),
            Inst::Jmp(next)
            | Inst::Open { next, .. }
            | Inst::Close { next, .. }
            | Inst::AssertStart(next) => stack.push(next),
        }
    }
    Some(words)
}

/// Everything the matcher needs.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    /// Slot names, indexed by `SlotId`.
    pub slots: Vec<String>,
    pub preds: Vec<Pred>,
    /// `preds` in the form the matcher tests them.
    pub fast: Vec<Fast>,
    /// Word sets of [`Fast::Guard`]: bit sets over word ids.
    pub word_sets: Vec<Vec<u64>>,
    /// The number of [`Fast::Slow`] predicates (memo slots).
    pub nslow: usize,
    pub progs: Vec<RuleProg>,
    /// Every word the rules mention (literals and class members) → word id: looked up
    /// for every unit the matcher reads, so a [`WordMap`] (one probe, no string compare)
    /// rather than a hash map of strings.
    pub vocab: WordMap<u32>,
    /// Passes every vocabulary word.
    pub vocab_filter: Filter,
    /// Passes every anchor word.
    pub anchor_filter: Filter,
    /// A second test on anchor words, for the words that pass `anchor_filter`.
    pub anchor_prefix: PrefixFilter,
    /// Per word id: the range of `anchor_rules` listing the (rule, anchor set) pairs whose
    /// anchor set contains the word.
    pub anchor_ranges: Vec<(u32, u32)>,
    pub anchor_rules: Vec<(u32, u8)>,
    /// Per rule: the bit mask of all its anchor sets; the rule runs when all are seen.
    pub anchor_need: Vec<u64>,
    /// Per rule: its anchor sets as words, for [`super::RuleSet::anchors`].
    pub anchor_words: Vec<Vec<Vec<String>>>,
    /// Per rule: the sets of unit classes its matches need a unit of, each a bit mask
    /// (see [`CLASS_TIME`] and [`Compiled::may_match`]).
    pub needs: Vec<Vec<u32>>,
    /// Class membership bits: word `w` is in class `c` if bit `c` of row `w` is set.
    pub class_bits: Vec<u64>,
    pub class_stride: usize,
    /// Longest program (both directions), for sizing caches.
    pub max_insts: usize,
    /// Class name → class id.
    pub class_index: HashMap<String, u32>,
    /// Per class: its words, sorted.
    pub class_members: Vec<Vec<String>>,
}

impl Compiled {
    /// False when rule `rule` has no match in a sentence whose units are of the classes
    /// `present` (see [`CLASS_TIME`]): some class its matches need is missing.
    #[inline]
    pub(crate) fn may_match(&self, rule: usize, present: u32) -> bool {
        self.needs[rule].iter().all(|&set| set & present != 0)
    }

    /// True if `word` is in word set `set` of [`Compiled::word_sets`].
    #[inline]
    pub(crate) fn in_set(&self, word: u32, set: u32) -> bool {
        word_bit(&self.word_sets[set as usize], word)
    }

    #[inline]
    pub(crate) fn in_class(&self, word: u32, class: u32) -> bool {
        let c = class as usize;
        word != NO_WORD
            && self.class_bits[word as usize * self.class_stride + c / 64] & (1 << (c % 64)) != 0
    }
}

/// The word id of a unit whose text no rule mentions.
pub(crate) const NO_WORD: u32 = u32::MAX;

/// Very frequent words: poor anchors, since they would wake their rule up in most sentences.
const COMMON: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as",
    "is", "was", "were", "are", "be", "been", "has", "have", "had", "that", "this", "it", "he",
    "she", "they", "his", "her", "their", "its", "said", "says", "not", "will", "would", "after",
    "before", "also", "but", "who", "which", "'s", ",", ".", "-", "\"", "'", "(", ")", ":", ";",
];

struct Ctx<'f> {
    files: &'f [ParsedFile],
    slots: Vec<String>,
    class_index: HashMap<String, u32>,
    class_words: Vec<Vec<u32>>,
    vocab: FxMap<Box<str>, u32>,
    words: Vec<String>,
    preds: Vec<Pred>,
}

impl Ctx<'_> {
    fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.vocab.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(w.to_string());
        self.vocab.insert(w.into(), id);
        id
    }
}

fn loc(path: &str, pos: Pos) -> String {
    Location {
        path: path.to_string(),
        line: pos.line,
        column: pos.col,
    }
    .to_string()
}

/// Links and compiles parsed files.
pub(crate) fn compile(files: Vec<ParsedFile>) -> Result<(Vec<Rule>, Compiled)> {
    let mut cx = Ctx {
        files: &files,
        slots: BUILTIN_SLOTS.iter().map(|s| s.to_string()).collect(),
        class_index: HashMap::new(),
        class_words: Vec::new(),
        vocab: FxMap::default(),
        words: Vec::new(),
        preds: Vec::new(),
    };
    // slots
    for f in &files {
        for (name, _) in &f.slots {
            if !cx.slots.contains(name) {
                cx.slots.push(name.clone());
            }
        }
    }
    // classes: names first (so definitions may come in any order), duplicates are errors
    let mut defs: Vec<(usize, usize)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for (ci, c) in f.classes.iter().enumerate() {
            if let Some(&prev) = cx.class_index.get(&c.name) {
                let (pf, pc) = defs[prev as usize];
                let first = &files[pf].classes[pc];
                return Err(Error::at(
                    ErrorKind::DuplicateEntry,
                    &f.path,
                    c.pos.line,
                    c.pos.col,
                    format!("class ${} is defined twice", c.name),
                )
                .with_hint(format!(
                    "first defined at {}",
                    loc(&files[pf].path, first.pos)
                )));
            }
            cx.class_index.insert(c.name.clone(), defs.len() as u32);
            defs.push((fi, ci));
        }
    }
    // class members, with `$OTHER` expanded (cycles are errors)
    let mut state = vec![0u8; defs.len()]; // 0 new, 1 in progress, 2 done
    let mut expanded: Vec<Vec<String>> = vec![Vec::new(); defs.len()];
    for c in 0..defs.len() {
        expand(&cx, &defs, c, &mut state, &mut expanded)?;
    }
    for (c, words) in expanded.iter().enumerate() {
        if words.is_empty() {
            let (fi, ci) = defs[c];
            let def = &files[fi].classes[ci];
            return Err(Error::at(
                ErrorKind::RuleSyntax,
                &files[fi].path,
                def.pos.line,
                def.pos.col,
                format!("class ${} has no members", def.name),
            )
            .with_hint("list its words after `=`, or on indented lines below"));
        }
        let mut ids: Vec<u32> = words.iter().map(|w| cx.intern(w)).collect();
        ids.sort_unstable();
        ids.dedup();
        cx.class_words.push(ids);
    }
    // rules
    let mut rules: Vec<Rule> = Vec::new();
    let mut progs = Vec::new();
    let mut anchors: Vec<Vec<Anchor>> = Vec::new();
    let mut seen: HashMap<String, (usize, Pos)> = HashMap::new();
    for (fi, f) in files.iter().enumerate() {
        for r in &f.rules {
            if let Some(&(pf, ppos)) = seen.get(&r.id) {
                return Err(Error::at(
                    ErrorKind::DuplicateEntry,
                    &f.path,
                    r.pos.line,
                    r.pos.col,
                    format!("duplicate rule id `{}`", r.id),
                )
                .with_hint(format!("first defined at {}", loc(&files[pf].path, ppos))));
            }
            seen.insert(r.id.clone(), (fi, r.pos));
            let node = lower(&mut cx, &f.path, &r.pattern)?;
            let sets = anchor_sets(&cx, &node);
            if sets.is_empty() {
                return Err(Error::at(
                    ErrorKind::RuleSyntax,
                    &f.path,
                    r.pattern.pos.line,
                    r.pattern.pos.col,
                    format!("rule `{}` has no anchor word", r.id),
                )
                .with_hint(
                    "every match must contain a literal word or a $CLASS word (not optional, \
                     not negated), so that sentences without it are skipped fast",
                ));
            }
            let fwd = program(&node, false).map_err(|()| too_big(&f.path, r))?;
            let rev = program(&node, true).map_err(|()| too_big(&f.path, r))?;
            progs.push(RuleProg {
                fwd,
                rev,
                entry: Entry::default(),
            });
            anchors.push(sets);
            rules.push(Rule {
                id: r.id.clone(),
                types: r.types.clone(),
                status: r.status,
                priority: r.priority,
                pattern: r.pattern_text.clone(),
                examples: r.examples.clone(),
                location: Location {
                    path: f.path.clone(),
                    line: r.pos.line,
                    column: r.pos.col,
                },
            });
        }
    }
    // anchor index
    let nwords = cx.words.len();
    let mut per_word: Vec<Vec<(u32, u8)>> = vec![Vec::new(); nwords];
    let mut anchor_filter = Filter::new();
    let mut anchor_prefix = PrefixFilter::default();
    let mut anchor_need = Vec::with_capacity(anchors.len());
    for (ri, sets) in anchors.iter().enumerate() {
        for (k, set) in sets.iter().enumerate() {
            for &w in &set.words {
                per_word[w as usize].push((ri as u32, k as u8));
                anchor_filter.add(&cx.words[w as usize]);
                anchor_prefix.add(&cx.words[w as usize]);
            }
        }
        anchor_need.push(if sets.len() == 64 {
            u64::MAX
        } else {
            (1u64 << sets.len()) - 1
        });
    }
    let mut anchor_ranges = Vec::with_capacity(nwords);
    let mut anchor_rules = Vec::new();
    for list in &per_word {
        let a = anchor_rules.len() as u32;
        anchor_rules.extend_from_slice(list);
        anchor_ranges.push((a, anchor_rules.len() as u32));
    }
    let mut vocab_filter = Filter::new();
    let mut vocab = WordMap::new();
    // at most an eighth full: every unit of a sentence the rules run on is looked up (most
    // of them in vain), and at half full a lookup took 1.7 probes
    vocab.reserve(4 * cx.words.len());
    for (id, w) in cx.words.iter().enumerate() {
        vocab_filter.add(w);
        vocab.update(w, |_| id as u32);
    }
    let nclasses = cx.class_words.len();
    let class_stride = nclasses.div_ceil(64).max(1);
    let mut class_bits = vec![0u64; nwords * class_stride];
    for (c, words) in cx.class_words.iter().enumerate() {
        for &w in words {
            class_bits[w as usize * class_stride + c / 64] |= 1 << (c % 64);
        }
    }
    let max_insts = progs
        .iter()
        .map(|p| p.fwd.insts.len().max(p.rev.insts.len()))
        .max()
        .unwrap_or(0);
    let anchor_words = anchors
        .iter()
        .map(|sets| {
            sets.iter()
                .map(|a| {
                    let mut v: Vec<String> = a
                        .words
                        .iter()
                        .map(|&w| cx.words[w as usize].clone())
                        .collect();
                    v.sort();
                    v
                })
                .collect()
        })
        .collect();
    let class_members = cx
        .class_words
        .iter()
        .map(|ids| {
            let mut v: Vec<String> = ids.iter().map(|&w| cx.words[w as usize].clone()).collect();
            v.sort();
            v
        })
        .collect();
    let mut word_sets = Vec::new();
    let mut fast = cx
        .preds
        .iter()
        .map(|p| fast_form(p, &cx.class_words, nwords, &mut word_sets))
        .collect::<Vec<_>>();
    // number the slow predicates' memo slots
    let mut nslow = 0;
    for f in &mut fast {
        if let Fast::Slow(slot) = f {
            *slot = nslow;
            nslow += 1;
        }
    }
    for (p, sets) in progs.iter_mut().zip(&anchors) {
        p.entry = Entry::new(&p.fwd, &sets[0], &cx.preds, &cx.class_words, nwords);
    }
    let classes: Vec<u32> = cx.preds.iter().map(pred_classes).collect();
    let needs = progs
        .iter()
        .map(|p| needed_classes(&p.fwd, &classes))
        .collect();
    let compiled = Compiled {
        slots: cx.slots,
        fast,
        word_sets,
        nslow: nslow as usize,
        preds: cx.preds,
        progs,
        vocab,
        vocab_filter,
        anchor_filter,
        anchor_prefix,
        anchor_ranges,
        anchor_rules,
        anchor_need,
        anchor_words,
        needs,
        class_bits,
        class_stride,
        max_insts,
        class_index: cx.class_index,
        class_members,
    };
    Ok((rules, compiled))
}

fn too_big(path: &str, r: &super::parse::RuleDef) -> Error {
    Error::at(
        ErrorKind::RuleSyntax,
        path,
        r.pattern.pos.line,
        r.pattern.pos.col,
        format!("pattern of rule `{}` is too large", r.id),
    )
    .with_hint(format!(
        "it compiles to more than {MAX_INSTS} instructions; reduce nested {{m,n}} bounds"
    ))
}

fn expand(
    cx: &Ctx<'_>,
    defs: &[(usize, usize)],
    c: usize,
    state: &mut [u8],
    out: &mut [Vec<String>],
) -> Result<()> {
    if state[c] == 2 {
        return Ok(());
    }
    state[c] = 1;
    let (fi, ci) = defs[c];
    let file = &cx.files[fi];
    let def = &file.classes[ci];
    let mut words = Vec::new();
    for m in &def.members {
        match m {
            Member::Word(w) => words.push(w.clone()),
            Member::Class(name, pos) => {
                let Some(&other) = cx.class_index.get(name) else {
                    return Err(unknown_class(cx, &file.path, name, *pos));
                };
                let other = other as usize;
                if state[other] == 1 {
                    return Err(Error::at(
                        ErrorKind::RuleSyntax,
                        &file.path,
                        pos.line,
                        pos.col,
                        format!("class ${} includes itself through ${name}", def.name),
                    )
                    .with_hint("remove the cycle between the classes"));
                }
                expand(cx, defs, other, state, out)?;
                words.extend(out[other].iter().cloned());
            }
        }
    }
    out[c] = words;
    state[c] = 2;
    Ok(())
}

fn unknown_class(cx: &Ctx<'_>, path: &str, name: &str, pos: Pos) -> Error {
    let e = Error::at(
        ErrorKind::UnknownName,
        path,
        pos.line,
        pos.col,
        format!("unknown class ${name}"),
    );
    match super::parse::suggest(name, cx.class_index.keys().map(String::as_str)) {
        Some(s) => e.with_hint(format!("did you mean ${s}?")),
        None => e.with_hint("define it with `class NAME = word word ...` in any file of the set"),
    }
}

/// A syntax tree with names resolved and predicates moved to `Ctx::preds`.
enum LNode {
    Unit(u32),
    Seq(Vec<LNode>),
    Alt(Vec<LNode>),
    Repeat {
        node: Box<LNode>,
        min: u32,
        max: Option<u32>,
    },
    Slot {
        slot: u16,
        node: Box<LNode>,
    },
    Start,
    End,
}

fn lower(cx: &mut Ctx<'_>, path: &str, node: &Node) -> Result<LNode> {
    Ok(match &node.kind {
        NodeKind::Unit(p) => {
            let pred = lower_pred(cx, path, p)?;
            cx.preds.push(pred);
            LNode::Unit(cx.preds.len() as u32 - 1)
        }
        NodeKind::Seq(v) => LNode::Seq(
            v.iter()
                .map(|n| lower(cx, path, n))
                .collect::<Result<_>>()?,
        ),
        NodeKind::Alt(v) => {
            let branches: Vec<LNode> = v
                .iter()
                .map(|n| lower(cx, path, n))
                .collect::<Result<_>>()?;
            merge_unit_branches(cx, branches)
        }
        NodeKind::Repeat { node, min, max } => LNode::Repeat {
            node: Box::new(lower(cx, path, node)?),
            min: *min,
            max: *max,
        },
        NodeKind::Slot { name, node: inner } => {
            let Some(slot) = cx.slots.iter().position(|s| s == name) else {
                let e = Error::at(
                    ErrorKind::UnknownName,
                    path,
                    node.pos.line,
                    node.pos.col,
                    format!("unknown slot `{name}`"),
                );
                return Err(
                    match super::parse::suggest(name, cx.slots.iter().map(String::as_str)) {
                        Some(s) => e.with_hint(format!("did you mean `{s}`?")),
                        None => e.with_hint(format!(
                            "use one of {}, or declare it with `slot {name}`",
                            cx.slots.join(", ")
                        )),
                    },
                );
            };
            LNode::Slot {
                slot: slot as u16,
                node: Box::new(lower(cx, path, inner)?),
            }
        }
        NodeKind::Start => LNode::Start,
        NodeKind::End => LNode::End,
    })
}

/// An alternative whose branches are all single units, as one unit testing their union
/// (`(to | into | toward)`, `(@NATIONALITY | @LOCATION)`): one automaton state instead of
/// one per branch, so every pass runs fewer threads. The same matches and captures: the
/// branches hold no slot and all continue at the same state, where the first branch
/// that holds would have taken every thread anyway. Kept apart when the union has no
/// inline test (words mixed with entity kinds would be evaluated as a tree, slower than
/// the branches' own tests).
fn merge_unit_branches(cx: &mut Ctx<'_>, branches: Vec<LNode>) -> LNode {
    let preds: Option<Vec<Pred>> = branches
        .iter()
        .map(|n| match n {
            LNode::Unit(p) => Some(cx.preds[*p as usize].clone()),
            _ => None,
        })
        .collect();
    match preds.map(Pred::Or) {
        Some(or) if branches.len() > 1 && pred_guard(&or, &cx.class_words).is_some() => {
            cx.preds.push(or);
            LNode::Unit(cx.preds.len() as u32 - 1)
        }
        _ => LNode::Alt(branches),
    }
}

fn lower_pred(cx: &mut Ctx<'_>, path: &str, p: &PredAst) -> Result<Pred> {
    Ok(match p {
        PredAst::Any => Pred::Any,
        PredAst::Word(w) => Pred::Word(cx.intern(w)),
        PredAst::Class(name, pos) => match cx.class_index.get(name) {
            Some(&c) => Pred::Class(c),
            None => return Err(unknown_class(cx, path, name, *pos)),
        },
        PredAst::Entity { sel, attrs } => Pred::Entity {
            sel: *sel,
            attrs: attrs
                .iter()
                .map(|a| AttrTest {
                    key: a.key.clone(),
                    values: a.values.clone(),
                    negate: a.negate,
                })
                .collect(),
        },
        PredAst::Shape(b) => Pred::Shape(*b),
        PredAst::Kind(b) => Pred::Kind(*b),
        PredAst::Regex(r) => Pred::Regex(r.clone()),
        PredAst::Not(p) => Pred::Not(Box::new(lower_pred(cx, path, p)?)),
        PredAst::Or(v) => Pred::Or(
            v.iter()
                .map(|p| lower_pred(cx, path, p))
                .collect::<Result<_>>()?,
        ),
        PredAst::And(v) => Pred::And(
            v.iter()
                .map(|p| lower_pred(cx, path, p))
                .collect::<Result<_>>()?,
        ),
    })
}

/// A set of words one of which every match contains.
struct Anchor {
    words: Vec<u32>,
    /// The unit predicates the words come from: every match reads one of the words with
    /// one of these.
    preds: Vec<u32>,
    /// Lower is better: how often these words are expected in ordinary text.
    cost: u64,
    /// Found inside a `trigger:` slot (preferred: that is what the rule is about).
    trigger: bool,
}

impl Anchor {
    fn rank(&self) -> (bool, u64) {
        (!self.trigger, self.cost)
    }
}

fn pred_words(cx: &Ctx<'_>, p: &Pred) -> Option<Vec<u32>> {
    match p {
        Pred::Word(w) => Some(vec![*w]),
        Pred::Class(c) => Some(cx.class_words[*c as usize].clone()),
        Pred::Or(v) => {
            let mut all = Vec::new();
            for p in v {
                all.extend(pred_words(cx, p)?);
            }
            Some(all)
        }
        Pred::And(v) => v
            .iter()
            .filter_map(|p| pred_words(cx, p))
            .min_by_key(Vec::len),
        _ => None,
    }
}

/// The best single word set for `node`: every match of it contains one of the words.
fn anchor(cx: &Ctx<'_>, node: &LNode, in_trigger: bool) -> Option<Anchor> {
    required(cx, node, in_trigger)
        .into_iter()
        .min_by_key(Anchor::rank)
}

/// Word sets that every match of `node` must each hit (the conjunction of its parts).
fn required(cx: &Ctx<'_>, node: &LNode, in_trigger: bool) -> Vec<Anchor> {
    match node {
        LNode::Unit(p) => {
            let Some(mut words) = pred_words(cx, &cx.preds[*p as usize]) else {
                return Vec::new();
            };
            if words.is_empty() {
                return Vec::new();
            }
            words.sort_unstable();
            words.dedup();
            let cost = words
                .iter()
                .map(|&w| {
                    if COMMON.contains(&cx.words[w as usize].as_str()) {
                        1000
                    } else {
                        1
                    }
                })
                .sum();
            vec![Anchor {
                words,
                preds: vec![*p],
                cost,
                trigger: in_trigger,
            }]
        }
        LNode::Seq(v) => v.iter().flat_map(|n| required(cx, n, in_trigger)).collect(),
        LNode::Alt(v) => {
            // one of the branches matches: the union of each branch's best set
            let mut out = Anchor {
                words: Vec::new(),
                preds: Vec::new(),
                cost: 0,
                trigger: true,
            };
            for n in v {
                let Some(a) = anchor(cx, n, in_trigger) else {
                    return Vec::new();
                };
                out.words.extend(a.words);
                out.preds.extend(a.preds);
                out.cost += a.cost;
                out.trigger &= a.trigger;
            }
            out.words.sort_unstable();
            out.words.dedup();
            vec![out]
        }
        LNode::Repeat { node, min, .. } if *min > 0 => required(cx, node, in_trigger),
        LNode::Repeat { .. } => Vec::new(),
        LNode::Slot { slot, node } => required(
            cx,
            node,
            in_trigger || *slot as usize == SlotId::TRIGGER.index(),
        ),
        LNode::Start | LNode::End => Vec::new(),
    }
}

/// The anchor sets a rule is indexed by: the best one (preferring a trigger, then rare
/// words), plus every other set made only of uncommon words, up to [`MAX_ANCHOR_SETS`].
/// The rule runs on a sentence only when each set has a word in it. Sets of common
/// words are left out so that they do not cost a lookup on every "and" and ",".
fn anchor_sets(cx: &Ctx<'_>, node: &LNode) -> Vec<Anchor> {
    let mut all = required(cx, node, false);
    all.sort_by_key(Anchor::rank);
    let mut out: Vec<Anchor> = Vec::new();
    for a in all {
        let selective = a.cost < 1000;
        if (out.is_empty() || selective)
            && out.len() < MAX_ANCHOR_SETS
            && !out.iter().any(|o| o.words == a.words)
        {
            out.push(a);
        }
    }
    out
}

/// Compiles `node` (reversed: sequences backwards, no captures).
fn program(node: &LNode, reverse: bool) -> std::result::Result<Program, ()> {
    let mut p = Program::default();
    p.insts.push(Inst::Match);
    p.start = emit(&mut p.insts, node, 0, reverse)?;
    p.start_leaves = super::vm::start_closure(&p);
    p.next_leaves = super::vm::unit_closures(&p);
    Ok(p)
}

fn push(insts: &mut Vec<Inst>, i: Inst) -> std::result::Result<u32, ()> {
    if insts.len() >= MAX_INSTS {
        return Err(());
    }
    insts.push(i);
    Ok(insts.len() as u32 - 1)
}

/// Emits `node` so that it continues at `next`; returns its entry point.
fn emit(
    insts: &mut Vec<Inst>,
    node: &LNode,
    next: u32,
    reverse: bool,
) -> std::result::Result<u32, ()> {
    match node {
        LNode::Unit(pred) => push(insts, Inst::Unit { pred: *pred, next }),
        LNode::Seq(v) => {
            let mut next = next;
            if reverse {
                for n in v {
                    next = emit(insts, n, next, reverse)?;
                }
            } else {
                for n in v.iter().rev() {
                    next = emit(insts, n, next, reverse)?;
                }
            }
            Ok(next)
        }
        LNode::Alt(v) => {
            let starts: Vec<u32> = v
                .iter()
                .map(|n| emit(insts, n, next, reverse))
                .collect::<std::result::Result<_, _>>()?;
            let mut entry = *starts.last().ok_or(())?;
            for &s in starts.iter().rev().skip(1) {
                entry = push(insts, Inst::Split(s, entry))?;
            }
            Ok(entry)
        }
        LNode::Repeat { node, min, max } => {
            let mut cur = next;
            match max {
                Some(max) => {
                    // (e (e (e)?)?)? : every skip goes straight to `next`
                    for _ in *min..*max {
                        let body = emit(insts, node, cur, reverse)?;
                        cur = push(insts, Inst::Split(body, next))?;
                    }
                    for _ in 0..*min {
                        cur = emit(insts, node, cur, reverse)?;
                    }
                }
                None => {
                    // loop: L: Split(body, next); body continues at L
                    let l = push(insts, Inst::Jmp(0))?;
                    let body = emit(insts, node, l, reverse)?;
                    insts[l as usize] = Inst::Split(body, next);
                    if *min == 0 {
                        cur = l;
                    } else {
                        // e+ is body-then-L; further mandatory copies before it
                        cur = body;
                        for _ in 1..*min {
                            cur = emit(insts, node, cur, reverse)?;
                        }
                    }
                }
            }
            Ok(cur)
        }
        LNode::Slot { slot, node } => {
            if reverse {
                return emit(insts, node, next, reverse);
            }
            let close = push(insts, Inst::Close { slot: *slot, next })?;
            let body = emit(insts, node, close, reverse)?;
            push(
                insts,
                Inst::Open {
                    slot: *slot,
                    next: body,
                },
            )
        }
        LNode::Start => push(insts, Inst::AssertStart(next)),
        LNode::End => push(insts, Inst::AssertEnd(next)),
    }
}
