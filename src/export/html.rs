//! One self-contained HTML page: inline CSS, a few lines of inline JavaScript, the graph as
//! inline SVG. No fonts, scripts or images are fetched; a Content-Security-Policy forbids it.
//!
//! * [`document_page`]: the text with entities and times highlighted by type, the events with
//!   their evidence, the document's graph, and the entities.
//! * [`graph_page`]: a corpus graph (the 150 best-connected nodes drawn), its events with
//!   their provenance, its nodes and its documents.
//!
//! **Overlapping and nested spans.** Every annotation (mention, time) gets a *lane*: the
//! lowest lane free at its start, longest first, as in interval-graph colouring. The text is
//! cut at every annotation boundary; each piece lists the annotations covering it and draws
//! one coloured underline per lane at a fixed depth below the text, so an outer span and the
//! spans nested in or overlapping it stay distinguishable. Event evidence is shaded, its
//! trigger bold; hovering an entity, an event or a graph edge highlights the rest.
//!
//! Everything taken from the text or the graph is escaped (`& < > " '`), so a document cannot
//! inject markup or script. Elements carry data attributes for tools and tests:
//! `li.event[data-event][data-type][data-status][data-participants]` (participant names joined
//! by `|`), `g.node[data-node]`, `g.edge[data-edge][data-events]`, text pieces
//! `[data-e]` (entity ids) and `[data-ev]` (event ids). When the page's script has run,
//! `<html>` has `data-ready="1"`; a script error sets `data-js-error`.

use std::collections::HashMap;
use std::f64::consts::PI;
use std::fmt::Write as _;

use super::dot::{edge_label, kind_color};
use super::{escape, escape_into};
use crate::doc::{Document, EntityKind, Role, Status};
use crate::graph::{EventId, Graph, GraphEvent, NodeId};
use crate::span::Span;

/// The most nodes [`graph_page`] draws.
pub const MAX_DRAWN_NODES: usize = 150;
/// The most events [`graph_page`] lists.
pub const MAX_LISTED_EVENTS: usize = 2000;
/// The most nodes [`graph_page`] lists.
pub const MAX_LISTED_NODES: usize = 500;

const TIME_COLOR: &str = "#9c755f";
/// Shown for an event whose participants the rules could not name.
const NO_PARTICIPANT: &str = "(participants not named)";
const LANE_STEP: usize = 4;

/// One annotation of a text.
#[derive(Clone, Debug)]
struct Ann {
    span: Span,
    kind: AnnKind,
    /// Entity or event id for the data attributes.
    id: String,
    /// Tooltip line.
    title: String,
    lane: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AnnKind {
    /// Drawn as an underline in a lane, in this colour.
    Line(&'static str),
    /// Event evidence: shaded.
    Evidence,
    /// Event trigger: bold.
    Trigger,
}

/// Gives every underline annotation a lane (lowest free one, in order of start, longest
/// first); returns the number of lanes.
fn assign_lanes(anns: &mut [Ann]) -> usize {
    let mut order: Vec<usize> = (0..anns.len())
        .filter(|&i| matches!(anns[i].kind, AnnKind::Line(_)))
        .collect();
    order.sort_by_key(|&i| (anns[i].span.start, std::cmp::Reverse(anns[i].span.end)));
    let mut lane_end: Vec<usize> = Vec::new();
    for i in order {
        let s = anns[i].span;
        let lane = match lane_end.iter().position(|&e| e <= s.start) {
            Some(l) => l,
            None => {
                lane_end.push(0);
                lane_end.len() - 1
            }
        };
        lane_end[lane] = s.end;
        anns[i].lane = lane;
    }
    lane_end.len()
}

/// Renders `text[base..base + slice.len()]` (`slice`) with its annotations (absolute spans);
/// `lanes` is the number of underline lanes (fixed for the whole text so depths line up).
fn render_layers(slice: &str, base: usize, anns: &[Ann], lanes: usize, out: &mut String) {
    let end = base + slice.len();
    let ok = |i: usize| i >= base && i <= end && slice.is_char_boundary(i - base);
    let anns: Vec<&Ann> = anns
        .iter()
        .filter(|a| a.span.start < a.span.end && ok(a.span.start) && ok(a.span.end))
        .collect();
    let mut cuts: Vec<usize> = vec![base, end];
    for a in &anns {
        cuts.push(a.span.start);
        cuts.push(a.span.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut by_start: Vec<&Ann> = anns.clone();
    by_start.sort_by_key(|a| a.span.start);
    let mut next = 0;
    let mut active: Vec<&Ann> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        while next < by_start.len() && by_start[next].span.start <= a {
            active.push(by_start[next]);
            next += 1;
        }
        active.retain(|x| x.span.end > a);
        let piece = &slice[a - base..b - base];
        if active.is_empty() {
            escape_into(piece, out);
            continue;
        }
        let mut lines: Vec<&Ann> = active
            .iter()
            .copied()
            .filter(|x| matches!(x.kind, AnnKind::Line(_)))
            .collect();
        lines.sort_by_key(|x| x.lane);
        let evid = active.iter().any(|x| x.kind == AnnKind::Evidence);
        let trig = active.iter().any(|x| x.kind == AnnKind::Trigger);
        out.push_str("<span class=\"seg");
        if evid {
            out.push_str(" ev");
        }
        if trig {
            out.push_str(" trig");
        }
        out.push('"');
        let ents: Vec<&str> = lines
            .iter()
            .filter(|x| !x.id.is_empty())
            .map(|x| x.id.as_str())
            .collect();
        if !ents.is_empty() {
            let _ = write!(out, " data-e=\"{}\"", escape(&ents.join(" ")));
        }
        let mut evs: Vec<&str> = active
            .iter()
            .filter(|x| x.kind != AnnKind::Trigger || !x.id.is_empty())
            .filter(|x| !matches!(x.kind, AnnKind::Line(_)))
            .map(|x| x.id.as_str())
            .collect();
        evs.sort_unstable();
        evs.dedup();
        if !evs.is_empty() {
            let _ = write!(out, " data-ev=\"{}\"", escape(&evs.join(" ")));
        }
        if !lines.is_empty() {
            let imgs: Vec<String> = lines
                .iter()
                .map(|x| {
                    let c = match x.kind {
                        AnnKind::Line(c) => c,
                        _ => "#999",
                    };
                    format!("linear-gradient({c},{c})")
                })
                .collect();
            let sizes = vec!["100% 2px"; lines.len()];
            let pos: Vec<String> = lines
                .iter()
                .map(|x| {
                    format!(
                        "0 calc(100% - {}px)",
                        (lanes.saturating_sub(1).saturating_sub(x.lane)) * LANE_STEP
                    )
                })
                .collect();
            let _ = write!(
                out,
                " style=\"background-image:{};background-size:{};background-position:{}\"",
                imgs.join(","),
                sizes.join(","),
                pos.join(",")
            );
        }
        let titles: Vec<&str> = active
            .iter()
            .filter(|x| !x.title.is_empty())
            .map(|x| x.title.as_str())
            .collect();
        if !titles.is_empty() {
            out.push_str(" title=\"");
            escape_into(&titles.join("\n"), out);
            out.push('"');
        }
        out.push('>');
        escape_into(piece, out);
        out.push_str("</span>");
    }
}

const CSS: &str = r#"
:root{--ink:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f7f8fa;--ev:#fff3c4;--hl:#ffd84d}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
header{padding:14px 24px;background:#1d2330;color:#fff}
header h1{margin:0;font-size:20px;font-weight:600}
header .meta{margin:2px 0 0;color:#c9d1e1;font-size:13px}
main{padding:18px 24px;display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);gap:18px}
main.corpus{grid-template-columns:minmax(0,1fr)}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:0}
section.wide{grid-column:1/-1}
.side{display:flex;flex-direction:column;gap:18px;min-width:0}
.side #graph{order:-1}
h2{font-size:15px;margin:0 0 8px;color:#344054;text-transform:uppercase;letter-spacing:.04em}
.text{white-space:pre-wrap;line-height:2.25;font-size:15px;overflow-wrap:anywhere}
.seg{background-repeat:no-repeat;padding-bottom:calc(var(--lanes,1)*4px)}
.seg.ev{background-color:var(--ev)}
.seg.trig{font-weight:700}
.seg.hl,.hl>.seg{background-color:var(--hl)}
.legend{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 8px;font-size:12px;color:var(--muted)}
.legend span{display:inline-flex;align-items:center;gap:4px}
.legend i{display:inline-block;width:18px;height:3px;border-radius:2px}
.legend i.sw{width:12px;height:12px;border-radius:3px}
ol.events{list-style:none;padding:0;margin:0}
li.event{border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:0 0 8px}
li.event.hl{border-color:#f0b400;background:#fffbea}
.badge{display:inline-block;color:#fff;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700;background:#475467}
.badge.MEET{background:#4e79a7}.badge.CALL{background:#76b7b2}.badge.VISIT{background:#59a14f}
.status{font-size:12px;border:1px solid var(--line);border-radius:10px;padding:0 7px;color:#475467}
.status.planned{border-style:dashed}.status.negated{color:#b42318;border-color:#fda29b}
.who{font-weight:600}
.ev-meta,.prov{font-size:12px;color:var(--muted)}
blockquote.evidence{margin:6px 0;padding:2px 8px;border-left:3px solid #f0b400;line-height:2.1;white-space:pre-wrap}
blockquote.evidence .seg{padding-bottom:calc(var(--lanes,1)*4px)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;border-bottom:1px solid var(--line);padding:3px 6px;vertical-align:top}
tr.hl td{background:var(--hl)}
.chip{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:baseline}
svg.graph{width:100%;height:auto;display:block}
svg .edge path{fill:none;stroke-width:1.6}
svg .edge text,svg .node text{font:11px system-ui,"DejaVu Sans",sans-serif;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .edge text{fill:#344054}
svg .node text{fill:#101828;font-size:12px}
svg .hl path{stroke:#f0b400!important;stroke-width:3.5}
svg .node.hl circle{stroke:#f0b400;stroke-width:3}
.empty,.note{color:var(--muted);font-size:13px}
code{font-size:12px}
details summary{cursor:pointer}
@media (max-width:900px){main{grid-template-columns:minmax(0,1fr)}}
"#;

const JS: &str = r#"
(function () {
  'use strict';
  var root = document.documentElement;
  window.addEventListener('error', function () { root.setAttribute('data-js-error', '1'); });
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function ids(el, attr) { var v = el.getAttribute(attr); return v ? v.split(' ') : []; }
  function clear() { all('.hl').forEach(function (el) { el.classList.remove('hl'); }); }
  function mark(attr, wanted) {
    all('[' + attr + ']').forEach(function (el) {
      if (ids(el, attr).some(function (x) { return wanted.indexOf(x) >= 0; })) { el.classList.add('hl'); }
    });
  }
  function hover(sel, fn) {
    all(sel).forEach(function (el) {
      el.addEventListener('mouseenter', function () { clear(); fn(el); });
      el.addEventListener('mouseleave', clear);
    });
  }
  hover('[data-e]', function (el) { var e = ids(el, 'data-e'); mark('data-e', e); mark('data-entity', e); });
  hover('li.event[data-event]', function (el) {
    var e = ids(el, 'data-event'); mark('data-ev', e); mark('data-events', e); el.classList.add('hl');
  });
  hover('g.edge[data-events]', function (el) {
    var e = ids(el, 'data-events'); mark('data-event', e); mark('data-ev', e); el.classList.add('hl');
  });
  hover('g.node[data-node]', function (el) {
    var n = ids(el, 'data-node'); mark('data-nodes', n); mark('data-node', n);
  });
  root.setAttribute('data-ready', '1');
}());
"#;

fn page_start(out: &mut String, title: &str, meta: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(
        out,
        "<header><h1>{}</h1><p class=\"meta\">{}</p></header>",
        escape(title),
        escape(meta)
    );
}

fn page_end(out: &mut String) {
    let _ = write!(out, "<script>{JS}</script>\n</body>\n</html>\n");
}

fn legend(out: &mut String, with_time: bool) {
    out.push_str("<div class=\"legend\">");
    for k in [
        EntityKind::Person,
        EntityKind::Location,
        EntityKind::Organization,
        EntityKind::Nationality,
        EntityKind::Event,
    ] {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            kind_color(k),
            k.as_str()
        );
    }
    if with_time {
        let _ = write!(
            out,
            "<span><i style=\"background:{TIME_COLOR}\"></i>TIME</span>\
             <span><i class=\"sw\" style=\"background:#fff3c4\"></i>event evidence</span>\
             <span><b>bold</b>&nbsp;trigger</span>"
        );
    }
    out.push_str("</div>");
}

fn status_badges(out: &mut String, kind: &str, status: Status) {
    let _ = write!(
        out,
        "<span class=\"badge {k}\">{k}</span> <span class=\"status {s}\">{s}</span> ",
        k = escape(kind),
        s = status.as_str()
    );
}

/// The page of one document: text, events, graph, entities. `id` names the document.
pub fn document_page(doc: &Document, id: &str) -> String {
    let text = doc.text();
    let ents = doc.entities();
    let mut anns: Vec<Ann> = Vec::new();
    for e in ents {
        for &m in &e.mentions {
            anns.push(Ann {
                span: m,
                kind: AnnKind::Line(kind_color(e.kind)),
                id: format!("e{}", e.id),
                title: format!("{} · {} (e{})", e.kind.as_str(), e.name, e.id),
                lane: 0,
            });
        }
    }
    for t in doc.times() {
        anns.push(Ann {
            span: t.span,
            kind: AnnKind::Line(TIME_COLOR),
            id: String::new(),
            title: format!("TIME · {}", t.value.as_deref().unwrap_or("(unresolved)")),
            lane: 0,
        });
    }
    for (i, ev) in doc.events().iter().enumerate() {
        for e in std::iter::once(&ev.evidence).chain(&ev.more_evidence) {
            anns.push(Ann {
                span: e.span,
                kind: AnnKind::Evidence,
                id: format!("ev{i}"),
                title: String::new(),
                lane: 0,
            });
            anns.push(Ann {
                span: e.trigger,
                kind: AnnKind::Trigger,
                id: format!("ev{i}"),
                title: format!("{} trigger (ev{i}, rule {})", ev.kind, e.rule),
                lane: 0,
            });
        }
    }
    let lanes = assign_lanes(&mut anns).max(1);
    let graph = Graph::from_document(id, doc);
    // the doc's events as the page names them (ev<index>), for each graph event
    let mut names: HashMap<EventId, Vec<String>> = HashMap::new();
    for ge in graph.events() {
        for (i, ev) in doc.events().iter().enumerate() {
            if ge
                .provenance
                .iter()
                .any(|p| p.span == ev.evidence.span && p.trigger == ev.evidence.trigger)
            {
                names.entry(ge.id).or_default().push(format!("ev{i}"));
            }
        }
    }
    let mut out = String::with_capacity(text.len() * 4 + 16_384);
    let meta = format!(
        "{}{} · {} entities · {} times · {} events",
        id,
        doc.date().map(|d| format!(" · {d}")).unwrap_or_default(),
        ents.len(),
        doc.times().len(),
        doc.events().len()
    );
    page_start(&mut out, &format!("newsgraph · {id}"), &meta);
    out.push_str("<main>\n<section id=\"text-section\"><h2>Text</h2>");
    legend(&mut out, true);
    let _ = write!(
        out,
        "<div class=\"text\" id=\"text\" style=\"--lanes:{lanes}\">"
    );
    render_layers(text, 0, &anns, lanes, &mut out);
    out.push_str("</div></section>\n<div class=\"side\">\n");

    // events
    let _ = write!(
        out,
        "<section id=\"events\"><h2>Events ({})</h2>",
        doc.events().len()
    );
    if doc.events().is_empty() {
        out.push_str("<p class=\"empty\">No event found.</p>");
    } else {
        out.push_str("<ol class=\"events\">");
    }
    let name_of = |a: &crate::doc::Arg| match a.entity.and_then(|e| ents.get(e)) {
        Some(e) => e.name.clone(),
        None => text
            .get(a.span.start..a.span.end)
            .unwrap_or("?")
            .to_string(),
    };
    for (i, ev) in doc.events().iter().enumerate() {
        let parts: Vec<String> = ev
            .args
            .iter()
            .filter(|a| a.role == Role::Participant)
            .map(name_of)
            .collect();
        let place = ev
            .arg(Role::Place)
            .or(ev.arg(Role::Destination))
            .map(name_of);
        let time = ev.arg(Role::Time).and_then(|a| a.value.clone());
        let ent_ids: Vec<String> = ev
            .args
            .iter()
            .filter_map(|a| a.entity.map(|e| format!("e{e}")))
            .collect();
        let _ = write!(
            out,
            "<li class=\"event\" id=\"ev{i}\" data-event=\"ev{i}\" data-type=\"{}\" data-status=\"{}\" \
             data-participants=\"{}\" data-place=\"{}\" data-time=\"{}\" data-entity=\"{}\"><div class=\"ev-head\">",
            escape(&ev.kind),
            ev.status.as_str(),
            escape(&parts.join("|")),
            escape(place.as_deref().unwrap_or("")),
            escape(time.as_deref().unwrap_or("")),
            escape(&ent_ids.join(" ")),
        );
        status_badges(&mut out, &ev.kind, ev.status);
        let sep = if ev.kind == "VISIT" { " → " } else { " — " };
        let who = match (ev.kind.as_str(), &place) {
            _ if parts.is_empty() => NO_PARTICIPANT.to_string(),
            ("VISIT", Some(p)) => format!("{} → {p}", parts.join(", ")),
            _ => parts.join(sep),
        };
        let _ = write!(out, "<span class=\"who\">{}</span></div>", escape(&who));
        let mut meta = Vec::new();
        if let Some(p) = &place {
            meta.push(format!("where: {p}"));
        }
        if let Some(t) = &time {
            meta.push(format!("when: {t}"));
        }
        if let Some(c) = &ev.cameo {
            meta.push(format!("CAMEO {c}"));
        }
        if !meta.is_empty() {
            let _ = write!(
                out,
                "<div class=\"ev-meta\">{}</div>",
                escape(&meta.join(" · "))
            );
        }
        // evidence read by several rules is quoted once, with all the rules
        let mut quotes: Vec<(&crate::doc::Evidence, Vec<&str>)> = Vec::new();
        for e in std::iter::once(&ev.evidence).chain(&ev.more_evidence) {
            match quotes
                .iter_mut()
                .find(|(q, _)| q.span == e.span && q.trigger == e.trigger)
            {
                Some((_, rules)) => rules.push(&e.rule),
                None => quotes.push((e, vec![&e.rule])),
            }
        }
        for (e, rules) in quotes {
            let Some(slice) = text.get(e.span.start..e.span.end) else {
                continue;
            };
            let mut seen: Vec<(Span, Option<usize>)> = Vec::new();
            let mut local: Vec<Ann> = ev
                .args
                .iter()
                // one underline per argument span, however many roles it fills
                .filter(|a| {
                    let k = (a.span, a.entity);
                    !seen.contains(&k) && {
                        seen.push(k);
                        true
                    }
                })
                .map(|a| Ann {
                    span: a.span,
                    kind: AnnKind::Line(match a.entity.and_then(|x| ents.get(x)) {
                        Some(x) => kind_color(x.kind),
                        None => TIME_COLOR,
                    }),
                    id: a.entity.map(|x| format!("e{x}")).unwrap_or_default(),
                    title: format!("{}: {}", a.role.as_str(), name_of(a)),
                    lane: 0,
                })
                .collect();
            local.push(Ann {
                span: e.trigger,
                kind: AnnKind::Trigger,
                id: String::new(),
                title: "trigger".into(),
                lane: 0,
            });
            let l = assign_lanes(&mut local).max(1);
            let _ = write!(out, "<blockquote class=\"evidence\" style=\"--lanes:{l}\">");
            render_layers(slice, e.span.start, &local, l, &mut out);
            let _ = write!(
                out,
                "</blockquote><div class=\"prov\">sentence {} · bytes {}–{} · rule{} <code>{}</code></div>",
                e.sentence,
                e.span.start,
                e.span.end,
                if rules.len() > 1 { "s" } else { "" },
                escape(&rules.join(", "))
            );
        }
        out.push_str("</li>");
    }
    if !doc.events().is_empty() {
        out.push_str("</ol>");
    }
    out.push_str("</section>\n");

    // graph
    out.push_str("<section id=\"graph\"><h2>Graph</h2>");
    out.push_str(&graph_svg(&graph, MAX_DRAWN_NODES, &|e| {
        names.get(&e).map(|v| v.join(" ")).unwrap_or_default()
    }));
    out.push_str("</section>\n</div>\n");

    // entities
    let _ = write!(
        out,
        "<section id=\"entities\" class=\"wide\"><h2>Entities ({})</h2><table><thead><tr>\
         <th>id</th><th>type</th><th>name</th><th>gazetteer id</th><th>attributes</th><th>mentions</th>\
         </tr></thead><tbody>",
        ents.len()
    );
    for e in ents {
        let attrs: Vec<String> = e.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mentions: Vec<&str> = e
            .mentions
            .iter()
            .filter_map(|m| text.get(m.start..m.end))
            .collect();
        let _ = write!(
            out,
            "<tr data-entity=\"e{}\"><td>e{}</td><td><span class=\"chip\" style=\"background:{}\"></span>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td></tr>",
            e.id,
            e.id,
            kind_color(e.kind),
            e.kind.as_str(),
            escape(&e.name),
            escape(e.kb.as_deref().unwrap_or("")),
            escape(&attrs.join(", ")),
            e.mentions.len(),
            escape(&mentions.join(" · "))
        );
    }
    out.push_str("</tbody></table></section>\n</main>\n");
    page_end(&mut out);
    out
}

/// The page of a corpus graph: the graph (the best-connected nodes), events with provenance,
/// nodes and documents. `title` heads the page.
pub fn graph_page(graph: &Graph, title: &str) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let meta = format!(
        "{} documents · {} nodes · {} edges · {} events",
        graph.documents().len(),
        graph.nodes().len(),
        graph.edges().len(),
        graph.events().len()
    );
    page_start(&mut out, title, &meta);
    out.push_str("<main class=\"corpus\">\n<section id=\"graph\"><h2>Graph</h2>");
    legend(&mut out, false);
    out.push_str(&graph_svg(graph, MAX_DRAWN_NODES, &|e| e.to_string()));
    out.push_str("</section>\n");

    let _ = write!(
        out,
        "<section id=\"events\"><h2>Events ({})</h2>",
        graph.events().len()
    );
    if graph.events().is_empty() {
        out.push_str("<p class=\"empty\">No event found.</p>");
    } else {
        out.push_str("<ol class=\"events\">");
    }
    for ev in graph.events().iter().take(MAX_LISTED_EVENTS) {
        event_item(&mut out, graph, ev);
    }
    if !graph.events().is_empty() {
        out.push_str("</ol>");
    }
    if graph.events().len() > MAX_LISTED_EVENTS {
        let _ = write!(
            out,
            "<p class=\"note\">… and {} more events (see the graph JSON export).</p>",
            graph.events().len() - MAX_LISTED_EVENTS
        );
    }
    out.push_str("</section>\n");

    // nodes by degree
    let degree = degrees(graph);
    let mut order: Vec<NodeId> = graph.nodes().iter().map(|n| n.id).collect();
    order.sort_by_key(|n| (std::cmp::Reverse(degree[n.index()]), *n));
    let _ = write!(
        out,
        "<section id=\"nodes\"><h2>Nodes ({})</h2><table><thead><tr><th>id</th><th>type</th>\
         <th>name</th><th>key</th><th>edges</th><th>documents</th><th>mentions</th></tr></thead><tbody>",
        graph.nodes().len()
    );
    for &id in order.iter().take(MAX_LISTED_NODES) {
        let n = graph.node(id);
        let _ = write!(
            out,
            "<tr data-node=\"{}\"><td>{}</td><td><span class=\"chip\" style=\"background:{}\"></span>{}</td>\
             <td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            n.id,
            n.id,
            kind_color(n.kind),
            n.kind.as_str(),
            escape(&n.name),
            escape(&n.key),
            degree[id.index()],
            n.documents,
            n.mentions
        );
    }
    out.push_str("</tbody></table>");
    if order.len() > MAX_LISTED_NODES {
        let _ = write!(
            out,
            "<p class=\"note\">… and {} more nodes.</p>",
            order.len() - MAX_LISTED_NODES
        );
    }
    out.push_str("</section>\n");

    let with_events = graph.documents().iter().filter(|d| d.events > 0).count();
    let _ = write!(
        out,
        "<section id=\"documents\"><h2>Documents ({})</h2><details><summary>{} documents, {} with events</summary>\
         <table><thead><tr><th>id</th><th>date</th><th>entities</th><th>events</th></tr></thead><tbody>",
        graph.documents().len(),
        graph.documents().len(),
        with_events
    );
    for d in graph.documents() {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.id),
            escape(d.date.as_deref().unwrap_or("")),
            d.entities,
            d.events
        );
    }
    out.push_str("</tbody></table></details></section>\n</main>\n");
    page_end(&mut out);
    out
}

fn event_item(out: &mut String, graph: &Graph, ev: &GraphEvent) {
    let name = |n: NodeId| graph.node(n).name.as_str();
    let parts: Vec<&str> = ev.participants.iter().map(|&n| name(n)).collect();
    let place = ev.location().map(name);
    let mut nodes: Vec<NodeId> = ev
        .participants
        .iter()
        .chain(&ev.place)
        .chain(&ev.origin)
        .chain(&ev.destination)
        .copied()
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    let nodes: Vec<String> = nodes.iter().map(|n| n.to_string()).collect();
    let _ = write!(
        out,
        "<li class=\"event\" id=\"{id}\" data-event=\"{id}\" data-type=\"{}\" data-status=\"{}\" \
         data-participants=\"{}\" data-place=\"{}\" data-time=\"{}\" data-nodes=\"{}\"><div class=\"ev-head\">",
        escape(&ev.kind),
        ev.status.as_str(),
        escape(&parts.join("|")),
        escape(place.unwrap_or("")),
        escape(ev.time.as_deref().unwrap_or("")),
        nodes.join(" "),
        id = ev.id,
    );
    status_badges(out, &ev.kind, ev.status);
    let who = match (ev.kind.as_str(), place) {
        _ if parts.is_empty() => NO_PARTICIPANT.to_string(),
        ("VISIT", Some(p)) => format!("{} → {p}", parts.join(", ")),
        _ => parts.join(" — "),
    };
    let _ = write!(out, "<span class=\"who\">{}</span></div>", escape(&who));
    let mut meta = Vec::new();
    if let Some(p) = place {
        meta.push(format!("where: {p}"));
    }
    if let Some(t) = &ev.time {
        meta.push(format!("when: {t}"));
    }
    meta.push(format!("reported by {} document(s)", ev.documents().len()));
    let _ = write!(
        out,
        "<div class=\"ev-meta\">{}</div>",
        escape(&meta.join(" · "))
    );
    let mut quotes: Vec<(&crate::graph::Provenance, Vec<&str>)> = Vec::new();
    for p in &ev.provenance {
        match quotes
            .iter_mut()
            .find(|(q, _)| q.document == p.document && q.span == p.span && q.trigger == p.trigger)
        {
            Some((_, rules)) => rules.push(&p.rule),
            None => quotes.push((p, vec![&p.rule])),
        }
    }
    let n_quotes = quotes.len();
    for (p, rules) in quotes.into_iter().take(5) {
        out.push_str("<blockquote class=\"evidence\">");
        match p.trigger_in_text() {
            Some(t) => {
                escape_into(&p.text[..t.start], out);
                out.push_str("<b>");
                escape_into(&p.text[t.start..t.end], out);
                out.push_str("</b>");
                escape_into(&p.text[t.end..], out);
            }
            None => escape_into(&p.text, out),
        }
        let _ = write!(
            out,
            "</blockquote><div class=\"prov\">{} · sentence {} · bytes {}–{} · rule{} <code>{}</code></div>",
            escape(&p.document),
            p.sentence,
            p.span.start,
            p.span.end,
            if rules.len() > 1 { "s" } else { "" },
            escape(&rules.join(", "))
        );
    }
    if n_quotes > 5 {
        let _ = write!(
            out,
            "<div class=\"prov\">… and {} more reports</div>",
            n_quotes - 5
        );
    }
    out.push_str("</li>");
}

fn degrees(graph: &Graph) -> Vec<usize> {
    let mut d = vec![0usize; graph.nodes().len()];
    for e in graph.edges() {
        d[e.source.index()] += 1;
        d[e.target.index()] += 1;
    }
    d
}

fn kind_rank(k: EntityKind) -> u8 {
    match k {
        EntityKind::Person => 0,
        EntityKind::Organization => 1,
        EntityKind::Nationality => 2,
        EntityKind::Event => 3,
        EntityKind::Location => 4,
        _ => 5,
    }
}

/// The graph as inline SVG with a circular layout: at most `max_nodes` nodes (the
/// best-connected ones), grouped by type around the circle; parallel edges bend apart; each
/// edge is labelled with its type, count and time. `event_ids` gives an edge's
/// `data-events` for an event.
fn graph_svg(graph: &Graph, max_nodes: usize, event_ids: &dyn Fn(EventId) -> String) -> String {
    let mut out = String::new();
    if graph.nodes().is_empty() {
        out.push_str("<p class=\"empty\">No events, so no graph.</p>");
        return out;
    }
    let degree = degrees(graph);
    let mut chosen: Vec<NodeId> = graph.nodes().iter().map(|n| n.id).collect();
    if chosen.len() > max_nodes {
        chosen.sort_by_key(|n| (std::cmp::Reverse(degree[n.index()]), *n));
        chosen.truncate(max_nodes);
    }
    chosen.sort_by_key(|n| (kind_rank(graph.node(*n).kind), *n));
    let n = chosen.len();
    let radius = (n as f64 * 30.0 / (2.0 * PI)).max(if n <= 2 { 90.0 } else { 160.0 });
    // many nodes: labels run outwards along the radius, so neighbours never overlap
    let radial = n > 16;
    let margin_x = if radial { 200.0 } else { 170.0 };
    let margin_y = if radial { 200.0 } else { 50.0 };
    let (w, h) = (2.0 * (radius + margin_x), 2.0 * (radius + margin_y));
    let (cx, cy) = (w / 2.0, h / 2.0);
    let mut pos: HashMap<NodeId, (f64, f64, f64, f64)> = HashMap::new(); // x, y, angle, r
    for (i, &id) in chosen.iter().enumerate() {
        let a = PI + 2.0 * PI * i as f64 / n as f64;
        let (x, y) = if n == 1 {
            (cx, cy)
        } else {
            (cx + radius * a.cos(), cy + radius * a.sin())
        };
        let r = 6.0 + 1.5 * degree[id.index()].min(8) as f64;
        pos.insert(id, (x, y, a, r));
    }
    let _ = write!(
        out,
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.0} {h:.0}\" \
         role=\"img\" aria-label=\"graph of {} nodes and {} edges\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#555\"/></marker></defs>",
        n,
        graph.edges().len()
    );
    if chosen.len() < graph.nodes().len() {
        let _ = write!(
            out,
            "<text x=\"8\" y=\"16\" font-size=\"12\" fill=\"#667085\">showing the {} best-connected of {} nodes</text>",
            chosen.len(),
            graph.nodes().len()
        );
    }
    // parallel edges: group by unordered pair
    let mut groups: HashMap<(NodeId, NodeId), Vec<usize>> = HashMap::new();
    for (i, e) in graph.edges().iter().enumerate() {
        if pos.contains_key(&e.source) && pos.contains_key(&e.target) {
            let k = (e.source.min(e.target), e.source.max(e.target));
            groups.entry(k).or_default().push(i);
        }
    }
    let mut keys: Vec<&(NodeId, NodeId)> = groups.keys().collect();
    keys.sort();
    out.push_str("<g class=\"edges\">");
    for k in keys {
        let list = &groups[k];
        let (ax, ay, _, _) = pos[&k.0];
        let (bx, by, _, _) = pos[&k.1];
        let (dx, dy) = (bx - ax, by - ay);
        let len = (dx * dx + dy * dy).sqrt().max(1e-6);
        let (nx, ny) = (-dy / len, dx / len);
        let m = list.len() as f64;
        for (j, &ei) in list.iter().enumerate() {
            let e = &graph.edges()[ei];
            let off = (j as f64 - (m - 1.0) / 2.0) * 44.0;
            let (mx, my) = ((ax + bx) / 2.0 + nx * off, (ay + by) / 2.0 + ny * off);
            let (qx, qy) = (2.0 * mx - (ax + bx) / 2.0, 2.0 * my - (ay + by) / 2.0);
            // labels of parallel edges stack vertically (two 12px lines each), whatever the
            // direction of the edge
            let (mx, my) = if list.len() > 1 {
                let k = j as f64 - (m - 1.0) / 2.0;
                ((ax + bx) / 2.0 + nx * off, (ay + by) / 2.0 + k * 28.0)
            } else {
                (mx, my)
            };
            let (s, t) = (pos[&e.source], pos[&e.target]);
            let trim = |p: (f64, f64, f64, f64), by: f64| {
                let (vx, vy) = (qx - p.0, qy - p.1);
                let l = (vx * vx + vy * vy).sqrt().max(1e-6);
                (p.0 + vx / l * by, p.1 + vy / l * by)
            };
            let p1 = trim(s, s.3);
            let p2 = trim(t, t.3 + if e.directed { 2.0 } else { 0.0 });
            let (style, color) = match e.status {
                Status::Occurred => ("", "#475467"),
                Status::Planned => (" stroke-dasharray=\"6 4\"", "#475467"),
                Status::Negated => (" stroke-dasharray=\"2 3\"", "#b0b0b0"),
            };
            let marker = if e.directed {
                " marker-end=\"url(#arrow)\""
            } else {
                ""
            };
            let evs: Vec<String> = e
                .events
                .iter()
                .map(|&x| event_ids(x))
                .filter(|s| !s.is_empty())
                .collect();
            let label = edge_label(e);
            let _ = write!(
                out,
                "<g class=\"edge\" data-edge=\"{}\" data-events=\"{}\" data-nodes=\"{} {}\"><title>{}</title>\
                 <path d=\"M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}\" stroke=\"{color}\"{style}{marker}/>",
                e.id,
                escape(&evs.join(" ")),
                e.source,
                e.target,
                escape(&format!(
                    "{} {} {} ({}, {} event(s), {} document(s))",
                    graph.node(e.source).name,
                    e.kind,
                    graph.node(e.target).name,
                    e.status.as_str(),
                    e.count(),
                    e.documents.len()
                )),
                p1.0,
                p1.1,
                qx,
                qy,
                p2.0,
                p2.1
            );
            let mut lines = label.lines();
            let first = lines.next().unwrap_or("");
            let status = if e.status == Status::Occurred {
                String::new()
            } else {
                format!(" ({})", e.status.as_str())
            };
            let _ = write!(
                out,
                "<text x=\"{mx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}{}",
                my - 2.0,
                escape(first),
                status
            );
            for l in lines {
                let _ = write!(out, "<tspan x=\"{mx:.1}\" dy=\"12\">{}</tspan>", escape(l));
            }
            out.push_str("</text></g>");
        }
    }
    out.push_str("</g><g class=\"nodes\">");
    for &id in &chosen {
        let node = graph.node(id);
        let (x, y, a, r) = pos[&id];
        let mut rotate = String::new();
        let (lx, ly, anchor) = if n == 1 {
            (x, y + r + 14.0, "middle")
        } else if radial {
            let (c, s) = (a.cos(), a.sin());
            let (lx, ly) = (x + c * (r + 4.0), y + s * (r + 4.0));
            let deg = a.to_degrees();
            let (deg, anchor) = if c >= 0.0 {
                (deg, "start")
            } else {
                (deg + 180.0, "end")
            };
            rotate = format!(" transform=\"rotate({deg:.1} {lx:.1} {ly:.1})\" dy=\"4\"");
            (lx, ly, anchor)
        } else {
            let (c, s) = (a.cos(), a.sin());
            let anchor = if c > 0.3 {
                "start"
            } else if c < -0.3 {
                "end"
            } else {
                "middle"
            };
            let ly = if anchor == "middle" {
                y + s * (r + 8.0) + if s > 0.0 { 8.0 } else { -2.0 }
            } else {
                y + s * (r + 4.0) + 4.0
            };
            (x + c * (r + 5.0), ly, anchor)
        };
        let _ = write!(
            out,
            "<g class=\"node\" data-node=\"{}\" data-type=\"{}\"><title>{}</title>\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"1.5\"/>\
             <text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"{anchor}\"{rotate}>{}</text></g>",
            id,
            node.kind.as_str(),
            escape(&format!(
                "{} · {} · {}",
                node.name,
                node.kind.as_str(),
                node.key
            )),
            kind_color(node.kind),
            escape(&node.name)
        );
    }
    out.push_str("</g></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Attrs, Entity};
    use crate::graph::tests::{doc_a, doc_b};

    fn ann(s: usize, e: usize, id: &str) -> Ann {
        Ann {
            span: Span::new(s, e),
            kind: AnnKind::Line("#000"),
            id: id.into(),
            title: id.into(),
            lane: 0,
        }
    }

    #[test]
    fn nested_and_overlapping_spans_get_lanes_and_pieces() {
        // "Shanghai Cooperation Organization": the whole (a), "Shanghai" (b) nested at the
        // start, and "Cooperation Organization summit" (c) overlapping the end
        let text = "Shanghai Cooperation Organization summit";
        let mut anns = vec![ann(0, 33, "a"), ann(0, 8, "b"), ann(9, 40, "c")];
        let lanes = assign_lanes(&mut anns);
        assert_eq!(lanes, 2);
        assert_eq!(
            anns.iter().map(|a| a.lane).collect::<Vec<_>>(),
            [0, 1, 1],
            "outer span first, nested below it; the overlapping one reuses the freed lane"
        );
        let mut out = String::new();
        render_layers(text, 0, &anns, lanes, &mut out);
        let pieces: Vec<(&str, &str)> = out
            .split("<span ")
            .skip(1)
            .map(|s| {
                let ids = s
                    .split("data-e=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                let txt = s.split('>').nth(1).unwrap().split('<').next().unwrap();
                (ids, txt)
            })
            .collect();
        assert_eq!(
            pieces,
            [
                ("a b", "Shanghai"),
                ("a", " "),
                ("a c", "Cooperation Organization"),
                ("c", " summit")
            ]
        );
        // the text is preserved exactly, piece by piece
        let plain: String = pieces.iter().map(|p| p.1).collect();
        assert_eq!(plain, text);
        // lanes draw at fixed depths: lane 0 deepest offset
        assert!(out.contains("background-position:0 calc(100% - 4px),0 calc(100% - 0px)\""));
    }

    #[test]
    fn lanes_are_reused_when_free() {
        let mut anns = vec![ann(0, 5, "a"), ann(6, 9, "b"), ann(3, 7, "c")];
        assert_eq!(assign_lanes(&mut anns), 2);
        assert_eq!(anns.iter().map(|a| a.lane).collect::<Vec<_>>(), [0, 0, 1]);
    }

    #[test]
    fn bad_spans_are_skipped_not_panicking() {
        let text = "héllo";
        let anns = vec![ann(1, 2, "x"), ann(0, 99, "y"), ann(0, 3, "z")];
        let mut out = String::new();
        render_layers(text, 0, &anns, 1, &mut out);
        assert!(out.contains(">hé</span>llo"));
    }

    fn hostile_doc() -> Document {
        let text =
            "<script>alert(1)</script> met \"Bob\" & 'Eve' </textarea><img src=x onerror=alert(2)>";
        let mut d = doc_a();
        d.text = text.into();
        d.sentences = vec![Span::new(0, text.len())];
        d.entities = vec![
            Entity {
                id: 0,
                kind: EntityKind::Person,
                name: "<b onmouseover=alert(3)>".into(),
                kb: Some("\"><script>alert(4)</script>".into()),
                attrs: Attrs::from([("title".into(), "<i>x</i>".into())]),
                mentions: vec![Span::new(0, 8), Span::new(31, 36)],
            },
            Entity {
                id: 1,
                kind: EntityKind::Person,
                name: "Eve".into(),
                kb: None,
                attrs: Attrs::new(),
                mentions: vec![Span::new(39, 44)],
            },
        ];
        d.events[0].args.truncate(0);
        d.events[0].args.push(crate::doc::Arg {
            role: Role::Participant,
            entity: Some(0),
            span: Span::new(0, 8),
            value: None,
        });
        d.events[0].args.push(crate::doc::Arg {
            role: Role::Participant,
            entity: Some(1),
            span: Span::new(39, 44),
            value: None,
        });
        d.events[0].kind = "MEET<x>".into();
        d.events[0].evidence.span = Span::new(0, 44);
        d.events[0].evidence.trigger = Span::new(26, 29);
        d.events[0].evidence.rule = "r\"<".into();
        d
    }

    #[test]
    fn page_escapes_everything_from_the_text_and_graph() {
        let page = document_page(&hostile_doc(), "id<script>\"");
        for bad in [
            "<script>alert",
            "<img",
            "<b onmouseover",
            "\"><script",
            "<i>x",
            "MEET<x>",
            "id<script>",
        ] {
            assert!(!page.contains(bad), "unescaped {bad:?}");
        }
        // the only elements are the page's own
        let allowed = [
            "!DOCTYPE",
            "html",
            "head",
            "meta",
            "title",
            "style",
            "body",
            "header",
            "h1",
            "p",
            "main",
            "section",
            "h2",
            "div",
            "span",
            "i",
            "b",
            "ol",
            "li",
            "blockquote",
            "code",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "svg",
            "defs",
            "marker",
            "path",
            "g",
            "text",
            "tspan",
            "circle",
            "script",
        ];
        for tag in page.split('<').skip(1) {
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap();
            assert!(allowed.contains(&name), "element {name:?} in {tag:.40}");
        }
        assert_eq!(page.matches("<script>").count(), 1);
        assert!(page.contains("&lt;script&gt;</span>alert(1)&lt;/script&gt;"));
        assert!(page.contains("data-participants=\"&lt;b onmouseover=alert(3)&gt;|Eve\""));
    }

    #[test]
    fn document_page_lists_events_and_draws_graph() {
        let page = document_page(&doc_b(), "b");
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("Content-Security-Policy"));
        assert!(!page.contains("http://") || !page.contains("src=\"http"));
        assert_eq!(page.matches("<li class=\"event\"").count(), 3);
        assert!(page.contains(
            "data-event=\"ev1\" data-type=\"CALL\" data-status=\"occurred\" data-participants=\"Alexander Lukashenko|Qin Gang\""
        ));
        assert_eq!(page.matches("<g class=\"node\"").count(), 5);
        assert_eq!(page.matches("<g class=\"edge\"").count(), 3);
        assert!(page.contains("marker-end=\"url(#arrow)\""));
        assert!(page.contains("data-events=\"ev2\""));
        assert!(page.contains(">VISIT (planned)<tspan"));
    }

    #[test]
    fn corpus_page_lists_documents_and_merged_events() {
        let mut g = Graph::new();
        g.add_document("a", &doc_a());
        g.add_document("b<", &doc_b());
        let page = graph_page(&g, "corpus");
        assert_eq!(page.matches("<li class=\"event\"").count(), 3);
        assert!(page.contains("<td>b&lt;</td>"));
        assert!(page.contains("reported by 2 document(s)"));
        assert!(page.contains("Xi <b>met</b> Lukashenko"));
        let empty = graph_page(&Graph::new(), "empty");
        assert!(empty.contains("No events, so no graph."));
    }
}
