//! Privacy: national ID numbers are masked in every output unless `--show-ids`.
//!
//! An 18-digit (17 digits and a digit or X) or 15-digit ID keeps its first 6 and last 4
//! characters: `320102********123X`. Other identifiers (person numbers) are not ID numbers
//! and are left as they are.

use std::borrow::Cow;

/// Whether identifiers are printed in full or masked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IdDisplay {
    #[default]
    Masked,
    Full,
}

impl IdDisplay {
    pub fn id<'a>(self, id: &'a str) -> Cow<'a, str> {
        match self {
            IdDisplay::Full => Cow::Borrowed(id),
            IdDisplay::Masked => mask_id(id),
        }
    }

    pub fn text<'a>(self, text: &'a str) -> Cow<'a, str> {
        match self {
            IdDisplay::Full => Cow::Borrowed(text),
            IdDisplay::Masked => mask_ids_in_text(text),
        }
    }
}

fn is_id_number(s: &[u8]) -> bool {
    match s.len() {
        18 => s[..17].iter().all(u8::is_ascii_digit) && (s[17].is_ascii_digit() || s[17] == b'X'),
        15 => s.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

fn masked(id: &str) -> String {
    let n = id.len();
    let mut out = String::with_capacity(n);
    out.push_str(&id[..6]);
    out.extend(std::iter::repeat_n('*', n - 10));
    out.push_str(&id[n - 4..]);
    out
}

/// Masks `id` when it is a 15- or 18-digit ID number.
///
/// ```
/// use yibao_recon::mask::mask_id;
/// assert_eq!(mask_id("32010219900101123X"), "320102********123X");
/// assert_eq!(mask_id("P0001"), "P0001");
/// ```
pub fn mask_id(id: &str) -> Cow<'_, str> {
    if is_id_number(id.as_bytes()) {
        Cow::Owned(masked(id))
    } else {
        Cow::Borrowed(id)
    }
}

/// Masks every ID number standing in free text (a rejected cell's value, a message).
/// A run of digits counts when it is exactly 15 or 18 long (the 18th may be X or x), so
/// amounts and dates are left alone.
pub fn mask_ids_in_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    if !has_digit_run(bytes, 15) {
        return Cow::Borrowed(text); // most messages: no ID can stand in them
    }
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut end = i;
        if end - start == 17 && end < bytes.len() && (bytes[end] == b'X' || bytes[end] == b'x') {
            end += 1;
        }
        let len = end - start;
        let next_is_word = end < bytes.len() && bytes[end].is_ascii_alphanumeric();
        if (len == 15 || len == 18) && !next_is_word {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(&text[last..start]);
            buf.push_str(&masked(&text[start..end]));
            last = end;
        }
        i = end;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[last..]);
            Cow::Owned(buf)
        }
    }
}

/// Whether `bytes` hold `n` ASCII digits in a row. Looks at every n-th byte: a run of n
/// ending in the next n bytes must cover the byte n ahead, so where that is no digit the
/// search jumps past it (a message of 150 bytes is settled in a dozen looks).
fn has_digit_run(bytes: &[u8], n: usize) -> bool {
    let mut end = n - 1; // where the run sought would end
    while let Some(&b) = bytes.get(end) {
        if !b.is_ascii_digit() {
            end += n;
            continue;
        }
        // Digits back from `end`: n of them is a run; else the run must start after
        // the first non-digit found.
        let back = (1..n)
            .find(|&k| !bytes[end - k].is_ascii_digit())
            .unwrap_or(n);
        if back == n {
            return true;
        }
        end = end - back + n;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The jumping search finds a run exactly when a plain scan does.
        #[test]
        fn digit_runs_are_found_as_a_scan_finds_them(text in "[0-9a年X]{0,60}", n in 1usize..20) {
            let b = text.as_bytes();
            let scan = b.windows(n).any(|w| w.iter().all(u8::is_ascii_digit));
            prop_assert_eq!(has_digit_run(b, n), scan);
        }
    }

    #[test]
    fn masks_18_and_15_digit_ids() {
        assert_eq!(mask_id("32010219900101123X"), "320102********123X");
        assert_eq!(mask_id("320102900101123"), "320102*****1123");
        assert_eq!(mask_id("P0001"), "P0001");
        assert_eq!(mask_id("1234567890123456"), "1234567890123456");
    }

    #[test]
    fn masks_ids_inside_text_only() {
        assert_eq!(
            mask_ids_in_text("row of 32010219900101123x, amount 1234.50, 2024-03-15"),
            "row of 320102********123x, amount 1234.50, 2024-03-15"
        );
        assert_eq!(
            mask_ids_in_text("no id here 20240315"),
            "no id here 20240315"
        );
        assert_eq!(mask_ids_in_text("3.20102E+17"), "3.20102E+17");
        assert_eq!(
            mask_ids_in_text("ids 110101199003077777"),
            "ids 110101********7777"
        );
    }

    #[test]
    fn full_display_prints_as_is() {
        assert_eq!(
            IdDisplay::Full.id("32010219900101123X"),
            "32010219900101123X"
        );
    }
}
