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
    // (bytes: a token's folded span needs no test of char boundaries to be compared)
    let f = folded.as_str().as_bytes();
    let word = |i: usize| -> &[u8] { &f[tokens[i].fold.start..tokens[i].fold.end] };
    for d in 1..=REACH {
        if start >= first + d {
            let i = start - d;
            let t = marker(
                word(i),
                tokens[i].shape,
                |k| if i + k < last { word(i + k) } else { b"" },
                |k| if i >= first + k { word(i - k) } else { b"" },
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
                |k| if j + k < last { word(j + k) } else { b"" },
                |k| if j >= first + k { word(j - k) } else { b"" },
            );
            if t != Tense::Unknown {
                return t;
            }
        }
    }
    Tense::Unknown
}

fn marker<'a>(
    w: &[u8],
    shape: Shape,
    next: impl Fn(usize) -> &'a [u8],
    prev: impl Fn(usize) -> &'a [u8],
) -> Tense {
    let past = match w {
        b"will" | b"'ll" | b"shall" | b"wo" | b"would" | b"expected" | b"scheduled"
        | b"upcoming" | b"tomorrow" => return Tense::Future,
        b"going" | b"due" | b"plans" | b"plan" | b"planned" | b"planning" | b"intends"
        | b"intend" | b"preparing" | b"hoping" | b"ready"
            if next(1) == b"to" =>
        {
            return Tense::Future;
        }
        b"set" if next(1) == b"to" => return Tense::Present,
        // "as early as Tuesday", "as soon as Monday"
        b"early" | b"soon" if prev(1) == b"as" && next(1) == b"as" => return Tense::Future,
        b"was" | b"were" if next(1) == b"set" || next(2) == b"set" => return Tense::Present,
        b"was" | b"were" | b"had" | b"did" | b"said" | b"ago" | b"yesterday" => return Tense::Past,
        b"is" | b"are" | b"am" | b"says" | b"has" | b"have" | b"today" => return Tense::Present,
        b"told" | b"met" | b"held" | b"came" | b"went" | b"began" | b"took" | b"made" | b"gave"
        | b"left" | b"saw" | b"fell" | b"rose" | b"won" | b"lost" | b"sold" | b"bought"
        | b"paid" | b"spent" | b"sent" | b"got" | b"became" | b"ran" | b"led" | b"found"
        | b"thought" | b"knew" | b"flew" | b"spoke" | b"wrote" | b"broke" | b"kept" | b"felt"
        | b"heard" | b"brought" | b"struck" | b"fought" | b"drew" | b"grew" | b"rang"
        | b"sought" | b"stood" | b"chose" => true,
        _ => {
            shape == Shape::Lower
                && w.len() >= 5
                && w.ends_with(b"ed")
                && !matches!(w, b"need" | b"indeed" | b"speed" | b"proceed" | b"succeed")
        }
    };
    if !past {
        return Tense::Unknown;
    }
    // a participle takes the tense of its auxiliary: "will be paid", "is expected"
    for k in 1..=2 {
        match prev(k) {
            b"be" | b"will" | b"would" | b"to" | b"'ll" => return Tense::Future,
            b"is" | b"are" | b"am" => return Tense::Present,
            b"been" | b"has" | b"have" | b"had" | b"was" | b"were" => return Tense::Past,
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
        // the guards read the words around a marker; non-ASCII words are no markers
        assert_eq!(
            tense_of("Café owners are going to vote on Friday.", "Friday"),
            Tense::Future
        );
        assert_eq!(
            tense_of("They could meet as early as Friday.", "Friday"),
            Tense::Future
        );
        assert_eq!(
            tense_of("Bonds will be paid in June.", "June"),
            Tense::Future
        );
        assert_eq!(
            tense_of("Bonds had been paid in June.", "June"),
            Tense::Past
        );
        assert_eq!(
            tense_of("Señor Pérez visitó in June.", "June"),
            Tense::Unknown
        );
        assert_eq!(tense_of("The speed in June was slow.", "June"), Tense::Past);
        assert_eq!(tense_of("The speed in June rose.", "June"), Tense::Past);
        assert_eq!(tense_of("Indeed, in June", "June"), Tense::Unknown);
    }
}
