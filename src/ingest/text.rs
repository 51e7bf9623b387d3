//! Delimited text: CSV, TSV, TXT in UTF-8 (with or without BOM), UTF-16 (with a BOM, or
//! recognised by its zero bytes) and GB18030/GBK.
//!
//! GBK never uses a byte below 0x40 inside a character, so commas, tabs, semicolons,
//! quotes and line ends are the same bytes as in ASCII: the CSV parser runs on the raw
//! bytes and only cells that hold Chinese text are decoded. UTF-16 is transcoded to UTF-8
//! once, up front.

use std::borrow::Cow;

use csv::ByteRecord;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use super::table::{self, Detection, HEADER_SCAN_ROWS, Row, TableOutput};
use crate::records::Kind;
use crate::values::Cell;

/// The text encoding of a file, as detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// Guesses the encoding: a BOM decides; then zero bytes in every other place mean UTF-16;
/// then valid UTF-8 is UTF-8; anything else is read as GB18030, the superset of GBK that
/// Excel on Chinese Windows writes.
pub fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return TextEncoding::Utf8Bom;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return TextEncoding::Utf16Le;
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return TextEncoding::Utf16Be;
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() >= 4 {
        let pairs = sample.len() / 2;
        let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_zero = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|b| **b == 0)
            .count();
        if odd_zero * 10 >= pairs * 3 && even_zero * 10 < pairs {
            return TextEncoding::Utf16Le;
        }
        if even_zero * 10 >= pairs * 3 && odd_zero * 10 < pairs {
            return TextEncoding::Utf16Be;
        }
    }
    if std::str::from_utf8(bytes).is_ok() {
        TextEncoding::Utf8
    } else {
        TextEncoding::Gb18030
    }
}

/// The bytes the CSV parser reads: UTF-8 or GB18030, without a BOM.
fn body(bytes: &[u8], enc: TextEncoding) -> Cow<'_, [u8]> {
    match enc {
        TextEncoding::Utf8 | TextEncoding::Gb18030 => Cow::Borrowed(bytes),
        TextEncoding::Utf8Bom => Cow::Borrowed(&bytes[3..]),
        TextEncoding::Utf16Le => {
            let text = UTF_16LE.decode_with_bom_removal(bytes).0;
            Cow::Owned(text.into_owned().into_bytes())
        }
        TextEncoding::Utf16Be => {
            let text = UTF_16BE.decode_with_bom_removal(bytes).0;
            Cow::Owned(text.into_owned().into_bytes())
        }
    }
}

/// Picks the delimiter whose field count is the same on the most lines of the first 50
/// (comma, tab or semicolon); on a tie tab, then comma, then semicolon. Counting ignores
/// delimiters inside quotes, so `"1,234.50"` does not count.
pub fn detect_delimiter(body: &[u8]) -> u8 {
    const CANDIDATES: [u8; 3] = [b'\t', b',', b';'];
    let mut counts: Vec<[usize; 3]> = Vec::new();
    let mut current = [0usize; 3];
    let mut in_quotes = false;
    let mut nonempty = false;
    for &b in body {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if nonempty {
                    counts.push(current);
                    if counts.len() == 50 {
                        break;
                    }
                }
                current = [0; 3];
                nonempty = false;
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    current[i] += 1;
                }
                if !b.is_ascii_whitespace() {
                    nonempty = true;
                }
            }
            _ => {}
        }
    }
    if nonempty {
        counts.push(current);
    }
    let mut best = (0usize, 0usize, b',');
    for (i, &d) in CANDIDATES.iter().enumerate() {
        let mut freq: std::collections::BTreeMap<usize, usize> = Default::default();
        for line in &counts {
            if line[i] > 0 {
                *freq.entry(line[i]).or_default() += 1;
            }
        }
        // The most common non-zero count, and the largest count on a tie of frequency.
        let Some((&fields, &lines)) = freq.iter().max_by_key(|(k, v)| (**v, **k)) else {
            continue;
        };
        if (lines, fields) > (best.0, best.1) {
            best = (lines, fields, d);
        }
    }
    best.2
}

/// A CSV record with the encoding its non-ASCII cells need.
pub struct CsvRow {
    record: ByteRecord,
    gbk: bool,
}

impl Row for CsvRow {
    fn width(&self) -> usize {
        self.record.len()
    }

    fn cell(&self, i: usize) -> Cell<'_> {
        let Some(bytes) = self.record.get(i) else {
            return Cell::Empty;
        };
        if bytes.is_empty() {
            return Cell::Empty;
        }
        if bytes.is_ascii() {
            return match std::str::from_utf8(bytes) {
                Ok(s) => Cell::Text(Cow::Borrowed(s)),
                Err(_) => Cell::Empty,
            };
        }
        if self.gbk {
            return Cell::Text(GB18030.decode_without_bom_handling(bytes).0);
        }
        Cell::Text(String::from_utf8_lossy(bytes))
    }
}

/// What reading one text file gave.
pub struct TextTable {
    pub encoding: TextEncoding,
    pub delimiter: u8,
    pub detection: Detection,
    pub output: TableOutput,
}

/// Reads a delimited text file already in memory.
pub fn read(bytes: &[u8], forced: Option<Kind>) -> Result<TextTable, csv::Error> {
    let encoding = detect_encoding(bytes);
    let body = body(bytes, encoding);
    let delimiter = detect_delimiter(&body);
    let gbk = encoding == TextEncoding::Gb18030;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_ref());
    let mut first = Vec::with_capacity(HEADER_SCAN_ROWS);
    let mut row_no = 0u32;
    loop {
        if first.len() == HEADER_SCAN_ROWS {
            break;
        }
        let mut record = ByteRecord::new();
        if !reader.read_byte_record(&mut record)? {
            break;
        }
        row_no += 1;
        first.push((row_no, CsvRow { record, gbk }));
    }
    // The rest streams: one record buffer at a time, errors stop the iterator and are
    // returned after it.
    let mut error = None;
    let rest = std::iter::from_fn(|| {
        if error.is_some() {
            return None;
        }
        let mut record = ByteRecord::new();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                row_no += 1;
                Some((row_no, CsvRow { record, gbk }))
            }
            Ok(false) => None,
            Err(e) => {
                error = Some(e);
                None
            }
        }
    });
    let (detection, output) = table::read_table(first, rest, forced);
    if let Some(e) = error {
        return Err(e);
    }
    Ok(TextTable {
        encoding,
        delimiter,
        detection,
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        assert_eq!(
            detect_encoding("身份证号,姓名\n".as_bytes()),
            TextEncoding::Utf8
        );
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFa,b\n"), TextEncoding::Utf8Bom);
        let gbk = GB18030.encode("身份证号,姓名\n").0.into_owned();
        assert_eq!(detect_encoding(&gbk), TextEncoding::Gb18030);
        let mut le = vec![0xFF, 0xFE];
        le.extend(
            "身份证号\t姓名\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert_eq!(detect_encoding(&le), TextEncoding::Utf16Le);
        let no_bom: Vec<u8> = "person_id\tname\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(detect_encoding(&no_bom), TextEncoding::Utf16Le);
        let be: Vec<u8> = "person_id\tname\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(detect_encoding(&be), TextEncoding::Utf16Be);
    }

    #[test]
    fn detects_delimiters() {
        assert_eq!(detect_delimiter(b"title\na,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc\n1\t\"1,234.50\"\t3\n"), b'\t');
        assert_eq!(
            detect_delimiter(b"a\tb\tc\n1\t1,234.50\t3\n4\t5\t6\n"),
            b'\t'
        );
        assert_eq!(detect_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter(b"a,b,c\r\n1,\"x;y\",3\r\n"), b',');
    }

    #[test]
    fn reads_gbk_cells_decoded() {
        let text = "身份证号,姓名,费款所属期,个人缴费\n11010519491231002X,张三,202401,100\n";
        let gbk = GB18030.encode(text).0.into_owned();
        let t = read(&gbk, None).unwrap();
        assert_eq!(t.encoding, TextEncoding::Gb18030);
        assert_eq!(t.output.contributions.len(), 1);
        assert_eq!(t.output.contributions[0].name.as_deref(), Some("张三"));
    }
}
