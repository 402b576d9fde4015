//! The grammar of temporal expressions over classified tokens, and their normalisation.
//!
//! Recognition: [`Parser::parse`] tries, at a token that can start an expression, the
//! rules for that token's class and returns the expression's token range and meaning
//! ([`Sem`]). Normalisation: [`Resolver::resolve`] turns the meaning into a TIMEX3 value
//! against the document date, the clause's tense and the last date resolved in the text.

use std::cell::Cell;
use std::fmt::Write as _;

use super::lex::{Classes, Lex, REFS, SET_ADVERBS, Unit, W, classify_all};
use super::tense::{Tense, tense_at};
use super::{Date, Timex, TimexType, add_month};
use crate::span::Span;
use crate::text::Folded;
use crate::tokenize::{Sentence, Shape, Token};

const PARTS: [&str; 4] = ["MO", "AF", "EV", "NI"];
const SEASONS: [&str; 4] = ["SP", "SU", "FA", "WI"];

/// Which day a clock time is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DaySel {
    /// The document date plus n days.
    Dct(i64),
    /// A weekday, resolved by tense.
    Weekday(u8),
    /// A month and day, resolved by tense.
    MonthDay(u8, u8),
    /// A full date.
    Full(i32, u8, u8),
}

/// The meaning of a recognised expression, before resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sem {
    /// A literal value of a type (`PRESENT_REF`, `P1D` for "daily").
    Lit(&'static str, TimexType),
    Year(i32),
    /// A decade: "199"; `true` when written with "the" (value `199`, else `199X`).
    Decade(i32, bool),
    Century(i32),
    MonthY(i32, u8),
    /// A month without year: the tense picks the year.
    MonthT(u8),
    /// "last May" (-1), "this May" (0), "next May" (1).
    MonthRel(u8, i8),
    /// "June last year": the month in the document year plus n.
    MonthYearRel(u8, i32),
    DayY(i32, u8, u8),
    /// A month and day without year: the tense picks the year.
    DayT(u8, u8),
    /// A weekday: shift 0 by tense, -1 last, 1 next, 2 this week's; with a part of day.
    Weekday(u8, i8, Option<u8>),
    /// The document date plus n days, with a part of day.
    Deictic(i64, Option<u8>),
    /// The unit containing the document date, shifted by n units ("last week").
    UnitRel(Unit, i64),
    /// n units before the document date ("two years ago"); `None` is "years ago".
    Ago(Unit, Option<u32>),
    /// n units after the last date of the text ("two days later", "the same day").
    Anaph(Unit, i64),
    /// "year-earlier", "the year-ago quarter": the last period a year back.
    YearAgoRef,
    /// A season: year, season, relation (0 plain, -1 last, 1 next).
    Season(Option<i32>, u8, i8),
    Quarter(Option<i32>, u8),
    /// "the quarter", "the latest quarter": the last quarter mentioned, else the last one.
    QuarterRef,
    Half(Option<i32>, u8),
    /// A quarter of a year named by number ("the 1988 period"): the quarter from context.
    QuarterY(i32),
    /// "this year's third quarter" (0), "last year's quarter" (-1): year shift, quarter.
    QuarterYR(i8, Option<u8>),
    /// Thanksgiving (fourth Thursday of November): 0 by tense, -1 last, 1 next.
    Thanksgiving(i8),
    /// The weekend: 0 by tense, -1 last, 1 next.
    Weekend(i8),
    /// A duration: amount (`None` unknown) and unit.
    Dur(Option<u32>, Unit),
    /// A duration of n and a half units ("2 1/2 years").
    DurHalf(u32, Unit),
    SetWeekday(u8, Option<u8>),
    SetMonth(u8),
    SetUnit(Option<u32>, Unit),
    /// A clock time: hour (0–24), minute, day.
    Clock(u8, u8, DaySel),
}

/// A resolved date-like value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
    Day(Date),
    Month(i32, u8),
    Year(i32),
    Quarter(i32, u8),
    Half(i32, u8),
    Season(i32, u8),
    Week(i32, u8),
    Weekend(i32, u8),
    Decade(i32),
    Century(i32),
    DayPart(Date, u8),
    Clock(Date, u8, u8),
}

impl Val {
    fn day(self) -> Option<Date> {
        match self {
            Val::Day(d) | Val::DayPart(d, _) | Val::Clock(d, _, _) => Some(d),
            _ => None,
        }
    }

    /// The TIMEX3 value; `known` is false when the year is not known (`XXXX`).
    fn format(self, known: bool) -> Option<String> {
        let v = ValueText::new();
        let v = match self {
            Val::Day(d) => v.date(d, known),
            Val::Month(y, m) => v.year(y, known).text("-").two(m),
            Val::Year(y) => {
                if !known {
                    return None;
                }
                v.year(y, true)
            }
            Val::Quarter(y, q) => v.year(y, known).text("-Q").num(q),
            Val::Half(y, h) => v.year(y, known).text("-H").num(h),
            Val::Season(y, s) => v.year(y, known).text("-").text(SEASONS[usize::from(s & 3)]),
            Val::Week(y, w) => v.year(y, known).text("-W").two(w),
            Val::Weekend(y, w) => v.year(y, known).text("-W").two(w).text("-WE"),
            Val::Decade(d) => return Some(format!("{d:03}")),
            Val::Century(c) => return Some(format!("{c:02}")),
            Val::DayPart(d, p) => v.date(d, known).text("T").text(PARTS[usize::from(p & 3)]),
            Val::Clock(d, h, m) => v.date(d, known).text("T").two(h).text(":").two(m),
        };
        Some(v.0)
    }
}

/// A TIMEX3 value written field by field into one string: the usual fields (a year of
/// four digits, a month or day of two) are written digit by digit, without the
/// formatting machinery and the year's own string, which cost more than the rest of the
/// resolution. Other numbers go through `write!` and give what `format!` gives.
struct ValueText(String);

impl ValueText {
    fn new() -> ValueText {
        ValueText(String::with_capacity(16))
    }

    /// `text` as is.
    fn text(mut self, text: &str) -> ValueText {
        self.0.push_str(text);
        self
    }

    /// A year as `{:04}` formats it, or `XXXX` when it is not known.
    fn year(mut self, y: i32, known: bool) -> ValueText {
        match u32::try_from(y) {
            _ if !known => self.0.push_str("XXXX"),
            Ok(y) if y < 10_000 => self.digits(y, 4),
            _ => write!(self.0, "{y:04}").expect("a String takes any text"),
        }
        self
    }

    /// A number as `{:02}` formats it.
    fn two(self, v: u8) -> ValueText {
        self.at_least(v, 2)
    }

    /// A number as `{}` formats it.
    fn num(self, v: u8) -> ValueText {
        self.at_least(v, 1)
    }

    /// A number in at least `width` digits, zero-padded (`{:0width$}`).
    fn at_least(mut self, v: u8, width: u32) -> ValueText {
        let len = if v >= 100 {
            3
        } else if v >= 10 {
            2
        } else {
            1
        };
        self.digits(u32::from(v), len.max(width));
        self
    }

    /// A day: `2023-02-28`, `XXXX-02-28`.
    fn date(self, d: Date, known: bool) -> ValueText {
        self.year(d.year, known)
            .text("-")
            .two(d.month)
            .text("-")
            .two(d.day)
    }

    /// The last `n` decimal digits of `v`, with leading zeros.
    fn digits(&mut self, v: u32, n: u32) {
        for k in (0..n).rev() {
            let digit = (v / 10u32.pow(k) % 10) as u8;
            self.0.push(char::from(b'0' + digit));
        }
    }
}

/// The largest class buffer a thread keeps between documents (2 MB of classes, the
/// tokens of about 1 MB of text).
const KEEP_CLASSES: usize = 1 << 18;

thread_local! {
    /// The token classes of this thread's last document: their buffers serve the next.
    static CLASSES: Cell<Option<Classes>> = const { Cell::new(None) };
}

/// Runs recognition and resolution over a document whose tokens' word ids point into
/// `lexicon`.
pub(crate) fn run(
    folded: &Folded,
    tokens: &[Token],
    lexicon: &crate::lexicon::Lexicon,
    sentences: &[Sentence],
    anchor: Option<Date>,
    year_known: bool,
) -> Vec<Timex> {
    let f = folded.as_str();
    let mut classes = CLASSES.take().unwrap_or_default();
    classify_all(tokens, f.as_bytes(), lexicon, &mut classes);
    let (lex, starts) = (classes.lex(), &classes.starts);
    let p = Parser {
        f,
        toks: tokens,
        lex,
    };
    let mut r = Resolver {
        dct: anchor.unwrap_or(Date {
            year: 2000,
            month: 1,
            day: 1,
        }),
        has_dct: anchor.is_some(),
        known: anchor.is_some() && year_known,
        last: None,
        last_quarter: None,
    };
    // news text has about one expression per fifty tokens: one allocation, not three
    let mut out = Vec::with_capacity(tokens.len() / 32);
    let mut si = 0;
    // the next token at or after `from` whose class can start an expression (context
    // words and punctuation never do, nor a weak starter before a plain word): the bits
    // spare a branch on every token
    let next_start = |from: usize| -> Option<usize> {
        let mut w = from >> 6;
        let mut bits = *starts.get(w)? & (!0u64 << (from & 63));
        loop {
            if bits != 0 {
                return Some((w << 6) + bits.trailing_zeros() as usize);
            }
            w += 1;
            bits = *starts.get(w)?;
        }
    };
    let mut i = 0;
    while let Some(k) = next_start(i) {
        i = k;
        // (the commonest starters, "the", "a", "that", "at", "this", ..., have their bits
        // only before a temporal word: see `lex::is_weak`)
        let Some((start, end, sem)) = p.parse(i) else {
            i += 1;
            continue;
        };
        let mut end = end.clamp(start + 1, tokens.len());
        let mut start = start;
        // "the next two years or so"
        if p.w(end, W::Or) && p.norm(end + 1) == b"so" {
            end += 2;
        }
        // "the third-quarter loss", "the year-ago results": the article belongs to the noun
        if lex[start] == Lex::W(W::The)
            && end - start >= 2
            && lex[start + 1..end].contains(&Lex::P(b'-'))
            && p.prenominal(end)
        {
            start += 1;
        }
        while si < sentences.len() && sentences[si].last <= start {
            si += 1;
        }
        let tense = match sentences.get(si) {
            // a deadline or target ("extended to Nov. 20", "respond by Oct. 31") lies ahead
            Some(_)
                if matches!(sem, Sem::DayT(..) | Sem::MonthT(_))
                    && start > 0
                    && matches!(p.norm(start - 1), b"by" | b"until" | b"till" | b"to") =>
            {
                Tense::Unknown
            }
            Some(s) if needs_tense(sem) => tense_at(folded, tokens, s, start, end),
            _ => Tense::Unknown,
        };
        let (kind, value) = r.resolve(sem, tense);
        let span = Span::new(tokens[start].span.start, tokens[end - 1].span.end);
        out.push(Timex { span, kind, value });
        i = end;
        // "April 24 and 25": the second day shares the month
        if let Sem::DayT(m, _) | Sem::DayY(_, m, _) = sem
            && matches!(
                lex.get(end),
                Some(Lex::W(W::And | W::Or | W::To) | Lex::P(b'-'))
            )
            && let Some(&Lex::Int(d, 1 | 2)) = lex.get(end + 1)
            && !matches!(
                lex.get(end + 2),
                Some(Lex::Month(..) | Lex::Unit(..) | Lex::P(b'%'))
            )
            && (1..=31).contains(&d)
        {
            let sem2 = match sem {
                Sem::DayY(y, _, _) => Sem::DayY(y, m, d as u8),
                _ => Sem::DayT(m, d as u8),
            };
            let (kind, value) = r.resolve(sem2, tense);
            let t = tokens[end + 1].span;
            out.push(Timex {
                span: t,
                kind,
                value,
            });
            i = end + 2;
        }
    }
    if classes.capacity() <= KEEP_CLASSES {
        CLASSES.set(Some(classes));
    }
    out
}

fn needs_tense(sem: Sem) -> bool {
    matches!(
        sem,
        Sem::MonthT(_)
            | Sem::DayT(..)
            | Sem::Weekday(..)
            | Sem::Weekend(0)
            | Sem::Quarter(None, _)
            | Sem::Thanksgiving(0)
            | Sem::Clock(_, _, DaySel::Weekday(_) | DaySel::MonthDay(..))
    )
}

struct Parser<'a> {
    f: &'a str,
    toks: &'a [Token],
    lex: &'a [Lex],
}

type M = Option<(usize, Sem)>;

impl Parser<'_> {
    #[inline]
    fn l(&self, i: usize) -> Lex {
        self.lex.get(i).copied().unwrap_or(Lex::None)
    }

    #[inline]
    fn w(&self, i: usize, w: W) -> bool {
        self.l(i) == Lex::W(w)
    }

    #[inline]
    fn p(&self, i: usize, c: u8) -> bool {
        self.l(i) == Lex::P(c)
    }

    /// The folded bytes of token `i` (empty past the last token). Bytes, not `str`: the
    /// folded spans lie on char boundaries, and comparing bytes needs no test of them.
    fn norm(&self, i: usize) -> &[u8] {
        self.toks
            .get(i)
            .and_then(|t| self.f.as_bytes().get(t.fold.start..t.fold.end))
            .unwrap_or(b"")
    }

    fn joined(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.joined)
    }

    fn cap(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| matches!(t.shape, Shape::Capitalized | Shape::Upper))
    }

    fn lower(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.shape == Shape::Lower)
    }

    /// Is the token at `i` a noun that an expression before it modifies ("the
    /// third-quarter loss")? A lower-case word that is not a function word or verb form.
    fn prenominal(&self, i: usize) -> bool {
        if !self.lower(i) || self.l(i) != Lex::None {
            return false;
        }
        let w = self.norm(i);
        !(w.ends_with(b"ed")
            || w.ends_with(b"ing")
            || w.ends_with(b"ly")
            || matches!(
                w,
                b"of"
                    | b"on"
                    | b"at"
                    | b"and"
                    | b"but"
                    | b"that"
                    | b"which"
                    | b"when"
                    | b"was"
                    | b"were"
                    | b"is"
                    | b"are"
                    | b"has"
                    | b"had"
                    | b"have"
                    | b"will"
                    | b"would"
                    | b"as"
                    | b"than"
                    | b"with"
                    | b"by"
                    | b"so"
                    | b"because"
                    | b"while"
                    | b"if"
                    | b"it"
                    | b"its"
                    | b"he"
                    | b"she"
                    | b"they"
                    | b"we"
                    | b"there"
                    | b"into"
                    | b"since"
                    | b"until"
                    | b"through"
                    | b"could"
                    | b"should"
                    | b"may"
                    | b"might"
                    | b"can"
                    | b"did"
                    | b"does"
                    | b"do"
                    | b"not"
                    | b"alone"
                    | b"compared"
                    | b"versus"
                    | b"vs"
                    | b"against"
                    | b"amid"
                    | b"during"
                    | b"what"
                    | b"who"
                    | b"where"
                    | b"whose"
                    | b"be"
                    | b"been"
                    | b"said"
                    | b"says"
                    | b"say"
                    | b"i"
                    | b"you"
                    | b"his"
                    | b"her"
                    | b"their"
                    | b"our"
                    | b"my"
                    | b"your"
                    | b"this"
                    | b"these"
                    | b"those"
                    | b"both"
                    | b"all"
                    | b"about"
                    | b"up"
                    | b"down"
                    | b"out"
                    | b"off"
                    | b"over"
                    | b"under"
                    | b"among"
                    | b"per"
                    | b"rose"
                    | b"fell"
                    | b"reported"
                    | b"began"
                    | b"came"
                    | b"saw"
                    | b"ago"
            ))
    }

    /// A joined hyphen at `i`: the index after it, else `i`.
    fn hyphen(&self, i: usize) -> usize {
        if self.p(i, b'-') && self.joined(i) && self.joined(i + 1) {
            i + 1
        } else {
            i
        }
    }

    /// The expression starting at token `i`: (start, end, meaning).
    fn parse(&self, i: usize) -> Option<(usize, usize, Sem)> {
        match self.l(i) {
            Lex::W(W::Early | W::Late | W::Mid) => {
                let j = self.hyphen(i + 1);
                if let Some((e, s)) = self.core(j, true) {
                    return Some((i, e, s));
                }
                None
            }
            Lex::W(W::Earlier | W::Later) => {
                let j = i + 1;
                if self.w(j, W::In)
                    && let Some((e, s)) = self.period_ref(j + 1)
                {
                    return Some((i, e, s));
                }
                match self.l(j) {
                    Lex::W(
                        W::This
                        | W::That
                        | W::Next
                        | W::Last
                        | W::Today
                        | W::Yesterday
                        | W::Tomorrow
                        | W::Tonight,
                    )
                    | Lex::Weekday(_, false) => self.core(j, true).map(|(e, s)| (i, e, s)),
                    _ => None,
                }
            }
            Lex::W(W::End | W::Beginning | W::Middle) if self.w(i + 1, W::Of) => {
                let (e, s) = self.period_ref(i + 2).or_else(|| self.core(i + 2, true))?;
                Some((i, e, s))
            }
            // "about", "almost", "within", "over", "just" stay outside the span
            Lex::W(W::Approx | W::Within | W::More)
                if matches!(
                    self.norm(i),
                    b"about" | b"almost" | b"within" | b"over" | b"just"
                ) =>
            {
                let j = i + 1;
                match self.l(j) {
                    Lex::Int(..) | Lex::NumWord(_) | Lex::W(W::A) | Lex::Clock(..) => {
                        let (e, s) = self.core(j, true)?;
                        match s {
                            Sem::Dur(..) | Sem::Ago(..) | Sem::Anaph(..) | Sem::Clock(..) => {
                                Some((j, e, s))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            // "a year-earlier loss": the article belongs to the noun
            Lex::W(W::A) if self.l(i + 1) == Lex::Unit(Unit::Year, false) => {
                if let Some((e, s)) = self.year_ago(i + 1) {
                    return Some((i + 1, e, s));
                }
                self.core(i, false).map(|(e, s)| (i, e, s))
            }
            _ => self.core(i, false).map(|(e, s)| (i, e, s)),
        }
    }

    /// "the year", "this month", "that week" after "end of", "earlier in".
    fn period_ref(&self, i: usize) -> M {
        match (self.l(i), self.l(i + 1)) {
            (Lex::W(W::The | W::This), Lex::Unit(u, false)) if !matches!(u, Unit::Quarter) => {
                Some((i + 2, Sem::UnitRel(u, 0)))
            }
            (Lex::W(W::That), Lex::Unit(u, false)) => Some((i + 2, Sem::Anaph(u, 0))),
            _ => None,
        }
    }

    /// The core grammar at `i`; `determined` when a determiner or modifier precedes.
    fn core(&self, i: usize, determined: bool) -> M {
        match self.l(i) {
            Lex::Month(m, full) => self.month_expr(i, m, full, determined),
            Lex::Weekday(wd, plural) => self.weekday_expr(i, wd, plural),
            Lex::Int(v, nd) => self.int_expr(i, v, nd),
            Lex::NumWord(_) | Lex::W(W::Few | W::Several | W::Many | W::Couple) => self
                .num_expr(i)
                .or_else(|| self.year_words(i).map(|(e, y)| (e, Sem::Year(y)))),
            Lex::W(W::A) => self.a_expr(i),
            Lex::W(W::Approx | W::More | W::Less | W::At | W::Up | W::Within) => self.quant_expr(i),
            Lex::Ord(_) | Lex::W(W::First) => self.ord_expr(i),
            Lex::W(
                W::Last | W::This | W::Next | W::Coming | W::Past | W::Previous | W::Following,
            ) => self.rel_expr(i),
            Lex::W(W::The) => self.the_expr(i),
            Lex::W(W::Today | W::Tomorrow) if self.norm(i + 1) == b"'s" => None,
            // "VOA Today", "USA Today": a name
            Lex::W(W::Today) if self.cap(i) && i > 0 && self.cap(i - 1) => None,
            Lex::W(W::Today) => self.deictic(i, 0),
            Lex::W(W::Yesterday) => self.deictic(i, -1),
            Lex::W(W::Tomorrow) => self.deictic(i, 1),
            Lex::W(W::Tonight) => Some((i + 1, Sem::Deictic(0, Some(3)))),
            Lex::W(W::Now) => Some((i + 1, Sem::Lit("PRESENT_REF", TimexType::Date))),
            Lex::W(W::Right) if self.w(i + 1, W::Now) => {
                Some((i + 2, Sem::Lit("PRESENT_REF", TimexType::Date)))
            }
            Lex::Ref(r) => Some((
                i + 1,
                Sem::Lit(REFS[usize::from(r) % REFS.len()], TimexType::Date),
            )),
            Lex::SetAdv(s) => {
                // "China Daily", "Weekly Standard": part of a name
                if self.cap(i) && ((i > 0 && self.cap(i - 1)) || self.cap(i + 1)) {
                    return None;
                }
                // "the state daily Global Times": a newspaper
                if self.norm(i) == b"daily" && self.cap(i + 1) {
                    return None;
                }
                // "a quarterly dividend", "average daily volume": an adjective
                if self.lower(i + 1)
                    && !matches!(
                        self.norm(i + 1),
                        b"and"
                            | b"or"
                            | b"but"
                            | b"for"
                            | b"in"
                            | b"on"
                            | b"at"
                            | b"to"
                            | b"since"
                            | b"through"
                            | b"from"
                            | b"until"
                            | b"with"
                            | b"by"
                            | b"over"
                            | b"during"
                            | b"after"
                            | b"before"
                            | b"as"
                            | b"than"
                            | b"if"
                            | b"because"
                    )
                {
                    return None;
                }
                Some((
                    i + 1,
                    Sem::Lit(
                        SET_ADVERBS[usize::from(s) % SET_ADVERBS.len()],
                        TimexType::Set,
                    ),
                ))
            }
            Lex::W(W::Every | W::Each) => self.set_expr(i),
            Lex::W(W::Recent) => match self.l(i + 1) {
                Lex::Unit(u, true) => Some((i + 2, Sem::Dur(None, u))),
                Lex::W(W::Times) => Some((i + 2, Sem::Lit("PAST_REF", TimexType::Date))),
                _ => None,
            },
            Lex::W(W::Current) => match self.l(i + 1) {
                Lex::Unit(u, false) => Some((i + 2, Sem::UnitRel(u, 0))),
                Lex::W(W::Fiscal) if matches!(self.l(i + 2), Lex::Unit(_, false)) => {
                    let Lex::Unit(u, _) = self.l(i + 2) else {
                        return None;
                    };
                    Some((i + 3, Sem::UnitRel(u, 0)))
                }
                _ => Some((i + 1, Sem::Lit("PRESENT_REF", TimexType::Date))),
            },
            Lex::Season(s) => self.season_expr(i, s, 0, determined),
            // "in his 30s" is an age
            Lex::Decade(_)
                if i > 0
                    && matches!(
                        self.norm(i - 1),
                        b"his" | b"her" | b"their" | b"my" | b"your"
                    ) =>
            {
                None
            }
            Lex::Decade(d) => Some((i + 1, Sem::Decade(d, false))),
            Lex::Clock(h, pm) => self.clock_tail(i + 1, to24(h, pm), 0),
            Lex::W(W::Noon) if i > 0 && self.norm(i - 1) == b"high" => None,
            Lex::W(W::Noon) => self.clock_tail(i + 1, 12, 0),
            Lex::W(W::Midnight) => self.clock_tail(i + 1, 24, 0),
            Lex::W(W::Fiscal) => match self.l(i + 1) {
                Lex::Int(v, 4) if (1800..=2100).contains(&v) => Some((i + 2, Sem::Year(v as i32))),
                Lex::Ord(_) | Lex::W(W::First) => self.ord_expr(i + 1),
                _ => None,
            },
            Lex::W(W::Thanksgiving) if self.cap(i) => {
                let e = if self.l(i + 1) == Lex::Unit(Unit::Day, false) {
                    i + 2
                } else {
                    i + 1
                };
                Some((e, Sem::Thanksgiving(0)))
            }
            Lex::W(W::Christmas) => {
                let (e, d) = if self.w(i + 1, W::Eve) {
                    (i + 2, 24)
                } else if self.l(i + 1) == Lex::Unit(Unit::Day, false) {
                    (i + 2, 25)
                } else {
                    (i + 1, 25)
                };
                if !self.cap(i) {
                    return None;
                }
                Some((e, Sem::DayT(12, d)))
            }
            Lex::Unit(u, true) => {
                // "for years", "in months": a vague duration
                if i > 0
                    && matches!(self.l(i - 1), Lex::W(W::For | W::In | W::Within | W::More))
                    && !matches!(u, Unit::Second | Unit::Quarter)
                {
                    Some((i + 1, Sem::Dur(None, u)))
                } else {
                    None
                }
            }
            Lex::Unit(Unit::Year, false) => self.year_ago(i),
            Lex::W(W::That) => match self.l(i + 1) {
                Lex::Unit(u, false)
                    if matches!(
                        u,
                        Unit::Day | Unit::Week | Unit::Month | Unit::Quarter | Unit::Year
                    ) =>
                {
                    Some((i + 2, Sem::Anaph(u, 0)))
                }
                _ => None,
            },
            Lex::W(W::These) if self.l(i + 1) == Lex::Unit(Unit::Day, true) => {
                Some((i + 2, Sem::Lit("PRESENT_REF", TimexType::Date)))
            }
            _ => None,
        }
    }

    /// "year-ago", "year-earlier" (+ "quarter", "period", "third quarter").
    fn year_ago(&self, i: usize) -> M {
        let j = self.hyphen(i + 1);
        // "year-end", "year's end", "by year end"
        if self.w(j, W::End) && !self.w(j + 1, W::Of) {
            let ok = j > i + 1
                || (i > 0
                    && matches!(
                        self.norm(i - 1),
                        b"by" | b"at" | b"since" | b"before" | b"until"
                    ));
            if ok {
                return Some((j + 1, Sem::UnitRel(Unit::Year, 0)));
            }
        }
        if self.norm(i + 1) == b"'s" && self.w(i + 2, W::End) {
            return Some((i + 3, Sem::UnitRel(Unit::Year, 0)));
        }
        if j == i + 1 || !matches!(self.l(j), Lex::W(W::Ago | W::Earlier)) {
            return None;
        }
        // "the year-earlier nine months": a duration
        if let Some((e, n)) = self.number(j + 1)
            && let Lex::Unit(u, true) = self.l(e)
        {
            return Some((e + 1, Sem::Dur(n, u)));
        }
        let mut e = j + 1;
        match self.l(e) {
            Lex::Unit(Unit::Quarter, false) | Lex::W(W::Period) => e += 1,
            Lex::Ord(_) | Lex::W(W::First) => {
                let k = self.hyphen(e + 1);
                if self.l(k) == Lex::Unit(Unit::Quarter, false) {
                    e = k + 1;
                }
            }
            _ => {}
        }
        Some((e, Sem::YearAgoRef))
    }

    /// Is a month name at `i` really a month (not "may", "march" the verbs)?
    fn month_ok(&self, i: usize, m: u8, full: bool, determined: bool) -> bool {
        if !self.cap(i) {
            return false;
        }
        let next_num = matches!(self.l(i + 1), Lex::Int(..) | Lex::Ord(_))
            || (self.p(i + 1, b'.') && matches!(self.l(i + 2), Lex::Int(..)));
        if next_num {
            return true;
        }
        if !full && !self.norm(i).ends_with(b".") {
            // "Jan", "Sept" without a number: too ambiguous
            return matches!(m, 1 | 2 | 8 | 9 | 10 | 11 | 12) && determined;
        }
        if m == 5 || m == 3 {
            // "May", "March" need a preposition or modifier before them
            return determined
                || (i > 0
                    && matches!(
                        self.norm(i - 1),
                        b"in"
                            | b"since"
                            | b"by"
                            | b"until"
                            | b"till"
                            | b"of"
                            | b"during"
                            | b"from"
                            | b"to"
                            | b"through"
                            | b"last"
                            | b"next"
                            | b"this"
                            | b"early"
                            | b"late"
                            | b"mid"
                            | b"-"
                            | b"before"
                            | b"after"
                            | b"and"
                            | b"or"
                            | b"between"
                    ));
        }
        true
    }

    fn month_expr(&self, i: usize, m: u8, full: bool, determined: bool) -> M {
        if !self.month_ok(i, m, full, determined) {
            return None;
        }
        let mut j = i + 1;
        if self.p(j, b'.') && self.joined(j) {
            j += 1;
        }
        // Month Day [, Year]
        let day = match self.l(j) {
            Lex::Int(d, nd) if nd <= 2 && (1..=31).contains(&d) => Some(d as u8),
            Lex::Ord(d) if (1..=31).contains(&d) => Some(d as u8),
            _ => None,
        };
        if let Some(d) = day {
            let mut k = j + 1;
            if self.p(k, b',') {
                k += 1;
            }
            if let Lex::Int(y, 4) = self.l(k)
                && (1000..=2999).contains(&y)
            {
                return Some((k + 1, Sem::DayY(y as i32, m, d)));
            }
            return Some((j + 1, Sem::DayT(m, d)));
        }
        // Month [of|,] Year
        let k = if self.w(j, W::Of) || self.p(j, b',') {
            j + 1
        } else {
            j
        };
        if let Some((e, y)) = self.year_words(k) {
            return Some((e, Sem::MonthY(y, m)));
        }
        if let Lex::Int(y, 4) = self.l(k)
            && (1000..=2999).contains(&y)
        {
            return Some((k + 1, Sem::MonthY(y as i32, m)));
        }
        // Month last/this/next year
        if let Lex::W(w @ (W::Last | W::This | W::Next)) = self.l(j)
            && self.l(j + 1) == Lex::Unit(Unit::Year, false)
        {
            let n = match w {
                W::Last => -1,
                W::Next => 1,
                _ => 0,
            };
            return Some((j + 2, Sem::MonthYearRel(m, n)));
        }
        Some((j.min(i + 1), Sem::MonthT(m)))
    }

    fn weekday_expr(&self, i: usize, wd: u8, plural: bool) -> M {
        if plural {
            if let Lex::Part(p) = self.l(i + 1) {
                return Some((i + 2, Sem::SetWeekday(wd, Some(p))));
            }
            return Some((i + 1, Sem::SetWeekday(wd, None)));
        }
        // Weekday [,] Month Day [, Year]
        let j = if self.p(i + 1, b',') { i + 2 } else { i + 1 };
        if let Lex::Month(m, full) = self.l(j)
            && let Some((e, s @ (Sem::DayT(..) | Sem::DayY(..)))) =
                self.month_expr(j, m, full, true)
        {
            return Some((e, s));
        }
        if let Lex::Part(p) = self.l(i + 1) {
            // "Monday nights" is a set
            if self.norm(i + 1).ends_with(b"s") {
                return Some((i + 2, Sem::SetWeekday(wd, Some(p))));
            }
            return Some((i + 2, Sem::Weekday(wd, 0, Some(p))));
        }
        Some((i + 1, Sem::Weekday(wd, 0, None)))
    }

    fn int_expr(&self, i: usize, v: u32, nd: u8) -> M {
        // YYYY-MM-DD
        if nd == 4
            && self.p(i + 1, b'-')
            && self.joined(i + 1)
            && let (Lex::Int(m, 2), true, Lex::Int(d, 2)) =
                (self.l(i + 2), self.p(i + 3, b'-'), self.l(i + 4))
            && self.joined(i + 2)
            && self.joined(i + 4)
            && Date::new(v as i32, m as u8, d as u8).is_some()
        {
            return Some((i + 5, Sem::DayY(v as i32, m as u8, d as u8)));
        }
        // M/D/YYYY
        if nd <= 2 && self.p(i + 1, b'/') && self.joined(i + 1) {
            if let (Lex::Int(d, dn), true, Lex::Int(y, yn)) =
                (self.l(i + 2), self.p(i + 3, b'/'), self.l(i + 4))
                && dn <= 2
                && (yn == 4 || yn == 2)
                && self.joined(i + 3)
                && self.joined(i + 4)
            {
                let y = if yn == 2 {
                    if y >= 50 { 1900 + y } else { 2000 + y }
                } else {
                    y
                };
                if Date::new(y as i32, v as u8, d as u8).is_some() {
                    return Some((i + 5, Sem::DayY(y as i32, v as u8, d as u8)));
                }
            }
            return None;
        }
        // Day Month [Year]
        if nd <= 2
            && (1..=31).contains(&v)
            && let Lex::Month(m, full) = self.l(i + 1)
            && self.month_ok(i + 1, m, full, true)
        {
            let mut j = i + 2;
            if self.p(j, b'.') && self.joined(j) {
                j += 1;
            }
            let k = if self.p(j, b',') { j + 1 } else { j };
            if let Lex::Int(y, 4) = self.l(k)
                && (1000..=2999).contains(&y)
            {
                return Some((k + 1, Sem::DayY(y as i32, m, v as u8)));
            }
            return Some((j, Sem::DayT(m, v as u8)));
        }
        // clock: 10:35 [a.m.], 5 p.m.
        if nd <= 2 && v <= 24 {
            if self.p(i + 1, b':')
                && self.joined(i + 1)
                && let Lex::Int(mm, 2) = self.l(i + 2)
                && self.joined(i + 2)
                && mm < 60
            {
                let (h, e) = match self.l(i + 3) {
                    Lex::W(W::Am) if v <= 12 => (to24(v as u8, false), i + 4),
                    Lex::W(W::Pm) if v <= 12 => (to24(v as u8, true), i + 4),
                    _ => (v as u8, i + 3),
                };
                return self.clock_tail(e, h, mm as u8);
            }
            if (1..=12).contains(&v) {
                match self.l(i + 1) {
                    Lex::W(W::Am) => return self.clock_tail(i + 2, to24(v as u8, false), 0),
                    Lex::W(W::Pm) => return self.clock_tail(i + 2, to24(v as u8, true), 0),
                    _ => {}
                }
            }
        }
        // durations: "30-year", "14 days"
        if let Some(r) = self.num_expr(i) {
            return Some(r);
        }
        // a year
        if nd == 4 && (1000..=2999).contains(&v) && self.year_ok(i) {
            return Some((i + 1, Sem::Year(v as i32)));
        }
        None
    }

    /// Is a four-digit number at `i` a year (not "2000 troops", "$1990")?
    fn year_ok(&self, i: usize) -> bool {
        let v = match self.l(i) {
            Lex::Int(v, 4) => v,
            _ => return false,
        };
        if !(1800..=2100).contains(&v) {
            return false;
        }
        if i > 0 {
            let p = self.norm(i - 1);
            if matches!(
                p,
                b"$" | b"#" | b"no." | b"number" | b"no" | b"flight" | b"route" | b"page"
            ) || matches!(self.l(i - 1), Lex::Int(..) | Lex::NumWord(_))
                || (self.joined(i) && matches!(p, b"." | b":" | b"/" | b","))
            {
                return false;
            }
        }
        let n = self.norm(i + 1);
        if matches!(
            n,
            b"%" | b"percent" | b"million" | b"billion" | b"thousand" | b"hundred"
        ) {
            return false;
        }
        if self.joined(i + 1)
            && matches!(n, b"." | b":" | b"/")
            && matches!(self.l(i + 2), Lex::Int(..))
        {
            return false;
        }
        if self.lower(i + 1)
            && n.len() > 3
            && n.ends_with(b"s")
            && !n.ends_with(b"ss")
            && !matches!(
                n,
                b"was"
                    | b"has"
                    | b"this"
                    | b"its"
                    | b"his"
                    | b"as"
                    | b"is"
                    | b"levels"
                    | b"figures"
                    | b"results"
                    | b"earnings"
                    | b"sales"
                    | b"profits"
                    | b"versus"
            )
        {
            return false;
        }
        true
    }

    /// A number (digits, words, "a few", "several", "a couple of") at `i`: (end, value).
    fn number(&self, i: usize) -> Option<(usize, Option<u32>)> {
        let (e, n) = self.number1(i)?;
        // "two to three weeks", "12 to 18 months": an unknown amount
        if matches!(self.l(e), Lex::W(W::To | W::Or))
            && matches!(self.l(e + 1), Lex::Int(..) | Lex::NumWord(_))
            && let Some((e2, _)) = self.number1(e + 1)
        {
            return Some((e2, None));
        }
        // "two more weeks", "an additional year"
        if matches!(
            self.norm(e),
            b"more" | b"additional" | b"straight" | b"consecutive" | b"full"
        ) {
            return Some((e + 1, n));
        }
        Some((e, n))
    }

    fn number1(&self, i: usize) -> Option<(usize, Option<u32>)> {
        match self.l(i) {
            // "2 1/2": the half is handled by `half_after`
            Lex::Int(v, nd) if nd <= 4 && self.half_after(i + 1) => Some((i + 4, Some(v))),
            Lex::Int(v, nd) if nd <= 4 => {
                // "2 1/2"
                Some((i + 1, Some(v)))
            }
            Lex::NumWord(a) => {
                if a >= 20 && a % 10 == 0 {
                    let j = self.hyphen(i + 1);
                    if let Lex::NumWord(b) = self.l(j)
                        && b < 10
                    {
                        return Some((j + 1, Some(a + b)));
                    }
                }
                if self.w(i + 1, W::Hundred) {
                    return Some((i + 2, Some(a * 100)));
                }
                Some((i + 1, Some(a)))
            }
            Lex::W(W::A) => match self.l(i + 1) {
                Lex::W(W::Few) => Some((i + 2, None)),
                Lex::W(W::Couple) => {
                    let e = if self.w(i + 2, W::Of) { i + 3 } else { i + 2 };
                    Some((e, Some(2)))
                }
                Lex::W(W::Dozen) => Some((i + 2, Some(12))),
                Lex::W(W::Hundred) => Some((i + 2, Some(100))),
                _ => None,
            },
            Lex::W(W::Few | W::Several | W::Many) => Some((i + 1, None)),
            Lex::W(W::Couple) => {
                let e = if self.w(i + 1, W::Of) { i + 2 } else { i + 1 };
                Some((e, Some(2)))
            }
            _ => None,
        }
    }

    /// "1/2" at `i` (after a whole number).
    fn half_after(&self, i: usize) -> bool {
        self.l(i) == Lex::Int(1, 1)
            && self.p(i + 1, b'/')
            && self.joined(i + 1)
            && self.l(i + 2) == Lex::Int(2, 1)
            && self.joined(i + 2)
    }

    /// NUMBER UNIT [ago | earlier | later | from now]
    fn num_expr(&self, i: usize) -> M {
        let (j0, n) = self.number(i)?;
        let j = self.hyphen(j0);
        let Lex::Unit(u, plural) = self.l(j) else {
            return None;
        };
        // "1988 quarter" is not 1988 quarters
        if !plural && j == j0 && n.is_some_and(|n| n >= 1000) {
            return None;
        }
        // "60 Minutes": a capitalised unit after a lower-case or digit token is a name
        if self.cap(j) && !self.cap(i) {
            return None;
        }
        // ages: "a 44-year-old", "52 years old"
        let k = self.hyphen(j + 1);
        if self.norm(k) == b"old" {
            return None;
        }
        // "three-quarters of"
        if u == Unit::Quarter && self.w(j + 1, W::Of) {
            return None;
        }
        if let Some(n) = n
            && j0 >= i + 4
            && self.half_after(i + 1)
        {
            return Some((j + 1, Sem::DurHalf(n, u)));
        }
        self.unit_tail(j + 1, n, u)
    }

    /// "nineteen ninety-six", "two thousand": a year in words.
    fn year_words(&self, i: usize) -> Option<(usize, i32)> {
        match self.l(i) {
            Lex::NumWord(19) => {
                let Lex::NumWord(t) = self.l(i + 1) else {
                    return None;
                };
                if t < 10 {
                    return None;
                }
                let mut e = i + 2;
                let mut y = 1900 + t as i32;
                if t >= 20 && t % 10 == 0 {
                    let j = self.hyphen(e);
                    if let Lex::NumWord(u) = self.l(j)
                        && u < 10
                    {
                        y += u as i32;
                        e = j + 1;
                    }
                }
                if matches!(self.l(e), Lex::Unit(..)) {
                    return None;
                }
                Some((e, y))
            }
            Lex::NumWord(2)
                if self.norm(i + 1) == b"thousand"
                    && i > 0
                    && (self.l(i - 1) == Lex::Unit(Unit::Year, false)
                        || matches!(self.norm(i - 1), b"in" | b"by" | b"until" | b"since")) =>
            {
                let mut e = i + 2;
                let mut y = 2000;
                let j = if self.w(e, W::And) { e + 1 } else { e };
                if let Lex::NumWord(u) = self.l(j)
                    && u < 20
                {
                    y += u as i32;
                    e = j + 1;
                }
                if matches!(self.l(e), Lex::Unit(..)) {
                    return None;
                }
                Some((e, y))
            }
            _ => None,
        }
    }

    fn unit_tail(&self, k: usize, n: Option<u32>, u: Unit) -> M {
        match self.l(k) {
            Lex::W(W::Ago) => Some((k + 1, Sem::Ago(u, n))),
            // "a year earlier" is a date; "two days later" a duration before "later"
            Lex::W(W::Earlier) if matches!(u, Unit::Year | Unit::Month | Unit::Quarter) => {
                let sign = -1;
                match n {
                    Some(n) => Some((k + 1, Sem::Anaph(u, sign * i64::from(n)))),
                    None => Some((
                        k + 1,
                        Sem::Lit(
                            if sign < 0 { "PAST_REF" } else { "FUTURE_REF" },
                            TimexType::Date,
                        ),
                    )),
                }
            }
            Lex::W(W::From) if self.w(k + 1, W::Now) => match n {
                Some(n) => Some((k + 2, Sem::UnitRel(u, i64::from(n)))),
                None => Some((k + 2, Sem::Lit("FUTURE_REF", TimexType::Date))),
            },
            _ => Some((k, Sem::Dur(n, u))),
        }
    }

    /// "a year", "a year ago", "$5 a year", "a three-day visit".
    fn a_expr(&self, i: usize) -> M {
        if let Some(r) = self.num_expr(i) {
            return Some(r);
        }
        // "an additional year", "a full month"
        if matches!(self.norm(i + 1), b"additional" | b"full" | b"extra")
            && let Lex::Unit(u, false) = self.l(i + 2)
        {
            return Some((i + 3, Sem::Dur(Some(1), u)));
        }
        match self.l(i + 1) {
            Lex::Unit(u, false) => {
                let r = self.unit_tail(i + 2, Some(1), u)?;
                if let (_, Sem::Dur(..)) = r {
                    // "twice a year", "$5 million a year": a rate, not a time
                    let p = if i > 0 { self.norm(i - 1) } else { b"" };
                    if i > 0
                        && (matches!(
                            self.l(i - 1),
                            Lex::Int(..) | Lex::NumWord(_) | Lex::W(W::Times | W::Once | W::Twice)
                        ) || matches!(
                            p,
                            b"%" | b"percent"
                                | b"million"
                                | b"billion"
                                | b"cents"
                                | b"dollars"
                                | b"share"
                                | b"people"
                                | b"units"
                        ))
                    {
                        return None;
                    }
                }
                Some(r)
            }
            _ => None,
        }
    }

    /// "about two years", "more than a decade", "at least 30 days", "up to 180 days".
    fn quant_expr(&self, i: usize) -> M {
        let j = match self.l(i) {
            Lex::W(W::Approx | W::Within) => i + 1,
            Lex::W(W::More | W::Less) if self.w(i + 1, W::Than) => i + 2,
            Lex::W(W::More) => i + 1, // "over"
            Lex::W(W::At) if matches!(self.l(i + 1), Lex::W(W::Least | W::Most)) => i + 2,
            Lex::W(W::Up) if self.w(i + 1, W::To) => i + 2,
            _ => return None,
        };
        match self.l(j) {
            Lex::Int(..) | Lex::NumWord(_) | Lex::W(W::A) | Lex::Clock(..) => {
                let (e, s) = self.core(j, true)?;
                match s {
                    Sem::Dur(..) | Sem::Ago(..) | Sem::Anaph(..) | Sem::Clock(..) => Some((e, s)),
                    _ => None,
                }
            }
            Lex::W(W::Noon | W::Midnight) => self.core(j, true),
            _ => None,
        }
    }

    /// "third quarter", "third-quarter", "first half of 1990", "the 20th century".
    fn ord_expr(&self, i: usize) -> M {
        let n = match self.l(i) {
            Lex::Ord(n) => n,
            Lex::W(W::First) => 1,
            _ => return None,
        };
        let mut j = self.hyphen(i + 1);
        if self.w(j, W::Fiscal) {
            j += 1;
        }
        let (e, sem) = match self.l(j) {
            Lex::Unit(Unit::Quarter, false) if (1..=4).contains(&n) => {
                (j + 1, Sem::Quarter(None, n as u8))
            }
            Lex::W(W::Half) if (1..=2).contains(&n) => (j + 1, Sem::Half(None, n as u8)),
            Lex::Unit(Unit::Century, false) if (1..=30).contains(&n) => {
                return Some((j + 1, Sem::Century(n as i32 - 1)));
            }
            _ => return None,
        };
        // "of 1984", "1984"
        let k = if self.w(e, W::Of) { e + 1 } else { e };
        if let Lex::Int(y, 4) = self.l(k)
            && (1000..=2999).contains(&y)
        {
            let y = Some(y as i32);
            let s = match sem {
                Sem::Quarter(_, q) => Sem::Quarter(y, q),
                Sem::Half(_, h) => Sem::Half(y, h),
                s => s,
            };
            return Some((k + 1, s));
        }
        Some((e, sem))
    }

    /// last/this/next/coming/past/previous/following + unit, weekday, month, season...
    fn rel_expr(&self, i: usize) -> M {
        let mut j = i + 1;
        let mut dir: i8 = match self.l(i) {
            Lex::W(W::Last | W::Past | W::Previous) => -1,
            Lex::W(W::This) => 0,
            _ => 1,
        };
        // "this past spring", "this coming Sunday"
        if dir == 0 {
            match self.l(j) {
                Lex::W(W::Past) => {
                    dir = -1;
                    j += 1;
                }
                Lex::W(W::Coming) => {
                    dir = 1;
                    j += 1;
                }
                _ => {}
            }
        }
        match self.l(j) {
            // "this year's third quarter", "last year's quarter"
            Lex::Unit(Unit::Year, false) if self.norm(j + 1) == b"'s" => match self.l(j + 2) {
                Lex::Ord(_) | Lex::W(W::First) => match self.ord_expr(j + 2)? {
                    (e, Sem::Quarter(None, q)) => Some((e, Sem::QuarterYR(dir, Some(q)))),
                    _ => Some((j + 1, Sem::UnitRel(Unit::Year, i64::from(dir)))),
                },
                Lex::Unit(Unit::Quarter, false) | Lex::W(W::Period) => {
                    Some((j + 3, Sem::QuarterYR(dir, None)))
                }
                _ => Some((j + 1, Sem::UnitRel(Unit::Year, i64::from(dir)))),
            },
            // "the past decade", "this century": a duration
            Lex::Unit(u @ (Unit::Decade | Unit::Century), false) if dir <= 0 => {
                Some((j + 1, Sem::Dur(Some(1), u)))
            }
            Lex::Unit(u, false) => Some((j + 1, Sem::UnitRel(u, i64::from(dir)))),
            Lex::Unit(u, true) if dir == 1 && self.w(i, W::Coming) => {
                Some((j + 1, Sem::Dur(None, u)))
            }
            Lex::W(W::Thanksgiving) => Some((j + 1, Sem::Thanksgiving(dir))),
            Lex::Weekday(wd, false) => {
                let shift = if dir == 0 { 2 } else { dir };
                if let Lex::Part(p) = self.l(j + 1) {
                    return Some((j + 2, Sem::Weekday(wd, shift, Some(p))));
                }
                Some((j + 1, Sem::Weekday(wd, shift, None)))
            }
            Lex::Month(m, full) if self.month_ok(j, m, full, true) => {
                // "last Oct. 23": the date alone is the expression
                let k = if self.p(j + 1, b'.') { j + 2 } else { j + 1 };
                if matches!(self.l(k), Lex::Int(_, 1 | 2) | Lex::Ord(_)) {
                    return None;
                }
                Some((j + 1, Sem::MonthRel(m, dir)))
            }
            Lex::Season(s) => Some((j + 1, Sem::Season(None, s, dir))),
            // "this weekend" is the current week's
            Lex::W(W::Weekend) => Some((j + 1, Sem::Weekend(if dir == 0 { 2 } else { dir }))),
            Lex::Part(p) => match (dir, p) {
                (-1, 3) | (-1, 2) => Some((j + 1, Sem::Deictic(-1, Some(p)))),
                (0, _) => Some((j + 1, Sem::Deictic(0, Some(p)))),
                _ => None,
            },
            Lex::Int(..) | Lex::NumWord(_) | Lex::W(W::Few | W::Several | W::Couple | W::A) => {
                let (e, n) = self.number(j)?;
                let e = self.hyphen(e);
                match self.l(e) {
                    Lex::Unit(u, _) if self.norm(self.hyphen(e + 1)) != b"old" => {
                        Some((e + 1, Sem::Dur(n, u)))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn the_expr(&self, i: usize) -> M {
        let j = i + 1;
        match self.l(j) {
            Lex::W(W::End | W::Beginning | W::Middle) if self.w(j + 1, W::Of) => {
                self.period_ref(j + 2).or_else(|| self.core(j + 2, true))
            }
            Lex::W(W::Early | W::Late | W::Mid) => {
                let k = self.hyphen(j + 1);
                match self.core(k, true)? {
                    (e, Sem::Decade(d, _)) => Some((e, Sem::Decade(d, true))),
                    (e, s @ (Sem::Year(_) | Sem::Century(_))) => Some((e, s)),
                    (e, s @ Sem::Season(..)) => Some((e, s)),
                    _ => None,
                }
            }
            Lex::W(W::Same) => match self.l(j + 1) {
                Lex::Unit(u, false) => Some((j + 2, Sem::Anaph(u, 0))),
                _ => None,
            },
            // "the year two thousand"
            Lex::Unit(Unit::Year, false) if self.year_words(j + 1).is_some() => {
                let (e, y) = self.year_words(j + 1)?;
                Some((e, Sem::Year(y)))
            }
            // "for the year", "of the full year"; "the year ended June 30" is a period
            Lex::Unit(Unit::Year, false)
                if i > 0
                    && matches!(self.l(i - 1), Lex::W(W::For | W::Of | W::In))
                    && self.year_ago(j).is_none() =>
            {
                if matches!(self.norm(j + 1), b"ended" | b"ending") {
                    Some((j + 1, Sem::Dur(Some(1), Unit::Year)))
                } else if self.w(i - 1, W::In) {
                    None
                } else {
                    Some((j + 1, Sem::UnitRel(Unit::Year, 0)))
                }
            }
            // "over the years"
            Lex::Unit(u @ (Unit::Year | Unit::Decade), true)
                if i > 0 && matches!(self.norm(i - 1), b"over" | b"through") =>
            {
                Some((j + 1, Sem::Dur(None, u)))
            }
            // "the weeks ahead"
            Lex::Unit(u, true) if self.w(j + 1, W::Ahead) => Some((j + 2, Sem::Dur(None, u))),
            // "for the week"
            Lex::Unit(Unit::Week, false) if i > 0 && self.w(i - 1, W::For) => {
                Some((j + 1, Sem::UnitRel(Unit::Week, 0)))
            }
            Lex::None
                if self.norm(j) == b"full" && self.l(j + 1) == Lex::Unit(Unit::Year, false) =>
            {
                Some((j + 2, Sem::UnitRel(Unit::Year, 0)))
            }
            Lex::W(W::Next | W::Following | W::Previous | W::Past | W::Last | W::Coming) => {
                let dir: i64 = match self.l(j) {
                    Lex::W(W::Previous | W::Past | W::Last) => -1,
                    _ => 1,
                };
                match self.l(j + 1) {
                    // "the past decade": a duration
                    Lex::Unit(u @ (Unit::Decade | Unit::Century), false) if dir < 0 => {
                        Some((j + 2, Sem::Dur(Some(1), u)))
                    }
                    Lex::Unit(u, false) => {
                        if matches!(self.l(j), Lex::W(W::Next | W::Following | W::Previous)) {
                            Some((j + 2, Sem::Anaph(u, dir)))
                        } else {
                            Some((j + 2, Sem::UnitRel(u, dir)))
                        }
                    }
                    // "the next morning": the day after the last date
                    Lex::Part(_) if matches!(self.l(j), Lex::W(W::Next | W::Following)) => {
                        Some((j + 2, Sem::Anaph(Unit::Day, 1)))
                    }
                    Lex::Unit(u, true) if matches!(self.l(j), Lex::W(W::Coming)) => {
                        Some((j + 2, Sem::Dur(None, u)))
                    }
                    Lex::Weekday(wd, false) => {
                        Some((j + 2, Sem::Weekday(wd, if dir < 0 { -1 } else { 1 }, None)))
                    }
                    Lex::Int(..)
                    | Lex::NumWord(_)
                    | Lex::W(W::Few | W::Several | W::Couple | W::A | W::Many) => {
                        let (e, n) = self.number(j + 1)?;
                        let e = self.hyphen(e);
                        match self.l(e) {
                            Lex::Unit(u, _) => Some((e + 1, Sem::Dur(n, u))),
                            _ => None,
                        }
                    }
                    _ if self.w(j, W::Past) => Some((j + 1, Sem::Lit("PAST_REF", TimexType::Date))),
                    _ => None,
                }
            }
            Lex::W(W::Future) => Some((j + 1, Sem::Lit("FUTURE_REF", TimexType::Date))),
            Lex::W(W::Near) => match self.l(j + 1) {
                Lex::W(W::Future | W::Term) => {
                    Some((j + 2, Sem::Lit("FUTURE_REF", TimexType::Date)))
                }
                _ => None,
            },
            Lex::W(W::First) | Lex::Ord(_) => {
                // "the first nine months", "the first quarter"
                if let Some((e, n)) = self.number(j + 1)
                    && let Lex::Unit(u, true) = self.l(self.hyphen(e))
                {
                    return Some((self.hyphen(e) + 1, Sem::Dur(n, u)));
                }
                self.ord_expr(j)
            }
            Lex::W(W::Fiscal) => match self.l(j + 1) {
                Lex::Ord(_) | Lex::W(W::First) => self.ord_expr(j + 1),
                Lex::Unit(Unit::Year, false) => Some((j + 2, Sem::Dur(Some(1), Unit::Year))),
                _ => None,
            },
            Lex::NumWord(_) | Lex::Int(..) => {
                // "the nine months", "the 1988 third quarter", "the 1990s"
                if let Lex::Int(y, 4) = self.l(j)
                    && (1000..=2999).contains(&y)
                {
                    if let Some((e, Sem::Quarter(None, q))) = self.ord_expr(j + 1) {
                        return Some((e, Sem::Quarter(Some(y as i32), q)));
                    }
                    // "the 1988 period", "the 1989 quarter"
                    if matches!(
                        self.l(j + 1),
                        Lex::Unit(Unit::Quarter, false) | Lex::W(W::Period)
                    ) {
                        return Some((j + 2, Sem::QuarterY(y as i32)));
                    }
                }
                let (e, n) = self.number(j)?;
                let e = self.hyphen(e);
                match self.l(e) {
                    Lex::Unit(u, true) => Some((e + 1, Sem::Dur(n, u))),
                    _ => None,
                }
            }
            Lex::Decade(d) => Some((j + 1, Sem::Decade(d, true))),
            Lex::P(b'\'') => match self.l(j + 1) {
                Lex::Decade(d) => Some((j + 2, Sem::Decade(d, true))),
                _ => None,
            },
            Lex::W(W::Weekend) => Some((j + 1, Sem::Weekend(0))),
            Lex::W(W::Latest) => match self.l(j + 1) {
                Lex::Unit(Unit::Quarter, false) | Lex::W(W::Period) => {
                    Some((j + 2, Sem::QuarterRef))
                }
                Lex::Int(..) | Lex::NumWord(_) => {
                    let (e, n) = self.number(j + 1)?;
                    match self.l(e) {
                        Lex::Unit(u, true) => Some((e + 1, Sem::Dur(n, u))),
                        _ => None,
                    }
                }
                _ => None,
            },
            Lex::W(W::Current) => match self.l(j + 1) {
                Lex::Unit(u, false) => Some((j + 2, Sem::UnitRel(u, 0))),
                Lex::W(W::Fiscal) => match self.l(j + 2) {
                    Lex::Unit(u, false) => Some((j + 3, Sem::UnitRel(u, 0))),
                    _ => None,
                },
                _ => None,
            },
            Lex::Unit(Unit::Quarter, false) if !self.w(j + 1, W::Of) => {
                Some((j + 1, Sem::QuarterRef))
            }
            Lex::Unit(Unit::Year, false) => self.year_ago(j),
            Lex::Season(s) => {
                // "the fall of 1989", but not "the fall of the Wall"
                if s == 2 && self.w(j + 1, W::Of) && !matches!(self.l(j + 2), Lex::Int(_, 4)) {
                    return None;
                }
                self.season_expr(j, s, 0, true)
            }
            _ => None,
        }
    }

    fn season_expr(&self, i: usize, s: u8, dir: i8, determined: bool) -> M {
        let k = if self.w(i + 1, W::Of) || self.p(i + 1, b',') {
            i + 2
        } else {
            i + 1
        };
        if let Lex::Int(y, 4) = self.l(k)
            && (1000..=2999).contains(&y)
        {
            return Some((k + 1, Sem::Season(Some(y as i32), s, 0)));
        }
        if let Some((e, y)) = self.year_words(k) {
            return Some((e, Sem::Season(Some(y), s, 0)));
        }
        if s == 2 && !determined {
            // "fall" the verb
            return None;
        }
        if !determined && i > 0 && !matches!(self.l(i - 1), Lex::W(W::In | W::Of | W::For)) {
            // "spring" as a noun phrase needs a preposition: "in spring"
            return None;
        }
        Some((i + 1, Sem::Season(None, s, dir)))
    }

    fn deictic(&self, i: usize, n: i64) -> M {
        if let Lex::Part(p) = self.l(i + 1)
            && !self.norm(i + 1).ends_with(b"s")
        {
            return Some((i + 2, Sem::Deictic(n, Some(p))));
        }
        Some((i + 1, Sem::Deictic(n, None)))
    }

    /// After a clock time ending before `i`: zone and day ("5 p.m. EST Tuesday").
    fn clock_tail(&self, i: usize, h: u8, m: u8) -> M {
        let mut j = i;
        if self.w(j, W::Zone) {
            j += 1;
        }
        let k = if self.p(j, b',') { j + 1 } else { j };
        let (e, day) = match self.l(k) {
            Lex::W(W::Today) => (k + 1, DaySel::Dct(0)),
            Lex::W(W::Yesterday) => (k + 1, DaySel::Dct(-1)),
            Lex::W(W::Tomorrow) => (k + 1, DaySel::Dct(1)),
            Lex::Weekday(wd, false) => (k + 1, DaySel::Weekday(wd)),
            Lex::Month(mo, full) => match self.month_expr(k, mo, full, true) {
                Some((e, Sem::DayT(m2, d))) => (e, DaySel::MonthDay(m2, d)),
                Some((e, Sem::DayY(y, m2, d))) => (e, DaySel::Full(y, m2, d)),
                _ => (j, DaySel::Dct(0)),
            },
            _ => (j, DaySel::Dct(0)),
        };
        Some((e, Sem::Clock(h, m, day)))
    }

    /// every/each + unit, weekday, month, part of day.
    fn set_expr(&self, i: usize) -> M {
        let mut j = i + 1;
        if self.norm(j) == b"other" {
            j += 1;
        }
        match self.l(j) {
            Lex::Unit(u, false) => {
                Some((j + 1, Sem::SetUnit(Some(if j > i + 1 { 2 } else { 1 }), u)))
            }
            Lex::Weekday(wd, _) => {
                if let Lex::Part(p) = self.l(j + 1) {
                    return Some((j + 2, Sem::SetWeekday(wd, Some(p))));
                }
                Some((j + 1, Sem::SetWeekday(wd, None)))
            }
            Lex::Month(m, true) => Some((j + 1, Sem::SetMonth(m))),
            Lex::Part(p) => Some((
                j + 1,
                Sem::Lit(
                    [
                        "XXXX-XX-XXTMO",
                        "XXXX-XX-XXTAF",
                        "XXXX-XX-XXTEV",
                        "XXXX-XX-XXTNI",
                    ][usize::from(p & 3)],
                    TimexType::Set,
                ),
            )),
            Lex::Int(..) | Lex::NumWord(_) | Lex::W(W::Few) => {
                let (e, n) = self.number(j)?;
                match self.l(e) {
                    Lex::Unit(u, true) => Some((e + 1, Sem::SetUnit(n, u))),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

fn to24(h: u8, pm: bool) -> u8 {
    match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    }
}

/// Resolution state for one document.
struct Resolver {
    dct: Date,
    has_dct: bool,
    known: bool,
    last: Option<Val>,
    last_quarter: Option<(i32, u8)>,
}

enum Out {
    Val(Val, bool),
    Str(String),
    Nothing,
}

fn dur_value(n: Option<u32>, u: Unit) -> String {
    match (n, u) {
        (Some(n), Unit::Decade) => format!("P{}Y", u64::from(n) * 10),
        (Some(n), Unit::Century) => format!("P{}Y", u64::from(n) * 100),
        (None, Unit::Decade) => "PXDE".to_string(),
        (None, Unit::Century) => "PXCE".to_string(),
        (Some(n), Unit::Quarter) => format!("P{}M", u64::from(n) * 3),
        (None, Unit::Quarter) => "PXM".to_string(),
        (n, u) => {
            // (one string: the amount is not formatted into a string of its own)
            let (letter, t) = u.letter();
            let mut s = String::with_capacity(8);
            s.push_str(if t { "PT" } else { "P" });
            match n {
                Some(n) => push_decimal(&mut s, n),
                None => s.push('X'),
            }
            s.push_str(letter);
            s
        }
    }
}

/// Writes `v` in decimal as `{}` formats it: digit by digit, without the formatting
/// machinery (which cost more than the rest of a duration's value).
fn push_decimal(s: &mut String, mut v: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    s.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// The fourth Thursday of November.
fn thanksgiving(year: i32) -> Date {
    let nov1 = Date {
        year,
        month: 11,
        day: 1,
    };
    let first = 1 + (3 - i64::from(nov1.weekday())).rem_euclid(7);
    nov1.add_days(first - 1 + 21)
}

fn shift_quarter(y: i32, q: u8, n: i64) -> (i32, u8) {
    let idx = i64::from(y) * 4 + i64::from(q) - 1 + n;
    let idx = idx.clamp(-4_000_000, 4_000_000);
    (idx.div_euclid(4) as i32, (idx.rem_euclid(4) + 1) as u8)
}

impl Resolver {
    fn resolve(&mut self, sem: Sem, tense: Tense) -> (TimexType, Option<String>) {
        let kind = match sem {
            Sem::Lit(_, t) => t,
            Sem::Dur(..) | Sem::DurHalf(..) => TimexType::Duration,
            Sem::SetWeekday(..) | Sem::SetMonth(_) | Sem::SetUnit(..) => TimexType::Set,
            Sem::Clock(..) | Sem::Deictic(_, Some(_)) | Sem::Weekday(_, _, Some(_)) => {
                TimexType::Time
            }
            _ => TimexType::Date,
        };
        let out = self.value(sem, tense);
        // values computed back from a reference ("a year earlier") do not become one
        let derived = matches!(
            sem,
            Sem::YearAgoRef
                | Sem::Ago(..)
                | Sem::Anaph(Unit::Year | Unit::Quarter, _)
                | Sem::QuarterYR(..)
                | Sem::QuarterY(_)
        );
        let value = match out {
            Out::Val(v, known) => {
                if !derived && !matches!(v, Val::Decade(_) | Val::Century(_)) {
                    self.last = Some(v);
                    if let Val::Quarter(y, q) = v {
                        self.last_quarter = Some((y, q));
                    }
                }
                v.format(known)
            }
            Out::Str(s) => Some(s),
            Out::Nothing => None,
        };
        (kind, value)
    }

    fn rel_known(&self) -> bool {
        self.has_dct && self.known
    }

    fn weekday(&self, wd: u8, shift: i8, tense: Tense) -> Option<Date> {
        if !self.rel_known() {
            return None;
        }
        let d = self.dct;
        let dwd = i64::from(d.weekday());
        let wd = i64::from(wd);
        let back = (dwd - wd).rem_euclid(7);
        let fwd = (wd - dwd).rem_euclid(7);
        Some(match shift {
            -1 => d.add_days(-(if back == 0 { 7 } else { back })),
            1 => d.add_days(if fwd == 0 { 7 } else { fwd }),
            2 => d.add_days(wd - dwd),
            _ => {
                if back == 0 {
                    d
                } else if tense == Tense::Future {
                    d.add_days(fwd)
                } else {
                    d.add_days(-back)
                }
            }
        })
    }

    /// The year of a month and day written without one: the occurrence nearest the
    /// document date, where a past clause pushes away from the future and a future clause
    /// from the past (and an unmarked one slightly from the future).
    fn month_day_year(&self, m: u8, day: u8, tense: Tense) -> i32 {
        let dct = self.dct;
        if (m, day) == (dct.month, dct.day) {
            return dct.year;
        }
        let now = dct.to_days();
        let mut best = (i64::MAX, dct.year);
        for y in [dct.year - 1, dct.year, dct.year + 1] {
            let Some(date) = Date::new(y, m, day.min(super::days_in_month(y, m))) else {
                continue;
            };
            let diff = date.to_days() - now;
            let penalty = match tense {
                Tense::Past if diff > 0 => 300,
                Tense::Future if diff < 0 => 300,
                Tense::Present | Tense::Unknown if diff > 0 => 60,
                _ => 0,
            };
            let cost = diff.abs() + penalty;
            if cost < best.0 {
                best = (cost, y);
            }
        }
        best.1
    }

    fn value(&mut self, sem: Sem, tense: Tense) -> Out {
        let dct = self.dct;
        let k = self.known && self.has_dct;
        if !self.has_dct
            && !matches!(
                sem,
                Sem::Lit(..)
                    | Sem::Year(_)
                    | Sem::Decade(..)
                    | Sem::Century(_)
                    | Sem::MonthY(..)
                    | Sem::DayY(..)
                    | Sem::Dur(..)
                    | Sem::DurHalf(..)
                    | Sem::SetWeekday(..)
                    | Sem::SetMonth(_)
                    | Sem::SetUnit(..)
                    | Sem::Quarter(Some(_), _)
                    | Sem::Half(Some(_), _)
                    | Sem::Season(Some(_), _, _)
                    | Sem::MonthT(_)
                    | Sem::DayT(..)
            )
        {
            return Out::Nothing;
        }
        match sem {
            Sem::Lit(s, _) => Out::Str(s.to_string()),
            Sem::Year(y) => Out::Val(Val::Year(y), true),
            Sem::Decade(d, true) => Out::Val(Val::Decade(d), true),
            Sem::Decade(d, false) => Out::Str(format!("{d:03}X")),
            Sem::Century(c) => Out::Val(Val::Century(c), true),
            Sem::MonthY(y, m) => Out::Val(Val::Month(y, m), true),
            Sem::MonthT(m) => {
                if !self.has_dct {
                    return Out::Val(Val::Month(2000, m), false);
                }
                let y = if m == dct.month {
                    dct.year
                } else {
                    self.month_day_year(m, 15, tense)
                };
                Out::Val(Val::Month(y, m), k)
            }
            Sem::MonthRel(m, dir) => {
                let y = match dir {
                    -1 if m >= dct.month => dct.year - 1,
                    1 if m <= dct.month => dct.year + 1,
                    _ => dct.year,
                };
                Out::Val(Val::Month(y, m), k)
            }
            Sem::MonthYearRel(m, n) => Out::Val(Val::Month(dct.year + n, m), k),
            Sem::DayY(y, m, d) => match Date::new(y, m, d) {
                Some(date) => Out::Val(Val::Day(date), true),
                None => Out::Nothing,
            },
            Sem::DayT(m, d) => {
                if !self.has_dct {
                    return match Date::new(2000, m, d) {
                        Some(date) => Out::Val(Val::Day(date), false),
                        None => Out::Nothing,
                    };
                }
                let y = self.month_day_year(m, d, tense);
                match Date::new(y, m, d).or_else(|| Date::new(2000, m, d)) {
                    Some(date) => Out::Val(Val::Day(date), k),
                    None => Out::Nothing,
                }
            }
            Sem::Weekday(wd, shift, part) => match self.weekday(wd, shift, tense) {
                Some(d) => Out::Val(
                    match part {
                        Some(p) => Val::DayPart(d, p),
                        None => Val::Day(d),
                    },
                    true,
                ),
                None => Out::Nothing,
            },
            Sem::Deictic(n, part) => {
                let d = dct.add_days(n);
                Out::Val(
                    match part {
                        Some(p) => Val::DayPart(d, p),
                        None => Val::Day(d),
                    },
                    k,
                )
            }
            Sem::UnitRel(u, n) => match self.unit_of(dct, u, n) {
                Some(v) => Out::Val(v, k),
                None => Out::Nothing,
            },
            Sem::Ago(u, None) => {
                let _ = u;
                Out::Str("PAST_REF".to_string())
            }
            Sem::Ago(u, Some(n)) => {
                if u == Unit::Year
                    && n == 1
                    && let Some(Val::Quarter(y, q)) = self.last
                {
                    return Out::Val(Val::Quarter(y - 1, q), k);
                }
                match u {
                    Unit::Hour | Unit::Minute | Unit::Second => Out::Val(Val::Day(dct), k),
                    Unit::Decade => Out::Val(Val::Year(dct.year - 10 * n as i32), k),
                    Unit::Century => Out::Val(Val::Year(dct.year - 100 * n as i32), k),
                    _ => match self.unit_of(dct, u, -i64::from(n)) {
                        Some(v) => Out::Val(v, k),
                        None => Out::Nothing,
                    },
                }
            }
            Sem::Anaph(u, n) => self.anaphor(u, n),
            // the period being reported (the last quarter or half named), a year back
            Sem::YearAgoRef => match self.last {
                Some(Val::Quarter(y, q)) => Out::Val(Val::Quarter(y - 1, q), k),
                Some(Val::Half(y, h)) => Out::Val(Val::Half(y - 1, h), k),
                _ => match self.last_quarter {
                    Some((y, q)) => Out::Val(Val::Quarter(y - 1, q), k),
                    None => Out::Val(Val::Year(dct.year - 1), k),
                },
            },
            Sem::Season(Some(y), s, _) => Out::Val(Val::Season(y, s), true),
            Sem::Season(None, s, dir) => {
                let start = [3u8, 6, 9, 12][usize::from(s & 3)];
                let y = match dir {
                    -1 if start + 3 > dct.month => dct.year - 1,
                    1 if start <= dct.month => dct.year + 1,
                    _ => dct.year,
                };
                Out::Val(Val::Season(y, s), k)
            }
            Sem::Quarter(Some(y), q) => Out::Val(Val::Quarter(y, q), true),
            Sem::Quarter(None, q) => {
                // a quarter not begun yet is last year's, unless the clause looks ahead
                let y = if q > dct.quarter() && tense != Tense::Future {
                    dct.year - 1
                } else {
                    dct.year
                };
                Out::Val(Val::Quarter(y, q), k)
            }
            Sem::QuarterY(y) => {
                let (_, q) = self
                    .last_quarter
                    .unwrap_or_else(|| shift_quarter(dct.year, dct.quarter(), -1));
                Out::Val(Val::Quarter(y, q), true)
            }
            Sem::QuarterYR(dir, q) => {
                let q = q.unwrap_or_else(|| {
                    self.last_quarter
                        .unwrap_or_else(|| shift_quarter(dct.year, dct.quarter(), -1))
                        .1
                });
                Out::Val(Val::Quarter(dct.year + i32::from(dir), q), k)
            }
            Sem::Thanksgiving(dir) => {
                let this = thanksgiving(dct.year);
                let y = match dir {
                    -1 if dct > this => dct.year,
                    -1 => dct.year - 1,
                    1 if dct < this => dct.year,
                    1 => dct.year + 1,
                    _ => self.month_day_year(11, 25, tense),
                };
                Out::Val(Val::Day(thanksgiving(y)), k)
            }
            Sem::QuarterRef => {
                let (y, q) = self
                    .last_quarter
                    .unwrap_or_else(|| shift_quarter(dct.year, dct.quarter(), -1));
                Out::Val(Val::Quarter(y, q), k)
            }
            Sem::Half(Some(y), h) => Out::Val(Val::Half(y, h), true),
            Sem::Half(None, h) => Out::Val(Val::Half(dct.year, h), k),
            Sem::Weekend(dir) => {
                if !self.rel_known() {
                    return Out::Nothing;
                }
                let wd = dct.weekday();
                let back = match dir {
                    -1 => true,
                    1 => false,
                    _ => tense != Tense::Future,
                };
                let base = if dir == 2 {
                    dct
                } else if back {
                    if wd >= 5 { dct } else { dct.add_days(-7) }
                } else if wd >= 5 {
                    dct.add_days(7)
                } else {
                    dct
                };
                let (y, w) = base.iso_week();
                Out::Val(Val::Weekend(y, w), true)
            }
            Sem::Dur(n, u) => Out::Str(dur_value(n, u)),
            Sem::DurHalf(n, u) => Out::Str(match u {
                Unit::Year => format!("P{n}Y6M"),
                Unit::Month => format!("P{n}M15D"),
                Unit::Day => format!("P{n}DT12H"),
                Unit::Hour => format!("PT{n}H30M"),
                Unit::Minute => format!("PT{n}M30S"),
                u => dur_value(Some(n), u),
            }),
            Sem::SetWeekday(wd, p) => Out::Str(match p {
                Some(p) => format!("XXXX-WXX-{}T{}", wd + 1, PARTS[usize::from(p & 3)]),
                None => format!("XXXX-WXX-{}", wd + 1),
            }),
            Sem::SetMonth(m) => Out::Str(format!("XXXX-{m:02}")),
            Sem::SetUnit(n, u) => Out::Str(dur_value(n, u)),
            Sem::Clock(h, m, sel) => {
                let day = match sel {
                    DaySel::Dct(n) => Some(dct.add_days(n)),
                    DaySel::Weekday(wd) => self.weekday(wd, 0, tense),
                    DaySel::MonthDay(mo, d) => Date::new(self.month_day_year(mo, d, tense), mo, d),
                    DaySel::Full(y, mo, d) => Date::new(y, mo, d),
                };
                match day {
                    Some(d) => Out::Val(Val::Clock(d, h, m), k || matches!(sel, DaySel::Full(..))),
                    None => Out::Nothing,
                }
            }
        }
    }

    /// The `u` containing `d`, shifted by `n` units.
    fn unit_of(&self, d: Date, u: Unit, n: i64) -> Option<Val> {
        Some(match u {
            Unit::Day => Val::Day(d.add_days(n)),
            Unit::Week => {
                let (y, w) = d.add_days(7 * n).iso_week();
                Val::Week(y, w)
            }
            Unit::Month => {
                let (y, m) = add_month(d.year, d.month, n);
                Val::Month(y, m)
            }
            Unit::Quarter => {
                let (y, q) = shift_quarter(d.year, d.quarter(), n);
                Val::Quarter(y, q)
            }
            Unit::Year => Val::Year(d.year.saturating_add(n.clamp(-100_000, 100_000) as i32)),
            Unit::Decade => Val::Decade(d.year.div_euclid(10) + n.clamp(-10_000, 10_000) as i32),
            Unit::Century => Val::Century(d.year.div_euclid(100) + n.clamp(-1000, 1000) as i32),
            Unit::Hour | Unit::Minute | Unit::Second => return None,
        })
    }

    /// n units after the last date of the text (or the document date).
    fn anaphor(&self, u: Unit, n: i64) -> Out {
        let k = self.known && self.has_dct;
        let base = self.last.unwrap_or(Val::Day(self.dct));
        let v = match (u, base) {
            (Unit::Day | Unit::Week | Unit::Hour | Unit::Minute | Unit::Second, b) => {
                let d = b.day().unwrap_or(self.dct);
                match u {
                    Unit::Week => {
                        let (y, w) = d.add_days(7 * n).iso_week();
                        Val::Week(y, w)
                    }
                    _ => Val::Day(d.add_days(if u == Unit::Day { n } else { 0 })),
                }
            }
            (Unit::Month, Val::Month(y, m)) => {
                let (y, m) = add_month(y, m, n);
                Val::Month(y, m)
            }
            (Unit::Month, b) => {
                let d = b.day().unwrap_or(self.dct);
                let (y, m) = add_month(d.year, d.month, n);
                Val::Month(y, m)
            }
            (Unit::Quarter, Val::Quarter(y, q)) => {
                let (y, q) = shift_quarter(y, q, n);
                Val::Quarter(y, q)
            }
            (Unit::Year, Val::Quarter(y, q)) => Val::Quarter(y + n as i32, q),
            (Unit::Year, Val::Half(y, h)) => Val::Half(y + n as i32, h),
            (Unit::Year, b) => {
                let n = n.clamp(-10_000, 10_000) as i32;
                match b {
                    Val::Month(y, m) => Val::Month(y + n, m),
                    Val::Season(y, s) => Val::Season(y + n, s),
                    Val::Year(y) | Val::Week(y, _) | Val::Weekend(y, _) => Val::Year(y + n),
                    b => {
                        let d = b.day().unwrap_or(self.dct);
                        Val::Day(d.add_months(i64::from(n) * 12))
                    }
                }
            }
            (u, b) => {
                let d = b.day().unwrap_or(self.dct);
                match self.unit_of(d, u, n) {
                    Some(v) => v,
                    None => return Out::Nothing,
                }
            }
        };
        Out::Val(v, k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::tokenize::tokenize;

    fn tag(text: &str, dct: &str) -> Vec<(String, TimexType, Option<String>)> {
        let f = Folded::new(text);
        let (mut t, mut s) = (Vec::new(), Vec::new());
        tokenize(text, &f, &mut t, &mut s);
        let lexicon = Lexicon::without_rules();
        lexicon.mark(f.as_str().as_bytes(), &mut t);
        let anchor = Date::parse(dct);
        run(&f, &t, lexicon, &s, anchor, true)
            .into_iter()
            .map(|x| (x.span.slice(text).to_string(), x.kind, x.value))
            .collect()
    }

    #[test]
    fn values_are_written_as_format_writes_them() {
        // years of every width and sign, fields of one to three digits
        for y in [
            -123_456, -10_000, -999, -5, 0, 7, 99, 999, 2023, 9999, 10_000, 123_456,
        ] {
            for m in [0u8, 1, 9, 10, 12, 99, 100, 255] {
                let d = Date {
                    year: y,
                    month: m,
                    day: m / 2,
                };
                let dd = m / 2;
                let cases = [
                    (Val::Day(d), format!("{y:04}-{m:02}-{dd:02}")),
                    (Val::Month(y, m), format!("{y:04}-{m:02}")),
                    (Val::Year(y), format!("{y:04}")),
                    (Val::Quarter(y, m), format!("{y:04}-Q{m}")),
                    (Val::Half(y, m), format!("{y:04}-H{m}")),
                    (
                        Val::Season(y, m),
                        format!("{y:04}-{}", SEASONS[usize::from(m & 3)]),
                    ),
                    (Val::Week(y, m), format!("{y:04}-W{m:02}")),
                    (Val::Weekend(y, m), format!("{y:04}-W{m:02}-WE")),
                    (Val::Decade(y), format!("{y:03}")),
                    (Val::Century(y), format!("{y:02}")),
                    (
                        Val::DayPart(d, m),
                        format!("{y:04}-{m:02}-{dd:02}T{}", PARTS[usize::from(m & 3)]),
                    ),
                    (
                        Val::Clock(d, m, dd),
                        format!("{y:04}-{m:02}-{dd:02}T{m:02}:{dd:02}"),
                    ),
                ];
                for (v, want) in cases {
                    assert_eq!(v.format(true).as_deref(), Some(want.as_str()), "{v:?}");
                    let unknown = match v {
                        Val::Year(_) => None,
                        Val::Decade(_) | Val::Century(_) => Some(want),
                        _ => Some(want.replacen(&format!("{y:04}"), "XXXX", 1)),
                    };
                    assert_eq!(v.format(false), unknown, "{v:?}");
                }
            }
        }
        let amounts = [0, 1, 3, 9, 10, 12, 99, 100, 101, 999_999_999, 1_000_000_000];
        let amounts = amounts.into_iter().chain([u32::MAX, 4_000_000_000]);
        for n in std::iter::once(None).chain(amounts.map(Some)) {
            for u in [Unit::Second, Unit::Hour, Unit::Day, Unit::Week, Unit::Year] {
                let (letter, t) = u.letter();
                let amount = n.map_or("X".to_string(), |n| n.to_string());
                let want = format!("P{}{amount}{letter}", if t { "T" } else { "" });
                assert_eq!(dur_value(n, u), want);
            }
        }
    }

    fn one(text: &str, dct: &str) -> (String, String) {
        let r = tag(text, dct);
        assert_eq!(r.len(), 1, "{text}: {r:?}");
        (r[0].0.clone(), r[0].2.clone().unwrap_or_default())
    }

    #[test]
    fn seed_sentences() {
        let d = "2023-02-28";
        assert_eq!(
            one("Xi and Lukashenko had met at the summit in September.", d),
            ("September".into(), "2022-09".into())
        );
        assert_eq!(
            one("Beijing unveiled a document on Feb. 24 with a plan.", d),
            ("Feb. 24".into(), "2023-02-24".into())
        );
        assert_eq!(
            one("The ministry said on Monday that ties were strong.", d),
            ("Monday".into(), "2023-02-27".into())
        );
        assert_eq!(
            one("In January 2021, their leaders issued a message.", d),
            ("January 2021".into(), "2021-01".into())
        );
    }

    #[test]
    fn anaphora_and_durations() {
        let r = tag(
            "Talks began on Feb. 24. On the same day, ministers spoke for two hours.",
            "2023-02-28",
        );
        assert_eq!(r[1].0, "the same day");
        assert_eq!(r[1].2.as_deref(), Some("2023-02-24"));
        assert_eq!(r[2].0, "two hours");
        assert_eq!(r[2].2.as_deref(), Some("PT2H"));
    }

    #[test]
    fn never_panics_on_random_word_soup() {
        let vocab = [
            "the",
            "a",
            "last",
            "next",
            "this",
            "early",
            "late",
            "mid",
            "-",
            ",",
            ".",
            "/",
            ":",
            "of",
            "in",
            "for",
            "year",
            "years",
            "week",
            "day",
            "days",
            "quarter",
            "month",
            "ago",
            "earlier",
            "later",
            "Feb.",
            "May",
            "September",
            "Tuesday",
            "Mondays",
            "24",
            "2023",
            "1996",
            "12",
            "1",
            "2",
            "99",
            "999999999",
            "1990s",
            "80s",
            "'",
            "third",
            "first",
            "half",
            "century",
            "20th",
            "every",
            "each",
            "now",
            "today",
            "yesterday",
            "tomorrow",
            "night",
            "morning",
            "a.m.",
            "p.m.",
            "5pm",
            "noon",
            "midnight",
            "EST",
            "fiscal",
            "same",
            "that",
            "end",
            "beginning",
            "two",
            "twenty",
            "four",
            "nineteen",
            "ninety",
            "thousand",
            "few",
            "several",
            "couple",
            "more",
            "than",
            "at",
            "least",
            "up",
            "to",
            "about",
            "within",
            "over",
            "and",
            "or",
            "so",
            "'s",
            "old",
            "Christmas",
            "Thanksgiving",
            "recent",
            "times",
            "current",
            "future",
            "near",
            "term",
            "weekend",
            "latest",
            "period",
            "summer",
            "fall",
            "winter",
            "spring",
            "from",
            "will",
            "had",
        ];
        let mut rng = crate::hash::xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let mut text = String::new();
            let n = 1 + (rng() % 12) as usize;
            for _ in 0..n {
                let seed = rng();
                text.push_str(vocab[(seed % vocab.len() as u64) as usize]);
                if !seed.is_multiple_of(3) {
                    text.push(' ');
                }
            }
            for dct in ["2023-02-28", "2020-02-29", "0001-01-01", "9999-12-31"] {
                let _ = tag(&text, dct);
            }
            let f = Folded::new(&text);
            let (mut t, mut s) = (Vec::new(), Vec::new());
            tokenize(&text, &f, &mut t, &mut s);
            let lexicon = Lexicon::without_rules();
            lexicon.mark(f.as_str().as_bytes(), &mut t);
            let _ = run(&f, &t, lexicon, &s, None, false);
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in [
            "",
            "the",
            "a",
            "the end of",
            "last",
            "12/",
            "1996-",
            "5 p.m",
            "every",
            "Feb.",
            "the year-",
            "9999999999 years",
            "2023-99-99",
            "the 4000th century",
            "éé May 3",
        ] {
            let _ = tag(t, "2023-02-28");
        }
    }
}
