//! The graph of one document or of a whole corpus: entities as typed nodes, events as
//! typed edges with their provenance.
//!
//! A [`Graph`] is built from [`Document`]s with [`Graph::add_document`] (or
//! [`Graph::from`] for a single document) and merges them on **stable entity keys**:
//!
//! * the gazetteer id ([`Entity::kb`](crate::Entity::kb), e.g. `wikidata:Q8575`) when the entity has one;
//! * otherwise the type and the folded, lower-cased name: `PERSON:sergei aleinik`.
//!   An entity without a gazetteer id joins a node that has one when their type and folded
//!   canonical name agree and that node was seen first.
//!
//! Every event of every document becomes a [`GraphEvent`] (a hyperedge: all its participants,
//! its place, origin, destination and time) with its [`Provenance`]: document id, sentence,
//! byte span, trigger and rule. Events of different documents that agree on type, status,
//! participants, place, destination and a *calendar* time (a day, month, year, week,
//! quarter, season, or an interval of these) are the same event reported twice: they merge
//! into one [`GraphEvent`] with two provenance records. Events without a time, or with one
//! that names no calendar period (`PRESENT_REF`, `XXXX-05-05`, `P3D`), merge only within
//! their document.
//!
//! Events are also projected onto binary [`Edge`]s, aggregated per pair of nodes, type and
//! status (with an event count, the documents, and the time range):
//!
//! * `VISIT` with a place or destination: one directed edge from each participant to the
//!   place (destination preferred);
//! * any event with two or more participants (`MEET`, `CALL`, a `VISIT` without a place, a
//!   user-defined type): one undirected edge per pair of participants, so a three-way meeting
//!   gives three edges that all list the same event id;
//! * an event with one participant and a place: a directed edge participant → place;
//! * an event with neither (one participant, no place) has no edge but stays in
//!   [`Graph::events`].
//!
//! By default only entities that take part in some event (as participant, place, origin or
//! destination) become nodes; [`Graph::include_all_entities`] keeps every entity.
//!
//! # Example
//!
//! ```
//! use newsgraph::graph::{Graph, GraphEvent};
//! use newsgraph::{EntityKind, Status};
//!
//! let mut g = Graph::new();
//! let xi = g.add_node(EntityKind::Person, "Xi Jinping", Some("wikidata:Q15031"));
//! let luka = g.add_node(EntityKind::Person, "Alexander Lukashenko", None);
//! let samarkand = g.add_node(EntityKind::Location, "Samarkand", None);
//! g.add_event(GraphEvent {
//!     kind: "MEET".into(),
//!     status: Status::Occurred,
//!     participants: vec![xi, luka],
//!     place: Some(samarkand),
//!     time: Some("2022-09".into()),
//!     ..GraphEvent::default()
//! });
//! assert_eq!(g.who_met(luka), vec![(xi, 1)]);
//! assert_eq!(g.find("alexander  LUKASHENKO"), Some(luka));
//! assert_eq!(g.events_at(samarkand).len(), 1);
//! assert_eq!(g.contacts_in("2022-01", "2022-12").len(), 1);
//! assert_eq!(g.edges()[0].time_min.as_deref(), Some("2022-09"));
//! ```

use std::collections::{BTreeSet, HashMap};

use crate::doc::{Attrs, Document, EntityKind, Role, Status};
use crate::span::Span;

/// Most mention texts kept as aliases of one node.
const MAX_ALIASES: usize = 16;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident, $prefix:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(usize);

        impl $name {
            /// The id of the element at `index`.
            pub fn new(index: usize) -> $name {
                $name(index)
            }

            /// The index of the element in its list.
            pub fn index(self) -> usize {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            /// Prints the id as the exports do: a prefix and the index.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// A node of a [`Graph`]: an index into [`Graph::nodes`], printed `n0`, `n1`, ...
    NodeId,
    "n"
);
id_type!(
    /// An edge of a [`Graph`]: an index into [`Graph::edges`], printed `r0`, `r1`, ...
    EdgeId,
    "r"
);
id_type!(
    /// An event of a [`Graph`]: an index into [`Graph::events`], printed `ev0`, `ev1`, ...
    EventId,
    "ev"
);

/// An entity of the corpus: every document entity with the same key.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Its id.
    pub id: NodeId,
    /// The stable key: the gazetteer id, or `TYPE:folded name`.
    pub key: String,
    /// Its type.
    pub kind: EntityKind,
    /// The canonical name (from the first document that named it).
    pub name: String,
    /// The gazetteer id, when known.
    pub kb: Option<String>,
    /// Attributes; the first document to give a key wins.
    pub attrs: Attrs,
    /// Other surface forms seen (mention texts different from the name), at most 16.
    pub aliases: BTreeSet<String>,
    /// The number of documents that mention it.
    pub documents: usize,
    /// The number of mentions over all documents.
    pub mentions: usize,
}

/// Where an event was read: one evidence of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The document id given to [`Graph::add_document`].
    pub document: String,
    /// The sentence index in that document.
    pub sentence: usize,
    /// The evidence: byte span in that document's text.
    pub span: Span,
    /// The trigger: byte span in that document's text.
    pub trigger: Span,
    /// The id of the rule that fired.
    pub rule: String,
    /// The evidence text (`span` of the document's text).
    pub text: String,
}

impl Provenance {
    /// The trigger as a byte range into [`Provenance::text`], when it lies within the evidence.
    pub fn trigger_in_text(&self) -> Option<Span> {
        if self.span.contains(self.trigger) && self.trigger.end - self.span.start <= self.text.len()
        {
            let s = Span::new(
                self.trigger.start - self.span.start,
                self.trigger.end - self.span.start,
            );
            (self.text.is_char_boundary(s.start) && self.text.is_char_boundary(s.end)).then_some(s)
        } else {
            None
        }
    }
}

/// An event of the corpus: a hyperedge over its participants, with place, time and provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphEvent {
    /// Its id (set by [`Graph::add_event`]; ignored on input).
    pub id: EventId,
    /// `MEET`, `CALL`, `VISIT`, or a user-defined type.
    pub kind: String,
    /// occurred, planned or negated.
    pub status: Status,
    /// The CAMEO code, when the rule gives one.
    pub cameo: Option<String>,
    /// The participants, in the order of the first document that reported it.
    pub participants: Vec<NodeId>,
    /// Where it happened.
    pub place: Option<NodeId>,
    /// Where a visitor came from.
    pub origin: Option<NodeId>,
    /// Where a visitor went.
    pub destination: Option<NodeId>,
    /// The TIMEX3 value of its time (`2023-02-24`, `2022-09`, `2023-02-28/2023-03-02`).
    pub time: Option<String>,
    /// Every evidence, over all documents.
    pub provenance: Vec<Provenance>,
}

impl Default for GraphEvent {
    fn default() -> Self {
        GraphEvent {
            id: EventId(0),
            kind: String::new(),
            status: Status::Occurred,
            cameo: None,
            participants: Vec::new(),
            place: None,
            origin: None,
            destination: None,
            time: None,
            provenance: Vec::new(),
        }
    }
}

impl GraphEvent {
    /// The place it happened at or the visitor went to: `place`, else `destination`.
    pub fn location(&self) -> Option<NodeId> {
        self.place.or(self.destination)
    }

    /// The distinct documents that report it, in order of first report.
    pub fn documents(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for p in &self.provenance {
            if !seen.contains(&p.document.as_str()) {
                seen.push(p.document.as_str());
            }
        }
        seen
    }

    /// True when `node` takes part in it in any role.
    pub fn involves(&self, node: NodeId) -> bool {
        self.participants.contains(&node)
            || [self.place, self.origin, self.destination].contains(&Some(node))
    }

    /// The days its time covers, as `(first, last)` ISO dates, when the value is a calendar
    /// date, month, year, week, quarter, season or interval of these.
    pub fn time_range(&self) -> Option<(String, String)> {
        let (a, b) = timex_days(self.time.as_deref()?)?;
        Some((format_day(a), format_day(b)))
    }
}

/// A binary relation: all events of one type and status between two nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Its id.
    pub id: EdgeId,
    /// The first node (for undirected edges, the one with the smaller id).
    pub source: NodeId,
    /// The second node (for directed edges, the place visited).
    pub target: NodeId,
    /// The event type: `MEET`, `CALL`, `VISIT`, ...
    pub kind: String,
    /// The event status shared by all its events.
    pub status: Status,
    /// Whether the relation has a direction (participant → place) or not (between participants).
    pub directed: bool,
    /// The events it aggregates, in order of addition.
    pub events: Vec<EventId>,
    /// The distinct documents that report them.
    pub documents: BTreeSet<String>,
    /// The earliest event time: the TIMEX3 value (or the start of an interval) that starts first.
    pub time_min: Option<String>,
    /// The latest event time: the TIMEX3 value (or the end of an interval) that ends last.
    pub time_max: Option<String>,
}

impl Edge {
    /// The number of events it aggregates.
    pub fn count(&self) -> usize {
        self.events.len()
    }
}

/// A document that was added to a graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInfo {
    /// The id given to [`Graph::add_document`].
    pub id: String,
    /// The document date, when known.
    pub date: Option<String>,
    /// Its number of entities.
    pub entities: usize,
    /// Its number of events.
    pub events: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct EventKey {
    kind: String,
    status: Status,
    participants: Vec<NodeId>,
    place: Option<NodeId>,
    destination: Option<NodeId>,
    time: Option<String>,
    /// The document, for events without a calendar time (they merge only within one document).
    scope: Option<String>,
}

/// The graph of one document or of a corpus. See the [module docs](self) for how documents
/// merge and how events become edges.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    all_entities: bool,
    nodes: Vec<Node>,
    node_keys: HashMap<String, NodeId>,
    /// Folded names and aliases, for [`Graph::find`].
    names: HashMap<String, Vec<NodeId>>,
    node_events: Vec<Vec<EventId>>,
    edges: Vec<Edge>,
    edge_keys: HashMap<(NodeId, NodeId, String, Status), EdgeId>,
    events: Vec<GraphEvent>,
    event_keys: HashMap<EventKey, EventId>,
    documents: Vec<DocumentInfo>,
}

/// The folded, lower-cased, whitespace-collapsed form of a name.
pub fn normalize_name(name: &str) -> String {
    let folded = crate::text::fold_str(name);
    let mut out = String::with_capacity(folded.len());
    for w in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The key of an entity without a gazetteer id: `TYPE:normalised name`.
pub fn name_key(kind: EntityKind, name: &str) -> String {
    format!("{}:{}", kind.as_str(), normalize_name(name))
}

impl Graph {
    /// An empty graph that keeps only the entities taking part in events.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Whether [`Graph::add_document`] adds every entity as a node (default `false`: only
    /// the entities that take part in some event).
    pub fn include_all_entities(&mut self, yes: bool) -> &mut Self {
        self.all_entities = yes;
        self
    }

    /// The graph of one document, with document id `id`.
    pub fn from_document(id: &str, doc: &Document) -> Graph {
        let mut g = Graph::new();
        g.add_document(id, doc);
        g
    }

    /// Adds a document: its entities (see [`Graph::include_all_entities`]) and its events.
    pub fn add_document(&mut self, id: &str, doc: &Document) {
        let text = doc.text();
        let mut used = vec![self.all_entities; doc.entities().len()];
        for ev in doc.events() {
            for a in &ev.args {
                if let Some(e) = a.entity.filter(|&e| e < used.len()) {
                    used[e] = true;
                }
            }
        }
        let mut map: Vec<Option<NodeId>> = vec![None; doc.entities().len()];
        let mut seen: Vec<NodeId> = Vec::new();
        for (i, e) in doc.entities().iter().enumerate() {
            if !used[i] {
                continue;
            }
            let n = self.add_node(e.kind, &e.name, e.kb.as_deref());
            let node = &mut self.nodes[n.0];
            // two entities of one document may share a key: count the document once
            if !seen.contains(&n) {
                seen.push(n);
                node.documents += 1;
            }
            node.mentions += e.mentions.len();
            for (k, v) in &e.attrs {
                node.attrs.entry(k.clone()).or_insert_with(|| v.clone());
            }
            for m in &e.mentions {
                let s = text.get(m.start..m.end).unwrap_or("");
                if !s.is_empty()
                    && s != node.name
                    && node.aliases.len() < MAX_ALIASES
                    && node.aliases.insert(s.to_string())
                {
                    let v = self.names.entry(normalize_name(s)).or_default();
                    if !v.contains(&n) {
                        v.push(n);
                    }
                }
            }
            map[i] = Some(n);
        }
        let node_of = |e: Option<usize>| e.and_then(|e| map.get(e).copied().flatten());
        for ev in doc.events() {
            let mut participants = Vec::new();
            for p in ev.participants() {
                if let Some(n) = node_of(Some(p))
                    && !participants.contains(&n)
                {
                    participants.push(n);
                }
            }
            let role = |r: Role| node_of(ev.arg(r).and_then(|a| a.entity));
            let provenance = std::iter::once(&ev.evidence)
                .chain(&ev.more_evidence)
                .map(|e| Provenance {
                    document: id.to_string(),
                    sentence: e.sentence,
                    span: e.span,
                    trigger: e.trigger,
                    rule: e.rule.clone(),
                    text: text.get(e.span.start..e.span.end).unwrap_or("").to_string(),
                })
                .collect();
            self.add_event(GraphEvent {
                id: EventId(0),
                kind: ev.kind.clone(),
                status: ev.status,
                cameo: ev.cameo.clone(),
                participants,
                place: role(Role::Place),
                origin: role(Role::Origin),
                destination: role(Role::Destination),
                time: ev.arg(Role::Time).and_then(|a| a.value.clone()),
                provenance,
            });
        }
        self.documents.push(DocumentInfo {
            id: id.to_string(),
            date: doc.date().map(str::to_string),
            entities: doc.entities().len(),
            events: doc.events().len(),
        });
    }

    /// Returns the node of an entity, adding it when its key is new. The key is `kb` when
    /// given, else [`name_key`]; a name key already taken by a node with a gazetteer id
    /// resolves to that node. Counts (`documents`, `mentions`) are left to the caller.
    pub fn add_node(&mut self, kind: EntityKind, name: &str, kb: Option<&str>) -> NodeId {
        let nk = name_key(kind, name);
        let key = kb.map(str::to_string).unwrap_or_else(|| nk.clone());
        if let Some(&n) = self.node_keys.get(&key) {
            return n;
        }
        let n = NodeId(self.nodes.len());
        self.nodes.push(Node {
            id: n,
            key: key.clone(),
            kind,
            name: name.to_string(),
            kb: kb.map(str::to_string),
            attrs: Attrs::new(),
            aliases: BTreeSet::new(),
            documents: 0,
            mentions: 0,
        });
        self.node_events.push(Vec::new());
        self.node_keys.insert(key, n);
        self.node_keys.entry(nk).or_insert(n);
        self.names.entry(normalize_name(name)).or_default().push(n);
        n
    }

    /// Adds an event, or merges its provenance into an equal event already present (same
    /// type, status, participants in any order, place, destination, and time; an event without
    /// a calendar time only merges with one of the same document). Updates the edges. Returns its id.
    /// A participant listed twice is kept once; `event.id` is ignored.
    ///
    /// # Panics
    /// Panics when the event names a node that is not in this graph.
    pub fn add_event(&mut self, mut event: GraphEvent) -> EventId {
        let mut seen = Vec::with_capacity(event.participants.len());
        event.participants.retain(|p| {
            let new = !seen.contains(p);
            seen.push(*p);
            new
        });
        for n in event
            .participants
            .iter()
            .chain(&event.place)
            .chain(&event.origin)
            .chain(&event.destination)
        {
            assert!(n.0 < self.nodes.len(), "unknown node {n}");
        }
        let mut sorted = event.participants.clone();
        sorted.sort_unstable();
        sorted.dedup();
        let key = EventKey {
            kind: event.kind.clone(),
            status: event.status,
            participants: sorted,
            place: event.place,
            destination: event.destination,
            time: event.time.clone(),
            scope: match event.time.as_deref().and_then(timex_days) {
                Some(_) => None,
                None => event.provenance.first().map(|p| p.document.clone()),
            },
        };
        if let Some(&id) = self.event_keys.get(&key) {
            let docs: Vec<String> = event
                .provenance
                .iter()
                .map(|p| p.document.clone())
                .collect();
            let existing = &mut self.events[id.0];
            for p in event.provenance {
                if !existing.provenance.contains(&p) {
                    existing.provenance.push(p);
                }
            }
            if existing.cameo.is_none() {
                existing.cameo = event.cameo;
            }
            if existing.origin.is_none() {
                existing.origin = event.origin;
            }
            for e in self.edges_of_event(id) {
                self.edges[e.0].documents.extend(docs.iter().cloned());
            }
            return id;
        }
        let id = EventId(self.events.len());
        event.id = id;
        let mut touched: Vec<NodeId> = Vec::new();
        for n in event
            .participants
            .iter()
            .chain(&event.place)
            .chain(&event.origin)
            .chain(&event.destination)
        {
            if !touched.contains(n) {
                touched.push(*n);
                self.node_events[n.0].push(id);
            }
        }
        for (a, b, directed) in edge_pairs(&event) {
            let (s, t) = if directed || a < b { (a, b) } else { (b, a) };
            let ekey = (s, t, event.kind.clone(), event.status);
            let eid = *self.edge_keys.entry(ekey).or_insert_with(|| {
                self.edges.push(Edge {
                    id: EdgeId(self.edges.len()),
                    source: s,
                    target: t,
                    kind: event.kind.clone(),
                    status: event.status,
                    directed,
                    events: Vec::new(),
                    documents: BTreeSet::new(),
                    time_min: None,
                    time_max: None,
                });
                EdgeId(self.edges.len() - 1)
            });
            let edge = &mut self.edges[eid.0];
            edge.events.push(id);
            edge.documents
                .extend(event.provenance.iter().map(|p| p.document.clone()));
            if let Some(t) = &event.time {
                extend_range(edge, t);
            }
        }
        self.event_keys.insert(key, id);
        self.events.push(event);
        id
    }

    /// Adds every document, node and event of `other` to this graph, merging on keys.
    pub fn merge(&mut self, other: &Graph) {
        let mut map = Vec::with_capacity(other.nodes.len());
        for n in &other.nodes {
            map.push(self.absorb_node(n));
        }
        let m = |n: &NodeId| map[n.0];
        for ev in &other.events {
            self.add_event(GraphEvent {
                id: EventId(0),
                kind: ev.kind.clone(),
                status: ev.status,
                cameo: ev.cameo.clone(),
                participants: ev.participants.iter().map(m).collect(),
                place: ev.place.as_ref().map(m),
                origin: ev.origin.as_ref().map(m),
                destination: ev.destination.as_ref().map(m),
                time: ev.time.clone(),
                provenance: ev.provenance.clone(),
            });
        }
        self.documents.extend(other.documents.iter().cloned());
    }

    /// Adds the node `n` of another graph (or of a file): its key, counts, attributes and
    /// aliases merge into the node with the same key. Returns that node.
    pub(crate) fn absorb_node(&mut self, n: &Node) -> NodeId {
        let id = self.add_node(n.kind, &n.name, n.kb.as_deref());
        let node = &mut self.nodes[id.0];
        node.documents += n.documents;
        node.mentions += n.mentions;
        for (k, v) in &n.attrs {
            node.attrs.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for a in &n.aliases {
            if node.aliases.len() < MAX_ALIASES && *a != node.name {
                node.aliases.insert(a.clone());
                let v = self.names.entry(normalize_name(a)).or_default();
                if !v.contains(&id) {
                    v.push(id);
                }
            }
        }
        id
    }

    /// Records a document added by other means (a graph file).
    pub(crate) fn push_document(&mut self, info: DocumentInfo) {
        self.documents.push(info);
    }

    /// The nodes, in order of first addition (a node's id is its index).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The edges, in order of first addition.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The events, in order of first report.
    pub fn events(&self) -> &[GraphEvent] {
        &self.events
    }

    /// The documents added, in order.
    pub fn documents(&self) -> &[DocumentInfo] {
        &self.documents
    }

    /// A node.
    ///
    /// # Panics
    /// Panics when the id is not of this graph.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// An event.
    ///
    /// # Panics
    /// Panics when the id is not of this graph.
    pub fn event(&self, id: EventId) -> &GraphEvent {
        &self.events[id.0]
    }

    /// The node with key, gazetteer id, name or alias `name` (compared folded and
    /// lower-cased; the first node added wins a tie). `"Xi"` finds Xi Jinping once a
    /// document called him so.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        if let Some(&n) = self.node_keys.get(name) {
            return Some(n);
        }
        self.names
            .get(&normalize_name(name))
            .and_then(|v| v.iter().min().copied())
    }

    /// The events in which `node` takes part in any role, in order.
    pub fn events_of(&self, node: NodeId) -> impl Iterator<Item = &GraphEvent> + '_ {
        self.node_events
            .get(node.0)
            .into_iter()
            .flatten()
            .map(|e| &self.events[e.0])
    }

    /// The nodes sharing an event of type `kind` (any when `None`) and status `status` (any
    /// when `None`) with `node` as fellow participants, with the number of such events; most
    /// frequent first, then by id.
    pub fn counterparts(
        &self,
        node: NodeId,
        kind: Option<&str>,
        status: Option<Status>,
    ) -> Vec<(NodeId, usize)> {
        let mut counts: HashMap<NodeId, usize> = HashMap::new();
        for ev in self.events_of(node) {
            if kind.is_some_and(|k| k != ev.kind) || status.is_some_and(|s| s != ev.status) {
                continue;
            }
            if !ev.participants.contains(&node) {
                continue;
            }
            for &p in &ev.participants {
                if p != node {
                    *counts.entry(p).or_default() += 1;
                }
            }
        }
        let mut v: Vec<(NodeId, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Who met `node`: the fellow participants of its `MEET` events that occurred.
    pub fn who_met(&self, node: NodeId) -> Vec<(NodeId, usize)> {
        self.counterparts(node, Some("MEET"), Some(Status::Occurred))
    }

    /// Every event (any type and status) in which both `a` and `b` take part, in any role.
    pub fn events_between(&self, a: NodeId, b: NodeId) -> Vec<&GraphEvent> {
        self.events_of(a).filter(|e| e.involves(b)).collect()
    }

    /// The `MEET` events (any status: check [`GraphEvent::status`]) with both `a` and `b`
    /// among the participants.
    pub fn meetings_between(&self, a: NodeId, b: NodeId) -> Vec<&GraphEvent> {
        self.events_of(a)
            .filter(|e| e.kind == "MEET" && e.participants.contains(&a))
            .filter(|e| e.participants.contains(&b))
            .collect()
    }

    /// The events whose time overlaps the days from the start of `from` to the end of `to`
    /// (TIMEX3 values: `2023`, `2023-02`, `2023-02-24`, ...). Events without a calendar time
    /// are left out; so is everything when `from` or `to` is not a calendar value.
    pub fn events_in(&self, from: &str, to: &str) -> Vec<&GraphEvent> {
        let (Some((lo, _)), Some((_, hi))) = (timex_days(from), timex_days(to)) else {
            return Vec::new();
        };
        self.events
            .iter()
            .filter(|e| {
                e.time
                    .as_deref()
                    .and_then(timex_days)
                    .is_some_and(|(a, b)| a <= hi && lo <= b)
            })
            .collect()
    }

    /// Contacts in a date range: the `MEET` and `CALL` events of [`Graph::events_in`].
    pub fn contacts_in(&self, from: &str, to: &str) -> Vec<&GraphEvent> {
        self.events_in(from, to)
            .into_iter()
            .filter(|e| e.kind == "MEET" || e.kind == "CALL")
            .collect()
    }

    /// The events at `place`: those whose place or destination it is.
    pub fn events_at(&self, place: NodeId) -> Vec<&GraphEvent> {
        self.events_of(place)
            .filter(|e| e.place == Some(place) || e.destination == Some(place))
            .collect()
    }

    /// The edge ids that list event `id`.
    fn edges_of_event(&self, id: EventId) -> Vec<EdgeId> {
        let ev = &self.events[id.0];
        let mut out = Vec::new();
        for (a, b, directed) in edge_pairs(ev) {
            let (s, t) = if directed || a < b { (a, b) } else { (b, a) };
            if let Some(&e) = self.edge_keys.get(&(s, t, ev.kind.clone(), ev.status)) {
                out.push(e);
            }
        }
        out
    }

    /// The graph as a `petgraph` directed graph: node `i` of the result is [`NodeId`] `i`,
    /// edge `i` is [`EdgeId`] `i` (undirected relations keep their `source → target` order
    /// and have [`Edge::directed`] `false`).
    #[cfg(feature = "petgraph")]
    pub fn to_petgraph(&self) -> petgraph::graph::DiGraph<Node, Edge> {
        let mut g = petgraph::graph::DiGraph::with_capacity(self.nodes.len(), self.edges.len());
        for n in &self.nodes {
            g.add_node(n.clone());
        }
        for e in &self.edges {
            g.add_edge(
                petgraph::graph::NodeIndex::new(e.source.0),
                petgraph::graph::NodeIndex::new(e.target.0),
                e.clone(),
            );
        }
        g
    }
}

impl From<&Document> for Graph {
    /// The graph of one document, with document id `document`.
    fn from(doc: &Document) -> Graph {
        Graph::from_document("document", doc)
    }
}

/// The node pairs an event projects onto, with their directedness (see the module docs).
fn edge_pairs(ev: &GraphEvent) -> Vec<(NodeId, NodeId, bool)> {
    let loc = ev.location();
    let ps = &ev.participants;
    let mut out = Vec::new();
    match loc {
        Some(l) if ev.kind == "VISIT" || ps.len() == 1 => {
            for &p in ps {
                if p != l {
                    out.push((p, l, true));
                }
            }
        }
        _ => {
            for (i, &a) in ps.iter().enumerate() {
                for &b in &ps[i + 1..] {
                    out.push((a, b, false));
                }
            }
        }
    }
    out
}

fn extend_range(edge: &mut Edge, value: &str) {
    let Some((lo, hi)) = timex_days(value) else {
        return;
    };
    let (first, last) = match value.split_once('/') {
        Some((a, b)) => (a, b),
        None => (value, value),
    };
    let cur_lo = edge.time_min.as_deref().and_then(timex_days).map(|r| r.0);
    if cur_lo.is_none_or(|c| lo < c) {
        edge.time_min = Some(first.to_string());
    }
    let cur_hi = edge.time_max.as_deref().and_then(timex_days).map(|r| r.1);
    if cur_hi.is_none_or(|c| hi > c) {
        edge.time_max = Some(last.to_string());
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn format_day(z: i64) -> String {
    let (y, m, d) = civil_from_days(z);
    format!("{y:04}-{m:02}-{d:02}")
}

fn last_day(y: i64, m: i64) -> i64 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days_from_civil(ny, nm, 1) - 1
}

fn num(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// The first and last day (days since 1970-01-01) a TIMEX3 calendar value covers: `2023`,
/// `2023-02`, `2023-02-24`, `2023-02-24T10:00`, `2023-W09`, `2023-Q1`, `2023-H1`, `2023-SU`,
/// and intervals `a/b` of these. `None` for anything else (durations, `PRESENT_REF`, `XXXX-09`).
pub(crate) fn timex_days(value: &str) -> Option<(i64, i64)> {
    if let Some((a, b)) = value.split_once('/') {
        let (lo, _) = timex_days(a)?;
        let (_, hi) = timex_days(b)?;
        return (lo <= hi).then_some((lo, hi));
    }
    let value = value.split('T').next()?;
    let mut parts = value.split('-');
    let y = num(parts.next()?, 4)?;
    let Some(p2) = parts.next() else {
        return Some((days_from_civil(y, 1, 1), days_from_civil(y, 12, 31)));
    };
    let p3 = parts.next();
    if parts.next().is_some() {
        return None;
    }
    if let Some(m) = num(p2, 2) {
        if !(1..=12).contains(&m) {
            return None;
        }
        return match p3 {
            None => Some((days_from_civil(y, m, 1), last_day(y, m))),
            Some(d) => {
                let d = num(d, 2)?;
                let z = days_from_civil(y, m, d);
                (d >= 1 && z <= last_day(y, m)).then_some((z, z))
            }
        };
    }
    if p3.is_some() {
        return None;
    }
    let span = |m1: i64, m2: i64| Some((days_from_civil(y, m1, 1), last_day(y, m2)));
    match p2 {
        "Q1" => span(1, 3),
        "Q2" => span(4, 6),
        "Q3" => span(7, 9),
        "Q4" => span(10, 12),
        "H1" => span(1, 6),
        "H2" => span(7, 12),
        "SP" => span(3, 5),
        "SU" => span(6, 8),
        "FA" => span(9, 11),
        "WI" => Some((days_from_civil(y, 12, 1), last_day(y + 1, 2))),
        w if w.starts_with('W') => {
            let w = num(&w[1..], 2)?;
            if !(1..=53).contains(&w) {
                return None;
            }
            // ISO week 1 holds January 4th; weeks start on Monday
            let jan4 = days_from_civil(y, 1, 4);
            let weekday = (jan4 + 3).rem_euclid(7); // 0 = Monday
            let monday = jan4 - weekday + (w - 1) * 7;
            Some((monday, monday + 6))
        }
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::doc::{Arg, Entity, Event, Evidence};

    fn ent(
        id: usize,
        kind: EntityKind,
        name: &str,
        kb: Option<&str>,
        m: &[(usize, usize)],
    ) -> Entity {
        Entity {
            id,
            kind,
            name: name.into(),
            kb: kb.map(Into::into),
            attrs: Attrs::new(),
            mentions: m.iter().map(|&(a, b)| Span::new(a, b)).collect(),
        }
    }

    fn arg(role: Role, entity: Option<usize>, span: (usize, usize), value: Option<&str>) -> Arg {
        Arg {
            role,
            entity,
            span: Span::new(span.0, span.1),
            value: value.map(Into::into),
        }
    }

    fn event(
        kind: &str,
        status: Status,
        args: Vec<Arg>,
        ev: (usize, usize),
        trig: (usize, usize),
    ) -> Event {
        Event {
            kind: kind.into(),
            status,
            args,
            cameo: None,
            evidence: Evidence {
                sentence: 0,
                span: Span::new(ev.0, ev.1),
                trigger: Span::new(trig.0, trig.1),
                rule: "test.rule".into(),
            },
            more_evidence: Vec::new(),
        }
    }

    /// "Xi met Lukashenko in Samarkand in September." (date 2023-02-28)
    pub(crate) fn doc_a() -> Document {
        let text = "Xi met Lukashenko in Samarkand in September.";
        Document {
            text: text.into(),
            date: Some("2023-02-28".into()),
            sentences: vec![Span::new(0, text.len())],
            entities: vec![
                ent(
                    0,
                    EntityKind::Person,
                    "Xi Jinping",
                    Some("wikidata:Q15031"),
                    &[(0, 2)],
                ),
                ent(
                    1,
                    EntityKind::Person,
                    "Alexander Lukashenko",
                    None,
                    &[(7, 17)],
                ),
                ent(2, EntityKind::Location, "Samarkand", None, &[(21, 30)]),
            ],
            times: Vec::new(),
            events: vec![event(
                "MEET",
                Status::Occurred,
                vec![
                    arg(Role::Participant, Some(0), (0, 2), None),
                    arg(Role::Participant, Some(1), (7, 17), None),
                    arg(Role::Place, Some(2), (21, 30), None),
                    arg(Role::Time, None, (34, 43), Some("2022-09")),
                ],
                (0, 43),
                (3, 6),
            )],
        }
    }

    /// A second report of the same meeting, a call, a visit and an unrelated entity.
    pub(crate) fn doc_b() -> Document {
        let text = "Lukashenko and XI JINPING had met in Samarkand. Lukashenko called Qin Gang on Feb. 24 \
                    and will visit China from Feb 28 to March 2. Minsk said so.";
        let p = |s: &str| {
            let i = text.find(s).unwrap();
            (i, i + s.len())
        };
        Document {
            text: text.into(),
            date: Some("2023-02-28".into()),
            sentences: vec![Span::new(0, 47), Span::new(48, text.len())],
            entities: vec![
                ent(
                    0,
                    EntityKind::Person,
                    "Alexander Lukashenko",
                    None,
                    &[p("Lukashenko")],
                ),
                ent(
                    1,
                    EntityKind::Person,
                    "Xi Jinping",
                    Some("wikidata:Q15031"),
                    &[p("XI JINPING")],
                ),
                ent(
                    2,
                    EntityKind::Location,
                    "Samarkand",
                    None,
                    &[p("Samarkand")],
                ),
                ent(3, EntityKind::Person, "Qin Gang", None, &[p("Qin Gang")]),
                ent(
                    4,
                    EntityKind::Location,
                    "China",
                    Some("iso3166:CN"),
                    &[p("China")],
                ),
                ent(5, EntityKind::Location, "Minsk", None, &[p("Minsk")]),
            ],
            times: Vec::new(),
            events: vec![
                event(
                    "MEET",
                    Status::Occurred,
                    vec![
                        arg(Role::Participant, Some(0), p("Lukashenko"), None),
                        arg(Role::Participant, Some(1), p("XI JINPING"), None),
                        arg(Role::Place, Some(2), p("Samarkand"), None),
                        arg(Role::Time, None, p("Samarkand"), Some("2022-09")),
                    ],
                    (0, 46),
                    p("met"),
                ),
                event(
                    "CALL",
                    Status::Occurred,
                    vec![
                        arg(Role::Participant, Some(0), (48, 58), None),
                        arg(Role::Participant, Some(3), p("Qin Gang"), None),
                        arg(Role::Time, None, p("Feb. 24"), Some("2023-02-24")),
                    ],
                    (48, p("Feb. 24").1),
                    p("called"),
                ),
                event(
                    "VISIT",
                    Status::Planned,
                    vec![
                        arg(Role::Participant, Some(0), (48, 58), None),
                        arg(Role::Destination, Some(4), p("China"), None),
                        arg(
                            Role::Time,
                            None,
                            p("Feb 28 to March 2"),
                            Some("2023-02-28/2023-03-02"),
                        ),
                    ],
                    (p("will").0, p("March 2").1),
                    p("visit"),
                ),
            ],
        }
    }

    fn corpus() -> Graph {
        let mut g = Graph::new();
        g.add_document("a", &doc_a());
        g.add_document("b", &doc_b());
        g
    }

    #[test]
    fn merges_entities_on_keys() {
        let g = corpus();
        let names: Vec<&str> = g.nodes().iter().map(|n| n.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Xi Jinping",
                "Alexander Lukashenko",
                "Samarkand",
                "Qin Gang",
                "China"
            ]
        );
        let xi = g.find("Xi Jinping").unwrap();
        assert_eq!(g.node(xi).key, "wikidata:Q15031");
        assert_eq!(g.node(xi).documents, 2);
        assert_eq!(g.find("xi"), Some(xi));
        assert_eq!(g.find("XI JINPING"), Some(xi));
        let luka = g.find("Lukashenko").unwrap();
        assert_eq!(g.node(luka).key, "PERSON:alexander lukashenko");
        assert_eq!(g.node(luka).mentions, 2);
        // Minsk takes part in no event: no node unless asked for
        assert_eq!(g.find("Minsk"), None);
        let mut all = Graph::new();
        all.include_all_entities(true).add_document("b", &doc_b());
        assert!(all.find("Minsk").is_some());
        assert_eq!(g.documents().len(), 2);
        assert_eq!(g.documents()[1].events, 3);
    }

    #[test]
    fn same_event_of_two_documents_merges_with_provenance() {
        let g = corpus();
        assert_eq!(g.events().len(), 3);
        let meet = &g.events()[0];
        assert_eq!(meet.documents(), ["a", "b"]);
        assert_eq!(
            meet.provenance[0].text,
            "Xi met Lukashenko in Samarkand in September"
        );
        assert_eq!(meet.provenance[0].rule, "test.rule");
        assert_eq!(
            meet.provenance[1]
                .trigger_in_text()
                .map(|s| s.slice(&meet.provenance[1].text)),
            Some("met")
        );
        let e = &g.edges()[0];
        assert_eq!(
            (e.kind.as_str(), e.count(), e.documents.len(), e.directed),
            ("MEET", 1, 2, false)
        );
    }

    #[test]
    fn events_without_time_merge_only_within_a_document() {
        let mut g = Graph::new();
        let a = g.add_node(EntityKind::Person, "A", None);
        let b = g.add_node(EntityKind::Person, "B", None);
        let mk = |doc: &str| GraphEvent {
            kind: "MEET".into(),
            participants: vec![a, b],
            provenance: vec![Provenance {
                document: doc.into(),
                sentence: 0,
                span: Span::new(0, 1),
                trigger: Span::new(0, 1),
                rule: "r".into(),
                text: "x".into(),
            }],
            ..GraphEvent::default()
        };
        let e1 = g.add_event(mk("d1"));
        let e2 = g.add_event(mk("d1"));
        let e3 = g.add_event(mk("d2"));
        assert_eq!(e1, e2);
        assert_ne!(e1, e3);
        assert_eq!(g.edges().len(), 1);
        assert_eq!(g.edges()[0].count(), 2);
        assert_eq!(g.edges()[0].documents.len(), 2);
        // "now" in two documents is not the same time; a calendar day is
        let at = |doc: &str, t: &str| GraphEvent {
            time: Some(t.into()),
            ..mk(doc)
        };
        let p1 = g.add_event(at("d1", "PRESENT_REF"));
        assert_ne!(g.add_event(at("d2", "PRESENT_REF")), p1);
        assert_eq!(g.add_event(at("d1", "PRESENT_REF")), p1);
        let d1 = g.add_event(at("d1", "2023-02-24"));
        assert_eq!(g.add_event(at("d2", "2023-02-24")), d1);
        assert_ne!(
            g.add_event(at("d2", "XXXX-02-24")),
            g.add_event(at("d3", "XXXX-02-24"))
        );
    }

    #[test]
    fn queries() {
        let g = corpus();
        let xi = g.find("Xi").unwrap();
        let luka = g.find("Alexander Lukashenko").unwrap();
        let qin = g.find("Qin Gang").unwrap();
        let china = g.find("China").unwrap();
        let samarkand = g.find("samarkand").unwrap();
        assert_eq!(g.who_met(luka), vec![(xi, 1)]);
        assert_eq!(g.who_met(xi), vec![(luka, 1)]);
        assert_eq!(g.meetings_between(xi, luka).len(), 1);
        assert!(g.meetings_between(luka, qin).is_empty());
        assert_eq!(g.events_between(luka, qin)[0].kind, "CALL");
        assert_eq!(g.counterparts(luka, None, None), vec![(xi, 1), (qin, 1)]);
        let kinds = |v: Vec<&GraphEvent>| v.iter().map(|e| e.kind.clone()).collect::<Vec<_>>();
        assert_eq!(kinds(g.contacts_in("2023-02", "2023-02")), ["CALL"]);
        assert_eq!(kinds(g.contacts_in("2022", "2023")), ["MEET", "CALL"]);
        assert_eq!(kinds(g.events_in("2023-03-01", "2023-03-31")), ["VISIT"]);
        assert!(g.events_in("2024", "2025").is_empty());
        assert_eq!(kinds(g.events_at(china)), ["VISIT"]);
        assert_eq!(kinds(g.events_at(samarkand)), ["MEET"]);
        assert_eq!(
            g.events()[2].time_range(),
            Some(("2023-02-28".into(), "2023-03-02".into()))
        );
    }

    #[test]
    fn edges_and_time_ranges() {
        let g = corpus();
        let summary: Vec<String> = g
            .edges()
            .iter()
            .map(|e| {
                format!(
                    "{}-{}-{} {} {}..{}",
                    g.node(e.source).name,
                    e.kind,
                    g.node(e.target).name,
                    if e.directed { "->" } else { "--" },
                    e.time_min.as_deref().unwrap_or("?"),
                    e.time_max.as_deref().unwrap_or("?")
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "Xi Jinping-MEET-Alexander Lukashenko -- 2022-09..2022-09",
                "Alexander Lukashenko-CALL-Qin Gang -- 2023-02-24..2023-02-24",
                "Alexander Lukashenko-VISIT-China -> 2023-02-28..2023-03-02",
            ]
        );
        // a wider range: the month starts first, the interval ends last
        let mut e = g.edges()[0].clone();
        extend_range(&mut e, "2022-09-10/2022-10-02");
        extend_range(&mut e, "2022-08-31");
        assert_eq!(e.time_min.as_deref(), Some("2022-08-31"));
        assert_eq!(e.time_max.as_deref(), Some("2022-10-02"));
        extend_range(&mut e, "PRESENT_REF");
        assert_eq!(e.time_min.as_deref(), Some("2022-08-31"));
    }

    #[test]
    fn three_way_meeting_gives_pairwise_edges() {
        let mut g = Graph::new();
        let ids: Vec<NodeId> = ["A", "B", "C"]
            .iter()
            .map(|n| g.add_node(EntityKind::Person, n, None))
            .collect();
        let ev = g.add_event(GraphEvent {
            kind: "MEET".into(),
            participants: ids.clone(),
            ..GraphEvent::default()
        });
        assert_eq!(g.edges().len(), 3);
        assert!(g.edges().iter().all(|e| e.events == [ev] && !e.directed));
        // a participant named twice is one participant: no self-loop
        g.add_event(GraphEvent {
            kind: "CALL".into(),
            participants: vec![ids[0], ids[1], ids[0]],
            ..GraphEvent::default()
        });
        assert_eq!(g.events()[1].participants, [ids[0], ids[1]]);
        assert!(g.edges().iter().all(|e| e.source != e.target));
        assert_eq!(g.edges().len(), 4);
    }

    #[test]
    fn kb_node_absorbs_later_name_only_entity() {
        let mut g = Graph::new();
        let a = g.add_node(EntityKind::Person, "Xi Jinping", Some("wikidata:Q15031"));
        assert_eq!(g.add_node(EntityKind::Person, "Xi  jinping", None), a);
        assert_ne!(g.add_node(EntityKind::Location, "Xi Jinping", None), a);
    }

    #[test]
    fn timex_values() {
        let d = |v: &str| timex_days(v).map(|(a, b)| (format_day(a), format_day(b)));
        let p = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(d("2023-02-24"), p("2023-02-24", "2023-02-24"));
        assert_eq!(d("2024-02"), p("2024-02-01", "2024-02-29"));
        assert_eq!(d("2021"), p("2021-01-01", "2021-12-31"));
        assert_eq!(d("2023-02-28T09:00"), p("2023-02-28", "2023-02-28"));
        assert_eq!(d("2023-02-28/2023-03-02"), p("2023-02-28", "2023-03-02"));
        assert_eq!(d("2013-W11"), p("2013-03-11", "2013-03-17"));
        assert_eq!(d("2023-Q1"), p("2023-01-01", "2023-03-31"));
        assert_eq!(d("2023-WI"), p("2023-12-01", "2024-02-29"));
        for bad in [
            "XXXX-09",
            "P3D",
            "PRESENT_REF",
            "2023-13",
            "2023-02-30",
            "",
            "2023-03-02/2023-02-01",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn merge_of_graphs_equals_adding_documents() {
        let mut a = Graph::from_document("a", &doc_a());
        let b = Graph::from_document("b", &doc_b());
        a.merge(&b);
        let c = corpus();
        assert_eq!(a.nodes().len(), c.nodes().len());
        assert_eq!(a.edges(), c.edges());
        assert_eq!(a.events(), c.events());
        assert_eq!(a.documents(), c.documents());
    }

    #[test]
    fn graph_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Graph>();
    }

    #[test]
    fn a_document_counts_once_per_node() {
        let mut d = doc_a();
        // a second entity with the same gazetteer id (two readings of one name)
        d.entities.push(ent(
            3,
            EntityKind::Person,
            "Xi",
            Some("wikidata:Q15031"),
            &[(0, 2)],
        ));
        let mut g = Graph::new();
        g.include_all_entities(true).add_document("a", &d);
        let xi = g.find("Xi Jinping").unwrap();
        assert_eq!((g.node(xi).documents, g.node(xi).mentions), (1, 2));
    }

    #[cfg(feature = "petgraph")]
    #[test]
    fn petgraph_conversion() {
        let g = corpus();
        let p = g.to_petgraph();
        assert_eq!(p.node_count(), g.nodes().len());
        assert_eq!(p.edge_count(), g.edges().len());
    }
}
