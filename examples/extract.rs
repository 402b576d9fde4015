//! `extract`: news text in, who-met-whom out.
//!
//! ```text
//! cargo run --release --example extract -- article.txt                 # readable summary
//! cargo run --release --example extract -- --format json --date 2023-02-28 article.txt
//! cargo run --release --example extract -- --jsonl corpus.jsonl > out.jsonl
//! cargo run --release --example extract -- --format html --date 2023-02-28 article.txt > page.html
//! cargo run --release --example extract -- --jsonl corpus.jsonl -q --graph corpus.graphml
//! ```
//!
//! Speaks the JSON contract (`CONTRACT.md`): with `--jsonl`, one output line per input line,
//! in input order; a bad line (invalid UTF-8 or JSON, no string `text`, a bad `date`, an empty
//! line, a document over `--max-bytes`) gives `{"id": ..., "error": "line N: ..."}` and a
//! message on stderr, every other line is still processed, and the exit status is 1 at the
//! end. A closed standard output (`| head -1`) ends the program quietly.
//!
//! Graph outputs (`newsgraph::export`): `--format graph-json|dot|graphml|html` prints the graph
//! of all input documents at the end instead of per-document output (`--format html` with one
//! plain-text FILE prints that document's page); `--graph FILE` writes the corpus graph to
//! FILE (format from its extension: `.graphml`, `.dot`/`.gv`, `.json`, `.html`) and
//! `--csv-dir DIR` writes `DIR/nodes.csv` and `DIR/edges.csv` (neo4j-admin import), both while
//! the per-document output still goes to standard output unless `-q`.

/// mimalloc: the glibc allocator costs this program a fifth of its time (many small
/// strings per document) and returns large blocks to the kernel after every document.
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc, called as C calls it where the alignment allows: `mimalloc::MiMalloc` passes
/// every request through mimalloc's aligned entry points, whose checks cost about a tenth
/// of each small allocation and whose general path every block over 1 KiB takes.
struct Mimalloc;

/// The largest alignment `mi_malloc` gives every block of at least that size: mimalloc's
/// blocks of 16 bytes or more are 16-byte aligned (its `MI_MAX_ALIGN_SIZE`, the alignment
/// of C's `max_align_t`), smaller ones 8-byte aligned.
const MI_MAX_ALIGN_SIZE: usize = 16;

/// Whether `mi_malloc(size)` (or `mi_zalloc`, `mi_realloc`) returns memory aligned for
/// `layout`'s alignment; the rule of the standard library's own `System` allocator.
fn plain_fits(align: usize, size: usize) -> bool {
    align <= MI_MAX_ALIGN_SIZE && align <= size
}

// The plain entry points of the mimalloc library that the `mimalloc` crate links in.
unsafe extern "C" {
    fn mi_malloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_zalloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_realloc(p: *mut std::ffi::c_void, newsize: usize) -> *mut std::ffi::c_void;
}

// SAFETY: every block comes from mimalloc, through its plain entry points only when they
// align it as the layout asks (`plain_fits`) and through `mimalloc::MiMalloc` otherwise;
// mimalloc frees and reallocates any of its blocks however it was allocated, and
// `MiMalloc::dealloc` is `mi_free`.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain_fits(layout.align(), layout.size()) {
            // SAFETY: a plain allocation of the layout's (non-zero) size, aligned enough
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract is the one of `GlobalAlloc::alloc`
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain_fits(layout.align(), layout.size()) {
            // SAFETY: as in `alloc`
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract is the one of `GlobalAlloc::alloc_zeroed`
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` is a block of mimalloc's (see `alloc`)
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if plain_fits(layout.align(), new_size) {
            // SAFETY: `ptr` is a block of mimalloc's; the new block is aligned enough
            unsafe { mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: the caller's contract is the one of `GlobalAlloc::realloc`
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;

use newsgraph::export::{self, Format};
use newsgraph::{Date, Document, Extractor, Graph, Role};

const USAGE: &str = "usage: extract [OPTIONS] [FILE...]
       extract [OPTIONS] --jsonl [FILE]

Reads news text (each FILE is one document; standard input when none) and prints its
entities, times and events.

options:
  --format FORMAT       human (default for plain text) or json (default for --jsonl: one line
                        per document); graph-json, dot, graphml or html print the graph of all
                        input documents at the end instead (html of one plain-text FILE: that
                        document's page); csv writes the graph to --csv-dir
  --graph FILE          also write the graph of all documents to FILE; its format from the
                        extension: .graphml, .dot/.gv, .json (graph JSON), .html (repeatable)
  --csv-dir DIR         also write the graph as DIR/nodes.csv and DIR/edges.csv (neo4j-admin)
  --all-entities        graph nodes for every entity, not only those taking part in events
  -q, --quiet           no per-document output on standard output (errors still on stderr)
  --jsonl               input is JSON Lines: {\"id\": ..., \"text\": ..., \"date\": \"YYYY-MM-DD\"}
  --date YYYY-MM-DD     the document date for plain-text input
  --gazetteer FILE      add a gazetteer file (repeatable)
  --rules FILE          add a relation rule file (repeatable)
  --no-defaults         do not load the embedded default gazetteers
  --max-bytes N         largest document accepted (default 16777216)
  --threads N           with --jsonl, analyse on N threads; output stays in input order (default 1);
                        N > 1 also builds the extractor on two threads
  -h, --help            this text";

struct Options {
    format_json: bool,
    /// `--format graph-json|dot|graphml|html|csv`: the graph instead of per-document output
    /// (`None` inside for csv).
    graph_format: Option<Option<Format>>,
    graph_files: Vec<String>,
    csv_dir: Option<String>,
    all_entities: bool,
    quiet: bool,
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
        graph_format: None,
        graph_files: Vec::new(),
        csv_dir: None,
        all_entities: false,
        quiet: false,
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
                "csv" => o.graph_format = Some(None),
                f => match Format::from_name(f) {
                    Some(g) => o.graph_format = Some(Some(g)),
                    None => {
                        return Err(format!(
                            "unknown format {f:?} (human, json, graph-json, dot, graphml, html or csv)"
                        ));
                    }
                },
            },
            "--graph" => {
                let f = value("--graph")?;
                if Format::from_path(&f).is_none() {
                    return Err(format!(
                        "--graph {f:?}: unknown extension (.graphml, .dot, .gv, .json, .html)"
                    ));
                }
                o.graph_files.push(f);
            }
            "--csv-dir" => o.csv_dir = Some(value("--csv-dir")?),
            "--all-entities" => o.all_entities = true,
            "-q" | "--quiet" => o.quiet = true,
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
    if o.graph_format == Some(None) && o.csv_dir.is_none() {
        return Err("--format csv needs --csv-dir DIR".into());
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
    // start-up may use the threads the analysis will
    b.threads(o.threads);
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
    let wants_graph = o.graph_format.is_some() || !o.graph_files.is_empty() || o.csv_dir.is_some();
    let mut graph = wants_graph.then(|| {
        let mut g = Graph::new();
        g.include_all_entities(o.all_entities);
        g
    });
    // per-document output goes to standard output unless -q or a graph format takes it
    let per_doc = !o.quiet && o.graph_format.is_none();
    // `--format html` of one plain-text document: that document's page
    let doc_page = !o.jsonl && o.graph_format == Some(Some(Format::Html)) && o.files.len() <= 1;
    let ok = if o.jsonl {
        let (input, size): (Box<dyn BufRead>, Option<u64>) = match o.files.first() {
            Some(f) if f != "-" => {
                let file = open(f)?;
                let size = file.metadata().ok().map(|m| m.len());
                (Box::new(io::BufReader::with_capacity(1 << 16, file)), size)
            }
            _ => (Box::new(io::BufReader::new(io::stdin().lock())), None),
        };
        let progress = progress_bar(size);
        let mut sink = io::sink();
        let lines: &mut dyn Write = if per_doc { &mut out } else { &mut sink };
        let ok = run_jsonl(
            &ex,
            input,
            o.threads,
            lines,
            graph.as_mut(),
            progress.as_ref(),
        )?;
        if let Some(p) = progress {
            p.finish_and_clear();
        }
        ok
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
                    if let Some(g) = graph.as_mut() {
                        g.add_document(f, &doc);
                    }
                    if doc_page {
                        out.write_all(export::html::document_page(&doc, f).as_bytes())?;
                    } else if per_doc && o.format_json {
                        doc.write_json(Some(f), &mut out)?;
                        out.write_all(b"\n")?;
                    } else if per_doc {
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
    if let Some(g) = &graph {
        if let Some(Some(format)) = o.graph_format
            && !doc_page
        {
            export::write_graph(g, format, &mut out)?;
        }
        for f in &o.graph_files {
            let format = Format::from_path(f).expect("checked when parsing arguments");
            let file = std::fs::File::create(f)
                .map_err(|e| io::Error::new(e.kind(), format!("{f}: {e}")))?;
            export::write_graph(g, format, BufWriter::new(file))?;
        }
        if let Some(d) = &o.csv_dir {
            export::csv::write_dir(g, d)
                .map_err(|e| io::Error::new(e.kind(), format!("{d}: {e}")))?;
        }
    }
    out.flush()?;
    Ok(ok)
}

/// A progress bar on standard error when it is a terminal, over `size` bytes when known.
fn progress_bar(size: Option<u64>) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() {
        return None;
    }
    let pb = match size {
        Some(n) => {
            let pb = indicatif::ProgressBar::new(n);
            pb.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {msg} ({eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            pb
        }
        None => indicatif::ProgressBar::new_spinner(),
    };
    Some(pb)
}

fn open(f: &str) -> io::Result<std::fs::File> {
    std::fs::File::open(f).map_err(|e| io::Error::new(e.kind(), format!("{f}: {e}")))
}

/// One output line per input line, in input order; returns false when any line failed.
///
/// Lines are read here and analysed (parsed, extracted and serialised) on `threads` threads
/// by [`Extractor::map_batch`]; the output of each line is written here, in order, and each
/// document is added to `graph` here too (its id: the JSON `id` as text, or `line N`).
fn run_jsonl(
    ex: &Extractor,
    input: Box<dyn BufRead>,
    threads: usize,
    out: &mut dyn Write,
    mut graph: Option<&mut Graph>,
    progress: Option<&indicatif::ProgressBar>,
) -> io::Result<bool> {
    // a JSON line may escape its text to three times its size (\\u escapes of non-ASCII
    // text), plus the id and the envelope
    let line_limit = ex
        .max_document_bytes()
        .saturating_mul(3)
        .saturating_add(1 << 16);
    let lines = Lines {
        input,
        n: 0,
        limit: line_limit,
        progress: progress.cloned(),
    };
    let keep_docs = graph.is_some();
    let mut ok = true;
    for rendered in ex.map_batch(lines, threads, move |ex, line| {
        render_line(ex, line, keep_docs)
    }) {
        let (json, err, doc) = rendered?;
        if let Some(msg) = err {
            ok = false;
            eprintln!("extract: {msg}");
        }
        if let (Some(g), Some((id, doc))) = (graph.as_deref_mut(), doc) {
            g.add_document(&id, &doc);
        }
        out.write_all(&json)?;
    }
    Ok(ok)
}

/// The lines of the input with their numbers, without line ends (and without a BOM on
/// line 1); stops after a read error. A line longer than `limit` bytes is not kept: the
/// rest of it is read and dropped, and the line comes out as [`Line::TooLong`], so one
/// gigantic line costs `limit` bytes of memory, not its length.
struct Lines {
    input: Box<dyn BufRead>,
    n: usize,
    limit: usize,
    progress: Option<indicatif::ProgressBar>,
}

/// One input line: its bytes, or the length and the first [`HEAD`] bytes of a line over
/// the limit.
enum Line {
    Text(Vec<u8>),
    TooLong {
        len: usize,
        limit: usize,
        head: Vec<u8>,
    },
}

/// The bytes kept of a line over the limit, to name its id in the error.
const HEAD: usize = 4096;

/// The `"id"` of a JSON object from the first bytes of its line: the value after the first
/// `"id"` key that follows `{` or `,`, when it is a string or a number (`null` otherwise).
/// Inside a string value a quote is escaped, so a key found this way is a key.
fn id_of_head(head: &[u8]) -> serde_json::Value {
    let text = String::from_utf8_lossy(head);
    let mut from = 0;
    while let Some(p) = text[from..].find("\"id\"") {
        let at = from + p;
        from = at + 4;
        let before = text[..at].trim_end();
        if !(before.ends_with('{') || before.ends_with(',')) {
            continue;
        }
        let Some(rest) = text[at + 4..].trim_start().strip_prefix(':') else {
            continue;
        };
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        return match values.next() {
            Some(Ok(v @ (serde_json::Value::String(_) | serde_json::Value::Number(_)))) => v,
            _ => serde_json::Value::Null,
        };
    }
    serde_json::Value::Null
}

impl Lines {
    /// Reads up to and including the next `\n` into `buf` while it holds at most `limit`
    /// bytes; returns the bytes read and whether the line was cut.
    fn read_line(&mut self, buf: &mut Vec<u8>) -> io::Result<(usize, bool)> {
        let (mut read, mut cut) = (0, false);
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok((read, cut));
            }
            // (memchr: sixteen bytes or more a step, where a byte-wise search was 1.3% of
            // the samples of a whole run)
            let (used, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if !cut && buf.len() + used > self.limit.saturating_add(2) {
                // over the limit (a line end "\r\n" does not count): keep only its head,
                // where the id usually is
                cut = true;
                let keep = HEAD.saturating_sub(buf.len()).min(used);
                buf.extend_from_slice(&chunk[..keep]);
                buf.truncate(HEAD);
                buf.shrink_to(HEAD);
            }
            if !cut {
                buf.extend_from_slice(&chunk[..used]);
            }
            self.input.consume(used);
            read += used;
            if done {
                return Ok((read, cut));
            }
        }
    }
}

impl Iterator for Lines {
    type Item = io::Result<(usize, Line)>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        let (read, cut) = match self.read_line(&mut buf) {
            Ok((0, _)) => return None,
            Ok(r) => r,
            Err(e) => {
                self.input = Box::new(io::empty());
                return Some(Err(e));
            }
        };
        self.n += 1;
        if let Some(p) = &self.progress {
            p.inc(read as u64);
            if self.n.is_multiple_of(256) {
                p.set_message(format!("{} documents", self.n));
            }
        }
        if cut {
            let limit = self.limit;
            return Some(Ok((
                self.n,
                Line::TooLong {
                    len: read,
                    limit,
                    head: buf,
                },
            )));
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        if self.n == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        Some(Ok((self.n, Line::Text(buf))))
    }
}

/// A rendered line: its JSON output, the message for stderr of a bad line, and (when a
/// corpus graph is wanted) the document with its id.
type Rendered = (Vec<u8>, Option<String>, Option<(String, Document)>);

/// One line's output (a JSON line) and, for a bad line, its message for stderr.
fn render_line(
    ex: &Extractor,
    line: io::Result<(usize, Line)>,
    keep_doc: bool,
) -> io::Result<Rendered> {
    let (n, line) = line?;
    // the output of a document is about one and a half times its line
    let mut json = Vec::with_capacity(match &line {
        Line::Text(l) => l.len() * 2,
        Line::TooLong { .. } => 256,
    });
    let result = match line {
        Line::Text(line) => read_line(&line).and_then(|(id, text, date)| {
            // a string or null id and no graph: the JSON written without a `Document`
            // (the same bytes, without copying every entity's strings into one)
            let id_str = match &id {
                serde_json::Value::String(s) => Some(Some(s.as_str())),
                serde_json::Value::Null => Some(None),
                _ => None,
            };
            match id_str {
                Some(id_str) if !keep_doc => {
                    match ex.extract_json_into(&text, date, id_str, &mut json) {
                        Ok(()) => Ok(None),
                        Err(e) => Err((id, e.to_string())),
                    }
                }
                _ => match ex.extract_with_date(&text, date) {
                    Ok(doc) => Ok(Some((id, doc))),
                    Err(e) => Err((id, e.to_string())),
                },
            }
        }),
        Line::TooLong { len, limit, head } => Err((
            id_of_head(&head),
            format!(
                "line of {len} bytes is longer than the limit of {limit} bytes \
                 (three times --max-bytes and 64 KiB); it was skipped unread"
            ),
        )),
    };
    match result {
        // written already
        Ok(None) => {
            json.push(b'\n');
            Ok((json, None, None))
        }
        Ok(Some((id, doc))) => {
            doc.write_json_value_id(&id, &mut json)?;
            let kept = keep_doc.then(|| {
                let doc_id = match &id {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => format!("line {n}"),
                    other => other.to_string(),
                };
                (doc_id, doc)
            });
            Ok((json, None, kept))
        }
        Err((id, msg)) => {
            let v = serde_json::json!({"id": id, "error": format!("line {n}: {msg}")});
            serde_json::to_writer(&mut json, &v).map_err(io::Error::other)?;
            json.push(b'\n');
            Ok((json, Some(format!("line {n}: {msg}")), None))
        }
    }
}

type LineError = (serde_json::Value, String);

/// The id, text and date of an input line.
fn read_line(
    line: &[u8],
) -> Result<(serde_json::Value, std::borrow::Cow<'_, str>, Option<Date>), LineError> {
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
    // the usual line without serde (see `input::read_plain`); any other through it
    let input: input::Line<'_> = match input::read_plain(s) {
        Some(line) => line,
        None => {
            serde_json::from_str(s).map_err(|e| (null.clone(), format!("invalid JSON: {e}")))?
        }
    };
    let input::Line::Object { id, text, date } = input else {
        return Err((null, "not a JSON object".to_string()));
    };
    let id = id.unwrap_or(serde_json::Value::Null);
    let text = match text {
        Some(input::Text::Str(t)) => t,
        Some(input::Text::Other) => return Err((id, "\"text\" is not a string".into())),
        None => return Err((id, "no \"text\" field".into())),
    };
    let date = match date {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(d)) => Some(Date::parse(&d).ok_or_else(|| {
            (
                id.clone(),
                format!("\"date\" {d:?} is not a valid YYYY-MM-DD date"),
            )
        })?),
        Some(_) => return Err((id, "\"date\" is not a string".into())),
    };
    Ok((id, text, date))
}

/// An input line deserialised straight into the three fields read from it (a
/// `serde_json::Value` of the whole line made a map, a string per key and a copy of every
/// value, to read three of them). Every value that is kept or skipped is still read as a
/// `Value`, so a line is valid or not, with the same message, exactly as when the whole
/// line was one `Value`; a repeated key keeps its last value, as a `Value` map does.
mod input {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::Value;

    /// A line: an object's `id`, `text` and `date`, or any other JSON value.
    #[derive(Debug, PartialEq)]
    pub enum Line<'a> {
        Object {
            id: Option<Value>,
            text: Option<Text<'a>>,
            date: Option<Value>,
        },
        NotObject,
    }

    /// The `text` field: a string (borrowed from the line when it has no escapes), or
    /// another kind of value.
    #[derive(Debug, PartialEq)]
    pub enum Text<'a> {
        Str(Cow<'a, str>),
        Other,
    }

    /// The [`Line`] of a line of the usual form, read without serde, or `None` when the
    /// line is not of that form: an object whose values are strings or `null`, with a
    /// string `text`, and whose strings have no escape of a surrogate (`\ud83d`). serde
    /// then reads the line, and gives the same [`Line`] for every line this reads (the
    /// tests below hold the two together), or its error.
    ///
    /// serde read a line's text at about eight bytes a step, copied an escaped text twice
    /// (into its scratch buffer, grown by doubling, and out of it) and made a `Value` of
    /// every other field: about six instructions per byte of text, 3.4% of a whole run.
    /// Here the next quote or backslash is found by `memchr2`, the bytes before it are
    /// checked for control characters in one pass the compiler vectorises, and an escaped
    /// text is written once into a string of its final size.
    pub fn read_plain(line: &str) -> Option<Line<'_>> {
        let mut c = Cursor {
            s: line,
            i: 0,
            // (the least byte, with no early exit: the compiler takes sixteen a step)
            controls: line.bytes().fold(u8::MAX, |least, x| least.min(x)) < 0x20,
        };
        c.space();
        c.eat(b'{')?;
        c.space();
        // each field's value: `Some(None)` for `null`; a repeated key keeps its last value,
        // as serde's reading does
        let (mut id, mut text, mut date) = (None, None, None);
        if c.eat(b'}').is_none() {
            loop {
                let key = c.string()?;
                c.space();
                c.eat(b':')?;
                c.space();
                let value = if c.eat_word("null").is_some() {
                    None
                } else {
                    Some(c.string()?)
                };
                match &*key {
                    "id" => id = Some(value),
                    "text" => text = Some(value),
                    "date" => date = Some(value),
                    _ => {}
                }
                c.space();
                if c.eat(b',').is_some() {
                    c.space();
                    continue;
                }
                c.eat(b'}')?;
                break;
            }
        }
        c.space();
        if c.i != line.len() {
            return None;
        }
        let value = |v: Option<Cow<'_, str>>| match v {
            Some(s) => Value::String(s.into_owned()),
            None => Value::Null,
        };
        Some(Line::Object {
            id: id.map(value),
            // a `null` text is an error serde words
            text: Some(Text::Str(text??)),
            date: date.map(value),
        })
    }

    /// A position in a line, for [`read_plain`].
    struct Cursor<'a> {
        s: &'a str,
        i: usize,
        /// The line has a control character (below 0x20) somewhere: a string must be
        /// checked for one (JSON allows none in a string, and few lines have any).
        controls: bool,
    }

    impl<'a> Cursor<'a> {
        /// Steps over JSON white space.
        fn space(&mut self) {
            let b = self.s.as_bytes();
            while matches!(b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.i += 1;
            }
        }

        /// Steps over the byte `c`, if it is next.
        fn eat(&mut self, c: u8) -> Option<()> {
            (self.s.as_bytes().get(self.i) == Some(&c)).then(|| self.i += 1)
        }

        /// Steps over the word `w`, if it is next.
        fn eat_word(&mut self, w: &str) -> Option<()> {
            self.s[self.i..].starts_with(w).then(|| self.i += w.len())
        }

        /// A string's characters, borrowed from the line when it has no escape; `None`
        /// unless a string that serde reads to the same characters is next (a control
        /// character, an unknown escape or a surrogate's is left to serde, which rejects
        /// the first two and pairs the third).
        fn string(&mut self) -> Option<Cow<'a, str>> {
            self.eat(b'"')?;
            let (s, b) = (self.s, self.s.as_bytes());
            let start = self.i;
            let mut owned: Option<String> = None;
            loop {
                let end = self.i + memchr::memchr2(b'"', b'\\', &b[self.i..])?;
                if self.controls && b[self.i..end].iter().any(|&x| x < 0x20) {
                    return None;
                }
                // (a quote and a backslash are ASCII: `end` is a character boundary)
                let run = &s[self.i..end];
                if b[end] == b'"' {
                    self.i = end + 1;
                    return Some(match owned {
                        None => Cow::Borrowed(&s[start..end]),
                        Some(mut o) => {
                            o.push_str(run);
                            Cow::Owned(o)
                        }
                    });
                }
                let o = owned.get_or_insert_with(|| String::with_capacity(b.len() - start));
                o.push_str(run);
                let (c, len) = match *b.get(end + 1)? {
                    b'"' => ('"', 2),
                    b'\\' => ('\\', 2),
                    b'/' => ('/', 2),
                    b'b' => ('\u{8}', 2),
                    b'f' => ('\u{c}', 2),
                    b'n' => ('\n', 2),
                    b'r' => ('\r', 2),
                    b't' => ('\t', 2),
                    b'u' => {
                        let hex = b.get(end + 2..end + 6)?;
                        let code = hex
                            .iter()
                            .try_fold(0u32, |v, &h| Some(v << 4 | char::from(h).to_digit(16)?))?;
                        // (a surrogate is no `char`)
                        (char::from_u32(code)?, 6)
                    }
                    _ => return None,
                };
                o.push(c);
                self.i = end + len;
            }
        }
    }

    /// The keys read; the rest are skipped.
    enum Key {
        Id,
        Text,
        Date,
        Other,
    }

    /// A visitor's methods for the values it does not keep: a scalar gives `$result`, a
    /// list is read as a `Value` (checked as before) and dropped.
    macro_rules! any_value_is {
        ($result:expr) => {
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok($result)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok($result)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok($result)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok($result)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok($result)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Value::deserialize(SeqAccessDeserializer::new(seq))?;
                Ok($result)
            }
        };
    }

    impl<'de> Deserialize<'de> for Line<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Line<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a JSON value")
                }
                any_value_is!(Line::NotObject);
                fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                    Ok(Line::NotObject)
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let (mut id, mut text, mut date) = (None, None, None);
                    while let Some(key) = map.next_key::<Key>()? {
                        match key {
                            Key::Id => id = Some(map.next_value()?),
                            Key::Text => text = Some(map.next_value()?),
                            Key::Date => date = Some(map.next_value()?),
                            Key::Other => {
                                map.next_value::<Value>()?;
                            }
                        }
                    }
                    Ok(Line::Object { id, text, date })
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de> Deserialize<'de> for Text<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Text<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a JSON value")
                }
                any_value_is!(Text::Other);
                fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                    Ok(Text::Str(Cow::Borrowed(s)))
                }
                fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                    Ok(Text::Str(Cow::Owned(s.to_owned())))
                }
                fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                    Ok(Text::Str(Cow::Owned(s)))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    Value::deserialize(MapAccessDeserializer::new(map))?;
                    Ok(Text::Other)
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de> Deserialize<'de> for Key {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Key;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a key")
                }
                fn visit_str<E>(self, s: &str) -> Result<Key, E> {
                    Ok(match s {
                        "id" => Key::Id,
                        "text" => Key::Text,
                        "date" => Key::Date,
                        _ => Key::Other,
                    })
                }
            }
            d.deserialize_str(V)
        }
    }
}

trait WriteWithId {
    fn write_json_value_id(&self, id: &serde_json::Value, out: &mut Vec<u8>) -> io::Result<()>;
}

impl WriteWithId for Document {
    /// Writes the document with any JSON id (string, number or null) echoed. Into a
    /// `Vec<u8>`, not a `dyn Write`: the JSON writer's many small writes then inline.
    fn write_json_value_id(&self, id: &serde_json::Value, out: &mut Vec<u8>) -> io::Result<()> {
        match id {
            serde_json::Value::String(s) => self.write_json_into(Some(s), out),
            serde_json::Value::Null => self.write_json_into(None, out),
            other => {
                let mut v: serde_json::Value =
                    serde_json::from_str(&self.to_json(None)).map_err(io::Error::other)?;
                v["id"] = other.clone();
                serde_json::to_writer(&mut *out, &v).map_err(io::Error::from)?;
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

#[cfg(test)]
mod tests {
    use super::input::{Line, read_plain};
    use proptest::prelude::*;

    /// What serde makes of a line (`None`: an error).
    fn by_serde(line: &str) -> Option<Line<'_>> {
        serde_json::from_str(line).ok()
    }

    #[test]
    fn plain_lines_read_as_serde_reads_them() {
        // (line, whether `read_plain` reads it itself)
        let cases = [
            (
                r#"{"id": "a/1", "source": "bbc", "text": "Xi met Putin.", "date": "2023-02-28"}"#,
                true,
            ),
            (r#"{"text":"no id"}"#, true),
            (
                " \t{ \"text\" : \"x\" , \"id\" : null , \"date\" : null } \r\n",
                true,
            ),
            (r#"{"text": "a\"b\\c\/d\be\ff\ng\rh\ti"}"#, true),
            (r#"{"text": "\u0041\u00e9\u4E2D\u0000 end"}"#, true),
            (r#"{"text": "é ü — “quoted” ✓"}"#, true),
            (r#"{"te\u0078t": "escaped key", "id": "x"}"#, true),
            (
                r#"{"text": "first", "text": "second", "id": "1", "id": null}"#,
                true,
            ),
            (r#"{"id": "1", "text": ""}"#, true),
            // left to serde: it reads them, or rejects them with its message
            (r#"{"text": "pair \ud83d\ude00"}"#, false),
            (r#"{"text": "lone \ud83d"}"#, false),
            (r#"{"text": "bad \x escape"}"#, false),
            (r#"{"text": "short \u12"}"#, false),
            ("{\"text\": \"raw\ttab\"}", false),
            (r#"{"id": 7, "text": "number id"}"#, false),
            (r#"{"text": "x", "tags": ["a"]}"#, false),
            (r#"{"text": null}"#, false),
            (r#"{"id": "no text"}"#, false),
            (r#"{}"#, false),
            (r#"{"text": "x"} trailing"#, false),
            (r#"{"text": "x",}"#, false),
            (r#"{"text": "unterminated}"#, false),
            (r#"["text", "x"]"#, false),
            (r#"{"text": "x" "id": "y"}"#, false),
            (r#"{"text": nul}"#, false),
        ];
        for (line, plain) in cases {
            let fast = read_plain(line);
            assert_eq!(fast.is_some(), plain, "{line}");
            if let Some(fast) = fast {
                assert_eq!(by_serde(line), Some(fast), "{line}");
            }
        }
        // a text with no escape is borrowed from the line, as serde borrows it
        let Some(Line::Object {
            text: Some(super::input::Text::Str(t)),
            ..
        }) = read_plain(r#"{"text": "plain"}"#)
        else {
            panic!("not read");
        };
        assert!(matches!(t, std::borrow::Cow::Borrowed("plain")));
    }

    /// A piece of a JSON string's inside: plain text, escapes of every kind (some of them
    /// invalid or surrogates), control characters, non-ASCII characters.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 .,:]{0,6}",
            Just("\\\"".to_string()),
            Just("\\\\".to_string()),
            Just("\\/".to_string()),
            prop::sample::select(vec!["\\b", "\\f", "\\n", "\\r", "\\t", "\\x", "\\", "\\u"])
                .prop_map(String::from),
            (0u32..0x1_0000, any::<bool>()).prop_map(|(c, upper)| {
                let s = format!("\\u{c:04x}");
                if upper {
                    s.to_uppercase().replace("\\U", "\\u")
                } else {
                    s
                }
            }),
            prop::sample::select(vec![
                "\\ud83d\\ude00",
                "\\ud83d",
                "\\ude00",
                "\\u12",
                "\\uZZZZ"
            ])
            .prop_map(String::from),
            prop::sample::select(vec![
                "\u{0}", "\t", "\n", "\u{1f}", "\u{7f}", "é", "—", "✓", "😀"
            ])
            .prop_map(String::from),
            Just("\"".to_string()),
        ]
    }

    /// A JSON value, most often a string.
    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::collection::vec(piece(), 0..6).prop_map(|p| format!("\"{}\"", p.concat())),
            1 => prop::sample::select(vec!["null", "nul", "true", "12", "-1.5e3", "[\"a\", 1]", "{\"k\": \"v\"}", "\"\""])
                .prop_map(String::from),
        ]
    }

    /// A line: an object of a few fields, with white space around its tokens, now and then
    /// cut short or followed by more.
    fn line() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "\"id\"",
            "\"text\"",
            "\"date\"",
            "\"source\"",
            "\"te\\u0078t\"",
            "\"\"",
            "id",
        ]);
        let space = prop::sample::select(vec!["", " ", "  ", "\t", "\n", "\r\n", "\u{a0}"]);
        let field = (key, space.clone(), value(), space.clone());
        (
            space.clone(),
            prop::collection::vec(field, 0..5),
            space,
            prop::sample::select(vec!["", "", "", "x", ",", "}", " {}"]),
            any::<prop::sample::Index>(),
            any::<bool>(),
        )
            .prop_map(|(lead, fields, trail, extra, cut, cut_it)| {
                let body: Vec<String> = fields
                    .into_iter()
                    .map(|(k, s1, v, s2)| format!("{s1}{k}{s2}:{s1}{v}{s2}"))
                    .collect();
                let mut line = format!("{lead}{{{}}}{trail}{extra}", body.join(","));
                if cut_it && !line.is_empty() {
                    let mut at = cut.index(line.len());
                    while !line.is_char_boundary(at) {
                        at -= 1;
                    }
                    line.truncate(at);
                }
                line
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

        /// Every line `read_plain` reads, serde reads to the same fields.
        #[test]
        fn read_plain_agrees_with_serde(line in line()) {
            if let Some(fast) = read_plain(&line) {
                prop_assert_eq!(by_serde(&line), Some(fast), "{:?}", line);
            }
        }
    }
}
