//! Events: relation-rule matches turned into meetings, calls and visits with their
//! participants, place, time and status; duplicates within a document merged.
//!
//! For every sentence the stage builds the rule engine's units (each entity mention and each
//! temporal expression one unit, every other token one unit) and runs the rule set. Each
//! match of a rule gives one event per type the rule names:
//!
//! - **participants**: every entity inside a `participant`, `host` or `guest` capture (a
//!   list such as "Xi and Lukashenko" gives both); a pronoun (`he`) resolves to the nearest
//!   person before it; "the two leaders", "both ministers" resolve to the last two people
//!   named. A VISIT's participants are its visitors (`participant` and `guest`); a MEET from
//!   a hosting rule has host and guest. A name between a comma and a reporting verb is the
//!   source of the report, not a participant ("..., the Kremlin said").
//! - **place**: the `place` (or, for a visit, `destination`) capture; else a place after
//!   `in`/`at` in the sentence; else, for a meeting "on the sidelines of" or "at" a summit,
//!   the place the document gives that summit ("During the SCO summit in Samarkand"); else,
//!   for a meeting in the same sentence as a visit by one of its participants ("a three-day
//!   visit during which he is expected to meet"), the visit's destination.
//! - **time**: the `time` capture; else the date or time in the sentence nearest the
//!   trigger; a duration ("three-day visit") makes an interval from that date
//!   (`2023-02-28/2023-03-02`); a meeting held during a visit shares the visit's time.
//! - **status**: the rule's own `status`, else read from the words before the trigger in
//!   its clause: a negation (`not`, `never`, `cancelled`, `refused`, `postponed`, `without`)
//!   gives negated, a future or intention (`will`, `to`, `expected`, `set`, `scheduled`,
//!   `plans`, `due`, `agreed`) gives planned, and a time after the document date gives planned;
//!   else occurred.
//! - **CAMEO**: MEET 040 (036 planned, 043 hosted, 044 at a third place), CALL 041, VISIT 042.
//!
//! Two events of one type with the same participants whose places and times do not
//! disagree are merged; the first keeps its arguments, fills the ones it lacks from the
//! other, and keeps the other's evidence in [`Event::more_evidence`].

use crate::hash::FxHashMap as HashMap;

use crate::corefer::{EntityDraft, is_person_pronoun, resolve_pronoun};
use crate::doc::{Arg, EntityKind, Event, Evidence, Role, Status};
use crate::gazetteer::Gazetteer;
use crate::pattern::{AnchorScan, Cache, Match, Next, RuleSet, SlotId, Unit, UnitKind};
use crate::recognize::{Mention, TitleHit};
use crate::span::Span;
use crate::text::Folded;
use crate::time::{Timex, TimexType, interval};
use crate::tokenize::{Sentence, Shape, Token, TokenKind};

/// Everything the event stage reads.
pub(crate) struct Context<'a> {
    pub g: &'a Gazetteer,
    pub folded: &'a Folded,
    pub tokens: &'a [Token],
    /// The word table the tokens' word ids point into, built with the rules the events
    /// are found with (its anchor ids are theirs).
    pub lexicon: &'a crate::lexicon::Lexicon,
    pub sentences: &'a [Sentence],
    pub mentions: &'a [Mention],
    pub mention_entity: &'a [usize],
    pub titles: &'a [TitleHit],
    /// The document's entities (their kinds and attributes are read).
    pub entities: &'a [EntityDraft<'a>],
    pub times: &'a [Timex],
    pub doc_date: Option<&'a str>,
    /// The dateline's date: the document's date, never an event's time.
    pub dateline: Option<Span>,
}

/// What a unit stands for.
#[derive(Clone, Copy, Debug)]
struct UnitSrc {
    first: usize,
    last: usize,
    mention: Option<usize>,
    time: Option<usize>,
}

/// A draft event before merging.
struct Draft {
    event: Event,
    /// Whether the meeting came from a hosting rule.
    hosted: bool,
}

const NEGATION: &[&str] = &[
    "not",
    "n't",
    "never",
    "no",
    "without",
    "cancelled",
    "canceled",
    "cancel",
    "cancels",
    "refused",
    "refuses",
    "refuse",
    "declined",
    "declines",
    "postponed",
    "postpone",
    "postpones",
    "scrapped",
    "failed",
    "denied",
    "denies",
    "rejected",
    "off",
    "nor",
];
const PLANNED: &[&str] = &[
    "will",
    "'ll",
    "shall",
    "to",
    "expected",
    "set",
    "scheduled",
    "schedule",
    "plans",
    "planned",
    "plan",
    "planning",
    "due",
    "agreed",
    "intends",
    "intend",
    "hopes",
    "wants",
    "upcoming",
    "proposed",
    "invited",
    "would",
    "going",
];
/// Words that end the clause a trigger's status is read from, looking back.
const CLAUSE_BREAK: &[&str] = &[
    ";", ":", ",", "but", "while", "after", "before", "since", "which", "who", "where", "when",
    "and", "said", "says", "\"", "(", ")",
];

/// Verbs that report a statement: a name between a comma and one of them is the source of
/// the sentence ("..., the Kremlin said"), not one more participant of a list.
const REPORTING: &[&str] = &[
    "said",
    "says",
    "reported",
    "reports",
    "told",
    "added",
    "announced",
    "announces",
    "stated",
    "confirmed",
    "confirms",
    "noted",
    "wrote",
];

/// True when the units `start..end` are the source of a report after a comma:
/// ", (the)? NAME ('s)? (up to three lower-case words)? said" ("..., the Kremlin said",
/// "..., Xinhua reported", "..., the Pentagon's press office said").
fn reported_by(units: &[Unit<'_>], start: usize, end: usize) -> bool {
    let mut b = start;
    if b > 0 && units[b - 1].norm == "the" {
        b -= 1;
    }
    if b == 0 || units[b - 1].norm != "," {
        return false;
    }
    let mut a = end;
    if a < units.len() && units[a].norm == "'s" {
        a += 1;
    }
    let mut words = 0;
    while a < units.len()
        && words < 3
        && matches!(units[a].kind, UnitKind::Token(TokenKind::Word))
        && units[a].shape == Shape::Lower
        && !REPORTING.contains(&units[a].norm)
    {
        a += 1;
        words += 1;
    }
    a < units.len() && REPORTING.contains(&units[a].norm)
}

/// Finds the events of a document.
pub(crate) fn find_events(cx: &Context<'_>, rules: &RuleSet, cache: &mut Cache) -> Vec<Event> {
    // What starts at each token of the sentence at hand (mention, time, title), as indices
    // or NONE, in buffers the size of the sentence reused for every sentence: document-wide
    // token-indexed maps cost more to clear than to use (hashing token indices cost 13% of
    // extraction before them).
    let mention_order = order_by(cx.mentions, |m| m.first);
    let title_order = order_by(cx.titles, |t| t.first);
    let mut starts: Vec<Starts> = Vec::new();
    // made when an event first needs it: most documents have no event
    let summit_places = std::cell::OnceCell::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut units: Vec<Unit<'_>> = Vec::new();
    let mut srcs: Vec<UnitSrc> = Vec::new();
    let mut matches: Vec<Match> = Vec::new();
    // where the sentence's mentions, titles and times start in their lists
    let (mut m_at, mut t_at, mut x_at) = (0, 0, 0);
    for (si, s) in cx.sentences.iter().enumerate() {
        let mentions = &mention_order[seek(&mention_order, &mut m_at, s.first, |p| p.0)..];
        let titles = &title_order[seek(&title_order, &mut t_at, s.first, |p| p.0)..];
        let times = match cx.tokens[s.first..s.last].first() {
            Some(t0) => &cx.times[seek(cx.times, &mut x_at, t0.span.start, |t| t.span.start)..],
            None => &[],
        };
        // a sentence whose units do not hold a word of each anchor set of some rule has no
        // match: look at the words before building anything (most sentences stop here)
        if !may_wake(cx, s, rules, cache, mentions, titles, times) {
            continue;
        }
        // at most a unit per token: the lists are made once per document, for its longest
        // sentence (grown sentence by sentence, they were reallocated about once each)
        if starts.capacity() == 0 {
            let longest = cx.sentences.iter().map(|s| s.last - s.first).max();
            starts.reserve(longest.unwrap_or(0));
            units.reserve(longest.unwrap_or(0));
            srcs.reserve(longest.unwrap_or(0));
        }
        fill_starts(cx, s, mentions, titles, times, &mut starts);
        units.clear();
        srcs.clear();
        walk_units(cx, s, &starts, &mut units, &mut srcs);
        matches.clear();
        rules.find_all(&units, cache, &mut matches);
        for m in &matches {
            let rule = &rules.rules()[m.rule];
            for ty in &rule.types {
                if let Some(d) = build(cx, rules, m, ty, si, s, &units, &srcs, &summit_places) {
                    drafts.push(d);
                }
            }
        }
    }
    share_visit_context(&mut drafts);
    for d in &mut drafts {
        d.event.cameo = Some(cameo(&d.event, d.hosted, cx).to_string());
    }
    merge(drafts)
}

/// The first index of `items` (sorted by `key_of`) whose key is at least `key`, searched
/// from `*at` onwards when the key has not gone back (sentences come in text order, so the
/// cursors only step forward), else by binary search; `*at` becomes that index.
fn seek<T>(items: &[T], at: &mut usize, key: usize, key_of: impl Fn(&T) -> usize) -> usize {
    if *at > items.len() || *at > 0 && key_of(&items[*at - 1]) >= key {
        *at = items.partition_point(|x| key_of(x) < key);
    } else {
        while *at < items.len() && key_of(&items[*at]) < key {
            *at += 1;
        }
    }
    *at
}

/// False when no rule has a word of each of its anchor sets among the units of sentence
/// `s`, so that [`RuleSet::find_all`] would find nothing there (see
/// [`RuleSet::anchor_scan`]). Looks at the text of every token (a unit of one token has its
/// text) and of every mention, time and title of several tokens starting in the sentence:
/// all the texts its units can have, and a few more. The lists start at the sentence's
/// first item.
fn may_wake(
    cx: &Context<'_>,
    s: &Sentence,
    rules: &RuleSet,
    cache: &mut Cache,
    mention_order: &[(usize, u32)],
    title_order: &[(usize, u32)],
    times: &[Timex],
) -> bool {
    let toks = &cx.tokens[s.first..s.last];
    let text_f = cx.folded.as_str().as_bytes();
    let mut scan = rules.anchor_scan(
        cache,
        unit_classes(cx, s, mention_order, title_order, times),
    );
    if any_token_wakes(&mut scan, cx, s, mention_order, title_order, times) {
        return true;
    }
    // the text of the unit made of tokens `a..b`, as `walk_units` cuts it
    let mut wakes = |a: usize, b: usize| {
        b > a + 1 && scan.sees(&text_f[cx.tokens[a].fold.start..cx.tokens[b - 1].fold.end])
    };
    for &(first, i) in mention_order {
        if first >= s.last {
            break;
        }
        if wakes(first, cx.mentions[i as usize].last) {
            return true;
        }
    }
    for &(first, i) in title_order {
        if first >= s.last {
            break;
        }
        if wakes(first, cx.titles[i as usize].last.min(s.last)) {
            return true;
        }
    }
    let Some(t1) = toks.last() else {
        return false;
    };
    for t in times {
        if t.span.start > t1.span.start {
            break;
        }
        // every token starting where the time starts may start its unit
        let mut k = toks.partition_point(|x| x.span.start < t.span.start);
        while k < toks.len() && toks[k].span.start == t.span.start {
            let mut j = k + 1;
            while j < toks.len() && toks[j].span.start < t.span.end {
                j += 1;
            }
            if wakes(s.first + k, s.first + j) {
                return true;
            }
            k += 1;
        }
    }
    false
}

/// The classes of the units [`walk_units`] can make of sentence `s` (see
/// [`RuleSet::anchor_scan`]): tokens, the kinds of the mentions starting in it, titles if a
/// title phrase starts in it, times if a time does (a superset: a title phrase with a
/// mention inside is no unit). The lists start at the sentence's first item, as in
/// [`may_wake`].
fn unit_classes(
    cx: &Context<'_>,
    s: &Sentence,
    mention_order: &[(usize, u32)],
    title_order: &[(usize, u32)],
    times: &[Timex],
) -> u32 {
    let mut present = crate::pattern::CLASS_TOKEN;
    for &(first, i) in mention_order {
        if first >= s.last {
            break;
        }
        present |= crate::pattern::entity_class(cx.mentions[i as usize].kind);
    }
    if title_order
        .first()
        .is_some_and(|&(first, _)| first < s.last)
    {
        present |= crate::pattern::entity_class(EntityKind::Title);
    }
    // as `fill_starts` takes them: a time starting at or before the last token's start
    if let (Some(t), Some(t1)) = (times.first(), cx.tokens[s.first..s.last].last())
        && t.span.start <= t1.span.start
    {
        present |= crate::pattern::CLASS_TIME;
    }
    present
}

/// Feeds the anchor words of sentence `s`'s tokens to `scan` (see [`token_wakes`]), up to
/// the first that completes a rule's anchor sets (true; false if none does): the test
/// every token of every sentence goes through. Few tokens are anchor words (a bit of the
/// token's word id tells one): the bits of eight tokens are tested at once, and only a
/// group with one is looked at token by token. Out of line, as a loop of its own keeps its
/// state in registers (inside `find_events` it was reloaded from the stack for every
/// token); the rare anchor word is passed on to a call.
#[inline(never)]
fn any_token_wakes(
    scan: &mut AnchorScan<'_>,
    cx: &Context<'_>,
    s: &Sentence,
    mention_order: &[(usize, u32)],
    title_order: &[(usize, u32)],
    times: &[Timex],
) -> bool {
    use crate::lexicon::ANCHOR;
    let tokens = &cx.tokens[s.first..s.last];
    let mut wakes = |k: usize| {
        tokens[k].word & ANCHOR != 0
            && token_wakes(scan, cx, s, mention_order, title_order, times, k)
    };
    let groups = tokens.chunks_exact(8);
    let rest = 8 * groups.len()..tokens.len();
    for (g, group) in groups.enumerate() {
        if group.iter().fold(0, |bits, t| bits | t.word) & ANCHOR != 0
            && (8 * g..8 * g + 8).any(&mut wakes)
        {
            return true;
        }
    }
    rest.into_iter().any(wakes)
}

/// Feeds the anchor word of token `k` of sentence `s` to `scan` as its anchor id (from the
/// word table, where the extractor looked each token up once); true when it completes a
/// rule's anchor sets. For the anchor sets that say which words may follow their word, the
/// scan asks for the next unit's text: the next token's, or [`Next::Unknown`] when a unit
/// of several tokens (a mention, title or time of `mention_order`, `title_order`, `times`,
/// as in [`may_wake`]) may start there.
#[inline(never)]
fn token_wakes(
    scan: &mut AnchorScan<'_>,
    cx: &Context<'_>,
    s: &Sentence,
    mention_order: &[(usize, u32)],
    title_order: &[(usize, u32)],
    times: &[Timex],
    k: usize,
) -> bool {
    let tokens = &cx.tokens[s.first..s.last];
    scan.sees_anchor(cx.lexicon.word(tokens[k].word).anchor, || {
        let Some(t) = tokens.get(k + 1) else {
            return Next::End;
        };
        let at = s.first + k + 1;
        let in_sentence = |&&(first, _): &&(usize, u32)| first < s.last;
        let several = mention_order
            .iter()
            .take_while(in_sentence)
            .any(|&(first, i)| first == at && cx.mentions[i as usize].last > at + 1)
            || title_order
                .iter()
                .take_while(in_sentence)
                .any(|&(first, i)| first == at && cx.titles[i as usize].last.min(s.last) > at + 1)
            || times
                .iter()
                .take_while(|x| x.span.start <= t.span.start)
                .any(|x| x.span.start == t.span.start);
        if several {
            Next::Unknown
        } else {
            Next::Text(&cx.folded.as_str().as_bytes()[t.fold.start..t.fold.end])
        }
    })
}

/// What starts at one token of the sentence at hand: the index of a mention, a time and
/// a title phrase, each `NONE` if none. One record per token, so that the walk over the
/// units reads one entry per token rather than three maps.
#[derive(Clone, Copy, Debug)]
struct Starts {
    mention: u32,
    time: u32,
    title: u32,
}

/// No mention, time or title starts at this token.
const NONE: u32 = u32::MAX;

impl Starts {
    /// True when a mention, time or title starts at this token.
    fn any(&self) -> bool {
        self.mention != NONE || self.time != NONE || self.title != NONE
    }
}

/// Nothing starts at this token.
const NO_STARTS: Starts = Starts {
    mention: NONE,
    time: NONE,
    title: NONE,
};

/// Fills `starts` with what starts at each token of sentence `s`: the last mention (title)
/// starting at a token, as in a map filled in order, and the first time. `mentions`,
/// `titles` and `times` start at the sentence's first item (see [`seek`]).
fn fill_starts(
    cx: &Context<'_>,
    s: &Sentence,
    mentions: &[(usize, u32)],
    titles: &[(usize, u32)],
    times: &[Timex],
    starts: &mut Vec<Starts>,
) {
    let base = s.first;
    let toks = &cx.tokens[base..s.last];
    starts.clear();
    starts.resize(toks.len(), NO_STARTS);
    for &(first, i) in mentions {
        if first >= s.last {
            break;
        }
        starts[first - base].mention = i;
    }
    for &(first, i) in titles {
        if first >= s.last {
            break;
        }
        starts[first - base].title = i;
    }
    let Some(t1) = toks.last() else {
        return;
    };
    // times are in text order: each goes to the tokens starting where it starts (found by
    // binary search; a sentence has few times), unless an earlier time took them
    let skipped = cx.times.len() - times.len();
    for (i, t) in times.iter().enumerate() {
        if t.span.start > t1.span.start {
            break;
        }
        let mut k = toks.partition_point(|x| x.span.start < t.span.start);
        while k < toks.len() && toks[k].span.start == t.span.start {
            if starts[k].time == NONE {
                starts[k].time = (skipped + i) as u32;
            }
            k += 1;
        }
    }
}

/// Appends the units of sentence `s` to `units` (each mention, time and title phrase one
/// unit, every other token one unit) and their sources to `srcs`. `starts` is what starts
/// at each token of the sentence (see [`fill_starts`]). Out of line: inlined into
/// `find_events`, its loop kept its state on the stack.
#[inline(never)]
fn walk_units<'a>(
    cx: &Context<'a>,
    s: &Sentence,
    starts: &[Starts],
    units: &mut Vec<Unit<'a>>,
    srcs: &mut Vec<UnitSrc>,
) {
    let text_f = cx.folded.as_str();
    let base = s.first;
    let mut k = s.first;
    while k < s.last {
        let at = starts[k - base];
        if at.mention != NONE {
            let mi = at.mention as usize;
            let m = &cx.mentions[mi];
            let ent = cx.mention_entity[mi];
            units.push(Unit {
                norm: &text_f[cx.tokens[m.first].fold.start..cx.tokens[m.last - 1].fold.end],
                shape: cx.tokens[m.first].shape,
                kind: UnitKind::Entity(m.kind),
                attrs: cx.entities.get(ent).map(|e| e.attrs()),
            });
            srcs.push(UnitSrc {
                first: m.first,
                last: m.last.min(s.last),
                mention: Some(mi),
                time: None,
            });
            k = m.last.max(k + 1);
            continue;
        }
        if at.time != NONE {
            let ti = at.time as usize;
            let end = cx.times[ti].span.end;
            let mut j = k + 1;
            while j < s.last && cx.tokens[j].span.start < end {
                j += 1;
            }
            units.push(Unit {
                norm: &text_f[cx.tokens[k].fold.start..cx.tokens[j - 1].fold.end],
                shape: cx.tokens[k].shape,
                kind: UnitKind::Time,
                attrs: None,
            });
            srcs.push(UnitSrc {
                first: k,
                last: j,
                mention: None,
                time: Some(ti),
            });
            k = j;
            continue;
        }
        if at.title != NONE {
            let th = &cx.titles[at.title as usize];
            let end = th.last.min(s.last);
            // a title phrase is one unit unless a mention or time starts inside it
            if !starts[k + 1 - base..end - base]
                .iter()
                .any(|x| x.mention != NONE || x.time != NONE)
            {
                units.push(Unit {
                    norm: &text_f[cx.tokens[k].fold.start..cx.tokens[end - 1].fold.end],
                    shape: cx.tokens[k].shape,
                    kind: UnitKind::Entity(EntityKind::Title),
                    attrs: None,
                });
                srcs.push(UnitSrc {
                    first: k,
                    last: end,
                    mention: None,
                    time: None,
                });
                k = end;
                continue;
            }
        }
        // a run of tokens that are units of their own: this one and those after it up to
        // the next where something starts, appended in one go (pushed one by one, every
        // unit checked the capacity of both lists and reloaded their fields)
        let run = starts[k + 1 - base..s.last - base]
            .iter()
            .position(Starts::any)
            .map_or(s.last, |j| k + 1 + j);
        units.extend(cx.tokens[k..run].iter().map(|t| Unit {
            norm: t.norm(cx.folded),
            shape: t.shape,
            kind: UnitKind::Token(t.kind),
            attrs: None,
        }));
        srcs.extend((k..run).map(|k| UnitSrc {
            first: k,
            last: k + 1,
            mention: None,
            time: None,
        }));
        k = run;
    }
}

/// `(key, index)` of every item, ordered by key and then index (a stable sort, skipped
/// when the items are in key order already, as mentions and titles are).
fn order_by<T>(items: &[T], key: impl Fn(&T) -> usize) -> Vec<(usize, u32)> {
    let mut v: Vec<(usize, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, x)| (key(x), i as u32))
        .collect();
    if !v.is_sorted_by_key(|p| p.0) {
        v.sort_by_key(|p| p.0);
    }
    v
}

#[allow(clippy::too_many_arguments)]
fn build(
    cx: &Context<'_>,
    rules: &RuleSet,
    m: &Match,
    ty: &str,
    si: usize,
    s: &Sentence,
    units: &[Unit<'_>],
    srcs: &[UnitSrc],
    summit_places: &std::cell::OnceCell<HashMap<usize, usize>>,
) -> Option<Draft> {
    let rule = &rules.rules()[m.rule];
    let is_visit = ty == "VISIT";
    let tok_span = |a: usize, b: usize| {
        Span::new(
            cx.tokens[srcs[a].first].span.start,
            cx.tokens[srcs[b - 1].last - 1].span.end,
        )
    };
    let mut args: Vec<Arg> = Vec::new();
    let mut participant_slots = 0;
    let mut nominal = 0usize;
    let mut hosted = false;
    // participants
    for c in &m.captures {
        let role_ok = match c.slot {
            SlotId::PARTICIPANT => true,
            SlotId::GUEST => true,
            SlotId::HOST => {
                hosted = true;
                !is_visit
            }
            _ => false,
        };
        if !role_ok || reported_by(units, c.start, c.end) {
            continue;
        }
        participant_slots += 1;
        let mut found = false;
        for src in &srcs[c.start..c.end] {
            if let Some(mi) = src.mention {
                let kind = cx.mentions[mi].kind;
                if matches!(
                    kind,
                    EntityKind::Person | EntityKind::Organization | EntityKind::Location
                ) {
                    let ent = cx.mention_entity[mi];
                    if !args
                        .iter()
                        .any(|a| a.role == Role::Participant && a.entity == Some(ent))
                    {
                        args.push(Arg {
                            role: Role::Participant,
                            entity: Some(ent),
                            span: cx.mentions[mi].span,
                            value: None,
                        });
                    }
                    found = true;
                }
            }
        }
        if found {
            continue;
        }
        // a pronoun, or "the two leaders"
        let words: Vec<&str> = (c.start..c.end).map(|u| units[u].norm).collect();
        let before = args.len();
        if words.len() == 1 && is_person_pronoun(words[0]) {
            let k = srcs[c.start].first;
            if let Some(ent) = resolve_pronoun(
                cx.g,
                cx.folded,
                cx.tokens,
                cx.sentences,
                cx.mentions,
                cx.mention_entity,
                k,
            ) && !args.iter().any(|a| a.entity == Some(ent))
            {
                args.push(Arg {
                    role: Role::Participant,
                    entity: Some(ent),
                    span: tok_span(c.start, c.end),
                    value: None,
                });
            }
        } else if let Some(country) = (c.start..c.end).find_map(|u| {
            srcs[u].mention.and_then(|mi| {
                let m = &cx.mentions[mi];
                (m.kind == EntityKind::Nationality)
                    .then(|| cx.entities[cx.mention_entity[mi]].attrs().get("country"))
                    .flatten()
            })
        }) {
            // "the Chinese leader": the last person named before whose country it is
            let k = srcs[c.start].first;
            if let Some(ent) = last_people(cx, k, 64)
                .into_iter()
                .find(|&e| cx.entities[e].attrs().get("country") == Some(country))
                && !args.iter().any(|a| a.entity == Some(ent))
            {
                args.push(Arg {
                    role: Role::Participant,
                    entity: Some(ent),
                    span: tok_span(c.start, c.end),
                    value: None,
                });
            }
        } else if words.iter().any(|w| matches!(*w, "two" | "both" | "sides")) {
            let k = srcs[c.start].first;
            for ent in last_people(cx, k, 2) {
                if !args.iter().any(|a| a.entity == Some(ent)) {
                    args.push(Arg {
                        role: Role::Participant,
                        entity: Some(ent),
                        span: tok_span(c.start, c.end),
                        value: None,
                    });
                }
            }
        }
        if args.len() == before && !found {
            // an unresolved pronoun or a description ("FBI officials", "the council"):
            // a participant without an entity, kept as the text that names it
            nominal += 1;
            args.push(Arg {
                role: Role::Participant,
                entity: None,
                span: tok_span(c.start, c.end),
                value: None,
            });
        }
    }
    let n_part = args.len();
    if n_part == 0 || n_part == nominal && !is_visit && n_part < 2 {
        return None;
    }
    // a meeting needs two sides, unless one organisation meets ("the council convened"),
    // or a contact noun names its other side implicitly ("Schiff said in a telephone
    // interview", "her CNN interview")
    let single_named = n_part == 1
        && args[0]
            .entity
            .is_some_and(|e| cx.entities[e].kind != EntityKind::Location);
    let body_meets = single_named
        && ty == "MEET"
        && args[0]
            .entity
            .is_some_and(|e| cx.entities[e].kind == EntityKind::Organization);
    let trigger_word = m
        .captures_of(SlotId::TRIGGER)
        .last()
        .map(|c| units[c.end - 1].norm)
        .unwrap_or("");
    let contact_noun = single_named && IMPLICIT_OTHER_SIDE.contains(&trigger_word);
    if !is_visit && n_part < 2 && !body_meets && !contact_noun {
        return None;
    }
    // a visit needs someone named or somewhere to go
    let has_dest = m.captures_of(SlotId::DESTINATION).next().is_some()
        || m.captures_of(SlotId::PLACE).next().is_some();
    if is_visit && n_part == nominal && !has_dest {
        return None;
    }
    let _ = participant_slots;
    // only people and organisations take part in meetings and calls; a country alone is
    // no participant of a meeting ("China and Belarus support ...")
    if !is_visit
        && !args.iter().any(|a| {
            a.entity
                .is_some_and(|e| cx.entities[e].kind != EntityKind::Location)
        })
    {
        return None;
    }
    // trigger
    let trig = m
        .captures_of(SlotId::TRIGGER)
        .next()
        .map(|c| tok_span(c.start, c.end))
        .unwrap_or_else(|| tok_span(m.start, m.end));
    let trig_unit = m
        .captures_of(SlotId::TRIGGER)
        .next()
        .map_or(m.start, |c| c.start);
    // place and destination
    let mut place: Option<(usize, Span)> = None;
    for slot in [SlotId::PLACE, SlotId::DESTINATION] {
        if place.is_some() {
            break;
        }
        for c in m.captures_of(slot) {
            if let Some(mi) = (c.start..c.end).find_map(|u| srcs[u].mention) {
                place = Some((cx.mention_entity[mi], cx.mentions[mi].span));
                break;
            }
        }
    }
    let mut origin: Option<(usize, Span)> = None;
    for c in m.captures_of(SlotId::ORIGIN) {
        if let Some(mi) = (c.start..c.end).find_map(|u| srcs[u].mention) {
            origin = Some((cx.mention_entity[mi], cx.mentions[mi].span));
        }
    }
    if place.is_none() {
        place = place_in_sentence(cx, units, srcs, trig_unit, &args);
    }
    if place.is_none() && !is_visit {
        // the summit this meeting was held at (the last one near the trigger: a window, and
        // searched from its end, as a scan of the whole sentence per event was quadratic)
        let window =
            trig_unit.saturating_sub(UNIT_WINDOW)..(trig_unit + UNIT_WINDOW + 1).min(units.len());
        let summit_places = summit_places.get_or_init(|| summit_places_of(cx));
        for u in window.rev() {
            if let Some(mi) = srcs[u].mention {
                let ent = cx.mention_entity[mi];
                if let Some(&p) = summit_places.get(&ent) {
                    // "the SCO summit", "the Shanghai Cooperation Organization (SCO) summit"
                    let near_summit = units[u + 1..(u + 5).min(units.len())]
                        .iter()
                        .any(|x| x.norm == "summit")
                        || (u >= 1 && units[u - 1].norm == "summit");
                    if near_summit {
                        let span = cx
                            .mentions
                            .iter()
                            .enumerate()
                            .find(|(i, _)| cx.mention_entity[*i] == p)
                            .map(|(_, m)| m.span);
                        if let Some(sp) = span {
                            place = Some((p, sp));
                            break;
                        }
                    }
                }
            }
        }
    }
    if let Some((e, sp)) = place {
        if is_visit {
            args.push(Arg {
                role: Role::Destination,
                entity: Some(e),
                span: sp,
                value: None,
            });
        }
        args.push(Arg {
            role: Role::Place,
            entity: Some(e),
            span: sp,
            value: None,
        });
    }
    if let Some((e, sp)) = origin {
        args.push(Arg {
            role: Role::Origin,
            entity: Some(e),
            span: sp,
            value: None,
        });
    }
    // time
    let mut when: Option<(Span, Option<String>)> = None;
    let mut duration: Option<String> = None;
    for c in m.captures_of(SlotId::TIME) {
        if let Some(ti) = (c.start..c.end).find_map(|u| srcs[u].time) {
            let t = &cx.times[ti];
            match t.kind {
                TimexType::Duration => duration = t.value.clone(),
                _ => when = Some((t.span, t.value.clone())),
            }
        }
    }
    let (t_near, d_near) = times_in_sentence(cx, s, trig.start);
    if when.is_none() {
        when = t_near.map(|ti| (cx.times[ti].span, cx.times[ti].value.clone()));
    }
    if duration.is_none() {
        duration = d_near.and_then(|ti| cx.times[ti].value.clone());
    }
    if let Some((sp, v)) = when {
        let value = match (&v, &duration) {
            (Some(day), Some(d)) if is_visit || ty == "MEET" => interval(day, d).or(v.clone()),
            _ => v.clone(),
        };
        args.push(Arg {
            role: Role::Time,
            entity: None,
            span: sp,
            value,
        });
    }
    // status
    let status = rule
        .status
        .map(convert_status)
        .unwrap_or_else(|| status_from_context(cx, s, srcs, trig_unit, m.end, &args));
    let evidence = Evidence {
        sentence: si,
        span: tok_span(m.start, m.end),
        trigger: trig,
        rule: rule.id.clone(),
    };
    Some(Draft {
        event: Event {
            kind: ty.to_string(),
            status,
            args,
            cameo: None,
            evidence,
            more_evidence: Vec::new(),
        },
        hosted,
    })
}

fn convert_status(s: crate::pattern::Status) -> Status {
    match s {
        crate::pattern::Status::Planned => Status::Planned,
        crate::pattern::Status::Negated => Status::Negated,
        crate::pattern::Status::Occurred => Status::Occurred,
    }
}

/// The last `n` distinct people mentioned before token `k`.
fn last_people(cx: &Context<'_>, k: usize, n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, m) in cx.mentions.iter().enumerate().rev() {
        if m.last > k || m.kind != EntityKind::Person {
            continue;
        }
        let e = cx.mention_entity[i];
        if !out.contains(&e) {
            out.push(e);
            if out.len() == n {
                break;
            }
        }
    }
    out
}

/// A place after `in` or `at` in the sentence, nearest after the trigger, else before it.
fn place_in_sentence(
    cx: &Context<'_>,
    units: &[Unit<'_>],
    srcs: &[UnitSrc],
    trig_unit: usize,
    args: &[Arg],
) -> Option<(usize, Span)> {
    let mut best: Option<(usize, usize, Span)> = None;
    // within UNIT_WINDOW units of the trigger (a scan of the sentence per event was quadratic)
    let window = trig_unit.saturating_sub(UNIT_WINDOW).max(1)
        ..(trig_unit + UNIT_WINDOW + 1).min(units.len());
    for u in window {
        let Some(mi) = srcs[u].mention else { continue };
        if cx.mentions[mi].kind != EntityKind::Location {
            continue;
        }
        if !matches!(units[u - 1].norm, "in" | "at" | "to") {
            continue;
        }
        let ent = cx.mention_entity[mi];
        if args.iter().any(|a| a.entity == Some(ent)) {
            continue;
        }
        let dist = if u > trig_unit {
            u - trig_unit
        } else {
            1000 + trig_unit - u
        };
        if best.is_none_or(|(d, _, _)| dist < d) {
            best = Some((dist, ent, cx.mentions[mi].span));
        }
    }
    best.map(|(_, e, s)| (e, s))
}

/// The date/time nearest the trigger in its clause (no clause break between them), and the
/// nearest duration.
fn times_in_sentence(
    cx: &Context<'_>,
    s: &Sentence,
    trig: usize,
) -> (Option<usize>, Option<usize>) {
    let (lo, hi) = (
        cx.tokens[s.first].span.start,
        cx.tokens[s.last - 1].span.end,
    );
    let sent = &cx.tokens[s.first..s.last];
    // token index of the trigger
    let tk = match sent.partition_point(|t| t.span.start < trig) {
        n if n < sent.len() => s.first + n,
        _ => s.first,
    };
    // Only times within TIME_WINDOW tokens of the trigger are considered, with clause
    // breaks counted once over that window: a scan of the sentence per time and per
    // trigger was cubic in run-on sentences ("Xi met Putin on Tuesday and ..." x 2000).
    let wlo = tk.saturating_sub(TIME_WINDOW).max(s.first);
    let whi = (tk + TIME_WINDOW + 1).min(s.last);
    let mut breaks = Vec::with_capacity(whi - wlo + 1);
    breaks.push(0usize);
    for t in &cx.tokens[wlo..whi] {
        let b = usize::from(TIME_CLAUSE_BREAK.contains(&t.norm(cx.folded)));
        breaks.push(breaks[breaks.len() - 1] + b);
    }
    let breaks_between = |a: usize, b: usize| {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        breaks[b - wlo] > breaks[a - wlo]
    };
    let (first_start, last_start) = (cx.tokens[wlo].span.start, cx.tokens[whi - 1].span.start);
    let mut best: Option<(usize, usize)> = None;
    let mut dur: Option<(usize, usize)> = None;
    // times are in text order: start at the window's first
    let from = cx.times.partition_point(|t| t.span.start < first_start);
    for (i, t) in cx.times.iter().enumerate().skip(from) {
        if t.span.start > last_start {
            break;
        }
        if t.span.start < lo || t.span.end > hi || cx.dateline.is_some_and(|d| d.overlaps(t.span)) {
            continue;
        }
        let k = wlo + cx.tokens[wlo..whi].partition_point(|tok| tok.span.start < t.span.start);
        if k >= whi || breaks_between(k, tk) {
            continue;
        }
        let dist = t.span.start.abs_diff(trig);
        match t.kind {
            TimexType::Duration => {
                if dur.is_none_or(|(d, _)| dist < d) {
                    dur = Some((dist, i));
                }
            }
            TimexType::Set => {}
            _ => {
                if t.value.is_some() && best.is_none_or(|(d, _)| dist < d) {
                    best = Some((dist, i));
                }
            }
        }
    }
    (best.map(|b| b.1), dur.map(|d| d.1))
}

/// How many tokens on either side of a trigger [`times_in_sentence`] looks for a time.
const TIME_WINDOW: usize = 120;

/// How many units on either side of a trigger the place of an event is looked for.
const UNIT_WINDOW: usize = 120;

/// Contact nouns whose other side goes unsaid: an interview has an interviewer, a debate an
/// opponent.
const IMPLICIT_OTHER_SIDE: &[&str] = &["interview", "interviews", "debate"];

/// Words that separate a trigger from a time expression belonging to another clause.
const TIME_CLAUSE_BREAK: &[&str] = &[
    "after", "before", "since", "when", "while", "which", "who", "whom", "that", "because",
    "although", "though", "but", ";", "said", "says", "until",
];

fn status_from_context(
    cx: &Context<'_>,
    s: &Sentence,
    srcs: &[UnitSrc],
    trig_unit: usize,
    match_end: usize,
    args: &[Arg],
) -> Status {
    let trig_tok = srcs.get(trig_unit).map_or(s.first, |u| u.first);
    let lo = trig_tok.saturating_sub(8).max(s.first);
    let mut planned = false;
    for k in (lo..trig_tok).rev() {
        let w = cx.tokens[k].norm(cx.folded);
        if CLAUSE_BREAK.contains(&w) && k + 1 < trig_tok {
            break;
        }
        if NEGATION.contains(&w) {
            return Status::Negated;
        }
        if PLANNED.contains(&w) {
            planned = true;
        }
    }
    // "the meeting was cancelled", "talks with X were postponed": just after the match
    let after = srcs
        .get(match_end.saturating_sub(1))
        .map_or(trig_tok, |u| u.last);
    let hi = (after + 4).min(s.last);
    for k in (trig_tok + 1..hi).filter(|&k| k < trig_tok + 3 || k >= after) {
        let w = cx.tokens[k].norm(cx.folded);
        if matches!(
            w,
            "cancelled" | "canceled" | "postponed" | "called" | "scrapped" | "suspended"
        ) {
            return Status::Negated;
        }
    }
    if planned {
        return Status::Planned;
    }
    // a time after the document date
    if let (Some(doc), Some(v)) = (
        cx.doc_date,
        args.iter()
            .find(|a| a.role == Role::Time)
            .and_then(|a| a.value.as_deref()),
    ) {
        let start = v.split('/').next().unwrap_or(v);
        if start.len() >= 10
            && doc.len() >= 10
            && start[..10] > doc[..10]
            && start.as_bytes()[0].is_ascii_digit()
        {
            return Status::Planned;
        }
    }
    Status::Occurred
}

/// Summits placed in the text: "the SCO summit in Samarkand" -> (SCO entity, Samarkand entity).
fn summit_places_of(cx: &Context<'_>) -> HashMap<usize, usize> {
    let mut out = HashMap::default();
    for (i, m) in cx.mentions.iter().enumerate() {
        let k = m.last;
        if k + 2 >= cx.tokens.len() || cx.tokens[k].norm(cx.folded) != "summit" {
            continue;
        }
        if !matches!(cx.tokens[k + 1].norm(cx.folded), "in" | "at") {
            continue;
        }
        if let Some(j) = cx
            .mentions
            .iter()
            .position(|p| p.first == k + 2 && p.kind == EntityKind::Location)
        {
            out.insert(cx.mention_entity[i], cx.mention_entity[j]);
        }
    }
    out
}

/// A meeting in the same sentence as a visit by one of its participants happens during
/// that visit: it takes the visit's destination and time when it has none.
fn share_visit_context(drafts: &mut [Draft]) {
    // (sentence, visitors, destination, time) of every visit
    type VisitInfo = (usize, Vec<usize>, Option<Arg>, Option<Arg>);
    let visits: Vec<VisitInfo> = drafts
        .iter()
        .filter(|d| d.event.kind == "VISIT")
        .map(|d| {
            (
                d.event.evidence.sentence,
                d.event.participants().collect(),
                d.event.arg(Role::Place).cloned(),
                d.event.arg(Role::Time).cloned(),
            )
        })
        .collect();
    for d in drafts.iter_mut() {
        if d.event.kind == "VISIT" {
            continue;
        }
        let parts: Vec<usize> = d.event.participants().collect();
        // drafts come in sentence order: only the visits of this sentence (binary search)
        let si = d.event.evidence.sentence;
        let from = visits.partition_point(|v| v.0 < si);
        for (_, vparts, vplace, vtime) in visits[from..].iter().take_while(|v| v.0 == si) {
            if !vparts.iter().any(|p| parts.contains(p)) {
                continue;
            }
            if d.event.arg(Role::Place).is_none()
                && let Some(p) = vplace
            {
                d.event.args.push(p.clone());
            }
            if let Some(t) = vtime {
                // the visit's interval is more precise than a day inside it
                d.event.args.retain(|a| a.role != Role::Time);
                d.event.args.push(t.clone());
            }
        }
    }
}

fn cameo(ev: &Event, hosted: bool, cx: &Context<'_>) -> &'static str {
    match ev.kind.as_str() {
        "CALL" => "041",
        "VISIT" => "042",
        "MEET" => {
            if ev.status == Status::Planned {
                "036"
            } else if hosted {
                "043"
            } else if let Some(p) = ev.arg(Role::Place).and_then(|a| a.entity) {
                // a third place: the meeting place's country is none of the participants'
                let pc = cx
                    .entities
                    .get(p)
                    .and_then(|e| e.attrs().get("country"))
                    .cloned();
                let third = ev.participants().all(|e| {
                    let c = cx
                        .entities
                        .get(e)
                        .and_then(|e| e.attrs().get("country"))
                        .cloned();
                    c.is_some() && pc.is_some() && c != pc
                });
                if third { "044" } else { "040" }
            } else {
                "040"
            }
        }
        _ => "040",
    }
}

fn merge(drafts: Vec<Draft>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    // (type, sorted participants) -> events already out with them: only those can merge
    // (a scan of every event per draft was quadratic in long documents)
    let mut by_key: HashMap<(String, Vec<usize>), Vec<usize>> = HashMap::default();
    for d in drafts {
        let ev = d.event;
        let mut parts: Vec<usize> = ev.participants().collect();
        parts.sort_unstable();
        let key = (ev.kind.clone(), parts);
        let cands = by_key.entry(key).or_default();
        let same = cands.iter().copied().find(|&i| {
            let o = &out[i];
            let agree = |r: Role| match (o.arg(r), ev.arg(r)) {
                (Some(a), Some(b)) => a.entity == b.entity && a.value == b.value,
                _ => true,
            };
            agree(Role::Place)
                && agree(Role::Time)
                && (o.status == ev.status
                    || o.status != Status::Negated && ev.status != Status::Negated)
        });
        match same {
            Some(i) => {
                let o = &mut out[i];
                for a in &ev.args {
                    if a.role != Role::Participant && o.arg(a.role).is_none() {
                        o.args.push(a.clone());
                    }
                }
                o.more_evidence.push(ev.evidence.clone());
            }
            None => {
                cands.push(out.len());
                out.push(ev);
            }
        }
    }
    out
}
