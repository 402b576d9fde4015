//! Criterion benches: one group per stage plus end to end, on the bench corpus at several
//! sizes, and a raw dictionary scan as the yardstick. Inputs and the extractor are built
//! outside the timed loops.
//!
//! ```text
//! cargo bench --bench extract                      # everything
//! cargo bench --bench extract -- 'stage/.*/40x'    # one size
//! cargo bench --bench extract -- startup
//! ```
//!
//! `BenchmarkId`s are `stage/<stage>/<copies>x` with the throughput in bytes, so criterion
//! reports MB/s per stage; `raw-scan` is one unanchored leftmost-longest Aho-Corasick pass
//! over the folded text with every gazetteer form, the cost floor the issue compares with.
//! Sizes 4x and 40x check linearity: the 40x time per byte should match the 4x one.

use std::hint::black_box;
use std::time::Duration;

use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use newsgraph::Extractor;
use newsgraph::extract::StageBench;
use newsgraph::text::Folded;
use newsgraph::time::TimeTagger;
use newsgraph::tokenize::tokenize;

const WIRE: &str = include_str!("texts/wire.txt");

/// The bench text repeated `copies` times, one paragraph break between copies.
fn corpus(copies: usize) -> String {
    let mut s = String::with_capacity(WIRE.len() * copies + copies);
    for _ in 0..copies {
        s.push_str(WIRE);
        s.push('\n');
    }
    s
}

fn stages(c: &mut Criterion) {
    let ex = Extractor::new().expect("default extractor");
    let g = ex.gazetteer();
    let forms: Vec<&str> = (0..g.form_count() as u32).map(|f| g.form(f)).collect();
    let raw = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&forms)
        .expect("raw scan automaton");
    let time = TimeTagger::new();
    for copies in [1usize, 4, 40] {
        let text = corpus(copies);
        let size = format!("{copies}x");
        let mut grp = c.benchmark_group("stage");
        grp.throughput(Throughput::Bytes(text.len() as u64))
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .sample_size(20);
        let folded = Folded::new(&text);
        let (mut toks, mut sents) = (Vec::new(), Vec::new());
        tokenize(&text, &folded, &mut toks, &mut sents);
        grp.bench_with_input(BenchmarkId::new("raw-scan", &size), &folded, |b, f| {
            b.iter(|| raw.find_iter(black_box(f.as_str())).count())
        });
        grp.bench_with_input(BenchmarkId::new("fold", &size), &text, |b, t| {
            let mut f = Folded::default();
            b.iter(|| {
                f.refold(black_box(t));
                f.as_str().len()
            })
        });
        grp.bench_with_input(BenchmarkId::new("tokenize", &size), &text, |b, t| {
            let (mut toks, mut sents) = (Vec::new(), Vec::new());
            b.iter(|| {
                tokenize(black_box(t), &folded, &mut toks, &mut sents);
                toks.len()
            })
        });
        grp.bench_with_input(BenchmarkId::new("gazetteer", &size), &text, |b, _| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                for s in &sents {
                    g.find_in(&folded, &toks, s.tokens(), &mut out);
                }
                out.len()
            })
        });
        let st = StageBench::new(&ex, &text);
        for stage in ["recognize", "corefer", "events"] {
            st.with_stage(stage, |run| {
                grp.bench_function(BenchmarkId::new(stage, &size), |b| b.iter(&mut *run));
            });
        }
        grp.bench_with_input(BenchmarkId::new("time", &size), &text, |b, t| {
            b.iter(|| time.find(black_box(t), &folded, &toks, &sents, None).len())
        });
        let doc = ex.extract(&text).expect("bench text");
        assert!(!doc.entities().is_empty() && !doc.events().is_empty());
        grp.bench_with_input(BenchmarkId::new("serialise", &size), &doc, |b, d| {
            let mut buf = Vec::with_capacity(1 << 20);
            b.iter(|| {
                buf.clear();
                d.write_json(None, &mut buf).unwrap();
                buf.len()
            })
        });
        grp.bench_with_input(BenchmarkId::new("end-to-end", &size), &text, |b, t| {
            b.iter(|| {
                let doc = ex.extract(black_box(t)).unwrap();
                doc.events().len()
            })
        });
        grp.bench_with_input(BenchmarkId::new("end-to-end+json", &size), &text, |b, t| {
            let mut buf = Vec::with_capacity(1 << 20);
            b.iter(|| {
                buf.clear();
                ex.extract(black_box(t))
                    .unwrap()
                    .write_json(None, &mut buf)
                    .unwrap();
                buf.len()
            })
        });
        grp.finish();
    }
}

/// Many short documents through the batch API, one and two threads.
fn batch(c: &mut Criterion) {
    let ex = Extractor::new().expect("default extractor");
    let docs: Vec<String> = WIRE.split("\n\n").map(str::to_string).collect();
    let docs: Vec<String> = (0..16).flat_map(|_| docs.iter().cloned()).collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut grp = c.benchmark_group("batch");
    grp.throughput(Throughput::Bytes(bytes as u64))
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    for threads in [1usize, 2] {
        grp.bench_with_input(
            BenchmarkId::new("extract_batch", format!("{threads}t")),
            &docs,
            |b, docs| {
                b.iter(|| {
                    ex.extract_batch(docs.iter().map(|d| (d.clone(), None)), threads)
                        .map(|d| d.unwrap().events().len())
                        .sum::<usize>()
                })
            },
        );
    }
    grp.finish();
}

fn startup(c: &mut Criterion) {
    let mut grp = c.benchmark_group("startup");
    grp.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    // a caller's file forces a fresh build of the defaults (Extractor::new is cached)
    grp.bench_function("extractor-with-user-file", |b| {
        b.iter(|| {
            Extractor::builder()
                .gazetteer_source(
                    "user.tsv",
                    "id\ttype\tname\taliases\tattrs\nu:1\tPERSON\tAda Lovelace\t\t\n",
                )
                .build()
                .unwrap()
        })
    });
    grp.finish();
}

criterion_group!(benches, stages, batch, startup);
criterion_main!(benches);
