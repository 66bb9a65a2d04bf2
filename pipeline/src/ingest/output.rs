//! Where one source file's rows go: valid rows to a staged lake table (encoded on a background thread),
//! rejected rows to a staged quarantine table with file, line, raw text and reason; and the counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use arrow_array::RecordBatch;
use arrow_schema::ArrowError;
use serde::Serialize;

use crate::lake::{BatchSink, LakeError, StagedFile};
use crate::sources::batch::{BatchBuilder, Columns, Kind};
use crate::sources::fields::Reject;

/// Columns of `quarantine/<table>.parquet`.
pub const QUARANTINE_COLUMNS: Columns = &[
    ("source_file", Kind::Str),
    ("line", Kind::I64),
    ("reason_code", Kind::Str),
    ("reason", Kind::Str),
    ("raw_line", Kind::Str),
];

/// How many rejected rows are quoted in reports and error messages.
const SAMPLES: usize = 5;

/// A rejected row as quoted in reports.
#[derive(Debug, Clone, Serialize)]
pub struct RejectSample {
    pub line: u64,
    pub reason: String,
    pub raw: String,
}

/// Counts of one table, as written in the manifest: `read = written + rejected` always holds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TableCounts {
    pub rows_read: u64,
    pub rows_written: u64,
    pub rows_rejected: u64,
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    pub first_rejects: Vec<RejectSample>,
}

/// Valid rows → lake, rejected rows → quarantine.
pub struct TableOutput {
    source_file: String,
    builder: BatchBuilder,
    batch_rows: usize,
    encoder: Encoder,
    quarantine_dest: PathBuf,
    quarantine: Option<(BatchBuilder, BatchSink)>,
    pub counts: TableCounts,
}

impl TableOutput {
    pub fn new(
        columns: Columns,
        lake_dest: &Path,
        quarantine_dest: &Path,
        source_file: &Path,
        batch_rows: usize,
    ) -> Result<Self, LakeError> {
        let builder = BatchBuilder::new(columns, batch_rows);
        let sink = BatchSink::create(lake_dest, builder.schema())?;
        Ok(Self {
            source_file: source_file.display().to_string(),
            builder,
            batch_rows,
            encoder: Encoder::spawn(sink),
            quarantine_dest: quarantine_dest.to_path_buf(),
            quarantine: None,
            counts: TableCounts::default(),
        })
    }

    /// The builder to push a validated row into; call [`TableOutput::accepted`] after.
    #[inline]
    pub fn builder(&mut self) -> &mut BatchBuilder {
        &mut self.builder
    }

    /// Records a row pushed into the builder, and hands a full batch to the encoder.
    #[inline]
    pub fn accepted(&mut self) -> Result<(), LakeError> {
        self.counts.rows_read += 1;
        self.counts.rows_written += 1;
        if self.builder.rows() >= self.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    /// Records a rejected row in quarantine.
    pub fn rejected(&mut self, line: u64, raw: &[u8], reject: &Reject) -> Result<(), LakeError> {
        self.counts.rows_read += 1;
        self.counts.rows_rejected += 1;
        *self.counts.rejected_by_reason.entry(reject.kind.code()).or_default() += 1;
        let raw = String::from_utf8_lossy(raw);
        if self.counts.first_rejects.len() < SAMPLES {
            self.counts.first_rejects.push(RejectSample { line, reason: reject.message.clone(), raw: raw.to_string() });
        }
        if self.quarantine.is_none() {
            let builder = BatchBuilder::new(QUARANTINE_COLUMNS, 1024);
            let sink = BatchSink::create(&self.quarantine_dest, builder.schema())?;
            self.quarantine = Some((builder, sink));
        }
        let (builder, sink) = self.quarantine.as_mut().expect("created above");
        builder.str(0, Some(&self.source_file));
        builder.i64(1, Some(line as i64));
        builder.str(2, Some(reject.kind.code()));
        builder.str(3, Some(&reject.message));
        builder.str(4, Some(&raw));
        builder.end_row();
        if builder.rows() >= 8192 {
            let batch = builder.take().map_err(|source| arrow_error(&self.quarantine_dest, source))?;
            sink.write(&batch)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), LakeError> {
        let batch = self.builder.take().map_err(|source| arrow_error(self.encoder.dest(), source))?;
        self.encoder.send(batch)
    }

    /// Flushes everything; returns the staged lake table and, when rows were rejected, the staged quarantine.
    pub fn finish(mut self) -> Result<(StagedFile, Option<StagedFile>, TableCounts), LakeError> {
        self.flush()?;
        let lake = self.encoder.finish()?;
        let quarantine = match self.quarantine.take() {
            Some((mut builder, mut sink)) => {
                let batch = builder.take().map_err(|source| arrow_error(&self.quarantine_dest, source))?;
                sink.write(&batch)?;
                Some(sink.finish()?)
            }
            None => None,
        };
        Ok((lake, quarantine, self.counts))
    }
}

fn arrow_error(path: &Path, source: ArrowError) -> LakeError {
    LakeError::Arrow { path: path.to_path_buf(), source }
}

/// Parquet encoding and compression on their own thread, so parsing goes on meanwhile.
/// The channel holds one batch: memory stays at about two batches.
struct Encoder {
    dest: PathBuf,
    tx: Option<SyncSender<RecordBatch>>,
    handle: Option<JoinHandle<Result<StagedFile, LakeError>>>,
}

impl Encoder {
    fn spawn(mut sink: BatchSink) -> Self {
        let dest = sink.dest().to_path_buf();
        let (tx, rx) = sync_channel::<RecordBatch>(1);
        let handle = std::thread::Builder::new()
            .name("parquet encoder".into())
            .spawn(move || {
                for batch in rx {
                    sink.write(&batch)?;
                }
                sink.finish()
            })
            .expect("spawning a thread");
        Self { dest, tx: Some(tx), handle: Some(handle) }
    }

    fn dest(&self) -> &Path {
        &self.dest
    }

    fn send(&mut self, batch: RecordBatch) -> Result<(), LakeError> {
        let tx = self.tx.as_ref().expect("encoder used after finish");
        if tx.send(batch).is_err() {
            // The encoder stopped on an error: collect it.
            self.tx = None;
            return match self.handle.take().map(JoinHandle::join) {
                Some(Ok(Err(e))) => Err(e),
                _ => Err(LakeError::Io {
                    path: self.dest.clone(),
                    source: std::io::Error::other("encoder thread stopped"),
                }),
            };
        }
        Ok(())
    }

    fn finish(mut self) -> Result<StagedFile, LakeError> {
        self.tx = None;
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            _ => {
                Err(LakeError::Io { path: self.dest.clone(), source: std::io::Error::other("encoder thread panicked") })
            }
        }
    }
}
