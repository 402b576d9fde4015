//! The default gazetteer as bytes, made once at compile time.
//!
//! Building the gazetteer of the embedded files from their text (listing, folding and
//! sorting 150,000 surface forms, the two tries, the facts of 64,000 rows) took some 340
//! million instructions at every start of a program, about 30 ms. The build script
//! (`src/gazetteer/build.rs`) compiles the gazetteer code on its own, builds that
//! gazetteer exactly as the library would, and writes it with [`Gazetteer::encode`]; the
//! library embeds the bytes and [`Gazetteer::decode`]s them, which copies a few arrays.
//! What stays lazy stays lazy: rows keep pointing into the embedded texts (their offsets
//! are in the bytes), entries are parsed on first use, the id index made on first use.
//!
//! Layout: a header (magic, [`VERSION`], the payload's length and a checksum), then the
//! payload: integers little-endian (the build script may run on another machine than the
//! program), arrays as their length then their items, records as fixed groups of `u32`.

use std::sync::{Arc, OnceLock};

use super::{
    BLOCK, CasePolicy, CommonWords, EntityKind, EntryId, Facts, Forms, Gazetteer, HashMap,
    PlaceKind, RawRow, Sense, Text, WordStarts, trie::Trie,
};

/// The first bytes of an encoded gazetteer.
const MAGIC: [u8; 8] = *b"newsgaz\0";

/// The version of the layout: a blob of another one is refused. Bump it with any change
/// of what is written (the tests check that decoding what was encoded gives the same
/// gazetteer, not that old bytes still read).
const VERSION: u32 = 5;

/// Bytes of the header: magic, version, payload length, checksum.
const HEADER: usize = 8 + 4 + 8 + 8;

/// Writes the parts of an encoded gazetteer (see [`Reader`] for reading them back).
#[derive(Debug, Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
}

/// Reads the parts a [`Writer`] wrote, in the same order; every read names what it reads,
/// so bytes that end early or hold an impossible value are refused with a message saying
/// where.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

/// What decoding returns: the value, or why the bytes are refused.
pub(crate) type Decoded<T> = std::result::Result<T, String>;

// (the writing side runs in the build script and the tests, not in the library)
#[allow(dead_code)]
impl Writer {
    pub(crate) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A length (of an array, in items).
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.len(v.len());
        self.buf.extend_from_slice(v);
    }

    pub(crate) fn u32s(&mut self, v: &[u32]) {
        self.records(v.iter().map(|&x| [x]));
    }

    pub(crate) fn u64s(&mut self, v: &[u64]) {
        self.len(v.len());
        for x in v {
            self.u64(*x);
        }
    }

    /// Records of `N` numbers each (see [`Reader::records`]).
    pub(crate) fn records<const N: usize>(&mut self, v: impl ExactSizeIterator<Item = [u32; N]>) {
        self.len(v.len());
        for r in v {
            for x in r {
                self.u32(x);
            }
        }
    }

    /// The payload written, with its header.
    fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.buf.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(self.buf.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&self.buf).to_le_bytes());
        out.extend_from_slice(&self.buf);
        out
    }
}

impl<'a> Reader<'a> {
    /// The payload of `blob`, once its header is checked.
    fn open(blob: &'a [u8]) -> Decoded<Reader<'a>> {
        if blob.len() < HEADER || blob[..8] != MAGIC {
            return Err("not an encoded gazetteer (no header)".into());
        }
        let mut header = Reader {
            rest: &blob[8..HEADER],
        };
        let version = header.u32("version")?;
        if version != VERSION {
            return Err(format!(
                "layout version {version}, this library reads {VERSION}"
            ));
        }
        let (len, sum) = (header.u64("length")?, header.u64("checksum")?);
        let payload = &blob[HEADER..];
        if payload.len() as u64 != len {
            return Err(format!(
                "{} bytes after the header, the header says {len}",
                payload.len()
            ));
        }
        if checksum(payload) != sum {
            return Err("checksum mismatch (the bytes are corrupt)".into());
        }
        Ok(Reader { rest: payload })
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize, what: &str) -> Decoded<&'a [u8]> {
        if n > self.rest.len() {
            return Err(format!(
                "truncated: {what} wants {n} bytes, {} are left",
                self.rest.len()
            ));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    pub(crate) fn u32(&mut self, what: &str) -> Decoded<u32> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Decoded<u64> {
        let b = self.take(8, what)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    /// The bytes of `n` items of `size` bytes, `n` read first.
    fn array(&mut self, size: usize, what: &str) -> Decoded<&'a [u8]> {
        let n = self.u64(what)?;
        let bytes = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(size))
            .ok_or_else(|| format!("{what}: impossible length {n}"))?;
        self.take(bytes, what)
    }

    pub(crate) fn bytes(&mut self, what: &str) -> Decoded<&'a [u8]> {
        self.array(1, what)
    }

    pub(crate) fn u32s(&mut self, what: &str) -> Decoded<Vec<u32>> {
        // (whole four-byte arrays: a loop the compiler makes a copy of, where the records'
        // `chunks_exact` of one number took four instructions a number)
        let (words, _) = self.array(4, what)?.as_chunks::<4>();
        Ok(words.iter().map(|w| u32::from_le_bytes(*w)).collect())
    }

    pub(crate) fn u64s(&mut self, what: &str) -> Decoded<Vec<u64>> {
        // (a loop the compiler makes a copy of)
        Ok(self
            .array(8, what)?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect())
    }

    /// Records of `N` numbers each, each made a `T` by `make` (a loop the compiler makes
    /// a copy of where `T` is the record).
    pub(crate) fn records<T, const N: usize>(
        &mut self,
        what: &str,
        make: impl Fn([u32; N]) -> T,
    ) -> Decoded<Vec<T>> {
        Ok(self.record_iter(what)?.map(make).collect())
    }

    /// The records of `N` numbers each, read as the iterator is.
    pub(crate) fn record_iter<const N: usize>(
        &mut self,
        what: &str,
    ) -> Decoded<impl ExactSizeIterator<Item = [u32; N]> + use<'a, N>> {
        Ok(self.array(4 * N, what)?.chunks_exact(4 * N).map(numbers))
    }

    /// [`Reader::records`] for a `make` that may refuse a record (`None`: a number out of
    /// its range).
    pub(crate) fn checked_records<T, const N: usize>(
        &mut self,
        what: &str,
        make: impl Fn([u32; N]) -> Option<T>,
    ) -> Decoded<Vec<T>> {
        let records = self.array(4 * N, what)?.chunks_exact(4 * N);
        // (sized once: a `collect` into an `Option` grows its vector by doubling)
        let mut out = Vec::with_capacity(records.len());
        for (i, c) in records.enumerate() {
            let record = numbers(c);
            out.push(make(record).ok_or_else(|| {
                format!("{what}: record {i} ({record:?}) holds a value out of range")
            })?);
        }
        Ok(out)
    }

    /// Nothing is left (the bytes were all read, as written).
    fn end(&self) -> Decoded<()> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(format!("{n} bytes left over at the end")),
        }
    }
}

/// The `N` little-endian numbers of `bytes` (`4 * N` of them).
#[inline]
fn numbers<const N: usize>(bytes: &[u8]) -> [u32; N] {
    std::array::from_fn(|i| {
        u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().expect("4 bytes"))
    })
}

/// The sum of the bytes as little-endian 64-bit words (the last one zero-padded): a
/// changed byte changes it. Summed in four lanes, which the compiler makes one vector add
/// (one sum of a word at a time is a chain it does not vectorise).
fn checksum(bytes: &[u8]) -> u64 {
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().expect("8 bytes"));
    let blocks = bytes.chunks_exact(32);
    let words = blocks.remainder().chunks_exact(8);
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    let mut lanes = [0u64; 4];
    for b in blocks {
        for (l, w) in lanes.iter_mut().zip(b.chunks_exact(8)) {
            *l = l.wrapping_add(word(w));
        }
    }
    lanes
        .into_iter()
        .chain(words.map(word))
        .fold(u64::from_le_bytes(last), u64::wrapping_add)
}

/// The values of the enums, by their number in the bytes.
const KINDS: [EntityKind; 8] = EntityKind::ALL;
const PLACES: [PlaceKind; 8] = [
    PlaceKind::None,
    PlaceKind::Country,
    PlaceKind::Continent,
    PlaceKind::Region,
    PlaceKind::City,
    PlaceKind::Territory,
    PlaceKind::Modifier,
    PlaceKind::Other,
];
const POLICIES: [CasePolicy; 5] = [
    CasePolicy::Upper,
    CasePolicy::UpperOrCapitalized,
    CasePolicy::Capitalized,
    CasePolicy::CapitalizedAll,
    CasePolicy::Any,
];

/// The number of `v` in `all`.
fn number<T: PartialEq>(all: &[T], v: &T) -> u32 {
    all.iter()
        .position(|x| x == v)
        .expect("every value in its table (KINDS, PLACES, POLICIES in blob.rs)") as u32
}

/// The value numbered `n` in `all`.
fn numbered<T: Copy>(all: &[T], n: u32) -> Option<T> {
    all.get(n as usize).copied()
}

impl Gazetteer {
    /// The gazetteer as bytes for [`Gazetteer::decode`]; `files` are the embedded files it
    /// was built from (and all it was built from), which the bytes refer to, not copy.
    ///
    /// # Errors
    /// When the gazetteer was not built from `files` alone.
    #[allow(dead_code)] // (the build script's and the tests')
    pub(crate) fn encode(&self, files: &[(&str, &str)]) -> Decoded<Vec<u8>> {
        let same = self.paths.len() == files.len()
            && self
                .paths
                .iter()
                .zip(&self.texts)
                .zip(files)
                .all(|((p, t), (fp, ft))| p == fp && t.as_str() == *ft);
        if !same {
            return Err("the gazetteer is not one of the given files alone".into());
        }
        let mut w = Writer::default();
        // each file's length: a check that the bytes go with these files
        w.u32(files.len() as u32);
        for (_, text) in files {
            w.u64(text.len() as u64);
        }
        let start = |r: &RawRow| u32::try_from(r.start).map_err(|_| "files of 4 GiB or more");
        let starts = self
            .rows
            .iter()
            .map(start)
            .collect::<Result<Vec<u32>, _>>()?;
        w.records(self.rows.iter().zip(starts).map(|(r, start)| {
            let [name, aliases, attrs] = r.cols.map(u32::from);
            [
                start,
                r.len,
                r.file,
                name | aliases << 16,
                attrs | number(&KINDS, &r.kind) << 16,
            ]
        }));
        w.bytes(self.forms.text.as_bytes());
        w.u32s(&self.forms.start);
        w.records(self.senses.iter().map(|s| {
            let flags = u32::from(s.canonical) | u32::from(s.short) << 1 | u32::from(s.common) << 2;
            [s.entry, flags | number(&POLICIES, &s.policy) << 8]
        }));
        w.u32s(&self.sense_start);
        self.trie.encode(&mut w);
        self.lower_trie.encode(&mut w);
        self.lower_starts.encode(&mut w);
        // by code (a hash map's order is no order)
        let mut countries: Vec<(&String, &EntryId)> = self.country_index.iter().collect();
        countries.sort();
        w.u32(countries.len() as u32);
        for (code, &id) in countries {
            w.bytes(code.as_bytes());
            w.u32(id);
        }
        // the common words' table as it is (the slots of the short ones, their keys,
        // then the long ones in order)
        let (slots, long) = self.common.table();
        let half = |x: u64| [x as u32, (x >> 32) as u32];
        w.records(slots.map(|[lo, hi]| {
            let ([lo0, lo1], [hi0, hi1]) = (half(lo), half(hi));
            [lo0, lo1, hi0, hi1]
        }));
        let mut long: Vec<&str> = long.collect();
        long.sort_unstable();
        w.u32(long.len() as u32);
        for word in long {
            w.bytes(word.as_bytes());
        }
        w.records(self.facts.iter().map(|f| {
            let flags = u32::from(f.capital) | u32::from(f.common) << 1;
            [
                number(&KINDS, &f.kind) | number(&PLACES, &f.place) << 8 | flags << 16,
                f.population as u32,
                (f.population >> 32) as u32,
            ]
        }));
        Ok(w.finish())
    }

    /// The gazetteer [`Gazetteer::encode`] wrote into `blob`, built from `files` (read in
    /// place: the rows point into their texts).
    ///
    /// # Errors
    /// A message naming what is wrong with bytes that are not such a gazetteer (another
    /// layout version, cut short, corrupt) or that go with other files.
    pub(crate) fn decode(blob: &[u8], files: &[(&str, &'static str)]) -> Decoded<Gazetteer> {
        let mut r = Reader::open(blob)?;
        let n = r.u32("file count")? as usize;
        if n != files.len() {
            return Err(format!("{n} files, not the {} embedded ones", files.len()));
        }
        for (path, text) in files {
            let len = r.u64("file length")?;
            if len != text.len() as u64 {
                return Err(format!(
                    "made from a {path} of {len} bytes; the embedded one has {}",
                    text.len()
                ));
            }
        }
        let rows = r.checked_records("rows", |[start, len, file, names, attrs]| {
            // a row inside its file (every read of a row slices there)
            let (_, text) = files.get(file as usize)?;
            (u64::from(start) + u64::from(len) <= text.len() as u64).then_some(())?;
            Some(RawRow {
                start: start as usize,
                len,
                file,
                cols: [names as u16, (names >> 16) as u16, attrs as u16],
                kind: numbered(&KINDS, attrs >> 16)?,
            })
        })?;
        let text = String::from_utf8(r.bytes("form texts")?.to_vec())
            .map_err(|e| format!("form texts: {e}"))?;
        let forms = Forms {
            text,
            start: r.u32s("form starts")?,
        };
        let senses = r.checked_records("senses", |[entry, flags]| {
            Some(Sense {
                entry,
                canonical: flags & 1 != 0,
                short: flags & 2 != 0,
                common: flags & 4 != 0,
                policy: numbered(&POLICIES, flags >> 8)?,
            })
        })?;
        let sense_start = r.u32s("sense starts")?;
        let trie = Trie::decode(&mut r)?;
        let lower_trie = Trie::decode(&mut r)?;
        let lower_starts = WordStarts::decode(&mut r)?;
        let countries = r.u32("country count")?;
        let mut country_index = HashMap::default();
        for _ in 0..countries {
            let code = std::str::from_utf8(r.bytes("country code")?)
                .map_err(|e| format!("country code: {e}"))?;
            country_index.insert(code.to_string(), r.u32("country entry")?);
        }
        let slots = r.record_iter("common words")?;
        let slots = slots.map(|[lo0, lo1, hi0, hi1]| {
            let whole = |a: u32, b: u32| u64::from(b) << 32 | u64::from(a);
            [whole(lo0, lo1), whole(hi0, hi1)]
        });
        let long = (0..r.u32("long common words")?)
            .map(|_| {
                let w = r.bytes("long common word")?;
                let w = std::str::from_utf8(w).map_err(|e| format!("long common word: {e}"))?;
                Ok(Box::from(w))
            })
            .collect::<Decoded<Vec<Box<str>>>>()?;
        let common = CommonWords::from_table(slots, long.into_iter())
            .ok_or("common words: no table of a power of two with an empty slot")?;
        let facts = r.checked_records("facts", |[kinds, lo, hi]| {
            Some(Facts {
                kind: numbered(&KINDS, kinds & 0xFF)?,
                place: numbered(&PLACES, kinds >> 8 & 0xFF)?,
                population: u64::from(hi) << 32 | u64::from(lo),
                capital: kinds & 1 << 16 != 0,
                common: kinds & 2 << 16 != 0,
            })
        })?;
        r.end()?;
        Ok(Gazetteer {
            paths: files.iter().map(|(p, _)| p.to_string()).collect(),
            texts: files.iter().map(|&(_, t)| Text::Static(t)).collect(),
            entries: (0..rows.len().div_ceil(BLOCK))
                .map(|_| OnceLock::new())
                .collect(),
            rows: Arc::new(rows),
            all_entries: OnceLock::new(),
            forms,
            senses,
            sense_start,
            trie,
            lower_trie,
            lower_starts,
            id_index: OnceLock::new(),
            country_index,
            common: Arc::new(common),
            facts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{GazetteerBuilder, PREBUILT};

    /// Every field of `a` equals `b`'s (the lazy parts made on both sides). The pattern
    /// names every field: a field added to [`Gazetteer`] fails to compile here until it is
    /// compared (and, as likely, encoded).
    fn assert_same(a: &Gazetteer, b: &Gazetteer) {
        let Gazetteer {
            paths,
            texts,
            entries,
            rows,
            all_entries: _,
            forms,
            senses,
            sense_start,
            trie,
            lower_trie,
            lower_starts,
            id_index: _,
            country_index,
            common,
            facts,
        } = a;
        assert_eq!(paths, &b.paths);
        assert_eq!(texts, &b.texts);
        assert_eq!(entries.len(), b.entries.len());
        assert_eq!(rows, &b.rows);
        assert!(forms == &b.forms, "forms differ");
        assert!(senses == &b.senses, "senses differ");
        assert!(sense_start == &b.sense_start, "sense starts differ");
        assert!(trie == &b.trie, "tries differ");
        assert!(lower_trie == &b.lower_trie, "lower-case tries differ");
        assert!(
            lower_starts == &b.lower_starts,
            "lower-case word starts differ"
        );
        assert_eq!(country_index, &b.country_index);
        assert!(common == &b.common, "common words differ");
        assert!(facts == &b.facts, "facts differ");
        // the lazy parts: every entry parsed from its row, and the id index
        assert!(a.entries() == b.entries(), "entries differ");
        for (i, e) in a.entries().iter().enumerate().step_by(97) {
            assert_eq!(a.by_id(&e.id), Some(i as EntryId));
            assert_eq!(b.by_id(&e.id), Some(i as EntryId));
        }
    }

    fn defaults() -> (Gazetteer, Vec<u8>) {
        let g = GazetteerBuilder::embedded_defaults(1).unwrap();
        let blob = g.encode(crate::defaults::GAZETTEERS).unwrap();
        (g, blob)
    }

    #[test]
    fn the_default_gazetteer_decodes_to_the_one_built_from_text() {
        let (built, blob) = defaults();
        let decoded = Gazetteer::decode(&blob, crate::defaults::GAZETTEERS);
        assert_same(&decoded.unwrap(), &built);
        // the bytes the build script made, when it made them (the cfg of a normal build)
        if let Some(prebuilt) = PREBUILT {
            assert!(
                prebuilt == blob.as_slice(),
                "the build script's bytes differ"
            );
            assert_same(&Gazetteer::embedded_defaults(1).unwrap(), &built);
        }
    }

    /// Rows of every type, place kind, case policy and fact, in a small gazetteer.
    const SMALL: &str = "id\ttype\tname\taliases\tattrs\n\
        c:fr\tLOCATION\tFrance\tRépublique française|FR\tkind=country;country=FR;population=68000000\n\
        c:pa\tLOCATION\tParis\t\tkind=city;capital=FR;population=2100000\n\
        r:br\tLOCATION\tBrittany\t\tkind=region\n\
        x:eu\tLOCATION\tEurope\t\tkind=continent\n\
        x:gu\tLOCATION\tGuam\t\tkind=territory;common=1\n\
        x:mo\tLOCATION\tMount Olympus\t\tkind=mountain\n\
        p:em\tPERSON\tEmmanuel Macron\tMacron\ttitle=president;country=FR\n\
        p:os\tPERSON\tOlaf Scholz\t\ttitle=chancellor\n\
        p:jb\tPERSON\tJoe Biden\t\ttitle=president\n\
        o:nato\tORGANIZATION\tNATO\tNorth Atlantic Treaty Organization\t\n\
        o:un\tORGANIZATION\tUN\t\t\n\
        n:fr\tNATIONALITY\tFrench\t\tcountry=FR\n\
        e:g7\tEVENT\tG7 summit\t\t\n\
        t:pm\tTITLE\tprime minister\tpremier\tkind=office\n\
        t:dep\tTITLE\tdeputy\t\tkind=modifier\n\
        g:anne\tGIVEN_NAME\tAnne\t\t\n\
        s:dupont\tSURNAME\tDupont\t\t\n";

    fn small() -> (Gazetteer, Vec<u8>, [(&'static str, &'static str); 1]) {
        let files = [("small.tsv", SMALL)];
        let mut b = GazetteerBuilder::new();
        b.add_embedded(files[0].0, files[0].1).unwrap();
        b.add_embedded_common_words("france\nparis\nscholz\ninternationalisation\n");
        let g = b.build().unwrap();
        assert!(
            g.rows.iter().all(|r| r.cols[0] > 0),
            "rows split when added"
        );
        let blob = g.encode(&files).unwrap();
        (g, blob, files)
    }

    #[test]
    fn a_small_gazetteer_of_every_kind_decodes_to_itself() {
        let (g, blob, files) = small();
        assert_same(&Gazetteer::decode(&blob, &files).unwrap(), &g);
        assert!(PLACES.iter().all(|p| g.facts.iter().any(|f| f.place == *p)));
        assert!(KINDS.iter().all(|k| g.facts.iter().any(|f| f.kind == *k)));
        let policies = |p| g.senses.iter().any(|s| s.policy == p);
        assert!(POLICIES.iter().all(|&p| policies(p)), "every case policy");
        // each flag of a sense both set and clear somewhere
        let flags = [
            |s: &Sense| s.canonical,
            |s: &Sense| s.short,
            |s: &Sense| s.common,
        ];
        for flag in flags {
            assert!(g.senses.iter().any(flag) && !g.senses.iter().all(flag));
        }
        assert!(g.facts.iter().any(|f| f.capital) && g.facts.iter().any(|f| f.common));
    }

    #[test]
    fn a_gazetteer_of_other_files_is_not_encoded() {
        let (g, _, _) = small();
        assert!(g.encode(&[("small.tsv", "other text")]).is_err());
        assert!(g.encode(&[("other.tsv", SMALL)]).is_err());
        assert!(g.encode(&[]).is_err());
    }

    /// `payload` with a header that is right for it.
    fn sealed(payload: &[u8]) -> Vec<u8> {
        Writer {
            buf: payload.to_vec(),
        }
        .finish()
    }

    fn refused(blob: &[u8], files: &[(&str, &'static str)]) -> String {
        match Gazetteer::decode(blob, files) {
            Ok(_) => panic!("decoded"),
            Err(e) => e,
        }
    }

    #[test]
    fn bytes_that_are_no_such_gazetteer_are_refused_with_the_reason() {
        let (_, blob, files) = small();
        let err = |b: &[u8]| refused(b, &files);
        assert!(err(&[]).contains("no header"));
        assert!(err(b"newsgaz").contains("no header"));
        let mut b = blob.clone();
        b[0] ^= 1;
        assert!(err(&b).contains("no header"));
        let mut b = blob.clone();
        b[8] += 1;
        let other = format!(
            "layout version {}, this library reads {VERSION}",
            VERSION + 1
        );
        assert!(err(&b).contains(&other), "{}", err(&b));
        // cut short, or longer, than the header says
        for cut in [HEADER, HEADER + 1, blob.len() / 2, blob.len() - 1] {
            assert!(err(&blob[..cut]).contains("bytes after the header"));
        }
        let mut b = blob.clone();
        b.push(0);
        assert!(err(&b).contains("bytes after the header"));
        // a changed byte anywhere in the payload
        for at in [HEADER, HEADER + 50, blob.len() / 2, blob.len() - 1] {
            let mut b = blob.clone();
            b[at] ^= 0x10;
            assert!(err(&b).contains("checksum"), "{at}: {}", err(&b));
        }
        // a payload cut short with a header that agrees: the part where it ends is named
        let payload = &blob[HEADER..];
        let e = err(&sealed(&payload[..payload.len() - 3]));
        assert!(e.contains("truncated: facts"), "{e}");
        let e = err(&sealed(&payload[..payload.len() / 2]));
        assert!(e.contains("truncated: trie"), "{e}");
        let mut longer = payload.to_vec();
        longer.push(0);
        assert!(err(&sealed(&longer)).contains("1 bytes left over"));
        // other files than those it was made from
        assert!(refused(&blob, &[("small.tsv", "id\ttype\n")]).contains("made from a small.tsv"));
        assert!(refused(&blob, &[]).contains("1 files, not the 0"));
    }

    #[test]
    fn impossible_values_are_refused() {
        let (_, blob, files) = small();
        let payload = &blob[HEADER..];
        // the first row's type: file count, one length, the row count, then the record
        // (its fifth number holds the type in its upper half)
        let kind_at = 4 + 8 + 8 + 4 * 4 + 2;
        assert_eq!(payload[kind_at], 1, "the first row is a LOCATION");
        let mut p = payload.to_vec();
        p[kind_at] = 8;
        let e = refused(&sealed(&p), &files);
        assert!(
            e.contains("rows: record 0") && e.contains("out of range"),
            "{e}"
        );
        // a row past the end of its file
        let mut p = payload.to_vec();
        p[4 + 8 + 8..4 + 8 + 8 + 4].copy_from_slice(&(SMALL.len() as u32).to_le_bytes());
        assert!(refused(&sealed(&p), &files).contains("rows: record 0"));
    }

    #[test]
    fn the_checksum_is_the_sum_of_the_words() {
        for n in [0, 1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 65, 1000] {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let sum = bytes.chunks(8).fold(0u64, |s, c| {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                s.wrapping_add(u64::from_le_bytes(w))
            });
            assert_eq!(checksum(&bytes), sum, "{n} bytes");
        }
    }

    #[test]
    fn the_checksum_sees_every_byte() {
        let bytes: Vec<u8> = (0..=255).cycle().take(1001).collect();
        for at in 0..bytes.len() {
            let mut b = bytes.clone();
            b[at] ^= 0x80;
            assert_ne!(checksum(&b), checksum(&bytes), "byte {at}");
        }
    }
}
