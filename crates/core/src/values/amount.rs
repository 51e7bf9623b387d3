//! Amounts in yuan: one cell in, an exact amount rounded half up to 2 decimals out.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Cell, ValueError, ValueResult, fold_width, is_error_text, is_space};
use crate::money::Money;

/// Amounts larger than this (in yuan) are treated as unreadable: no account holds a
/// trillion yuan, and the bound keeps every sum of a run far from Decimal's limits.
const MAX_AMOUNT: i64 = 1_000_000_000_000;

fn round_money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn bounded(d: Decimal) -> ValueResult<Decimal> {
    if d.abs() > Decimal::from(MAX_AMOUNT) {
        return Err(ValueError::AmountOutOfRange);
    }
    Ok(Some(round_money(d)))
}

/// An amount in yuan, rounded half up to 2 decimals: `1,234.50`, `¥1234.5`, `1234.50元`,
/// `(12.00)` (= −12.00), `－12`, full-width digits, numbers from a workbook.
///
/// ```
/// use std::borrow::Cow;
/// use rust_decimal::Decimal;
/// use yibao_recon::values::{amount, Cell};
/// let cell = Cell::Text(Cow::Borrowed("(1,234.565)"));
/// assert_eq!(amount(&cell), Ok(Some(Decimal::new(-123457, 2))));
/// ```
pub fn amount(cell: &Cell) -> ValueResult<Decimal> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Int(i) => bounded(Decimal::from(*i)),
        Cell::Float(f) => {
            if !f.is_finite() {
                return Err(ValueError::NotAnAmount);
            }
            if f.abs() > MAX_AMOUNT as f64 {
                return Err(ValueError::AmountOutOfRange);
            }
            // Shortest round-trip text of the float, so 0.1 stays 0.1 rather than its
            // binary expansion.
            let d = Decimal::from_str(&format!("{f}")).map_err(|_| ValueError::NotAnAmount)?;
            bounded(d)
        }
        Cell::Text(t) => amount_text(t),
        Cell::Error(_) => Err(ValueError::SpreadsheetError),
        Cell::UnsavedFormula => Err(ValueError::UnsavedFormula),
        Cell::DateTime(_) | Cell::Bool(_) => Err(ValueError::NotAnAmount),
    }
}

/// [`amount`] as whole cents, the form records keep.
pub fn money(cell: &Cell) -> ValueResult<Money> {
    if let Cell::Text(t) = cell
        && let Some(cents) = plain_cents(t.as_bytes())
    {
        return Ok(Some(Money::from_cents(cents)));
    }
    match amount(cell)? {
        None => Ok(None),
        Some(d) => Money::from_decimal(d)
            .map(Some)
            .ok_or(ValueError::AmountOutOfRange),
    }
}

/// The common shape `1234`, `-1234.5`, `1234.50`: parsed straight to cents, no allocation.
fn plain_amount(s: &[u8]) -> Option<Decimal> {
    plain_cents(s).map(|cents| Decimal::new(cents, 2))
}

fn plain_cents(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match digits.iter().position(|b| *b == b'.') {
        Some(dot) => (&digits[..dot], &digits[dot + 1..]),
        None => (digits, &digits[..0]),
    };
    if int.is_empty() || int.len() > 12 || frac.len() > 2 {
        return None;
    }
    let mut cents: i64 = 0;
    for &b in int.iter().chain(frac) {
        if !b.is_ascii_digit() {
            return None;
        }
        cents = cents * 10 + i64::from(b - b'0');
    }
    for _ in frac.len()..2 {
        cents *= 10;
    }
    Some(if negative { -cents } else { cents })
}

/// Whether the commas in `s` are thousands separators: every group after the first has
/// exactly three digits, the first one to three, and no comma stands after the decimal
/// point. `1,234.56` is; `120,00`, `1,5`, `12,34` and `1.234,56` (decimal commas) are
/// not, and are refused rather than read a hundred times too large.
fn thousands_grouped(s: &str) -> bool {
    let unsigned = s.trim_start_matches(['-', '+']);
    let int = unsigned.split_once('.').map_or(
        unsigned,
        |(int, frac)| {
            if frac.contains(',') { "," } else { int }
        },
    );
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    (1..=3).contains(&first.len()) && digits(first) && groups.all(|g| g.len() == 3 && digits(g))
}

fn amount_text(raw: &str) -> ValueResult<Decimal> {
    if let Some(d) = plain_amount(raw.as_bytes()) {
        return Ok(Some(d));
    }
    if is_error_text(raw) {
        return Err(ValueError::SpreadsheetError);
    }
    let folded = fold_width(raw);
    let mut s: &str = &folded;
    if s.is_empty() || s == "-" || s == "—" || s == "--" {
        return Ok(None);
    }
    for affix in ["RMB", "CNY", "rmb", "cny", "¥", "￥"] {
        s = s.strip_prefix(affix).unwrap_or(s).trim_matches(is_space);
    }
    for affix in ["元", "RMB", "CNY", "rmb", "cny"] {
        s = s.strip_suffix(affix).unwrap_or(s).trim_matches(is_space);
    }
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        // `(-100)`: a sign inside the accountant's parentheses says two things at once.
        if inner.trim_start().starts_with(['-', '+']) {
            return Err(ValueError::NotAnAmount);
        }
        negative = true;
        s = inner;
    }
    if s.contains(',') && !thousands_grouped(s) {
        return Err(ValueError::NotAnAmount);
    }
    let mut clean = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '0'..='9' | '.' | '-' | '+' | 'e' | 'E' => clean.push(c),
            ',' | ' ' | '¥' | '￥' | '\'' => {}
            _ => return Err(ValueError::NotAnAmount),
        }
    }
    if clean.is_empty() {
        return Err(ValueError::NotAnAmount);
    }
    let parsed = if clean.contains(['e', 'E']) {
        Decimal::from_scientific(&clean)
    } else {
        Decimal::from_str_exact(&clean)
    };
    let d = match parsed {
        Ok(d) => d,
        Err(_) => {
            let digits = clean.chars().filter(char::is_ascii_digit).count();
            let exponent = clean
                .split_once(['e', 'E'])
                .and_then(|(_, e)| e.parse::<i64>().ok())
                .unwrap_or(0);
            return Err(if digits > 20 || exponent > 12 {
                ValueError::AmountOutOfRange
            } else {
                ValueError::NotAnAmount
            });
        }
    };
    bounded(if negative { -d } else { d })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::str::FromStr;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_in_every_shape() {
        for (input, want) in [
            ("1,234.50", "1234.50"),
            ("¥1234.5", "1234.5"),
            ("￥1234.5", "1234.5"),
            ("1234.50元", "1234.50"),
            ("(12.00)", "-12.00"),
            ("-12", "-12"),
            ("１２３４．５", "1234.5"),
            ("  88 ", "88"),
            ("0.005", "0.01"),
            ("-0.005", "-0.01"),
            ("2.675", "2.68"),
            ("1.2E+3", "1200"),
            ("RMB 100", "100"),
        ] {
            assert_eq!(amount(&t(input)), Ok(Some(dec(want))), "{input}");
        }
        assert_eq!(amount(&Cell::Float(0.1 + 0.2)), Ok(Some(dec("0.30"))));
        assert_eq!(amount(&Cell::Float(1234.5)), Ok(Some(dec("1234.5"))));
        assert_eq!(amount(&Cell::Int(-7)), Ok(Some(dec("-7"))));
        assert_eq!(amount(&t("")), Ok(None));
        assert_eq!(amount(&t("12,345,678.9")), Ok(Some(dec("12345678.9"))));
        assert_eq!(amount(&t("-1,234")), Ok(Some(dec("-1234"))));
        assert_eq!(amount(&t("-")), Ok(None));
        assert_eq!(amount(&Cell::Empty), Ok(None));
        assert_eq!(amount(&t("abc")), Err(ValueError::NotAnAmount));
        assert_eq!(amount(&t("12.3.4")), Err(ValueError::NotAnAmount));
        assert_eq!(amount(&t("1e400")), Err(ValueError::AmountOutOfRange));
        assert_eq!(amount(&t("1e30")), Err(ValueError::AmountOutOfRange));
        assert_eq!(amount(&t("1e-400")), Err(ValueError::NotAnAmount));
        assert_eq!(
            amount(&t("99999999999999999999999999999999")),
            Err(ValueError::AmountOutOfRange)
        );
        assert_eq!(
            amount(&t("5000000000000")),
            Err(ValueError::AmountOutOfRange)
        );
        assert_eq!(amount(&Cell::Float(f64::NAN)), Err(ValueError::NotAnAmount));
        assert_eq!(
            amount(&Cell::Error("#N/A".into())),
            Err(ValueError::SpreadsheetError)
        );
    }

    /// Decimal commas and signs inside parentheses are refused, never read as another
    /// amount (`120,00` was 12000.00, `1,5` was 15.00).
    #[test]
    fn commas_only_as_thousands_groups() {
        for bad in [
            "120,00",
            "1,5",
            "12,34",
            "1.234,56",
            "1,2345.00",
            ",123",
            "1,234,5",
            "(-100)",
            "(+5)",
        ] {
            assert_eq!(amount(&t(bad)), Err(ValueError::NotAnAmount), "{bad}");
        }
        assert_eq!(amount(&t("１，２３４．５０")), Ok(Some(dec("1234.50"))));
    }
}
