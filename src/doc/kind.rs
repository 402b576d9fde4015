//! The type of an entity or gazetteer row, and entity attributes: apart from the rest of
//! the data model because the build script compiles the gazetteer code (which uses them)
//! without the rest of the crate (see `src/gazetteer/build.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Entity attributes (`title`, `country`, `kind`, `population`, ...), sorted by key.
pub type Attrs = BTreeMap<String, String>;

/// The type of an entity or gazetteer row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A country, region, city, continent or other place.
    Location,
    /// An organisation: intergovernmental body, ministry, party, company, news agency.
    Organization,
    /// A demonym used as an adjective or noun: "Belarussian", "Chinese".
    Nationality,
    /// A named event such as a summit: "SCO summit".
    Event,
    /// An office or role word ("President", "foreign minister"); attached to people.
    Title,
    /// A given name; helps the recogniser find people no gazetteer lists.
    GivenName,
    /// A family name; helps the recogniser find people no gazetteer lists.
    Surname,
}

impl EntityKind {
    /// Every type, in declaration order.
    pub const ALL: [EntityKind; 8] = [
        EntityKind::Person,
        EntityKind::Location,
        EntityKind::Organization,
        EntityKind::Nationality,
        EntityKind::Event,
        EntityKind::Title,
        EntityKind::GivenName,
        EntityKind::Surname,
    ];

    /// The name used in files and JSON (`PERSON`, `LOCATION`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "PERSON",
            EntityKind::Location => "LOCATION",
            EntityKind::Organization => "ORGANIZATION",
            EntityKind::Nationality => "NATIONALITY",
            EntityKind::Event => "EVENT",
            EntityKind::Title => "TITLE",
            EntityKind::GivenName => "GIVEN_NAME",
            EntityKind::Surname => "SURNAME",
        }
    }

    /// Parses a type name; accepts the short forms `PER`, `LOC`, `ORG`, `NAT` too.
    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s {
            "PERSON" | "PER" => EntityKind::Person,
            "LOCATION" | "LOC" => EntityKind::Location,
            "ORGANIZATION" | "ORGANISATION" | "ORG" => EntityKind::Organization,
            "NATIONALITY" | "NAT" | "NORP" => EntityKind::Nationality,
            "EVENT" => EntityKind::Event,
            "TITLE" => EntityKind::Title,
            "GIVEN_NAME" => EntityKind::GivenName,
            "SURNAME" => EntityKind::Surname,
            _ => return None,
        })
    }

    /// True for the kinds that become entities in a document (not lexical helpers).
    pub fn is_entity(self) -> bool {
        !matches!(
            self,
            EntityKind::Title | EntityKind::GivenName | EntityKind::Surname
        )
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
