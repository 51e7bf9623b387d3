//! Arrow in: a table's record batches read as rows of cells, by the engine's rules.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Schema, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

use yibao_recon::embed::Received;
use yibao_recon::ingest::table::{HEADER_SCAN_ROWS, Row};
use yibao_recon::ingest::{self, GivenTable};
use yibao_recon::records::Kind;
use yibao_recon::values::Cell;

/// A row of a table: its header (the column names), or a row of a record batch.
pub enum ArrowRow<'a> {
    Header(&'a [String]),
    Data { columns: &'a [ArrayRef], at: usize },
}

impl Row for ArrowRow<'_> {
    fn width(&self) -> usize {
        match self {
            ArrowRow::Header(names) => names.len(),
            ArrowRow::Data { columns, .. } => columns.len(),
        }
    }

    fn cell(&self, i: usize) -> Cell<'_> {
        match self {
            ArrowRow::Header(names) => names
                .get(i)
                .map_or(Cell::Empty, |n| Cell::Text(Cow::Borrowed(n))),
            ArrowRow::Data { columns, at } => columns.get(i).map_or(Cell::Empty, |c| cell(c, *at)),
        }
    }
}

/// One value as the cell a spreadsheet would hold: text, a number, a date; an exact
/// decimal or integer as its text (read from text exactly).
fn cell(array: &ArrayRef, at: usize) -> Cell<'_> {
    if array.is_null(at) {
        return Cell::Empty;
    }
    let date = |d: Option<NaiveDate>| d.and_then(|d| d.and_hms_opt(0, 0, 0));
    // A date or time no calendar holds is no empty cell: it is rejected as a bad value.
    let time = |t: Option<NaiveDateTime>| {
        t.map_or_else(
            || Cell::Error("a date beyond any calendar".to_string()),
            Cell::DateTime,
        )
    };
    match array.data_type() {
        DataType::Utf8 => Cell::Text(Cow::Borrowed(array.as_string::<i32>().value(at))),
        DataType::LargeUtf8 => Cell::Text(Cow::Borrowed(array.as_string::<i64>().value(at))),
        DataType::Utf8View => Cell::Text(Cow::Borrowed(array.as_string_view().value(at))),
        DataType::Boolean => Cell::Bool(array.as_boolean().value(at)),
        // Integers are exact, unlike a spreadsheet's numbers: an 18-digit ID held as an
        // int64 is the ID, read as its digits (a number cell would be taken for one Excel
        // cut to 15 digits).
        DataType::Int8 => digits(array.as_primitive::<Int8Type>().value(at)),
        DataType::Int16 => digits(array.as_primitive::<Int16Type>().value(at)),
        DataType::Int32 => digits(array.as_primitive::<Int32Type>().value(at)),
        DataType::Int64 => digits(array.as_primitive::<Int64Type>().value(at)),
        DataType::UInt8 => digits(array.as_primitive::<UInt8Type>().value(at)),
        DataType::UInt16 => digits(array.as_primitive::<UInt16Type>().value(at)),
        DataType::UInt32 => digits(array.as_primitive::<UInt32Type>().value(at)),
        DataType::UInt64 => digits(array.as_primitive::<UInt64Type>().value(at)),
        DataType::Float32 => Cell::Float(array.as_primitive::<Float32Type>().value(at).into()),
        DataType::Float64 => Cell::Float(array.as_primitive::<Float64Type>().value(at)),
        DataType::Date32 => time(date(
            DateTime::from_timestamp(
                i64::from(array.as_primitive::<Date32Type>().value(at)) * 86_400,
                0,
            )
            .map(|t| t.date_naive()),
        )),
        DataType::Date64 => time(
            DateTime::from_timestamp_millis(array.as_primitive::<Date64Type>().value(at))
                .map(|t| t.naive_utc()),
        ),
        DataType::Timestamp(unit, zone) => {
            // In microseconds; a value past what they hold is no date (it wrapped around
            // to another one, 2024-03-05, before).
            let v = match unit {
                TimeUnit::Second => array
                    .as_primitive::<TimestampSecondType>()
                    .value(at)
                    .checked_mul(1_000_000),
                TimeUnit::Millisecond => array
                    .as_primitive::<TimestampMillisecondType>()
                    .value(at)
                    .checked_mul(1_000),
                TimeUnit::Microsecond => {
                    Some(array.as_primitive::<TimestampMicrosecondType>().value(at))
                }
                TimeUnit::Nanosecond => {
                    Some(array.as_primitive::<TimestampNanosecondType>().value(at) / 1_000)
                }
            };
            let Some(v) = v else {
                return Cell::Error("a date beyond any calendar".to_string());
            };
            match zone {
                // An instant (Spark's and pandas' timestamps carry the session's zone): the
                // date and time on the clock of its zone, as the statement printed it.
                Some(zone) => match zone.parse::<arrow_array::timezone::Tz>() {
                    Ok(tz) => time(
                        arrow_array::temporal_conversions::as_datetime_with_timezone::<
                            TimestampMicrosecondType,
                        >(v, tz)
                        .map(|t| t.naive_local()),
                    ),
                    Err(e) => Cell::Error(format!("time zone {zone}: {e}")),
                },
                None => time(DateTime::from_timestamp_micros(v).map(|t| t.naive_utc())),
            }
        }
        // Anything else (decimals, unsigned 64-bit, dictionaries…) as Arrow prints it.
        _ => match ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default()) {
            Ok(f) => Cell::Text(Cow::Owned(f.value(at).to_string())),
            Err(e) => Cell::Error(e.to_string()),
        },
    }
}

/// An integer as the text of its digits.
fn digits(n: impl std::fmt::Display) -> Cell<'static> {
    Cell::Text(Cow::Owned(n.to_string()))
}

/// Reads a table's batches as one table: the header (column names) is the row before
/// `first_row`, the batches' rows follow, numbered on.
pub fn read_table(
    name: &str,
    kind: Option<Kind>,
    schema: &Schema,
    batches: &[RecordBatch],
    first_row: u32,
) -> GivenTable {
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let mut rows = std::iter::once((first_row - 1, ArrowRow::Header(&names))).chain(
        batches
            .iter()
            .flat_map(|b| (0..b.num_rows()).map(move |at| (b.columns(), at)))
            .zip(first_row..)
            .map(|((columns, at), n)| (n, ArrowRow::Data { columns, at })),
    );
    let first: Vec<(u32, ArrowRow)> = rows.by_ref().take(HEADER_SCAN_ROWS).collect();
    ingest::read_given_table(name, kind, first, rows)
}

/// A column of `batch` as unsigned 32-bit integers (Spark hands back signed ones).
fn numbers(batch: &RecordBatch, name: &str) -> Result<arrow_array::UInt32Array, String> {
    let column = batch
        .column_by_name(name)
        .ok_or_else(|| format!("records: no column {name}"))?;
    let cast =
        arrow_cast::cast(column, &DataType::UInt32).map_err(|e| format!("records: {name}: {e}"))?;
    Ok(cast.as_primitive::<UInt32Type>().clone())
}

/// The shipped records of a partition (columns `file`, `source`, `record`), borrowed.
pub fn received<'a>(batch: &'a RecordBatch, out: &mut Vec<Received<'a>>) -> Result<(), String> {
    let (file, source) = (numbers(batch, "file")?, numbers(batch, "source")?);
    let record = batch
        .column_by_name("record")
        .ok_or("records: no column record")?;
    let bytes: Box<dyn Fn(usize) -> &'a [u8] + 'a> =
        match (record.as_binary_opt::<i32>(), record.as_binary_opt::<i64>()) {
            (Some(b), _) => Box::new(move |i| b.value(i)),
            (None, Some(b)) => Box::new(move |i| b.value(i)),
            (None, None) => return Err("records: record is not binary".into()),
        };
    for i in 0..batch.num_rows() {
        out.push(Received {
            file: file.value(i),
            source: source.value(i),
            record: bytes(i),
        });
    }
    Ok(())
}
