//! Bytes → a workbook: damaged zips, truncated sheets and odd cells are errors or
//! rejections, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yibao_recon::ingest::table::{Detection, TableOptions};
use yibao_recon::ingest::workbook;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // calamine has asserted on malformed files; the reader catches that and reports the
    // file. Panics anywhere else still reach libFuzzer's own catch and count as crashes.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if let Ok(sheets) = workbook::read(data.to_vec(), false, TableOptions::default()) {
        for sheet in sheets {
            for table in sheet.result.into_iter().flatten() {
                if let Detection::Found(_) = table.detection {
                    let c = &table.output.counts;
                    assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
                }
            }
        }
    }
});
