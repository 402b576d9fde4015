//! The JSON of `../shared/CONTRACT.md`: one object per document.
//!
//! ```json
//! {"id": "doc-1", "date": "2023-02-28",
//!  "entities": [{"id": "e0", "type": "PERSON", "name": "Alexander Lukashenko", "kb": null,
//!                "attrs": {"title": "President", "country": "Belarus"},
//!                "mentions": [{"start": 101, "end": 121, "text": "Alexander Lukashenko"}]}],
//!  "times": [{"start": 26, "end": 32, "text": "Feb 28", "type": "DATE", "value": "2023-02-28"}],
//!  "events": [{"type": "MEET", "status": "planned", "cameo": "036",
//!              "args": [{"role": "participant", "entity": "e0", "start": 1, "end": 2, "text": "..."},
//!                       {"role": "time", "start": 5, "end": 9, "text": "...", "value": "2023-02-28"}],
//!              "trigger": {"start": 0, "end": 0, "text": "meet"},
//!              "evidence": {"start": 0, "end": 0, "text": "..."},
//!              "sentence": 5, "rule": "meet.expected-to-meet", "more_evidence": []}]}
//! ```
//! Offsets are byte offsets into the UTF-8 text, `end` exclusive.
//!
//! [`Document::write_json`] and [`Document::to_json`] write it straight from the document
//! (about a fifth of the instructions of serde's derived serialisation, which was a tenth
//! of the whole `extract --jsonl` run); [`Document::to_json_pretty`] goes through serde.
//! [`crate::Extractor::extract_json_into`] writes the same bytes from the extractor's state
//! without making the document (see [`write_parts`]). The tests at the end hold all of them
//! to the same bytes.

use std::cell::Cell;
use std::io::{self, Write};

use serde::Serialize;

use crate::doc::{Attrs, Document, Event};
use crate::span::Span;

#[derive(Serialize)]
struct DocOut<'a> {
    id: Option<&'a str>,
    date: Option<&'a str>,
    entities: Vec<EntityOut<'a>>,
    times: Vec<TimeOut<'a>>,
    events: Vec<EventOut<'a>>,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

fn span_out(text: &str, s: Span) -> SpanOut<'_> {
    SpanOut {
        start: s.start,
        end: s.end,
        text: s.slice(text),
    }
}

#[derive(Serialize)]
struct EntityOut<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    kb: Option<&'a str>,
    attrs: &'a Attrs,
    mentions: Vec<SpanOut<'a>>,
}

#[derive(Serialize)]
struct TimeOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    #[serde(rename = "type")]
    kind: crate::time::TimexType,
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct ArgOut<'a> {
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<String>,
    start: usize,
    end: usize,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    sentence: usize,
    rule: &'a str,
    trigger: SpanOut<'a>,
    evidence: SpanOut<'a>,
}

#[derive(Serialize)]
struct EventOut<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    status: &'static str,
    cameo: Option<&'a str>,
    args: Vec<ArgOut<'a>>,
    trigger: SpanOut<'a>,
    evidence: SpanOut<'a>,
    sentence: usize,
    rule: &'a str,
    more_evidence: Vec<EvidenceOut<'a>>,
}

fn event_out<'a>(text: &'a str, ev: &'a Event) -> EventOut<'a> {
    EventOut {
        kind: &ev.kind,
        status: ev.status.as_str(),
        cameo: ev.cameo.as_deref(),
        args: ev
            .args
            .iter()
            .map(|a| ArgOut {
                role: a.role.as_str(),
                entity: a.entity.map(|e| format!("e{e}")),
                start: a.span.start,
                end: a.span.end,
                text: a.span.slice(text),
                value: a.value.as_deref(),
            })
            .collect(),
        trigger: span_out(text, ev.evidence.trigger),
        evidence: span_out(text, ev.evidence.span),
        sentence: ev.evidence.sentence,
        rule: &ev.evidence.rule,
        more_evidence: ev
            .more_evidence
            .iter()
            .map(|e| EvidenceOut {
                sentence: e.sentence,
                rule: &e.rule,
                trigger: span_out(text, e.trigger),
                evidence: span_out(text, e.span),
            })
            .collect(),
    }
}

fn doc_out<'a>(doc: &'a Document, id: Option<&'a str>) -> DocOut<'a> {
    let text = doc.text();
    DocOut {
        id,
        date: doc.date(),
        entities: doc
            .entities()
            .iter()
            .map(|e| EntityOut {
                id: format!("e{}", e.id),
                kind: e.kind.as_str(),
                name: &e.name,
                kb: e.kb.as_deref(),
                attrs: &e.attrs,
                mentions: e.mentions.iter().map(|&m| span_out(text, m)).collect(),
            })
            .collect(),
        times: doc
            .times()
            .iter()
            .map(|t| TimeOut {
                start: t.span.start,
                end: t.span.end,
                text: t.span.slice(text),
                kind: t.kind,
                value: t.value.as_deref(),
            })
            .collect(),
        events: doc.events().iter().map(|e| event_out(text, e)).collect(),
    }
}

/// Eight ones, one per byte of a `u64`.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of eight bytes that are a control (below 0x20), `"` or `\\`;
/// no bit when none is. Above the first such byte a bit may be set wrongly (a borrow), so
/// only the lowest bit counts. The usual zero-byte test (`(v - ONES) & !v & 0x80..`), with
/// `!x` for `!v`: the three kinds of byte are ASCII, so their high bit is clear in both.
/// A borrow only starts at a byte that is one of the three, so bytes below the first
/// one never get a bit, whatever is above them.
fn escape_mask(x: u64) -> u64 {
    let control = x.wrapping_sub(ONES * 0x20);
    let quote = (x ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (control | quote | backslash) & !x & (ONES * 0x80)
}

/// One to seven bytes as the low bytes of a little-endian `u64`, zeros above, read as
/// two overlapping words (or three single bytes) instead of one byte at a time.
#[inline]
fn load_short(b: &[u8]) -> u64 {
    let n = b.len();
    debug_assert!((1..8).contains(&n));
    match (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        // where the two words overlap they hold the same bytes, so or-ing them is harmless
        (Some(&lo), Some(&hi)) => {
            u64::from(u32::from_le_bytes(lo)) | u64::from(u32::from_le_bytes(hi)) << ((n - 4) * 8)
        }
        // one to three bytes: the first, the middle and the last cover them all
        _ => {
            u64::from(b[0])
                | u64::from(b[n / 2]) << (n / 2 * 8)
                | u64::from(b[n - 1]) << ((n - 1) * 8)
        }
    }
}

/// The first byte at or after `from` that JSON escapes, eight bytes at a time. The last
/// few bytes are no byte-by-byte loop either: past eight bytes they are the top of the
/// last eight (the bytes below them were checked already), and a string shorter than
/// eight is read by [`load_short`]; the bytes that are not the tail's are masked off.
#[inline]
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = &bytes[from..];
    let n = rest.len();
    let (base, mask) = match rest.last_chunk::<8>() {
        None if n == 0 => return None,
        // the zeros above the bytes would count as controls: keep the low `n` bytes' bits
        None => (
            from,
            escape_mask(load_short(rest)) & (u64::MAX >> ((8 - n) * 8)),
        ),
        Some(&last) => {
            let mut words = rest.chunks_exact(8);
            for (k, word) in words.by_ref().enumerate() {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(word);
                let m = escape_mask(u64::from_le_bytes(eight));
                if m != 0 {
                    return Some(from + k * 8 + (m.trailing_zeros() / 8) as usize);
                }
            }
            let tail = words.remainder().len();
            if tail == 0 {
                return None;
            }
            // the bytes below the tail are plain (checked above): keep the top `tail` bytes' bits
            let m = escape_mask(u64::from_le_bytes(last)) & (u64::MAX << ((8 - tail) * 8));
            (from + n - 8, m)
        }
    };
    (mask != 0).then(|| base + (mask.trailing_zeros() / 8) as usize)
}

/// The characters of a JSON string, escaped as serde_json escapes them: `\"`, `\\`,
/// `\b`, `\t`, `\n`, `\f`, `\r`, other controls as `\u00xx` (lower-case hex), everything
/// else (DEL, non-ASCII) as it is. Runs of plain bytes are found eight bytes at a time and
/// go out in one copy.
///
/// Only the characters, not the quotes around them: where a string comes between
/// constant parts of the output, the quotes go out with those (`,"text":"`, `"}`), one
/// write less on each side; [`write_str`] writes both.
///
/// Nearly all strings have nothing to escape: this checks for that inline (no call, no
/// saving and restoring of registers per string) and leaves the rest to
/// [`write_escaped_from`].
#[inline]
fn write_escaped(out: &mut Vec<u8>, s: &str) {
    write_escaped_bytes(out, s.as_bytes());
}

/// [`write_escaped`] of the bytes of a `str` (or of a slice of one cut at character
/// boundaries: the output stays UTF-8).
#[inline]
fn write_escaped_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    match next_escape(bytes, 0) {
        None => out.extend_from_slice(bytes),
        Some(at) => write_escaped_from(out, bytes, at),
    }
}

/// [`write_escaped`] of `bytes`, whose first byte to escape is at `first`.
#[inline(never)]
fn write_escaped_from(out: &mut Vec<u8>, bytes: &[u8], first: usize) {
    let (mut run, mut at) = (0, first);
    loop {
        out.extend_from_slice(&bytes[run..at]);
        write_escape(out, bytes[at]);
        run = at + 1;
        match next_escape(bytes, run) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

/// The escape of one byte that JSON escapes.
fn write_escape(out: &mut Vec<u8>, b: u8) {
    let short = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0A => b'n',
        0x0C => b'f',
        0x0D => b'r',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xF)],
            ]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

/// A JSON string: the characters of [`write_escaped`] between quotes.
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    write_escaped(out, s);
    out.push(b'"');
}

/// A string or `null`.
fn write_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// The two-digit numbers `00` to `99`, one after the other.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// A number in decimal, two digits at a time.
///
/// A number of up to eight digits (every offset of a document below 100 MB) is put
/// together in a word, first digit in the lowest byte, and goes out as one fixed-size
/// eight-byte store of which the bytes past the digits are cut off again: no buffer and no
/// `memcpy` call. Longer numbers go to [`write_long_num`], out of line so that this stays
/// small enough to be inlined.
#[inline]
fn write_num(out: &mut Vec<u8>, mut n: usize) {
    if n >= 100_000_000 {
        write_long_num(out, n);
        return;
    }
    // the digits are made last to first, so each new pair goes below the ones made before
    let pair = |d: usize| {
        u64::from(u16::from_le_bytes([
            DIGIT_PAIRS[d * 2],
            DIGIT_PAIRS[d * 2 + 1],
        ]))
    };
    let (mut word, mut len) = (0u64, 0);
    while n >= 100 {
        word = word << 16 | pair(n % 100);
        len += 2;
        n /= 100;
    }
    if n >= 10 {
        word = word << 16 | pair(n);
        len += 2;
    } else {
        word = word << 8 | (u64::from(b'0') + n as u64);
        len += 1;
    }
    let at = out.len();
    out.extend_from_slice(&word.to_le_bytes());
    out.truncate(at + len);
}

/// A number of nine digits or more, through a buffer, for [`write_num`].
#[cold]
#[inline(never)]
fn write_long_num(out: &mut Vec<u8>, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while n >= 100 {
        let d = (n % 100) * 2;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGIT_PAIRS[d..d + 2]);
    }
    if n >= 10 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGIT_PAIRS[n * 2..n * 2 + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    out.extend_from_slice(&buf[i..]);
}

/// `"start":N,"end":N,"text":"...`, the fields of a span inside an object, without the
/// closing quote of the text: the caller writes it with what follows. The text is cut as
/// bytes (every span of a document is cut at character boundaries; a `str` slice checks
/// both ends again).
fn write_span_fields(out: &mut Vec<u8>, text: &str, s: Span) {
    out.extend_from_slice(b"\"start\":");
    write_num(out, s.start);
    out.extend_from_slice(b",\"end\":");
    write_num(out, s.end);
    out.extend_from_slice(b",\"text\":\"");
    write_escaped_bytes(out, &text.as_bytes()[s.start..s.end]);
}

/// `{"start":N,"end":N,"text":"..."}`.
fn write_span(out: &mut Vec<u8>, text: &str, s: Span) {
    out.push(b'{');
    write_span_fields(out, text, s);
    out.extend_from_slice(b"\"}");
}

/// The contract JSON of a document, written straight from it: the same bytes as
/// serde_json's compact output of [`doc_out`] (same keys in the same order, same escapes;
/// the tests below hold the two together), without building the `DocOut` tree, its
/// `Vec`s and `format!`ted ids first. Strings known to be plain ASCII (kinds, statuses,
/// roles) go out unescaped. It writes to a `Vec` (no `io::Result` to pass up from every
/// small write); [`Document::write_json`] hands the whole document to its writer.
fn write_doc(doc: &Document, id: Option<&str>, out: &mut Vec<u8>) {
    let entities = doc.entities().iter().map(|e| EntityView {
        id: e.id,
        kind: e.kind,
        name: &e.name,
        kb: e.kb.as_deref(),
        attrs: &e.attrs,
        mentions: &e.mentions,
    });
    write_parts(
        doc.text(),
        doc.date(),
        id,
        entities,
        doc.times(),
        doc.events(),
        out,
    );
}

/// What the JSON of an entity is written from: a [`crate::doc::Entity`]'s fields, or the
/// extractor's draft of one (see `Extractor::extract_json_into`), which points at its
/// gazetteer entry's name, id and attributes rather than holding copies.
pub(crate) struct EntityView<'a> {
    pub id: usize,
    pub kind: crate::doc::EntityKind,
    pub name: &'a str,
    pub kb: Option<&'a str>,
    pub attrs: &'a Attrs,
    /// In text order.
    pub mentions: &'a [Span],
}

/// [`write_doc`] of a document given by its parts: its text, date, entities, times and
/// events, with `id`.
pub(crate) fn write_parts<'a>(
    text: &str,
    date: Option<&str>,
    id: Option<&str>,
    entities: impl Iterator<Item = EntityView<'a>>,
    times: &[crate::time::Timex],
    events: &[Event],
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(b"{\"id\":");
    write_opt_str(out, id);
    out.extend_from_slice(b",\"date\":");
    write_opt_str(out, date);
    out.extend_from_slice(b",\"entities\":[");
    for (i, e) in entities.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":\"e");
        write_num(out, e.id);
        out.extend_from_slice(b"\",\"type\":\"");
        out.extend_from_slice(e.kind.as_str().as_bytes());
        out.extend_from_slice(b"\",\"name\":\"");
        write_escaped(out, e.name);
        out.extend_from_slice(b"\",\"kb\":");
        write_opt_str(out, e.kb);
        out.extend_from_slice(b",\"attrs\":{");
        for (j, (k, v)) in e.attrs.iter().enumerate() {
            out.extend_from_slice(if j > 0 { b",\"" } else { b"\"" });
            write_escaped(out, k);
            out.extend_from_slice(b"\":\"");
            write_escaped(out, v);
            out.push(b'"');
        }
        out.extend_from_slice(b"},\"mentions\":[");
        for (j, &m) in e.mentions.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            write_span(out, text, m);
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"times\":[");
    for (i, t) in times.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        write_span_fields(out, text, t.span);
        out.extend_from_slice(b"\",\"type\":\"");
        out.extend_from_slice(t.kind.as_str().as_bytes());
        out.extend_from_slice(b"\",\"value\":");
        write_opt_str(out, t.value.as_deref());
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"events\":[");
    for (i, ev) in events.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_event(out, text, ev);
    }
    out.extend_from_slice(b"]}");
}

/// One event object of [`write_doc`].
fn write_event(out: &mut Vec<u8>, text: &str, ev: &Event) {
    out.extend_from_slice(b"{\"type\":\"");
    write_escaped(out, &ev.kind);
    out.extend_from_slice(b"\",\"status\":\"");
    out.extend_from_slice(ev.status.as_str().as_bytes());
    out.extend_from_slice(b"\",\"cameo\":");
    write_opt_str(out, ev.cameo.as_deref());
    out.extend_from_slice(b",\"args\":[");
    for (i, a) in ev.args.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"role\":\"");
        out.extend_from_slice(a.role.as_str().as_bytes());
        out.extend_from_slice(b"\",");
        if let Some(e) = a.entity {
            out.extend_from_slice(b"\"entity\":\"e");
            write_num(out, e);
            out.extend_from_slice(b"\",");
        }
        write_span_fields(out, text, a.span);
        if let Some(v) = &a.value {
            out.extend_from_slice(b"\",\"value\":\"");
            write_escaped(out, v);
        }
        out.extend_from_slice(b"\"}");
    }
    out.extend_from_slice(b"],\"trigger\":");
    write_span(out, text, ev.evidence.trigger);
    out.extend_from_slice(b",\"evidence\":");
    write_span(out, text, ev.evidence.span);
    out.extend_from_slice(b",\"sentence\":");
    write_num(out, ev.evidence.sentence);
    out.extend_from_slice(b",\"rule\":\"");
    write_escaped(out, &ev.evidence.rule);
    out.extend_from_slice(b"\",\"more_evidence\":[");
    for (i, e) in ev.more_evidence.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"sentence\":");
        write_num(out, e.sentence);
        out.extend_from_slice(b",\"rule\":\"");
        write_escaped(out, &e.rule);
        out.extend_from_slice(b"\",\"trigger\":");
        write_span(out, text, e.trigger);
        out.extend_from_slice(b",\"evidence\":");
        write_span(out, text, e.span);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
}

thread_local! {
    /// The buffer [`Document::write_json`] writes a document into before handing it to
    /// the writer in one piece. It keeps its capacity from one document to the next, so
    /// it is not allocated (nor grown) per document.
    static JSON_BUF: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// The largest [`JSON_BUF`] a thread keeps for the next document; a larger one (after an
/// unusually large document) is freed rather than held for the rest of the thread's life.
const JSON_BUF_KEPT: usize = 1 << 20;

impl Document {
    /// Writes the contract JSON of this document (one line, no trailing newline).
    ///
    /// The document is put together in a buffer that the thread keeps for the next one,
    /// and goes to `w` in one `write_all`, so an unbuffered writer is fine too.
    ///
    /// # Errors
    /// Only the writer's I/O errors.
    pub fn write_json<W: Write>(&self, id: Option<&str>, mut w: W) -> io::Result<()> {
        // taken out of the cell (not borrowed), so that a writer that writes JSON itself
        // would only find an empty buffer, not a panic
        let mut buf = JSON_BUF.take();
        buf.clear();
        write_doc(self, id, &mut buf);
        let written = w.write_all(&buf);
        if buf.capacity() <= JSON_BUF_KEPT {
            JSON_BUF.set(buf);
        }
        written
    }

    /// Appends the contract JSON of this document (one line, no trailing newline) to
    /// `out`: [`Document::write_json`] without its buffer and the copy out of it, for a
    /// caller that collects its output in a `Vec` anyway.
    pub fn write_json_into(&self, id: Option<&str>, out: &mut Vec<u8>) {
        write_doc(self, id, out);
    }

    /// The contract JSON of this document as a string.
    pub fn to_json(&self, id: Option<&str>) -> String {
        let mut out = Vec::with_capacity(self.text.len() * 2 + 64);
        self.write_json_into(id, &mut out);
        // the writer writes whole `str`s and ASCII only
        String::from_utf8(out).unwrap_or_default()
    }

    /// The contract JSON of this document, pretty-printed.
    pub fn to_json_pretty(&self, id: Option<&str>) -> String {
        serde_json::to_string_pretty(&doc_out(self, id)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Arg, Entity, EntityKind, Evidence, Role, Status};
    use crate::time::{Timex, TimexType};

    /// The serde path the fast writer must match byte for byte.
    fn serde_json_of(doc: &Document, id: Option<&str>) -> String {
        serde_json::to_string(&doc_out(doc, id)).unwrap()
    }

    fn assert_same(doc: &Document, id: Option<&str>) {
        let fast = doc.to_json(id);
        assert_eq!(
            fast,
            serde_json_of(doc, id),
            "id {id:?}, text {:?}",
            doc.text
        );
        let mut buf = Vec::new();
        doc.write_json(id, &mut buf).unwrap();
        assert_eq!(buf, fast.as_bytes());
        // appended after what is there already
        let mut into = b"[".to_vec();
        doc.write_json_into(id, &mut into);
        assert_eq!(into[0], b'[');
        assert_eq!(&into[1..], fast.as_bytes());
    }

    /// xorshift64*: a small deterministic generator, so the documents are the same on
    /// every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
            list[self.below(list.len())]
        }
        fn chance(&mut self) -> bool {
            self.next() & 1 == 0
        }
    }

    /// Pieces of text and of names, with every byte class the escaping treats apart.
    const PIECES: &[&str] = &[
        "Xi Jinping",
        "met",
        "Lukashenko",
        " ",
        " ",
        ".",
        "\"",
        "\\",
        "\\\"",
        "/",
        "\n",
        "\r\n",
        "\t",
        "\u{8}",
        "\u{c}",
        "\u{0}",
        "\u{1}",
        "\u{1f}",
        "\u{7f}",
        "\u{80}",
        "\u{2028}",
        "é",
        "José Müller",
        "日本",
        "🙂",
        "\u{301}",
        "“quoted”",
        "",
        "a long run of plain ASCII text without anything to escape in it at all",
    ];

    fn string(r: &mut Rng) -> String {
        (0..r.below(5)).map(|_| r.pick(PIECES)).collect()
    }

    fn opt_string(r: &mut Rng) -> Option<String> {
        r.chance().then(|| string(r))
    }

    fn number(r: &mut Rng) -> usize {
        match r.below(4) {
            0 => r.below(10),
            1 => r.below(100_000),
            2 => usize::MAX - r.below(3),
            _ => r.next() as usize,
        }
    }

    /// A span on char boundaries of `text`.
    fn span(r: &mut Rng, text: &str) -> Span {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let (a, b) = (bounds[r.below(bounds.len())], bounds[r.below(bounds.len())]);
        Span {
            start: a.min(b),
            end: a.max(b),
        }
    }

    fn evidence(r: &mut Rng, text: &str) -> Evidence {
        Evidence {
            sentence: number(r),
            span: span(r, text),
            trigger: span(r, text),
            rule: string(r),
        }
    }

    fn random_doc(r: &mut Rng) -> Document {
        let text: String = (0..r.below(30)).map(|_| r.pick(PIECES)).collect();
        const KINDS: &[EntityKind] = &EntityKind::ALL;
        let entities = (0..r.below(4))
            .map(|id| Entity {
                id: if r.below(4) == 0 { number(r) } else { id },
                kind: KINDS[r.below(KINDS.len())],
                name: string(r),
                kb: opt_string(r),
                attrs: (0..r.below(4)).map(|_| (string(r), string(r))).collect(),
                mentions: (0..r.below(4)).map(|_| span(r, &text)).collect(),
            })
            .collect();
        const TYPES: &[TimexType] = &[
            TimexType::Date,
            TimexType::Time,
            TimexType::Duration,
            TimexType::Set,
        ];
        let times = (0..r.below(4))
            .map(|_| Timex {
                span: span(r, &text),
                kind: TYPES[r.below(TYPES.len())],
                value: opt_string(r),
            })
            .collect();
        const STATUSES: &[Status] = &[Status::Occurred, Status::Planned, Status::Negated];
        const ROLES: &[Role] = &[
            Role::Participant,
            Role::Place,
            Role::Time,
            Role::Origin,
            Role::Destination,
        ];
        let events = (0..r.below(4))
            .map(|_| Event {
                kind: string(r),
                status: STATUSES[r.below(STATUSES.len())],
                args: (0..r.below(5))
                    .map(|_| Arg {
                        role: ROLES[r.below(ROLES.len())],
                        entity: r.chance().then(|| number(r)),
                        span: span(r, &text),
                        value: opt_string(r),
                    })
                    .collect(),
                cameo: opt_string(r),
                evidence: evidence(r, &text),
                more_evidence: (0..r.below(3)).map(|_| evidence(r, &text)).collect(),
            })
            .collect();
        Document {
            date: opt_string(r),
            text,
            sentences: Vec::new(),
            entities,
            times,
            events,
        }
    }

    #[test]
    fn next_escape_finds_the_first_byte_to_escape() {
        let naive = |bytes: &[u8], from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
                .map(|p| from + p)
        };
        // every byte value at every place of a word, among fillers next to the special ones
        for filler in [b'a', b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xa0, 0xff] {
            for b in 0..=255u8 {
                for at in 0..19 {
                    let mut v = vec![filler; 19];
                    v[at] = b;
                    for from in [0, 1, 3, 8] {
                        assert_eq!(next_escape(&v, from), naive(&v, from), "{v:?} from {from}");
                    }
                }
            }
        }
        // random bytes, sparse and dense in special ones
        let mut r = Rng(3);
        const BYTES: &[u8] = &[
            0, 1, 0x1f, 0x20, 0x21, b'"', b'#', b'\\', 0x5b, 0x5d, 0x7f, 0x80, 0xff,
        ];
        for _ in 0..20_000 {
            let v: Vec<u8> = (0..r.below(40))
                .map(|_| {
                    if r.below(6) == 0 {
                        BYTES[r.below(BYTES.len())]
                    } else {
                        r.next() as u8
                    }
                })
                .collect();
            let from = r.below(v.len() + 1);
            assert_eq!(next_escape(&v, from), naive(&v, from), "{v:?} from {from}");
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut ns = vec![0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, usize::MAX];
        ns.extend((0..64).map(|k| 1usize << k));
        ns.extend((1..20).map(|k| 10usize.pow(k) - 1));
        let mut r = Rng(5);
        ns.extend((0..1000).map(|_| r.next() as usize >> r.below(64)));
        for n in ns {
            let mut buf = Vec::new();
            write_num(&mut buf, n);
            assert_eq!(String::from_utf8(buf).unwrap(), n.to_string());
        }
    }

    #[test]
    fn fast_writer_matches_serde_on_random_documents() {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let doc = random_doc(&mut r);
            let id = opt_string(&mut r);
            assert_same(&doc, id.as_deref());
        }
        assert_same(&Document::default(), None);
    }

    #[test]
    fn fast_writer_matches_serde_on_extracted_documents() {
        let ex = crate::Extractor::new().unwrap();
        let golden = [
            include_str!("../tests/golden/no-events.txt"),
            include_str!("../tests/golden/passive-nominal.txt"),
            include_str!("../tests/golden/phone-calls.txt"),
            include_str!("../tests/golden/sidelines.txt"),
            include_str!("../tests/golden/state-visit.txt"),
            include_str!("../tests/golden/unknown-names.txt"),
        ];
        let mut r = Rng(7);
        let mut texts: Vec<String> = golden.iter().map(|t| t.to_string()).collect();
        // news-like sentences with quotes, controls and non-ASCII text between them
        const WORDS: &[&str] = &[
            "Xi Jinping met Alexander Lukashenko in Beijing on Feb. 24.",
            "President Vladimir Putin spoke by phone with Emmanuel Macron \"yesterday\".",
            "Sergei Lavrov will visit São Paulo next month.",
            "The two leaders held talks in Samarkand in September 2022.",
            "Wang Yi did not meet Theresa May\tin Paris.",
            "Ángela Núñez arrived in Kyiv\r\non 2023-03-01.",
            "the Shanghai Cooperation Organisation (SCO) summit in Samarkand",
            "“Chancellor Olaf Scholz called Mr. Biden,” she said \\ 日本 🙂.",
            "\u{1}\u{1f}\u{7f}",
        ];
        for _ in 0..40 {
            texts.push(
                (0..1 + r.below(6))
                    .map(|_| r.pick(WORDS))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        let (mut events, mut titled) = (0, 0);
        for (i, t) in texts.iter().enumerate() {
            let date = crate::Date::parse("2023-02-28").filter(|_| i % 2 == 0);
            let doc = ex.extract_with_date(t, date).unwrap();
            events += doc.events().len();
            // a gazetteer entity with attributes from the context too
            titled += doc
                .entities()
                .iter()
                .filter(|e| e.kb.is_some() && e.attrs.contains_key("title"))
                .count();
            for id in [Some("doc \"1\"\n"), None] {
                assert_same(&doc, id);
                // written without the document: the same bytes, appended
                let mut direct = b"[".to_vec();
                ex.extract_json_into(t, date, id, &mut direct).unwrap();
                assert_eq!(direct[0], b'[');
                assert_eq!(
                    String::from_utf8_lossy(&direct[1..]),
                    doc.to_json(id),
                    "{t:?}"
                );
            }
        }
        assert!(events > 10, "the texts should give events");
        assert!(titled > 5, "the texts should give known people with titles");
    }
}
