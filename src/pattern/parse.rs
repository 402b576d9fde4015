//! Rule files → syntax trees with positions.
//!
//! A file is read line by line (see `rules/README.md`): top-level `class`, `slot` and
//! `rule` statements start in column 1; a rule's fields are indented; a `pattern` continues
//! on lines indented deeper than its own line. Patterns are parsed by recursive descent
//! over the joined text, keeping a map back to file lines and columns for messages.

use crate::doc::EntityKind;
use crate::error::{Error, ErrorKind, Result};
use crate::text::{Folded, fold_str};
use crate::tokenize::{Sentence, Token, TokenKind, tokenize};

use super::{Example, Status};

/// Largest bound allowed in `{m,n}`.
pub(crate) const MAX_REPEAT: u32 = 100;
/// Deepest allowed nesting of groups and negations.
const MAX_DEPTH: u32 = 32;

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub col: usize,
}

/// One parsed file.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    pub path: String,
    pub classes: Vec<ClassDef>,
    pub slots: Vec<(String, Pos)>,
    pub rules: Vec<RuleDef>,
}

/// `class NAME = members`.
#[derive(Debug)]
pub(crate) struct ClassDef {
    pub name: String,
    pub pos: Pos,
    pub members: Vec<Member>,
}

/// One member of a class.
#[derive(Debug)]
pub(crate) enum Member {
    /// A folded unit text.
    Word(String),
    /// `$OTHER`: every member of another class.
    Class(String, Pos),
}

/// One `rule` block.
#[derive(Debug)]
pub(crate) struct RuleDef {
    pub id: String,
    pub pos: Pos,
    pub types: Vec<String>,
    pub status: Option<Status>,
    pub priority: i32,
    pub pattern: Node,
    pub pattern_text: String,
    pub examples: Vec<Example>,
}

/// A pattern syntax tree node.
#[derive(Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

#[derive(Debug)]
pub(crate) enum NodeKind {
    /// Exactly one unit satisfying a test.
    Unit(PredAst),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
    Slot {
        name: String,
        node: Box<Node>,
    },
    Start,
    End,
}

/// A test on one unit.
#[derive(Debug)]
pub(crate) enum PredAst {
    Any,
    /// The unit's folded text equals this.
    Word(String),
    Class(String, Pos),
    Entity {
        sel: EntitySel,
        attrs: Vec<AttrTest>,
    },
    /// Bit set of [`shape_bit`]s.
    Shape(u8),
    /// Bit set of [`kind_bit`]s.
    Kind(u8),
    Regex(regex::Regex),
    Not(Box<PredAst>),
    Or(Vec<PredAst>),
    And(Vec<PredAst>),
}

/// Which units an `@` atom accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntitySel {
    Kind(EntityKind),
    AnyEntity,
    Time,
}

/// `key`, `key=v1|v2`, `key!=v`, `!key`.
#[derive(Clone, Debug)]
pub(crate) struct AttrTest {
    pub key: String,
    /// Folded values; empty means "the attribute is present".
    pub values: Vec<String>,
    pub negate: bool,
}

pub(crate) fn shape_bit(s: crate::tokenize::Shape) -> u8 {
    use crate::tokenize::Shape::*;
    match s {
        Lower => 1,
        Capitalized => 2,
        Upper => 4,
        Mixed => 8,
        NoLetter => 16,
    }
}

pub(crate) fn kind_bit(k: super::UnitKind) -> u8 {
    match k {
        super::UnitKind::Token(TokenKind::Word) => 1,
        super::UnitKind::Token(TokenKind::Number) => 2,
        super::UnitKind::Token(TokenKind::Punct) => 4,
        super::UnitKind::Token(TokenKind::Symbol) => 8,
        super::UnitKind::Entity(_) => 16,
        super::UnitKind::Time => 32,
    }
}

const SHAPES: &[(&str, u8)] = &[
    ("lower", 1),
    ("capitalized", 2),
    ("upper", 4),
    ("mixed", 8),
    ("noletter", 16),
];
const KINDS: &[(&str, u8)] = &[
    ("word", 1),
    ("number", 2),
    ("punct", 4),
    ("symbol", 8),
    ("entity", 16),
    ("time", 32),
];
const ENTITY_NAMES: &[&str] = &[
    "PERSON",
    "LOCATION",
    "ORGANIZATION",
    "ORG",
    "NATIONALITY",
    "EVENT",
    "ENTITY",
    "TIME",
];
const FIELDS: &[&str] = &["type", "status", "priority", "pattern", "+", "-"];
const TOP: &[&str] = &["class", "slot", "rule"];

fn err(kind: ErrorKind, path: &str, pos: Pos, msg: impl Into<String>) -> Error {
    Error::at(kind, path, pos.line, pos.col, msg)
}

fn syntax(path: &str, pos: Pos, msg: impl Into<String>) -> Error {
    err(ErrorKind::RuleSyntax, path, pos, msg)
}

/// Levenshtein distance, for "did you mean" hints.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `name`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Splits folded unit texts out of `text` the way the tokenizer splits a sentence.
pub(crate) fn unit_words(text: &str) -> Vec<String> {
    let folded = Folded::new(text);
    let mut tokens: Vec<Token> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    tokenize(text, &folded, &mut tokens, &mut sentences);
    tokens.iter().map(|t| t.norm(&folded).to_string()).collect()
}

/// Folds and collapses white space: the form of a multi-word unit text.
pub(crate) fn fold_phrase(s: &str) -> String {
    fold_str(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes a `#` comment (outside double quotes and `/regex/`).
fn strip_comment(line: &str) -> &str {
    let mut in_quote = false;
    let mut in_regex = false;
    let mut prev = ' ';
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' && (in_quote || in_regex) {
            escaped = true;
        } else if in_quote {
            in_quote = c != '"';
        } else if in_regex {
            in_regex = c != '/';
        } else if c == '"' {
            in_quote = true;
        } else if c == '/' && prev == '=' {
            in_regex = true;
        } else if c == '#' {
            return &line[..i];
        }
        prev = c;
    }
    line
}

/// A rule being read.
struct RuleBuilder {
    id: String,
    pos: Pos,
    types: Option<Vec<String>>,
    status: Option<Status>,
    priority: Option<i32>,
    pattern: Option<Src>,
    pattern_indent: usize,
    examples: Vec<Example>,
}

enum Block {
    None,
    Class(usize),
    Rule(Box<RuleBuilder>),
}

/// Pattern text joined from one or more lines, with a map back to positions.
#[derive(Debug, Default)]
pub(crate) struct Src {
    text: String,
    /// (byte offset in `text`, position of that byte in the file)
    pieces: Vec<(usize, Pos)>,
}

impl Src {
    fn push(&mut self, piece: &str, pos: Pos) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.pieces.push((self.text.len(), pos));
        self.text.push_str(piece);
    }

    /// One-line source for tests.
    #[cfg(test)]
    pub(crate) fn push_for_tests(&mut self, text: &str) {
        self.push(text, Pos { line: 1, col: 1 });
    }

    fn pos(&self, offset: usize) -> Pos {
        let k = self.pieces.partition_point(|&(o, _)| o <= offset).max(1) - 1;
        let (o, p) = self.pieces[k];
        let end = offset.min(self.text.len()).max(o);
        Pos {
            line: p.line,
            col: p.col + self.text[o..end].chars().count(),
        }
    }
}

/// Parses one rule file.
pub(crate) fn parse_file(path: &str, text: &str) -> Result<ParsedFile> {
    let mut file = ParsedFile {
        path: path.to_string(),
        classes: Vec::new(),
        slots: Vec::new(),
        rules: Vec::new(),
    };
    let mut block = Block::None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (ln, raw) in text.lines().enumerate() {
        let line_no = ln + 1;
        let content = raw.trim_start();
        let indent = raw.chars().count() - content.chars().count();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let at = |col: usize| Pos {
            line: line_no,
            col: indent + col,
        };
        if indent == 0 {
            finish(&mut block, &mut file)?;
            let content = strip_comment(content).trim_end();
            let (word, rest) = split_word(content);
            let rest_col = 1 + content[..content.len() - rest.len()].chars().count();
            match word {
                "class" => {
                    let end = rest
                        .find(|c: char| c.is_whitespace() || c == '=')
                        .unwrap_or(rest.len());
                    let (name, after) = (&rest[..end], rest[end..].trim_start());
                    if name.is_empty() {
                        return Err(syntax(path, at(rest_col), "class without a name")
                            .with_hint("write `class NAME = word word ...`"));
                    }
                    check_class_name(path, name, at(rest_col))?;
                    let Some(members) = after.strip_prefix('=') else {
                        let col = 1 + content[..content.len() - after.len()].chars().count();
                        return Err(syntax(
                            path,
                            at(col),
                            format!("expected `=` after `class {name}`"),
                        )
                        .with_hint("write `class NAME = word word ...`"));
                    };
                    file.classes.push(ClassDef {
                        name: name.to_string(),
                        pos: at(rest_col),
                        members: Vec::new(),
                    });
                    let idx = file.classes.len() - 1;
                    let mcol = 1 + content[..content.len() - members.len()].chars().count();
                    parse_members(
                        path,
                        members,
                        line_no,
                        indent + mcol,
                        &mut file.classes[idx],
                    )?;
                    block = Block::Class(idx);
                }
                "slot" => {
                    let mut rest = rest;
                    if rest.is_empty() {
                        return Err(syntax(path, at(rest_col), "`slot` without a name")
                            .with_hint("write `slot NAME ...` with lower-case names"));
                    }
                    while !rest.is_empty() {
                        let col = 1 + content[..content.len() - rest.len()].chars().count();
                        let (name, after) = split_word(rest);
                        if !is_slot_name(name) {
                            return Err(syntax(path, at(col), format!("bad slot name `{name}`"))
                                .with_hint("slot names are lower case: letters, digits, `_`"));
                        }
                        file.slots.push((name.to_string(), at(col)));
                        rest = after;
                    }
                }
                "rule" => {
                    let (id, after) = split_word(rest);
                    if id.is_empty() {
                        return Err(syntax(path, at(rest_col), "rule without an id").with_hint(
                            "write `rule group.name`, e.g. `rule meet.coordinated-subject`",
                        ));
                    }
                    if !is_rule_id(id) {
                        return Err(syntax(path, at(rest_col), format!("bad rule id `{id}`"))
                            .with_hint("a rule id is a path of letters, digits, `_` and `-`, separated by `.` or `/`"));
                    }
                    if !after.is_empty() {
                        let col = 1 + content[..content.len() - after.len()].chars().count();
                        return Err(syntax(
                            path,
                            at(col),
                            format!("unexpected text after `rule {id}`"),
                        )
                        .with_hint(
                            "put `type`, `pattern` and examples on their own indented lines",
                        ));
                    }
                    block = Block::Rule(Box::new(RuleBuilder {
                        id: id.to_string(),
                        pos: at(1),
                        types: None,
                        status: None,
                        priority: None,
                        pattern: None,
                        pattern_indent: usize::MAX,
                        examples: Vec::new(),
                    }));
                }
                _ => {
                    let mut e = syntax(
                        path,
                        at(1),
                        format!("expected `class`, `slot` or `rule`, found `{word}`"),
                    );
                    e = match suggest(word, TOP.iter().copied()) {
                        Some(s) => e.with_hint(format!("did you mean `{s}`?")),
                        None => e.with_hint("a rule's fields must be indented"),
                    };
                    return Err(e);
                }
            }
            continue;
        }
        match &mut block {
            Block::None => {
                return Err(syntax(path, at(1), "indented line outside a rule or class")
                    .with_hint("start a block with `rule ID` or `class NAME = ...` in column 1"));
            }
            Block::Class(idx) => {
                let content = strip_comment(content);
                parse_members(path, content, line_no, indent + 1, &mut file.classes[*idx])?;
            }
            Block::Rule(rule) => {
                // `+`/`-` lines are examples at any indentation (a pattern line cannot
                // start with a quantifier, and a literal hyphen there must be quoted)
                let example = content.starts_with(['+', '-']);
                if !example
                    && let Some(src) = rule.pattern.as_mut()
                    && indent > rule.pattern_indent
                {
                    let content = strip_comment(content).trim_end();
                    src.push(content, at(1));
                    continue;
                }
                rule.pattern_indent = usize::MAX;
                rule_field(path, rule, content, indent, line_no)?;
            }
        }
    }
    finish(&mut block, &mut file)?;
    Ok(file)
}

fn rule_field(
    path: &str,
    rule: &mut RuleBuilder,
    content: &str,
    indent: usize,
    line_no: usize,
) -> Result<()> {
    let at = |col: usize| Pos {
        line: line_no,
        col: indent + col,
    };
    if let Some(sign) = content.chars().next().filter(|&c| c == '+' || c == '-') {
        let text = content[1..].trim();
        if text.is_empty() {
            return Err(syntax(path, at(1), "empty example").with_hint(
                "write `+ sentence the rule matches` or `- sentence it must not match`",
            ));
        }
        rule.examples.push(Example {
            text: text.to_string(),
            positive: sign == '+',
            line: line_no,
        });
        return Ok(());
    }
    let content = strip_comment(content).trim_end();
    let (word, rest) = split_word(content);
    let rest_col = 1 + content[..content.len() - rest.len()].chars().count();
    let dup = |name: &str| {
        syntax(
            path,
            at(1),
            format!("second `{name}` line in rule `{}`", rule.id),
        )
        .with_hint(format!("a rule has one `{name}` line"))
    };
    match word {
        "type" => {
            if rule.types.is_some() {
                return Err(dup("type"));
            }
            if rest.is_empty() {
                return Err(syntax(path, at(rest_col), "`type` without an event type")
                    .with_hint("write `type MEET` (or several: `type MEET VISIT`)"));
            }
            let mut types = Vec::new();
            let mut r = rest;
            while !r.is_empty() {
                let col = 1 + content[..content.len() - r.len()].chars().count();
                let (t, after) = split_word(r);
                let ok = t.starts_with(|c: char| c.is_ascii_uppercase())
                    && t.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if !ok {
                    return Err(syntax(path, at(col), format!("bad event type `{t}`"))
                        .with_hint("event types are upper case, e.g. MEET, CALL, VISIT"));
                }
                types.push(t.to_string());
                r = after;
            }
            rule.types = Some(types);
        }
        "status" => {
            if rule.status.is_some() {
                return Err(dup("status"));
            }
            let (s, after) = split_word(rest);
            let status = Status::parse(s).ok_or_else(|| {
                syntax(path, at(rest_col), format!("unknown status `{s}`"))
                    .with_hint("use `planned`, `negated` or `occurred`")
            })?;
            if !after.is_empty() {
                let col = 1 + content[..content.len() - after.len()].chars().count();
                return Err(syntax(path, at(col), "one status only")
                    .with_hint("use `planned`, `negated` or `occurred`"));
            }
            rule.status = Some(status);
        }
        "priority" => {
            if rule.priority.is_some() {
                return Err(dup("priority"));
            }
            let p = rest.parse::<i32>().map_err(|_| {
                syntax(path, at(rest_col), format!("bad priority `{rest}`"))
                    .with_hint("write an integer, e.g. `priority 10`")
            })?;
            rule.priority = Some(p);
        }
        "pattern" => {
            if rule.pattern.is_some() {
                return Err(dup("pattern"));
            }
            let mut src = Src::default();
            src.push(rest, at(rest_col));
            rule.pattern = Some(src);
            rule.pattern_indent = indent;
        }
        _ => {
            let mut e = syntax(path, at(1), format!("unknown rule field `{word}`"));
            e = match suggest(word, FIELDS.iter().copied()) {
                Some(s) => e.with_hint(format!("did you mean `{s}`?")),
                None => e.with_hint(
                    "a rule has `type`, `status`, `priority`, `pattern` and `+`/`-` example lines; \
                     indent pattern continuation lines deeper than `pattern`",
                ),
            };
            return Err(e);
        }
    }
    Ok(())
}

fn finish(block: &mut Block, file: &mut ParsedFile) -> Result<()> {
    let Block::Rule(rule) = std::mem::replace(block, Block::None) else {
        return Ok(());
    };
    let path = file.path.as_str();
    let Some(types) = rule.types else {
        return Err(syntax(
            path,
            rule.pos,
            format!("rule `{}` has no `type` line", rule.id),
        )
        .with_hint("add an indented line such as `type MEET`"));
    };
    let Some(src) = rule.pattern else {
        return Err(syntax(
            path,
            rule.pos,
            format!("rule `{}` has no `pattern` line", rule.id),
        )
        .with_hint(
            "add an indented line such as `pattern participant:@PERSON met participant:@PERSON`",
        ));
    };
    if src.text.trim().is_empty() {
        return Err(syntax(path, src.pos(0), "empty pattern")
            .with_hint("write the pattern after `pattern` or on deeper-indented lines below it"));
    }
    let pattern = parse_pattern(path, &src)?;
    file.rules.push(RuleDef {
        id: rule.id,
        pos: rule.pos,
        types,
        status: rule.status,
        priority: rule.priority.unwrap_or(0),
        pattern,
        pattern_text: src.text.split_whitespace().collect::<Vec<_>>().join(" "),
        examples: rule.examples,
    });
    Ok(())
}

/// Splits off the first white-space separated word; the rest is trimmed at the start.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (&s[..end], s[end..].trim_start())
}

fn is_slot_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_rule_id(s: &str) -> bool {
    s.split(['.', '/']).all(|seg| {
        !seg.is_empty()
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn check_class_name(path: &str, name: &str, pos: Pos) -> Result<()> {
    if name.starts_with(is_ident_start) && name.chars().all(is_ident) {
        Ok(())
    } else {
        Err(syntax(path, pos, format!("bad class name `{name}`"))
            .with_hint("class names are letters, digits and `_`, e.g. MEET_VERB"))
    }
}

/// Parses class members: words, quoted unit texts and `$OTHER` classes.
fn parse_members(
    path: &str,
    s: &str,
    line: usize,
    col0: usize,
    class: &mut ClassDef,
) -> Result<()> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    let pos = |k: usize| Pos {
        line,
        col: col0 + k,
    };
    while k < chars.len() {
        let c = chars[k].1;
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        let start = k;
        if c == '"' {
            let mut text = String::new();
            k += 1;
            loop {
                match chars.get(k) {
                    None => {
                        return Err(syntax(path, pos(start), "unterminated string")
                            .with_hint("close it with `\"`"));
                    }
                    Some((_, '"')) => break,
                    Some((_, '\\')) if k + 1 < chars.len() => {
                        text.push(chars[k + 1].1);
                        k += 2;
                    }
                    Some(&(_, ch)) => {
                        text.push(ch);
                        k += 1;
                    }
                }
            }
            k += 1;
            let w = fold_phrase(&text);
            if w.is_empty() {
                return Err(syntax(path, pos(start), "empty class member")
                    .with_hint("remove the empty quotes"));
            }
            class.members.push(Member::Word(w));
            continue;
        }
        while k < chars.len() && !chars[k].1.is_whitespace() && chars[k].1 != '"' {
            k += 1;
        }
        let a = chars[start].0;
        let b = chars.get(k).map_or(s.len(), |x| x.0);
        let word = &s[a..b];
        if let Some(name) = word.strip_prefix('$') {
            check_class_name(path, name, pos(start))?;
            class
                .members
                .push(Member::Class(name.to_string(), pos(start)));
            continue;
        }
        let units = unit_words(word);
        if units.len() != 1 {
            return Err(syntax(
                path,
                pos(start),
                format!("class member `{word}` is {} units, not one", units.len()),
            )
            .with_hint(format!(
                "a class holds single units; write the sequence in a pattern, or quote a multi-word entity name: \"{}\"",
                fold_phrase(word)
            )));
        }
        class
            .members
            .push(Member::Word(units.into_iter().next().unwrap_or_default()));
    }
    Ok(())
}

/// Parses a pattern.
pub(crate) fn parse_pattern(path: &str, src: &Src) -> Result<Node> {
    let mut p = Parser {
        path,
        src,
        s: &src.text,
        i: 0,
        depth: 0,
    };
    let node = p.alt()?;
    p.ws();
    if p.i < p.s.len() {
        // only `)` can stop the top-level alternation early
        return Err(p
            .error(p.i, "unmatched `)`")
            .with_hint("remove it or add `(` before it"));
    }
    Ok(node)
}

/// The operator of one test inside `[...]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `key`
    Present,
    /// `!key`
    Absent,
    /// `key=value`
    Eq,
    /// `key!=value`
    Ne,
}

struct Parser<'a> {
    path: &'a str,
    src: &'a Src,
    s: &'a str,
    i: usize,
    depth: u32,
}

/// Characters that end a bare word.
fn is_special(c: char) -> bool {
    matches!(
        c,
        '(' | ')'
            | '|'
            | '?'
            | '*'
            | '+'
            | '{'
            | '}'
            | '['
            | ']'
            | '"'
            | '$'
            | '@'
            | '!'
            | '^'
            | ':'
    )
}

impl<'a> Parser<'a> {
    fn pos(&self, offset: usize) -> Pos {
        self.src.pos(offset)
    }

    fn error(&self, offset: usize, msg: impl Into<String>) -> Error {
        syntax(self.path, self.pos(offset), msg)
    }

    fn peek(&self) -> Option<char> {
        self.s[self.i..].chars().next()
    }

    fn peek_at(&self, i: usize) -> Option<char> {
        self.s.get(i..).and_then(|r| r.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.i += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn ident(&mut self) -> &'a str {
        let start = self.i;
        while let Some(c) = self.peek() {
            if is_ident(c) {
                self.i += 1;
            } else {
                break;
            }
        }
        &self.s[start..self.i]
    }

    fn alt(&mut self) -> Result<Node> {
        self.ws();
        let start = self.i;
        let mut branches = vec![self.seq()?];
        loop {
            self.ws();
            if self.peek() != Some('|') {
                break;
            }
            let bar = self.i;
            self.i += 1;
            let b = self.seq()?;
            if matches!(&b.kind, NodeKind::Seq(v) if v.is_empty()) {
                return Err(self
                    .error(bar, "empty alternative after `|`")
                    .with_hint("remove the `|`, or use `?` to make something optional"));
            }
            branches.push(b);
        }
        if matches!(&branches[0].kind, NodeKind::Seq(v) if v.is_empty()) {
            if self.depth == 0 && self.peek() == Some(')') {
                return Err(self
                    .error(self.i, "unmatched `)`")
                    .with_hint("remove it or add `(` before it"));
            }
            let at = if branches.len() > 1 { start } else { self.i };
            return Err(if branches.len() > 1 {
                self.error(at, "empty alternative before `|`")
                    .with_hint("remove the `|`, or use `?` to make something optional")
            } else {
                self.error(at, "empty pattern or group")
                    .with_hint("a group needs at least one atom")
            });
        }
        let pos = self.pos(start);
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node {
                kind: NodeKind::Seq(Vec::new()),
                pos,
            })
        } else {
            Node {
                kind: NodeKind::Alt(branches),
                pos,
            }
        })
    }

    fn seq(&mut self) -> Result<Node> {
        self.ws();
        let pos = self.pos(self.i);
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                None | Some('|') | Some(')') => break,
                _ => items.push(self.item()?),
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node {
                kind: NodeKind::Seq(Vec::new()),
                pos,
            })
        } else {
            Node {
                kind: NodeKind::Seq(items),
                pos,
            }
        })
    }

    /// `[slot:] atom [quantifier]`
    fn item(&mut self) -> Result<Node> {
        let start = self.i;
        // slot prefix: lower-case identifier followed directly by `:`
        let mut slot = None;
        if self.peek().is_some_and(|c| c.is_ascii_lowercase()) {
            let mut j = self.i;
            while self.peek_at(j).is_some_and(is_ident) {
                j += 1;
            }
            if self.peek_at(j) == Some(':') {
                let name = &self.s[self.i..j];
                self.i = j + 1;
                match self.peek() {
                    None => {
                        return Err(self
                            .error(start, format!("slot `{name}:` captures nothing"))
                            .with_hint(format!("write `{name}:ATOM` with no space after `:`")));
                    }
                    Some(c) if c.is_whitespace() || c == ')' || c == '|' => {
                        return Err(self
                            .error(start, format!("slot `{name}:` captures nothing"))
                            .with_hint(format!("write `{name}:ATOM` with no space after `:`")));
                    }
                    _ => {}
                }
                slot = Some(name.to_string());
            }
        }
        let atom_start = self.i;
        let mut node = self.atom()?;
        node = self.quantifier(node, atom_start)?;
        if let Some(name) = slot {
            if matches!(node.kind, NodeKind::Start | NodeKind::End) {
                return Err(self
                    .error(atom_start, "a slot cannot capture an anchor")
                    .with_hint("`^` and `$` match no unit"));
            }
            node = Node {
                kind: NodeKind::Slot {
                    name,
                    node: Box::new(node),
                },
                pos: self.pos(start),
            };
        }
        Ok(node)
    }

    fn quantifier(&mut self, node: Node, atom_start: usize) -> Result<Node> {
        let qstart = self.i;
        let (min, max) = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') => self.braces()?,
            _ => return Ok(node),
        };
        if self.i == qstart {
            self.i += 1; // `?`, `*`, `+`; `braces` moves past its `}` itself
        }
        if matches!(node.kind, NodeKind::Start | NodeKind::End) {
            return Err(self
                .error(qstart, "an anchor cannot be repeated")
                .with_hint("`^` and `$` match no unit; remove the quantifier"));
        }
        if max.is_none() && nullable(&node) {
            let q = &self.s[qstart..self.i];
            return Err(self
                .error(
                    atom_start,
                    format!("`{q}` repeats something that can match no unit"),
                )
                .with_hint(
                    "make the repeated part match at least one unit: write `(a | b)*` rather than \
                     `(a? b?)*`, or bound it: `(a? b?){0,3}`",
                ));
        }
        if let Some(c @ ('?' | '*' | '+' | '{')) = self.peek() {
            return Err(self
                .error(
                    self.i,
                    format!("bad quantifier: `{c}` after another quantifier"),
                )
                .with_hint(
                    "lazy and possessive quantifiers do not exist: matches are leftmost-longest; \
                     wrap the repeated part in ( ) to repeat it again",
                ));
        }
        Ok(Node {
            pos: self.pos(atom_start),
            kind: NodeKind::Repeat {
                node: Box::new(node),
                min,
                max,
            },
        })
    }

    /// `{m}`, `{m,}`, `{,n}`, `{m,n}`; leaves `self.i` after the `}`.
    fn braces(&mut self) -> Result<(u32, Option<u32>)> {
        let open = self.i;
        let hint = format!(
            "write {{m}}, {{m,}}, {{,n}} or {{m,n}} with 0 <= m <= n <= {MAX_REPEAT}, n >= 1"
        );
        let close = match self.s[open..].find('}') {
            Some(k) => open + k,
            None => {
                return Err(self
                    .error(open, "bad quantifier: `{` is not closed")
                    .with_hint(hint));
            }
        };
        let body = &self.s[open + 1..close];
        let bad = || {
            self.error(open, format!("bad quantifier `{{{body}}}`"))
                .with_hint(hint.clone())
        };
        let num = |t: &str| -> std::result::Result<Option<u32>, ()> {
            let t = t.trim();
            if t.is_empty() {
                Ok(None)
            } else if t.chars().all(|c| c.is_ascii_digit()) {
                t.parse::<u32>().map(Some).map_err(|_| ())
            } else {
                Err(())
            }
        };
        let (min, max) = match body.split_once(',') {
            None => {
                let n = num(body).map_err(|_| bad())?.ok_or_else(bad)?;
                (n, Some(n))
            }
            Some((a, b)) => (
                num(a).map_err(|_| bad())?.unwrap_or(0),
                num(b).map_err(|_| bad())?,
            ),
        };
        if max.is_some_and(|n| n < min || n == 0) || min > MAX_REPEAT {
            return Err(bad());
        }
        if max.is_some_and(|n| n > MAX_REPEAT) {
            return Err(self
                .error(
                    open,
                    format!("bad quantifier `{{{body}}}`: bound above {MAX_REPEAT}"),
                )
                .with_hint(format!(
                    "use `*` for unbounded repetition, or a bound up to {MAX_REPEAT}"
                )));
        }
        self.i = close + 1;
        Ok((min, max))
    }

    fn atom(&mut self) -> Result<Node> {
        let start = self.i;
        let pos = self.pos(start);
        let unit = |p: PredAst| Node {
            kind: NodeKind::Unit(p),
            pos,
        };
        let Some(c) = self.peek() else {
            return Err(self
                .error(start, "expected an atom")
                .with_hint("write a word, $CLASS, @TYPE, `_`, `[...]` or a group `( ... )`"));
        };
        match c {
            '(' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self
                        .error(start, "groups nested too deeply")
                        .with_hint(format!("at most {MAX_DEPTH} levels")));
                }
                self.i += 1;
                self.ws();
                match self.peek() {
                    Some(')') => {
                        return Err(self
                            .error(start, "empty group `()`")
                            .with_hint("a group needs at least one atom"));
                    }
                    None => {
                        return Err(self
                            .error(start, "unclosed group: `(` has no matching `)`")
                            .with_hint("add `)`"));
                    }
                    _ => {}
                }
                let inner = self.alt()?;
                self.ws();
                if self.peek() != Some(')') {
                    return Err(self
                        .error(start, "unclosed group: `(` has no matching `)`")
                        .with_hint("add `)`"));
                }
                self.i += 1;
                self.depth -= 1;
                Ok(inner)
            }
            ')' => Err(self
                .error(start, "unmatched `)`")
                .with_hint("remove it or add `(` before it")),
            '?' | '*' | '+' | '{' => Err(self
                .error(
                    start,
                    format!("bad quantifier: `{c}` has nothing to repeat"),
                )
                .with_hint("put it right after an atom, e.g. `@PERSON?`")),
            '"' => {
                let text = self.quoted()?;
                let words = unit_words(&text);
                if words.is_empty() {
                    return Err(self
                        .error(start, "empty string")
                        .with_hint("use `_` for any unit"));
                }
                Ok(seq_of_words(words, pos))
            }
            '$' => {
                self.i += 1;
                if self.peek().is_some_and(is_ident_start) {
                    let name = self.ident();
                    Ok(unit(PredAst::Class(name.to_string(), pos)))
                } else {
                    Ok(Node {
                        kind: NodeKind::End,
                        pos,
                    })
                }
            }
            '^' => {
                self.i += 1;
                Ok(Node {
                    kind: NodeKind::Start,
                    pos,
                })
            }
            '@' => {
                self.i += 1;
                let name = self.ident();
                let sel = match name {
                    "ENTITY" => EntitySel::AnyEntity,
                    "TIME" => EntitySel::Time,
                    _ => match EntityKind::parse(name) {
                        Some(k) => EntitySel::Kind(k),
                        None => {
                            let mut e = err(
                                ErrorKind::UnknownEntityKind,
                                self.path,
                                pos,
                                format!("unknown entity type `@{name}`"),
                            );
                            e = match suggest(name, ENTITY_NAMES.iter().copied()) {
                                Some(s) => e.with_hint(format!("did you mean `@{s}`?")),
                                None => e.with_hint(format!(
                                    "use one of {}",
                                    ENTITY_NAMES
                                        .iter()
                                        .map(|n| format!("@{n}"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )),
                            };
                            return Err(e);
                        }
                    },
                };
                let mut attrs = Vec::new();
                if self.peek() == Some('[') {
                    attrs = self.attr_tests()?;
                }
                Ok(unit(PredAst::Entity { sel, attrs }))
            }
            '[' => Ok(unit(self.unit_tests()?)),
            '!' => {
                self.i += 1;
                if self.peek().is_none_or(char::is_whitespace) {
                    return Err(self.error(start, "`!` negates nothing").with_hint(
                        "write `!word`, `!$CLASS`, `!@PERSON`, `![...]` or `!(a | b)`",
                    ));
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self
                        .error(start, "negations nested too deeply")
                        .with_hint(format!("at most {MAX_DEPTH} levels")));
                }
                let inner_start = self.i;
                let inner = self.atom()?;
                self.depth -= 1;
                let pred = self.single(inner, inner_start)?;
                Ok(unit(PredAst::Not(Box::new(pred))))
            }
            ']' | '}' | ':' | '|' => Err(self
                .error(start, format!("unexpected `{c}`"))
                .with_hint(format!("quote it to match it literally: \"{c}\""))),
            _ => {
                while let Some(c) = self.peek() {
                    if c.is_whitespace() || is_special(c) {
                        break;
                    }
                    self.i += c.len_utf8();
                }
                let word = &self.s[start..self.i];
                if word == "_" {
                    return Ok(unit(PredAst::Any));
                }
                let words = unit_words(word);
                if words.is_empty() {
                    return Err(self
                        .error(start, format!("`{word}` is not a word"))
                        .with_hint("quote it"));
                }
                Ok(seq_of_words(words, pos))
            }
        }
    }

    /// Turns an atom into a single-unit test, for `!`.
    fn single(&self, node: Node, at: usize) -> Result<PredAst> {
        match node.kind {
            NodeKind::Unit(p) => Ok(p),
            NodeKind::Alt(branches) => branches
                .into_iter()
                .map(|b| self.single(b, at))
                .collect::<Result<Vec<_>>>()
                .map(PredAst::Or),
            _ => Err(self.error(at, "`!` applies to one unit only").with_hint(
                "negate a word, a class, an `@` type, a `[...]` test or an alternation of those; \
                     quantifiers, sequences, slots and anchors cannot be negated",
            )),
        }
    }

    /// A `"..."` string with `\"` and `\\` escapes; `self.i` is at the opening quote.
    fn quoted(&mut self) -> Result<String> {
        let open = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(self
                        .error(open, "unterminated string")
                        .with_hint("close it with `\"`"));
                }
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some(c) => out.push(c),
                    None => {
                        return Err(self
                            .error(open, "unterminated string")
                            .with_hint("close it with `\"`"));
                    }
                },
                Some('\n') => {
                    return Err(self
                        .error(open, "unterminated string")
                        .with_hint("a string ends on the line it starts"));
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// A bare or quoted value inside `[...]`; stops at `,`, `]`, `|` or white space.
    fn value(&mut self) -> Result<String> {
        if self.peek() == Some('"') {
            return self.quoted();
        }
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || matches!(c, ',' | ']' | '|' | '[' | '"') {
                break;
            }
            self.i += c.len_utf8();
        }
        if start == self.i {
            return Err(self
                .error(start, "expected a value")
                .with_hint("write `key=value` or `key=\"value with spaces\"`"));
        }
        Ok(self.s[start..self.i].to_string())
    }

    fn values(&mut self) -> Result<Vec<String>> {
        let mut v = vec![self.value()?];
        while self.peek() == Some('|') {
            self.i += 1;
            v.push(self.value()?);
        }
        Ok(v)
    }

    /// Runs `f` once per comma-separated test inside `[...]`; `self.i` is at `[`.
    /// `f` gets the key's offset, the key and the operator; for `Eq`/`Ne` it reads the value.
    fn bracket(
        &mut self,
        mut f: impl FnMut(&mut Self, usize, &'a str, Op) -> Result<()>,
    ) -> Result<()> {
        let open = self.i;
        self.i += 1;
        loop {
            self.ws();
            let kstart = self.i;
            let neg_key = self.peek() == Some('!');
            if neg_key {
                self.i += 1;
            }
            if !self.peek().is_some_and(is_ident_start) {
                return Err(match self.peek() {
                    None => self.error(open, "unclosed `[`").with_hint("add `]`"),
                    Some(']') => self
                        .error(kstart, "empty test")
                        .with_hint("write `[key=value]`, e.g. `[shape=Capitalized]`"),
                    Some(c) => self
                        .error(kstart, format!("expected a test name, found `{c}`"))
                        .with_hint("write `[key=value]`, e.g. `[shape=Capitalized]`"),
                });
            }
            let key_start = self.i;
            while self.peek().is_some_and(|c| is_ident(c) || c == '-') {
                self.i += 1;
            }
            let key = &self.s[key_start..self.i];
            self.ws();
            let op = match self.peek() {
                Some('=') => {
                    self.i += 1;
                    Op::Eq
                }
                Some('!') if self.peek_at(self.i + 1) == Some('=') => {
                    self.i += 2;
                    Op::Ne
                }
                _ if neg_key => Op::Absent,
                _ => Op::Present,
            };
            if neg_key && op != Op::Absent {
                return Err(self
                    .error(kstart, "`!key` takes no value")
                    .with_hint("write `key!=value` to negate a value test"));
            }
            self.ws();
            f(self, key_start, key, op)?;
            self.ws();
            match self.peek() {
                Some(',') => self.i += 1,
                Some(']') => {
                    self.i += 1;
                    return Ok(());
                }
                None => {
                    return Err(self.error(open, "unclosed `[`").with_hint("add `]`"));
                }
                Some(c) => {
                    return Err(self
                        .error(self.i, format!("expected `,` or `]`, found `{c}`"))
                        .with_hint("separate tests with `,`; quote values with spaces"));
                }
            }
        }
    }

    /// `[key, key=v|w, key!=v, !key]` after an `@` type: entity attribute tests.
    fn attr_tests(&mut self) -> Result<Vec<AttrTest>> {
        let mut tests = Vec::new();
        self.bracket(|p, _, key, op| {
            let values = match op {
                Op::Eq | Op::Ne => p.values()?.iter().map(|v| fold_phrase(v)).collect(),
                Op::Present | Op::Absent => Vec::new(),
            };
            tests.push(AttrTest {
                key: key.to_string(),
                values,
                negate: matches!(op, Op::Ne | Op::Absent),
            });
            Ok(())
        })?;
        Ok(tests)
    }

    /// `[shape=.., kind=.., word=..|/re/, norm=..]`: tests on any unit.
    fn unit_tests(&mut self) -> Result<PredAst> {
        let mut tests = Vec::new();
        self.bracket(|p, key_start, key, op| {
            let eq = match op {
                Op::Eq => true,
                Op::Ne => false,
                Op::Present | Op::Absent => {
                    return Err(p
                        .error(key_start, format!("test `{key}` needs a value"))
                        .with_hint("write `key=value`; to test an entity attribute use `@ENTITY[key]`"));
                }
            };
            let pred = match key {
                "shape" | "kind" => {
                    let (table, names): (&[(&str, u8)], &[&str]) = if key == "shape" {
                        (SHAPES, &["Lower", "Capitalized", "Upper", "Mixed", "NoLetter"])
                    } else {
                        (KINDS, &["Word", "Number", "Punct", "Symbol", "Entity", "Time"])
                    };
                    let mut bits = 0;
                    let vstart = p.i;
                    for v in p.values()? {
                        let lv = v.to_ascii_lowercase();
                        let Some(&(_, b)) = table.iter().find(|(n, _)| *n == lv) else {
                            let e = p.error(vstart, format!("unknown {key} `{v}`"));
                            return Err(match suggest(&v, names.iter().copied()) {
                                Some(s) => e.with_hint(format!("did you mean `{s}`?")),
                                None => e.with_hint(format!("use one of {}", names.join(", "))),
                            });
                        };
                        bits |= b;
                    }
                    if key == "shape" {
                        PredAst::Shape(bits)
                    } else {
                        PredAst::Kind(bits)
                    }
                }
                "word" | "norm" => {
                    if p.peek() == Some('/') {
                        PredAst::Regex(p.regex()?)
                    } else {
                        let mut alts: Vec<PredAst> =
                            p.values()?.iter().map(|v| PredAst::Word(fold_phrase(v))).collect();
                        if alts.len() == 1 {
                            alts.pop().unwrap_or(PredAst::Any)
                        } else {
                            PredAst::Or(alts)
                        }
                    }
                }
                _ => {
                    let e = p.error(key_start, format!("unknown unit test `{key}`"));
                    return Err(match suggest(key, ["shape", "kind", "word", "norm"]) {
                        Some(s) => e.with_hint(format!("did you mean `{s}`?")),
                        None => e.with_hint(
                            "unit tests are shape, kind and word; entity attributes go after an `@` type: `@LOCATION[kind=country]`",
                        ),
                    });
                }
            };
            tests.push(if eq { pred } else { PredAst::Not(Box::new(pred)) });
            Ok(())
        })?;
        Ok(if tests.len() == 1 {
            tests.pop().unwrap_or(PredAst::Any)
        } else {
            PredAst::And(tests)
        })
    }

    /// `/regex/` on a unit's folded text; `self.i` is at the opening `/`.
    fn regex(&mut self) -> Result<regex::Regex> {
        let open = self.i;
        self.i += 1;
        let mut re = String::new();
        loop {
            match self.bump() {
                None | Some('\n') => {
                    return Err(self
                        .error(open, "unterminated regex")
                        .with_hint("close it with `/` (write `\\/` for a slash inside)"));
                }
                Some('/') => break,
                Some('\\') if self.peek() == Some('/') => {
                    self.i += 1;
                    re.push('/');
                }
                Some(c) => re.push(c),
            }
        }
        regex::RegexBuilder::new(&re)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .dfa_size_limit(1 << 20)
            .build()
            .map_err(|e| {
                let msg = e.to_string();
                let last = msg.lines().last().unwrap_or("").trim().to_string();
                self.error(open + 1, format!("bad regex `{re}`: {last}"))
                    .with_hint(
                        "the regex crate's syntax; it runs on the unit's folded (lower-case) text",
                    )
            })
    }
}

/// Whether `node` can match without consuming a unit.
fn nullable(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Unit(_) => false,
        NodeKind::Seq(v) => v.iter().all(nullable),
        NodeKind::Alt(v) => v.iter().any(nullable),
        NodeKind::Repeat { node, min, .. } => *min == 0 || nullable(node),
        NodeKind::Slot { node, .. } => nullable(node),
        NodeKind::Start | NodeKind::End => true,
    }
}

fn seq_of_words(words: Vec<String>, pos: Pos) -> Node {
    let mut nodes: Vec<Node> = words
        .into_iter()
        .map(|w| Node {
            kind: NodeKind::Unit(PredAst::Word(w)),
            pos,
        })
        .collect();
    if nodes.len() == 1 {
        nodes.pop().unwrap_or(Node {
            kind: NodeKind::Seq(Vec::new()),
            pos,
        })
    } else {
        Node {
            kind: NodeKind::Seq(nodes),
            pos,
        }
    }
}
