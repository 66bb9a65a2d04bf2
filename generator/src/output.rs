//! Output files: written under a temporary name in the target folder, optionally gzipped, counted, then renamed into place so readers never see half a file.

use super::{GenerateError, GeneratedFile};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Progress is reported every this many rows.
pub(crate) const PROGRESS_EVERY: u64 = 100_000;

pub(crate) type Progress<'a> = &'a (dyn Fn(&str, u64) + Sync);

enum Sink {
    Plain(BufWriter<File>),
    Gzip(Box<GzEncoder<BufWriter<File>>>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(buf),
            Sink::Gzip(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}

/// A file being written: bytes go to `.<name>.partial`, rows are counted for the summary.
pub(crate) struct OutFile<'a> {
    path: PathBuf,
    tmp: PathBuf,
    name: String,
    sink: Option<Sink>,
    rows: u64,
    corrupted: u64,
    progress: Progress<'a>,
}

impl<'a> OutFile<'a> {
    pub fn create(dir: &Path, name: &str, gzip: bool, progress: Progress<'a>) -> Result<Self, GenerateError> {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let file = File::create(&tmp).map_err(|source| GenerateError::Write { path: tmp.clone(), source })?;
        let buf = BufWriter::with_capacity(1 << 18, file);
        let sink = if gzip { Sink::Gzip(Box::new(GzEncoder::new(buf, Compression::new(5)))) } else { Sink::Plain(buf) };
        Ok(OutFile { path, tmp, name: name.to_string(), sink: Some(sink), rows: 0, corrupted: 0, progress })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_err(&self, source: io::Error) -> GenerateError {
        GenerateError::Write { path: self.path.clone(), source }
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), GenerateError> {
        let res = match self.sink.as_mut() {
            Some(s) => s.write_all(bytes),
            None => Err(io::Error::other("file already finished")),
        };
        res.map_err(|e| self.io_err(e))
    }

    /// Counts one data row (not the header) and reports progress now and then.
    pub fn row_done(&mut self, corrupted: bool) {
        self.rows += 1;
        self.corrupted += u64::from(corrupted);
        if self.rows.is_multiple_of(PROGRESS_EVERY) {
            (self.progress)(&self.name, self.rows);
        }
    }

    /// For writers that count rows themselves (the CSV writer owns the file).
    fn set_counts(&mut self, rows: u64, corrupted: u64) {
        self.rows = rows;
        self.corrupted = corrupted;
    }

    /// Flushes, closes and renames the file into place.
    pub fn finish(mut self) -> Result<GeneratedFile, GenerateError> {
        let sink = self.sink.take();
        let closed = match sink {
            Some(Sink::Plain(w)) => w.into_inner().map_err(|e| e.into_error()),
            Some(Sink::Gzip(g)) => g.finish().and_then(|w| w.into_inner().map_err(|e| e.into_error())),
            None => Err(io::Error::other("file already finished")),
        }
        .and_then(|file| file.sync_all());
        if let Err(e) = closed {
            // The sink is gone, so Drop will not clean up: remove the partial file here.
            let _ = std::fs::remove_file(&self.tmp);
            return Err(self.io_err(e));
        }
        if let Err(source) = std::fs::rename(&self.tmp, &self.path) {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(GenerateError::Rename { from: self.tmp.clone(), path: self.path.clone(), source });
        }
        let bytes = std::fs::metadata(&self.path).map_err(|e| self.io_err(e))?.len();
        (self.progress)(&self.name, self.rows);
        Ok(GeneratedFile { path: self.path.clone(), rows: self.rows, bytes, corrupted_rows: self.corrupted })
    }
}

impl Drop for OutFile<'_> {
    fn drop(&mut self) {
        // Only reached with a sink when finishing failed or never happened: leave no partial file.
        if self.sink.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Write for OutFile<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.sink.as_mut() {
            Some(s) => s.write(buf),
            None => Err(io::Error::other("file already finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.sink.as_mut() {
            Some(s) => s.flush(),
            None => Ok(()),
        }
    }
}

/// A CSV file written through the `csv` crate on top of an [`OutFile`].
pub(crate) struct CsvOut<'a> {
    writer: csv::Writer<OutFile<'a>>,
    path: PathBuf,
    name: String,
    rows: u64,
    corrupted: u64,
    progress: Progress<'a>,
}

impl<'a> CsvOut<'a> {
    pub fn create(dir: &Path, name: &str, crlf: bool, progress: Progress<'a>) -> Result<Self, GenerateError> {
        let out = OutFile::create(dir, name, false, progress)?;
        let path = out.path().to_path_buf();
        let writer = csv::WriterBuilder::new()
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_writer(out);
        Ok(CsvOut { writer, path, name: name.to_string(), rows: 0, corrupted: 0, progress })
    }

    pub fn header(&mut self, fields: &[&str]) -> Result<(), GenerateError> {
        self.writer.write_record(fields).map_err(|source| GenerateError::Csv { path: self.path.clone(), source })
    }

    pub fn record(&mut self, record: &csv::ByteRecord, corrupted: bool) -> Result<(), GenerateError> {
        self.writer
            .write_byte_record(record)
            .map_err(|source| GenerateError::Csv { path: self.path.clone(), source })?;
        self.rows += 1;
        self.corrupted += u64::from(corrupted);
        if self.rows.is_multiple_of(PROGRESS_EVERY) {
            (self.progress)(&self.name, self.rows);
        }
        Ok(())
    }

    pub fn finish(self) -> Result<GeneratedFile, GenerateError> {
        let path = self.path;
        let out = self.writer.into_inner().map_err(|e| GenerateError::Write {
            path: path.clone(),
            source: io::Error::other(e.error().to_string()),
        })?;
        let mut out = out;
        out.set_counts(self.rows, self.corrupted);
        out.finish()
    }
}
