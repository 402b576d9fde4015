//! `extract`: news text in, who-met-whom out.
//!
//! ```text
//! cargo run --release --example extract -- article.txt                 # readable summary
//! cargo run --release --example extract -- --format json --date 2023-02-28 article.txt
//! cargo run --release --example extract -- --jsonl corpus.jsonl > out.jsonl
//! ```
//!
//! Speaks the JSON contract (`CONTRACT.md`): with `--jsonl`, one output line per input line,
//! in input order; a bad line (invalid UTF-8 or JSON, no string `text`, a bad `date`, an empty
//! line, a document over `--max-bytes`) gives `{"id": ..., "error": "line N: ..."}` and a
//! message on stderr, every other line is still processed, and the exit status is 1 at the
//! end. A closed standard output (`| head -1`) ends the program quietly.

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;

use newsgraph::{Date, Document, Extractor, Role};

const USAGE: &str = "usage: extract [OPTIONS] [FILE...]
       extract [OPTIONS] --jsonl [FILE]

Reads news text (each FILE is one document; standard input when none) and prints its
entities, times and events.

options:
  --format human|json   output format for plain-text input (default human; --jsonl is always json)
  --jsonl               input is JSON Lines: {\"id\": ..., \"text\": ..., \"date\": \"YYYY-MM-DD\"}
  --date YYYY-MM-DD     the document date for plain-text input
  --gazetteer FILE      add a gazetteer file (repeatable)
  --rules FILE          add a relation rule file (repeatable)
  --no-defaults         do not load the embedded default gazetteers
  --max-bytes N         largest document accepted (default 16777216)
  --threads N           with --jsonl, analyse on N threads; output stays in input order (default 1)
  -h, --help            this text";

struct Options {
    format_json: bool,
    jsonl: bool,
    date: Option<Date>,
    files: Vec<String>,
    gazetteers: Vec<String>,
    rules: Vec<String>,
    defaults: bool,
    max_bytes: Option<usize>,
    threads: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        format_json: false,
        jsonl: false,
        date: None,
        files: Vec::new(),
        gazetteers: Vec::new(),
        rules: Vec::new(),
        defaults: true,
        max_bytes: None,
        threads: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--format" => match value("--format")?.as_str() {
                "json" => o.format_json = true,
                "human" | "text" => o.format_json = false,
                f => return Err(format!("unknown format {f:?} (human or json)")),
            },
            "--jsonl" => o.jsonl = true,
            "--date" => {
                let d = value("--date")?;
                o.date = Some(
                    Date::parse(&d)
                        .ok_or_else(|| format!("--date {d:?} is not a valid YYYY-MM-DD date"))?,
                );
            }
            "--gazetteer" => o.gazetteers.push(value("--gazetteer")?),
            "--rules" => o.rules.push(value("--rules")?),
            "--no-defaults" => o.defaults = false,
            "--max-bytes" => {
                let v = value("--max-bytes")?;
                o.max_bytes = Some(
                    v.parse()
                        .map_err(|_| format!("--max-bytes {v:?} is not a number"))?,
                );
            }
            "--threads" => {
                let v = value("--threads")?;
                o.threads = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--threads {v:?} is not a positive number"))?;
            }
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            _ => o.files.push(a),
        }
    }
    if o.jsonl && o.files.len() > 1 {
        return Err("--jsonl reads one FILE (or standard input)".into());
    }
    Ok(o)
}

fn main() -> ExitCode {
    match try_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("extract: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the program; `Ok(false)` when some document failed.
fn try_main() -> io::Result<bool> {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("extract: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let mut b = Extractor::builder();
    b.defaults(o.defaults);
    for g in &o.gazetteers {
        b.gazetteer_file(g);
    }
    for r in &o.rules {
        b.rule_file(r);
    }
    if let Some(n) = o.max_bytes {
        b.max_document_bytes(n);
    }
    let ex = match b.build() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("extract: {e}");
            std::process::exit(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let ok = if o.jsonl {
        let input: Box<dyn BufRead> = match o.files.first() {
            Some(f) if f != "-" => Box::new(io::BufReader::with_capacity(1 << 16, open(f)?)),
            _ => Box::new(io::BufReader::new(io::stdin().lock())),
        };
        run_jsonl(&ex, input, o.threads, &mut out)?
    } else {
        let mut ok = true;
        let inputs: Vec<String> = if o.files.is_empty() {
            vec!["-".into()]
        } else {
            o.files.clone()
        };
        for f in &inputs {
            let bytes = if f == "-" {
                let mut v = Vec::new();
                io::stdin().lock().read_to_end(&mut v)?;
                v
            } else {
                match std::fs::read(f) {
                    Ok(v) => v,
                    Err(e) => {
                        eprintln!("extract: {f}: {e}");
                        ok = false;
                        continue;
                    }
                }
            };
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "extract: {f}: invalid UTF-8 at byte {}",
                        e.utf8_error().valid_up_to()
                    );
                    ok = false;
                    continue;
                }
            };
            let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
            match ex.extract_with_date(text, o.date) {
                Ok(doc) => {
                    if o.format_json {
                        doc.write_json(Some(f), &mut out)?;
                        out.write_all(b"\n")?;
                    } else {
                        write_human(f, &doc, &mut out)?;
                    }
                }
                Err(e) => {
                    eprintln!("extract: {f}: {e}");
                    ok = false;
                }
            }
        }
        ok
    };
    out.flush()?;
    Ok(ok)
}

fn open(f: &str) -> io::Result<std::fs::File> {
    std::fs::File::open(f).map_err(|e| io::Error::new(e.kind(), format!("{f}: {e}")))
}

/// One output line per input line, in input order; returns false when any line failed.
///
/// Lines are read here and analysed (parsed, extracted and serialised) on `threads` threads
/// by [`Extractor::map_batch`]; the output of each line is written here, in order.
fn run_jsonl(
    ex: &Extractor,
    input: Box<dyn BufRead>,
    threads: usize,
    out: &mut impl Write,
) -> io::Result<bool> {
    let lines = Lines { input, n: 0 };
    let mut ok = true;
    for rendered in ex.map_batch(lines, threads, render_line) {
        let (json, err) = rendered?;
        if let Some(msg) = err {
            ok = false;
            eprintln!("extract: {msg}");
        }
        out.write_all(&json)?;
    }
    Ok(ok)
}

/// The lines of the input with their numbers, without line ends (and without a BOM on
/// line 1); stops after a read error.
struct Lines {
    input: Box<dyn BufRead>,
    n: usize,
}

impl Iterator for Lines {
    type Item = io::Result<(usize, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        match self.input.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                self.input = Box::new(io::empty());
                return Some(Err(e));
            }
        }
        self.n += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        if self.n == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        Some(Ok((self.n, buf)))
    }
}

/// One line's output (a JSON line) and, for a bad line, its message for stderr.
fn render_line(
    ex: &Extractor,
    line: io::Result<(usize, Vec<u8>)>,
) -> io::Result<(Vec<u8>, Option<String>)> {
    let (n, line) = line?;
    let mut json = Vec::new();
    match process_line(ex, &line) {
        Ok((id, doc)) => {
            doc.write_json_value_id(&id, &mut json)?;
            Ok((json, None))
        }
        Err((id, msg)) => {
            let v = serde_json::json!({"id": id, "error": format!("line {n}: {msg}")});
            serde_json::to_writer(&mut json, &v).map_err(io::Error::other)?;
            json.push(b'\n');
            Ok((json, Some(format!("line {n}: {msg}"))))
        }
    }
}

type LineError = (serde_json::Value, String);

fn process_line(ex: &Extractor, line: &[u8]) -> Result<(serde_json::Value, Document), LineError> {
    let null = serde_json::Value::Null;
    if line.iter().all(|b| b.is_ascii_whitespace()) {
        return Err((null, "empty line".into()));
    }
    let s = std::str::from_utf8(line).map_err(|e| {
        (
            null.clone(),
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    let v: serde_json::Value =
        serde_json::from_str(s).map_err(|e| (null.clone(), format!("invalid JSON: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| (null.clone(), "not a JSON object".to_string()))?;
    let id = obj.get("id").cloned().unwrap_or(serde_json::Value::Null);
    let text = match obj.get("text") {
        Some(serde_json::Value::String(t)) => t,
        Some(_) => return Err((id, "\"text\" is not a string".into())),
        None => return Err((id, "no \"text\" field".into())),
    };
    let date = match obj.get("date") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(d)) => Some(Date::parse(d).ok_or_else(|| {
            (
                id.clone(),
                format!("\"date\" {d:?} is not a valid YYYY-MM-DD date"),
            )
        })?),
        Some(_) => return Err((id, "\"date\" is not a string".into())),
    };
    let doc = ex
        .extract_with_date(text, date)
        .map_err(|e| (id.clone(), e.to_string()))?;
    Ok((id, doc))
}

trait WriteWithId {
    fn write_json_value_id(&self, id: &serde_json::Value, out: &mut impl Write) -> io::Result<()>;
}

impl WriteWithId for Document {
    /// Writes the document with any JSON id (string, number or null) echoed.
    fn write_json_value_id(&self, id: &serde_json::Value, out: &mut impl Write) -> io::Result<()> {
        match id {
            serde_json::Value::String(s) => self.write_json(Some(s), &mut *out)?,
            serde_json::Value::Null => self.write_json(None, &mut *out)?,
            other => {
                let mut v: serde_json::Value =
                    serde_json::from_str(&self.to_json(None)).map_err(io::Error::other)?;
                v["id"] = other.clone();
                serde_json::to_writer(&mut *out, &v).map_err(io::Error::other)?;
            }
        }
        out.write_all(b"\n")
    }
}

/// The readable view: entities, then one line per event.
fn write_human(name: &str, doc: &Document, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "== {name}{}",
        doc.date().map(|d| format!(" ({d})")).unwrap_or_default()
    )?;
    writeln!(out, "entities:")?;
    for e in doc.entities() {
        let attrs: Vec<String> = e
            .attrs
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "title" | "country" | "kind"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(
            out,
            "  {:<13} {}{}{}",
            e.kind.as_str(),
            e.name,
            if attrs.is_empty() {
                String::new()
            } else {
                format!(" ({})", attrs.join(", "))
            },
            if e.mentions.len() > 1 {
                format!(" ×{}", e.mentions.len())
            } else {
                String::new()
            }
        )?;
    }
    writeln!(out, "events:")?;
    for ev in doc.events() {
        let name = |i: usize| doc.entities()[i].name.as_str();
        let parts: Vec<&str> = ev.participants().map(name).collect();
        let when = ev
            .arg(Role::Time)
            .and_then(|a| a.value.clone())
            .unwrap_or_else(|| "?".into());
        let place = ev
            .arg(Role::Place)
            .or_else(|| ev.arg(Role::Destination))
            .map(|a| {
                a.entity
                    .map(name)
                    .unwrap_or_else(|| doc.slice(a.span))
                    .to_string()
            })
            .unwrap_or_else(|| "?".into());
        let verb = match ev.kind.as_str() {
            "MEET" => "MET",
            "CALL" => "CALLED",
            "VISIT" => "VISITED",
            k => k,
        };
        let line = match (ev.kind.as_str(), parts.as_slice()) {
            ("VISIT", [p, ..]) => format!("{p} {verb} {place}"),
            (_, [a, rest @ ..]) if !rest.is_empty() => format!("{a} {verb} {}", rest.join(", ")),
            (_, [a]) => format!("{a} {verb} ?"),
            _ => verb.to_string(),
        };
        writeln!(out, "  {when} · {place} · {line} [{}]", ev.status.as_str())?;
    }
    writeln!(out)
}
