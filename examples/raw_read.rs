//! The floor of the benchmarks: a plain read of the same files with nothing done to the
//! fields but counting them — csv-crate ByteRecords for CSV, calamine's cell grid for
//! workbooks. One thread, files one after another.
//!
//!     cargo run --release --example raw_read -- FILE.csv [FILE.xlsx ...]

use calamine::{Reader, open_workbook_auto};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        return Err("usage: raw_read FILE...".into());
    }
    let (mut rows, mut fields, mut bytes) = (0u64, 0u64, 0u64);
    for path in &paths {
        if path.ends_with(".xlsx") || path.ends_with(".xls") {
            let mut workbook = open_workbook_auto(path)?;
            for name in workbook.sheet_names() {
                let range = workbook.worksheet_range(&name)?;
                for row in range.rows() {
                    rows += 1;
                    fields += row.len() as u64;
                }
            }
            bytes += std::fs::metadata(path)?.len();
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)?;
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record)? {
            rows += 1;
            fields += record.len() as u64;
            bytes += record.as_slice().len() as u64;
        }
    }
    println!("rows {rows} fields {fields} bytes {bytes}");
    Ok(())
}
