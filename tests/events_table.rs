//! Table-driven event tests: short news texts written for this repository, each with the
//! events a careful reader gets from it. A row's expectation is a list of
//! `TYPE(participant, participant) status @place` items separated by `;`, or `-` for none.
//! `@place` is optional; participants are canonical names or mentions.

use newsgraph::text::fold_str;
use newsgraph::{Date, Document, Extractor, Role};

/// (text, document date, expected events)
const ROWS: &[(&str, &str, &str)] = &[
    // MEET: verbs
    (
        "Indian Prime Minister Narendra Modi met Japanese Prime Minister Fumio Kishida in Tokyo on Monday.",
        "2023-03-21",
        "MEET(Narendra Modi, Fumio Kishida) occurred @Tokyo",
    ),
    (
        "German Chancellor Olaf Scholz met with Polish President Andrzej Duda in Warsaw.",
        "2023-06-12",
        "MEET(Olaf Scholz, Andrzej Duda) occurred @Warsaw",
    ),
    (
        "Emmanuel Macron and Olaf Scholz held talks in Paris on Sunday.",
        "2023-01-23",
        "MEET(Emmanuel Macron, Olaf Scholz) occurred @Paris",
    ),
    (
        "South African President Cyril Ramaphosa held a meeting with Kenyan President William Ruto in Nairobi.",
        "2023-11-20",
        "MEET(Cyril Ramaphosa, William Ruto) occurred @Nairobi",
    ),
    (
        "Brazilian President Luiz Inacio Lula da Silva sat down with Argentine President Alberto Fernandez in Buenos Aires.",
        "2023-01-24",
        "MEET(Luiz Inacio Lula da Silva, Alberto Fernandez) occurred @Buenos Aires",
    ),
    (
        "Australian Prime Minister Anthony Albanese paid a courtesy call on Indonesian President Joko Widodo.",
        "2022-06-06",
        "MEET(Anthony Albanese, Joko Widodo) occurred",
    ),
    // MEET: hosting and passives give a visit too
    (
        "Turkish President Recep Tayyip Erdogan hosted Ukrainian President Volodymyr Zelensky in Istanbul on Friday.",
        "2023-07-08",
        "MEET(Recep Tayyip Erdogan, Volodymyr Zelensky) occurred @Istanbul; VISIT(Volodymyr Zelensky) occurred @Istanbul",
    ),
    (
        "Saudi Crown Prince Mohammed bin Salman was received by French President Emmanuel Macron at the Elysee Palace.",
        "2023-06-16",
        "MEET(Mohammed bin Salman, Emmanuel Macron) occurred; VISIT(Mohammed bin Salman) occurred",
    ),
    // MEET: nominal forms
    (
        "The meeting between Chinese President Xi Jinping and US President Joe Biden lasted four hours.",
        "2023-11-16",
        "MEET(Xi Jinping, Joe Biden) occurred",
    ),
    (
        "Modi's talks with Australian Prime Minister Anthony Albanese focused on trade.",
        "2023-03-11",
        "MEET(Narendra Modi, Anthony Albanese) occurred",
    ),
    // MEET: lists and coordination
    (
        "Xi Jinping, Vladimir Putin and Narendra Modi met in Kazan.",
        "2024-10-23",
        "MEET(Xi Jinping, Vladimir Putin, Narendra Modi) occurred @Kazan",
    ),
    // MEET: the source of a report after a comma is no participant
    (
        "Putin also held talks with Turkish President Recep Tayyip Erdogan, the Kremlin said.",
        "2022-09-16",
        "MEET(Vladimir Putin, Recep Tayyip Erdogan) occurred",
    ),
    (
        "Blinken met Chinese Foreign Minister Wang Yi in Munich, the State Department said on Saturday.",
        "2023-02-18",
        "MEET(Antony Blinken, Wang Yi) occurred @Munich",
    ),
    (
        "Xi Jinping held talks with Vladimir Putin, Xinhua reported.",
        "2023-03-21",
        "MEET(Xi Jinping, Vladimir Putin) occurred",
    ),
    // MEET: pronoun subject and planned
    (
        "Kishida arrived in Washington on Tuesday, and he will meet US President Joe Biden on Wednesday.",
        "2024-04-09",
        "VISIT(Fumio Kishida) occurred @Washington; MEET(Fumio Kishida, Joe Biden) planned",
    ),
    (
        "Chancellor Olaf Scholz is expected to meet Chinese Premier Li Qiang in Berlin next week.",
        "2023-06-12",
        "MEET(Olaf Scholz, Li Qiang) planned @Berlin",
    ),
    (
        "Albanese is scheduled to meet Xi Jinping on the sidelines of the summit.",
        "2023-11-01",
        "MEET(Anthony Albanese, Xi Jinping) planned",
    ),
    (
        "Putin plans to meet Erdogan in Sochi.",
        "2023-09-01",
        "MEET(Vladimir Putin, Recep Tayyip Erdogan) planned @Sochi",
    ),
    (
        "Lula agreed to meet Zelensky in New York.",
        "2023-09-19",
        "MEET(Luiz Inacio Lula da Silva, Zelensky) planned @New York",
    ),
    // MEET: negated
    (
        "Macron did not meet Putin during the summit.",
        "2022-11-16",
        "MEET(Emmanuel Macron, Vladimir Putin) negated",
    ),
    (
        "Erdogan refused to meet Israeli Prime Minister Benjamin Netanyahu.",
        "2023-11-04",
        "MEET(Recep Tayyip Erdogan, Benjamin Netanyahu) negated",
    ),
    (
        "A planned meeting between Modi and Xi was cancelled.",
        "2023-09-05",
        "MEET(Narendra Modi, Xi Jinping) negated",
    ),
    // CALL
    (
        "US President Joe Biden held a phone call with Chinese President Xi Jinping on Tuesday.",
        "2024-04-03",
        "CALL(Joe Biden, Xi Jinping) occurred",
    ),
    (
        "French President Emmanuel Macron spoke by phone with Russian President Vladimir Putin.",
        "2022-09-11",
        "CALL(Emmanuel Macron, Vladimir Putin) occurred",
    ),
    (
        "Scholz and Macron held a video call on Monday.",
        "2023-03-13",
        "CALL(Olaf Scholz, Emmanuel Macron) occurred",
    ),
    (
        "Erdogan received a phone call from Putin on Sunday.",
        "2023-07-16",
        "CALL(Recep Tayyip Erdogan, Vladimir Putin) occurred",
    ),
    (
        "Xi Jinping and Vladimir Putin exchanged messages on the anniversary.",
        "2023-02-24",
        "CALL(Xi Jinping, Vladimir Putin) occurred",
    ),
    (
        "The foreign ministers Wang Yi and Sergey Lavrov held a telephone conversation.",
        "2023-04-01",
        "CALL(Wang Yi, Sergey Lavrov) occurred",
    ),
    (
        "Biden will hold a phone call with Netanyahu later on Thursday.",
        "2023-10-26",
        "CALL(Joe Biden, Benjamin Netanyahu) planned",
    ),
    // VISIT
    (
        "Chinese President Xi Jinping visited Moscow in March.",
        "2023-04-10",
        "VISIT(Xi Jinping) occurred @Moscow",
    ),
    (
        "Indian Prime Minister Narendra Modi paid a state visit to the United States.",
        "2023-06-24",
        "VISIT(Narendra Modi) occurred @United States",
    ),
    (
        "Japanese Prime Minister Fumio Kishida landed in Kyiv on Tuesday.",
        "2023-03-22",
        "VISIT(Fumio Kishida) occurred @Kyiv",
    ),
    (
        "Emmanuel Macron travelled to Beijing for a three-day state visit.",
        "2023-04-05",
        "VISIT(Emmanuel Macron) occurred @Beijing",
    ),
    (
        "Lula set off for Beijing on Tuesday.",
        "2023-04-12",
        "VISIT(Luiz Inacio Lula da Silva) occurred @Beijing",
    ),
    (
        "Olaf Scholz will travel to India next month.",
        "2023-01-20",
        "VISIT(Olaf Scholz) planned @India",
    ),
    (
        "Albanese's trip to China was postponed.",
        "2023-09-01",
        "VISIT(Anthony Albanese) negated @China",
    ),
    // no event: generic, hypothetical, reported speech without a contact
    (
        "Analysts said peace talks with Ukraine remain unlikely.",
        "2023-06-01",
        "-",
    ),
    (
        "Dialogue between the two countries is needed, the ministry said.",
        "2023-06-01",
        "-",
    ),
    (
        "China and Belarus support peacefully dissolving conflicts.",
        "2023-02-28",
        "-",
    ),
    (
        "The meeting room was renovated last year.",
        "2023-06-01",
        "-",
    ),
    (
        "Beijing and Minsk had strong mutual political trust.",
        "2023-02-27",
        "-",
    ),
    (
        "The company held a conference call with investors.",
        "2023-06-01",
        "-",
    ),
    (
        "Prices walked back their gains on Friday.",
        "2023-06-01",
        "-",
    ),
    // participants: appositions, distributive titles, the two leaders, role anaphora
    (
        "Turkish Foreign Minister Hakan Fidan met his Iranian counterpart Hossein Amir-Abdollahian in Tehran.",
        "2023-11-01",
        "MEET(Hakan Fidan, Hossein Amir-Abdollahian) occurred @Tehran",
    ),
    (
        "The Indian and Chinese foreign ministers Subrahmanyam Jaishankar and Wang Yi held talks in Jakarta.",
        "2023-07-14",
        "MEET(Subrahmanyam Jaishankar, Wang Yi) occurred @Jakarta",
    ),
    (
        "Joe Biden welcomed Anthony Albanese to the White House. The two leaders held talks on submarines.",
        "2023-10-26",
        "MEET(Joe Biden, Anthony Albanese) occurred; VISIT(Anthony Albanese) occurred",
    ),
    (
        "Xi Jinping arrived in Moscow on Monday. The Chinese leader met Vladimir Putin hours later.",
        "2023-03-21",
        "VISIT(Xi Jinping) occurred @Moscow; MEET(Xi Jinping, Vladimir Putin) occurred",
    ),
    (
        "Fumio Kishida and Yoon Suk Yeol met in Tokyo. Both leaders pledged closer ties.",
        "2023-03-17",
        "MEET(Fumio Kishida, Yoon Suk Yeol) occurred @Tokyo",
    ),
    // place: summits placed in another sentence, the sidelines
    (
        "Leaders gathered for the Group of 20 summit in New Delhi. Biden and Modi met on the sidelines of the summit.",
        "2023-09-10",
        "MEET(Joe Biden, Narendra Modi) occurred",
    ),
    (
        "Putin and Xi met on the sidelines of the Shanghai Cooperation Organisation summit in Samarkand.",
        "2022-09-16",
        "MEET(Vladimir Putin, Xi Jinping) occurred @Samarkand",
    ),
    (
        "During the SCO summit in Astana, Erdogan met Putin.",
        "2024-07-04",
        "MEET(Recep Tayyip Erdogan, Vladimir Putin) occurred @Astana",
    ),
    // time
    (
        "Lukashenko will arrive in Beijing on March 1 for a three-day state visit.",
        "2023-02-27",
        "VISIT(Alexander Lukashenko) planned @Beijing",
    ),
    (
        "Macron met Xi in Guangzhou on April 7.",
        "2023-04-10",
        "MEET(Emmanuel Macron, Xi Jinping) occurred @Guangzhou",
    ),
    (
        "Modi and Biden are set to meet at the White House on June 22.",
        "2023-06-01",
        "MEET(Narendra Modi, Joe Biden) planned",
    ),
    // more CALL forms
    (
        "Zelensky spoke with Macron by phone on Saturday.",
        "2023-05-13",
        "CALL(Zelensky, Emmanuel Macron) occurred",
    ),
    (
        "Erdogan phoned Putin to discuss the grain deal.",
        "2023-07-20",
        "CALL(Recep Tayyip Erdogan, Vladimir Putin) occurred",
    ),
    (
        "Lula and Biden held a virtual meeting on climate.",
        "2023-04-20",
        "CALL(Luiz Inacio Lula da Silva, Joe Biden) occurred",
    ),
    (
        "Xi Jinping sent a letter to Kim Jong Un on the anniversary.",
        "2023-07-27",
        "CALL(Xi Jinping, Kim Jong Un) occurred",
    ),
    (
        "The phone call between Scholz and Putin lasted an hour.",
        "2022-12-02",
        "CALL(Olaf Scholz, Vladimir Putin) occurred",
    ),
    (
        "Biden did not speak by phone with Netanyahu on Friday.",
        "2023-10-28",
        "CALL(Joe Biden, Benjamin Netanyahu) negated",
    ),
    // more VISIT forms
    (
        "Chinese Premier Li Qiang headed to Berlin on Sunday.",
        "2023-06-18",
        "VISIT(Li Qiang) occurred @Berlin",
    ),
    (
        "Kishida began a two-day trip to Ukraine.",
        "2023-03-21",
        "VISIT(Fumio Kishida) occurred @Ukraine",
    ),
    (
        "A visit to Moscow by Narendra Modi was announced on Friday.",
        "2024-07-05",
        "VISIT(Narendra Modi) occurred @Moscow",
    ),
    (
        "Albanese arrived at Beijing on Saturday for talks.",
        "2023-11-04",
        "VISIT(Anthony Albanese) occurred @Beijing",
    ),
    (
        "Netanyahu cancelled a trip to Washington.",
        "2024-03-25",
        "VISIT(Benjamin Netanyahu) negated @Washington",
    ),
    (
        "Putin is due to visit Turkey in August.",
        "2023-07-20",
        "VISIT(Vladimir Putin) planned @Turkey",
    ),
    // status words
    (
        "Macron and Scholz will meet in Hamburg next month.",
        "2023-09-01",
        "MEET(Emmanuel Macron, Olaf Scholz) planned @Hamburg",
    ),
    (
        "Erdogan postponed a meeting with Putin.",
        "2023-08-01",
        "MEET(Recep Tayyip Erdogan, Vladimir Putin) negated",
    ),
    (
        "Xi never met Zelensky during the war.",
        "2023-12-01",
        "MEET(Xi Jinping, Zelensky) negated",
    ),
    // merged duplicates: one event, two sentences of evidence
    (
        "Biden met Xi in Woodside on Wednesday. The meeting between Biden and Xi lasted four hours.",
        "2023-11-16",
        "MEET(Joe Biden, Xi Jinping) occurred @Woodside",
    ),
    // no event
    (
        "The summit is expected to discuss trade.",
        "2023-06-01",
        "-",
    ),
    (
        "Relations between Russia and Turkey remain close.",
        "2023-06-01",
        "-",
    ),
    (
        "A meeting of minds is what the sector needs.",
        "2023-06-01",
        "-",
    ),
    ("Visitors to Paris rose by ten percent.", "2023-06-01", "-"),
    ("The ministry called for calm.", "2023-06-01", "-"),
    (
        "Officials said the phone lines were down.",
        "2023-06-01",
        "-",
    ),
    ("He went on to win the election.", "2023-06-01", "-"),
    (
        "Putin said talks were possible if Kyiv accepted new realities.",
        "2023-06-01",
        "-",
    ),
    (
        "China and Russia signed a trade agreement.",
        "2023-06-01",
        "-",
    ),
    (
        "The foreign ministry said Beijing welcomed the proposal.",
        "2023-06-01",
        "-",
    ),
    (
        "Shares traveled higher after the meeting season ended.",
        "2023-06-01",
        "-",
    ),
    (
        "A visit by inspectors is planned, officials said.",
        "2023-06-01",
        "-",
    ),
    (
        "Biden has hosted a series of summits on democracy.",
        "2023-06-01",
        "-",
    ),
];

struct Want {
    kind: String,
    participants: Vec<String>,
    status: String,
    place: Option<String>,
}

fn parse(spec: &str) -> Vec<Want> {
    if spec.trim() == "-" {
        return Vec::new();
    }
    spec.split(';')
        .map(|item| {
            let item = item.trim();
            let (head, rest) = item.split_once(')').expect("TYPE(...)");
            let (kind, parts) = head.split_once('(').expect("TYPE(");
            let mut words = rest.split_whitespace();
            let status = words.next().expect("status").to_string();
            let place = rest.split_once('@').map(|(_, p)| p.trim().to_string());
            Want {
                kind: kind.to_string(),
                participants: parts.split(',').map(|p| p.trim().to_string()).collect(),
                status,
                place,
            }
        })
        .collect()
}

fn ids(doc: &Document, name: &str) -> Vec<usize> {
    let want = fold_str(name);
    doc.entities()
        .iter()
        .filter(|e| {
            fold_str(&e.name) == want || e.mentions.iter().any(|m| fold_str(doc.slice(*m)) == want)
        })
        .map(|e| e.id)
        .collect()
}

#[test]
fn event_table() {
    let ex = Extractor::new().unwrap();
    let mut fails = Vec::new();
    for (text, date, spec) in ROWS {
        let doc = ex.extract_with_date(text, Date::parse(date)).unwrap();
        let wants = parse(spec);
        let describe = || {
            doc.events()
                .iter()
                .map(|e| {
                    let who: Vec<&str> = e
                        .participants()
                        .map(|p| doc.entities()[p].name.as_str())
                        .collect();
                    format!(
                        "{}({}) {} [{}]",
                        e.kind,
                        who.join(", "),
                        e.status.as_str(),
                        e.evidence.rule
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        for w in &wants {
            let part_ids: Vec<Vec<usize>> = w.participants.iter().map(|p| ids(&doc, p)).collect();
            let found = doc.events().iter().find(|e| {
                let ep: Vec<usize> = e.participants().collect();
                e.kind == w.kind
                    && ep.len() == part_ids.len()
                    && part_ids.iter().all(|c| c.iter().any(|i| ep.contains(i)))
            });
            match found {
                None => fails.push(format!(
                    "{text:?}: missing {}({}); got: {}",
                    w.kind,
                    w.participants.join(", "),
                    describe()
                )),
                Some(e) => {
                    if e.status.as_str() != w.status {
                        fails.push(format!(
                            "{text:?}: {} status {} (want {})",
                            w.kind,
                            e.status.as_str(),
                            w.status
                        ));
                    }
                    if let Some(p) = &w.place {
                        let ok = e
                            .arg(Role::Place)
                            .and_then(|a| a.entity)
                            .is_some_and(|x| ids(&doc, p).contains(&x));
                        if !ok {
                            let got = e.arg(Role::Place).map(|a| doc.slice(a.span).to_string());
                            fails.push(format!("{text:?}: {} place {got:?} (want {p})", w.kind));
                        }
                    }
                }
            }
        }
        // nothing beyond what the row names
        let extra = doc.events().len() as i64 - wants.len() as i64;
        if extra > 0 {
            fails.push(format!(
                "{text:?}: {extra} unexpected event(s); got: {}",
                describe()
            ));
        }
    }
    assert!(ROWS.len() >= 80);
    assert!(
        fails.is_empty(),
        "\n{} of {} rows fail:\n{}\n",
        fails.len(),
        ROWS.len(),
        fails.join("\n")
    );
}
