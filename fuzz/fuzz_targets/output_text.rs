//! What the outputs do to text from files (issue 18): masking IDs, neutralising CSV cells,
//! making console text printable. Masking is idempotent and leaves no run of 15 digits;
//! an escaped CSV field reads back as the neutralised text; printable text holds no
//! control character but tab and newline, and a second pass changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yibao_recon::mask::mask_ids_in_text;
use yibao_recon::printable::printable;
use yibao_recon::report::{safe_cell, tables::csv_field};

fn longest_digit_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for b in text.bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

fuzz_target!(|text: &str| {
    let masked = mask_ids_in_text(text).into_owned();
    assert_eq!(
        mask_ids_in_text(&masked),
        masked.as_str(),
        "masking is idempotent"
    );
    assert!(longest_digit_run(&masked) < 15, "{masked:?}");
    assert_eq!(masked.chars().count(), text.chars().count());

    let safe = safe_cell(text).into_owned();
    assert_eq!(
        safe_cell(&safe),
        safe.as_str(),
        "neutralising is idempotent"
    );
    let mut line = csv_field(text);
    line.push(b'\n');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_slice());
    let record = reader.records().next();
    match record {
        Some(Ok(r)) => {
            // An empty field is an empty line, which the reader skips; otherwise one field.
            assert_eq!(r.len(), 1);
            assert_eq!(&r[0], safe.as_str());
        }
        None => assert!(safe.is_empty()),
        Some(Err(e)) => panic!("{e}"),
    }

    let shown = printable(text).into_owned();
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    );
    assert_eq!(printable(&shown), shown.as_str());
});
