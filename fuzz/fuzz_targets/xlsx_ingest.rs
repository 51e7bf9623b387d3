//! Bytes → a workbook: damaged zips, truncated sheets and odd cells are errors or
//! rejections, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yibao_recon::ingest::table::{Detection, TableOptions};
use yibao_recon::ingest::workbook;

fuzz_target!(|data: &[u8]| {
    if let Ok(sheets) = workbook::read(data.to_vec(), false, TableOptions::default()) {
        for sheet in sheets {
            if let Ok((Detection::Found(_), out)) = sheet.result {
                let c = &out.counts;
                assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
            }
        }
    }
});
