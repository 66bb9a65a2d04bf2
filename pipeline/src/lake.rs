//! The Parquet lake: table names (a public contract) and an atomic, streaming zstd Parquet writer.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

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
    pub const CATALOGUE: &str = "catalogue";

    /// Every table the ingest may write.
    pub const ALL: [&str; 15] = [
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
}

/// Streams frames into `<dest>` through a temporary file, renamed into place only by [`ParquetSink::commit`].
/// Dropping an uncommitted sink removes the temporary file, so a crash never leaves a half-written table.
pub struct ParquetSink {
    dest: PathBuf,
    tmp: PathBuf,
    writer: Option<BatchedWriter<BufWriter<File>>>,
    rows: u64,
}

impl ParquetSink {
    pub fn create(dest: &Path, schema: &Schema) -> Result<Self, LakeError> {
        let io = |source| LakeError::Io { path: dest.to_path_buf(), source };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let tmp = temp_path(dest);
        let file = File::create(&tmp).map_err(io)?;
        let writer = ParquetWriter::new(BufWriter::with_capacity(1 << 20, file))
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::full())
            .batched(schema)
            .map_err(|source| LakeError::Polars { path: dest.to_path_buf(), source })?;
        Ok(Self { dest: dest.to_path_buf(), tmp, writer: Some(writer), rows: 0 })
    }

    /// Appends one frame as one row group (callers batch rows to bound memory).
    pub fn write(&mut self, frame: &DataFrame) -> Result<(), LakeError> {
        if frame.height() == 0 {
            return Ok(());
        }
        let writer = self.writer.as_mut().expect("sink used after commit");
        // The writer needs every column cut into the same chunks; builders' frames already are.
        let mut aligned = frame.clone();
        aligned.align_chunks();
        writer.write_batch(&aligned).map_err(|source| LakeError::Polars { path: self.dest.clone(), source })?;
        self.rows += frame.height() as u64;
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Writes the footer; the file stays under its temporary name until [`StagedFile::publish`].
    pub fn finish(mut self) -> Result<StagedFile, LakeError> {
        let writer = self.writer.take().expect("sink finished twice");
        // `finish` writes the footer and flushes the buffer.
        writer.finish().map_err(|source| LakeError::Polars { path: self.dest.clone(), source })?;
        drop(writer);
        Ok(StagedFile { tmp: std::mem::take(&mut self.tmp), dest: std::mem::take(&mut self.dest), rows: self.rows })
    }

    /// Finishes and publishes at once. Returns the rows written.
    pub fn commit(self) -> Result<u64, LakeError> {
        let staged = self.finish()?;
        let rows = staged.rows;
        staged.publish()?;
        Ok(rows)
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

impl Drop for ParquetSink {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// `<dir>/.<name>.tmp`: hidden, beside the destination so the rename stays on one file system.
pub fn temp_path(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dest.with_file_name(format!(".{name}.tmp"))
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
