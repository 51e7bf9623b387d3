//! `--format parquet`: the Parquet files hold what the CSVs hold, typed; a build without
//! the feature refuses the format clearly.

use crate::common;

fn reconcile(out: &std::path::Path, threads: &str, formats: &str) -> assert_cmd::assert::Assert {
    common::reconcile_samples(out, &["-j", threads, "--format", formats]).assert()
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_holds_the_csv_rows_typed_and_is_deterministic() {
    use polars::prelude::*;
    use rust_decimal::Decimal;

    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("j1"), dir.path().join("j2"));
    reconcile(&one, "1", "csv,parquet").code(1);
    reconcile(&two, "2", "parquet").code(1);
    for table in ["findings", "months", "persons"] {
        let a = std::fs::read(one.join(format!("{table}.parquet"))).unwrap();
        let b = std::fs::read(two.join(format!("{table}.parquet"))).unwrap();
        assert!(a == b, "{table}.parquet differs between -j 1 and -j 2");

        let frame = ParquetReader::new(std::io::Cursor::new(a))
            .finish()
            .unwrap();
        let mut csv = csv::Reader::from_path(one.join(format!("{table}.csv"))).unwrap();
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        assert!(!rows.is_empty(), "{table}.csv is empty");
        assert_eq!(frame.height(), rows.len(), "{table}: row count");
        let names: Vec<&str> = frame
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(names, header, "{table}: columns");
        // Every cell equals its CSV cell: amounts as exact decimals, the rest as text.
        for (c, name) in header.iter().enumerate() {
            let column = frame.column(name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                let cell = &row[c];
                let value = column.get(r).unwrap();
                let shown = match value {
                    AnyValue::Null => String::new(),
                    AnyValue::Decimal(cents, _, scale) => {
                        Decimal::from_i128_with_scale(cents, scale as u32).to_string()
                    }
                    AnyValue::String(s) => s.to_string(),
                    other => other.to_string(),
                };
                assert_eq!(&shown, cell, "{table} row {r} column {name}");
            }
        }
        if table != "findings" {
            continue;
        }
        let expected = frame.column("expected").unwrap();
        assert!(matches!(expected.dtype(), DataType::Decimal(18, 2)));
    }
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_without_the_feature_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    reconcile(dir.path(), "1", "csv,parquet")
        .code(2)
        .stderr(predicates::str::contains("--features parquet"));
    assert!(!dir.path().join("findings.csv").exists());
}
