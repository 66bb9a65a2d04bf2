//! Column-wise batch builder: readers push validated rows, and take an Arrow record batch every N rows.
//!
//! Ingest batches are arrow-rs arrays written by the `parquet` crate's Arrow writer: on the lake's list
//! columns it encodes about twice as fast as polars' writer (see `scripts/bench-ingest.sh`). Everything
//! downstream reads the lake with polars.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};

/// The logical type of a lake column as readers produce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    I32,
    I64,
    F64,
    Bool,
    /// A list of strings (genres, professions, ids…).
    StrList,
    /// Unix seconds stored as a datetime in milliseconds, in UTC (naive: the lake's datetimes are all UTC).
    Timestamp,
    /// Days since 1970-01-01 stored as a date.
    Date,
}

impl Kind {
    pub fn data_type(self) -> DataType {
        match self {
            Kind::Str => DataType::Utf8,
            Kind::I32 => DataType::Int32,
            Kind::I64 => DataType::Int64,
            Kind::F64 => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::StrList => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            Kind::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, None),
            Kind::Date => DataType::Date32,
        }
    }
}

/// A table's columns: name and kind, in order.
pub type Columns = &'static [(&'static str, Kind)];

/// The Arrow schema of a column list; every column is nullable.
pub fn schema_of(columns: Columns) -> SchemaRef {
    Arc::new(Schema::new(
        columns.iter().map(|(name, kind)| Field::new(*name, kind.data_type(), true)).collect::<Vec<_>>(),
    ))
}

enum Builder {
    Str(StringBuilder),
    I32(Int32Builder),
    I64(Int64Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder),
    StrList(ListBuilder<StringBuilder>),
    Timestamp(TimestampMillisecondBuilder),
    Date(Date32Builder),
}

/// Accumulates rows column by column. Callers validate a whole row before pushing any of it,
/// so a rejected row never leaves a column longer than the others.
pub struct BatchBuilder {
    columns: Columns,
    schema: SchemaRef,
    builders: Vec<Builder>,
    capacity: usize,
    rows: usize,
}

impl BatchBuilder {
    pub fn new(columns: Columns, capacity: usize) -> Self {
        Self { columns, schema: schema_of(columns), builders: make_builders(columns, capacity), capacity, rows: 0 }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    #[inline]
    pub fn str(&mut self, col: usize, value: Option<&str>) {
        match &mut self.builders[col] {
            Builder::Str(b) => b.append_option(value),
            _ => self.wrong_kind(col),
        }
    }

    #[inline]
    pub fn i32(&mut self, col: usize, value: Option<i32>) {
        match &mut self.builders[col] {
            Builder::I32(b) => b.append_option(value),
            _ => self.wrong_kind(col),
        }
    }

    /// Also used for timestamps (seconds) and dates (days).
    #[inline]
    pub fn i64(&mut self, col: usize, value: Option<i64>) {
        match &mut self.builders[col] {
            Builder::I64(b) => b.append_option(value),
            Builder::I32(b) => b.append_option(value.and_then(|v| i32::try_from(v).ok())),
            Builder::Timestamp(b) => b.append_option(value.map(|seconds| seconds * 1000)),
            Builder::Date(b) => b.append_option(value.and_then(|days| i32::try_from(days).ok())),
            _ => self.wrong_kind(col),
        }
    }

    #[inline]
    pub fn f64(&mut self, col: usize, value: Option<f64>) {
        match &mut self.builders[col] {
            Builder::F64(b) => b.append_option(value),
            _ => self.wrong_kind(col),
        }
    }

    #[inline]
    pub fn bool(&mut self, col: usize, value: Option<bool>) {
        match &mut self.builders[col] {
            Builder::Bool(b) => b.append_option(value),
            _ => self.wrong_kind(col),
        }
    }

    #[inline]
    pub fn list<'a>(&mut self, col: usize, values: Option<impl Iterator<Item = &'a str>>) {
        match (&mut self.builders[col], values) {
            (Builder::StrList(b), Some(items)) => {
                for item in items {
                    b.values().append_value(item);
                }
                b.append(true);
            }
            (Builder::StrList(b), None) => b.append_null(),
            _ => self.wrong_kind(col),
        }
    }

    /// Marks the end of a complete row.
    #[inline]
    pub fn end_row(&mut self) {
        self.rows += 1;
    }

    /// The rows pushed so far as a typed batch; the builder starts empty again.
    pub fn take(&mut self) -> Result<RecordBatch, ArrowError> {
        self.rows = 0;
        // Fresh builders at full capacity: a finished Arrow builder restarts with none and would grow
        // (and copy) its buffers again at every batch.
        let full = std::mem::replace(&mut self.builders, make_builders(self.columns, self.capacity));
        let arrays: Vec<ArrayRef> = full
            .into_iter()
            .map(|mut builder| -> ArrayRef {
                match &mut builder {
                    Builder::Str(b) => Arc::new(b.finish()),
                    Builder::I32(b) => Arc::new(b.finish()),
                    Builder::I64(b) => Arc::new(b.finish()),
                    Builder::F64(b) => Arc::new(b.finish()),
                    Builder::Bool(b) => Arc::new(b.finish()),
                    Builder::StrList(b) => Arc::new(b.finish()),
                    Builder::Timestamp(b) => Arc::new(b.finish()),
                    Builder::Date(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        RecordBatch::try_new(self.schema.clone(), arrays)
    }

    #[cold]
    fn wrong_kind(&self, col: usize) -> ! {
        panic!("column {} ({:?}) pushed with the wrong type: a reader bug", self.columns[col].0, self.columns[col].1)
    }
}

fn make_builders(columns: Columns, capacity: usize) -> Vec<Builder> {
    columns
        .iter()
        .map(|(_, kind)| match kind {
            // About 16 bytes a string: one allocation per batch for most columns.
            Kind::Str => Builder::Str(StringBuilder::with_capacity(capacity, capacity * 16)),
            Kind::I32 => Builder::I32(Int32Builder::with_capacity(capacity)),
            Kind::I64 => Builder::I64(Int64Builder::with_capacity(capacity)),
            Kind::F64 => Builder::F64(Float64Builder::with_capacity(capacity)),
            Kind::Bool => Builder::Bool(BooleanBuilder::with_capacity(capacity)),
            Kind::StrList => Builder::StrList(ListBuilder::with_capacity(
                StringBuilder::with_capacity(capacity * 2, capacity * 16),
                capacity,
            )),
            Kind::Timestamp => Builder::Timestamp(TimestampMillisecondBuilder::with_capacity(capacity)),
            Kind::Date => Builder::Date(Date32Builder::with_capacity(capacity)),
        })
        .collect()
}

/// Test helpers: read a built batch back by column name.
#[cfg(test)]
pub mod read {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int32Type, Int64Type};
    use arrow_array::{Array, RecordBatch};

    pub fn null_count(batch: &RecordBatch, column: &str) -> usize {
        batch.column_by_name(column).expect("column exists").null_count()
    }

    pub fn i32_at(batch: &RecordBatch, column: &str, row: usize) -> Option<i32> {
        let array = batch.column_by_name(column).expect("column exists").as_primitive::<Int32Type>();
        array.is_valid(row).then(|| array.value(row))
    }

    pub fn i64_at(batch: &RecordBatch, column: &str, row: usize) -> Option<i64> {
        let array = batch.column_by_name(column).expect("column exists").as_primitive::<Int64Type>();
        array.is_valid(row).then(|| array.value(row))
    }

    pub fn str_at(batch: &RecordBatch, column: &str, row: usize) -> Option<String> {
        let array = batch.column_by_name(column).expect("column exists").as_string::<i32>();
        array.is_valid(row).then(|| array.value(row).to_string())
    }

    pub fn list_at(batch: &RecordBatch, column: &str, row: usize) -> Vec<String> {
        let list = batch.column_by_name(column).expect("column exists").as_list::<i32>().value(row);
        list.as_string::<i32>().iter().map(|v| v.unwrap_or_default().to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: Columns = &[
        ("id", Kind::Str),
        ("year", Kind::I32),
        ("genres", Kind::StrList),
        ("at", Kind::Timestamp),
        ("released", Kind::Date),
    ];

    #[test]
    fn rows_become_a_typed_batch_and_the_builder_restarts_empty() {
        let mut b = BatchBuilder::new(COLUMNS, 4);
        b.str(0, Some("tt1"));
        b.i32(1, Some(1999));
        b.list(2, Some(["Drama", "War"].into_iter()));
        b.i64(3, Some(1_000));
        b.i64(4, Some(10_957));
        b.end_row();
        b.str(0, Some("tt2"));
        b.i32(1, None);
        b.list(2, None::<std::iter::Empty<&str>>);
        b.i64(3, None);
        b.i64(4, None);
        b.end_row();
        let batch = b.take().unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(batch.schema(), schema_of(COLUMNS));
        assert_eq!(read::null_count(&batch, "year"), 1);
        assert_eq!(read::list_at(&batch, "genres", 0), ["Drama", "War"]);
        assert_eq!(read::null_count(&batch, "genres"), 1);
        assert_eq!(b.rows(), 0);
        assert_eq!(b.take().unwrap().num_rows(), 0);
    }
}
