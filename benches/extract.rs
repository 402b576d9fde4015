//! Criterion benches: one group per stage plus end to end, on the bench corpus at several
//! sizes. Inputs and the extractor are built outside the timed loops.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use newsgraph::Extractor;
use newsgraph::text::Folded;
use newsgraph::tokenize::tokenize;
use std::hint::black_box;

const WIRE: &str = include_str!("texts/wire.txt");

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
    for copies in [1usize, 16] {
        let text = corpus(copies);
        let size = format!("{}KB", text.len() / 1024);
        let mut g = c.benchmark_group("stage");
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("fold", &size), &text, |b, t| {
            b.iter(|| Folded::new(black_box(t)))
        });
        let folded = Folded::new(&text);
        g.bench_with_input(BenchmarkId::new("tokenize", &size), &text, |b, t| {
            let (mut toks, mut sents) = (Vec::new(), Vec::new());
            b.iter(|| {
                tokenize(black_box(t), &folded, &mut toks, &mut sents);
                toks.len()
            })
        });
        let (mut toks, mut sents) = (Vec::new(), Vec::new());
        tokenize(&text, &folded, &mut toks, &mut sents);
        g.bench_with_input(BenchmarkId::new("gazetteer", &size), &text, |b, _| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                for s in &sents {
                    ex.gazetteer().find_in(&folded, &toks, s.tokens(), &mut out);
                }
                out.len()
            })
        });
        g.bench_with_input(BenchmarkId::new("end-to-end", &size), &text, |b, t| {
            b.iter(|| {
                let doc = ex.extract(black_box(t)).unwrap();
                assert!(!doc.entities().is_empty());
                doc.events().len()
            })
        });
        g.bench_with_input(BenchmarkId::new("end-to-end+json", &size), &text, |b, t| {
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
        g.finish();
    }
}

fn startup(c: &mut Criterion) {
    c.bench_function("startup/extractor-with-user-file", |b| {
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
}

criterion_group!(benches, stages, startup);
criterion_main!(benches);
