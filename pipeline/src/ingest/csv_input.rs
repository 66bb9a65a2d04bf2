//! Reads one RFC-4180 CSV file (MovieLens latest, TMDB) through a row parser into a [`TableOutput`].

use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use super::TableError;
use super::delimited::{MAX_FIELDS, ReadSummary};
use super::output::TableOutput;
use crate::sources::RowParser;
use crate::sources::fields::{Reject, RejectKind};
use crate::sources::text::{ChunkReader, InputError};

/// Presents the chunk reader as a byte stream for the csv crate, keeping the decoding thread.
struct ChunkStream {
    reader: ChunkReader,
    chunk: Vec<u8>,
    pos: usize,
    error: Option<InputError>,
}

impl Read for ChunkStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            match self.reader.next_chunk() {
                Some(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                Some(Err(e)) => {
                    let message = e.to_string();
                    self.error = Some(e);
                    return Err(io::Error::other(message));
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

pub fn read_csv(
    path: &Path,
    parser: &mut dyn RowParser,
    out: &mut TableOutput,
    progress: Arc<AtomicU64>,
) -> Result<ReadSummary, TableError> {
    let reader = ChunkReader::open(path, progress).map_err(TableError::Input)?;
    let mut stream = ChunkStream { reader, chunk: Vec::new(), pos: 0, error: None };
    let expected = parser.header().len();
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&mut stream);
    let mut record = csv::ByteRecord::new();
    let mut header_seen = false;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                drop(csv);
                if let Some(input) = stream.error.take() {
                    return Err(TableError::Input(input));
                }
                return Err(TableError::Input(InputError::Io {
                    path: path.into(),
                    source: io::Error::other(e.to_string()),
                }));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if !header_seen {
            header_seen = true;
            let found: Vec<String> = record.iter().map(|f| String::from_utf8_lossy(f).trim().to_owned()).collect();
            if found != parser.header() {
                return Err(TableError::Header {
                    path: path.into(),
                    expected: parser.header().join(","),
                    found: found.join(","),
                });
            }
            continue;
        }
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue; // blank line
        }
        let mut fields = [""; MAX_FIELDS];
        let result = match decode(&record, &mut fields) {
            Err(reject) => Err(reject),
            Ok(count) if count != expected => Err(Reject::field_count(expected, count)),
            Ok(count) => parser.push(&fields[..count], out.builder()),
        };
        match result {
            Ok(()) => out.accepted()?,
            Err(reject) => out.rejected(line, &raw_line(&record), &reject)?,
        }
    }
    if !header_seen {
        return Err(TableError::Empty { path: path.into() });
    }
    drop(csv);
    let input = stream.reader.finish();
    let mut notes = parser.notes();
    if input.had_bom {
        notes.push("the file starts with a UTF-8 byte-order mark; it was skipped".to_owned());
    }
    Ok(ReadSummary { input, notes })
}

/// Borrows every field as UTF-8 text and returns their number, or rejects the row naming the column.
fn decode<'r>(record: &'r csv::ByteRecord, fields: &mut [&'r str; MAX_FIELDS]) -> Result<usize, Reject> {
    for (i, field) in record.iter().enumerate() {
        match std::str::from_utf8(field) {
            Ok(text) if i < MAX_FIELDS => fields[i] = text,
            Ok(_) => {}
            Err(e) => {
                return Err(Reject::new(
                    RejectKind::InvalidUtf8,
                    format!(
                        "column {}: invalid UTF-8 byte 0x{:02X} at byte {}",
                        i + 1,
                        field[e.valid_up_to()],
                        e.valid_up_to() + 1
                    ),
                ));
            }
        }
    }
    Ok(record.len())
}

/// The record as a CSV line again, for the quarantine (quoting only where needed).
fn raw_line(record: &csv::ByteRecord) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let _ = writer.write_byte_record(record);
    let mut bytes = writer.into_inner().unwrap_or_default();
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    bytes
}
