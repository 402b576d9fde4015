//! The tense of the clause around a token, from the nearest tense marker in its sentence.

use crate::text::Folded;
use crate::tokenize::{Sentence, Shape, Token};

/// The tense of a clause, as far as a few marker words tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tense {
    /// Past: "was", "had met", "said", "arrived".
    Past,
    /// Present: "is", "are", "says", "was set to" (a plan for the document day).
    Present,
    /// Future or planned: "will", "shall", "is expected to", "plans to".
    Future,
    /// No marker near enough.
    Unknown,
}

/// How far (in tokens) to look for a tense marker on either side.
const REACH: usize = 10;

/// The tense of the clause around tokens `start..end` of `sentence`: the nearest marker
/// word, looking left first at equal distance, within ten tokens and the sentence.
///
/// Markers: future `will`, `'ll`, `shall`, `would`, `going to`, `expected`, `scheduled`,
/// `plans`, `due to`; past `was`, `were`, `had`, `did`, `said`, common irregular past
/// forms and lower-case words ending in `-ed`; present `is`, `are`, `am`, `says`, `has`,
/// `have`. "set to" after "was"/"is" reads as present (a plan for the day of writing).
pub fn tense_at(
    folded: &Folded,
    tokens: &[Token],
    sentence: &Sentence,
    start: usize,
    end: usize,
) -> Tense {
    let first = sentence.first.min(tokens.len());
    let last = sentence.last.min(tokens.len());
    if start >= last || end > last || start < first {
        return Tense::Unknown;
    }
    let f = folded.as_str();
    let word = |i: usize| -> &str { tokens[i].fold.slice(f) };
    for d in 1..=REACH {
        if start >= first + d {
            let i = start - d;
            let t = marker(
                word(i),
                tokens[i].shape,
                |k| if i + k < last { word(i + k) } else { "" },
                |k| if i >= first + k { word(i - k) } else { "" },
            );
            if t != Tense::Unknown {
                return t;
            }
        }
        let j = end + d - 1;
        if j < last {
            let t = marker(
                word(j),
                tokens[j].shape,
                |k| if j + k < last { word(j + k) } else { "" },
                |k| if j >= first + k { word(j - k) } else { "" },
            );
            if t != Tense::Unknown {
                return t;
            }
        }
    }
    Tense::Unknown
}

fn marker<'a>(
    w: &str,
    shape: Shape,
    next: impl Fn(usize) -> &'a str,
    prev: impl Fn(usize) -> &'a str,
) -> Tense {
    let past = match w {
        "will" | "'ll" | "shall" | "wo" | "would" | "expected" | "scheduled" | "upcoming"
        | "tomorrow" => return Tense::Future,
        "going" | "due" | "plans" | "plan" | "planned" | "planning" | "intends" | "intend"
        | "preparing" | "hoping" | "ready"
            if next(1) == "to" =>
        {
            return Tense::Future;
        }
        "set" if next(1) == "to" => return Tense::Present,
        // "as early as Tuesday", "as soon as Monday"
        "early" | "soon" if prev(1) == "as" && next(1) == "as" => return Tense::Future,
        "was" | "were" if next(1) == "set" || next(2) == "set" => return Tense::Present,
        "was" | "were" | "had" | "did" | "said" | "ago" | "yesterday" => return Tense::Past,
        "is" | "are" | "am" | "says" | "has" | "have" | "today" => return Tense::Present,
        "told" | "met" | "held" | "came" | "went" | "began" | "took" | "made" | "gave" | "left"
        | "saw" | "fell" | "rose" | "won" | "lost" | "sold" | "bought" | "paid" | "spent"
        | "sent" | "got" | "became" | "ran" | "led" | "found" | "thought" | "knew" | "flew"
        | "spoke" | "wrote" | "broke" | "kept" | "felt" | "heard" | "brought" | "struck"
        | "fought" | "drew" | "grew" | "rang" | "sought" | "stood" | "chose" => true,
        _ => {
            shape == Shape::Lower
                && w.len() >= 5
                && w.ends_with("ed")
                && !matches!(w, "need" | "indeed" | "speed" | "proceed" | "succeed")
        }
    };
    if !past {
        return Tense::Unknown;
    }
    // a participle takes the tense of its auxiliary: "will be paid", "is expected"
    for k in 1..=2 {
        match prev(k) {
            "be" | "will" | "would" | "to" | "'ll" => return Tense::Future,
            "is" | "are" | "am" => return Tense::Present,
            "been" | "has" | "have" | "had" | "was" | "were" => return Tense::Past,
            _ => {}
        }
    }
    Tense::Past
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    fn tense_of(text: &str, word: &str) -> Tense {
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        let i = t.iter().position(|t| t.text(text) == word).unwrap();
        let sent = s.iter().find(|s| s.tokens().contains(&i)).unwrap();
        tense_at(&f, &t, sent, i, i + 1)
    }

    #[test]
    fn markers() {
        assert_eq!(
            tense_of("They had met in September.", "September"),
            Tense::Past
        );
        assert_eq!(
            tense_of("He will meet Xi on Tuesday.", "Tuesday"),
            Tense::Future
        );
        assert_eq!(
            tense_of("He was on Tuesday set to arrive.", "Tuesday"),
            Tense::Present
        );
        assert_eq!(tense_of("Talks opened Monday.", "Monday"), Tense::Past);
        assert_eq!(tense_of("Monday.", "Monday"), Tense::Unknown);
    }
}
