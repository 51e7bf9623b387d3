//! The floor for the ingest benchmark: a plain csv-crate ByteRecord read of a file, doing
//! nothing with the fields but counting them.
//!
//!     cargo run --release --example raw_read -- FILE.csv

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: raw_read FILE")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)?;
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut fields, mut bytes) = (0u64, 0u64, 0u64);
    while reader.read_byte_record(&mut record)? {
        rows += 1;
        fields += record.len() as u64;
        bytes += record.as_slice().len() as u64;
    }
    println!("rows {rows} fields {fields} bytes {bytes}");
    Ok(())
}
