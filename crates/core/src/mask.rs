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

/// The fewest digits an ID-like run has: a 15-digit (first-generation) ID.
const ID_DIGITS: usize = 15;

/// The most digits a run joined by separators may gather: an 18-character ID with a typo
/// of one more. A longer run without separators is masked whole all the same (two IDs
/// typed into one cell); separators stop joining here, so an ID followed by a space and a
/// date keeps the date readable.
const JOINED_DIGITS: usize = 19;

/// The digits of a run before the first separator: an ID's region code has six, so a
/// date (`2024-03-15`) or a list of periods never starts a joined run.
const FIRST_GROUP: usize = 6;

fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'_')
}

/// One ID-like run in a text: its byte range, and where its ID characters are.
struct Run {
    start: usize,
    end: usize,
    /// The ID characters (digits, a final X) counted.
    chars: usize,
}

/// The run of ID characters starting at `start` (a digit): digits (and a mask's `*`s),
/// joined over single
/// separators (space, `-`, `_`) while the first group has six digits or more and the run
/// stays within [`JOINED_DIGITS`], and a final X or x.
fn run_at(bytes: &[u8], start: usize) -> Run {
    // A mask's `*` counts as an ID character, so that masked text splits into the same
    // runs as the text it came from: masking again changes nothing.
    let id_char = |b: &u8| b.is_ascii_digit() || *b == b'*';
    let digits_from = |i: usize| bytes[i..].iter().take_while(|b| id_char(b)).count();
    let first = digits_from(start);
    let (mut end, mut chars) = (start + first, first);
    while first >= FIRST_GROUP
        && end + 1 < bytes.len()
        && is_separator(bytes[end])
        && id_char(&bytes[end + 1])
    {
        let next = digits_from(end + 1);
        if chars + next > JOINED_DIGITS {
            break;
        }
        chars += next;
        end += 1 + next;
    }
    if end < bytes.len() && matches!(bytes[end], b'X' | b'x') && chars >= ID_DIGITS - 1 {
        chars += 1;
        end += 1;
    }
    Run { start, end, chars }
}

/// `run` with its ID characters masked but the first 6 and the last 4; separators kept.
fn mask_run(text: &str, run: &Run, out: &mut String) {
    let mut seen = 0;
    for &b in &text.as_bytes()[run.start..run.end] {
        if is_separator(b) {
            out.push(b as char);
            continue;
        }
        seen += 1;
        if seen <= 6 || seen > run.chars - 4 {
            out.push(b as char);
        } else {
            out.push('*');
        }
    }
}

/// Masks `id` when it is, or holds, an ID number: the rule of [`mask_ids_in_text`], so that
/// a person number that looks like an ID (`ID330106199008080107`) is masked too.
///
/// ```
/// use yibao_recon::mask::mask_id;
/// assert_eq!(mask_id("32010219900101123X"), "320102********123X");
/// assert_eq!(mask_id("P0001"), "P0001");
/// ```
pub fn mask_id(id: &str) -> Cow<'_, str> {
    mask_ids_in_text(id)
}

/// Masks every ID number standing in text — a cell, a message, a file or folder name.
/// One rule for every output (SPEC, issue 18): any run of 15 or more ID characters
/// (digits, a final X) is masked, keeping its first 6 and last 4 — written plain
/// (`330106199008080107`), with separators (`330106-19900808-0107`, `330106_1990…`), after
/// a letter prefix (`ID330106…`) or before letters (`330106…abc.csv`), with a digit too
/// many or too few (16, 17, 19), or two IDs run together. Amounts, dates and periods have
/// fewer digits and are left alone.
pub fn mask_ids_in_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // Every ID-like run holds six digits in a row (its region code).
    if !has_digit_run(bytes, FIRST_GROUP) {
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
        let run = run_at(bytes, i);
        if run.chars >= ID_DIGITS {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(&text[last..run.start]);
            mask_run(text, &run, buf);
            last = run.end;
        }
        i = run.end.max(i + 1);
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
        /// Masking is idempotent and leaves no run of 15 digits, whatever the text.
        #[test]
        fn masking_is_idempotent_and_leaves_no_long_digit_run(text in "[0-9Xx _*a-z年-]{0,80}") {
            let once = mask_ids_in_text(&text).into_owned();
            prop_assert_eq!(mask_ids_in_text(&once).into_owned(), once.clone());
            prop_assert!(!has_digit_run(once.as_bytes(), ID_DIGITS), "{}", once);
            prop_assert_eq!(once.chars().count(), text.chars().count());
        }

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
    }

    #[test]
    fn masks_every_form_of_an_id() {
        for (form, masked) in [
            ("330106-19900808-0107", "330106-********-0107"),
            ("330106_199008080107", "330106_********0107"),
            ("330106 1990 0808 0107", "330106 **** **** 0107"),
            ("ID330106199008080107", "ID330106********0107"),
            ("330106199008080107abc.csv", "330106********0107abc.csv"),
            ("3301061990080801", "330106******0801"),
            ("33010619900808010", "330106*******8010"),
            ("3301061990080801070", "330106*********1070"),
            (
                "330106199008080107330106199008080115",
                "330106**************************0115",
            ),
            (
                "330106199008080107/330106199008080115",
                "330106********0107/330106********0115",
            ),
            ("33010619900808010x", "330106********010x"),
            // Found by the fuzzer: the 13 digits before a masked run must not join it
            // on a second pass.
            (
                "330106-1990080-19900807-01070107abc+.csv",
                "330106-1990080-199008**-****0107abc+.csv",
            ),
        ] {
            assert_eq!(mask_ids_in_text(form), masked, "{form}");
            assert_eq!(mask_ids_in_text(masked), masked, "idempotent: {form}");
        }
    }

    #[test]
    fn dates_periods_and_amounts_stay() {
        for text in [
            "2024-03-15 09:30:00",
            "2024-01 2024-02 2024-03 2024-04 2024-05",
            "应划入 1234567.89 元",
            "20240315 093000",
            "330106199008080107 2024-03",
        ] {
            let out = mask_ids_in_text(text);
            assert!(
                out.contains("2024") || out.contains("1234567.89"),
                "{text} → {out}"
            );
        }
        assert_eq!(
            mask_ids_in_text("330106199008080107 2024-03"),
            "330106********0107 2024-03"
        );
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
