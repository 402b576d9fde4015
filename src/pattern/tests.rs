//! Tests of the pattern language: table-style cases per feature, error positions, a naive
//! oracle for leftmost-longest spans, and work bounds on long sentences.

use super::compile::CLASS_ALL;
use super::*;
use crate::error::{Error, ErrorKind};

fn set(src: &str) -> RuleSet {
    match RuleSet::from_sources(&[("test.rules", src)]) {
        Ok(s) => s,
        Err(e) => panic!("rules do not compile: {e}"),
    }
}

fn set_err(files: &[(&str, &str)]) -> Error {
    match RuleSet::from_sources(files) {
        Ok(_) => panic!("rules compiled, expected an error"),
        Err(e) => e,
    }
}

/// One rule `t` of type T with this pattern, plus the shared classes.
fn rule(pattern: &str) -> RuleSet {
    set(&format!(
        "class MEET_VERB = meet meets met meeting\n\
         class TALK = talks talked\n\
         rule t\n  type T\n  pattern {pattern}\n"
    ))
}

/// Matches as `start..end slot=text slot=text`, in order.
fn find(rs: &RuleSet, sentence: &str) -> Vec<String> {
    let a = match Annotated::parse(sentence) {
        Ok(a) => a,
        Err(e) => panic!("bad annotated sentence: {e}"),
    };
    let units = a.units();
    let mut cache = rs.cache();
    let mut out = Vec::new();
    rs.find_all(&units, &mut cache, &mut out);
    out.iter()
        .map(|m| {
            let mut s = String::new();
            if rs.rules().len() > 1 {
                s.push_str(&rs.rules()[m.rule].id);
                s.push(' ');
            }
            s.push_str(&format!("{}..{}", m.start, m.end));
            for c in &m.captures {
                let text: Vec<&str> = units[c.start..c.end].iter().map(|u| u.norm).collect();
                s.push_str(&format!(" {}={}", rs.slot_name(c.slot), text.join(" ")));
            }
            s
        })
        .collect()
}

/// `t!(pattern, sentence, [expected matches])`
macro_rules! t {
    ($pattern:expr, $sentence:expr, [$($m:expr),* $(,)?]) => {{
        let rs = rule($pattern);
        let got = find(&rs, $sentence);
        let want: Vec<String> = vec![$($m.to_string()),*];
        assert_eq!(got, want, "\npattern:  {}\nsentence: {}", $pattern, $sentence);
    }};
}

// ---------------------------------------------------------------- atoms

#[test]
fn literal_words_are_folded() {
    t!("met", "Putin met Xi", ["1..2"]);
    t!("met", "Putin MET Xi", ["1..2"]);
    t!("MET", "Putin met Xi", ["1..2"]);
    t!("met", "Putin meets Xi", []);
    t!("met", "Putin metXi", []);
    // diacritics and typographic apostrophes fold like the text
    t!("café", "the Cafe opened", ["1..2"]);
    t!("lukashenko's", "Lukashenko’s visit", ["0..2"]);
}

#[test]
fn quoted_literal_is_a_sequence() {
    t!("\"phone call\"", "a phone call with Xi", ["1..3"]);
    t!("\"phone call\"", "a phone with Xi", []);
    t!("phone call", "a phone call", ["1..3"]);
    // a bare word is split like text: `met.` is `met .`
    t!("met.", "they met.", ["1..3"]);
    t!("\"three-day\" visit", "a three-day visit", ["1..5"]);
}

#[test]
fn classes() {
    t!(
        "$MEET_VERB",
        "Xi met Putin and meets Lula",
        ["1..2", "4..5"]
    );
    t!("$MEET_VERB with", "Xi met with Putin", ["1..3"]);
    t!("$TALK", "they talked", ["1..2"]);
    // classes may include classes, defined later in the file
    let rs = set(
        "rule t\n  type T\n  pattern $ALL\nclass ALL = $A $B\nclass A = met\nclass B = talked\n",
    );
    assert_eq!(find(&rs, "they met and talked"), ["1..2", "3..4"]);
    // a quoted member matches a multi-word unit such as an entity
    let rs = set("class LEADER = \"Xi Jinping\" putin\nrule t\n  type T\n  pattern $LEADER met\n");
    assert_eq!(
        find(&rs, "[Xi Jinping]/PERSON met [Putin]/PERSON"),
        ["0..2"]
    );
}

#[test]
fn class_lookup_api() {
    let rs = RuleSet::from_sources(&[
        (
            "a.rules",
            "class PLANNED = will plans \"is due to\" expected\nclass ALL = $PLANNED met\n",
        ),
        ("b.rules", "rule r\n  type T\n  pattern met\n"),
    ])
    .unwrap();
    assert_eq!(
        rs.class_members("PLANNED").unwrap(),
        ["expected", "is due to", "plans", "will"]
    );
    assert_eq!(rs.class_members("ALL").unwrap().len(), 5);
    assert!(rs.class_members("NOPE").is_none());
    assert!(rs.in_class("ALL", "met"));
    assert!(rs.in_class("PLANNED", "is due to"));
    assert!(!rs.in_class("PLANNED", "met"));
    assert!(!rs.in_class("NOPE", "met"));
}

#[test]
fn classes_resolve_across_files() {
    let rs = RuleSet::from_sources(&[
        (
            "meet.rules",
            "rule meet.x\n  type MEET\n  pattern @PERSON $MEET_VERB @PERSON\n",
        ),
        ("classes.rules", "class MEET_VERB = meet met\n"),
    ])
    .unwrap();
    assert_eq!(find(&rs, "[Xi]/PERSON met [Putin]/PERSON"), ["0..3"]);
}

#[test]
fn alternatives() {
    t!(
        "(met | talked with | $TALK) @PERSON",
        "Xi talked with [Putin]/PERSON",
        ["1..4"]
    );
    t!(
        "(met | talked with | $TALK) @PERSON",
        "Xi met [Putin]/PERSON",
        ["1..3"]
    );
    t!(
        "(met | talked with | $TALK) @PERSON",
        "Xi talks [Putin]/PERSON",
        ["1..3"]
    );
    t!(
        "(met | talked with | $TALK) @PERSON",
        "Xi saw [Putin]/PERSON",
        []
    );
    // top-level alternation
    t!("met | talked", "met and talked", ["0..1", "2..3"]);
}

#[test]
fn wildcard_and_gaps() {
    t!("met _ @PERSON", "met with [Putin]/PERSON", ["0..3"]);
    t!("met _{0,2} @PERSON", "met [Putin]/PERSON", ["0..2"]);
    t!(
        "met _{0,2} @PERSON",
        "met on Monday with [Putin]/PERSON",
        []
    );
    t!(
        "met _{0,3} @PERSON",
        "met on Monday with [Putin]/PERSON",
        ["0..5"]
    );
}

#[test]
fn entity_atoms() {
    let s = "[Xi]/PERSON met [Putin]/PERSON in [Moscow]/LOCATION{kind=city} on [Monday]/TIME at the [SCO]/ORG summit";
    t!("in @LOCATION", s, ["3..5"]);
    t!("on @TIME", s, ["5..7"]);
    t!("the @ORG", s, ["8..10"]);
    t!("the @ORGANIZATION", s, ["8..10"]);
    t!("(in | on) @ENTITY", s, ["3..5"]);
    t!("@PERSON met @PERSON", s, ["0..3"]);
    t!("met @LOCATION", s, []);
    t!(
        "@NATIONALITY leader",
        "the [Belarusian]/NATIONALITY leader",
        ["1..3"]
    );
    t!("the @EVENT", "at the [SCO summit]/EVENT", ["1..3"]);
}

#[test]
fn attribute_tests() {
    let s = "visited [Belarus]/LOCATION{kind=country} and [Minsk]/LOCATION{kind=city}";
    t!("(visited | and) @LOCATION[kind=country]", s, ["0..2"]);
    t!("(visited | and) @LOCATION[kind=city]", s, ["2..4"]);
    t!(
        "(visited | and) @LOCATION[kind=city|country]",
        s,
        ["0..2", "2..4"]
    );
    t!("(visited | and) @LOCATION[kind!=country]", s, ["2..4"]);
    t!("(visited | and) @LOCATION[kind]", s, ["0..2", "2..4"]);
    t!("(visited | and) @LOCATION[!kind]", s, []);
    let p = "met @PERSON[title=president] | met @PERSON[title, country=\"Belarus\"]";
    t!(p, "met [Xi]/PERSON{title=President}", ["0..2"]);
    t!(
        p,
        "met [Lukashenko]/PERSON{title=Leader,country=belarus}",
        ["0..2"]
    );
    t!(p, "met [Lukashenko]/PERSON{country=Belarus}", []);
    t!(p, "met [Lukashenko]/PERSON", []);
    // a value with spaces
    t!(
        "met @PERSON[title=\"foreign minister\"]",
        "met [Wang]/PERSON{title=Foreign  Minister}",
        ["0..2"]
    );
}

#[test]
fn unit_tests() {
    t!(
        "met [shape=Capitalized]",
        "met Putin and met putin",
        ["0..2"]
    );
    t!(
        "met [shape=Lower|Upper]",
        "met Putin and met putin and met SCO",
        ["3..5", "6..8"]
    );
    t!("met [kind=Punct]", "they met , then met again", ["1..3"]);
    t!("met [kind=Entity]", "met [Xi]/PERSON", ["0..2"]);
    t!("met [kind=Time]", "met [today]/TIME", ["0..2"]);
    t!(
        "[word=/^tele/] with",
        "a telephone with and a telegram with",
        ["1..3", "5..7"]
    );
    // norms are lower case; regexes ignore case so that `/^Tele/` is not a trap
    t!("[word=/^Tele/] with", "a telephone with", ["1..3"]);
    t!(
        "[word=\"xi jinping\"] met",
        "[Xi Jinping]/PERSON met",
        ["0..2"]
    );
    t!("met [word=putin|xi]", "met Xi", ["0..2"]);
    t!(
        "met [shape=Capitalized, word!=monday]",
        "met Monday and met Xi",
        ["3..5"]
    );
    t!("met [kind!=Punct]", "met , met Xi", ["2..4"]);
}

#[test]
fn negation() {
    t!("!not met", "did not met and he met", ["4..6"]);
    t!("!$MEET_VERB talked", "met talked and he talked", ["3..5"]);
    t!("!(not | never) met", "never met or had met", ["3..5"]);
    t!("![shape=Capitalized] met", "Xi met and he met", ["3..5"]);
    t!("!@PERSON met", "[Xi]/PERSON met and he met", ["3..5"]);
    t!("met !,", "met , and met Xi", ["3..5"]);
}

#[test]
fn quantifiers() {
    t!("very? good", "good and very good", ["0..1", "2..4"]);
    t!("very* good", "very very very good", ["0..4"]);
    t!("very+ good", "good and very very good", ["2..5"]);
    t!(
        "very{2} good",
        "very good very very good very very very good",
        ["2..5", "6..9"]
    );
    t!("very{2,} good", "very good very very very good", ["2..6"]);
    t!("very{,2} good", "very very very good", ["1..4"]);
    t!("very{1,2} good", "good very good", ["1..3"]);
    t!("(very good)+ man", "very good very good man", ["0..5"]);
    t!(
        "(very good){2} man",
        "very good man very good very good man",
        ["3..8"]
    );
}

#[test]
fn anchors() {
    t!("^ met", "met and met", ["0..1"]);
    t!("met $", "met and met", ["2..3"]);
    t!("^ met $", "met", ["0..1"]);
    t!("^ met $", "met .", []);
}

// ---------------------------------------------------------------- slots

#[test]
fn slot_captures() {
    t!(
        "participant:@PERSON trigger:$MEET_VERB participant:@PERSON",
        "[Xi]/PERSON met [Putin]/PERSON",
        ["0..3 participant=xi trigger=met participant=putin"]
    );
    t!(
        "trigger:(held talks | met) with participant:(@PERSON | @ORG)",
        "Xi held talks with the [SCO]/ORG and held talks with [Modi]/PERSON",
        ["7..11 trigger=held talks participant=modi"]
    );
    t!(
        "trigger:(held talks | met) with the? participant:(@PERSON | @ORG)",
        "Xi held talks with the [SCO]/ORG",
        ["1..6 trigger=held talks participant=sco"]
    );
    t!(
        "met place:(in @LOCATION)? time:@TIME?",
        "met in [Minsk]/LOCATION",
        ["0..3 place=in minsk"]
    );
}

#[test]
fn slots_in_lists_capture_every_repetition() {
    let p = "participant:@PERSON ( , participant:@PERSON )* ,? and participant:@PERSON trigger:$MEET_VERB";
    t!(
        p,
        "[Xi]/PERSON and [Putin]/PERSON met",
        ["0..4 participant=xi participant=putin trigger=met"]
    );
    t!(
        p,
        "[Xi]/PERSON , [Putin]/PERSON , [Modi]/PERSON , and [Lula]/PERSON met .",
        ["0..9 participant=xi participant=putin participant=modi participant=lula trigger=met"]
    );
    t!(
        p,
        "Then [Xi]/PERSON, [Putin]/PERSON, [Modi]/PERSON and [Lula]/PERSON met.",
        ["1..9 participant=xi participant=putin participant=modi participant=lula trigger=met"]
    );
    // bounded repetition too
    t!(
        "met participant:@PERSON{1,3}",
        "met [A]/PERSON [B]/PERSON",
        ["0..3 participant=a b"]
    );
    t!(
        "met (participant:@PERSON){1,3}",
        "met [A]/PERSON [B]/PERSON",
        ["0..3 participant=a participant=b"]
    );
}

#[test]
fn slot_on_quantified_atom_is_one_span() {
    t!(
        "met participant:@PERSON+",
        "met [A]/PERSON [B]/PERSON",
        ["0..3 participant=a b"]
    );
    t!(
        "met (participant:@PERSON)+",
        "met [A]/PERSON [B]/PERSON",
        ["0..3 participant=a participant=b"]
    );
}

#[test]
fn nested_slots_open_outer_first() {
    t!(
        "guest:(participant:@PERSON and participant:@PERSON) visited destination:@LOCATION",
        "[A]/PERSON and [B]/PERSON visited [Minsk]/LOCATION",
        ["0..5 guest=a and b participant=a participant=b destination=minsk"]
    );
}

#[test]
fn captures_follow_priority_within_the_longest_span() {
    // both `host:` and `guest:` paths match the same span: the first alternative wins
    t!(
        "(host:@PERSON | guest:@PERSON) met",
        "[Xi]/PERSON met",
        ["0..2 host=xi"]
    );
    // greedy: the optional takes the unit when both ways match the span
    t!("met place:_? time:_?", "met x", ["0..2 place=x"]);
}

#[test]
fn declared_slots() {
    let rs = set(
        "slot caller callee\nrule call.x\n  type CALL\n  pattern caller:@PERSON called callee:@PERSON\n",
    );
    assert_eq!(
        find(&rs, "[Xi]/PERSON called [Putin]/PERSON"),
        ["0..3 caller=xi callee=putin"]
    );
    assert_eq!(rs.slot("callee").map(|s| rs.slot_name(s)), Some("callee"));
    assert_eq!(rs.slot("participant"), Some(SlotId::PARTICIPANT));
    assert_eq!(rs.slot("nope"), None);
    for (i, name) in BUILTIN_SLOTS.iter().enumerate() {
        assert_eq!(rs.slot_name(SlotId(i as u16)), *name);
    }
}

// ---------------------------------------------------------------- semantics

#[test]
fn leftmost_longest() {
    // longest from the leftmost start, not the first alternative
    t!("met | met with", "met with Xi", ["0..2"]);
    t!("met (with @PERSON)?", "met with [Xi]/PERSON", ["0..3"]);
    // leftmost start wins even if a later start would be longer
    t!("a? met | met with Xi too", "a met with Xi too", ["0..2"]);
    // after a match, the search resumes at its end: no overlaps within a rule
    t!("met _ met", "met x met x met", ["0..3"]);
    t!("x | x _* y", "x x x x", ["0..1", "1..2", "2..3", "3..4"]);
    t!("x | x _* y", "x x y x", ["0..3", "3..4"]);
}

#[test]
fn readme_gap_advice_holds() {
    let s = "[Xi]/PERSON said [Putin]/PERSON met [Modi]/PERSON";
    t!(
        "participant:@PERSON _{0,6} met participant:@PERSON",
        s,
        ["0..5 participant=xi participant=modi"]
    );
    t!(
        "participant:@PERSON !@PERSON{0,4} met participant:@PERSON",
        s,
        ["2..5 participant=putin participant=modi"]
    );
    t!(
        "participant:@PERSON ![kind=Entity]{0,4} met participant:@PERSON",
        s,
        ["2..5 participant=putin participant=modi"]
    );
}

#[test]
fn overlapping_rules_are_all_reported_in_order() {
    let rs = set(
        "rule b.long\n  type T\n  pattern @PERSON met @PERSON in @LOCATION\n\
         rule a.short\n  type T\n  pattern met @PERSON\n\
         rule c.visit\n  type T\n  pattern in @LOCATION\n",
    );
    assert_eq!(
        find(&rs, "[Xi]/PERSON met [Putin]/PERSON in [Moscow]/LOCATION"),
        ["b.long 0..5", "a.short 1..3", "c.visit 3..5"]
    );
    // same start: rule order
    let rs = set("rule z\n  type T\n  pattern met _\n\
         rule y\n  type T\n  pattern met\n");
    assert_eq!(find(&rs, "met x"), ["z 0..2", "y 0..1"]);
}

#[test]
fn find_rule_runs_one_rule() {
    let rs = set("rule one\n  type T\n  pattern met\n\
         rule two\n  type T\n  pattern talked\n");
    let a = Annotated::parse("met and talked").unwrap();
    let units = a.units();
    let mut cache = Cache::new();
    let mut out = Vec::new();
    rs.find_rule(1, &units, &mut cache, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].rule, out[0].start, out[0].end), (1, 2, 3));
    assert_eq!(rs.rule_index("two"), Some(1));
    assert_eq!(rs.rule_index("three"), None);
}

#[test]
fn no_trigger_means_no_work() {
    let rs = rule("participant:@PERSON+ $MEET_VERB _{0,5} @LOCATION?");
    let a = Annotated::parse("[Xi]/PERSON said on [Monday]/TIME that trade grew by 5 percent .")
        .unwrap();
    let mut cache = rs.cache();
    let mut out = Vec::new();
    rs.find_all(&a.units(), &mut cache, &mut out);
    assert!(out.is_empty());
    assert_eq!(cache.steps(), 0);
}

/// The extractor's word table gives every word the anchor id the scan finds for its text:
/// the anchor words and the other words of the default rules, words near the anchor words
/// (a letter changed, added or dropped), the words of a text and random ones; and the scan
/// fed ids from it sees what it sees fed the texts.
#[test]
fn the_word_table_gives_every_word_its_anchor_id() {
    let rs = RuleSet::from_sources(crate::defaults::RULES).unwrap();
    let lx = crate::lexicon::Lexicon::new(Some(&rs));
    let c = &rs.compiled;
    let mut rng = Rng(7);
    let mut words: Vec<String> = c.anchor_words.iter().flatten().flatten().cloned().collect();
    let anchors = words.len();
    assert!(anchors > 10);
    words.extend(c.class_members.iter().flatten().cloned());
    for i in 0..anchors {
        words.extend(crate::hash::near_word(&words[i], &mut || rng.next()));
    }
    let text = "Xi Jinping met Vladimir Putin for talks in Moscow; they held a summit, \
                visited the plant and called the president of France on Monday.";
    let folded = crate::text::Folded::new(text);
    let (mut tokens, mut sentences) = (Vec::new(), Vec::new());
    crate::tokenize::tokenize(text, &folded, &mut tokens, &mut sentences);
    words.extend(tokens.iter().map(|t| t.norm(&folded).to_string()));
    for _ in 0..2000 {
        let n = 1 + rng.below(12);
        words.push(
            (0..n)
                .map(|_| char::from(b"etaoinshrdlcum.-"[rng.below(16)]))
                .collect(),
        );
    }
    let id_of = |w: &str| lx.word(lx.id(w.as_bytes())).anchor;
    let mut found = 0;
    for w in &words {
        let want = vm::anchor_word(c, w.as_bytes()).unwrap_or(NO_ANCHOR);
        assert_eq!(id_of(w), want, "{w:?}");
        found += usize::from(want != NO_ANCHOR);
    }
    assert!(found >= anchors, "{found}");
    // fed sentences of these words, the scan answers the same from ids as from texts
    let mut cache = rs.cache();
    let mut woke = 0;
    for _ in 0..2000 {
        let len = rng.below(20);
        let sentence: Vec<&str> = (0..len)
            .map(|_| words[rng.below(2 * anchors)].as_str())
            .collect();
        let from_texts = rs
            .anchor_scan(&mut cache, CLASS_ALL)
            .sees_any(sentence.iter().map(|w| w.as_bytes()));
        // (the next unit not known: every anchor word counts, as fed a text)
        let mut scan = rs.anchor_scan(&mut cache, CLASS_ALL);
        let from_ids = sentence
            .iter()
            .any(|w| scan.sees_anchor(id_of(w), || Next::Unknown));
        drop(scan);
        assert_eq!(from_texts, from_ids, "{sentence:?}");
        woke += usize::from(from_ids);
    }
    assert!(woke > 0 && woke < 2000, "{woke}");
}

#[test]
fn anchor_scan_wakes_exactly_when_a_rule_would_run() {
    // anchor sets [held] and [talked, talks]
    let rs = rule("trigger:(held $TALK) with @PERSON");
    let mut cache = rs.cache();
    let mut wakes = |words: &[&str]| {
        rs.anchor_scan(&mut cache, CLASS_ALL)
            .sees_any(words.iter().map(|w| w.as_bytes()))
    };
    assert!(!wakes(&["talks", "with", "xi"]));
    // the masks of the last scan were cleared: "talks" is not remembered
    assert!(!wakes(&["he", "held", "a"]));
    assert!(wakes(&["talks", "were", "held"]));
    // over random sentences it agrees with the matcher's own test (work done or not)
    let vocab = ["held", "talks", "talked", "with", "a", "met"];
    let mut rng = Rng(31);
    let mut cache = rs.cache();
    let mut out = Vec::new();
    for _ in 0..500 {
        let len = rng.below(6);
        let norms: Vec<&'static str> = (0..len).map(|_| vocab[rng.below(vocab.len())]).collect();
        // with a person among the units, as the rule needs (the sentence's classes)
        let mut units = units_of(&norms);
        units.push(Unit {
            norm: "xi",
            shape: crate::tokenize::Shape::Capitalized,
            kind: UnitKind::Entity(EntityKind::Person),
            attrs: None,
        });
        let woke = rs
            .anchor_scan(&mut cache, CLASS_ALL)
            .sees_any(norms.iter().map(|w| w.as_bytes()));
        rs.find_all(&units, &mut cache, &mut out);
        assert_eq!(woke, cache.steps() > 0, "{norms:?}");
    }
}

/// The words the unit after an anchor word must have, when every way on from it reads a
/// word first; none when a match may end there or read anything else next.
#[test]
fn an_anchor_set_knows_the_words_that_may_follow_it() {
    // the rules' words that are in the set, of these
    let candidates = [
        "again", "back", "in", "with", "talks", "talked", "met", "meet",
    ];
    let follow = |pattern: &str| {
        let rs = rule(pattern);
        let c = &rs.compiled;
        c.progs[0].entry.follow.as_ref().map(|bits| {
            candidates
                .into_iter()
                .filter(|w| {
                    c.vocab
                        .get(w)
                        .is_some_and(|w| bits[w as usize / 64] & (1 << (w % 64)) != 0)
                })
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(
        follow("@PERSON trigger:$MEET_VERB ( back | again )? ( with | in ) @LOCATION"),
        Some(vec!["again", "back", "in", "with"])
    );
    assert_eq!(
        follow("@PERSON trigger:$MEET_VERB $TALK"),
        Some(vec!["talks", "talked"])
    );
    // a match may end at the anchor word, or go on with a person
    assert_eq!(follow("@PERSON trigger:$MEET_VERB with?"), None);
    assert_eq!(follow("trigger:$MEET_VERB @PERSON"), None);
    assert_eq!(follow("trigger:$MEET_VERB [shape=Lower]"), None);
}

/// Fed the anchor ids of a sentence of tokens with the text of the token after each, the
/// scan wakes for every sentence a rule of the default set matches (no rule that can
/// match is turned away), and turns away sentences in which a movement verb is followed
/// by no word `visit.movement` allows there.
#[test]
fn anchor_scan_with_next_words_wakes_for_every_match() {
    let rs = RuleSet::from_sources(crate::defaults::RULES).unwrap();
    let lx = crate::lexicon::Lexicon::new(Some(&rs));
    let c = &rs.compiled;
    let movement = rs.rule_index("visit.movement").unwrap();
    assert!(c.progs[movement].entry.follow.is_some());
    let anchors: Vec<&str> = c
        .anchor_words
        .iter()
        .flatten()
        .flatten()
        .map(|w| w.as_str())
        .collect();
    let verbs: Vec<&str> = ["WALK", "TRAVEL", "ARRIVE"]
        .into_iter()
        .flat_map(|class| rs.class_members(class).unwrap())
        .map(|w| w.as_str())
        .collect();
    let words = [
        "to", "into", "back", "the", "home", "in", "at", "a", "capital", "he", "and", ",", "not",
        "will",
    ];
    let places = ["Paris", "Minsk"];
    let mut rng = Rng(19);
    let mut cache = rs.cache();
    let mut out = Vec::new();
    let (mut matched, mut turned_away) = (0, 0);
    for _ in 0..20_000 {
        // mostly someone, a verb, then small words and places, with other anchor words
        let len = 2 + rng.below(5);
        let norms: Vec<&str> = (0..len)
            .map(|k| match (k, rng.below(8)) {
                (_, 0) => anchors[rng.below(anchors.len())],
                (0, 1..4) | (2.., 1..3) => places[rng.below(places.len())],
                (0, _) => "he",
                (1, _) => verbs[rng.below(verbs.len())],
                _ => words[rng.below(words.len())],
            })
            .collect();
        let units: Vec<Unit<'_>> = norms
            .iter()
            .map(|&w| {
                let place = places.contains(&w);
                Unit {
                    norm: w,
                    shape: if place {
                        crate::tokenize::Shape::Capitalized
                    } else {
                        crate::tokenize::Shape::Lower
                    },
                    kind: if place {
                        UnitKind::Entity(EntityKind::Location)
                    } else {
                        UnitKind::Token(crate::tokenize::TokenKind::Word)
                    },
                    attrs: None,
                }
            })
            .collect();
        let mut scan = rs.anchor_scan(&mut cache, CLASS_ALL);
        let woke = (0..len).any(|k| {
            let next = || {
                norms
                    .get(k + 1)
                    .map_or(Next::End, |w| Next::Text(w.as_bytes()))
            };
            scan.sees_anchor(lx.word(lx.id(norms[k].as_bytes())).anchor, next)
        });
        drop(scan);
        let woke_any = rs
            .anchor_scan(&mut cache, CLASS_ALL)
            .sees_any(norms.iter().map(|w| w.as_bytes()));
        rs.find_all(&units, &mut cache, &mut out);
        assert!(woke || out.is_empty(), "{norms:?}: {out:?}");
        matched += usize::from(!out.is_empty());
        turned_away += usize::from(woke_any && !woke);
    }
    assert!(matched > 100, "{matched}");
    assert!(turned_away > 100, "{turned_away}");
}

#[test]
fn a_rule_runs_only_where_units_of_the_classes_it_needs_are() {
    // every match reads a person (or an organisation) and a place; "talks" is the anchor
    let rs = rule("(@PERSON | @ORG) held talks in @LOCATION on? @TIME?");
    let c = &rs.compiled;
    let person = entity_class(EntityKind::Person);
    let org = entity_class(EntityKind::Organization);
    let place = entity_class(EntityKind::Location);
    let mut needs = c.needs[0].clone();
    needs.sort_unstable();
    let mut want = [person | org, place];
    want.sort_unstable();
    assert_eq!(needs, want);
    assert!(c.may_match(0, CLASS_TOKEN | person | place));
    assert!(c.may_match(0, CLASS_TOKEN | org | place | CLASS_TIME));
    assert!(c.may_match(0, CLASS_ALL));
    assert!(!c.may_match(0, CLASS_TOKEN | person | CLASS_TIME));
    assert!(!c.may_match(0, CLASS_TOKEN | place | CLASS_TIME));
    // the time is optional: a time or a place does not stand for the other
    let rs2 = rule("@PERSON held talks ( on @TIME | in @LOCATION )");
    assert_eq!(rs2.compiled.needs[0], [person]);
    // the scan and the matcher agree: no run without a place or a time
    let mut cache = rs.cache();
    let words = ["xi", "held", "talks", "in", "paris"];
    let woke = |cache: &mut Cache, present| {
        rs.anchor_scan(cache, present)
            .sees_any(words.iter().map(|w| w.as_bytes()))
    };
    assert!(!woke(&mut cache, CLASS_TOKEN | person));
    assert!(woke(&mut cache, CLASS_TOKEN | person | place));
    let mut out = Vec::new();
    for (s, matches) in [
        ("[Xi]/PERSON held talks in Paris", 0),
        ("[Xi]/PERSON held talks in [Paris]/LOCATION", 1),
    ] {
        rs.find_all(&Annotated::parse(s).unwrap().units(), &mut cache, &mut out);
        assert_eq!(out.len(), matches, "{s}");
        assert_eq!(cache.steps() > 0, matches > 0, "{s}");
    }
    // a word, a shape or a negation holds for a unit of any class: nothing is needed
    let rs = rule("[shape=Capitalized] held talks");
    assert!(rs.compiled.needs[0].is_empty());
}

#[test]
fn a_rule_runs_only_when_all_its_selective_anchors_occur() {
    let rs = rule("trigger:(held $TALK) with @PERSON");
    let steps = |s: &str| {
        let a = Annotated::parse(s).unwrap();
        let mut cache = rs.cache();
        let mut out = Vec::new();
        rs.find_all(&a.units(), &mut cache, &mut out);
        (out.len(), cache.steps())
    };
    assert_eq!(steps("he held a press conference with [Xi]/PERSON"), (0, 0));
    assert_eq!(steps("the talks with [Xi]/PERSON"), (0, 0));
    let (n, work) = steps("he held talks with [Xi]/PERSON");
    assert_eq!(n, 1);
    assert!(work > 0);
    // rules made only of common words still run
    t!(", and", "Xi , and Putin", ["1..3"]);
    // which sets gate a rule
    assert_eq!(
        rs.anchors(0),
        [
            vec!["held".to_string()],
            vec!["talked".into(), "talks".into()]
        ]
    );
    assert_eq!(
        rule("with met | with $TALK").anchors(0),
        [vec!["met", "talked", "talks"]]
    );
}

#[test]
fn empty_sentence() {
    t!("met", "", []);
}

#[test]
fn cache_is_reusable_across_sets_and_sentences() {
    let small = rule("met");
    let big = rule("(a? b? c? d? e? f? g? h?){3} met (i? j? k?){5}");
    let mut cache = Cache::new();
    let mut out = Vec::new();
    for (rs, s, n) in [
        (&small, "met", 1),
        (&big, "a b met i j", 1),
        (&small, "x met y met", 2),
    ] {
        let a = Annotated::parse(s).unwrap();
        rs.find_all(&a.units(), &mut cache, &mut out);
        assert_eq!(out.len(), n, "{s}");
    }
}

// ---------------------------------------------------------------- rule metadata

#[test]
fn rule_metadata() {
    let src = "\
# meetings
class MEET_VERB = meet met   # verbs
  meets meeting

rule meet.coordinated-subject
  type MEET VISIT
  status planned
  priority -3
  pattern participant:@PERSON and participant:@PERSON
          trigger:$MEET_VERB   # continues
  + Xi and Putin met on Monday. # not a comment
  - Xi said Putin met Lula.

rule meet/simple
  type MEET
  pattern $MEET_VERB
";
    let rs = RuleSet::from_sources(&[("meet.rules", src)]).unwrap();
    let r = &rs.rules()[0];
    assert_eq!(r.id, "meet.coordinated-subject");
    assert_eq!(r.types, ["MEET", "VISIT"]);
    assert_eq!(r.status, Some(Status::Planned));
    assert_eq!(r.priority, -3);
    assert_eq!(
        r.pattern,
        "participant:@PERSON and participant:@PERSON trigger:$MEET_VERB"
    );
    assert_eq!(
        r.examples,
        [
            Example {
                text: "Xi and Putin met on Monday. # not a comment".into(),
                positive: true,
                line: 11
            },
            Example {
                text: "Xi said Putin met Lula.".into(),
                positive: false,
                line: 12
            },
        ]
    );
    assert_eq!(r.location.to_string(), "meet.rules:5:1");
    assert_eq!(
        r.example_location(&r.examples[1]).to_string(),
        "meet.rules:12:1"
    );
    let r = &rs.rules()[1];
    assert_eq!(
        (r.id.as_str(), r.status, r.priority),
        ("meet/simple", None, 0)
    );
    // the class continuation line counts
    assert_eq!(find(&rs, "meeting").len(), 1);
}

#[test]
fn readme_example_compiles_and_matches() {
    let readme = include_str!("../../rules/README.md");
    let block = readme
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    let rs = RuleSet::from_sources(&[("README.md", block)]).unwrap();
    assert_eq!(rs.rules()[0].examples.len(), 3);
    assert_eq!(
        find(
            &rs,
            "[Xi Jinping]/PERSON and [Alexander Lukashenko]/PERSON met in [Beijing]/LOCATION on [Tuesday]/TIME."
        ),
        [
            "0..8 participant=xi jinping participant=alexander lukashenko trigger=met place=beijing time=tuesday"
        ]
    );
    assert_eq!(
        find(
            &rs,
            "[Modi]/PERSON, [Putin]/PERSON and [Xi]/PERSON met on the sidelines of the summit."
        ),
        ["0..6 participant=modi participant=putin participant=xi trigger=met"]
    );
    assert!(
        find(
            &rs,
            "[Xi]/PERSON said [Putin]/PERSON had met [Lukashenko]/PERSON."
        )
        .is_empty()
    );
}

#[test]
fn examples_may_be_indented_under_a_pattern() {
    let src = "\u{feff}rule r\n  type T\n  pattern met\n      with\n    + Xi met with Putin\n    - Xi met Putin\n";
    let rs = RuleSet::from_sources(&[("r.rules", src)]).unwrap();
    let r = &rs.rules()[0];
    assert_eq!(r.pattern, "met with");
    assert_eq!(r.examples.len(), 2);
    assert!(r.examples[0].positive && !r.examples[1].positive);
}

#[test]
fn rule_set_is_send_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<RuleSet>();
    check::<Cache>();
}

// ---------------------------------------------------------------- errors

/// `(kind, "path:line:col: message (hint: ...)")`
fn error_of(src: &str) -> (ErrorKind, String) {
    let e = set_err(&[("t.rules", src)]);
    (e.kind(), e.to_string())
}

macro_rules! e {
    ($src:expr, $kind:ident, $starts:expr) => {{
        let (kind, msg) = error_of($src);
        assert_eq!(kind, ErrorKind::$kind, "{msg}");
        assert!(
            msg.starts_with($starts),
            "\n got: {msg}\nwant: {}...",
            $starts
        );
        msg
    }};
}

const HEAD: &str = "class MEET_VERB = meet met\nrule r\n  type MEET\n";

#[test]
fn class_definition_spacing() {
    let rs = set("class A=met\nclass B =talked\nclass C= $A $B\nrule r\n  type T\n  pattern $C\n");
    assert_eq!(find(&rs, "met talked"), ["0..1", "1..2"]);
    e!(
        "class A met\n",
        RuleSyntax,
        "t.rules:1:9: expected `=` after `class A`"
    );
    e!(
        "class Ä = met\n",
        RuleSyntax,
        "t.rules:1:7: bad class name `Ä`"
    );
    e!("class\n", RuleSyntax, "t.rules:1:6: class without a name");
}

#[test]
fn error_unknown_class_with_suggestion() {
    let msg = e!(
        &format!("{HEAD}  pattern @PERSON $MEET_VRB @PERSON\n"),
        UnknownName,
        "t.rules:4:19: unknown class $MEET_VRB"
    );
    assert!(msg.ends_with("(hint: did you mean $MEET_VERB?)"), "{msg}");
    // the column is counted in characters, on continuation lines too
    e!(
        &format!("{HEAD}  pattern @PERSON\n     é $NOPE\n"),
        UnknownName,
        "t.rules:5:8: unknown class $NOPE (hint: define it"
    );
    // inside a class
    e!(
        "class A = x $B\n",
        UnknownName,
        "t.rules:1:13: unknown class $B"
    );
}

#[test]
fn error_unbalanced_parentheses() {
    e!(
        &format!("{HEAD}  pattern met (with @PERSON\n"),
        RuleSyntax,
        "t.rules:4:15: unclosed group: `(` has no matching `)` (hint: add `)`)"
    );
    e!(
        &format!("{HEAD}  pattern met with) @PERSON\n"),
        RuleSyntax,
        "t.rules:4:19: unmatched `)`"
    );
    e!(
        &format!("{HEAD}  pattern met (a | (b) @PERSON\n"),
        RuleSyntax,
        "t.rules:4:15: unclosed group"
    );
    e!(
        &format!("{HEAD}  pattern ) met\n"),
        RuleSyntax,
        "t.rules:4:11: unmatched `)`"
    );
    e!(
        &format!("{HEAD}  pattern met (\n"),
        RuleSyntax,
        "t.rules:4:15: unclosed group"
    );
    e!(
        &format!("{HEAD}  pattern met (a\n        | b\n"),
        RuleSyntax,
        "t.rules:4:15: unclosed group"
    );
    e!(
        &format!("{HEAD}  pattern met (a\n        | b))\n"),
        RuleSyntax,
        "t.rules:5:13: unmatched `)`"
    );
    e!(
        &format!("{HEAD}  pattern met () @PERSON\n"),
        RuleSyntax,
        "t.rules:4:15: empty group"
    );
    e!(
        &format!("{HEAD}  pattern met (a | ) @PERSON\n"),
        RuleSyntax,
        "t.rules:4:18: empty alternative after `|`"
    );
}

#[test]
fn error_bad_quantifiers() {
    e!(
        &format!("{HEAD}  pattern met @PERSON{{3,1}}\n"),
        RuleSyntax,
        "t.rules:4:22: bad quantifier `{3,1}`"
    );
    e!(
        &format!("{HEAD}  pattern met _{{0,x}}\n"),
        RuleSyntax,
        "t.rules:4:16: bad quantifier `{0,x}`"
    );
    e!(
        &format!("{HEAD}  pattern met _{{0,500}}\n"),
        RuleSyntax,
        "t.rules:4:16: bad quantifier `{0,500}`: bound above 100"
    );
    e!(
        &format!("{HEAD}  pattern met _{{0,4\n"),
        RuleSyntax,
        "t.rules:4:16: bad quantifier: `{` is not closed"
    );
    e!(
        &format!("{HEAD}  pattern met * @PERSON\n"),
        RuleSyntax,
        "t.rules:4:15: bad quantifier: `*` has nothing to repeat"
    );
    e!(
        &format!("{HEAD}  pattern met @PERSON+?\n"),
        RuleSyntax,
        "t.rules:4:23: bad quantifier: `?` after another quantifier"
    );
    e!(
        &format!("{HEAD}  pattern met (a? b?)*\n"),
        RuleSyntax,
        "t.rules:4:15: `*` repeats something that can match no unit"
    );
    e!(
        &format!("{HEAD}  pattern met participant:(@PERSON?){{2,}}\n"),
        RuleSyntax,
        "t.rules:4:27: `{2,}` repeats something that can match no unit"
    );
    e!(
        &format!("{HEAD}  pattern met (^ | a)+\n"),
        RuleSyntax,
        "t.rules:4:15: `+` repeats something"
    );
    e!(
        &format!("{HEAD}  pattern met ^?\n"),
        RuleSyntax,
        "t.rules:4:16: an anchor cannot be repeated"
    );
}

#[test]
fn error_unknown_entity_type() {
    e!(
        &format!("{HEAD}  pattern met @PERSN\n"),
        UnknownEntityKind,
        "t.rules:4:15: unknown entity type `@PERSN` (hint: did you mean `@PERSON`?)"
    );
    e!(
        &format!("{HEAD}  pattern met @FOOBAR\n"),
        UnknownEntityKind,
        "t.rules:4:15: unknown entity type `@FOOBAR` (hint: use one of @PERSON"
    );
}

#[test]
fn error_unknown_slot() {
    e!(
        &format!("{HEAD}  pattern participnt:@PERSON met\n"),
        UnknownName,
        "t.rules:4:11: unknown slot `participnt` (hint: did you mean `participant`?)"
    );
    e!(
        &format!("{HEAD}  pattern caller:@PERSON met\n"),
        UnknownName,
        "t.rules:4:11: unknown slot `caller` (hint: use one of participant, trigger"
    );
    e!(
        &format!("{HEAD}  pattern participant: @PERSON met\n"),
        RuleSyntax,
        "t.rules:4:11: slot `participant:` captures nothing"
    );
}

#[test]
fn error_rule_structure() {
    e!(
        "rule r\n  type MEET\n",
        RuleSyntax,
        "t.rules:1:1: rule `r` has no `pattern` line"
    );
    e!(
        "rule r\n  pattern met\n",
        RuleSyntax,
        "t.rules:1:1: rule `r` has no `type` line"
    );
    e!(
        "rule\n  type MEET\n  pattern met\n",
        RuleSyntax,
        "t.rules:1:5: rule without an id"
    );
    e!(
        "rule a..b\n  type MEET\n  pattern met\n",
        RuleSyntax,
        "t.rules:1:6: bad rule id `a..b`"
    );
    e!(
        "rule r\n  type MEET\n  patern met\n",
        RuleSyntax,
        "t.rules:3:3: unknown rule field `patern` (hint: did you mean `pattern`?)"
    );
    e!(
        "rule r\n  type meet\n  pattern met\n",
        RuleSyntax,
        "t.rules:2:8: bad event type `meet`"
    );
    e!(
        "rule r\n  type MEET\n  status done\n  pattern met\n",
        RuleSyntax,
        "t.rules:3:10: unknown status `done`"
    );
    e!(
        "rule r\n  type MEET\n  priority high\n  pattern met\n",
        RuleSyntax,
        "t.rules:3:12: bad priority `high`"
    );
    e!(
        "rule r\n  type MEET\n  pattern met\n  pattern met\n",
        RuleSyntax,
        "t.rules:4:3: second `pattern` line"
    );
    e!(
        "rule r\n  type MEET\n  pattern\n",
        RuleSyntax,
        "t.rules:3:10: empty pattern"
    );
    e!(
        "  type MEET\n",
        RuleSyntax,
        "t.rules:1:3: indented line outside a rule or class"
    );
    e!(
        "rul r\n",
        RuleSyntax,
        "t.rules:1:1: expected `class`, `slot` or `rule`, found `rul` (hint: did you mean `rule`?)"
    );
    e!(
        "rule r\n  type MEET\n  pattern met\n  +\n",
        RuleSyntax,
        "t.rules:4:3: empty example"
    );
}

#[test]
fn error_duplicates_name_both_places() {
    let e = set_err(&[
        ("a.rules", "rule meet.x\n  type MEET\n  pattern met\n"),
        ("b.rules", "\n\nrule meet.x\n  type MEET\n  pattern meets\n"),
    ]);
    assert_eq!(e.kind(), ErrorKind::DuplicateEntry);
    assert_eq!(
        e.to_string(),
        "b.rules:3:1: duplicate rule id `meet.x` (hint: first defined at a.rules:1:1)"
    );
    let e = set_err(&[("a.rules", "class X = a\nclass X = b\n")]);
    assert_eq!(e.kind(), ErrorKind::DuplicateEntry);
    assert_eq!(
        e.to_string(),
        "a.rules:2:7: class $X is defined twice (hint: first defined at a.rules:1:7)"
    );
}

#[test]
fn error_other_pattern_problems() {
    e!(
        &format!("{HEAD}  pattern @PERSON _* @PERSON\n"),
        RuleSyntax,
        "t.rules:4:11: rule `r` has no anchor word"
    );
    e!(
        &format!("{HEAD}  pattern met? @PERSON\n"),
        RuleSyntax,
        "t.rules:4:11: rule `r` has no anchor word"
    );
    e!(
        &format!("{HEAD}  pattern !met @PERSON\n"),
        RuleSyntax,
        "t.rules:4:11: rule `r` has no anchor word"
    );
    e!(
        "class A = $B x\nclass B = $A\n",
        RuleSyntax,
        "t.rules:2:11: class $B includes itself through $A"
    );
    e!(
        &format!("{HEAD}  pattern met [word=/(/]\n"),
        RuleSyntax,
        "t.rules:4:22: bad regex `(`"
    );
    e!(
        &format!("{HEAD}  pattern met [colour=red]\n"),
        RuleSyntax,
        "t.rules:4:16: unknown unit test `colour`"
    );
    e!(
        &format!("{HEAD}  pattern met [shape=Capitalised]\n"),
        RuleSyntax,
        "t.rules:4:22: unknown shape `Capitalised` (hint: did you mean `Capitalized`?)"
    );
    e!(
        &format!("{HEAD}  pattern met @PERSON[title\n"),
        RuleSyntax,
        "t.rules:4:22: unclosed `[`"
    );
    e!(
        &format!("{HEAD}  pattern met \"phone call\n"),
        RuleSyntax,
        "t.rules:4:15: unterminated string"
    );
    e!(
        &format!("{HEAD}  pattern met !(a b)\n"),
        RuleSyntax,
        "t.rules:4:16: `!` applies to one unit only"
    );
    e!(
        "class A =\nclass B = x\n",
        RuleSyntax,
        "t.rules:1:7: class $A has no members"
    );
    e!(
        "class A = three-day\n",
        RuleSyntax,
        "t.rules:1:11: class member `three-day` is 3 units, not one"
    );
    e!(
        &format!("{HEAD}  pattern met ]\n"),
        RuleSyntax,
        "t.rules:4:15: unexpected `]`"
    );
    e!(
        &format!("{HEAD}  pattern met{}\n", "(".repeat(40)),
        RuleSyntax,
        "t.rules:4:"
    );
    e!(
        &format!("{HEAD}  pattern met ((((_{{100}}){{100}}){{100}}){{100}})\n"),
        RuleSyntax,
        "t.rules:4:11: pattern of rule `r` is too large"
    );
}

#[test]
fn rendered_errors_point_at_the_column() {
    let text = format!("{HEAD}  pattern @PERSON $MEET_VRB @PERSON\n");
    let e = set_err(&[("meet.rules", &text)]);
    assert_eq!(
        render_error(&e, &text),
        "error: unknown class $MEET_VRB\n\
         \x20 --> meet.rules:4:19\n\
         \x20  |\n\
         \x204 |   pattern @PERSON $MEET_VRB @PERSON\n\
         \x20  |                   ^\n\
         \x20  = hint: did you mean $MEET_VERB?\n"
    );
    // tabs and wide characters before the column
    let text = "rule r\n\ttype MEET\n\tpattern é @PERSN\n";
    let e = set_err(&[("t", text)]);
    assert!(
        render_error(&e, text).contains(" 3 | \tpattern é @PERSN\n   | \t          ^\n"),
        "{}",
        render_error(&e, text)
    );
    // no location
    let e = Error::new(ErrorKind::Io, "gone");
    assert_eq!(render_error(&e, ""), "error: gone\n");
}

#[test]
fn empty_rule_set() {
    let rs = RuleSet::from_sources(&[]).unwrap();
    assert!(rs.rules().is_empty());
    let a = Annotated::parse("Xi met Putin").unwrap();
    let mut out = vec![];
    rs.find_all(&a.units(), &mut Cache::new(), &mut out);
    assert!(out.is_empty());
}

#[test]
fn annotated_errors() {
    let e = Annotated::parse("met [Xi/PERSON").unwrap_err();
    assert_eq!(
        e.to_string().split(" (").next(),
        Some("<annotated>:1:5: unclosed `[`")
    );
    let e = Annotated::parse("met [Xi]/PERSN").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownEntityKind);
    assert!(
        e.to_string()
            .starts_with("<annotated>:1:10: unknown type `PERSN`")
    );
}

// ---------------------------------------------------------------- cost

fn units_of(norms: &[&'static str]) -> Vec<Unit<'static>> {
    norms
        .iter()
        .map(|n| Unit {
            norm: n,
            shape: crate::tokenize::Shape::Lower,
            kind: UnitKind::Token(crate::tokenize::TokenKind::Word),
            attrs: None,
        })
        .collect()
}

#[test]
fn many_optional_parts_stay_linear() {
    // a rule full of optional parts and gaps, over 50,000 units full of partial matches
    let pattern =
        "a? b? (c | d)? _{0,4} e? f? g? (a b)? met _{0,4} (with | and)? x? y? z? @PERSON?";
    let rs = rule(pattern);
    let words = ["a", "b", "c", "met", "x", "with", "d", "e"];
    let norms: Vec<&'static str> = (0..50_000)
        .map(|i| words[(i * 7 + i / 3) % words.len()])
        .collect();
    let units = units_of(&norms);
    let mut cache = rs.cache();
    let mut out = Vec::new();
    rs.find_all(&units, &mut cache, &mut out);
    assert!(!out.is_empty());
    let m = rs.compiled.progs[0].fwd.insts.len() as u64;
    let n = units.len() as u64;
    // each unit costs at most a few visits per instruction, in each of the two passes
    assert!(
        cache.steps() <= 4 * (n + 1) * m,
        "steps {} for n={n} m={m}",
        cache.steps()
    );
}

#[test]
fn work_stays_near_the_anchor_word() {
    // every lower-case word could end a match (`[shape=Lower]{1,3}`), but a match must read
    // `met` just before: only the few units after the one `met` are tried as ends, so the
    // work does not grow with the words before and after it
    let rs = rule("_{0,2} trigger:met ( to | into ) [shape=Lower]{1,3}");
    let steps = |len: usize| {
        let mut norms: Vec<&'static str> = vec!["walk"; len];
        norms.extend(["met", "to", "the", "end"]);
        norms.extend(vec!["walk"; len]);
        let units = units_of(&norms);
        let mut cache = rs.cache();
        let mut out = Vec::new();
        rs.find_all(&units, &mut cache, &mut out);
        let m: Vec<(usize, usize)> = out.iter().map(|m| (m.start, m.end)).collect();
        assert_eq!(m, [(len - 2, len + 5)]);
        cache.steps()
    };
    let (short, long) = (steps(10), steps(1000));
    assert!(short > 0);
    assert_eq!(short, long);
}

#[test]
fn an_alternative_of_single_units_is_one_state() {
    let units_in = |pattern: &str| {
        let rs = rule(pattern);
        let insts = &rs.compiled.progs[0].fwd.insts;
        insts
            .iter()
            .filter(|i| matches!(i, super::compile::Inst::Unit { .. }))
            .count()
    };
    // words and classes: one unit testing the union
    assert_eq!(units_in("met (to | into | toward | $TALK)"), 2);
    // entity kinds: one unit testing the union of their bits
    assert_eq!(units_in("met (@PERSON | @ORG)"), 2);
    // words mixed with kinds, or a branch of two units: kept apart
    assert_eq!(units_in("met (to | @PERSON)"), 3);
    assert_eq!(units_in("met (to | in the)"), 4);
    // and they match alike
    t!(
        "met (to | into) @LOCATION",
        "Xi met to [Minsk]/LOCATION",
        ["1..4"]
    );
    t!(
        "met participant:(@PERSON | @ORG | he)",
        "Xi met [Putin]/PERSON and met he",
        ["1..3 participant=putin", "4..6 participant=he"]
    );
}

#[test]
fn restarting_after_short_matches_stays_linear() {
    // the classic quadratic case for search-and-restart: `x` matches at once, but `x _* y`
    // keeps every search alive to the end of the sentence
    let rs = rule("x | x _* y");
    let norms: Vec<&'static str> = vec!["x"; 20_000];
    let units = units_of(&norms);
    let mut cache = rs.cache();
    let mut out = Vec::new();
    rs.find_all(&units, &mut cache, &mut out);
    assert_eq!(out.len(), 20_000);
    let m = rs.compiled.progs[0].fwd.insts.len() as u64;
    assert!(cache.steps() <= 4 * 20_001 * m, "steps {}", cache.steps());
}

// ---------------------------------------------------------------- naive oracle

/// A tiny xorshift generator, so the property tests need no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_pattern(rng: &mut Rng, depth: u32) -> String {
    let atom = |rng: &mut Rng| -> String {
        match rng.below(9) {
            0 => "_".into(),
            1 => "!a".into(),
            2 => "b".into(),
            3 => "c".into(),
            4 if rng.below(3) == 0 => "^".into(),
            5 if rng.below(3) == 0 => "$".into(),
            _ => "a".into(),
        }
    };
    let n = 1 + rng.below(3);
    let mut parts = Vec::new();
    for _ in 0..n {
        let mut p = if depth > 0 && rng.below(3) == 0 {
            let k = 1 + rng.below(3);
            let alts: Vec<String> = (0..k).map(|_| random_pattern(rng, depth - 1)).collect();
            format!("({})", alts.join(" | "))
        } else {
            atom(rng)
        };
        match rng.below(8) {
            0 => p.push('?'),
            1 => p.push('*'),
            2 => p.push('+'),
            3 => p.push_str(&format!("{{{},{}}}", rng.below(2), 1 + rng.below(3))),
            _ => {}
        }
        parts.push(p);
    }
    parts.join(" ")
}

/// Every end of a match of `node` starting at `i` (the definition, by brute force).
fn ends(node: &parse::Node, units: &[Unit<'_>], i: usize) -> std::collections::BTreeSet<usize> {
    use parse::{NodeKind, PredAst};
    let mut out = std::collections::BTreeSet::new();
    match &node.kind {
        NodeKind::Unit(p) => {
            let ok = |p: &PredAst, u: &Unit<'_>| -> bool {
                fn t(p: &PredAst, u: &Unit<'_>) -> bool {
                    match p {
                        PredAst::Any => true,
                        PredAst::Word(w) => u.norm == w,
                        PredAst::Not(p) => !t(p, u),
                        PredAst::Or(v) => v.iter().any(|p| t(p, u)),
                        other => panic!("oracle does not know {other:?}"),
                    }
                }
                t(p, u)
            };
            if i < units.len() && ok(p, &units[i]) {
                out.insert(i + 1);
            }
        }
        NodeKind::Seq(v) => {
            let mut cur: std::collections::BTreeSet<usize> = [i].into();
            for n in v {
                cur = cur.iter().flat_map(|&j| ends(n, units, j)).collect();
            }
            out = cur;
        }
        NodeKind::Alt(v) => {
            for n in v {
                out.extend(ends(n, units, i));
            }
        }
        NodeKind::Repeat { node, min, max } => {
            let mut cur: std::collections::BTreeSet<usize> = [i].into();
            let mut k = 0;
            loop {
                if k >= *min {
                    out.extend(cur.iter().copied());
                }
                if max.is_some_and(|m| k >= m) || cur.is_empty() {
                    break;
                }
                let nxt: std::collections::BTreeSet<usize> =
                    cur.iter().flat_map(|&j| ends(node, units, j)).collect();
                // stop when no new positions can appear (unbounded loops)
                if max.is_none() && k >= *min && nxt.iter().all(|e| out.contains(e)) {
                    break;
                }
                cur = nxt;
                k += 1;
            }
        }
        NodeKind::Slot { node, .. } => out = ends(node, units, i),
        NodeKind::Start => {
            if i == 0 {
                out.insert(i);
            }
        }
        NodeKind::End => {
            if i == units.len() {
                out.insert(i);
            }
        }
    }
    out
}

#[test]
fn spans_agree_with_a_naive_oracle() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet = ["a", "b", "c"];
    let mut checked = 0;
    for _ in 0..3000 {
        let pattern = random_pattern(&mut rng, 2);
        let Ok(rs) =
            RuleSet::from_sources(&[("p", &format!("rule p\n  type T\n  pattern {pattern}\n"))])
        else {
            continue; // no anchor word
        };
        let mut src = parse::Src::default();
        src.push_for_tests(&pattern);
        let node = parse::parse_pattern("p", &src).unwrap();
        let len = rng.below(9);
        let norms: Vec<&'static str> = (0..len).map(|_| alphabet[rng.below(3)]).collect();
        let units = units_of(&norms);
        // oracle: greedy leftmost-longest non-empty matches
        let mut want = Vec::new();
        let mut i = 0;
        while i < units.len() {
            match ends(&node, &units, i).into_iter().filter(|&e| e > i).max() {
                Some(e) => {
                    want.push((i, e));
                    i = e;
                }
                None => i += 1,
            }
        }
        let mut cache = rs.cache();
        let mut out = Vec::new();
        rs.find_all(&units, &mut cache, &mut out);
        let got: Vec<(usize, usize)> = out.iter().map(|m| (m.start, m.end)).collect();
        assert_eq!(got, want, "pattern {pattern:?} on {norms:?}");
        checked += 1;
    }
    assert!(checked > 1000, "only {checked} patterns had an anchor");
}

#[test]
fn captures_are_inside_their_match_and_well_nested() {
    let mut rng = Rng(12345);
    let slots = ["participant", "place", "time"];
    for _ in 0..500 {
        let inner = random_pattern(&mut rng, 1);
        let s = slots[rng.below(3)];
        let pattern = format!("(participant:a | {s}:(b c?)) ({inner})? ({s}:_)* c");
        let Ok(rs) =
            RuleSet::from_sources(&[("p", &format!("rule p\n  type T\n  pattern {pattern}\n"))])
        else {
            continue; // a loop over a part that can match nothing
        };
        let len = rng.below(12);
        let norms: Vec<&'static str> = (0..len).map(|_| ["a", "b", "c"][rng.below(3)]).collect();
        let units = units_of(&norms);
        let mut cache = rs.cache();
        let mut out = Vec::new();
        rs.find_all(&units, &mut cache, &mut out);
        for m in &out {
            assert!(!m.captures.is_empty(), "{pattern} {norms:?}");
            let mut last_start = m.start;
            for c in &m.captures {
                assert!(
                    m.start <= c.start && c.start <= c.end && c.end <= m.end,
                    "{pattern} {norms:?} {m:?}"
                );
                assert!(c.start >= last_start, "captures out of order: {m:?}");
                last_start = c.start;
            }
        }
    }
}

// ---------------------------------------------------------------- throughput (manual)

/// A realistic rule set for the throughput check: the kind of rules the MEET/CALL/VISIT
/// files will hold.
const BENCH_RULES: &str = r#"
class MEET_VERB = meet meets met meeting
class TALK_NOUN = talks talk meeting meetings consultations negotiations summit
class CALL_VERB = call calls called phoned telephoned
class VISIT_VERB = visit visits visited visiting tour toured
class HOLD = hold holds held holding
class SAY = said says told added
class NEG = not never n't no

rule meet.subject-verb-object
  type MEET
  pattern participant:(@PERSON | @ORG) (has | had | have | will | would)? trigger:$MEET_VERB with?
          participant:(@PERSON | @ORG) (in place:@LOCATION)? (on time:@TIME)?
rule meet.coordinated
  type MEET
  pattern participant:@PERSON ( , participant:@PERSON )* ,? and participant:@PERSON _{0,3} trigger:$MEET_VERB
rule meet.talks
  type MEET
  pattern participant:@ENTITY trigger:($HOLD $TALK_NOUN) with participant:@ENTITY
rule meet.negated
  type MEET
  status negated
  pattern participant:@PERSON (did | does | will | has | had) $NEG trigger:$MEET_VERB participant:@PERSON
rule call.verb
  type CALL
  pattern participant:@PERSON trigger:$CALL_VERB participant:@PERSON
rule call.phone
  type CALL
  pattern participant:@PERSON _{0,4} trigger:("phone call" | "telephone conversation" | "phone conversation") with participant:@PERSON
rule visit.verb
  type VISIT
  pattern guest:@PERSON _{0,3} trigger:$VISIT_VERB destination:@LOCATION (on time:@TIME)?
rule visit.arrived
  type VISIT
  pattern guest:@PERSON trigger:(arrived | arrives) in destination:@LOCATION
rule visit.hosted
  type MEET VISIT
  pattern host:@PERSON trigger:(hosted | received | welcomed) guest:@PERSON (in place:@LOCATION)?
rule misc.said
  type MEET
  priority -10
  pattern participant:@PERSON trigger:$SAY _{0,6} $MEET_VERB participant:@PERSON
"#;

#[test]
#[ignore = "throughput report; run with --release -- --ignored --nocapture"]
fn throughput_on_news_corpus() {
    use crate::text::Folded;
    use crate::tokenize::{Sentence, Token, tokenize};
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/news/news.jsonl"
    );
    let Ok(data) = std::fs::read_to_string(path) else {
        eprintln!("no corpus at {path}");
        return;
    };
    let limit = std::env::var("LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    let texts: Vec<String> = data
        .lines()
        .take(limit)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let src = std::env::var("BENCH_RULES").unwrap_or_else(|_| BENCH_RULES.to_string());
    let rs = RuleSet::from_sources(&[("bench.rules", &src)]).unwrap();
    let mut cache = rs.cache();
    let mut active_sentences = 0usize;
    // SKIP_MATCH=1 runs everything but the matcher, to subtract its cost from counters
    let skip = std::env::var_os("SKIP_MATCH").is_some();
    let mut out = Vec::new();
    let (mut tokens, mut sentences): (Vec<Token>, Vec<Sentence>) = (Vec::new(), Vec::new());
    let (mut bytes, mut nunits, mut nmatches, mut steps) = (0usize, 0usize, 0usize, 0u64);
    let mut spent = std::time::Duration::ZERO;
    for text in &texts {
        let folded = Folded::new(text);
        tokenize(text, &folded, &mut tokens, &mut sentences);
        bytes += text.len();
        let mut units: Vec<Unit<'_>> = Vec::new();
        for s in &sentences {
            units.clear();
            // no entity stage yet: capitalised words stand in for PERSON units
            units.extend(tokens[s.tokens()].iter().map(|t| Unit {
                norm: t.norm(&folded),
                shape: t.shape,
                kind: if t.shape == crate::tokenize::Shape::Capitalized {
                    UnitKind::Entity(crate::EntityKind::Person)
                } else {
                    UnitKind::Token(t.kind)
                },
                attrs: None,
            }));
            let t0 = std::time::Instant::now();
            if !skip {
                rs.find_all(&units, &mut cache, &mut out);
            }
            spent += t0.elapsed();
            nunits += units.len();
            nmatches += out.len();
            steps += cache.steps();
            active_sentences += usize::from(cache.steps() > 0);
        }
    }
    let secs = spent.as_secs_f64();
    eprintln!("{active_sentences} sentences ran a rule");
    eprintln!(
        "{} bytes, {nunits} units, {nmatches} matches, {steps} steps: matcher {:.3} s = {:.0} MB/s, {:.1} ns/unit",
        bytes,
        secs,
        bytes as f64 / secs / 1e6,
        secs * 1e9 / nunits as f64
    );
}

#[test]
fn any_rule_text_gives_a_result_not_a_panic() {
    let seed = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(77);
    let pieces = [
        "rule ",
        "class ",
        "slot ",
        "type ",
        "pattern ",
        "status ",
        "priority ",
        "\n",
        "\n  ",
        "\n    ",
        " ",
        "(",
        ")",
        "|",
        "?",
        "*",
        "+",
        "{",
        "}",
        "{1,2}",
        "{,",
        "[",
        "]",
        "\"",
        "$",
        "$A",
        "@",
        "@PERSON",
        "@LOC[",
        "kind=",
        "!",
        "^",
        "_",
        ":",
        "participant:",
        "=",
        "/",
        "=/",
        "\\",
        "#",
        ",",
        "met",
        "MEET",
        "a.b",
        "é",
        "’",
        "word=",
        "shape=",
        "+ x",
        "- y",
        "A = met",
        "\t",
        "\u{feff}",
        "𝔘",
    ];
    let mut rng = Rng(seed);
    let mut ok = 0;
    for _ in 0..20_000 {
        let n = rng.below(24);
        let text: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
        let result = std::panic::catch_unwind(|| RuleSet::from_sources(&[("f", &text)]));
        match result {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                let loc = e.location().expect("rule errors have a location");
                assert!(loc.line >= 1 && loc.column >= 1, "{e}");
                assert!(e.hint().is_some(), "no hint: {e}");
            }
            Err(_) => panic!("panic on {text:?}"),
        }
    }
    assert!(ok < 20_000);
}

#[test]
fn random_patterns_in_valid_rules_never_panic() {
    let atoms = [
        "met",
        "$MEET_VERB",
        "_",
        "@PERSON",
        "@TIME",
        "@LOCATION[kind=city]",
        "[shape=Upper]",
        "!met",
        "\"phone call\"",
        "participant:@PERSON",
        "(",
        ")",
        "|",
        "?",
        "*",
        "+",
        "{0,2}",
        "^",
        "$",
        ",",
        "trigger:(met | talks)",
    ];
    let mut rng = Rng(4242);
    let sentence = Annotated::parse(
        "[Xi]/PERSON met , and [Putin]/PERSON met in [Minsk]/LOCATION{kind=city} on [Monday]/TIME",
    )
    .unwrap();
    let units = sentence.units();
    let mut cache = Cache::new();
    let mut out = Vec::new();
    for _ in 0..5_000 {
        let n = 1 + rng.below(10);
        let p: Vec<&str> = (0..n).map(|_| atoms[rng.below(atoms.len())]).collect();
        let src = format!(
            "class MEET_VERB = met meet\nrule r\n  type T\n  pattern met {}\n",
            p.join(" ")
        );
        if let Ok(rs) = RuleSet::from_sources(&[("f", &src)]) {
            rs.find_all(&units, &mut cache, &mut out);
            for m in &out {
                assert!(m.start < m.end && m.end <= units.len());
            }
        }
    }
}

#[test]
fn clitics_written_alone_match_clitics_in_text() {
    t!("did n't meet", "Xi didn't meet Putin", ["1..4"]);
    t!("n't meet", "Xi didn’t meet Putin", ["2..4"]);
    t!("@PERSON 's visit", "[Lukashenko]/PERSON's visit", ["0..3"]);
    t!("\"'s\" visit", "[Lukashenko]/PERSON’s visit", ["1..3"]);
    t!("u.s. visit", "a U.S. visit", ["1..3"]);
}

#[test]
fn readme_error_snippet_is_what_render_error_prints() {
    let readme = include_str!("../../rules/README.md");
    let mut text = String::from("class MEET_VERB = met\n");
    for _ in 0..8 {
        text.push('\n');
    }
    text.push_str("rule r\n  type MEET\n  pattern @PERSON $MEET_VRB @PERSON\n");
    let e = set_err(&[("meet.rules", &text)]);
    let shown = render_error(&e, &text);
    assert!(readme.contains(&format!("```text\n{shown}```")), "{shown}");
}

#[test]
fn nested_repetition_stays_linear() {
    for pattern in [
        "(met+ a?)* x",
        "((met | a)+ (a | met)*)+ x",
        "(met? (a? (met? a?)?)?){10} x",
        "(_* met _*)* x",
        "((met? a?){0,3} met)+ x",
    ] {
        let rs = rule(pattern);
        let norms: Vec<&'static str> = (0..20_000)
            .map(|i| if i % 3 == 0 { "a" } else { "met" })
            .collect();
        let units = units_of(&norms);
        let mut cache = rs.cache();
        let mut out = Vec::new();
        rs.find_all(&units, &mut cache, &mut out);
        assert!(out.is_empty(), "{pattern}");
        let m = rs.compiled.progs[0].fwd.insts.len() as u64;
        assert!(
            cache.steps() <= 4 * 20_001 * m,
            "{pattern}: {} steps, m={m}",
            cache.steps()
        );
    }
}

#[test]
fn steady_state_does_not_grow_buffers() {
    let rs = rule(
        "participant:@PERSON ( , participant:@PERSON )* ,? and participant:@PERSON trigger:$MEET_VERB _{0,3} (in place:@LOCATION)?",
    );
    let a = Annotated::parse(
        "[Xi]/PERSON , [Putin]/PERSON and [Modi]/PERSON met on Monday in [Kazan]/LOCATION . \
         [Lula]/PERSON and [Ramaphosa]/PERSON met too .",
    )
    .unwrap();
    let units = a.units();
    let mut cache = rs.cache();
    let mut out = Vec::new();
    rs.find_all(&units, &mut cache, &mut out);
    assert_eq!(out.len(), 2);
    let caps = cache.capacities();
    let out_cap = out.capacity();
    for _ in 0..100 {
        rs.find_all(&units, &mut cache, &mut out);
        assert_eq!(cache.capacities(), caps);
        assert_eq!(out.capacity(), out_cap);
    }
}

/// A capture event of the backtracking oracle: (slot name, position, opens?).
type Ev = (String, usize, bool);

/// Backtracking in priority order; calls `k` with each end in turn until it returns true.
fn bt(
    node: &parse::Node,
    units: &[Unit<'_>],
    i: usize,
    ev: &mut Vec<Ev>,
    k: &mut dyn FnMut(usize, &mut Vec<Ev>) -> bool,
) -> bool {
    use parse::NodeKind;
    match &node.kind {
        NodeKind::Unit(_) => {
            // reuse the span oracle for the unit test
            i < units.len() && ends(node, units, i).contains(&(i + 1)) && k(i + 1, ev)
        }
        NodeKind::Seq(v) => bt_seq(v, units, i, ev, k),
        NodeKind::Alt(v) => v.iter().any(|n| bt(n, units, i, ev, k)),
        NodeKind::Repeat { node, min, max } => bt_rep(node, *min, *max, 0, units, i, ev, k),
        NodeKind::Slot { name, node } => {
            let mark = ev.len();
            ev.push((name.clone(), i, true));
            let found = bt(node, units, i, ev, &mut |j, ev| {
                ev.push((String::new(), j, false));
                let r = k(j, ev);
                ev.pop();
                r
            });
            ev.truncate(mark);
            found
        }
        NodeKind::Start => i == 0 && k(i, ev),
        NodeKind::End => i == units.len() && k(i, ev),
    }
}

fn bt_seq(
    v: &[parse::Node],
    units: &[Unit<'_>],
    i: usize,
    ev: &mut Vec<Ev>,
    k: &mut dyn FnMut(usize, &mut Vec<Ev>) -> bool,
) -> bool {
    match v.split_first() {
        None => k(i, ev),
        Some((head, tail)) => bt(head, units, i, ev, &mut |j, ev| {
            bt_seq(tail, units, j, ev, k)
        }),
    }
}

#[allow(clippy::too_many_arguments)]
fn bt_rep(
    node: &parse::Node,
    min: u32,
    max: Option<u32>,
    count: u32,
    units: &[Unit<'_>],
    i: usize,
    ev: &mut Vec<Ev>,
    k: &mut dyn FnMut(usize, &mut Vec<Ev>) -> bool,
) -> bool {
    if max.is_none_or(|m| count < m)
        && bt(node, units, i, ev, &mut |j, ev| {
            // A bounded repetition is its expansion `e e (e (e)?)?`, whose copies may be
            // empty; an unbounded one cannot repeat a part that matches nothing (a compile
            // error), so no further guard is needed.
            assert!(j > i || max.is_some(), "nullable loop body compiled");
            bt_rep(node, min, max, count + 1, units, j, ev, k)
        })
    {
        return true;
    }
    count >= min && k(i, ev)
}

fn random_slotted_pattern(rng: &mut Rng, depth: u32) -> String {
    let slots = ["participant", "place", "time"];
    let n = 1 + rng.below(3);
    let mut parts = Vec::new();
    for _ in 0..n {
        let mut p = if depth > 0 && rng.below(3) == 0 {
            let k = 1 + rng.below(3);
            let alts: Vec<String> = (0..k)
                .map(|_| random_slotted_pattern(rng, depth - 1))
                .collect();
            format!("({})", alts.join(" | "))
        } else {
            {
                let choices = if rng.below(4) == 0 { 8 } else { 6 };
                ["_", "!a", "b", "c", "a", "a", "^", "$"][rng.below(choices)].to_string()
            }
        };
        match rng.below(8) {
            0 => p.push('?'),
            1 => p.push('*'),
            2 => p.push('+'),
            3 => p.push_str(&format!("{{{},{}}}", rng.below(2), 1 + rng.below(3))),
            _ => {}
        }
        if rng.below(3) == 0 {
            p = format!("{}:{p}", slots[rng.below(3)]);
        }
        parts.push(p);
    }
    parts.join(" ")
}

#[test]
fn captures_agree_with_a_backtracking_oracle() {
    let mut rng = Rng(0xC0FF_EE12_3456_789B);
    let mut compared = 0;
    for _ in 0..4000 {
        let pattern = random_slotted_pattern(&mut rng, 2);
        let Ok(rs) =
            RuleSet::from_sources(&[("p", &format!("rule p\n  type T\n  pattern {pattern}\n"))])
        else {
            continue;
        };
        let mut src = parse::Src::default();
        src.push_for_tests(&pattern);
        let node = parse::parse_pattern("p", &src).unwrap();
        let len = rng.below(9);
        let norms: Vec<&'static str> = (0..len).map(|_| ["a", "b", "c"][rng.below(3)]).collect();
        let units = units_of(&norms);
        let mut cache = rs.cache();
        let mut out = Vec::new();
        rs.find_all(&units, &mut cache, &mut out);
        for m in &out {
            let mut first: Option<Vec<Ev>> = None;
            let mut ev = Vec::new();
            bt(&node, &units, m.start, &mut ev, &mut |j, ev| {
                if j == m.end {
                    first = Some(ev.clone());
                    true
                } else {
                    false
                }
            });
            let events = first.unwrap_or_else(|| {
                panic!("oracle finds no path for {m:?} of {pattern:?} on {norms:?}")
            });
            // pair events as the engine does, drop empty spans
            let mut want: Vec<(String, usize, usize)> = Vec::new();
            let mut open = Vec::new();
            for (name, pos, opens) in events {
                if opens {
                    open.push(want.len());
                    want.push((name, pos, pos));
                } else if let Some(k) = open.pop() {
                    want[k].2 = pos;
                }
            }
            want.retain(|c| c.2 > c.1);
            let got: Vec<(String, usize, usize)> = m
                .captures
                .iter()
                .map(|c| (rs.slot_name(c.slot).to_string(), c.start, c.end))
                .collect();
            assert_eq!(
                got, want,
                "pattern {pattern:?} on {norms:?}, match {}..{}",
                m.start, m.end
            );
            compared += 1;
        }
    }
    assert!(compared > 500, "only {compared} matches compared");
}
