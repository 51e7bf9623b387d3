//! findings.parquet, months.parquet and persons.parquet for data warehouses (`--format
//! parquet`, cargo feature `parquet`).
//!
//! Built from the very CSV bytes the run writes, so the two can never disagree: the same
//! masking, labels and rounding. Amounts become `Decimal(18, 2)` (exact, as in the CSV),
//! counts become integers, and an empty cell becomes null; periods stay `YYYY-MM` text.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::tables::AMOUNT_COLUMNS;

/// Columns that hold whole counts.
const COUNT_COLUMNS: [&str; 2] = ["errors", "warnings"];

/// Precision and scale of every amount column: 16 digits of yuan are far beyond any account.
const PRECISION: usize = 18;
const SCALE: u32 = 2;

/// One CSV table (header row first) as Parquet bytes.
pub fn from_csv(csv_bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        for (column, cell) in cells.iter_mut().zip(record.iter()) {
            column.push(cell.to_owned());
        }
    }
    let columns = header
        .iter()
        .zip(&cells)
        .map(|(name, values)| column(name, values))
        .collect::<Result<Vec<Column>, String>>()?;
    let height = cells.first().map_or(0, Vec::len);
    let mut frame = DataFrame::new(height, columns).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut frame)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn column(name: &str, values: &[String]) -> Result<Column, String> {
    let name = PlSmallStr::from_str(name);
    if AMOUNT_COLUMNS.contains(&name.as_str()) {
        let cents = values
            .iter()
            .map(|v| present(v).map(cents).transpose())
            .collect::<Result<Int128Chunked, String>>()?
            .with_name(name);
        let decimal = cents
            .into_decimal(PRECISION, SCALE as usize)
            .map_err(|e| e.to_string())?;
        return Ok(decimal.into_series().into_column());
    }
    if COUNT_COLUMNS.contains(&name.as_str()) {
        let counts = values
            .iter()
            .map(|v| {
                present(v)
                    .map(|v| v.parse::<u32>().map_err(|e| format!("{v}: {e}")))
                    .transpose()
            })
            .collect::<Result<UInt32Chunked, String>>()?
            .with_name(name);
        return Ok(counts.into_series().into_column());
    }
    let text: StringChunked = values.iter().map(|v| present(v)).collect();
    Ok(text.with_name(name).into_series().into_column())
}

/// An empty cell is a missing value.
fn present(v: &str) -> Option<&str> {
    (!v.is_empty()).then_some(v)
}

/// "12.30" → 1230: the CSV writes amounts with exactly two decimals.
fn cents(text: &str) -> Result<i128, String> {
    let mut d: Decimal = text.parse().map_err(|e| format!("amount '{text}': {e}"))?;
    d.rescale(SCALE);
    Ok(d.mantissa())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_decimals_and_empty_cells_null() {
        let csv = "person_id,period,expected,errors,message\n\
                   1101**********0011,2024-03,123.45,2,late\n\
                   1101**********0011,,-0.10,,\n";
        let bytes = from_csv(csv.as_bytes()).unwrap();
        let frame = ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .unwrap();
        assert_eq!(frame.height(), 2);
        let expected = frame.column("expected").unwrap();
        assert_eq!(
            expected.dtype(),
            &DataType::Decimal(PRECISION, SCALE as usize)
        );
        let cents = expected.decimal().unwrap().physical();
        assert_eq!(cents.get(0), Some(12345));
        assert_eq!(cents.get(1), Some(-10));
        let errors = frame.column("errors").unwrap().u32().unwrap();
        assert_eq!((errors.get(0), errors.get(1)), (Some(2), None));
        let period = frame.column("period").unwrap().str().unwrap();
        assert_eq!((period.get(0), period.get(1)), (Some("2024-03"), None));
    }
}
