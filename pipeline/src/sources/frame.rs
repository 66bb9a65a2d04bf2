//! Column-wise batch builder: readers push validated rows, and take a typed DataFrame every N rows.

use polars::prelude::*;

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
    pub fn dtype(self) -> DataType {
        match self {
            Kind::Str => DataType::String,
            Kind::I32 => DataType::Int32,
            Kind::I64 => DataType::Int64,
            Kind::F64 => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::StrList => DataType::List(Box::new(DataType::String)),
            Kind::Timestamp => DataType::Datetime(TimeUnit::Milliseconds, None),
            Kind::Date => DataType::Date,
        }
    }
}

/// A table's columns: name and kind, in order.
pub type Columns = &'static [(&'static str, Kind)];

/// The Polars schema of a column list.
pub fn schema_of(columns: Columns) -> Schema {
    columns.iter().map(|(name, kind)| Field::new((*name).into(), kind.dtype())).collect()
}

enum Builder {
    Str(StringChunkedBuilder),
    I32(PrimitiveChunkedBuilder<Int32Type>),
    I64(PrimitiveChunkedBuilder<Int64Type>),
    F64(PrimitiveChunkedBuilder<Float64Type>),
    Bool(BooleanChunkedBuilder),
    StrList(ListStringChunkedBuilder),
}

/// Accumulates rows column by column. Callers validate a whole row before pushing any of it,
/// so a rejected row never leaves a column longer than the others.
pub struct FrameBuilder {
    columns: Columns,
    builders: Vec<Builder>,
    capacity: usize,
    rows: usize,
}

impl FrameBuilder {
    pub fn new(columns: Columns, capacity: usize) -> Self {
        Self { columns, builders: make_builders(columns, capacity), capacity, rows: 0 }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn schema(&self) -> Schema {
        schema_of(self.columns)
    }

    #[inline]
    pub fn str(&mut self, col: usize, value: Option<&str>) {
        match (&mut self.builders[col], value) {
            (Builder::Str(b), Some(v)) => b.append_value(v),
            (Builder::Str(b), None) => b.append_null(),
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

    /// Also used for timestamps (seconds) and dates (days), converted in [`FrameBuilder::take`].
    #[inline]
    pub fn i64(&mut self, col: usize, value: Option<i64>) {
        match &mut self.builders[col] {
            Builder::I64(b) => b.append_option(value),
            Builder::I32(b) => b.append_option(value.and_then(|v| i32::try_from(v).ok())),
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
            (Builder::StrList(b), Some(items)) => b.append_values_iter(items),
            (Builder::StrList(b), None) => b.append_null(),
            _ => self.wrong_kind(col),
        }
    }

    /// Marks the end of a complete row.
    #[inline]
    pub fn end_row(&mut self) {
        self.rows += 1;
    }

    /// The rows pushed so far as a typed frame; the builder starts empty again.
    pub fn take(&mut self) -> PolarsResult<DataFrame> {
        let builders = std::mem::replace(&mut self.builders, make_builders(self.columns, self.capacity));
        self.rows = 0;
        let columns = builders
            .into_iter()
            .zip(self.columns)
            .map(|(builder, (name, kind))| {
                let series = match builder {
                    Builder::Str(b) => b.finish().into_series(),
                    Builder::I32(b) => b.finish().into_series(),
                    Builder::I64(b) => b.finish().into_series(),
                    Builder::F64(b) => b.finish().into_series(),
                    Builder::Bool(b) => b.finish().into_series(),
                    Builder::StrList(mut b) => b.finish().into_series(),
                };
                let series = match kind {
                    Kind::Timestamp => (series * 1000i64).cast(&kind.dtype())?,
                    Kind::Date => series.cast(&kind.dtype())?,
                    _ => series,
                };
                Ok(series.with_name((*name).into()).into_column())
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        DataFrame::new_infer_height(columns)
    }

    #[cold]
    fn wrong_kind(&self, col: usize) -> ! {
        panic!("column {} ({:?}) pushed with the wrong type: a reader bug", self.columns[col].0, self.columns[col].1)
    }
}

fn make_builders(columns: Columns, capacity: usize) -> Vec<Builder> {
    columns
        .iter()
        .map(|(name, kind)| {
            let name: PlSmallStr = (*name).into();
            match kind {
                Kind::Str => Builder::Str(StringChunkedBuilder::new(name, capacity)),
                Kind::I32 => Builder::I32(PrimitiveChunkedBuilder::new(name, capacity)),
                Kind::I64 | Kind::Timestamp => Builder::I64(PrimitiveChunkedBuilder::new(name, capacity)),
                Kind::Date => Builder::I32(PrimitiveChunkedBuilder::new(name, capacity)),
                Kind::F64 => Builder::F64(PrimitiveChunkedBuilder::new(name, capacity)),
                Kind::Bool => Builder::Bool(BooleanChunkedBuilder::new(name, capacity)),
                Kind::StrList => Builder::StrList(ListStringChunkedBuilder::new(name, capacity, capacity * 2)),
            }
        })
        .collect()
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
    fn rows_become_a_typed_frame_and_the_builder_restarts_empty() {
        let mut b = FrameBuilder::new(COLUMNS, 4);
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
        let df = b.take().unwrap();
        assert_eq!(df.height(), 2);
        assert_eq!(**df.schema(), schema_of(COLUMNS));
        assert_eq!(df.column("year").unwrap().null_count(), 1);
        assert_eq!(b.rows(), 0);
        assert_eq!(b.take().unwrap().height(), 0);
    }
}
