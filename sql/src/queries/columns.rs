//! Typed access to the columns of Arrow record batches (model outputs, lake tables), whatever string or list
//! encoding the writer chose (Utf8, LargeUtf8, Utf8View, dictionary; List or LargeList).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float32Array, Float64Array, Int32Array, ListArray, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Float32Type, Float64Type, Int32Type};
use arrow::record_batch::RecordBatch;

use crate::error::{Result, StoreError};

/// The columns of one batch of one artefact, named in errors as `similar_films.parquet: column rank …`.
pub struct Columns<'a> {
    artefact: &'a str,
    batch: &'a RecordBatch,
}

impl<'a> Columns<'a> {
    pub fn new(artefact: &'a str, batch: &'a RecordBatch) -> Self {
        Self { artefact, batch }
    }

    fn column(&self, name: &str) -> Result<Option<&'a ArrayRef>> {
        Ok(self.batch.schema_ref().index_of(name).ok().map(|i| self.batch.column(i)))
    }

    fn required(&self, name: &str) -> Result<&'a ArrayRef> {
        self.column(name)?.ok_or_else(|| {
            let found: Vec<String> = self.batch.schema().fields().iter().map(|f| f.name().clone()).collect();
            StoreError::artefact(self.artefact, format!("missing column `{name}` (found: {})", found.join(", ")))
        })
    }

    fn cast(&self, name: &str, array: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
        if array.data_type() == to {
            return Ok(array.clone());
        }
        cast(array, to).map_err(|e| {
            StoreError::artefact(
                self.artefact,
                format!("column `{name}` is {} and cannot be read as {to}: {e}", array.data_type()),
            )
        })
    }

    pub fn text(&self, name: &str) -> Result<StringArray> {
        let array = self.required(name)?;
        Ok(self.cast(name, array, &DataType::Utf8)?.as_string::<i32>().clone())
    }

    /// A text column that may be absent from the file (read as all nulls).
    pub fn text_opt(&self, name: &str) -> Result<Option<StringArray>> {
        match self.column(name)? {
            Some(array) => Ok(Some(self.cast(name, array, &DataType::Utf8)?.as_string::<i32>().clone())),
            None => Ok(None),
        }
    }

    pub fn int32(&self, name: &str) -> Result<Int32Array> {
        let array = self.required(name)?;
        Ok(self.cast(name, array, &DataType::Int32)?.as_primitive::<Int32Type>().clone())
    }

    pub fn int32_opt(&self, name: &str) -> Result<Option<Int32Array>> {
        match self.column(name)? {
            Some(array) => Ok(Some(self.cast(name, array, &DataType::Int32)?.as_primitive::<Int32Type>().clone())),
            None => Ok(None),
        }
    }

    pub fn float32(&self, name: &str) -> Result<Float32Array> {
        let array = self.required(name)?;
        Ok(self.cast(name, array, &DataType::Float32)?.as_primitive::<Float32Type>().clone())
    }

    pub fn float32_opt(&self, name: &str) -> Result<Option<Float32Array>> {
        match self.column(name)? {
            Some(array) => Ok(Some(self.cast(name, array, &DataType::Float32)?.as_primitive::<Float32Type>().clone())),
            None => Ok(None),
        }
    }

    pub fn float64(&self, name: &str) -> Result<Float64Array> {
        let array = self.required(name)?;
        Ok(self.cast(name, array, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
    }

    /// A list-of-strings column (genres, directors, characters), as a List of Utf8.
    pub fn text_list(&self, name: &str) -> Result<ListArray> {
        let array = self.required(name)?;
        let to = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
        Ok(self.cast(name, array, &to)?.as_list::<i32>().clone())
    }
}

/// The strings of row `i` of a list column (empty when the list is null).
pub fn list_strings(list: &ListArray, i: usize) -> Vec<String> {
    if list.is_null(i) {
        return Vec::new();
    }
    let values = list.value(i);
    let strings = values.as_string::<i32>();
    strings.iter().flatten().map(str::to_owned).collect()
}

/// `Some(value)` unless null.
pub fn opt_str(array: &StringArray, i: usize) -> Option<&str> {
    (!array.is_null(i)).then(|| array.value(i))
}
