//! Entity mentions: gazetteer candidates plus name rules, resolved by one overlap policy.
//!
//! Sources of mentions, in order:
//! 1. **Gazetteer** candidates (see [`crate::gazetteer`]) whose case fits; among several
//!    senses the recogniser prefers, in order: a person, an organisation, a country, a
//!    capital, the larger population. A single capitalised word that is also a common
//!    English word (`common=1` in the gazetteer) is dropped at the start of a sentence.
//! 2. **Title rule**: a title or honorific (`President`, `Foreign Minister`, `Mr.`) followed
//!    by capitalised words is a PERSON (`Foreign Minister Sergei Aleinik`); the title is not
//!    part of the name.
//! 3. **Given-name rule**: a known given name followed by capitalised words is a PERSON.
//! 4. **Organisation rule**: capitalised words ending in an organisation word (`Ministry`,
//!    `Party`, `Council`, `Bank`, `Agency`, ...), optionally joined by `of`, `for`, `and`,
//!    `the` (`Ministry of Foreign Affairs`), are an ORGANIZATION; so is a demonym followed by
//!    a lower-case ministry (`Chinese foreign ministry`).
//! 5. **Acronym definitions**: `Long Name (ACRONYM)` where the acronym's letters are the
//!    initials of the name makes the name an ORGANIZATION with the acronym as alias.
//!
//! **Overlap policy.** Mentions never overlap. When two do, the one covering more tokens
//! wins; on equal length a gazetteer mention beats a rule mention. Titles and honorifics are
//! never part of a person's span: they become the person's `title` attribute, and a demonym
//! or country before them the `country` attribute ("Belarussian President Alexander
//! Lukashenko": title President, country Belarus). A list of demonyms before a plural title
//! and a list of names distributes pairwise ("the Belarussian and Chinese foreign ministers
//! Sergei Aleinik and Qin Gang").

use crate::doc::{Attrs, EntityKind};
use crate::gazetteer::{Candidate, EntryId, Gazetteer};
use crate::span::Span;
use crate::text::Folded;
use crate::tokenize::{Sentence, Shape, Token, TokenKind};

/// Where a mention came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A gazetteer entry.
    Gazetteer,
    /// A title or honorific followed by a name.
    TitleRule,
    /// A known given name followed by a name.
    GivenNameRule,
    /// An organisation word ending a capitalised name.
    OrgRule,
    /// A `Long Name (ACRONYM)` definition, or a later use of the acronym.
    Acronym,
    /// A later mention of a person by one part of their name.
    PartialName,
}

/// A mention of an entity in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Bytes in the caller's text.
    pub span: Span,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Entity type.
    pub kind: EntityKind,
    /// The gazetteer entry, when known.
    pub entry: Option<EntryId>,
    /// How it was found.
    pub source: Source,
    /// Attributes read from the context (title, country).
    pub attrs: Attrs,
    /// For acronyms: the index of the mention that defines it.
    pub defined_by: Option<usize>,
}

/// A title phrase (`foreign minister`, `President`, `Mr.`) found before a name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TitleHit {
    pub first: usize,
    pub last: usize,
    /// The gazetteer row; `None` for the relational words ("counterpart").
    pub entry: Option<EntryId>,
}

/// Words that end an organisation name.
const ORG_HEADS: &[&str] = &[
    "ministry",
    "party",
    "council",
    "committee",
    "commission",
    "bank",
    "university",
    "agency",
    "inc",
    "inc.",
    "corp",
    "corp.",
    "ltd",
    "ltd.",
    "organization",
    "organisation",
    "association",
    "union",
    "court",
    "army",
    "navy",
    "parliament",
    "assembly",
    "congress",
    "senate",
    "institute",
    "foundation",
    "company",
    "corporation",
    "group",
    "federation",
    "league",
    "club",
    "authority",
    "department",
    "office",
    "bureau",
    "board",
    "fund",
    "forum",
    "front",
    "movement",
    "alliance",
    "co",
    "co.",
    "plc",
    "ag",
    "gmbh",
    "sa",
    "airlines",
    "airways",
    "service",
    "services",
    "police",
    "guard",
    "force",
    "forces",
    "times",
    "post",
    "news",
    "press",
    "herald",
    "journal",
    "tribune",
    "daily",
    "television",
    "radio",
    "broadcasting",
    "network",
    "exchange",
    "industries",
    "holdings",
    "motors",
    "bancorp",
    "trust",
    "society",
    "church",
    "school",
    "college",
    "hospital",
    "secretariat",
    "cabinet",
    "government",
    "administration",
];

/// Words that end the name of a building or site ("Elysee Palace", "Tiananmen Square"):
/// such a name is one LOCATION, and a place name inside it is not a mention of its own.
const FACILITY_HEADS: &[&str] = &[
    "palace",
    "square",
    "airport",
    "hotel",
    "street",
    "stadium",
    "bridge",
    "avenue",
    "park",
    "hall",
    "center",
    "centre",
    "tower",
    "house",
    "station",
    "plaza",
    "gate",
    "cathedral",
    "mosque",
    "temple",
    "castle",
    "building",
    "base",
    "port",
    "harbour",
    "harbor",
    "road",
];

/// Lower-case words allowed inside an organisation name.
const ORG_CONNECTORS: &[&str] = &["of", "for", "and", "the", "on", "de", "&"];

/// Lower-case ministry words after a demonym ("Chinese foreign ministry").
const MINISTRY_WORDS: &[&str] = &[
    "ministry",
    "government",
    "embassy",
    "army",
    "navy",
    "military",
    "parliament",
    "cabinet",
];

/// Particles inside personal names ("Ursula von der Leyen", "Bashar al-Assad").
const NAME_PARTICLES: &[&str] = &[
    "von", "van", "der", "de", "la", "le", "da", "dos", "bin", "al", "el", "ibn", "abu", "du", "di",
];

/// Capitalised words that are never part of a name run after a title.
const NOT_NAME: &[&str] = &[
    "i",
    "the",
    "a",
    "he",
    "she",
    "it",
    "we",
    "they",
    "his",
    "her",
    "their",
    "this",
    "that",
    "on",
    "in",
    "at",
    "and",
    "or",
    "but",
    "of",
    "for",
    "to",
    "said",
    "says",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Title words that name a relation to someone else, not an office.
const RELATIONAL_TITLES: &[&str] = &[
    "counterpart",
    "host",
    "guest",
    "successor",
    "predecessor",
    "rival",
    "ally",
];

/// Per-document state of the recogniser.
pub(crate) struct Recognized {
    pub mentions: Vec<Mention>,
    pub titles: Vec<TitleHit>,
}

#[inline]
fn is_cap(t: &Token) -> bool {
    t.kind == TokenKind::Word && matches!(t.shape, Shape::Capitalized | Shape::Upper | Shape::Mixed)
}

fn span_of(tokens: &[Token], first: usize, last: usize) -> Span {
    Span::new(tokens[first].span.start, tokens[last - 1].span.end)
}

/// Ranks a sense: higher is preferred.
fn sense_rank(g: &Gazetteer, eid: EntryId) -> (u8, u64) {
    let e = g.entry(eid);
    let pop = e
        .attrs
        .get("population")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(0);
    let k = match e.kind {
        EntityKind::Person => 9,
        EntityKind::Organization => 7,
        EntityKind::Location => match e.attrs.get("kind").map(String::as_str) {
            Some("country") => 8,
            Some("continent") => 6,
            _ if e.attrs.contains_key("capital") => 5,
            Some("region") => 3,
            _ => 4,
        },
        EntityKind::Nationality => 6,
        EntityKind::Event => 5,
        EntityKind::Title => 2,
        EntityKind::GivenName | EntityKind::Surname => 1,
    };
    (k, pop)
}

/// Runs the recogniser over a tokenized document.
pub(crate) fn recognize(
    g: &Gazetteer,
    text: &str,
    folded: &Folded,
    tokens: &[Token],
    sentences: &[Sentence],
) -> Recognized {
    let mut cands: Vec<Candidate> = Vec::new();
    for s in sentences {
        g.find_in(folded, tokens, s.tokens(), &mut cands);
    }
    // sentence start per token
    let mut sent_start = vec![false; tokens.len()];
    for s in sentences {
        // first word token of the sentence (skip opening quotes and brackets)
        let mut k = s.first;
        while k < s.last && tokens[k].kind != TokenKind::Word && tokens[k].kind != TokenKind::Number
        {
            k += 1;
        }
        if k < s.last {
            sent_start[k] = true;
        }
    }
    let mut mentions: Vec<Mention> = Vec::new();
    let mut titles: Vec<TitleHit> = Vec::new();
    let mut given: Vec<bool> = vec![false; tokens.len()];
    for c in &cands {
        let mut best: Option<(EntryId, (u8, u64))> = None;
        for s in g.senses_for(c, tokens) {
            let e = g.entry(s.entry);
            let single = c.last - c.first == 1;
            if e.kind == EntityKind::GivenName && single {
                // "Paul Manafort": a given name can start a person's name even where the
                // word has other senses (a town called Paul)
                given[c.first] = true;
            }
            if single && (e.attrs.get("common").is_some_and(|v| v == "1") || s.common) {
                // a place named like a common word ("West", "Reading") needs a clear sign:
                // not at a sentence start, not in an all-caps line, not after an article;
                // a region so named needs more than the recogniser has, so it is dropped
                let t = &tokens[c.first];
                let kind = e.attrs.get("kind").map(String::as_str);
                let after_article =
                    c.first > 0 && matches!(tokens[c.first - 1].norm(folded), "the" | "a" | "an");
                if kind != Some("country")
                    && (sent_start[c.first]
                        || t.shape == Shape::Upper
                        || after_article
                        || kind == Some("region"))
                {
                    continue;
                }
            }
            let mut r = sense_rank(g, s.entry);
            if s.short {
                // an office holder's short name ("Clinton", "Putin") beats a town or region
                // of that name, and yields to a country, a capital or an organisation
                r = (5, 0);
            }
            if best.is_none_or(|(_, br)| r > br) {
                best = Some((s.entry, r));
            }
        }
        let Some((eid, _)) = best else { continue };
        let e = g.entry(eid);
        match e.kind {
            EntityKind::Title => titles.push(TitleHit {
                first: c.first,
                last: c.last,
                entry: Some(eid),
            }),
            EntityKind::GivenName => {
                given[c.first] = true;
            }
            EntityKind::Surname => {}
            kind => mentions.push(Mention {
                span: span_of(tokens, c.first, c.last),
                first: c.first,
                last: c.last,
                kind,
                entry: Some(eid),
                source: Source::Gazetteer,
                attrs: Attrs::new(),
                defined_by: None,
            }),
        }
    }
    // relational words act as titles before a name: "his Chinese counterpart Xi Jinping"
    for (k, t) in tokens.iter().enumerate() {
        if t.kind == TokenKind::Word {
            let n = t.norm(folded);
            if RELATIONAL_TITLES.contains(&n)
                || RELATIONAL_TITLES.contains(&n.strip_suffix('s').unwrap_or(""))
            {
                titles.push(TitleHit {
                    first: k,
                    last: k + 1,
                    entry: None,
                });
            }
        }
    }
    titles.sort_by_key(|t| t.first);
    // token -> gazetteer mention index, for the rules below
    let mut rules: Vec<Mention> = Vec::new();
    let title_end: Vec<Option<usize>> = {
        let mut v = vec![None; tokens.len() + 1];
        for (i, t) in titles.iter().enumerate() {
            v[t.last] = Some(i);
        }
        v
    };
    let mut in_title = vec![false; tokens.len()];
    for t in &titles {
        for f in in_title.iter_mut().take(t.last).skip(t.first) {
            *f = true;
        }
    }
    let title_at = |k: usize| in_title[k];
    let sentence_end: Vec<usize> = {
        let mut v = vec![tokens.len(); tokens.len()];
        for s in sentences {
            for k in s.tokens() {
                v[k] = s.last;
            }
        }
        v
    };
    // name run: capitalised words, hyphen-joined parts, particles, initials
    let name_run = |start: usize| -> usize {
        let end = sentence_end.get(start).copied().unwrap_or(tokens.len());
        let mut k = start;
        while k < end {
            let t = &tokens[k];
            let n = t.norm(folded);
            if is_cap(t) && !NOT_NAME.contains(&n) && !title_at(k) {
                k += 1;
            } else if k > start
                && t.kind == TokenKind::Punct
                && n == "-"
                && t.joined
                && k + 1 < end
                && tokens[k + 1].joined
                && tokens[k + 1].kind == TokenKind::Word
            {
                k += 2;
            } else if k > start
                && NAME_PARTICLES.contains(&n)
                && t.shape == Shape::Lower
                && k + 1 < end
                && is_cap(&tokens[k + 1])
            {
                k += 1;
            } else {
                break;
            }
        }
        // do not end on a particle
        k
    };
    // 2. title + name
    for (k, te) in title_end.iter().enumerate().take(tokens.len()) {
        if let Some(ti) = *te {
            let modifier = titles[ti].entry.is_some_and(|e| {
                g.entry(e)
                    .attrs
                    .get("kind")
                    .is_some_and(|k| k == "modifier")
            });
            if modifier {
                continue;
            }
            let end = name_run(k);
            if end > k {
                rules.push(rule_mention(
                    tokens,
                    k,
                    end,
                    EntityKind::Person,
                    Source::TitleRule,
                ));
            }
        }
    }
    // 3. given name + capitalised word(s)
    for k in 0..tokens.len() {
        // the next word follows a space: "Clinton-Trump debate" is no name
        let spaced = tokens.get(k + 1).is_some_and(|t| !t.joined);
        if given[k] && is_cap(&tokens[k]) && spaced {
            let end = name_run(k);
            if end >= k + 2 {
                rules.push(rule_mention(
                    tokens,
                    k,
                    end,
                    EntityKind::Person,
                    Source::GivenNameRule,
                ));
            }
        }
    }
    // 4. organisation names
    org_rule(
        text,
        folded,
        tokens,
        &sentence_end,
        &sent_start,
        &mentions,
        &mut rules,
    );
    let mut all = resolve_overlaps(mentions, rules);
    // 5. acronym definitions
    acronyms(text, folded, tokens, &mut all);
    attach_attributes(g, folded, tokens, &titles, &mut all);
    Recognized {
        mentions: all,
        titles,
    }
}

fn rule_mention(
    tokens: &[Token],
    first: usize,
    last: usize,
    kind: EntityKind,
    source: Source,
) -> Mention {
    Mention {
        span: span_of(tokens, first, last),
        first,
        last,
        kind,
        entry: None,
        source,
        attrs: Attrs::new(),
        defined_by: None,
    }
}

fn org_rule(
    _text: &str,
    folded: &Folded,
    tokens: &[Token],
    sentence_end: &[usize],
    sent_start: &[bool],
    gaz: &[Mention],
    out: &mut Vec<Mention>,
) {
    // the first nationality mention starting at each token (a scan per token was quadratic)
    let mut nationality_by_first: Vec<Option<&Mention>> = vec![None; tokens.len()];
    for m in gaz.iter().filter(|m| m.kind == EntityKind::Nationality) {
        if let Some(slot @ None) = nationality_by_first.get_mut(m.first) {
            *slot = Some(m);
        }
    }
    let nationality_at = |k: usize| nationality_by_first[k];
    // a run of capitalised words without an org head: any later start inside it ends at the
    // same place without a head either, so it is not scanned again (else quadratic)
    let mut no_head_until = 0;
    let mut k = 0;
    while k < tokens.len() {
        let t = &tokens[k];
        if !is_cap(t) {
            // demonym + lower-case ministry: handled when k is the demonym (capitalised)
            k += 1;
            continue;
        }
        // lower-case ministry after a demonym: "Chinese foreign ministry"
        if let Some(nat) = nationality_at(k) {
            let mut j = nat.last;
            let end = sentence_end[k];
            let mut words = 0;
            while j < end && tokens[j].shape == Shape::Lower && words < 3 {
                let n = tokens[j].norm(folded);
                words += 1;
                if MINISTRY_WORDS.contains(&n) {
                    if j > nat.last || n != "government" {
                        out.push(rule_mention(
                            tokens,
                            k,
                            j + 1,
                            EntityKind::Organization,
                            Source::OrgRule,
                        ));
                    }
                    break;
                }
                j += 1;
            }
        }
        if k < no_head_until {
            k += 1;
            continue;
        }
        // capitalised run with connectors, ending in an org head ("Belarusian Foreign
        // Ministry"), or a head followed by "of ..." ("Ministry of Foreign Affairs")
        let end = sentence_end[k];
        let mut j = k;
        let mut last_head: Option<usize> = None;
        let mut head_then_of = false;
        let mut facility = false;
        while j < end {
            let tj = &tokens[j];
            let n = tj.norm(folded);
            if is_cap(tj) {
                if ORG_HEADS.contains(&n) || ORG_HEADS.contains(&n.trim_end_matches('.')) {
                    last_head = Some(j + 1);
                    facility = false;
                } else if j > k && FACILITY_HEADS.contains(&n) {
                    last_head = Some(j + 1);
                    facility = true;
                }
                j += 1;
            } else if j > k && ORG_CONNECTORS.contains(&n) && j + 1 < end && is_cap(&tokens[j + 1])
            {
                if last_head == Some(j) && matches!(n, "of" | "for" | "on") {
                    head_then_of = true;
                }
                j += 1;
            } else {
                break;
            }
        }
        if let Some(h) = last_head {
            let h = if head_then_of { j } else { h };
            // a sentence-initial function word is not part of the name
            let start = if sent_start[k] && NOT_NAME.contains(&tokens[k].norm(folded)) {
                k + 1
            } else {
                k
            };
            if h > start && (h - start >= 2) {
                let kind = if facility {
                    EntityKind::Location
                } else {
                    EntityKind::Organization
                };
                out.push(rule_mention(tokens, start, h, kind, Source::OrgRule));
            }
            k = h.max(k + 1);
        } else {
            no_head_until = j;
            k += 1;
        }
    }
}

/// Applies the overlap policy: longer wins, gazetteer wins ties.
fn resolve_overlaps(gaz: Vec<Mention>, rules: Vec<Mention>) -> Vec<Mention> {
    let mut all: Vec<Mention> = gaz.into_iter().chain(rules).collect();
    // priority order: more tokens first, gazetteer before rules, then earlier
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| {
        let m = &all[i];
        (
            std::cmp::Reverse(m.last - m.first),
            m.source != Source::Gazetteer,
            m.first,
        )
    });
    let mut keep = vec![false; all.len()];
    let n_tokens = all.iter().map(|m| m.last).max().unwrap_or(0);
    let mut taken = vec![false; n_tokens];
    for i in order {
        let m = &all[i];
        if taken[m.first..m.last].iter().any(|&t| t) {
            continue;
        }
        for t in &mut taken[m.first..m.last] {
            *t = true;
        }
        keep[i] = true;
    }
    let mut idx = 0;
    all.retain(|_| {
        let k = keep[idx];
        idx += 1;
        k
    });
    all.sort_by_key(|m| m.first);
    all
}

/// `Long Name (ACR)`: the acronym's letters are the initials of the name's capitalised words.
/// The long name becomes an organisation (unless a mention covers exactly it already), the
/// acronym and its later uses join it. Linear: definitions are collected first, then applied.
fn acronyms(text: &str, folded: &Folded, tokens: &[Token], mentions: &mut Vec<Mention>) {
    // (long_first, long_last, acronym token)
    let mut defs: Vec<(usize, usize, usize)> = Vec::new();
    let mut k = 0;
    while k + 2 < tokens.len() {
        if !(tokens[k].text(text) == "("
            && tokens[k + 1].shape == Shape::Upper
            && tokens[k + 2].text(text) == ")")
        {
            k += 1;
            continue;
        }
        let acr: String = tokens[k + 1]
            .text(text)
            .chars()
            .filter(|c| c.is_alphabetic())
            .collect();
        let mut j = k;
        let mut initials = String::new();
        let mut start = None;
        while j > 0 && k - j < 12 && initials.len() <= acr.len() {
            let t = &tokens[j - 1];
            if is_cap(t) {
                initials.insert(0, t.text(text).chars().next().unwrap_or(' '));
                if initials.eq_ignore_ascii_case(&acr) {
                    start = Some(j - 1);
                    break;
                }
            } else if !ORG_CONNECTORS.contains(&t.norm(folded)) {
                break;
            }
            j -= 1;
        }
        if let Some(s) = start.filter(|_| acr.len() >= 2) {
            defs.push((s, k, k + 1));
        }
        k += 3;
    }
    if defs.is_empty() {
        return;
    }
    // index of the mention starting at each token
    let mut at: Vec<Option<usize>> = vec![None; tokens.len()];
    for (i, m) in mentions.iter().enumerate() {
        at[m.first] = Some(i);
    }
    let mut remove = vec![false; mentions.len()];
    let mut added: Vec<Mention> = Vec::new();
    // acronym text -> (kind, entry, long-name first token)
    let mut known: std::collections::HashMap<&str, (EntityKind, Option<EntryId>, usize)> =
        Default::default();
    for &(lf, ll, at_tok) in &defs {
        let (kind, entry) = match at[lf].map(|i| &mentions[i]) {
            Some(m) if m.last == ll => (m.kind, m.entry),
            _ => {
                for (i, m) in mentions.iter().enumerate() {
                    if m.first < ll && lf < m.last {
                        remove[i] = true;
                    }
                }
                added.push(rule_mention(
                    tokens,
                    lf,
                    ll,
                    EntityKind::Organization,
                    Source::Acronym,
                ));
                (EntityKind::Organization, None)
            }
        };
        if at[at_tok].is_none() {
            known.insert(tokens[at_tok].text(text), (kind, entry, lf));
        }
    }
    let mut i = 0;
    mentions.retain(|_| {
        i += 1;
        !remove[i - 1]
    });
    let mut covered = vec![false; tokens.len()];
    for m in mentions.iter().chain(added.iter()) {
        for c in &mut covered[m.first..m.last] {
            *c = true;
        }
    }
    // the acronym at its definition and every later bare use
    let first_def = defs.iter().map(|d| d.2).min().unwrap_or(0);
    for (k, t) in tokens.iter().enumerate().skip(first_def) {
        if covered[k] || t.shape != Shape::Upper {
            continue;
        }
        if let Some(&(kind, entry, lf)) = known.get(t.text(text)) {
            let mut m = rule_mention(tokens, k, k + 1, kind, Source::Acronym);
            m.entry = entry;
            // points at the long name's first token until coreference links it
            m.defined_by = Some(lf);
            added.push(m);
        }
    }
    mentions.extend(added);
    mentions.sort_by_key(|m| m.first);
    // defined_by: from token of the long name to its mention index
    let mut idx: Vec<Option<usize>> = vec![None; tokens.len()];
    for (i, m) in mentions.iter().enumerate() {
        if m.defined_by.is_none() {
            idx[m.first] = Some(i);
        }
    }
    for m in mentions.iter_mut() {
        if m.source == Source::Acronym
            && let Some(tok) = m.defined_by
        {
            m.defined_by = idx[tok];
        }
    }
}

/// Attaches titles and nationalities to the person names they precede.
fn attach_attributes(
    g: &Gazetteer,
    folded: &Folded,
    tokens: &[Token],
    titles: &[TitleHit],
    mentions: &mut [Mention],
) {
    // index mentions by last token for look-back
    let persons: Vec<usize> = (0..mentions.len())
        .filter(|&i| mentions[i].kind == EntityKind::Person)
        .collect();
    let n = tokens.len() + 1;
    let mut title_by_last: Vec<Option<usize>> = vec![None; n];
    for (i, t) in titles.iter().enumerate() {
        title_by_last[t.last] = Some(i);
    }
    let mut place_by_last: Vec<Option<usize>> = vec![None; n];
    for (i, m) in mentions.iter().enumerate() {
        if matches!(m.kind, EntityKind::Nationality | EntityKind::Location) {
            place_by_last[m.last] = Some(i);
        }
    }
    for &pi in &persons {
        let first = mentions[pi].first;
        // collect the run of titles immediately before the name, and a demonym/country before them
        let mut k = first;
        let mut title_span: Option<(usize, usize)> = None;
        loop {
            if let Some(t) = title_by_last[k].map(|i| &titles[i]) {
                title_span = Some((t.first, title_span.map_or(t.last, |(_, e)| e)));
                k = t.first;
                continue;
            }
            break;
        }
        if let Some((ts, te)) = title_span {
            let words: Vec<&str> = tokens[ts..te].iter().map(|t| t.norm(folded)).collect();
            let title = singular_title(&words.join(" "));
            // "his Chinese counterpart Xi": a relation, not an office
            if !RELATIONAL_TITLES.contains(&title.as_str()) {
                mentions[pi]
                    .attrs
                    .insert("title".into(), display_title(&title, tokens, ts));
            }
        }
        // demonym or country right before (possibly "his Chinese counterpart")
        let mut countries: Vec<String> = Vec::new();
        let mut j = k;
        // the distributive list: "the Belarussian and Chinese foreign ministers A and B"
        while j > 0 {
            let prev = place_by_last[j].map(|i| &mentions[i]);
            if let Some(m) = prev {
                if let Some(c) = country_name(g, m) {
                    countries.insert(0, c);
                }
                j = m.first;
                if j > 0 && matches!(tokens[j - 1].norm(folded), "and" | ",") {
                    j -= 1;
                    continue;
                }
            }
            break;
        }
        if countries.is_empty() {
            // "counterpart" directly before: "his Chinese counterpart Xi"
            continue;
        }
        let plural = title_span
            .is_some_and(|(ts, te)| tokens[te - 1].norm(folded).ends_with('s') && te > ts);
        if countries.len() > 1 && plural {
            // position of this person in the list of names after the title
            let list_start = k_after_titles(titles, k);
            let pos = persons
                .iter()
                .filter(|&&q| mentions[q].first >= list_start && mentions[q].first < first)
                .count();
            if pos < countries.len() {
                let c = countries[pos].clone();
                mentions[pi].attrs.insert("country".into(), c);
            }
            // the names after the first in the list also get the title
            let tit = mentions[pi].attrs.get("title").cloned();
            let mut n = pi + 1;
            let mut idx = pos + 1;
            while n < mentions.len() && idx < countries.len() {
                let m = &mentions[n];
                if m.kind == EntityKind::Person {
                    let gap: Vec<&str> = tokens[mentions[n - 1].last..m.first]
                        .iter()
                        .map(|t| t.norm(folded))
                        .collect();
                    if gap.iter().all(|w| *w == "and" || *w == ",") {
                        mentions[n]
                            .attrs
                            .insert("country".into(), countries[idx].clone());
                        if let Some(t) = &tit {
                            mentions[n].attrs.insert("title".into(), t.clone());
                        }
                        idx += 1;
                    } else {
                        break;
                    }
                }
                n += 1;
            }
        } else if let Some(c) = countries.last() {
            mentions[pi].attrs.insert("country".into(), c.clone());
        }
    }
}

fn k_after_titles(titles: &[TitleHit], k: usize) -> usize {
    titles
        .iter()
        .filter(|t| t.first >= k)
        .map(|t| t.last)
        .max()
        .unwrap_or(k)
}

/// "foreign ministers" -> "foreign minister", "spokesmen" -> "spokesman".
pub(crate) fn singular_title(t: &str) -> String {
    if let Some(s) = t.strip_suffix("men") {
        return format!("{s}man");
    }
    if let Some(s) = t.strip_suffix("ies") {
        return format!("{s}y");
    }
    if t.ends_with("ss") {
        return t.to_string();
    }
    t.strip_suffix('s').unwrap_or(t).to_string()
}

/// A title as news writes it: keep the written capitals when capitalised ("President").
fn display_title(folded_title: &str, tokens: &[Token], first: usize) -> String {
    let cap = tokens[first].shape == Shape::Capitalized;
    if cap {
        folded_title
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        folded_title.to_string()
    }
}

/// The country name a demonym or place stands for.
pub(crate) fn country_name(g: &Gazetteer, m: &Mention) -> Option<String> {
    let e = g.entry(m.entry?);
    match e.kind {
        EntityKind::Location if e.attrs.get("kind").is_some_and(|k| k == "country") => {
            Some(e.name.to_string())
        }
        EntityKind::Nationality | EntityKind::Location => {
            let code = e.attrs.get("country")?;
            country_by_code(g, code)
        }
        _ => None,
    }
}

/// The canonical name of the country with an ISO alpha-2 code.
pub(crate) fn country_by_code(g: &Gazetteer, code: &str) -> Option<String> {
    g.country(code).map(|id| g.entry(id).name.to_string())
}
