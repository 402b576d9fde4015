//! Temporal expressions: recognition and TIMEX3 normalisation against the document date.
//!
//! PLACEHOLDER INTERFACE (replaced by the real module): the types below are the contract
//! the rest of the crate uses.

use serde::{Deserialize, Serialize};

use crate::span::Span;
use crate::text::Folded;
use crate::tokenize::{Sentence, Token};

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2023.
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = s[0..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..10].parse().ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// The TIMEX3 type of a temporal expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    /// A calendar date or period: `2023-02-24`, `2022-09`, `2023-W09`, `PAST_REF`.
    Date,
    /// A time of day: `2023-02-28T09:00`, `2023-02-28TMO`.
    Time,
    /// A length of time: `P3D`, `PT2H`.
    Duration,
    /// A recurrence: `P1W` for "weekly", `XXXX-WXX-2` for "every Tuesday".
    Set,
}

/// A temporal expression found in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timex {
    /// Bytes in the caller's text (without a leading preposition).
    pub span: Span,
    /// TIMEX3 type.
    pub kind: TimexType,
    /// TIMEX3 value, `None` where it cannot be resolved.
    pub value: Option<String>,
}

/// The compiled time tagger: built once, shared across threads.
#[derive(Debug, Default)]
pub struct TimeTagger {}

impl TimeTagger {
    /// Builds the tagger.
    pub fn new() -> TimeTagger {
        TimeTagger {}
    }

    /// Finds and normalises the temporal expressions of a document, in text order.
    pub fn find(
        &self,
        _text: &str,
        _folded: &Folded,
        _tokens: &[Token],
        _sentences: &[Sentence],
        _doc_date: Option<Date>,
    ) -> Vec<Timex> {
        Vec::new()
    }
}
