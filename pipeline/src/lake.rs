//! The Parquet lake: table names (a public contract) and atomic, streaming zstd Parquet writers.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arrow_array::{BooleanArray, RecordBatch};
use arrow_schema::{ArrowError, DataType as ArrowType, SchemaRef};
use parquet::arrow::arrow_reader::{ArrowPredicateFn, ParquetRecordBatchReaderBuilder, RowFilter};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;

/// Lake table names; each is `<lake>/<name>.parquet`. Analysts and other engines read these.
pub mod tables {
    pub const TITLES: &str = "titles";
    pub const IMDB_RATINGS: &str = "imdb_ratings";
    pub const PEOPLE: &str = "people";
    pub const CREDITS: &str = "credits";
    pub const CREW: &str = "crew";
    pub const EPISODES: &str = "episodes";
    pub const AKAS: &str = "akas";
    pub const ML_RATINGS: &str = "ml_ratings";
    pub const ML_MOVIES: &str = "ml_movies";
    pub const ML_USERS: &str = "ml_users";
    pub const ML_TAGS: &str = "ml_tags";
    pub const LINKS: &str = "links";
    pub const TMDB_MOVIES: &str = "tmdb_movies";
    pub const TMDB_CREDITS: &str = "tmdb_credits";
    /// Posters of The Movies Dataset's movies_metadata.csv, by IMDb id.
    pub const TMDB_POSTERS: &str = "tmdb_posters";
    pub const CATALOGUE: &str = "catalogue";

    /// Every table the ingest may write.
    pub const ALL: [&str; 16] = [
        TITLES,
        IMDB_RATINGS,
        PEOPLE,
        CREDITS,
        CREW,
        EPISODES,
        AKAS,
        ML_RATINGS,
        ML_MOVIES,
        ML_USERS,
        ML_TAGS,
        LINKS,
        TMDB_MOVIES,
        TMDB_CREDITS,
        TMDB_POSTERS,
        CATALOGUE,
    ];
}

/// The file of a lake table.
pub fn table_path(lake: &Path, table: &str) -> PathBuf {
    lake.join(format!("{table}.parquet"))
}

#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot encode Parquet for {path}: {source}")]
    Polars { path: PathBuf, source: PolarsError },
    #[error("cannot encode Parquet for {path}: {source}")]
    Parquet { path: PathBuf, source: parquet::errors::ParquetError },
    #[error("cannot build the rows of {path}: {source}")]
    Arrow { path: PathBuf, source: ArrowError },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: parquet::errors::ParquetError },
    #[error("{path} has no column {column} of the expected type")]
    Column { path: PathBuf, column: String },
}

/// Streams polars frames (derived tables, marts) into `<dest>` through a temporary file, renamed into
/// place only by [`ParquetSink::commit`]. Dropping an uncommitted sink removes the temporary file, so a
/// crash never leaves a half-written table.
pub struct ParquetSink {
    file: PendingFile,
    writer: Option<BatchedWriter<BufWriter<File>>>,
    rows: u64,
}

impl ParquetSink {
    pub fn create(dest: &Path, schema: &Schema) -> Result<Self, LakeError> {
        let (file, handle) = PendingFile::create(dest)?;
        let writer = ParquetWriter::new(BufWriter::with_capacity(1 << 20, handle))
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::default())
            .batched(schema)
            .map_err(|source| LakeError::Polars { path: dest.to_path_buf(), source })?;
        Ok(Self { file, writer: Some(writer), rows: 0 })
    }

    /// Appends one frame as one row group (callers batch rows to bound memory).
    pub fn write(&mut self, frame: &DataFrame) -> Result<(), LakeError> {
        if frame.height() == 0 {
            return Ok(());
        }
        let writer = self.writer.as_mut().expect("sink used after commit");
        // The writer needs every column cut into the same chunks.
        let mut aligned = frame.clone();
        aligned.align_chunks();
        writer.write_batch(&aligned).map_err(|source| LakeError::Polars { path: self.file.dest.clone(), source })?;
        self.rows += frame.height() as u64;
        Ok(())
    }

    /// Writes the footer; the file stays under its temporary name until [`StagedFile::publish`].
    pub fn finish(mut self) -> Result<StagedFile, LakeError> {
        let writer = self.writer.take().expect("sink finished twice");
        writer.finish().map_err(|source| LakeError::Polars { path: self.file.dest.clone(), source })?;
        Ok(self.file.staged(self.rows))
    }

    /// Finishes and publishes at once. Returns the rows written.
    pub fn commit(self) -> Result<u64, LakeError> {
        let staged = self.finish()?;
        let rows = staged.rows;
        staged.publish()?;
        Ok(rows)
    }
}

/// Streams Arrow record batches (the ingest's typed rows) into `<dest>` through a temporary file, with
/// the same all-or-nothing contract as [`ParquetSink`].
pub struct BatchSink {
    file: PendingFile,
    writer: Option<ArrowWriter<File>>,
    rows: u64,
}

impl BatchSink {
    pub fn create(dest: &Path, schema: SchemaRef) -> Result<Self, LakeError> {
        let (file, handle) = PendingFile::create(dest)?;
        // zstd level 1: against the default level 3, a tenth of the encoding time for files a few
        // percent larger; the lake is rewritten at each ingest, read by machines.
        let zstd = ZstdLevel::try_new(1).expect("1 is a valid zstd level");
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(zstd))
            .set_statistics_enabled(EnabledStatistics::Chunk);
        // Min/max of free text and lists prune nothing and cost a fifth of the encoding: only ids
        // (`*_id`, sorted in the dumps) and non-text columns keep their statistics.
        for field in schema.fields() {
            let leaf = match field.data_type() {
                ArrowType::Utf8 if !field.name().ends_with("_id") => vec![field.name().clone()],
                // The leaf of an Arrow list in Parquet: `<name>.list.<item>`.
                ArrowType::List(item) => vec![field.name().clone(), "list".into(), item.name().clone()],
                _ => continue,
            };
            props = props.set_column_statistics_enabled(ColumnPath::new(leaf), EnabledStatistics::None);
        }
        let props = props.build();
        let writer = ArrowWriter::try_new(handle, schema, Some(props))
            .map_err(|source| LakeError::Parquet { path: dest.to_path_buf(), source })?;
        Ok(Self { file, writer: Some(writer), rows: 0 })
    }

    pub fn dest(&self) -> &Path {
        &self.file.dest
    }

    /// Appends a batch; row groups close every million rows or so, which bounds memory.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), LakeError> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let writer = self.writer.as_mut().expect("sink used after finish");
        writer.write(batch).map_err(|source| LakeError::Parquet { path: self.file.dest.clone(), source })?;
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Writes the footer; the file stays under its temporary name until [`StagedFile::publish`].
    pub fn finish(mut self) -> Result<StagedFile, LakeError> {
        let writer = self.writer.take().expect("sink finished twice");
        writer.close().map_err(|source| LakeError::Parquet { path: self.file.dest.clone(), source })?;
        Ok(self.file.staged(self.rows))
    }
}

/// A destination and its temporary file while it is being written; removed if dropped unfinished.
struct PendingFile {
    dest: PathBuf,
    tmp: PathBuf,
}

impl PendingFile {
    fn create(dest: &Path) -> Result<(Self, File), LakeError> {
        let io = |source| LakeError::Io { path: dest.to_path_buf(), source };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let tmp = temp_path(dest);
        let handle = File::create(&tmp).map_err(io)?;
        Ok((Self { dest: dest.to_path_buf(), tmp }, handle))
    }

    fn staged(mut self, rows: u64) -> StagedFile {
        StagedFile { tmp: std::mem::take(&mut self.tmp), dest: std::mem::take(&mut self.dest), rows }
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A complete file under its temporary name. Several staged files are published together at the end of
/// a stage, so the lake changes only when every table succeeded; dropping one removes it.
#[derive(Debug)]
pub struct StagedFile {
    tmp: PathBuf,
    dest: PathBuf,
    pub rows: u64,
}

impl StagedFile {
    /// The complete file, readable before it is published (derived tables are computed from it).
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Renames the file into place: readers see the old table or the new one, never a partial file.
    pub fn publish(mut self) -> Result<(), LakeError> {
        let tmp = std::mem::take(&mut self.tmp);
        std::fs::rename(&tmp, &self.dest).map_err(|source| LakeError::Io { path: self.dest.clone(), source })
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// `<dir>/.<name>.tmp`: hidden, beside the destination so the rename stays on one file system.
pub fn temp_path(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dest.with_file_name(format!(".{name}.tmp"))
}

/// Writes `bytes` to `path` through [`temp_path`] and a rename, creating the folder when missing: a reader sees
/// the old file or the new one, never half of one, and writing the same file again replaces it. Every output that
/// is not a Parquet table (reports, charts, manifests, metrics, outbox messages) goes through here.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LakeError> {
    let io = |source| LakeError::Io { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = temp_path(path);
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// [`write_atomically`] of a value as pretty JSON (manifests, `run.json`, `metrics.json`).
pub fn write_json_atomically(path: &Path, value: &impl serde::Serialize) -> Result<(), LakeError> {
    let bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| LakeError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
    write_atomically(path, &bytes)
}

/// Rows per Arrow batch read from Parquet: bounds memory whatever the file size.
pub const READ_BATCH_ROWS: usize = 64 * 1024;

/// A row filter of [`read_part`]: sees the filter columns of a batch, says which rows to keep.
pub type KeepRows = Box<dyn FnMut(&RecordBatch) -> Result<BooleanArray, ArrowError> + Send>;

/// One of `of` contiguous runs of a Parquet file's row groups, so that several threads can share a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub index: usize,
    pub of: usize,
}

impl Part {
    pub const WHOLE: Part = Part { index: 0, of: 1 };

    /// The parts to read a table with, one per thread of the pool.
    pub fn per_thread() -> impl Iterator<Item = Part> {
        let of = rayon::current_num_threads().max(1);
        (0..of).map(move |index| Part { index, of })
    }

    fn row_groups(self, total: usize) -> Vec<usize> {
        (total * self.index / self.of..total * (self.index + 1) / self.of).collect()
    }
}

/// Streams a Parquet file as Arrow record batches (arrow-rs), reading only `columns` when given. Unlike a
/// polars scan, which decodes large stretches of a file at once, memory holds one batch at a time.
pub fn read_batches(
    path: &Path,
    columns: Option<&[&str]>,
) -> Result<impl Iterator<Item = Result<RecordBatch, LakeError>> + use<>, LakeError> {
    read_part(path, columns, None, Part::WHOLE)
}

/// [`read_batches`] for one part of the file, keeping only the rows for which a filter says true when one
/// is given. The filter sees its own columns only; the other columns are then decoded for the rows kept
/// (a few thousand French titles of the programmable films, out of IMDb's 50 million akas).
pub fn read_part(
    path: &Path,
    columns: Option<&[&str]>,
    filter: Option<(&[&str], KeepRows)>,
    part: Part,
) -> Result<impl Iterator<Item = Result<RecordBatch, LakeError>> + use<>, LakeError> {
    let read_error = |source| LakeError::Read { path: path.to_path_buf(), source };
    let file = File::open(path).map_err(|source| LakeError::Io { path: path.to_path_buf(), source })?;
    let mut builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(read_error)?.with_batch_size(READ_BATCH_ROWS);
    let schema = builder.schema().clone();
    let root = |name: &str| {
        schema.index_of(name).map_err(|_| LakeError::Column { path: path.to_path_buf(), column: name.to_owned() })
    };
    // Missing columns are left to the caller, who names the one it needed.
    let projection = columns
        .map(|names| ProjectionMask::roots(builder.parquet_schema(), names.iter().filter_map(|name| root(name).ok())));
    let filter = match filter {
        Some((names, mut keep)) => {
            let roots = names.iter().map(|name| root(name)).collect::<Result<Vec<_>, _>>()?;
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            let predicate = ArrowPredicateFn::new(mask, move |batch: RecordBatch| keep(&batch));
            Some(RowFilter::new(vec![Box::new(predicate)]))
        }
        None => None,
    };
    if let Some(mask) = projection {
        builder = builder.with_projection(mask);
    }
    if let Some(filter) = filter {
        builder = builder.with_row_filter(filter);
    }
    if part != Part::WHOLE {
        let row_groups = part.row_groups(builder.metadata().num_row_groups());
        builder = builder.with_row_groups(row_groups);
    }
    let reader = builder.build().map_err(read_error)?;
    let path = path.to_path_buf();
    Ok(reader.map(move |batch| batch.map_err(|e| LakeError::Read { path: path.clone(), source: e.into() })))
}

/// Writes a whole frame to `dest` atomically (small tables, marts).
pub fn write_frame(dest: &Path, frame: &DataFrame) -> Result<u64, LakeError> {
    let mut sink = ParquetSink::create(dest, frame.schema())?;
    sink.write(frame)?;
    sink.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_sink_is_readable_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("t.parquet");
        let df = df!("a" => [1i32, 2, 3], "b" => ["x", "y", "z"]).unwrap();
        let mut sink = ParquetSink::create(&dest, df.schema()).unwrap();
        sink.write(&df).unwrap();
        sink.write(&df).unwrap();
        assert_eq!(sink.commit().unwrap(), 6);
        let back = LazyFrame::scan_parquet(PlRefPath::new(dest.to_str().unwrap()), Default::default())
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(back.height(), 6);
        assert!(!temp_path(&dest).exists());
    }

    #[test]
    fn batches_written_with_arrow_read_back_in_polars_with_the_lake_types() {
        use crate::sources::batch::{BatchBuilder, Kind};
        const COLUMNS: crate::sources::batch::Columns = &[
            ("id", Kind::Str),
            ("genres", Kind::StrList),
            ("at", Kind::Timestamp),
            ("released", Kind::Date),
            ("votes", Kind::I64),
        ];
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("t.parquet");
        let mut builder = BatchBuilder::new(COLUMNS, 4);
        let mut sink = BatchSink::create(&dest, builder.schema()).unwrap();
        for (id, genres) in [("tt1", Some(vec!["Drama", "War"])), ("tt2", None)] {
            builder.str(0, Some(id));
            builder.list(1, genres.map(|g| g.into_iter()));
            builder.i64(2, Some(86_400));
            builder.i64(3, Some(1));
            builder.i64(4, None);
            builder.end_row();
        }
        sink.write(&builder.take().unwrap()).unwrap();
        let staged = sink.finish().unwrap();
        assert!(!dest.exists(), "nothing is visible before publish");
        staged.publish().unwrap();
        let back = LazyFrame::scan_parquet(PlRefPath::new(dest.to_str().unwrap()), Default::default())
            .unwrap()
            .collect()
            .unwrap();
        let expected = [
            ("id", DataType::String),
            ("genres", DataType::List(Box::new(DataType::String))),
            ("at", DataType::Datetime(TimeUnit::Milliseconds, None)),
            ("released", DataType::Date),
            ("votes", DataType::Int64),
        ];
        for (name, dtype) in expected {
            assert_eq!(back.column(name).unwrap().dtype(), &dtype, "{name}");
        }
        assert_eq!(back.column("genres").unwrap().null_count(), 1);
        let at = back.column("at").unwrap().cast(&DataType::Int64).unwrap();
        assert_eq!(at.i64().unwrap().get(0), Some(86_400_000));
    }

    #[test]
    fn a_dropped_sink_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("t.parquet");
        let df = df!("a" => [1i32]).unwrap();
        let mut sink = ParquetSink::create(&dest, df.schema()).unwrap();
        sink.write(&df).unwrap();
        drop(sink);
        assert!(!dest.exists());
        assert!(!temp_path(&dest).exists());
    }
}

/// What a Parquet file holds, from its footer alone: the row count and each column's Arrow type. Manifests
/// record it so that other engines (Spark, DuckDB, Trino) can check what they read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableShape {
    pub rows: u64,
    pub columns: Vec<ColumnShape>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnShape {
    pub name: String,
    /// The Arrow type as arrow-rs writes it (`Utf8View`, `Int64`, `List(Utf8View)`…).
    #[serde(rename = "type")]
    pub data_type: String,
}

/// Reads the [`TableShape`] of a Parquet file.
pub fn table_shape(path: &Path) -> Result<TableShape, LakeError> {
    let file = File::open(path).map_err(|source| LakeError::Io { path: path.to_path_buf(), source })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|source| LakeError::Read { path: path.to_path_buf(), source })?;
    let rows = builder.metadata().file_metadata().num_rows().max(0) as u64;
    let columns = builder
        .schema()
        .fields()
        .iter()
        .map(|f| ColumnShape { name: f.name().clone(), data_type: f.data_type().to_string() })
        .collect();
    Ok(TableShape { rows, columns })
}
