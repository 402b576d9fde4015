//! `adversarial`: how extraction time grows with pathological input (`scripts/adversarial.sh`).
//!
//! ```text
//! cargo run --release --example adversarial -- [CASE...] [--size BYTES] [--max-ratio 2.3]
//! ```
//!
//! For each case, builds the input at `BYTES` and at twice that, times
//! `Extractor::extract` on each (best of three runs; the extractor is built once, outside
//! the timing), and prints the time ratio. Exits 1 when a ratio exceeds `--max-ratio`.
//! `--once` runs each case once at `--size` (for profilers). Cases: nospace, xi-and, nested, capitalised, optional-rule, sentences, run-on, summits.

/// mimalloc: the glibc allocator costs this program a fifth of its time (many small
/// strings per document) and returns large blocks to the kernel after every document.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use newsgraph::Extractor;

const CASES: &[&str] = &[
    "nospace",
    "xi-and",
    "nested",
    "capitalised",
    "optional-rule",
    "sentences",
    "run-on",
    "summits",
];

/// The text of a case, about `n` bytes long.
fn input(case: &str, n: usize) -> String {
    match case {
        // one line, one token
        "nospace" => "abcdefghij".repeat(n / 10),
        // "Xi and Xi and ...": one sentence, a mention every other word
        "xi-and" => "Xi and ".repeat(n / 7) + "Putin met Lukashenko.",
        // 100,000 nested quotes and parentheses at 1 MB
        "nested" => {
            let open = "(\"“'[".repeat(n / 14);
            let close = "]'”\")".repeat(n / 14);
            format!("{open}Xi met Putin in Moscow.{close}")
        }
        // one sentence of capitalised words
        "capitalised" => {
            let words = [
                "Alpha",
                "Bravo",
                "Charlie",
                "President",
                "Minister",
                "Xi",
                "Minsk",
                "Ministry",
                "Organization",
                "Putin",
                "Foreign",
                "Affairs",
            ];
            let mut s = String::with_capacity(n + 32);
            let mut i = 0;
            while s.len() < n {
                s.push_str(words[(i * 7 + i / 3) % words.len()]);
                s.push(' ');
                i += 1;
            }
            s + "met Lukashenko."
        }
        // for the rule with many optional parts (see `extractor`)
        "optional-rule" => {
            let mut s = String::from("Xi ");
            for i in 0..40 {
                s.push_str(&format!("w{i} "));
            }
            s.push_str("lunched");
            while s.len() < n {
                s.push_str(" with Putin and w3 w7");
            }
            s + " Lukashenko."
        }
        // many ordinary sentences
        "sentences" => "Xi Jinping met Alexander Lukashenko in Beijing on Tuesday. ".repeat(n / 59),
        // one run-on sentence of meetings with times (was cubic in the event stage)
        "run-on" => "Xi met Putin on Tuesday and ".repeat(n / 28) + "Lukashenko.",
        // one run-on sentence of meetings at a summit
        "summits" => "Xi met Putin at the SCO summit and ".repeat(n / 35) + "Lukashenko.",
        _ => unreachable!("checked in main"),
    }
}

fn extractor(case: &str) -> Extractor {
    let mut b = Extractor::builder();
    b.max_document_bytes(usize::MAX);
    if case == "optional-rule" {
        let mut pattern = String::from("participant:@PERSON");
        for i in 0..40 {
            pattern.push_str(&format!(" ( w{i} )?"));
        }
        pattern.push_str(" trigger:lunched ( ( with | and | , | w3 | w7 )+ participant:@PERSON )*");
        b.rule_source(
            "many.rules",
            &format!("rule many.optional\n  type MEET\n  pattern {pattern}\n"),
        );
    }
    b.build().expect("the extractor builds")
}

fn best_of_three(ex: &Extractor, text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let doc = ex.extract(text).expect("extracts");
            std::hint::black_box(doc);
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let mut cases: Vec<String> = Vec::new();
    let mut size = 1 << 20;
    let mut max_ratio = 2.3f64;
    let mut once = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size" => size = args.next().and_then(|v| v.parse().ok()).unwrap_or(size),
            "--max-ratio" => {
                max_ratio = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(max_ratio)
            }
            // one extraction at --size, for profilers (callgrind counts are noise-free)
            "--once" => once = true,
            c if CASES.contains(&c) => cases.push(c.to_string()),
            other => {
                eprintln!("adversarial: unknown case or option {other:?}; cases: {CASES:?}");
                return ExitCode::from(2);
            }
        }
    }
    if cases.is_empty() {
        cases = CASES.iter().map(|c| c.to_string()).collect();
    }
    if once {
        for case in &cases {
            let (ex, text) = (extractor(case), input(case, size));
            let t = Instant::now();
            std::hint::black_box(ex.extract(&text).expect("extracts"));
            println!(
                "{case:<15} {:>9}  {:>7.3}s",
                text.len(),
                t.elapsed().as_secs_f64()
            );
        }
        return ExitCode::SUCCESS;
    }
    let mut ok = true;
    println!("case            bytes      time      2x bytes   time      ratio");
    for case in &cases {
        let ex = extractor(case);
        let (a, b) = (input(case, size), input(case, 2 * size));
        let (ta, tb) = (best_of_three(&ex, &a), best_of_three(&ex, &b));
        let ratio = tb.as_secs_f64() / ta.as_secs_f64().max(1e-9);
        let verdict = if ratio <= max_ratio { "ok" } else { "TOO SLOW" };
        ok &= ratio <= max_ratio;
        println!(
            "{case:<15} {:>9}  {:>7.3}s  {:>9}  {:>7.3}s  {ratio:>5.2}  {verdict}",
            a.len(),
            ta.as_secs_f64(),
            b.len(),
            tb.as_secs_f64()
        );
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
