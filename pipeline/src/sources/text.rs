//! Streaming text input: a plain or gzip file read on its own thread into line-aligned chunks.
//!
//! Decompression runs beside parsing so the two use both cores; a bounded channel keeps memory flat
//! whatever the file size. The raw bytes are hashed on the way for the run manifest.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};

/// Decompressed bytes per chunk; a few of them are in flight per file.
pub const CHUNK_BYTES: usize = 4 << 20;
const CHUNKS_IN_FLIGHT: usize = 3;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{path} is truncated: the gzip stream ends early after {decoded} decompressed bytes \
         (download it again, e.g. `cinepicks fetch --force`)"
    )]
    Truncated { path: PathBuf, decoded: u64 },
    #[error("{path} is not a valid gzip file: {source}")]
    CorruptGzip { path: PathBuf, source: io::Error },
}

/// What was learned about a file while reading it.
#[derive(Debug, Clone, Default)]
pub struct InputStats {
    /// sha256 of the bytes on disk (compressed or not).
    pub sha256: String,
    pub file_bytes: u64,
    pub decoded_bytes: u64,
    pub had_bom: bool,
    pub gzip: bool,
}

/// Line-aligned chunks of a file, produced by a background thread.
pub struct ChunkReader {
    rx: Receiver<Result<Vec<u8>, InputError>>,
    handle: Option<JoinHandle<InputStats>>,
}

impl ChunkReader {
    /// Starts reading `path`; `progress` counts bytes read from disk (for progress bars).
    pub fn open(path: &Path, progress: Arc<AtomicU64>) -> Result<Self, InputError> {
        let file = File::open(path).map_err(|source| InputError::Io { path: path.into(), source })?;
        let (tx, rx) = sync_channel(CHUNKS_IN_FLIGHT);
        let path = path.to_path_buf();
        let handle = std::thread::Builder::new()
            .name(format!("read {}", path.file_name().unwrap_or_default().to_string_lossy()))
            .spawn(move || read_chunks(file, &path, &tx, progress))
            .map_err(|source| InputError::Io { path: PathBuf::new(), source })?;
        Ok(Self { rx, handle: Some(handle) })
    }

    /// The next chunk: complete lines (the last one may lack its newline at end of file).
    pub fn next_chunk(&mut self) -> Option<Result<Vec<u8>, InputError>> {
        self.rx.recv().ok()
    }

    /// Waits for the reader thread and returns its statistics (hash complete only if fully read).
    pub fn finish(mut self) -> InputStats {
        // Dropping the receiver first lets a reader blocked on a full channel stop.
        let Self { rx, handle } = &mut self;
        drop(std::mem::replace(rx, sync_channel(0).1));
        handle.take().and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

impl Drop for ChunkReader {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            drop(std::mem::replace(&mut self.rx, sync_channel(0).1));
            let _ = h.join();
        }
    }
}

/// Hashes and counts bytes as the decoder pulls them from disk.
struct HashingReader {
    inner: File,
    hasher: Sha256,
    bytes: u64,
    progress: Arc<AtomicU64>,
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        self.progress.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn read_chunks(
    file: File,
    path: &Path,
    tx: &SyncSender<Result<Vec<u8>, InputError>>,
    progress: Arc<AtomicU64>,
) -> InputStats {
    let mut hashing = HashingReader { inner: file, hasher: Sha256::new(), bytes: 0, progress };
    let mut stats = read_decoded(&mut hashing, path, tx);
    stats.file_bytes = hashing.bytes;
    stats.sha256 = hex::encode(hashing.hasher.finalize());
    stats
}

/// Decodes (gunzips if needed) and sends chunks; the caller owns the hasher so it can finalise it.
fn read_decoded(hashing: &mut HashingReader, path: &Path, tx: &SyncSender<Result<Vec<u8>, InputError>>) -> InputStats {
    let mut buffered = BufReader::with_capacity(1 << 18, hashing);
    let gzip = match buffered.fill_buf() {
        Ok(head) => head.starts_with(&[0x1f, 0x8b]),
        Err(source) => {
            let _ = tx.send(Err(InputError::Io { path: path.into(), source }));
            return InputStats::default();
        }
    };
    let mut stats = InputStats { gzip, ..InputStats::default() };
    let mut reader: Box<dyn Read + '_> =
        if gzip { Box::new(MultiGzDecoder::new(buffered)) } else { Box::new(buffered) };

    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    loop {
        let mut buf = Vec::with_capacity(CHUNK_BYTES + carry.len());
        buf.append(&mut carry);
        let eof = match fill(&mut reader, &mut buf, CHUNK_BYTES) {
            Ok(eof) => eof,
            Err(err) => {
                let _ = tx.send(Err(classify(err, path, gzip, stats.decoded_bytes)));
                return stats;
            }
        };
        if first {
            first = false;
            if buf.starts_with(UTF8_BOM) {
                stats.had_bom = true;
                buf.drain(..UTF8_BOM.len());
            }
        }
        stats.decoded_bytes += buf.len() as u64;
        if eof {
            if !buf.is_empty() && tx.send(Ok(buf)).is_err() {
                return stats;
            }
            break;
        }
        match memchr::memrchr(b'\n', &buf) {
            Some(pos) => {
                carry.extend_from_slice(&buf[pos + 1..]);
                stats.decoded_bytes -= carry.len() as u64;
                buf.truncate(pos + 1);
                if tx.send(Ok(buf)).is_err() {
                    return stats; // the consumer stopped (an error downstream): stop reading.
                }
            }
            // A line longer than a chunk: keep reading until its end.
            None => {
                stats.decoded_bytes -= buf.len() as u64;
                carry = buf;
            }
        }
    }
    stats
}

/// Reads until `buf` holds `want` more bytes or the input ends; returns whether it ended.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    // `read_to_end` reads into the spare capacity, zeroing each byte of it at most once. Growing the buffer with
    // zeros before each read would zero the rest of the 4 MiB chunk again after every few KiB the decoder returns
    // (measured: 5 % of the ingest's CPU in memset).
    let read = reader.take(want as u64).read_to_end(buf)?;
    Ok(read < want)
}

fn classify(err: io::Error, path: &Path, gzip: bool, decoded: u64) -> InputError {
    match (gzip, err.kind()) {
        (true, io::ErrorKind::UnexpectedEof) => InputError::Truncated { path: path.into(), decoded },
        (true, io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData) => {
            InputError::CorruptGzip { path: path.into(), source: err }
        }
        _ => InputError::Io { path: path.into(), source: err },
    }
}

/// Calls `f(line_number, line)` for every line of a chunk, without its `\n` or `\r\n`.
/// `line_number` is 1-based in the whole file; `next_line` carries it across chunks.
#[inline]
pub fn for_each_line(chunk: &[u8], next_line: &mut u64, mut f: impl FnMut(u64, &[u8])) {
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', chunk) {
        f(*next_line, trim_cr(&chunk[start..end]));
        *next_line += 1;
        start = end + 1;
    }
    if start < chunk.len() {
        f(*next_line, trim_cr(&chunk[start..]));
        *next_line += 1;
    }
}

#[inline]
fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Decodes ISO-8859-1 (latin-1), as the MovieLens 100K and 1M files are encoded.
pub fn latin1_to_string(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(path: &Path) -> (Result<Vec<u8>, InputError>, InputStats) {
        let mut reader = ChunkReader::open(path, Arc::default()).unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = reader.next_chunk() {
            match chunk {
                Ok(c) => out.extend_from_slice(&c),
                Err(e) => return (Err(e), reader.finish()),
            }
        }
        (Ok(out), reader.finish())
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn plain_and_gzip_files_read_the_same_and_hash_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..200_000).flat_map(|i| format!("row{i}\tx\n").into_bytes()).collect();
        let plain = dir.path().join("a.tsv");
        let gz = dir.path().join("a.tsv.gz");
        std::fs::write(&plain, &text).unwrap();
        std::fs::write(&gz, gzip(&text)).unwrap();
        let (a, sa) = read_all(&plain);
        let (b, sb) = read_all(&gz);
        assert_eq!(a.unwrap(), text);
        assert_eq!(b.unwrap(), text);
        assert!(!sa.gzip && sb.gzip);
        assert_eq!(sa.sha256, hex::encode(Sha256::digest(&text)));
        assert_eq!(sb.decoded_bytes, text.len() as u64);
    }

    #[test]
    fn chunks_always_end_on_a_line_boundary() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..1_000_000).flat_map(|i| format!("{i}\n").into_bytes()).collect();
        let path = dir.path().join("lines.txt");
        std::fs::write(&path, &text).unwrap();
        let mut reader = ChunkReader::open(&path, Arc::default()).unwrap();
        let mut chunks = 0;
        while let Some(chunk) = reader.next_chunk() {
            assert!(chunk.unwrap().ends_with(b"\n"));
            chunks += 1;
        }
        assert!(chunks > 1);
    }

    #[test]
    fn a_truncated_gzip_is_reported_as_truncated() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..100_000).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
        let gz = gzip(&text);
        let path = dir.path().join("cut.tsv.gz");
        std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
        let (result, _) = read_all(&path);
        let err = result.unwrap_err();
        assert!(matches!(err, InputError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("cut.tsv.gz is truncated"));
    }

    #[test]
    fn a_bom_is_removed_and_noted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bom.csv");
        std::fs::write(&path, b"\xEF\xBB\xBFa,b\r\n1,2\r\n").unwrap();
        let (out, stats) = read_all(&path);
        assert_eq!(out.unwrap(), b"a,b\r\n1,2\r\n");
        assert!(stats.had_bom);
    }

    #[test]
    fn lines_are_numbered_and_lose_their_crlf() {
        let mut next = 1;
        let mut seen = Vec::new();
        for_each_line(b"a\r\nb\nc", &mut next, |n, l| seen.push((n, l.to_vec())));
        assert_eq!(seen, vec![(1, b"a".to_vec()), (2, b"b".to_vec()), (3, b"c".to_vec())]);
        assert_eq!(next, 4);
    }

    #[test]
    fn latin1_decodes_every_byte() {
        assert_eq!(latin1_to_string(b"Caf\xe9 \xc1"), "Café Á");
    }
}
