//! Temporal expressions: recognition and TIMEX3 normalisation against the document date.
//!
//! [`TimeTagger::find`] walks the tokens once, classifying each by its folded form (a
//! `match`, no allocation); only tokens that can start a temporal expression (month and
//! weekday names, numbers, `today`, `last`, `the`, ...) try the hand-written grammar in
//! `grammar.rs`. Each expression is then normalised in text order against
//!
//! - the document date (given by the caller, or read from a dateline with
//!   [`dateline_date`]),
//! - the tense of its clause ([`tense_at`]): "had met in September" is the September
//!   before the document date, "will meet on Tuesday" the next Tuesday,
//! - the last date the text resolved (anaphora: "the same day", "a year earlier").
//!
//! Spans follow TimeML: prepositions are left out ("on **Tuesday**"), determiners and
//! modifiers kept ("**the past two months**", "**early December**").

mod dateline;
mod grammar;
pub(crate) mod lex;
mod tense;

use serde::{Deserialize, Serialize};

use crate::span::Span;
use crate::text::Folded;
use crate::tokenize::{Sentence, Token};

pub(crate) use dateline::WEEKDAYS;
pub use dateline::{Dateline, dateline_date};
pub use tense::{Tense, tense_at};

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
    /// A date, when it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Some(Date { year, month, day })
        } else {
            None
        }
    }

    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !s.is_ascii() {
            return None;
        }
        let year: i32 = s[0..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..10].parse().ok()?;
        Date::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01. Years are clamped to ±1,000,000.
    pub fn from_days(days: i64) -> Date {
        let z = days.clamp(-365_000_000, 365_000_000) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `n` days later (earlier when `n` is negative).
    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.to_days().saturating_add(n))
    }

    /// Day of the week: 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3)
        (self.to_days() + 3).rem_euclid(7) as u8
    }

    /// The same day `n` months later, clamped to the month's last day.
    pub fn add_months(self, n: i64) -> Date {
        let (y, m) = add_month(self.year, self.month, n);
        Date {
            year: y,
            month: m,
            day: self.day.min(days_in_month(y, m)),
        }
    }

    /// ISO 8601 week: (week-numbering year, week 1–53).
    pub fn iso_week(self) -> (i32, u8) {
        let thursday = self.add_days(3 - i64::from(self.weekday()));
        let jan1 = Date {
            year: thursday.year,
            month: 1,
            day: 1,
        };
        let week = (thursday.to_days() - jan1.to_days()) / 7 + 1;
        (thursday.year, week as u8)
    }

    /// Quarter 1–4.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }
}

/// Month arithmetic: `(year, month)` shifted by `n` months.
pub(crate) fn add_month(year: i32, month: u8, n: i64) -> (i32, u8) {
    let idx = i64::from(year) * 12 + i64::from(month) - 1 + n;
    let idx = idx.clamp(-12_000_000, 12_000_000);
    (idx.div_euclid(12) as i32, (idx.rem_euclid(12) + 1) as u8)
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

/// The interval covered by a period of length `duration_value` starting at `start_value`,
/// both TIMEX3 values, as `start/end` with inclusive ends at the start's granularity.
///
/// `interval("2023-02-28", "P3D") == Some("2023-02-28/2023-03-02")` (a three-day visit
/// from Feb 28 covers the 28th, the 1st and the 2nd); `interval("2023-02", "P2M")` is
/// `2023-02/2023-03`; `interval("2021", "P2Y")` is `2021/2022`. Units the start's
/// granularity cannot express (hours on a day, days on a month), unknown (`X`) amounts and
/// other values give `None`.
pub fn interval(start_value: &str, duration_value: &str) -> Option<String> {
    let d = duration_value.strip_prefix('P')?;
    if d.starts_with('T') || d.len() < 2 || !d.is_ascii() {
        return None;
    }
    let (num, unit) = d.split_at(d.len() - 1);
    let n: i64 = num.parse().ok()?;
    if !(1..=100_000).contains(&n) {
        return None;
    }
    let b = start_value.as_bytes();
    if let Some(date) = Date::parse(start_value) {
        let end = match unit {
            "D" => date.add_days(n - 1),
            "W" => date.add_days(7 * n - 1),
            "M" => date.add_months(n).add_days(-1),
            "Y" => date.add_months(12 * n).add_days(-1),
            _ => return None,
        };
        return Some(format!("{start_value}/{end}"));
    }
    if b.len() == 7 && b[4] == b'-' && start_value.is_ascii() {
        let y: i32 = start_value[..4].parse().ok()?;
        let m: u8 = start_value[5..].parse().ok()?;
        if !(1..=12).contains(&m) {
            return None;
        }
        let k = match unit {
            "M" => n - 1,
            "Y" => 12 * n - 1,
            _ => return None,
        };
        let (ey, em) = add_month(y, m, k);
        return Some(format!("{start_value}/{ey:04}-{em:02}"));
    }
    if b.len() == 4 && b.iter().all(u8::is_ascii_digit) {
        let y: i64 = start_value.parse().ok()?;
        let k = match unit {
            "Y" => n - 1,
            _ => return None,
        };
        return Some(format!("{start_value}/{:04}", y + k));
    }
    None
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

impl TimexType {
    /// The TIMEX3 name: `DATE`, `TIME`, `DURATION`, `SET`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
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
///
/// It holds no per-document state; [`TimeTagger::find`] may be called from many threads.
#[derive(Debug, Default)]
pub struct TimeTagger {}

impl TimeTagger {
    /// Builds the tagger.
    pub fn new() -> TimeTagger {
        TimeTagger {}
    }

    /// Finds and normalises the temporal expressions of a document, in text order.
    ///
    /// `folded`, `tokens` and `sentences` must come from [`crate::text::Folded::new`] and
    /// [`crate::tokenize::tokenize`] on `text`. Relative expressions resolve against
    /// `doc_date`; when it is `None`, against the date of the text's dateline
    /// ([`dateline_date`]), whose year may be unknown (values then read `XXXX-02-28`);
    /// without either, relative expressions get no value.
    pub fn find(
        &self,
        text: &str,
        folded: &Folded,
        tokens: &[Token],
        sentences: &[Sentence],
        doc_date: Option<Date>,
    ) -> Vec<Timex> {
        let dateline = if doc_date.is_none() {
            dateline_date(text)
        } else {
            None
        };
        // the tokens of the public tokenizer have no word ids: a copy is looked up here
        // (the extractor's tokens come looked up, for all the stages at once)
        let lexicon = crate::lexicon::Lexicon::without_rules();
        let mut tokens = tokens.to_vec();
        lexicon.mark(folded.as_str().as_bytes(), &mut tokens);
        self.find_with_dateline(folded, &tokens, lexicon, sentences, doc_date, dateline)
    }

    /// [`TimeTagger::find`] with the text's dateline already read (the pipeline reads it
    /// once for the times and the document's date) and tokens whose word ids point into
    /// `lexicon`.
    pub(crate) fn find_with_dateline(
        &self,
        folded: &Folded,
        tokens: &[Token],
        lexicon: &crate::lexicon::Lexicon,
        sentences: &[Sentence],
        doc_date: Option<Date>,
        dateline: Option<Dateline>,
    ) -> Vec<Timex> {
        let (anchor, year_known) = match doc_date {
            Some(d) => (Some(d), true),
            None => match dateline {
                Some(dl) => {
                    let known = dl.year.is_some();
                    // an unknown year computes in a leap year so that Feb 29 exists
                    let d = Date::new(dl.year.unwrap_or(2000), dl.month, dl.day);
                    (d, known && d.is_some())
                }
                None => (None, false),
            },
        };
        grammar::run(folded, tokens, lexicon, sentences, anchor, year_known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn day_arithmetic() {
        assert_eq!(d("2023-02-28").add_days(1), d("2023-03-01"));
        assert_eq!(d("2024-02-28").add_days(1), d("2024-02-29"));
        assert_eq!(d("2023-01-01").add_days(-1), d("2022-12-31"));
        assert_eq!(d("1970-01-01").to_days(), 0);
        assert_eq!(Date::from_days(d("1996-08-30").to_days()), d("1996-08-30"));
        assert_eq!(d("2023-02-28").weekday(), 1); // Tuesday
        assert_eq!(d("2023-02-27").weekday(), 0);
        assert_eq!(d("2023-01-31").add_months(1), d("2023-02-28"));
    }

    #[test]
    fn iso_weeks() {
        assert_eq!(d("2013-03-12").iso_week(), (2013, 11));
        assert_eq!(d("2021-01-01").iso_week(), (2020, 53));
        assert_eq!(d("2023-02-28").iso_week(), (2023, 9));
    }

    #[test]
    fn intervals() {
        assert_eq!(
            interval("2023-02-28", "P3D").as_deref(),
            Some("2023-02-28/2023-03-02")
        );
        assert_eq!(
            interval("2023-02-28", "P1W").as_deref(),
            Some("2023-02-28/2023-03-06")
        );
        assert_eq!(
            interval("2023-02", "P2M").as_deref(),
            Some("2023-02/2023-03")
        );
        assert_eq!(interval("2021", "P2Y").as_deref(), Some("2021/2022"));
        assert_eq!(interval("2023-02-28", "PXD"), None);
        assert_eq!(interval("2023-02-28", "PT2H"), None);
        assert_eq!(interval("junk", "P3D"), None);
        assert_eq!(interval("2023-02-28", "P"), None);
    }

    #[test]
    fn parse_rejects_bad_dates() {
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("2024-1é-01").is_none());
    }
}
