//! The data model of one analysed document: entities, mentions, times and events.

use serde::{Deserialize, Serialize};

use crate::span::Span;

mod kind;
pub use kind::{Attrs, EntityKind};

/// An entity of a document: one real-world referent with all its mentions.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Index in [`Document::entities`]; printed as `e0`, `e1`, ...
    pub id: usize,
    /// Its type.
    pub kind: EntityKind,
    /// The canonical name: the gazetteer's, else the longest mention.
    pub name: String,
    /// The gazetteer id (`wikidata:Q...`, `geonames:...`), when the entity is known.
    pub kb: Option<String>,
    /// Attributes: `title`, `country`, `country_code`, `kind`, ...
    pub attrs: Attrs,
    /// Every mention, in text order.
    pub mentions: Vec<Span>,
}

/// Whether an event happened, is planned, or is denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It happened.
    Occurred,
    /// It is expected, scheduled, or announced.
    Planned,
    /// It did not happen, was cancelled, refused or postponed.
    Negated,
}

impl Status {
    /// `occurred`, `planned` or `negated`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Occurred => "occurred",
            Status::Planned => "planned",
            Status::Negated => "negated",
        }
    }
}

/// The role of an event argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Someone taking part: both sides of a meeting or call, the visitor of a visit.
    Participant,
    /// Where it happened.
    Place,
    /// When it happened.
    Time,
    /// Where a visitor came from.
    Origin,
    /// Where a visitor went.
    Destination,
}

impl Role {
    /// The role's name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Participant => "participant",
            Role::Place => "place",
            Role::Time => "time",
            Role::Origin => "origin",
            Role::Destination => "destination",
        }
    }
}

/// One argument of an event.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// Its role.
    pub role: Role,
    /// The entity, when the argument is one.
    pub entity: Option<usize>,
    /// The text the argument was read from (the mention, pronoun or time expression).
    pub span: Span,
    /// For times: the TIMEX3 value (or an interval `start/end`).
    pub value: Option<String>,
}

/// The sentence an event was read from, with the rule that read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// Index of the sentence.
    pub sentence: usize,
    /// The matched text.
    pub span: Span,
    /// The trigger word or phrase.
    pub trigger: Span,
    /// The id of the rule that fired.
    pub rule: String,
}

/// A meeting, call or visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// `MEET`, `CALL`, `VISIT`, or a type a user rule defines.
    pub kind: String,
    /// occurred, planned or negated.
    pub status: Status,
    /// Participants, place, time, origin, destination.
    pub args: Vec<Arg>,
    /// The CAMEO code (`040`, `042`, `043`, `036`, ...).
    pub cameo: Option<String>,
    /// The first (primary) evidence.
    pub evidence: Evidence,
    /// Further evidence of the same event merged into it.
    pub more_evidence: Vec<Evidence>,
}

impl Event {
    /// Entity indices of the participants.
    pub fn participants(&self) -> impl Iterator<Item = usize> + '_ {
        self.args
            .iter()
            .filter(|a| a.role == Role::Participant)
            .filter_map(|a| a.entity)
    }

    /// The first argument with a role.
    pub fn arg(&self, role: Role) -> Option<&Arg> {
        self.args.iter().find(|a| a.role == role)
    }
}

/// One analysed document: owns its text, entities, temporal expressions and events.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub(crate) text: String,
    pub(crate) date: Option<String>,
    pub(crate) sentences: Vec<Span>,
    pub(crate) entities: Vec<Entity>,
    pub(crate) times: Vec<crate::time::Timex>,
    pub(crate) events: Vec<Event>,
}

impl Document {
    /// The text, as the caller passed it; every span indexes into it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The document date used to resolve relative times (`2023-02-28`, or `XXXX-02-28` when
    /// only a dateline without a year gave it), if any.
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }

    /// Sentence spans, in order.
    pub fn sentences(&self) -> &[Span] {
        &self.sentences
    }

    /// Entities, in order of first mention.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Temporal expressions, in text order.
    pub fn times(&self) -> &[crate::time::Timex] {
        &self.times
    }

    /// Events, in text order of their first evidence.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The entity with a canonical name or a mention equal to `name`.
    pub fn entity_named(&self, name: &str) -> Option<&Entity> {
        self.entities
            .iter()
            .find(|e| e.name == name || e.mentions.iter().any(|m| m.slice(&self.text) == name))
    }

    /// The text of a span of this document.
    pub fn slice(&self, span: Span) -> &str {
        span.slice(&self.text)
    }
}
