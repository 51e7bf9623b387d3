//! Person identifiers: ID numbers (身份证号, GB 11643) and person numbers.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::{Cell, ValueError, ValueResult, fold_width, is_error_text, is_space};

/// A person identifier as read, and whether an 18-digit ID number failed its check digit
/// (accepted, but counted as a warning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonKey {
    pub id: String,
    pub bad_check_digit: bool,
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character for the first 17 digits of an ID number.
pub fn id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// Whether `id` has the shape of an 18-digit ID number (17 digits and a digit or X).
pub fn is_id18(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X')
}

/// The birth date in digits 7–14 of an 18-digit ID number.
pub fn birth_date_from_id(id: &str) -> Option<NaiveDate> {
    if !is_id18(id) {
        return None;
    }
    let y = id[6..10].parse().ok()?;
    let m = id[10..12].parse().ok()?;
    let d = id[12..14].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The sex in digit 17 of an 18-digit ID number (odd: male, even: female).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

/// The sex an 18-digit ID number records; `None` for any other key.
pub fn sex_from_id(id: &str) -> Option<Sex> {
    if !is_id18(id) {
        return None;
    }
    let digit = id.as_bytes()[16] - b'0';
    Some(if digit % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    })
}

fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exp = exp.trim_start_matches(['+', '-']);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().any(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

/// Whether `id` is an ID number: 18 characters (17 digits and a digit or X) or 15 digits,
/// with a birth date that exists (digits 7–14, or 7–12 as 19YYMMDD).
pub fn is_id_number(id: &str) -> bool {
    match id.len() {
        18 => birth_date_from_id(id).is_some(),
        15 => {
            id.bytes().all(|b| b.is_ascii_digit())
                && NaiveDate::parse_from_str(&format!("19{}", &id[6..12]), "%Y%m%d").is_ok()
        }
        _ => false,
    }
}

/// Two ID numbers in one cell: ID-shaped parts between separators, or a run of ID
/// characters as long as two of them (a pasted pair, 30 characters or more).
fn holds_two_ids(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| !is_space(*c) && !matches!(c, '-' | '_'))
        .collect();
    if compact.len() >= 30
        && compact
            .bytes()
            .all(|b| b.is_ascii_digit() || b.eq_ignore_ascii_case(&b'x'))
    {
        return true;
    }
    let ids = s
        .split(|c: char| matches!(c, ',' | ';' | '/' | '、' | '|' | '\n') || is_space(c))
        .filter(|p| is_id_number(&p.to_ascii_uppercase()))
        .count();
    ids >= 2
}

/// A person identifier: an ID number (身份证号), a social-security or person number.
/// Trimmed, spaces removed, `x` → `X`; Excel's text guards (`'…`, `="…"`) dropped. An ID in
/// scientific notation, or stored as a number too long for Excel's 15 digits, is an error:
/// its digits are gone and must not be guessed.
pub fn person_key(cell: &Cell) -> ValueResult<PersonKey> {
    // The common shape: a clean 18-character ID number.
    if let Cell::Text(t) = cell
        && is_id18(t)
    {
        return Ok(Some(PersonKey {
            id: t.to_string(),
            bad_check_digit: id_check_char(&t[..17]) != t[17..].chars().next(),
        }));
    }
    let text: Cow<str> = match cell {
        Cell::Empty => return Ok(None),
        Cell::Int(i) => {
            if i.unsigned_abs() > 999_999_999_999_999 {
                return Err(ValueError::IdPrecisionLost);
            }
            Cow::Owned(i.to_string())
        }
        Cell::Float(f) => {
            if !f.is_finite() || f.fract() != 0.0 || *f < 0.0 {
                return Err(ValueError::IdInvalid);
            }
            if *f > 999_999_999_999_999.0 {
                return Err(ValueError::IdPrecisionLost);
            }
            Cow::Owned(format!("{}", *f as u64))
        }
        Cell::Text(t) if is_error_text(t) => return Err(ValueError::SpreadsheetError),
        Cell::Text(t) => fold_width(t),
        Cell::Error(_) => return Err(ValueError::SpreadsheetError),
        Cell::UnsavedFormula => return Err(ValueError::UnsavedFormula),
        Cell::DateTime(_) | Cell::Bool(_) => return Err(ValueError::IdInvalid),
    };
    let mut s: &str = text.trim_matches(is_space);
    if let Some(inner) = s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        s = inner;
    }
    s = s.trim_start_matches(['\'', '`']).trim_matches(is_space);
    if s.is_empty() {
        return Ok(None);
    }
    if looks_scientific(s) {
        return Err(ValueError::IdScientific);
    }
    if holds_two_ids(s) {
        return Err(ValueError::TwoIds);
    }
    let mut id: String = s.chars().filter(|c| !is_space(*c)).collect();
    // `330106-19900808-0107`, `330106_199008080107`: the same person as without them.
    if id.contains(['-', '_']) {
        let compact: String = id.chars().filter(|c| !matches!(c, '-' | '_')).collect();
        if is_id_number(&compact.to_ascii_uppercase()) {
            id = compact;
        }
    }
    // `1000123.0`: a person number that went through a float column.
    if let Some((int, frac)) = id.split_once('.')
        && !int.is_empty()
        && int.len() <= 15
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b == b'0')
    {
        id.truncate(int.len());
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ValueError::IdInvalid);
    }
    id.make_ascii_uppercase();
    let bad_check_digit = is_id18(&id) && id_check_char(&id[..17]) != id[17..].chars().next();
    Ok(Some(PersonKey {
        id,
        bad_check_digit,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    #[test]
    fn person_keys() {
        let key = |c: &Cell| person_key(c).map(|k| k.map(|k| (k.id, k.bad_check_digit)));
        assert_eq!(
            key(&t(" 11010519491231002x ")),
            Ok(Some(("11010519491231002X".into(), false)))
        );
        assert_eq!(
            key(&t("110105194912310021")),
            Ok(Some(("110105194912310021".into(), true)))
        );
        assert_eq!(
            key(&t("'11010519491231002X")),
            Ok(Some(("11010519491231002X".into(), false)))
        );
        assert_eq!(
            key(&t("=\"11010519491231002X\"")),
            Ok(Some(("11010519491231002X".into(), false)))
        );
        assert_eq!(key(&t("P-0001")), Ok(Some(("P-0001".into(), false))));
        assert_eq!(key(&t("1000123.0")), Ok(Some(("1000123".into(), false))));
        assert_eq!(
            key(&Cell::Float(1000123.0)),
            Ok(Some(("1000123".into(), false)))
        );
        assert_eq!(
            key(&Cell::Float(110105491231002.0)),
            Ok(Some(("110105491231002".into(), false)))
        );
        assert_eq!(key(&t("3.20102E+17")), Err(ValueError::IdScientific));
        assert_eq!(key(&t("3.20102e17")), Err(ValueError::IdScientific));
        assert_eq!(
            key(&Cell::Float(3.201_021_990_010_1e17)),
            Err(ValueError::IdPrecisionLost)
        );
        assert_eq!(
            key(&Cell::Int(320_102_199_001_011_234)),
            Err(ValueError::IdPrecisionLost)
        );
        assert_eq!(key(&t("张三")), Err(ValueError::IdInvalid));
        assert_eq!(key(&t("")), Ok(None));
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        assert_eq!(
            birth_date_from_id("11010519491231002X"),
            NaiveDate::from_ymd_opt(1949, 12, 31)
        );
    }

    /// One person however the ID is written; two IDs in one cell are refused.
    #[test]
    fn ids_with_separators_are_one_person() {
        let plain = "330106199008080107";
        for written in [
            "330106-19900808-0107",
            "330106_199008080107",
            "330106 19900808 0107",
            "３３０１０６１９９００８０８０１０７",
            "330106-1990-0808-0107",
        ] {
            assert_eq!(
                person_key(&t(written)).unwrap().unwrap().id,
                plain,
                "{written}"
            );
        }
        // A person number with a dash that is not an ID keeps its dash.
        assert_eq!(person_key(&t("A-1001")).unwrap().unwrap().id, "A-1001");
        for two in [
            "330106199008080107 110105194912310021",
            "330106199008080107,110105194912310021",
            "330106199008080107/110105194912310021",
            "330106199008080107110105194912310021",
        ] {
            assert_eq!(person_key(&t(two)), Err(ValueError::TwoIds), "{two}");
        }
    }
}
