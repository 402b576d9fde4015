//! Byte spans into the caller's text.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into the caller's UTF-8 text.
///
/// Every span newsgraph reports points into the text the caller passed in, never into a
/// normalised copy, so `&text[span.start..span.end]` is always the mention as written.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    ///
    /// # Panics
    /// Panics when `start > end`.
    #[inline]
    pub fn new(start: usize, end: usize) -> Span {
        assert!(start <= end, "invalid span {start}..{end}");
        Span { start, end }
    }

    /// Number of bytes covered.
    #[inline]
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `other` lies within this span.
    #[inline]
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share at least one byte.
    #[inline]
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest span covering both.
    #[inline]
    pub fn cover(&self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The text this span covers.
    ///
    /// # Panics
    /// Panics when the span is out of bounds or not on char boundaries of `text`.
    #[inline]
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_and_cover() {
        let a = Span::new(0, 5);
        let b = Span::new(4, 9);
        let c = Span::new(5, 9);
        assert!(a.overlaps(b));
        assert!(!a.overlaps(c));
        assert_eq!(a.cover(c), Span::new(0, 9));
        assert!(Span::new(0, 9).contains(b));
        assert_eq!(Span::new(2, 4).slice("abcdef"), "cd");
    }
}
