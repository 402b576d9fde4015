//! The crate's one error type, with the file, line and column where it applies.

use std::fmt;

/// Where in an input file an error was found (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name, or a description such as `<built-in rules/meet.rules>`.
    pub path: String,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading a file failed.
    Io,
    /// A gazetteer line does not follow the documented format.
    GazetteerSyntax,
    /// A relation rule does not follow the rule grammar.
    RuleSyntax,
    /// A rule refers to a class, slot or entity type that does not exist.
    UnknownName,
    /// A type name (PERSON, LOCATION, ...) is not known.
    UnknownEntityKind,
    /// An id or rule name is used twice.
    DuplicateEntry,
    /// A date is not a valid `YYYY-MM-DD` calendar date.
    InvalidDate,
    /// A document is larger than the configured maximum.
    DocumentTooLarge,
    /// A rule's own example does not give what the rule says it should.
    RuleExample,
}

/// An error with its kind, message, optional location and optional hint.
///
/// `Display` prints `path:line:column: message (hint: ...)`.
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    location: Option<Location>,
    hint: Option<String>,
}

impl Error {
    /// A new error without a location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            location: None,
            hint: None,
        }
    }

    /// A new error at `path:line:column`.
    pub fn at(
        kind: ErrorKind,
        path: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Error {
        Error {
            kind,
            message: message.into(),
            location: Some(Location {
                path: path.to_string(),
                line,
                column,
            }),
            hint: None,
        }
    }

    /// The same error with a hint on how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where it went wrong, when the error comes from a file.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The message, without location or hint.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, e.to_string())
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_location_and_hint() {
        let e = Error::at(
            ErrorKind::GazetteerSyntax,
            "people.tsv",
            14,
            3,
            "unknown type \"PERSN\"",
        )
        .with_hint("use PERSON");
        assert_eq!(
            e.to_string(),
            "people.tsv:14:3: unknown type \"PERSN\" (hint: use PERSON)"
        );
        assert_eq!(e.kind(), ErrorKind::GazetteerSyntax);
        assert_eq!(e.location().unwrap().line, 14);
    }
}
