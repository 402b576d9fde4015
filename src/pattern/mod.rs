//! The relation pattern language: rule files, their compiler and a linear-time matcher.
//!
//! A pattern runs over one sentence given as a slice of [`Unit`]s: every entity mention and
//! every temporal expression is *one* unit, every other token is one unit. Rule files
//! (grammar in `rules/README.md`) define word classes and rules; [`RuleSet::from_sources`]
//! parses several files, resolves names across all of them, and compiles every rule into a
//! small automaton. [`RuleSet::find_all`] then reports, for every rule, its non-overlapping
//! leftmost-longest matches with their named captures.
//!
//! # Example
//!
//! ```
//! use newsgraph::pattern::{Annotated, Cache, RuleSet, SlotId};
//!
//! let rules = RuleSet::from_sources(&[(
//!     "meet.rules",
//!     "class MEET_VERB = meet meets met\n\
//!      rule meet.pair\n\
//!      \x20 type MEET\n\
//!      \x20 pattern participant:@PERSON trigger:$MEET_VERB participant:@PERSON\n",
//! )])?;
//! let sentence = Annotated::parse("[Xi Jinping]/PERSON met [Vladimir Putin]/PERSON in Moscow .")?;
//! let units = sentence.units();
//! let mut cache = rules.cache();
//! let mut matches = Vec::new();
//! rules.find_all(&units, &mut cache, &mut matches);
//! assert_eq!(matches.len(), 1);
//! let m = &matches[0];
//! assert_eq!((m.start, m.end), (0, 3));
//! let who: Vec<&str> = m.captures_of(SlotId::PARTICIPANT).map(|c| units[c.start].norm).collect();
//! assert_eq!(who, ["xi jinping", "vladimir putin"]);
//! # Ok::<(), newsgraph::Error>(())
//! ```
//!
//! # Matching semantics
//!
//! For each rule separately, matches are chosen greedily from left to right: the first match
//! starts at the smallest unit index where the rule matches at all and ends at the *largest*
//! end any match from that start has (leftmost-longest, as in POSIX). The next match is the
//! leftmost-longest one that starts at or after that end, and so on, so one rule's matches
//! never overlap; different rules' matches may. Matches are never empty.
//!
//! Within the chosen span, captures follow the *preferred* way of matching it: earlier
//! alternatives before later ones, and quantifiers greedy (take one more repetition before
//! stopping) — the path a backtracking matcher would find first among those that end
//! exactly there. (This is exact because `*`, `+` and `{m,}` may not repeat a part that
//! can match nothing; automata and backtrackers disagree about such loops.) A slot inside a repetition captures every repetition, so captures are
//! multi-valued and reported in the order their spans open (left to right, an enclosing slot
//! before the slots nested in it).
//!
//! # Cost
//!
//! Every rule must contain an *anchor*: a literal word or a class that every match of it
//! has to contain (checked when compiling). Each rule is indexed by its best anchor (one in
//! a `trigger:` slot if possible, rare words before common ones) plus every other required
//! word set made of uncommon words. [`RuleSet::find_all`] first looks every unit up in the
//! table of anchor words (a first-byte/last-byte/length bit filter in front of a hash), and
//! only runs the rules all of whose anchor sets occur in the sentence; a sentence without
//! any trigger word costs one filter probe per unit. A rule that runs costs `O(units × pattern size)`:
//! a forward pass from each of its anchor words marks where a match may end, one backward
//! pass of its automaton from those ends finds the longest match at each start (Thompson NFA
//! simulations, no backtracking), and one forward pass over each reported match extracts the
//! captures. All buffers live in a [`Cache`], so steady-state matching does not allocate,
//! except for the `captures` vector of each reported [`Match`].

use std::fmt;

use crate::doc::{Attrs, EntityKind};
use crate::error::{Location, Result};
use crate::tokenize::{Shape, TokenKind};

mod annotated;
mod compile;
mod parse;
#[cfg(test)]
mod tests;
mod vm;

pub use annotated::Annotated;
pub(crate) use compile::{CLASS_TIME, CLASS_TOKEN, entity_class};
pub use vm::Cache;
pub(crate) use vm::{AnchorScan, NO_ANCHOR, Next};

/// What a unit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitKind {
    /// An ordinary token.
    Token(TokenKind),
    /// A whole entity mention ("Xi Jinping", "the Shanghai Cooperation Organisation").
    Entity(EntityKind),
    /// A whole temporal expression ("Feb. 24", "last week").
    Time,
}

/// One element of the sequence a pattern runs over.
///
/// Matches and captures are ranges of unit indices; whoever builds the units keeps a
/// parallel record of what each unit is (its token range, entity or time) to map them back
/// to spans.
#[derive(Clone, Copy, Debug)]
pub struct Unit<'a> {
    /// Folded text of the unit (see [`crate::text`]): `"met"`, `"xi jinping"`, `"feb. 24"`.
    pub norm: &'a str,
    /// The letter case of the unit's first token.
    pub shape: Shape,
    /// What the unit is.
    pub kind: UnitKind,
    /// Entity attributes (`title`, `country`, `kind=country|city`, ...), if any.
    pub attrs: Option<&'a Attrs>,
}

/// The status a rule forces on the events it produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// The event is announced or expected ("will meet", "is due to visit").
    Planned,
    /// The event is denied ("did not meet", "cancelled the visit").
    Negated,
    /// The event happened.
    Occurred,
}

impl Status {
    /// The name used in rule files: `planned`, `negated` or `occurred`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Negated => "negated",
            Status::Occurred => "occurred",
        }
    }

    /// Parses `planned`, `negated` or `occurred`.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "planned" => Some(Status::Planned),
            "negated" => Some(Status::Negated),
            "occurred" => Some(Status::Occurred),
            _ => None,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of a capture slot, as a small number; [`RuleSet::slot_name`] gives its name.
///
/// The built-in slots have fixed ids (the associated constants); slots a rule file declares
/// with `slot NAME` are numbered after them, in the order they are first declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotId(u16);

impl SlotId {
    /// `participant`: someone taking part (met, talked, was called).
    pub const PARTICIPANT: SlotId = SlotId(0);
    /// `trigger`: the words that signal the event ("met", "phone call").
    pub const TRIGGER: SlotId = SlotId(1);
    /// `place`: where it happened.
    pub const PLACE: SlotId = SlotId(2);
    /// `time`: when it happened.
    pub const TIME: SlotId = SlotId(3);
    /// `origin`: where a visitor came from.
    pub const ORIGIN: SlotId = SlotId(4);
    /// `destination`: where a visitor went.
    pub const DESTINATION: SlotId = SlotId(5);
    /// `host`: who received a visit.
    pub const HOST: SlotId = SlotId(6);
    /// `guest`: who visited.
    pub const GUEST: SlotId = SlotId(7);

    /// The slot's index (0-based, dense).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Names of the built-in slots, indexed by [`SlotId::index`].
pub(crate) const BUILTIN_SLOTS: &[&str] = &[
    "participant",
    "trigger",
    "place",
    "time",
    "origin",
    "destination",
    "host",
    "guest",
];

/// One `+` or `-` example sentence of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// The sentence as written after `+ ` or `- `.
    pub text: String,
    /// `true` for `+` (the rule must match it), `false` for `-` (it must not).
    pub positive: bool,
    /// The 1-based line of the example in its file (the file is the rule's `location.path`).
    pub line: usize,
}

/// A compiled rule's description: everything a rule file says about it except the automaton.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Rule {
    /// The rule id, a dotted path such as `meet.coordinated-subject`.
    pub id: String,
    /// Event types from the `type` line, in order (`["MEET", "VISIT"]`).
    pub types: Vec<String>,
    /// The status forced by a `status` line, if any.
    pub status: Option<Status>,
    /// The `priority` line's value; 0 if absent. Larger wins when the event stage must choose.
    pub priority: i32,
    /// The pattern's source text (continuation lines joined by a space, comments removed).
    pub pattern: String,
    /// The `+`/`-` example sentences, in file order.
    pub examples: Vec<Example>,
    /// Where the `rule` line is.
    pub location: Location,
}

impl Rule {
    /// Where an example of this rule is: the rule's file, the example's line, column 1.
    pub fn example_location(&self, example: &Example) -> Location {
        Location {
            path: self.location.path.clone(),
            line: example.line,
            column: 1,
        }
    }
}

/// One capture of a named slot: a range of unit indices, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Capture {
    /// Which slot.
    pub slot: SlotId,
    /// Index of the first unit.
    pub start: usize,
    /// One past the index of the last unit.
    pub end: usize,
}

/// One match of one rule: a range of unit indices (end exclusive) and its captures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in [`RuleSet::rules`].
    pub rule: usize,
    /// Index of the first unit.
    pub start: usize,
    /// One past the index of the last unit.
    pub end: usize,
    /// Every capture, in the order the captured spans open.
    pub captures: Vec<Capture>,
}

impl Match {
    /// The captures of one slot, in order.
    pub fn captures_of(&self, slot: SlotId) -> impl Iterator<Item = &Capture> + '_ {
        self.captures.iter().filter(move |c| c.slot == slot)
    }
}

/// Renders an error with the offending line and a caret under its column, for people:
///
/// ```text
/// error: unknown class $MEET_VRB
///   --> meet.rules:4:19
///    |
///  4 |   pattern @PERSON $MEET_VRB @PERSON
///    |                   ^
///    = hint: did you mean $MEET_VERB?
/// ```
///
/// `source` is the text of the file the error's location names. Without a location, or
/// when the line is not in `source`, only the message and hint are printed.
///
/// # Example
///
/// ```
/// use newsgraph::pattern::{render_error, RuleSet};
///
/// let text = "rule r\n  type MEET\n  pattern met (with\n";
/// let err = RuleSet::from_sources(&[("r.rules", text)]).unwrap_err();
/// let shown = render_error(&err, text);
/// assert!(shown.contains(" 3 |   pattern met (with\n   |               ^\n"));
/// ```
pub fn render_error(error: &crate::Error, source: &str) -> String {
    use std::fmt::Write;
    let mut out = format!("error: {}\n", error.message());
    if let Some(loc) = error.location() {
        let _ = writeln!(out, "  --> {loc}");
        if let Some(line) = source.lines().nth(loc.line.saturating_sub(1)) {
            let line = line.strip_prefix('\u{feff}').unwrap_or(line);
            let num = loc.line.to_string();
            let pad = " ".repeat(num.len());
            // keep tabs so that the caret lines up
            let lead: String = line
                .chars()
                .take(loc.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, " {pad} |");
            let _ = writeln!(out, " {num} | {line}");
            let _ = writeln!(out, " {pad} | {lead}^");
        }
    }
    if let Some(h) = error.hint() {
        let _ = writeln!(out, "   = hint: {h}");
    }
    out
}

/// A compiled set of rules from one or more files. Immutable, `Send + Sync`, cheap to share.
#[derive(Clone, Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    compiled: compile::Compiled,
}

impl RuleSet {
    /// Parses and compiles rule files given as `(path, text)` pairs.
    ///
    /// The path is only used in messages. Class and slot names resolve across all files
    /// once every file is parsed, so a class may be used before, or in another file than,
    /// where it is defined.
    ///
    /// # Errors
    ///
    /// The first problem found, with `path:line:column` and usually a hint:
    /// [`ErrorKind::RuleSyntax`](crate::ErrorKind::RuleSyntax) for anything the grammar does
    /// not allow (unbalanced parentheses, bad quantifiers, a rule without id, type or pattern,
    /// a pattern without an anchor word), [`ErrorKind::UnknownName`](crate::ErrorKind::UnknownName)
    /// for an unknown class or slot, [`ErrorKind::UnknownEntityKind`](crate::ErrorKind::UnknownEntityKind)
    /// for `@SOMETHING` that is not an entity type, and
    /// [`ErrorKind::DuplicateEntry`](crate::ErrorKind::DuplicateEntry) for a rule id or class
    /// defined twice.
    pub fn from_sources(files: &[(&str, &str)]) -> Result<RuleSet> {
        let mut parsed = Vec::with_capacity(files.len());
        for (path, text) in files {
            parsed.push(parse::parse_file(path, text)?);
        }
        let (rules, compiled) = compile::compile(parsed)?;
        Ok(RuleSet { rules, compiled })
    }

    /// The rules, in file order (files in the order given).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The index of the rule with this id.
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }

    /// The name of a slot.
    ///
    /// # Panics
    ///
    /// Panics if `slot` does not come from this set (or is not a built-in slot).
    pub fn slot_name(&self, slot: SlotId) -> &str {
        &self.compiled.slots[slot.index()]
    }

    /// The id of a slot name, built-in or declared.
    pub fn slot(&self, name: &str) -> Option<SlotId> {
        self.compiled
            .slots
            .iter()
            .position(|s| s == name)
            .map(|i| SlotId(i as u16))
    }

    /// The words of a class (folded, sorted), or `None` if no file of the set defines it.
    ///
    /// The event stage can use classes defined in rule files (say `class PLANNED = will
    /// plans expected`) for its own context tests.
    pub fn class_members(&self, name: &str) -> Option<&[String]> {
        let c = *self.compiled.class_index.get(name)?;
        Some(&self.compiled.class_members[c as usize])
    }

    /// True if the class exists and `norm` (a folded unit text) is one of its words.
    pub fn in_class(&self, name: &str, norm: &str) -> bool {
        let Some(&c) = self.compiled.class_index.get(name) else {
            return false;
        };
        self.compiled
            .vocab
            .get(norm)
            .is_some_and(|w| self.compiled.in_class(w, c))
    }

    /// The word sets a rule is indexed by (each sorted): it runs on a sentence only when
    /// every set has a word in the sentence. For debugging rules that never fire.
    ///
    /// # Panics
    ///
    /// Panics if `rule >= self.rules().len()`.
    pub fn anchors(&self, rule: usize) -> &[Vec<String>] {
        &self.compiled.anchor_words[rule]
    }

    /// A test of whether any rule can match a sentence, before its units are built: fed
    /// the texts its units can have (see [`AnchorScan::sees`]), it tells when some rule
    /// has a word of each of its anchor sets among them (see [`RuleSet::anchors`]) and
    /// needs no unit of a class missing from `present`, the classes of the sentence's
    /// units (bits of `compile::CLASS_TIME`; a superset will do). A sentence for which it never
    /// does has no match. Uses `cache`'s per-rule masks.
    pub(crate) fn anchor_scan<'a>(
        &'a self,
        cache: &'a mut Cache,
        present: u32,
    ) -> vm::AnchorScan<'a> {
        vm::AnchorScan::new(&self.compiled, cache, present)
    }

    /// Calls `f` with every anchor word of the rules ([`RuleSet::anchors`]) and the id
    /// [`AnchorScan::sees_anchor`] takes for it (a word of several sets comes once for
    /// each): the extractor's word table keeps it for each word.
    pub(crate) fn for_each_anchor_word(&self, f: impl FnMut(&str, u32)) {
        vm::for_each_anchor_word(&self.compiled, f)
    }

    /// A fresh cache sized for this set. Reuse it for every sentence.
    pub fn cache(&self) -> Cache {
        Cache::new()
    }

    /// Finds the matches of every rule in one sentence.
    ///
    /// `out` is cleared, then receives every rule's non-overlapping leftmost-longest matches
    /// (see the [module documentation](self)), ordered by start, then by rule index.
    pub fn find_all(&self, units: &[Unit<'_>], cache: &mut Cache, out: &mut Vec<Match>) {
        out.clear();
        vm::find(&self.compiled, None, units, cache, out);
        out.sort_unstable_by_key(|m| (m.start, m.rule));
    }

    /// Finds the matches of one rule only (for checking a rule's examples).
    ///
    /// `out` is cleared first. Matches are ordered by start.
    ///
    /// # Panics
    ///
    /// Panics if `rule >= self.rules().len()`.
    pub fn find_rule(
        &self,
        rule: usize,
        units: &[Unit<'_>],
        cache: &mut Cache,
        out: &mut Vec<Match>,
    ) {
        assert!(rule < self.rules.len(), "no rule {rule}");
        out.clear();
        vm::find(&self.compiled, Some(rule), units, cache, out);
    }
}
