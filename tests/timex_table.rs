//! A table of temporal expressions in made-up news sentences: each row is a sentence, the
//! document date (empty: none, so a dateline or nothing anchors it), the expected span as
//! written, its TIMEX3 type and value (`null` where none can be given).
//!
//! The sentences were written for this table; none comes from an evaluation corpus.

use newsgraph::text::Folded;
use newsgraph::time::{Date, TimeTagger, Timex};
use newsgraph::tokenize::tokenize;

type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const T: &str = "2023-02-28"; // a Tuesday

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // full and partial dates
    ("The accord was signed on Feb. 24 in Geneva.", T, "Feb. 24", "DATE", "2023-02-24"),
    ("Officials arrived in Minsk on Feb 28.", T, "Feb 28", "DATE", "2023-02-28"),
    ("The treaty dates from 24 February 2023.", T, "24 February 2023", "DATE", "2023-02-24"),
    ("Elections were held on February 24, 2019.", T, "February 24, 2019", "DATE", "2019-02-24"),
    ("The form was filed on 2/24/2023 by the agency.", T, "2/24/2023", "DATE", "2023-02-24"),
    ("Markets closed early on 1996-08-30 amid turmoil.", T, "1996-08-30", "DATE", "1996-08-30"),
    ("The leaders first spoke on March 3, 2020.", T, "March 3, 2020", "DATE", "2020-03-03"),
    ("A ceasefire began on 5 May 2022.", T, "5 May 2022", "DATE", "2022-05-05"),
    ("Parliament reconvenes on March 14.", T, "March 14", "DATE", "2023-03-14"),
    ("The deal was struck on Dec. 12.", T, "Dec. 12", "DATE", "2022-12-12"),
    ("Talks will resume on Jan. 9.", T, "Jan. 9", "DATE", "2024-01-09"),
    ("The summit ended Sept. 30, 2022.", T, "Sept. 30, 2022", "DATE", "2022-09-30"),
    ("On Saturday, March 4, the ministers will meet.", T, "Saturday, March 4", "DATE", "2023-03-04"),
    ("The vote is set for Friday, March 3.", T, "Friday, March 3", "DATE", "2023-03-03"),
    ("The ruling came on Aug. 7, 1998.", T, "Aug. 7, 1998", "DATE", "1998-08-07"),
    ("Trading halted on July 4th.", T, "July 4th", "DATE", "2022-07-04"),
    ("The hearings were held on April 24 and 25.", T, "April 24", "DATE", "2022-04-24"),
    ("The hearings were held on April 24 and 25.", T, "25", "DATE", "2022-04-25"),
    ("The plant reopened on 12 Jan after repairs.", T, "12 Jan", "DATE", "2023-01-12"),
    ("Results are due on Nov. 2, 2023.", T, "Nov. 2, 2023", "DATE", "2023-11-02"),
    // months
    ("Xi and Lukashenko had met in September.", T, "September", "DATE", "2022-09"),
    ("The plant will reopen in September.", T, "September", "DATE", "2023-09"),
    ("In January 2021, their leaders issued a message.", T, "January 2021", "DATE", "2021-01"),
    ("The budget was approved in February.", T, "February", "DATE", "2023-02"),
    ("Prices rose sharply last May.", T, "last May", "DATE", "2022-05"),
    ("The bill could pass next March.", T, "next March", "DATE", "2023-03"),
    ("Inflation peaked in October of 2022.", T, "October of 2022", "DATE", "2022-10"),
    ("The strike began in June last year.", T, "June last year", "DATE", "2022-06"),
    ("Sales picked up in mid-November.", T, "mid-November", "DATE", "2022-11"),
    ("The merger closes in early April.", T, "early April", "DATE", "2023-04"),
    ("The company was founded in late 2019.", T, "late 2019", "DATE", "2019"),
    ("Shares slid at the beginning of October.", T, "the beginning of October", "DATE", "2022-10"),
    ("Talks resumed in January this year.", T, "January this year", "DATE", "2023-01"),
    // seasons
    ("The offensive is expected in the spring.", T, "the spring", "DATE", "2023-SP"),
    ("Harvests failed last summer.", T, "last summer", "DATE", "2022-SU"),
    ("A new model arrives this fall.", T, "this fall", "DATE", "2023-FA"),
    ("The talks stalled in the winter of 2021.", T, "the winter of 2021", "DATE", "2021-WI"),
    ("Construction starts next spring.", T, "next spring", "DATE", "2023-SP"),
    ("Floods hit the valley in summer 2019.", T, "summer 2019", "DATE", "2019-SU"),
    // quarters and halves
    ("Profits fell in the third quarter.", T, "the third quarter", "DATE", "2022-Q3"),
    ("Third-quarter earnings beat forecasts.", T, "Third-quarter", "DATE", "2022-Q3"),
    ("Output grew in the first quarter of 2021.", T, "the first quarter of 2021", "DATE", "2021-Q1"),
    ("Revenue will rise in the fourth quarter.", T, "the fourth quarter", "DATE", "2023-Q4"),
    ("The firm posted a loss in the first half of 2022.", T, "the first half of 2022", "DATE", "2022-H1"),
    ("Sales dropped last quarter.", T, "last quarter", "DATE", "2022-Q4"),
    ("Investment will rise next quarter.", T, "next quarter", "DATE", "2023-Q2"),
    ("Fourth-quarter profit rose. The quarter was strong.", T, "The quarter", "DATE", "2022-Q4"),
    // years, decades, centuries
    ("The law passed in 1996.", T, "1996", "DATE", "1996"),
    ("The airport opened in 2021.", T, "2021", "DATE", "2021"),
    ("Unemployment doubled in the 1990s.", T, "the 1990s", "DATE", "199"),
    ("Growth slowed during the early 2000s.", T, "the early 2000s", "DATE", "200"),
    ("Output has fallen since 1989.", T, "1989", "DATE", "1989"),
    ("Fiscal 2022 results were strong.", T, "Fiscal 2022", "DATE", "2022"),
    ("The 20th century brought two world wars.", T, "The 20th century", "DATE", "19"),
    ("Ties go back to the nineties.", T, "the nineties", "DATE", "199"),
    ("The plant opened in nineteen ninety-six.", T, "nineteen ninety-six", "DATE", "1996"),
    ("The two leaders spoke in 2022 and again in 2023.", T, "2023", "DATE", "2023"),
    ("The prices of 1980s computers were high.", T, "1980s", "DATE", "198X"),
    // weekdays
    ("The ministry said on Monday that ties were strong.", T, "Monday", "DATE", "2023-02-27"),
    ("Lukashenko was on Tuesday set to arrive in China.", T, "Tuesday", "DATE", "2023-02-28"),
    ("The president will travel to Warsaw on Thursday.", T, "Thursday", "DATE", "2023-03-02"),
    ("Protesters gathered on Saturday outside the embassy.", T, "Saturday", "DATE", "2023-02-25"),
    ("The envoy is expected to arrive Friday.", T, "Friday", "DATE", "2023-03-03"),
    ("Rescuers found survivors on Sunday.", T, "Sunday", "DATE", "2023-02-26"),
    ("Talks collapsed last Wednesday.", T, "last Wednesday", "DATE", "2023-02-22"),
    ("They will meet next Monday.", T, "next Monday", "DATE", "2023-03-06"),
    ("The vote takes place this Friday.", T, "this Friday", "DATE", "2023-03-03"),
    ("Lukashenko set off on Tuesday morning.", T, "Tuesday morning", "TIME", "2023-02-28TMO"),
    ("Fighting resumed on Sunday night.", T, "Sunday night", "TIME", "2023-02-26TNI"),
    ("Talks ran late on Monday evening.", T, "Monday evening", "TIME", "2023-02-27TEV"),
    ("Markets rallied early Friday.", T, "early Friday", "DATE", "2023-02-24"),
    ("The minister said it would be decided by Thursday.", T, "Thursday", "DATE", "2023-03-02"),
    // today, yesterday, tomorrow, parts of the day
    ("The minister spoke today.", T, "today", "DATE", "2023-02-28"),
    ("Two ships collided yesterday.", T, "yesterday", "DATE", "2023-02-27"),
    ("The results will be published tomorrow.", T, "tomorrow", "DATE", "2023-03-01"),
    ("A storm is expected tonight.", T, "tonight", "TIME", "2023-02-28TNI"),
    ("The blast happened this morning.", T, "this morning", "TIME", "2023-02-28TMO"),
    ("Police arrested him last night.", T, "last night", "TIME", "2023-02-27TNI"),
    ("Talks ended yesterday afternoon.", T, "yesterday afternoon", "TIME", "2023-02-27TAF"),
    ("The plane lands tomorrow evening.", T, "tomorrow evening", "TIME", "2023-03-01TEV"),
    ("Shares slipped late yesterday.", T, "late yesterday", "DATE", "2023-02-27"),
    // last week, next month, this year
    ("The committee met last week.", T, "last week", "DATE", "2023-W08"),
    ("Delegates gather next month.", T, "next month", "DATE", "2023-03"),
    ("The economy grew this year.", T, "this year", "DATE", "2023"),
    ("The company lost money last year.", T, "last year", "DATE", "2022"),
    ("Elections are due next year.", T, "next year", "DATE", "2024"),
    ("Trade rose this month.", T, "this month", "DATE", "2023-02"),
    ("The ceasefire was agreed earlier this year.", T, "earlier this year", "DATE", "2023"),
    ("A decision is due later this month.", T, "later this month", "DATE", "2023-02"),
    ("The plan will be unveiled this week.", T, "this week", "DATE", "2023-W09"),
    ("The firm hired staff last month.", T, "last month", "DATE", "2023-01"),
    ("The envoy returns early next week.", T, "early next week", "DATE", "2023-W10"),
    ("Sales slumped late last year.", T, "late last year", "DATE", "2022"),
    ("The plant will close at the end of 2024.", T, "the end of 2024", "DATE", "2024"),
    ("The deal should close by year-end.", T, "year-end", "DATE", "2023"),
    ("The law takes effect in mid-2024.", T, "mid-2024", "DATE", "2024"),
    ("Stocks fell at the end of the month.", T, "the end of the month", "DATE", "2023-02"),
    ("Unrest grew over the weekend.", T, "the weekend", "DATE", "2023-W08-WE"),
    ("Talks continue this weekend.", T, "this weekend", "DATE", "2023-W09-WE"),
    ("Profits rose 5% for the year.", T, "the year", "DATE", "2023"),
    // vague references
    ("Ties have warmed in recent times.", T, "recent times", "DATE", "PAST_REF"),
    ("Exports have recently recovered.", T, "recently", "DATE", "PAST_REF"),
    ("Beijing is now the largest buyer.", T, "now", "DATE", "PRESENT_REF"),
    ("The mine is currently closed.", T, "currently", "DATE", "PRESENT_REF"),
    ("Such talks were common in the past.", T, "the past", "DATE", "PAST_REF"),
    ("Ties could deepen in the future.", T, "the future", "DATE", "FUTURE_REF"),
    ("Prices may fall in the near future.", T, "the near future", "DATE", "FUTURE_REF"),
    ("Right now the border is shut.", T, "Right now", "DATE", "PRESENT_REF"),
    ("These days few people travel there.", T, "These days", "DATE", "PRESENT_REF"),
    ("Ties may improve in the coming months.", T, "the coming months", "DURATION", "PXM"),
    // anaphora
    ("Talks began on Feb. 24. On the same day, the ministers held a call.", T, "the same day", "DATE", "2023-02-24"),
    ("The delegation arrived on March 1, 2022. The next day it met the premier.", T, "The next day", "DATE", "2022-03-02"),
    ("The fire broke out on Jan. 5. The following day, crews contained it.", T, "The following day", "DATE", "2023-01-06"),
    ("They met in 2019. That year, trade doubled.", T, "That year", "DATE", "2019"),
    ("The minister resigned in 2015. A year earlier, he had been promoted.", T, "A year earlier", "DATE", "2014"),
    ("The storm hit on Oct. 3, 2022. That week, flights were cancelled.", T, "That week", "DATE", "2022-W40"),
    ("The pact was signed on June 2, 2020. On that day, markets rose.", T, "that day", "DATE", "2020-06-02"),
    ("Revenue fell in the second quarter. A year ago, it had grown.", T, "A year ago", "DATE", "2021-Q2"),
    ("Net income rose in the third quarter from the year-earlier period.", T, "the year-earlier period", "DATE", "2021-Q3"),
    // durations
    ("Lukashenko began a three-day visit.", T, "three-day", "DURATION", "P3D"),
    ("The ministers talked for two hours.", T, "two hours", "DURATION", "PT2H"),
    ("The project took a decade.", T, "a decade", "DURATION", "P10Y"),
    ("The trial lasted six months.", T, "six months", "DURATION", "P6M"),
    ("The 30-year bond fell.", T, "30-year", "DURATION", "P30Y"),
    ("He served for 12 years.", T, "12 years", "DURATION", "P12Y"),
    ("Negotiations could take several weeks.", T, "several weeks", "DURATION", "PXW"),
    ("The strike lasted a few days.", T, "a few days", "DURATION", "PXD"),
    ("She waited for 45 minutes.", T, "45 minutes", "DURATION", "PT45M"),
    ("The inspection lasted 2 1/2 days.", T, "2 1/2 days", "DURATION", "P2DT12H"),
    ("The fund grew over the past five years.", T, "the past five years", "DURATION", "P5Y"),
    ("Demand will rise over the next two years.", T, "the next two years", "DURATION", "P2Y"),
    ("Sales rose in the first nine months.", T, "the first nine months", "DURATION", "P9M"),
    ("The region has been unstable for years.", T, "years", "DURATION", "PXY"),
    ("They spent a week in Minsk.", T, "a week", "DURATION", "P1W"),
    ("The talks lasted more than four hours.", T, "more than four hours", "DURATION", "PT4H"),
    ("Repairs could take up to 180 days.", T, "up to 180 days", "DURATION", "P180D"),
    ("The visa is valid for at least 30 days.", T, "at least 30 days", "DURATION", "P30D"),
    ("The rally lasted about two hours.", T, "two hours", "DURATION", "PT2H"),
    ("Inflation is at its highest in recent years.", T, "recent years", "DURATION", "PXY"),
    ("A 24-hour strike began.", T, "24-hour", "DURATION", "PT24H"),
    ("The troops will stay for two more weeks.", T, "two more weeks", "DURATION", "P2W"),
    ("Delivery takes two to three weeks.", T, "two to three weeks", "DURATION", "PXW"),
    ("The talks dragged on for a couple of months.", T, "a couple of months", "DURATION", "P2M"),
    ("Twenty-four hours passed without news.", T, "Twenty-four hours", "DURATION", "PT24H"),
    ("The program ran for two decades.", T, "two decades", "DURATION", "P20Y"),
    ("The visit lasted three days, the ministry said.", T, "three days", "DURATION", "P3D"),
    ("Talks over the past decade failed.", T, "the past decade", "DURATION", "P10Y"),
    ("The lease runs for the next several years.", T, "the next several years", "DURATION", "PXY"),
    ("Markets will stay volatile in the weeks ahead.", T, "the weeks ahead", "DURATION", "PXW"),
    ("The contract was extended for an additional year.", T, "an additional year", "DURATION", "P1Y"),
    ("Rates may rise over the next couple of years.", T, "the next couple of years", "DURATION", "P2Y"),
    ("He was detained on Feb. 20. The next morning he was freed.", T, "The next morning", "DATE", "2023-02-21"),
    // relative phrases
    ("The bomb exploded two days after the summit.", T, "two days", "DURATION", "P2D"),
    ("Inspectors came a week before the summit.", T, "a week", "DURATION", "P1W"),
    ("The company was founded two years ago.", T, "two years ago", "DATE", "2021"),
    ("He left office three months ago.", T, "three months ago", "DATE", "2022-11"),
    ("The bridge collapsed ten days ago.", T, "ten days ago", "DATE", "2023-02-18"),
    ("The law changed a decade ago.", T, "a decade ago", "DATE", "2013"),
    ("The scheme ends two weeks from now.", T, "two weeks from now", "DATE", "2023-W11"),
    ("The firm was listed a year ago.", T, "a year ago", "DATE", "2022"),
    ("The virus appeared some years ago.", T, "some years ago", "DATE", "PAST_REF"),
    ("The crash happened two weeks ago.", T, "two weeks ago", "DATE", "2023-W07"),
    // sets
    ("The council meets every Tuesday.", T, "every Tuesday", "SET", "XXXX-WXX-2"),
    ("The report is published annually.", T, "annually", "SET", "P1Y"),
    ("Prices are reviewed weekly.", T, "weekly", "SET", "P1W"),
    ("Flights leave daily.", T, "daily", "SET", "P1D"),
    ("Dividends are paid quarterly.", T, "quarterly", "SET", "P3M"),
    ("The market opens every day.", T, "every day", "SET", "P1D"),
    ("Inspections happen each month.", T, "each month", "SET", "P1M"),
    ("The festival is held each July.", T, "each July", "SET", "XXXX-07"),
    ("Buses run every 15 minutes.", T, "every 15 minutes", "SET", "PT15M"),
    ("The shop is closed on Sundays.", T, "Sundays", "SET", "XXXX-WXX-7"),
    ("The club meets on Friday nights.", T, "Friday nights", "SET", "XXXX-WXX-5TNI"),
    ("Patrols pass every morning.", T, "every morning", "SET", "XXXX-XX-XXTMO"),
    ("The census is taken every other year.", T, "every other year", "SET", "P2Y"),
    // clock times
    ("The attack began at 10:35 a.m. Friday.", T, "10:35 a.m. Friday", "TIME", "2023-02-24T10:35"),
    ("The meeting starts at 9 a.m.", T, "9 a.m.", "TIME", "2023-02-28T09:00"),
    ("Polls close at 8 p.m. EST tonight.", T, "8 p.m. EST", "TIME", "2023-02-28T20:00"),
    ("Trading resumes at noon.", T, "noon", "TIME", "2023-02-28T12:00"),
    ("The curfew starts at midnight.", T, "midnight", "TIME", "2023-02-28T24:00"),
    ("The ship docked at 14:30 GMT.", T, "14:30 GMT", "TIME", "2023-02-28T14:30"),
    ("The deadline is 5pm tomorrow.", T, "5pm tomorrow", "TIME", "2023-03-01T17:00"),
    ("The offer expires at 5 p.m. on Friday, the bank said.", T, "5 p.m.", "TIME", "2023-02-28T17:00"),
    ("Voting ends at noon Saturday.", T, "noon Saturday", "TIME", "2023-02-25T12:00"),
    // holidays
    ("The family reunited at Christmas.", T, "Christmas", "DATE", "2022-12-25"),
    ("He arrived on Thanksgiving Day.", T, "Thanksgiving Day", "DATE", "2022-11-24"),
    // other document dates
    ("The talks, which opened Monday, went well.", "2019-11-08", "Monday", "DATE", "2019-11-04"),
    ("The court will rule on Friday.", "2019-11-08", "Friday", "DATE", "2019-11-08"),
    ("The court ruled last Friday.", "2019-11-08", "last Friday", "DATE", "2019-11-01"),
    ("The ban was lifted in December.", "2019-01-10", "December", "DATE", "2018-12"),
    ("Shipments restart in March.", "2019-11-20", "March", "DATE", "2020-03"),
    ("The festival was held on Dec. 28.", "2020-01-03", "Dec. 28", "DATE", "2019-12-28"),
    ("Parliament sits again on Jan. 4.", "2019-12-30", "Jan. 4", "DATE", "2020-01-04"),
    ("The company reported a profit last week.", "2021-01-05", "last week", "DATE", "2020-W53"),
    // the dateline as document date
    ("Beijing, Feb 28 (EFE).- The president was on Tuesday set to arrive. In January 2021 ties deepened.", "", "Tuesday", "DATE", "2023-02-28"),
    ("Beijing, Feb 28 (EFE).- The president was on Tuesday set to arrive. In January 2021 ties deepened.", "", "Feb 28", "DATE", "2023-02-28"),
    ("WASHINGTON, March 3 (Reuters) - The talks went on.", "", "March 3", "DATE", "XXXX-03-03"),
    ("WASHINGTON, March 3 (Reuters) - The envoys met on Monday.", "", "Monday", "DATE", "null"),
    ("LONDON 1996-08-30\nShares rose on Thursday.", "", "Thursday", "DATE", "1996-08-29"),
    ("No date at all, but a meeting on Monday.", "", "Monday", "DATE", "null"),
];

/// Sentences with no temporal expression.
const NONE: &[&str] = &[
    "A 44-year-old man was arrested.",
    "The company may sell assets.",
    "Prices fall when demand drops.",
    "He will march to the square.",
    "She paid $1990 for it.",
    "China Daily reported the story.",
    "Chinese state daily Global Times said so in an editorial.",
    "It cost $5 million a year.",
    "The quarterly dividend rose.",
    "Three-quarters of voters agreed.",
    "The Lukashenko government signed a deal with Beijing.",
    "",
];

fn tag(text: &str, dct: &str) -> Vec<Timex> {
    let f = Folded::new(text);
    let (mut toks, mut sents) = (Vec::new(), Vec::new());
    tokenize(text, &f, &mut toks, &mut sents);
    TimeTagger::new().find(text, &f, &toks, &sents, Date::parse(dct))
}

#[test]
fn table() {
    assert!(ROWS.len() >= 150, "{} rows", ROWS.len());
    let mut failures = Vec::new();
    for &(sentence, dct, span, kind, value) in ROWS {
        let found = tag(sentence, dct);
        let got = found
            .iter()
            .find(|t| &sentence[t.span.start..t.span.end] == span);
        let ok = got.is_some_and(|t| {
            t.kind.as_str() == kind && t.value.as_deref().unwrap_or("null") == value
        });
        if !ok {
            let all: Vec<String> = found
                .iter()
                .map(|t| {
                    format!(
                        "[{}] {} {}",
                        &sentence[t.span.start..t.span.end],
                        t.kind.as_str(),
                        t.value.as_deref().unwrap_or("null")
                    )
                })
                .collect();
            failures.push(format!(
                "{sentence:?} ({dct}): want [{span}] {kind} {value}; got {}",
                all.join(", ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[test]
fn no_timex() {
    for s in NONE {
        let found = tag(s, T);
        assert!(
            found.is_empty(),
            "{s:?}: {:?}",
            found
                .iter()
                .map(|t| &s[t.span.start..t.span.end])
                .collect::<Vec<_>>()
        );
    }
}
