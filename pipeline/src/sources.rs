//! Readers of the raw sources: one module per source (schema constants and row parsers), plus the
//! shared pieces every reader uses (streaming text input, typed fields, batch building, key checks).

pub mod batch;
pub mod fields;
pub mod imdb;
pub mod keys;
pub mod movielens;
pub mod text;
pub mod tmdb;

use batch::{BatchBuilder, Columns};
use fields::Reject;
use keys::KeyReport;

/// How a delimited text file without quoting is laid out (quoted CSV goes through the csv crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Field separator: `\t`, `|`, `::` or `,`.
    pub separator: &'static str,
    /// Whether the first line names the columns.
    pub header: bool,
    pub encoding: Encoding,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// ISO-8859-1, as in MovieLens 100K and 1M.
    Latin1,
}

/// Turns the fields of one source row into one lake row, or says why it cannot.
pub trait RowParser: Send {
    /// The lake table this parser fills.
    fn table(&self) -> &'static str;
    /// The source's column names, in order; their number is the expected field count.
    fn header(&self) -> &'static [&'static str];
    /// The lake table's columns.
    fn columns(&self) -> Columns;
    /// Validates every field, then appends the row (all or nothing).
    fn push(&mut self, fields: &[&str], out: &mut BatchBuilder) -> Result<(), Reject>;
    /// Ids defined and referenced, for orphan counts; consumes the parser at the end of the file.
    fn into_keys(self: Box<Self>) -> KeyReport;
    /// Notes about the file worth telling the user (e.g. rows not grouped by key).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}
