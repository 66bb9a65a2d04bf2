//! Typed access to the columns of Arrow record batches (model outputs, lake tables), whatever string, integer or
//! list encoding the writer chose (Utf8, LargeUtf8, Utf8View, dictionary; any integer width; List or LargeList).

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowPrimitiveType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, Float32Array, Float64Array, Int32Array, ListArray, PrimitiveArray, RecordBatch, StringArray,
    new_null_array,
};
use arrow_schema::{DataType, Field, FieldRef};

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
        read_as(array, to).map_err(|e| {
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

/// The conversions the store reads with, in place of arrow-rs's `cast` kernel (whose crates are a fifth of the
/// arrow-rs build): strings of every encoding as Utf8, integers of any width as Int32 (a value out of range is an
/// error, not a null), numbers as floats, lists as lists of Utf8. An all-null column reads as nulls of any type.
fn read_as(array: &ArrayRef, to: &DataType) -> std::result::Result<ArrayRef, String> {
    if array.data_type() == to {
        return Ok(array.clone());
    }
    if array.data_type() == &DataType::Null {
        return Ok(new_null_array(to, array.len()));
    }
    let unsupported = || Err("no such conversion".to_owned());
    Ok(match to {
        DataType::Utf8 => Arc::new(strings(array.as_ref())?),
        DataType::Int32 => Arc::new(match array.data_type() {
            DataType::Int8 => int32::<Int8Type>(array)?,
            DataType::Int16 => int32::<Int16Type>(array)?,
            DataType::Int64 => int32::<Int64Type>(array)?,
            DataType::UInt8 => int32::<UInt8Type>(array)?,
            DataType::UInt16 => int32::<UInt16Type>(array)?,
            DataType::UInt32 => int32::<UInt32Type>(array)?,
            DataType::UInt64 => int32::<UInt64Type>(array)?,
            _ => return unsupported(),
        }),
        DataType::Float64 => Arc::new(floats::<Float64Type>(array, |v| v).ok_or("no such conversion")?),
        DataType::Float32 => Arc::new(floats::<Float32Type>(array, |v| v as f32).ok_or("no such conversion")?),
        DataType::List(item) if item.data_type() == &DataType::Utf8 => Arc::new(text_lists(array, item)?),
        _ => return unsupported(),
    })
}

/// A string column of any encoding as Utf8.
fn strings(array: &dyn Array) -> std::result::Result<StringArray, String> {
    Ok(match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().clone(),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().collect(),
        DataType::Utf8View => array.as_string_view().iter().collect(),
        DataType::Dictionary(_, _) => {
            let dictionary = array.as_any_dictionary();
            let values = strings(dictionary.values().as_ref())?;
            let keys = dictionary.keys();
            let rows = dictionary.normalized_keys().into_iter().enumerate();
            rows.map(|(row, key)| (keys.is_valid(row) && values.is_valid(key)).then(|| values.value(key))).collect()
        }
        other => return Err(format!("{other} is not text")),
    })
}

/// An integer column as Int32, refusing values that do not fit rather than reading them as nulls.
fn int32<T: ArrowPrimitiveType>(array: &ArrayRef) -> std::result::Result<Int32Array, String>
where
    T::Native: TryInto<i32> + std::fmt::Display,
{
    let values = array.as_primitive::<T>();
    let fit = |(row, value): (usize, Option<T::Native>)| match value {
        None => Ok(None),
        Some(v) => v.try_into().map(Some).map_err(|_| format!("{v} (row {} of its batch) does not fit", row + 1)),
    };
    values.iter().enumerate().map(fit).collect()
}

/// A numeric column as floats of type `F` (`narrow` turns an f64 into F's native type); `None` if not numeric.
fn floats<F: ArrowPrimitiveType>(array: &ArrayRef, narrow: impl Fn(f64) -> F::Native) -> Option<PrimitiveArray<F>> {
    fn widen<T: ArrowPrimitiveType, F: ArrowPrimitiveType>(
        array: &ArrayRef,
        to_f64: impl Fn(T::Native) -> f64,
        narrow: impl Fn(f64) -> F::Native,
    ) -> PrimitiveArray<F> {
        array.as_primitive::<T>().unary(|v| narrow(to_f64(v)))
    }
    Some(match array.data_type() {
        DataType::Float32 => widen::<Float32Type, F>(array, f64::from, narrow),
        DataType::Float64 => widen::<Float64Type, F>(array, |v| v, narrow),
        DataType::Int8 => widen::<Int8Type, F>(array, f64::from, narrow),
        DataType::Int16 => widen::<Int16Type, F>(array, f64::from, narrow),
        DataType::Int32 => widen::<Int32Type, F>(array, f64::from, narrow),
        DataType::Int64 => widen::<Int64Type, F>(array, |v| v as f64, narrow),
        DataType::UInt8 => widen::<UInt8Type, F>(array, f64::from, narrow),
        DataType::UInt16 => widen::<UInt16Type, F>(array, f64::from, narrow),
        DataType::UInt32 => widen::<UInt32Type, F>(array, f64::from, narrow),
        DataType::UInt64 => widen::<UInt64Type, F>(array, |v| v as f64, narrow),
        _ => return None,
    })
}

/// A List or LargeList of strings of any encoding as a List of Utf8 with the given item field.
fn text_lists(array: &ArrayRef, item: &FieldRef) -> std::result::Result<ListArray, String> {
    let rows: Vec<Option<ArrayRef>> = match array.data_type() {
        DataType::List(_) => array.as_list::<i32>().iter().collect(),
        DataType::LargeList(_) => array.as_list::<i64>().iter().collect(),
        other => return Err(format!("{other} is not a list")),
    };
    let mut lists = ListBuilder::new(StringBuilder::new()).with_field(item.clone());
    for row in rows {
        match row {
            Some(values) => {
                lists.values().extend(strings(values.as_ref())?.iter());
                lists.append(true);
            }
            None => lists.append_null(),
        }
    }
    Ok(lists.finish())
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

#[cfg(test)]
mod tests {
    use arrow_array::builder::{LargeListBuilder, StringViewBuilder};
    use arrow_array::types::Int8Type;
    use arrow_array::{DictionaryArray, Int64Array, LargeStringArray, NullArray, UInt32Array};
    use arrow_schema::Schema;

    use super::*;

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        let fields: Vec<Field> = columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns.into_iter().map(|(_, a)| a).collect()).unwrap()
    }

    #[test]
    fn text_of_every_encoding_reads_as_the_same_strings() {
        let expected = vec![Some("Le Mépris"), None, Some("Pierrot le fou")];
        let mut view = StringViewBuilder::new();
        view.extend(expected.clone());
        let dictionary: DictionaryArray<Int8Type> = expected.clone().into_iter().collect();
        let b = batch(vec![
            ("large", Arc::new(LargeStringArray::from(expected.clone()))),
            ("view", Arc::new(view.finish())),
            ("dictionary", Arc::new(dictionary)),
            ("nulls", Arc::new(NullArray::new(3))),
        ]);
        let c = Columns::new("films.parquet", &b);
        for name in ["large", "view", "dictionary"] {
            assert_eq!(c.text(name).unwrap().iter().collect::<Vec<_>>(), expected, "{name}");
        }
        assert_eq!(c.text("nulls").unwrap().null_count(), 3);
    }

    #[test]
    fn integers_of_other_widths_read_as_int32_and_a_value_too_large_is_an_error_naming_it() {
        let b = batch(vec![
            ("rank", Arc::new(UInt32Array::from(vec![Some(1), None]))),
            ("votes", Arc::new(Int64Array::from(vec![12, 3_000_000_000]))),
        ]);
        let c = Columns::new("similar_films.parquet", &b);
        assert_eq!(c.int32("rank").unwrap().iter().collect::<Vec<_>>(), vec![Some(1), None]);
        let message = c.int32("votes").unwrap_err().to_string();
        assert!(message.contains("similar_films.parquet"), "{message}");
        assert!(
            message.contains("votes") && message.contains("3000000000 (row 2 of its batch) does not fit"),
            "{message}"
        );
        assert_eq!(c.float64("rank").unwrap().iter().collect::<Vec<_>>(), vec![Some(1.0), None]);
        assert_eq!(c.float32("votes").unwrap().value(0), 12.0);
        assert!(c.int32_opt("absent").unwrap().is_none());
    }

    #[test]
    fn a_large_list_of_string_views_reads_as_a_list_of_utf8() {
        let mut lists = LargeListBuilder::new(StringViewBuilder::new());
        lists.values().extend([Some("Drame"), Some("Comédie")]);
        lists.append(true);
        lists.append_null();
        lists.values().extend([Some("Policier")]);
        lists.append(true);
        let b = batch(vec![("genres", Arc::new(lists.finish()))]);
        let genres = Columns::new("catalogue.parquet", &b).text_list("genres").unwrap();
        assert_eq!(list_strings(&genres, 0), vec!["Drame", "Comédie"]);
        assert!(genres.is_null(1) && list_strings(&genres, 1).is_empty());
        assert_eq!(list_strings(&genres, 2), vec!["Policier"]);
    }

    #[test]
    fn a_column_of_another_kind_is_refused_with_its_type() {
        let b = batch(vec![("title", Arc::new(StringArray::from(vec!["Playtime"])))]);
        let message = Columns::new("catalogue.parquet", &b).int32("title").unwrap_err().to_string();
        assert!(message.contains("column `title` is Utf8 and cannot be read as Int32"), "{message}");
    }
}
