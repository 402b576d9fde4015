//! The gazetteer line format.
//!
//! UTF-8, tab-separated. Lines starting with `#` and blank lines are ignored. The first other
//! line is the header `id type name aliases attrs` (tab-separated); each further line is one entry:
//!
//! | column | meaning |
//! | --- | --- |
//! | `id` | unique across all loaded files: `geonames:625144`, `iso3166:BY`, `wikidata:Q8575`, `ng:org/efe` |
//! | `type` | `PERSON`, `LOCATION`, `ORGANIZATION`, `NATIONALITY`, `EVENT`, `TITLE`, `GIVEN_NAME`, `SURNAME` |
//! | `name` | the canonical name |
//! | `aliases` | other surface forms, separated by `\|`; may be empty |
//! | `attrs` | `key=value` pairs separated by `;`; may be empty |
//!
//! Common attributes: `country` (ISO 3166-1 alpha-2), `kind` (`country`, `city`, `region`,
//! `continent` for places; `igo`, `agency`, `media`, `party` for organisations; `office`,
//! `modifier`, `honorific` for titles), `population`, `capital=1`, `title`, `start` and `end`
//! (ISO dates of an office), `gender`, `order=family-first`, `common=1` (the name is also a
//! common English word).

use crate::doc::{Attrs, EntityKind};
use crate::error::{Error, ErrorKind, Result};

use super::position_of;

/// One gazetteer row as read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The entry's id.
    pub id: String,
    /// Its type.
    pub kind: EntityKind,
    /// The canonical name.
    pub name: String,
    /// Other surface forms.
    pub aliases: Vec<String>,
    /// Attributes.
    pub attrs: Attrs,
    /// 1-based line number in its file.
    pub line: usize,
}

/// The header every gazetteer file starts with.
pub const HEADER: &str = "id\ttype\tname\taliases\tattrs";

/// Parses a gazetteer file. `path` names the file in error messages.
///
/// # Errors
/// A [`ErrorKind::GazetteerSyntax`] error naming `path:line:column` for a missing or wrong
/// header, a wrong number of columns, an empty id or name, a malformed attribute, or a
/// control character; [`ErrorKind::UnknownEntityKind`] for an unknown type.
pub fn parse_file(path: &str, src: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    check_lines(path, src, |line_no, _, _, fields| {
        rows.push(fields.to_row(line_no))
    })?;
    Ok(rows)
}

/// The columns of a checked data line, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fields<'a> {
    /// The id.
    pub(crate) id: &'a str,
    /// The type.
    pub(crate) kind: EntityKind,
    /// The canonical name, trimmed.
    pub(crate) name: &'a str,
    /// The aliases column as written (`|`-separated, each to be trimmed; may be empty).
    pub(crate) aliases: &'a str,
    /// The attributes column as written (`;`-separated `key=value`; may be empty).
    pub(crate) attrs: &'a str,
}

impl Fields<'_> {
    /// The row these columns make.
    fn to_row(self, line_no: usize) -> Row {
        let aliases = if self.aliases.is_empty() {
            Vec::new()
        } else {
            self.aliases
                .split('|')
                .map(|a| a.trim().to_string())
                .collect()
        };
        let attrs = self
            .attrs
            .split(';')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Row {
            id: self.id.to_string(),
            kind: self.kind,
            name: self.name.to_string(),
            aliases,
            attrs,
            line: line_no,
        }
    }
}

/// Checks every data line of a file, handing `each` its line number, its byte offset in
/// `src`, the line (without its line end) and its columns: nothing is allocated per row
/// (a caller's big file is read in place).
///
/// One pass over the bytes finds each line's end and its tabs and sees whether the line is
/// plain (printable ASCII and tabs); a plain data line is then checked by
/// [`plain_fields`] on its columns alone. Any other line (a comment, the header, CRLF,
/// non-ASCII text, an error) goes through [`check_row`], which names the errors.
pub(crate) fn check_lines<'a>(
    path: &str,
    src: &'a str,
    mut each: impl FnMut(usize, usize, &'a str, Fields<'a>),
) -> Result<()> {
    let mut header_seen = false;
    for l in scanned_lines(src) {
        let line = l.text;
        if header_seen
            && l.plain
            && let Some(tabs) = l.tabs
            && let Some(fields) = plain_fields(line, tabs)
        {
            each(l.no, l.start, line, fields);
        } else if line.starts_with('#') || line.trim().is_empty() {
            // a comment or a blank line
        } else if !header_seen {
            if line != HEADER {
                return Err(Error::at(
                    ErrorKind::GazetteerSyntax,
                    path,
                    l.no,
                    1,
                    format!(
                        "expected the header line {HEADER:?}, found {:?}",
                        shorten(line)
                    ),
                )
                .with_hint(
                    "the first line that is not a comment names the five columns, tab-separated",
                ));
            }
            header_seen = true;
        } else {
            each(l.no, l.start, line, check_row(path, l.no, line)?);
        }
    }
    Ok(())
}

/// One line of a file and what one pass over its bytes saw.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// Its 1-based number.
    pub(crate) no: usize,
    /// Its byte offset in the file.
    pub(crate) start: usize,
    /// The line, without its line end (`\n` or `\r\n`).
    pub(crate) text: &'a str,
    /// The offsets of its tabs in `text` when it has exactly four (five columns).
    pub(crate) tabs: Option<[usize; 4]>,
    /// It is printable ASCII and tabs only.
    pub(crate) plain: bool,
}

/// The lines of a file, each found and looked at in one pass over its bytes (no search
/// per line or per column); a byte order mark at the start is skipped.
pub(crate) fn scanned_lines(src: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = src.as_bytes();
    let mut start = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut no = 0;
    std::iter::from_fn(move || {
        if start > bytes.len() {
            return None;
        }
        let (len, tabs, plain) = scan_line(&bytes[start..]);
        let text = &src[start..start + len];
        no += 1;
        let line = Line {
            no,
            start,
            text: text.strip_suffix('\r').unwrap_or(text),
            tabs,
            plain,
        };
        start += len + 1;
        Some(line)
    })
}

/// The length of the line `rest` starts with (up to its `\n` or the end), the offsets of
/// its tabs when it has four, and whether it is plain: printable ASCII and tabs only (a
/// CR at its end makes it not plain, and comes after its tabs).
///
/// Eight bytes are read at a time to find the next [`special`] byte (most bytes of a row
/// are its names and attributes, which are not), then that byte is looked at.
#[inline]
fn scan_line(rest: &[u8]) -> (usize, Option<[usize; 4]>, bool) {
    let mut tabs = [0; 4];
    let mut n = 0;
    let mut plain = true;
    // takes the special byte `b` at `i`; true at the line's end
    let mut take = |i: usize, b: u8| {
        if b == b'\n' {
            return true;
        }
        if b == b'\t' {
            if n < 4 {
                tabs[n] = i;
            }
            n += 1;
        } else if !(b' '..=b'~').contains(&b) {
            plain = false;
        }
        false
    };
    let mut i = 0;
    let mut len = rest.len();
    loop {
        let Some(word) = rest.get(i..i + 8) else {
            // the last few bytes, one at a time (`take` is right for any byte)
            if let Some(j) = (i..).zip(&rest[i..]).position(|(j, &b)| take(j, b)) {
                len = i + j;
            }
            break;
        };
        let m = special(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        if m == 0 {
            i += 8;
            continue;
        }
        // the first special byte (the lowest set bit: little-endian)
        i += (m.trailing_zeros() / 8) as usize;
        if take(i, rest[i]) {
            len = i;
            break;
        }
        i += 1;
    }
    (len, (n == 4).then_some(tabs), plain)
}

/// The high bit of each byte of `x` (eight bytes of a line) that is special to
/// [`scan_line`]: not ASCII, a control character (the tab and the line end are) or DEL.
/// Exact: no byte's sum carries into the next.
#[inline]
pub(crate) const fn special(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & LOW7;
    // `low + 0x60` reaches the high bit when `low >= 0x20`; `low + 1` when `low == 0x7F`
    (x | !(low + 0x6060_6060_6060_6060) | (low + 0x0101_0101_0101_0101)) & HIGH
}

/// The five columns of a line whose four tabs are at `tabs`.
pub(crate) fn columns(line: &str, [t0, t1, t2, t3]: [usize; 4]) -> [&str; 5] {
    [
        &line[..t0],
        &line[t0 + 1..t1],
        &line[t1 + 1..t2],
        &line[t2 + 1..t3],
        &line[t3 + 1..],
    ]
}

/// The columns of a plain data line (see [`scan_line`]) whose tabs are at `tabs`, when
/// [`check_row`] would accept it and return them: a non-empty id without spaces (and
/// not a `#` comment), a known type, a name and aliases that need no trimming to be
/// non-empty, attributes with good, distinct keys. `None` for any other line, which is
/// left to [`check_row`] (a test holds the two to agree).
#[inline]
fn plain_fields(line: &str, tabs: [usize; 4]) -> Option<Fields<'_>> {
    let [id, ty, name, aliases, attrs] = columns(line, tabs);
    // (the searches are `position_of`, eight bytes at a time: a million rows' columns
    // are read here, each a few words long)
    if id.is_empty() || id.starts_with('#') || position_of(id.as_bytes(), b' ').is_some() {
        return None;
    }
    let kind = EntityKind::parse(ty)?;
    if name.is_empty() || name.starts_with(' ') || name.ends_with(' ') {
        return None;
    }
    if !aliases.is_empty() {
        // every alias non-empty and starting with a non-space: then its trim is not
        // empty. So the column and each piece after a '|' start with neither '|' nor ' '
        let mut rest = aliases.as_bytes();
        loop {
            if matches!(rest.first(), None | Some(b'|' | b' ')) {
                return None;
            }
            match position_of(rest, b'|') {
                Some(bar) => rest = &rest[bar + 1..],
                None => break,
            }
        }
    }
    // the keys so far (a row has a few; more go the general way)
    let mut keys: [&[u8]; 8] = [&[]; 8];
    let mut n = 0;
    let mut rest = Some(attrs.as_bytes());
    while let Some(s) = rest {
        let end = position_of(s, b';');
        let kv = &s[..end.unwrap_or(s.len())];
        rest = end.map(|e| &s[e + 1..]);
        if kv.is_empty() {
            continue;
        }
        let key = &kv[..position_of(kv, b'=')?];
        if key.is_empty()
            || !key.iter().all(|&c| KEY_BYTE[usize::from(c)])
            || n == keys.len()
            || keys[..n].contains(&key)
        {
            return None;
        }
        keys[n] = key;
        n += 1;
    }
    Some(Fields {
        id,
        kind,
        name,
        aliases,
        attrs,
    })
}

/// The bytes an attribute key may hold: ASCII letters and digits, `_` and `-` (a table: a
/// million rows' keys are read at build).
const KEY_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        c += 1;
    }
    t
};

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        s.chars().take(60).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// Parses one data line.
pub fn parse_row(path: &str, line_no: usize, line: &str) -> Result<Row> {
    Ok(check_row(path, line_no, line)?.to_row(line_no))
}

/// The first control character other than tab: (byte offset, character).
fn control_char(line: &str) -> Option<(usize, char)> {
    if line.is_ascii() {
        // the common case: U+0000..U+001F and U+007F are the ASCII control characters
        return line
            .bytes()
            .position(|b| (b < 0x20 && b != b'\t') || b == 0x7F)
            .map(|p| (p, line.as_bytes()[p] as char));
    }
    line.char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t')
}

/// The five tab-separated columns of a line, or `None` when it has more or fewer.
fn five_columns(line: &str) -> Option<[&str; 5]> {
    let mut split = line.split('\t');
    let columns = [
        split.next()?,
        split.next()?,
        split.next()?,
        split.next()?,
        split.next()?,
    ];
    split.next().is_none().then_some(columns)
}

/// Checks one data line and splits it into its columns ([`parse_row`] without the
/// allocations); the errors are the ones [`parse_row`] reports.
pub(crate) fn check_row<'a>(path: &str, line_no: usize, line: &'a str) -> Result<Fields<'a>> {
    let err =
        |col: usize, msg: String| Error::at(ErrorKind::GazetteerSyntax, path, line_no, col, msg);
    if let Some((pos, c)) = control_char(line) {
        return Err(err(
            column(line, pos),
            format!("control character U+{:04X} in a gazetteer line", c as u32),
        )
        .with_hint("separate columns with tabs only; remove other control characters"));
    }
    let Some([id, ty, name, aliases, attrs]) = five_columns(line) else {
        let n = line.split('\t').count();
        let col = if n > 5 {
            column(line, field_start(line, 5))
        } else {
            line.chars().count() + 1
        };
        return Err(
            err(col, format!("expected 5 tab-separated columns, found {n}")).with_hint(
                "id, type, name, aliases, attrs; leave aliases or attrs empty but keep their tab",
            ),
        );
    };
    if id.trim().is_empty() {
        return Err(err(1, "empty id".into())
            .with_hint("every row starts with a unique id such as wikidata:Q8575 or ng:org/efe"));
    }
    if id.trim() != id || id.contains(' ') {
        return Err(err(1, format!("id {id:?} contains white space"))
            .with_hint("ids have no spaces: wikidata:Q8575, geonames:625144, ng:org/efe"));
    }
    let kind = EntityKind::parse(ty).ok_or_else(|| {
        Error::at(
            ErrorKind::UnknownEntityKind,
            path,
            line_no,
            column(line, field_start(line, 1)),
            format!("unknown entity type {ty:?}"),
        )
        .with_hint(
            "one of PERSON, LOCATION, ORGANIZATION, NATIONALITY, EVENT, TITLE, GIVEN_NAME, SURNAME",
        )
    })?;
    if name.trim().is_empty() {
        let name_col = column(line, field_start(line, 2));
        return Err(err(name_col, "empty name".into())
            .with_hint("the third column is the canonical name of the entry"));
    }
    if !aliases.is_empty() {
        let mut off = 0;
        for a in aliases.split('|') {
            if a.trim().is_empty() {
                let base = field_start(line, 3);
                return Err(err(column(line, base + off), "empty alias".into())
                    .with_hint("separate aliases with a single |, with no | at either end"));
            }
            off += a.len() + 1;
        }
    }
    if !attrs.is_empty() {
        let mut off = 0;
        for kv in attrs.split(';') {
            let here = off;
            off += kv.len() + 1;
            if kv.is_empty() {
                continue;
            }
            let col = || column(line, field_start(line, 4) + here);
            let Some((k, _)) = kv.split_once('=') else {
                return Err(err(col(), format!("attribute {kv:?} is not key=value"))
                    .with_hint("write attributes as key=value pairs separated by ;"));
            };
            if k.is_empty() || !k.bytes().all(|c| KEY_BYTE[usize::from(c)]) {
                return Err(err(col(), format!("bad attribute key {k:?}"))
                    .with_hint("attribute keys are ASCII letters, digits, _ and -: country=BY"));
            }
            // the keys before this one (rows hold a few; no set is made)
            if attrs[..here]
                .split(';')
                .filter_map(|kv| kv.split_once('='))
                .any(|(k0, _)| k0 == k)
            {
                return Err(err(col(), format!("attribute {k:?} given twice"))
                    .with_hint("give each attribute key once per row"));
            }
        }
    }
    Ok(Fields {
        id,
        kind,
        name: name.trim(),
        aliases,
        attrs,
    })
}

/// Byte offset where tab-separated field `n` starts.
fn field_start(line: &str, n: usize) -> usize {
    let mut off = 0;
    for (i, f) in line.split('\t').enumerate() {
        if i == n {
            return off;
        }
        off += f.len() + 1;
    }
    line.len()
}

/// 1-based character column of byte offset `byte`.
fn column(line: &str, byte: usize) -> usize {
    line[..byte.min(line.len())].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# test\nid\ttype\tname\taliases\tattrs\nwikidata:Q1\tPERSON\tXi Jinping\t\tcountry=CN;title=President\niso3166:BY\tLOCATION\tBelarus\tRepublic of Belarus|Byelorussia\tkind=country\n";

    #[test]
    fn parses_rows() {
        let rows = parse_file("t.tsv", GOOD).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].attrs["title"], "President");
        assert_eq!(rows[1].aliases, vec!["Republic of Belarus", "Byelorussia"]);
        assert_eq!(rows[1].line, 4);
    }

    fn err(src: &str) -> Error {
        parse_file("g.tsv", src).unwrap_err()
    }

    #[test]
    fn errors_name_line_and_column() {
        let h = "id\ttype\tname\taliases\tattrs\n";
        let e = err(&format!("{h}x:1\tPERSN\tBob\t\t\n"));
        assert_eq!(e.kind(), ErrorKind::UnknownEntityKind);
        assert_eq!(
            e.to_string().split(" (hint").next().unwrap(),
            "g.tsv:2:5: unknown entity type \"PERSN\""
        );
        let e = err(&format!("{h}x:1\tPERSON\tBob\n"));
        assert!(
            e.to_string()
                .starts_with("g.tsv:2:15: expected 5 tab-separated columns, found 3"),
            "{e}"
        );
        let e = err(&format!("{h}x:1\tPERSON\tBob\t\tcountry\n"));
        assert!(
            e.to_string()
                .starts_with("g.tsv:2:17: attribute \"country\" is not key=value"),
            "{e}"
        );
        let e = err(&format!("{h}x:1\tPERSON\tBob\tB||C\t\n"));
        assert!(e.to_string().starts_with("g.tsv:2:18: empty alias"), "{e}");
        let e = err("id,type,name\n");
        assert!(
            e.to_string().starts_with("g.tsv:1:1: expected the header"),
            "{e}"
        );
        let e = err(&format!("{h}x:1\tPERSON\t\t\t\n"));
        assert!(e.to_string().starts_with("g.tsv:2:12: empty name"), "{e}");
    }

    #[test]
    fn more_errors_name_line_and_column() {
        let h = "id\ttype\tname\taliases\tattrs\n";
        for (row, want) in [
            (
                "x:1\tPERSON\tBob\t\ta=1;b=2;a=3",
                "g.tsv:2:25: attribute \"a\" given twice",
            ),
            (
                "x:1\tPERSON\tBob\t\ta=1;b c=2",
                "g.tsv:2:21: bad attribute key \"b c\"",
            ),
            (
                "x:1\tPERSON\tB\u{7}ob\t\t",
                "g.tsv:2:13: control character U+0007",
            ),
            (
                "x:1\tPERSON\tBé\u{85}b\t\t",
                "g.tsv:2:14: control character U+0085",
            ),
            (
                "x 1\tPERSON\tBob\t\t",
                "g.tsv:2:1: id \"x 1\" contains white space",
            ),
            ("\tPERSON\tBob\t\t", "g.tsv:2:1: empty id"),
            (
                "x:1\tPERSON\tBob\t\t\t",
                "g.tsv:2:18: expected 5 tab-separated columns, found 6",
            ),
        ] {
            let e = err(&format!("{h}{row}\n"));
            assert!(e.to_string().starts_with(want), "{e}");
        }
        // the rows of the checked lines are those parse_row makes
        let rows = parse_file(
            "g.tsv",
            &format!("{h}x:1\tPERSON\t Bob \t B | C \t;a=1;;b=x=y\n"),
        )
        .unwrap();
        assert_eq!(rows[0].name, "Bob");
        assert_eq!(rows[0].aliases, ["B", "C"]);
        assert_eq!(rows[0].attrs["a"], "1");
        assert_eq!(rows[0].attrs["b"], "x=y");
        assert_eq!(rows[0].line, 2);
    }

    /// The lines of a file as (1-based number, byte offset in `src`, line without its line
    /// end), split the simple way (the reference for [`scanned_lines`]).
    fn lines(src: &str) -> impl Iterator<Item = (usize, usize, &str)> {
        let bom = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
        src[bom..]
            .split('\n')
            .enumerate()
            .scan(bom, |off, (i, raw)| {
                let start = *off;
                *off += raw.len() + 1;
                Some((i + 1, start, raw.strip_suffix('\r').unwrap_or(raw)))
            })
    }

    /// [`check_lines`] the simple way: every line through [`check_row`].
    fn check_lines_simple<'a>(
        path: &str,
        src: &'a str,
        mut each: impl FnMut(usize, usize, &'a str, Fields<'a>),
    ) -> Result<()> {
        let mut header_seen = false;
        for (line_no, line_off, line) in lines(src) {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !header_seen {
                if line != HEADER {
                    return Err(Error::at(
                        ErrorKind::GazetteerSyntax,
                        path,
                        line_no,
                        1,
                        "no header",
                    ));
                }
                header_seen = true;
                continue;
            }
            each(line_no, line_off, line, check_row(path, line_no, line)?);
        }
        Ok(())
    }

    #[test]
    fn the_plain_line_path_agrees_with_check_row() {
        // random rows: each column made of pieces usual there, now and then one from
        // anywhere, and now and then a column too many or too few
        let columns: [&[&str]; 5] = [
            &["syn:1", "x", "x", "#", " ", "é"],
            &["PERSON", "LOC", "PERSON", "PERSN"],
            &["Bo", "x", " ", "é", "-", "\u{7}"],
            &["Bo", " ", "|", "|", "x", "", "\u{85}"],
            &["a=1", "country=ZZ", ";", "=", "b c=", "x", "_-=~", ""],
        ];
        let noise = ["\t", "\r", "\u{7}", "~", "|", ";", "="];
        let mut rng = crate::hash::xorshift(0x2545_f491_4f6c_dd1du64);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let (mut plain, mut rows) = (0, 0);
        for _ in 0..100_000 {
            let mut line = String::new();
            for (c, pieces) in columns.iter().enumerate() {
                if c > 0 && next(40) > 0 {
                    line.push('\t');
                }
                for _ in 0..if c == 1 { 1 } else { 1 + next(3) } {
                    let p = if next(30) == 0 {
                        noise[next(noise.len())]
                    } else {
                        pieces[next(pieces.len())]
                    };
                    line.push_str(p);
                }
            }
            let want = check_row("g.tsv", 1, &line);
            let (len, tabs, is_plain) = scan_line(line.as_bytes());
            assert_eq!(len, line.len());
            if let Some(got) = tabs
                .filter(|_| is_plain)
                .and_then(|t| plain_fields(&line, t))
            {
                assert_eq!(want.as_ref().ok(), Some(&got), "{line:?}");
                plain += 1;
            }
            rows += usize::from(want.is_ok());
            // and the whole file: the same rows, or the same error
            let nl = if next(2) == 0 { "\n" } else { "\r\n" };
            let file = format!("{HEADER}{nl}{line}{nl}#c{nl}{line}");
            assert!(
                scanned_lines(&file)
                    .map(|l| (l.no, l.start, l.text))
                    .eq(lines(&file)),
                "{file:?}"
            );
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let ra = check_lines("g.tsv", &file, |n, o, l, f| a.push((n, o, l, f)));
            let rb = check_lines_simple("g.tsv", &file, |n, o, l, f| b.push((n, o, l, f)));
            assert_eq!(a, b, "{file:?}");
            assert_eq!(
                ra.map_err(|e| e.to_string()),
                rb.map_err(|e| e.to_string()),
                "{file:?}"
            );
        }
        assert!(plain > 1000 && rows > plain, "{plain} plain of {rows} rows");
    }

    /// [`scan_line`] a byte at a time (the reference).
    fn scan_line_simple(rest: &[u8]) -> (usize, Option<[usize; 4]>, bool) {
        let mut tabs = [0; 4];
        let mut n = 0;
        let mut plain = true;
        let mut len = rest.len();
        for (i, &b) in rest.iter().enumerate() {
            if b == b'\n' {
                len = i;
                break;
            }
            if b == b'\t' {
                if n < 4 {
                    tabs[n] = i;
                }
                n += 1;
            } else if !(b' '..=b'~').contains(&b) {
                plain = false;
            }
        }
        (len, (n == 4).then_some(tabs), plain)
    }

    #[test]
    fn scan_line_is_the_byte_at_a_time_scan() {
        // every byte value in every position of short lines, and random long ones
        let mut rng = crate::hash::xorshift(0x2545_f491_4f6c_dd1du64);
        let mut next = |n: usize| (rng() % n as u64) as usize;
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut l = b"abcdefgh\tijklmnopqrstu".to_vec();
                l[at] = b;
                lines.push(l);
            }
        }
        let common = [
            b'a', b'Z', b' ', b'~', b'\t', b'\n', b'\r', 0x7F, 0x1F, 0x20, 0x80, 0xC3,
        ];
        for _ in 0..20_000 {
            let len = next(70);
            lines.push(
                (0..len)
                    .map(|_| {
                        if next(4) == 0 {
                            common[next(common.len())]
                        } else {
                            b'a' + next(26) as u8
                        }
                    })
                    .collect(),
            );
        }
        for l in &lines {
            assert_eq!(scan_line(l), scan_line_simple(l), "{l:?}");
        }
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let src = "\u{FEFF}id\ttype\tname\taliases\tattrs\r\nx:1\tLOCATION\tMinsk\t\tkind=city\r\n";
        assert_eq!(parse_file("g.tsv", src).unwrap()[0].name, "Minsk");
    }
}
