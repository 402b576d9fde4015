//! Whole-document golden files: `tests/golden/<name>.txt` with `<name>.json` holding what a
//! careful reader gets from the text (entities, attributes, events), written by hand.

use std::path::Path;

use newsgraph::{Date, Document, Extractor, Role};
use serde_json::Value;

fn entity_ids(doc: &Document, name: &str) -> Vec<usize> {
    doc.entities()
        .iter()
        .filter(|e| e.name == name || e.mentions.iter().any(|m| doc.slice(*m) == name))
        .map(|e| e.id)
        .collect()
}

fn check(name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    let gold: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
            .unwrap();
    let date = gold["date"].as_str().and_then(Date::parse);
    let doc = Extractor::new()
        .unwrap()
        .extract_with_date(&text, date)
        .unwrap();
    let mut fails = Vec::new();
    for e in gold["entities"].as_array().into_iter().flatten() {
        let (ty, n) = (e[0].as_str().unwrap(), e[1].as_str().unwrap());
        let ok = doc.entities().iter().any(|x| {
            x.kind.as_str() == ty && (x.name == n || x.mentions.iter().any(|m| doc.slice(*m) == n))
        });
        if !ok {
            fails.push(format!("{name}: missing entity {ty} {n:?}"));
        }
    }
    for n in gold["not_entities"].as_array().into_iter().flatten() {
        let n = n.as_str().unwrap();
        if !entity_ids(&doc, n).is_empty() {
            fails.push(format!("{name}: unexpected entity {n:?}"));
        }
    }
    for a in gold["attrs"].as_array().into_iter().flatten() {
        let (n, k, v) = (
            a[0].as_str().unwrap(),
            a[1].as_str().unwrap(),
            a[2].as_str().unwrap(),
        );
        let ok = entity_ids(&doc, n)
            .iter()
            .any(|&i| doc.entities()[i].attrs.get(k).is_some_and(|x| x == v));
        if !ok {
            fails.push(format!("{name}: {n:?} lacks {k}={v:?}"));
        }
    }
    for s in gold["same"].as_array().into_iter().flatten() {
        let (a, b) = (
            entity_ids(&doc, s[0].as_str().unwrap()),
            entity_ids(&doc, s[1].as_str().unwrap()),
        );
        if a.is_empty() || !a.iter().any(|x| b.contains(x)) {
            fails.push(format!("{name}: {} and {} are not one entity", s[0], s[1]));
        }
    }
    let mut used = vec![false; doc.events().len()];
    for g in gold["events"].as_array().into_iter().flatten() {
        let ty = g["type"].as_str().unwrap();
        let parts: Vec<Vec<usize>> = g["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| entity_ids(&doc, p.as_str().unwrap()))
            .collect();
        let label = format!("{ty}({})", g["participants"]);
        let cands: Vec<usize> = doc
            .events()
            .iter()
            .enumerate()
            .filter(|(_, ev)| {
                let ep: Vec<usize> = ev.participants().collect();
                ev.kind == ty
                    && ep.len() == parts.len()
                    && parts.iter().all(|ids| ids.iter().any(|i| ep.contains(i)))
            })
            .map(|(i, _)| i)
            .collect();
        let score = |i: usize| {
            let ev = &doc.events()[i];
            let mut s = 0;
            if g["status"].as_str() == Some(ev.status.as_str()) {
                s += 1;
            }
            if let Some(p) = g["place"].as_str() {
                s += ev
                    .arg(Role::Place)
                    .and_then(|a| a.entity)
                    .is_some_and(|e| entity_ids(&doc, p).contains(&e)) as i32;
            }
            if let Some(t) = g["time"].as_str() {
                s += (ev.arg(Role::Time).and_then(|a| a.value.as_deref()) == Some(t)) as i32;
            }
            s
        };
        let Some(&best) = cands.iter().max_by_key(|&&i| score(i)) else {
            fails.push(format!("{name}: missing event {label}"));
            continue;
        };
        for &c in &cands {
            used[c] = true;
        }
        let ev = &doc.events()[best];
        if let Some(st) = g["status"].as_str()
            && ev.status.as_str() != st
        {
            fails.push(format!(
                "{name}: {label} status {} (want {st})",
                ev.status.as_str()
            ));
        }
        if let Some(p) = g["place"].as_str() {
            let got = ev.arg(Role::Place).map(|a| doc.slice(a.span).to_string());
            if !ev
                .arg(Role::Place)
                .and_then(|a| a.entity)
                .is_some_and(|e| entity_ids(&doc, p).contains(&e))
            {
                fails.push(format!("{name}: {label} place {got:?} (want {p})"));
            }
        }
        if let Some(t) = g["time"].as_str() {
            let got = ev.arg(Role::Time).and_then(|a| a.value.clone());
            if got.as_deref() != Some(t) {
                fails.push(format!("{name}: {label} time {got:?} (want {t})"));
            }
        }
    }
    let no_other: Vec<&str> = gold["no_other"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    for (i, ev) in doc.events().iter().enumerate() {
        if !used[i] && no_other.contains(&ev.kind.as_str()) {
            let who: Vec<&str> = ev
                .participants()
                .map(|e| doc.entities()[e].name.as_str())
                .collect();
            fails.push(format!(
                "{name}: unexpected {}({}) from {:?} [{}]",
                ev.kind,
                who.join(", "),
                doc.slice(ev.evidence.span),
                ev.evidence.rule
            ));
        }
    }
    fails
}

macro_rules! golden {
    ($($test:ident => $file:expr),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                let fails = check($file);
                assert!(fails.is_empty(), "\n{}\n", fails.join("\n"));
            }
        )*
    };
}

golden! {
    state_visit => "state-visit",
    phone_calls => "phone-calls",
    sidelines => "sidelines",
    no_events => "no-events",
    unknown_names => "unknown-names",
    passive_nominal => "passive-nominal",
}
