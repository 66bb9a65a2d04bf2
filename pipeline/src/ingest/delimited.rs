//! Reads one delimited text file (IMDb TSV, MovieLens `|`/`::`/TAB files) through a row parser into a
//! [`TableOutput`]: header check, field splitting, encoding, line numbers, and per-row rejection.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use super::TableError;
use super::output::TableOutput;
use crate::sources::fields::{Reject, RejectKind};
use crate::sources::imdb::{csv_unquote, looks_csv_quoted};
use crate::sources::text::{ChunkReader, InputStats, for_each_line, latin1_to_string};
use crate::sources::{Dialect, Encoding, RowParser};

/// More fields than any source has (u.item has 24).
pub const MAX_FIELDS: usize = 32;

/// What reading the file learned besides the rows.
pub struct ReadSummary {
    pub input: InputStats,
    pub notes: Vec<String>,
}

/// Streams `path` through `parser` into `out`. Row problems are rejections; file problems are errors.
pub fn read_delimited(
    path: &Path,
    dialect: Dialect,
    parser: &mut dyn RowParser,
    out: &mut TableOutput,
    progress: Arc<AtomicU64>,
) -> Result<ReadSummary, TableError> {
    let mut reader = ChunkReader::open(path, progress).map_err(TableError::Input)?;
    let expected = parser.header().len();
    let mut next_line: u64 = 1;
    let mut header_seen = !dialect.header;
    let mut any_input = false;
    // Set on the first data line when a CSV writer rewrote an IMDb file (quoted fields, doubled quotes).
    let mut csv_quoted: Option<bool> = None;
    let mut unquoted_rows: u64 = 0;
    let mut error: Option<TableError> = None;

    while let Some(chunk) = reader.next_chunk() {
        let chunk = chunk.map_err(TableError::Input)?;
        any_input = true;
        // Validating a whole chunk at once is much faster than line by line; only a chunk with a bad
        // byte pays for the per-line check.
        let chunk_is_utf8 = dialect.encoding == Encoding::Latin1 || simdutf8::basic::from_utf8(&chunk).is_ok();
        let mut scratch = String::new();
        for_each_line(&chunk, &mut next_line, |line_no, raw| {
            if error.is_some() {
                return;
            }
            if !header_seen {
                header_seen = true;
                if let Err(e) = check_header(path, dialect, raw, parser.header()) {
                    error = Some(e);
                }
                return;
            }
            if raw.is_empty() {
                return; // a blank line (often the last one) carries no row
            }
            let decoded;
            let line: &str = match dialect.encoding {
                Encoding::Latin1 => {
                    decoded = latin1_to_string(raw);
                    &decoded
                }
                // SAFETY: `raw` is a line of `chunk`, which is valid UTF-8, cut at '\n' (and '\r'), ASCII bytes
                // that never occur inside a multi-byte sequence: so `raw` is valid UTF-8 too. Validating
                // every line a second time cost 5% of the whole ingest.
                Encoding::Utf8 if chunk_is_utf8 => unsafe { std::str::from_utf8_unchecked(raw) },
                Encoding::Utf8 => match std::str::from_utf8(raw) {
                    Ok(line) => line,
                    Err(e) => {
                        let reject = Reject::new(
                            RejectKind::InvalidUtf8,
                            format!(
                                "invalid UTF-8 byte 0x{:02X} at byte {}",
                                raw[e.valid_up_to()],
                                e.valid_up_to() + 1
                            ),
                        );
                        error = out.rejected(line_no, raw, &reject).err().map(TableError::Lake);
                        return;
                    }
                },
            };
            // memchr's SIMD search: `str::contains(char)` takes the standard library's portable one, 4 % of the
            // ingest's CPU for this one test per line (measured).
            let line = if dialect.separator == "\t" && memchr::memchr(b'"', line.as_bytes()).is_some() {
                if *csv_quoted.get_or_insert_with(|| looks_csv_quoted(line)) {
                    scratch.clear();
                    for (i, field) in line.split('\t').enumerate() {
                        if i > 0 {
                            scratch.push('\t');
                        }
                        match csv_unquote(field) {
                            Some(plain) => scratch.push_str(&plain),
                            None => scratch.push_str(field),
                        }
                    }
                    unquoted_rows += 1;
                    scratch.as_str()
                } else {
                    line
                }
            } else {
                line
            };
            // A stack array: no allocation per line on the hot path.
            let mut fields = [""; MAX_FIELDS];
            let count = split_fields(line, dialect.separator, &mut fields);
            let result = if count != expected {
                Err(Reject::field_count(expected, count))
            } else {
                parser.push(&fields[..count], out.builder())
            };
            let outcome = match result {
                Ok(()) => out.accepted(),
                Err(reject) => out.rejected(line_no, raw, &reject),
            };
            if let Err(e) = outcome {
                error = Some(TableError::Lake(e));
            }
        });
        if let Some(e) = error.take() {
            return Err(e);
        }
    }
    let input = reader.finish();
    if !any_input {
        return Err(TableError::Empty { path: path.to_path_buf() });
    }
    let mut notes = parser.notes();
    if unquoted_rows > 0 {
        notes.push(format!(
            "{unquoted_rows} rows had CSV-quoted fields (\"[\"\"Self\"\"]\"): a CSV writer rewrote this file; they were unquoted"
        ));
    }
    if input.had_bom {
        notes.push("the file starts with a UTF-8 byte-order mark; it was skipped".to_owned());
    }
    Ok(ReadSummary { input, notes })
}

fn check_header(path: &Path, dialect: Dialect, raw: &[u8], expected: &[&str]) -> Result<(), TableError> {
    let text = match dialect.encoding {
        Encoding::Latin1 => latin1_to_string(raw),
        Encoding::Utf8 => String::from_utf8_lossy(raw).into_owned(),
    };
    let found: Vec<&str> = text.split(dialect.separator).map(str::trim).collect();
    if found != expected {
        return Err(TableError::Header {
            path: path.to_path_buf(),
            expected: expected.join(dialect.separator),
            found: text.clone(),
        });
    }
    Ok(())
}

/// Splits `line` on `separator` into `fields` and returns the number of fields, which may exceed
/// `fields.len()` (the extra ones are counted, not kept). A one-byte separator (TAB, `|`) is found
/// with memchr; `::` (MovieLens 1M) goes through the string searcher.
fn split_fields<'a>(line: &'a str, separator: &str, fields: &mut [&'a str; MAX_FIELDS]) -> usize {
    let mut count = 0;
    let mut keep = |field: &'a str| {
        if count < MAX_FIELDS {
            fields[count] = field;
        }
        count += 1;
    };
    match separator.as_bytes() {
        &[byte] if byte.is_ascii() => {
            let mut start = 0;
            for end in memchr::memchr_iter(byte, line.as_bytes()) {
                // An ASCII separator is always a character boundary.
                keep(&line[start..end]);
                start = end + 1;
            }
            keep(&line[start..]);
        }
        _ => line.split(separator).for_each(keep),
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_on_one_byte_and_two_byte_separators_alike() {
        let mut fields = [""; MAX_FIELDS];
        assert_eq!(split_fields("tt1\t\\N\tété\t", "\t", &mut fields), 4);
        assert_eq!(&fields[..4], ["tt1", "\\N", "été", ""]);
        assert_eq!(split_fields("1::Toy Story (1995)::Animation|Comedy", "::", &mut fields), 3);
        assert_eq!(&fields[..3], ["1", "Toy Story (1995)", "Animation|Comedy"]);
        assert_eq!(split_fields("", "|", &mut fields), 1);
    }

    #[test]
    fn a_line_with_too_many_fields_counts_them_all() {
        let mut fields = [""; MAX_FIELDS];
        let line = vec!["x"; MAX_FIELDS + 5].join("|");
        assert_eq!(split_fields(&line, "|", &mut fields), MAX_FIELDS + 5);
    }
}
