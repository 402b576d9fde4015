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
    parse_rows(path, src, |row| rows.push(row))?;
    Ok(rows)
}

/// [`parse_file`], handing each row to `each` as it is parsed (a caller's big file is not
/// held twice).
pub(crate) fn parse_rows(path: &str, src: &str, mut each: impl FnMut(Row)) -> Result<()> {
    let mut header_seen = false;
    let src = src.strip_prefix('\u{FEFF}').unwrap_or(src);
    for (i, raw) in src.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            if line != HEADER {
                return Err(Error::at(
                    ErrorKind::GazetteerSyntax,
                    path,
                    line_no,
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
            continue;
        }
        each(parse_row(path, line_no, line)?);
    }
    Ok(())
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        s.chars().take(60).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// Parses one data line.
pub fn parse_row(path: &str, line_no: usize, line: &str) -> Result<Row> {
    let err =
        |col: usize, msg: String| Error::at(ErrorKind::GazetteerSyntax, path, line_no, col, msg);
    if let Some((pos, c)) = line
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t')
    {
        return Err(err(
            column(line, pos),
            format!("control character U+{:04X} in a gazetteer line", c as u32),
        )
        .with_hint("separate columns with tabs only; remove other control characters"));
    }
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() != 5 {
        let col = if fields.len() > 5 {
            column(line, field_start(line, 5))
        } else {
            line.chars().count() + 1
        };
        return Err(err(
            col,
            format!("expected 5 tab-separated columns, found {}", fields.len()),
        )
        .with_hint(
            "id, type, name, aliases, attrs; leave aliases or attrs empty but keep their tab",
        ));
    }
    let (id, ty, name, aliases, attrs) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
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
    let name_col = column(line, field_start(line, 2));
    if name.trim().is_empty() {
        return Err(err(name_col, "empty name".into())
            .with_hint("the third column is the canonical name of the entry"));
    }
    let mut alias_list = Vec::new();
    if !aliases.is_empty() {
        let base = field_start(line, 3);
        let mut off = 0;
        for a in aliases.split('|') {
            if a.trim().is_empty() {
                return Err(err(column(line, base + off), "empty alias".into())
                    .with_hint("separate aliases with a single |, with no | at either end"));
            }
            alias_list.push(a.trim().to_string());
            off += a.len() + 1;
        }
    }
    let mut attr_map = Attrs::new();
    if !attrs.is_empty() {
        let base = field_start(line, 4);
        let mut off = 0;
        for kv in attrs.split(';') {
            let col = column(line, base + off);
            off += kv.len() + 1;
            if kv.is_empty() {
                continue;
            }
            let Some((k, v)) = kv.split_once('=') else {
                return Err(err(col, format!("attribute {kv:?} is not key=value"))
                    .with_hint("write attributes as key=value pairs separated by ;"));
            };
            if k.is_empty()
                || !k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(err(col, format!("bad attribute key {k:?}"))
                    .with_hint("attribute keys are ASCII letters, digits, _ and -: country=BY"));
            }
            if attr_map.insert(k.to_string(), v.to_string()).is_some() {
                return Err(err(col, format!("attribute {k:?} given twice"))
                    .with_hint("give each attribute key once per row"));
            }
        }
    }
    Ok(Row {
        id: id.to_string(),
        kind,
        name: name.trim().to_string(),
        aliases: alias_list,
        attrs: attr_map,
        line: line_no,
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
    fn crlf_and_bom_are_accepted() {
        let src = "\u{FEFF}id\ttype\tname\taliases\tattrs\r\nx:1\tLOCATION\tMinsk\t\tkind=city\r\n";
        assert_eq!(parse_file("g.tsv", src).unwrap()[0].name, "Minsk");
    }
}
