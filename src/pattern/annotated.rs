//! Units from a hand-annotated sentence, for testing rules without the full pipeline.

use crate::doc::{Attrs, EntityKind};
use crate::error::{Error, ErrorKind, Result};
use crate::text::Folded;
use crate::tokenize::{Sentence, Shape, Token, TokenKind, shape_of, tokenize};

use super::parse::fold_phrase;
use super::{Unit, UnitKind};

/// A sentence with its entities and times marked by hand, turned into [`Unit`]s.
///
/// Plain text is split by the crate's tokenizer; `[text]/TYPE` makes one unit of `text`,
/// where `TYPE` is an entity type (`PERSON`, `LOCATION`, `ORG`, ...) or `TIME`, optionally
/// followed by attributes in braces: `[Minsk]/LOCATION{kind=city,country=BY}`. Attribute
/// values run up to the next `,` or `}`.
///
/// This is for unit tests of rules; real sentences get their units from the pipeline.
///
/// # Example
///
/// ```
/// use newsgraph::pattern::{Annotated, UnitKind};
/// use newsgraph::EntityKind;
///
/// let s = Annotated::parse("[President Lukashenko]/PERSON{title=President} visited [Beijing]/LOCATION on [Feb. 24]/TIME.")?;
/// let units = s.units();
/// let norms: Vec<&str> = units.iter().map(|u| u.norm).collect();
/// assert_eq!(norms, ["president lukashenko", "visited", "beijing", "on", "feb. 24", "."]);
/// assert_eq!(units[0].kind, UnitKind::Entity(EntityKind::Person));
/// assert_eq!(units[0].attrs.unwrap()["title"], "President");
/// assert_eq!(units[4].kind, UnitKind::Time);
/// # Ok::<(), newsgraph::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Annotated {
    units: Vec<OwnedUnit>,
}

#[derive(Clone, Debug)]
struct OwnedUnit {
    norm: String,
    shape: Shape,
    kind: UnitKind,
    attrs: Option<Attrs>,
}

impl Annotated {
    /// Parses an annotated sentence.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::RuleSyntax`] for an unclosed `[` or `{` or a missing `/TYPE`, and
    /// [`ErrorKind::UnknownEntityKind`] for a type that is neither an entity type nor `TIME`.
    /// The location's path is `<annotated>`, its line 1, its column the offending character.
    pub fn parse(text: &str) -> Result<Annotated> {
        let mut units = Vec::new();
        let mut rest = text;
        let col = |rest: &str| text[..text.len() - rest.len()].chars().count() + 1;
        let bad = |rest: &str, msg: &str| {
            Error::at(ErrorKind::RuleSyntax, "<annotated>", 1, col(rest), msg)
                .with_hint("write `[Xi Jinping]/PERSON` or `[Minsk]/LOCATION{kind=city}`")
        };
        while !rest.is_empty() {
            let Some(open) = rest.find('[') else {
                plain(rest, &mut units);
                break;
            };
            plain(&rest[..open], &mut units);
            rest = &rest[open..];
            let Some(close) = rest.find(']') else {
                return Err(bad(rest, "unclosed `[`"));
            };
            let inner = &rest[1..close];
            let after = &rest[close + 1..];
            let Some(after) = after.strip_prefix('/') else {
                return Err(bad(after, "expected `/TYPE` after `]`"));
            };
            let tlen = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let tname = &after[..tlen];
            let kind = if tname == "TIME" {
                UnitKind::Time
            } else {
                match EntityKind::parse(tname) {
                    Some(k) => UnitKind::Entity(k),
                    None => {
                        return Err(Error::at(
                            ErrorKind::UnknownEntityKind,
                            "<annotated>",
                            1,
                            col(after),
                            format!("unknown type `{tname}`"),
                        )
                        .with_hint("use PERSON, LOCATION, ORG, NATIONALITY, EVENT or TIME"));
                    }
                }
            };
            rest = &after[tlen..];
            let mut attrs = None;
            if let Some(body) = rest.strip_prefix('{') {
                let Some(end) = body.find('}') else {
                    return Err(bad(rest, "unclosed `{`"));
                };
                let mut map = Attrs::new();
                for kv in body[..end].split(',').filter(|s| !s.trim().is_empty()) {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    map.insert(k.trim().to_string(), v.trim().to_string());
                }
                attrs = Some(map);
                rest = &body[end + 1..];
            }
            let first = inner.split_whitespace().next().unwrap_or("");
            units.push(OwnedUnit {
                norm: fold_phrase(inner),
                shape: shape_of(first),
                kind,
                attrs,
            });
        }
        Ok(Annotated { units })
    }

    /// The units, borrowing from `self`.
    pub fn units(&self) -> Vec<Unit<'_>> {
        self.units
            .iter()
            .map(|u| Unit {
                norm: &u.norm,
                shape: u.shape,
                kind: u.kind,
                attrs: u.attrs.as_ref(),
            })
            .collect()
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// True when there is no unit.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

fn plain(text: &str, out: &mut Vec<OwnedUnit>) {
    let folded = Folded::new(text);
    let mut tokens: Vec<Token> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    tokenize(text, &folded, &mut tokens, &mut sentences);
    out.extend(tokens.iter().map(|t| OwnedUnit {
        norm: t.norm(&folded).to_string(),
        shape: t.shape,
        kind: UnitKind::Token(t.kind),
        attrs: None,
    }));
}

impl From<TokenKind> for UnitKind {
    fn from(k: TokenKind) -> UnitKind {
        UnitKind::Token(k)
    }
}
