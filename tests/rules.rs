//! Every rule's own examples, through the whole pipeline: `+` sentences must give an event
//! from that rule, `-` sentences must not.

use newsgraph::Extractor;

#[test]
fn every_rule_example_holds() {
    let ex = Extractor::new().unwrap();
    let mut fails = Vec::new();
    let mut checked = 0;
    for rule in ex.rules().rules() {
        assert!(
            rule.examples.iter().any(|e| e.positive),
            "{}: rule {} has no positive example",
            rule.location,
            rule.id
        );
        for e in &rule.examples {
            checked += 1;
            let doc = ex.extract(&e.text).unwrap();
            let fired = doc.events().iter().any(|ev| {
                ev.evidence.rule == rule.id || ev.more_evidence.iter().any(|m| m.rule == rule.id)
            });
            if fired != e.positive {
                let got: Vec<String> = doc
                    .events()
                    .iter()
                    .map(|ev| format!("{} by {}", ev.kind, ev.evidence.rule))
                    .collect();
                fails.push(format!(
                    "{}:{}: rule {} {} {:?} (events: {:?}; entities: {:?})",
                    rule.location.path,
                    e.line,
                    rule.id,
                    if e.positive {
                        "does not match"
                    } else {
                        "matches"
                    },
                    e.text,
                    got,
                    doc.entities()
                        .iter()
                        .map(|x| format!("{}:{}", x.kind, x.name))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(checked >= 40, "only {checked} examples");
    assert!(fails.is_empty(), "\n{}\n", fails.join("\n"));
}
