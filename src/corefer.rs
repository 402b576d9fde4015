//! Coreference within one document: mentions grouped into entities.
//!
//! - Mentions of the same gazetteer entry are one entity (an alias such as `SCO` included).
//! - A person named in full can be named later by one part: the family name
//!   (`Lukashenko`, `Lukashenko’s`), or the first part when the gazetteer marks the name as
//!   family-name-first (`Xi` for Xi Jinping). Such a later word becomes a mention of that
//!   person, even where the gazetteer took it for something else (one sense per document).
//! - An acronym defined in the text (`Shanghai Cooperation Organization (SCO)`) and its later
//!   uses join the long name's entity.
//! - Other mentions join when their type and folded text are equal.
//! - Pronoun subjects (`he is expected to meet`) are resolved on demand by
//!   `resolve_pronoun`: the nearest person mentioned before, within two sentences.

use std::sync::OnceLock;

use std::collections::hash_map::Entry;

use crate::hash::FxHashMap as HashMap;

use crate::doc::{Attrs, Entity, EntityKind};
use crate::gazetteer::{EntryId, Gazetteer};
use crate::recognize::{Mention, Source, country_by_code};
use crate::text::Folded;
use crate::tokenize::{Sentence, Shape, Token, TokenKind};

/// An entity of the document under construction. Its mentions are those the entity index
/// returned with it points at (no list per entity: the caller collects them in text order).
///
/// An entity of a gazetteer entry points at what the entry gives it ([`Shown`], kept by
/// the extractor) instead of holding copies of its name, id and attributes: the JSON
/// writer and the events read them in place, and only a [`crate::Document`] copies them
/// (each copy is an allocation per string, and most of them were freed again unread).
#[derive(Clone, Debug)]
pub(crate) struct EntityDraft<'x> {
    pub kind: EntityKind,
    /// What the gazetteer entry gives the entity, when it has one.
    pub shown: Option<&'x Shown>,
    /// The name of an entity no gazetteer knows (its longest mention, in the text: a
    /// document copies it); empty otherwise.
    name: &'x str,
    /// The attributes, unless they are the entry's alone or there are none (`None`: most
    /// entities, whose draft then has no map to drop): those read from the context, over
    /// the entry's when there is one (see [`EntityDraft::attrs`]).
    attrs: Option<Attrs>,
}

/// The attributes of an entity with none.
static NO_ATTRS: Attrs = Attrs::new();

impl EntityDraft<'_> {
    /// The canonical name: the gazetteer's, else the longest mention.
    pub(crate) fn name(&self) -> &str {
        self.shown.map_or(self.name, |s| &s.name)
    }

    /// The gazetteer id, when the entity is known.
    pub(crate) fn kb(&self) -> Option<&str> {
        self.shown.map(|s| s.kb.as_str())
    }

    /// The attributes: the entry's, with those read from the context over them.
    pub(crate) fn attrs(&self) -> &Attrs {
        match (&self.attrs, self.shown) {
            (Some(a), _) => a,
            (None, Some(s)) => &s.attrs,
            (None, None) => &NO_ATTRS,
        }
    }

    /// The document's entity `id` made of this draft, with `mentions`: the strings and
    /// attributes of a gazetteer entry are copied here.
    pub(crate) fn into_entity(self, id: usize, mentions: Vec<crate::span::Span>) -> Entity {
        let (name, kb, attrs) = match self.shown {
            Some(s) => (
                s.name.clone(),
                Some(s.kb.clone()),
                self.attrs.unwrap_or_else(|| s.attrs.clone()),
            ),
            None => (self.name.to_string(), None, self.attrs.unwrap_or_default()),
        };
        Entity {
            id,
            kind: self.kind,
            name,
            kb,
            attrs,
            mentions,
        }
    }
}

/// What an entity of a gazetteer entry starts with: the entry's name and id and the
/// attributes shown for it (see [`gazetteer_attrs`]), and whether the entry names a person
/// family name first.
#[derive(Debug)]
pub(crate) struct Shown {
    name: String,
    kb: String,
    attrs: Attrs,
    family_first: bool,
}

impl Shown {
    fn of(g: &Gazetteer, id: EntryId) -> Shown {
        let e = g.entry(id);
        Shown {
            // (`String::from` of the `str`: `to_string` of a `Box<str>` went through
            // `Display` and the formatting machinery)
            name: String::from(&*e.name),
            kb: String::from(&*e.id),
            attrs: gazetteer_attrs(g, &e.attrs),
            family_first: e.attrs.get("order").is_some_and(|o| o == "family-first"),
        }
    }
}

/// Entries in a block of [`ShownEntries`].
const SHOWN_BLOCK: usize = 64;

/// A block of [`ShownEntries`]: [`SHOWN_BLOCK`] cells, each filled on first use.
type ShownBlock = Box<[OnceLock<Shown>]>;

/// The [`Shown`] of each entry of one gazetteer, made on the entry's first entity and kept
/// by the extractor: the same few thousand entries are the entities of most documents, and
/// converting an entry's attributes (its country code looked up, each kept pair copied into
/// a new map) cost more than copying a finished map.
#[derive(Debug)]
pub(crate) struct ShownEntries {
    /// In blocks of [`SHOWN_BLOCK`] entries, a block made on its first use: a caller's
    /// gazetteer of a million rows costs no table of a million empty cells.
    blocks: Box<[OnceLock<ShownBlock>]>,
}

impl ShownEntries {
    /// An empty table for the entries of `g`.
    pub(crate) fn new(g: &Gazetteer) -> ShownEntries {
        ShownEntries {
            blocks: (0..g.len().div_ceil(SHOWN_BLOCK))
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// Entry `id`'s [`Shown`]; `g` must be the gazetteer the table was made for.
    fn get<'x>(&'x self, g: &Gazetteer, id: EntryId) -> &'x Shown {
        let i = id as usize;
        let block = self.blocks[i / SHOWN_BLOCK]
            .get_or_init(|| (0..SHOWN_BLOCK).map(|_| OnceLock::new()).collect());
        block[i % SHOWN_BLOCK].get_or_init(|| Shown::of(g, id))
    }
}

/// Groups `mentions` into entities; adds partial-name mentions first, at the capitalised
/// words `caps` (the recogniser's list: every capitalised, upper-case or mixed-case word,
/// in text order), but none on a token of a time expression (`in_time(k)` for token `k`:
/// "May" of "May 6" is a date, not Theresa May). Returns
/// the entities and, per mention, its entity index. `shown` keeps what the entries of `g`
/// give their entities. The mentions must be in text order and must not overlap, as the
/// recogniser leaves them; they stay so. Each mention's attributes are moved into its
/// entity (nothing reads them later), which leaves the mention's map empty.
#[allow(clippy::too_many_arguments)]
pub(crate) fn corefer<'x>(
    g: &Gazetteer,
    shown: &'x ShownEntries,
    text: &'x str,
    folded: &Folded,
    tokens: &[Token],
    caps: &[u32],
    in_time: &dyn Fn(usize) -> bool,
    mentions: &mut Vec<Mention>,
) -> (Vec<EntityDraft<'x>>, Vec<usize>) {
    add_partial_names(g, shown, folded, tokens, caps, in_time, mentions);
    // (at most one entity per mention: one allocation, where growing moved the drafts
    // three times per document)
    let mut entities: Vec<EntityDraft<'x>> = Vec::with_capacity(mentions.len());
    let mut of: Vec<usize> = vec![usize::MAX; mentions.len()];
    // (sized for every mention at once: growing them rehashed every key again)
    let mut by_entry: HashMap<u32, usize> =
        HashMap::with_capacity_and_hasher(mentions.len(), Default::default());
    // (texts as bytes: no character-boundary checks)
    let mut by_text: HashMap<(EntityKind, &[u8]), usize> =
        HashMap::with_capacity_and_hasher(mentions.len(), Default::default());
    // full names first, so that partial names and acronyms can point at them; each group in
    // text order (the mentions' order: a stable partition, no sort)
    let points = |m: &Mention| {
        matches!(m.source, Source::PartialName | Source::Acronym) && m.defined_by.is_some()
            || m.source == Source::PartialName
    };
    debug_assert!(mentions.is_sorted_by_key(|m| m.first));
    let mut order: Vec<usize> = Vec::with_capacity(mentions.len());
    order.extend((0..mentions.len()).filter(|&i| !points(&mentions[i])));
    order.extend((0..mentions.len()).filter(|&i| points(&mentions[i])));
    for i in order {
        let m = &mentions[i];
        let folded_text =
            &folded.as_str().as_bytes()[tokens[m.first].fold.start..tokens[m.last - 1].fold.end];
        // each map is looked up once: the slot found is read here and filled below
        let entry_slot = m.entry.map(|e| by_entry.entry(e));
        let text_slot = by_text.entry((m.kind, folded_text));
        let target = if let Some(Entry::Occupied(e)) = &entry_slot {
            Some(*e.get())
        } else if let Some(d) = m
            .defined_by
            .filter(|&d| d < of.len() && of[d] != usize::MAX)
        {
            Some(of[d])
        } else if let Entry::Occupied(e) = &text_slot {
            Some(*e.get())
        } else {
            None
        };
        let ent = match target {
            Some(e) => e,
            None => {
                let (shown, name) = match m.entry {
                    Some(eid) => (Some(shown.get(g, eid)), ""),
                    None => (None, m.span.slice(text)),
                };
                entities.push(EntityDraft {
                    kind: m.kind,
                    shown,
                    name,
                    attrs: None,
                });
                entities.len() - 1
            }
        };
        of[i] = ent;
        if let Some(slot) = entry_slot {
            slot.or_insert(ent);
        }
        text_slot.or_insert(ent);
        // attributes from the context win over the gazetteer's: the first context
        // attributes of an entry's entity start from a copy of the entry's (later ones
        // are put over them as before). Most mentions have none: their empty maps are
        // left in place (taken out, each was dropped here)
        let e = &mut entities[ent];
        if !mentions[i].attrs.is_empty() {
            let context_attrs = std::mem::take(&mut mentions[i].attrs);
            let shown = e.shown;
            e.attrs
                .get_or_insert_with(|| shown.map_or_else(Attrs::new, |s| s.attrs.clone()))
                .extend(context_attrs);
        }
        let m = &mentions[i];
        // the longest mention names an entity no gazetteer knows
        if m.entry.is_none() && e.shown.is_none() && m.source != Source::PartialName {
            let t = m.span.slice(text);
            if t.len() > e.name.len() {
                e.name = t;
            }
        }
    }
    (entities, of)
}

/// Attributes shown for a gazetteer entity: the country code becomes the country name.
fn gazetteer_attrs(g: &Gazetteer, attrs: &Attrs) -> Attrs {
    let mut out = Attrs::new();
    for (k, v) in attrs {
        match k.as_str() {
            "country" => {
                out.insert("country_code".into(), v.clone());
                if let Some(name) = country_by_code(g, v) {
                    out.insert("country".into(), name);
                }
            }
            "common" | "admin1" => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// Adds mentions for later uses of one part of a person's full name, looked for at the
/// capitalised words `caps` (see [`corefer`]).
fn add_partial_names(
    g: &Gazetteer,
    shown: &ShownEntries,
    folded: &Folded,
    tokens: &[Token],
    caps: &[u32],
    in_time: &dyn Fn(usize) -> bool,
    mentions: &mut Vec<Mention>,
) {
    // (texts as bytes: a `str` slice checks both ends for a character boundary, and the
    // scan below cuts one for every capitalised word of the document)
    let bytes = folded.as_str().as_bytes();
    let mut parts: HashMap<&[u8], Option<usize>> = HashMap::default();
    let full_text = |m: &Mention| &bytes[tokens[m.first].fold.start..tokens[m.last - 1].fold.end];
    for (i, m) in mentions.iter().enumerate() {
        if m.kind != EntityKind::Person || m.last - m.first < 2 {
            continue;
        }
        let family_first = m.entry.is_some_and(|e| shown.get(g, e).family_first);
        // name parts: words, with hyphen-joined pieces kept together ("Mensah-Boateng")
        let mut parts_of = name_parts(tokens, folded, m.first, m.last);
        let Some((ks, ke)) = (if family_first {
            parts_of.next()
        } else {
            parts_of.last()
        }) else {
            continue;
        };
        let part = &bytes[tokens[ks].fold.start..tokens[ke - 1].fold.end];
        if part.len() < 2 {
            continue;
        }
        // two different people share the part: ambiguous, link neither
        match parts.get(part) {
            None => {
                parts.insert(part, Some(i));
            }
            Some(Some(j)) => {
                let other = &mentions[*j];
                let same = (m.entry.is_some() && m.entry == other.entry)
                    || full_text(m) == full_text(other);
                if !same {
                    parts.insert(part, None);
                }
            }
            Some(None) => {}
        }
    }
    if parts.is_empty() {
        return;
    }
    // the mentions are in text order and never overlap: the scan below, which moves
    // forward, finds those around a word with a cursor (no table over the tokens)
    debug_assert!(mentions.windows(2).all(|w| w[0].last <= w[1].first));
    // the first mention that ends after the word the scan is at
    let mut next = 0;
    let mut new: Vec<Mention> = Vec::new();
    let mut relabel: Vec<(usize, usize)> = Vec::new();
    // the first bytes of the parts: most capitalised words start otherwise and are turned
    // away before their text is hashed
    let mut firsts = [0u64; 4];
    for p in parts.keys() {
        let b = p[0];
        firsts[usize::from(b >> 6)] |= 1 << (b & 63);
    }
    // the words a part can be: capitalised or upper-case words (not mixed-case ones), read
    // from the recogniser's list of capitalised words (a scan of every token here cost a
    // mispredicted branch for many of them); a word inside the last compound is passed over
    let mut end = 0;
    for &k in caps {
        let k = k as usize;
        let t = &tokens[k];
        debug_assert!(t.kind == TokenKind::Word);
        if k < end || !matches!(t.shape, Shape::Capitalized | Shape::Upper) {
            continue;
        }
        end = compound_end(tokens, folded, k, tokens.len());
        let part = &bytes[t.fold.start..tokens[end - 1].fold.end];
        let b = part[0];
        if firsts[usize::from(b >> 6)] & (1 << (b & 63)) == 0 {
            continue;
        }
        let Some(Some(full)) = parts.get(part) else {
            continue;
        };
        let full = *full;
        if (k..end).any(in_time) {
            continue;
        }
        while next < mentions.len() && mentions[next].last <= k {
            next += 1;
        }
        // the first mention on a token of `k..end`, if any
        match mentions.get(next).filter(|m| m.first < end) {
            None => new.push(partial(&mentions[full], full, tokens, k, end)),
            // one sense per document: a word the gazetteer took for a place or
            // organisation, or a name typed only by a guess, is the person here
            Some(m)
                if m.first == k
                    && m.last == end
                    && (m.kind != EntityKind::Person || m.source == Source::UnknownName)
                    && next != full =>
            {
                relabel.push((next, full));
            }
            Some(_) => {}
        }
    }
    for (c, full) in relabel {
        let (k, end) = (mentions[c].first, mentions[c].last);
        mentions[c] = partial(&mentions[full], full, tokens, k, end);
    }
    if !new.is_empty() {
        mentions.extend(new);
        // keep text order but remember: defined_by indices point at full names, which keep
        // their positions because new mentions are only appended and then sorted stably
        let mut idx: Vec<usize> = (0..mentions.len()).collect();
        idx.sort_by_key(|&i| mentions[i].first);
        let mut pos = vec![0; mentions.len()];
        for (new_pos, &old) in idx.iter().enumerate() {
            pos[old] = new_pos;
        }
        let mut sorted: Vec<Mention> = idx.iter().map(|&i| mentions[i].clone()).collect();
        for m in &mut sorted {
            // (a link past the end would be a bug upstream: drop it rather than panic)
            m.defined_by = m.defined_by.and_then(|d| pos.get(d).copied());
        }
        *mentions = sorted;
    }
}

/// The end of the hyphen-joined compound starting at word `k` ("Mensah-Boateng", "Jae-in").
/// (Inlined: it runs for every capitalised word, and most end at once.)
#[inline(always)]
fn compound_end(tokens: &[Token], folded: &Folded, k: usize, limit: usize) -> usize {
    let mut end = k + 1;
    while end + 1 < limit
        && tokens[end].joined
        && tokens[end].norm(folded) == "-"
        && tokens[end + 1].joined
        && tokens[end + 1].kind == TokenKind::Word
    {
        end += 2;
    }
    end
}

/// The parts of a name: words with their hyphen-joined pieces, as token ranges.
fn name_parts<'a>(
    tokens: &'a [Token],
    folded: &'a Folded,
    first: usize,
    last: usize,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let mut k = first;
    std::iter::from_fn(move || {
        while k < last && tokens[k].kind != TokenKind::Word {
            k += 1;
        }
        (k < last).then(|| {
            let e = compound_end(tokens, folded, k, last);
            let part = (k, e);
            k = e;
            part
        })
    })
}

fn partial(full: &Mention, full_idx: usize, tokens: &[Token], k: usize, end: usize) -> Mention {
    Mention {
        span: crate::span::Span::new(tokens[k].span.start, tokens[end - 1].span.end),
        first: k,
        last: end,
        kind: EntityKind::Person,
        entry: full.entry,
        source: Source::PartialName,
        attrs: Attrs::new(),
        defined_by: Some(full_idx),
    }
}

/// Third-person personal pronouns that can be an event's subject.
pub(crate) fn is_person_pronoun(word: &str) -> bool {
    matches!(word, "he" | "she" | "him" | "her" | "his")
}

/// The person a pronoun at token `k` refers to: the nearest person mentioned before it,
/// within the same or the two previous sentences. Gender is checked where the gazetteer has it.
pub(crate) fn resolve_pronoun(
    g: &Gazetteer,
    folded: &Folded,
    tokens: &[Token],
    sentences: &[Sentence],
    mentions: &[Mention],
    mention_entity: &[usize],
    k: usize,
) -> Option<usize> {
    let word = tokens[k].norm(folded);
    let want = match word {
        "he" | "him" | "his" => Some("m"),
        "she" | "her" | "hers" => Some("f"),
        _ => None,
    };
    // sentences and mentions are in text order: binary searches, then a walk back over the
    // mentions of at most three sentences (a scan of all was quadratic in long documents)
    let si = sentences.partition_point(|s| s.last <= k);
    if si >= sentences.len() || sentences[si].first > k {
        return None;
    }
    let lo = sentences[si.saturating_sub(2)].first;
    let upto = mentions.partition_point(|m| m.first < k);
    mentions[..upto]
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, m)| m.first >= lo)
        .filter(|(_, m)| m.kind == EntityKind::Person && m.last <= k)
        .find(|(_, m)| {
            let gender = m
                .entry
                .and_then(|e| g.entry(e).attrs.get("gender").map(String::as_str));
            match (want, gender) {
                (Some(w), Some(gd)) => w == gd,
                _ => true,
            }
        })
        .map(|(i, _)| mention_entity[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_names_are_found_at_the_capitalised_words_and_not_inside_a_compound() {
        // the parts are looked for at the recogniser's capitalised words: a hyphen-joined
        // part ("Mensah-Boateng") names its person, a word inside it ("Boateng") is passed
        // over, and the same word alone names the other person
        let ex = crate::Extractor::new().unwrap();
        let text = "Ama Boateng met Kwame Mensah-Boateng in Accra. Later Mensah-Boateng said \
                    the talks went well, and Boateng agreed.";
        let doc = ex.extract(text).unwrap();
        let mentions_of = |name: &str| -> Vec<&str> {
            let e = doc.entities.iter().find(|e| e.name == name).expect(name);
            e.mentions.iter().map(|s| s.slice(text)).collect()
        };
        assert_eq!(mentions_of("Ama Boateng"), ["Ama Boateng", "Boateng"]);
        assert_eq!(
            mentions_of("Kwame Mensah-Boateng"),
            ["Kwame Mensah-Boateng", "Mensah-Boateng"]
        );
        let all: usize = doc.entities.iter().map(|e| e.mentions.len()).sum();
        assert_eq!(all, 5, "{:?}", doc.entities);
    }

    #[test]
    fn shown_entries_convert_once_and_match_the_entry() {
        let ex = crate::Extractor::new().unwrap();
        let g = ex.gazetteer();
        let shown = ShownEntries::new(g);
        let minsk = g.by_id("geonames:625144").unwrap();
        let s = shown.get(g, minsk);
        assert_eq!(s.name, "Minsk");
        assert_eq!(s.kb, "geonames:625144");
        assert_eq!(s.attrs, gazetteer_attrs(g, &g.entry(minsk).attrs));
        // the country code is shown with its country's name; admin1 is not shown
        assert_eq!(s.attrs["country_code"], "BY");
        assert_eq!(s.attrs["country"], "Belarus");
        assert!(!s.attrs.contains_key("admin1"));
        assert!(!s.family_first);
        // made once: the second call returns the same value
        assert!(std::ptr::eq(s, shown.get(g, minsk)));
        // the last entry, in the last (partial) block
        let last = (g.len() - 1) as EntryId;
        assert_eq!(shown.get(g, last).kb, &*g.entry(last).id);
        let xi = g.by_id("wikidata:Q15031").unwrap();
        assert!(shown.get(g, xi).family_first);
    }
}
