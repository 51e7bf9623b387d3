//! Bytes → a delimited-text table: whatever the bytes, every row is accounted for and
//! nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yibao_recon::ingest::table::TableOptions;
use yibao_recon::ingest::text;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = text::read(data, TableOptions::default()) {
        let c = &t.output.counts;
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
        let records = t.output.contributions.len() + t.output.entries.len() + t.output.roster.len();
        assert_eq!(records as u64, c.accepted);
    }
});
