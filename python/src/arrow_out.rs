//! Arrow out: the engine's report columns and shipped records as pyarrow Tables.

use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, Date32Array, Decimal128Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use yibao_recon::embed::Shipped;
use yibao_recon::report::columnar::{Column, ColumnTable};

fn to_py(e: impl std::fmt::Display) -> PyErr {
    crate::error::internal(e)
}

fn pyarrow<'py>(py: Python<'py>, batch: RecordBatch) -> PyResult<Bound<'py, PyAny>> {
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}

/// A report table: amounts `Decimal128(18, 2)`, counts `int64`, dates `date32`, the
/// rest text; empty cells null.
pub fn table<'py>(py: Python<'py>, t: &ColumnTable) -> PyResult<Bound<'py, PyAny>> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, column) in t.names.iter().zip(&t.columns) {
        let array: ArrayRef = match column {
            Column::Text(v) => Arc::new(v.iter().map(|s| s.as_deref()).collect::<StringArray>()),
            Column::Cents(v) => Arc::new(
                v.iter()
                    .map(|c| c.map(i128::from))
                    .collect::<Decimal128Array>()
                    .with_precision_and_scale(18, 2)
                    .map_err(to_py)?,
            ),
            Column::Date(v) => Arc::new(
                v.iter()
                    .map(|d| d.map(|d| (d - epoch).num_days() as i32))
                    .collect::<Date32Array>(),
            ),
            Column::Count(v) => Arc::new(
                v.iter()
                    .map(|n| n.map(|n| n as i64))
                    .collect::<Int64Array>(),
            ),
        };
        fields.push(Field::new(*name, array.data_type().clone(), true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema, arrays).map_err(to_py)?;
    pyarrow(py, batch)
}

/// Shipped records: person_id, person_number, source, row, record.
pub fn shipped<'py>(py: Python<'py>, records: &[Shipped]) -> PyResult<Bound<'py, PyAny>> {
    let mut id = StringBuilder::new();
    let mut number = StringBuilder::new();
    let mut source = Int64Builder::with_capacity(records.len());
    let mut row = Int64Builder::with_capacity(records.len());
    let mut record = BinaryBuilder::new();
    for r in records {
        id.append_value(&r.person_id);
        number.append_option(r.person_number.as_deref());
        source.append_value(r.source.into());
        row.append_value(r.row.into());
        record.append_value(&r.record);
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("person_id", DataType::Utf8, false),
        Field::new("person_number", DataType::Utf8, true),
        // Signed: Spark has no unsigned integers.
        Field::new("source", DataType::Int64, false),
        Field::new("row", DataType::Int64, false),
        Field::new("record", DataType::Binary, false),
    ]));
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(id.finish()),
        Arc::new(number.finish()),
        Arc::new(source.finish()),
        Arc::new(row.finish()),
        Arc::new(record.finish()),
    ];
    let batch = RecordBatch::try_new(schema, arrays).map_err(to_py)?;
    pyarrow(py, batch)
}
