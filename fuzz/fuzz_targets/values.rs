//! Any text through every value parser: a value or a reason, never a panic; and a parsed
//! period or amount prints back as something the parser reads the same.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use yibao_recon::mask::mask_ids_in_text;
use yibao_recon::values::{self, Cell};

fuzz_target!(|text: &str| {
    let cell = Cell::Text(Cow::Borrowed(text));
    if let Ok(Some(a)) = values::amount(&cell) {
        let again = values::amount(&Cell::Text(Cow::Owned(a.to_string())));
        assert_eq!(again, Ok(Some(a)));
    }
    if let Ok(Some(p)) = values::period(&cell) {
        let again = values::period(&Cell::Text(Cow::Owned(p.to_string())));
        assert_eq!(again, Ok(Some(p)));
    }
    let _ = values::date_time(&cell);
    let _ = values::person_key(&cell);
    let _ = values::payment_status(&cell);
    let _ = values::contribution_type(&cell);
    let _ = values::insurance(&cell);
    let _ = values::category(&cell);
    let _ = values::account_status(&cell);
    let _ = values::entry_kind(&cell);
    let _ = values::list(&cell);
    let _ = mask_ids_in_text(text);
    if let Ok(f) = text.trim().parse::<f64>() {
        let _ = values::amount(&Cell::Float(f));
        let _ = values::period(&Cell::Float(f));
        let _ = values::date_time(&Cell::Float(f));
        let _ = values::person_key(&Cell::Float(f));
    }
});
