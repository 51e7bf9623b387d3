//! Amounts of money as integer cents.
//!
//! Every amount read is rounded half up to 0.01 yuan at the edge ([`crate::values::amount`])
//! and bounded far inside `i64`, so records can hold whole cents: exact, eight bytes, and
//! adding them is an integer addition. Amounts times rates (expected credits) are exact
//! 128-bit integer arithmetic on the rates' decimal digits, rounded back to cents, with
//! `rust_decimal` as the fallback ([`Money::mul_add`]).

use std::fmt;
use std::num::NonZeroI64;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount in yuan, held as whole cents. Sums saturate at ±9.2×10¹⁶ yuan rather than
/// wrap: only hostile inputs get near, and run-wide totals are summed as `Decimal`.
///
/// Stored with its sign bit flipped so that the bit pattern is never 0 for any amount a run
/// can hold (|amount| ≤ 10¹² yuan): `Option<Money>` then needs no tag and stays 8 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Money(NonZeroI64);

const FLIP: i64 = i64::MIN;

/// 10¹⁶ yuan in cents: computed amounts are held within it ([`Money::saturating`]).
const SATURATION: i64 = 1_000_000_000_000_000_000;

/// 10⁰ to 10²⁸: a `Decimal`'s scales.
const POW10: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

impl Money {
    pub const ZERO: Money = Money::from_cents(0);

    /// `i64::MIN`, the one value whose flipped form would be 0, is taken as the one above
    /// it; amounts read are bounded to 10¹⁴ cents, so only a saturated sum gets there.
    pub const fn from_cents(cents: i64) -> Money {
        let cents = if cents == i64::MIN {
            i64::MIN + 1
        } else {
            cents
        };
        match NonZeroI64::new(cents ^ FLIP) {
            Some(v) => Money(v),
            None => Money(NonZeroI64::MAX),
        }
    }

    pub const fn cents(self) -> i64 {
        self.0.get() ^ FLIP
    }

    /// Whether the amount reached the bound computed amounts are held to (±10¹⁶ yuan): a
    /// sum that overflowed, which no account holds. Reported as an error, never printed
    /// as if it were a balance.
    pub const fn overflowed(self) -> bool {
        self.cents().unsigned_abs() >= SATURATION as u64
    }

    /// `d` rounded half up (away from zero) to 0.01; `None` outside the range an amount
    /// may take.
    pub fn from_decimal(d: Decimal) -> Option<Money> {
        let rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let cents =
            i64::try_from(rounded.mantissa() * 10_i128.pow(2 - rounded.scale().min(2))).ok()?;
        (cents != i64::MIN).then(|| Money::from_cents(cents))
    }

    /// `d` rounded to cents, held at ±10¹⁶ yuan beyond: only a computed amount (a policy's
    /// absurd retiree sum) can get there, and a run must not stop over it.
    pub fn saturating(d: Decimal) -> Money {
        Money::from_decimal(d.clamp(
            Decimal::from(-SATURATION / 100),
            Decimal::from(SATURATION / 100),
        ))
        .unwrap_or(Money::from_cents(SATURATION))
    }

    /// `a × x + b × y` rounded half up (away from zero) to cents: an expected credit from
    /// amounts and rates. Exact integer arithmetic when it fits in 128 bits (always, for
    /// rates of a policy and amounts of a file), else through `Decimal`.
    pub fn mul_add(a: Money, x: Decimal, b: Money, y: Decimal) -> Money {
        let exact = || -> Option<i64> {
            let scale = x.scale().max(y.scale()) as usize;
            let unit = *POW10.get(scale)?;
            // Overflow-checked 128-bit multiplication is a library call: the common case
            // (a rate with under 19 digits, a product under 2⁶⁴) is proved not to need it.
            let term = |m: Money, r: Decimal| {
                let widen = *POW10.get(scale - r.scale() as usize)?;
                let Ok(r) = i64::try_from(r.mantissa()) else {
                    return i128::from(m.cents())
                        .checked_mul(r.mantissa())?
                        .checked_mul(widen);
                };
                // Two 64-bit factors: at most 2¹²⁶, no overflow.
                let p = i128::from(m.cents()) * i128::from(r);
                if widen == 1 {
                    Some(p)
                } else if p.unsigned_abs() < 1 << 64 && widen < 1 << 62 {
                    Some(p * widen)
                } else {
                    p.checked_mul(widen)
                }
            };
            let total = term(a, x)?.checked_add(term(b, y)?)?;
            // In 64 bits when it fits (always, in practice): a 128-bit division is a
            // library call many times slower, and this runs for every month of everyone.
            let (q, r) = match (i64::try_from(total), i64::try_from(unit)) {
                (Ok(t), Ok(u)) => (i128::from(t / u), i128::from(t % u)),
                _ => (total / unit, total % unit),
            };
            let q = if r.unsigned_abs() * 2 >= unit.unsigned_abs() {
                q + total.signum()
            } else {
                q
            };
            // Beyond the bound `saturating` holds sums to, it holds this one too.
            i64::try_from(q)
                .ok()
                .filter(|c| c.unsigned_abs() <= SATURATION as u64)
        };
        match exact() {
            Some(cents) => Money::from_cents(cents),
            None => a
                .dec()
                .checked_mul(x)
                .zip(b.dec().checked_mul(y))
                .and_then(|(p, q)| p.checked_add(q))
                .map_or(Money::from_cents(i64::MAX), Money::saturating),
        }
    }

    /// `self × rate` rounded half up to cents ([`Money::mul_add`] with one term).
    pub fn times(self, rate: Decimal) -> Money {
        Money::mul_add(self, rate, Money::ZERO, Decimal::ZERO)
    }

    /// The largest whole-cent amount not above `tolerance`: comparing whole-cent differences
    /// with it is the same as comparing with `tolerance` itself.
    pub fn tolerance(tolerance: Decimal) -> Money {
        Money::saturating(tolerance.max(Decimal::ZERO).trunc_with_scale(2))
    }

    pub fn dec(self) -> Decimal {
        Decimal::new(self.cents(), 2)
    }

    pub fn abs(self) -> Money {
        Money::from_cents(self.cents().abs())
    }

    pub fn is_negative(self) -> bool {
        self.cents() < 0
    }

    pub fn is_zero(self) -> bool {
        self.cents() == 0
    }

    /// The sum of two amounts either of which may be missing: missing when both are, else
    /// the known ones added (a missing one counts as nothing).
    pub fn add_known(a: Option<Money>, b: Option<Money>) -> Option<Money> {
        match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
        }
    }

    /// Share `i` (0-based) of this amount split evenly over `n` parts in cents, each
    /// rounded toward zero and the remainder on the last part (SPEC 2.1's period ranges):
    /// the parts add up to the whole.
    pub fn share(self, i: i64, n: i64) -> Money {
        let n = n.max(1);
        let each = self.cents() / n;
        if i + 1 == n {
            Money::from_cents(self.cents() - each * (n - 1))
        } else {
            Money::from_cents(each)
        }
    }
}

impl Default for Money {
    fn default() -> Money {
        Money::ZERO
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Money {
    fn cmp(&self, other: &Money) -> std::cmp::Ordering {
        self.cents().cmp(&other.cents())
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.dec()
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money::from_cents(self.cents().saturating_add(rhs.cents()))
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money::from_cents(self.cents().saturating_sub(rhs.cents()))
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::from_cents(-self.cents())
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Money {
    /// Appends the amount as [`Display`](fmt::Display) prints it, without the formatting
    /// machinery: months.csv prints five amounts on each of millions of rows.
    pub fn write_to(self, out: &mut Vec<u8>) {
        self.pieces(|piece| out.extend_from_slice(piece.as_bytes()));
    }

    /// Appends the amount as reports print it (`-12.30`) to `out`.
    pub fn push_to(self, out: &mut String) {
        self.pieces(|piece| out.push_str(piece));
    }

    /// The printed amount in pieces: sign, whole yuan, `.` and the cents.
    fn pieces(self, mut put: impl FnMut(&str)) {
        let cents = self.cents();
        if cents < 0 {
            put("-");
        }
        let abs = cents.unsigned_abs();
        let mut digits = itoa::Buffer::new();
        put(digits.format(abs / 100));
        put(".");
        put(two_digits((abs % 100) as u32));
    }
}

/// Two decimals, as reports print amounts: `-12.30`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        self.pieces(|piece| result = result.and_then(|()| f.write_str(piece)));
        result
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `n % 100` as two digits, `"00"` to `"99"`, without the formatting machinery.
pub(crate) fn two_digits(n: u32) -> &'static str {
    const PAIRS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    let i = (n % 100) as usize * 2;
    &PAIRS[i..i + 2]
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares_add_up_with_the_remainder_last() {
        let m = super::Money::from_cents(10_000);
        let parts: Vec<i64> = (0..3).map(|i| m.share(i, 3).cents()).collect();
        assert_eq!(parts, [3333, 3333, 3334]);
        let neg = super::Money::from_cents(-100);
        let parts: Vec<i64> = (0..3).map(|i| neg.share(i, 3).cents()).collect();
        assert_eq!(parts, [-33, -33, -34]);
        assert_eq!(m.share(0, 1), m);
    }

    use super::*;

    #[test]
    fn cents_round_trip_and_arithmetic() {
        assert_eq!(std::mem::size_of::<Option<Money>>(), 8);
        for cents in [
            0,
            1,
            -1,
            12_345,
            -99,
            100_000_000_000_000,
            -100_000_000_000_000,
        ] {
            let m = Money::from_cents(cents);
            assert_eq!(m.cents(), cents);
            assert_eq!(Money::from_decimal(m.dec()), Some(m));
        }
        let a = Money::from_cents(1050);
        let b = Money::from_cents(-2075);
        assert_eq!((a + b).to_string(), "-10.25");
        assert_eq!((a - b).to_string(), "31.25");
        assert_eq!((-a).to_string(), "-10.50");
        assert_eq!(b.abs().to_string(), "20.75");
        assert!(b < a && b.is_negative() && !a.is_negative());
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::from_cents(5).to_string(), "0.05");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
        assert_eq!(Money::from_cents(-123_456_789).to_string(), "-1234567.89");
        assert_eq!(
            Money::from_cents(i64::MAX).to_string(),
            "92233720368547758.07"
        );
    }

    proptest::proptest! {
        /// Amounts and rates of either sign, scales 0 to 11: the integer arithmetic rounds
        /// exactly as `Decimal` does, and holds a result past 10¹⁶ yuan there as it does.
        #[test]
        fn mul_add_is_decimal_arithmetic_rounded_half_up(
            a in -100_000_000_000i64..100_000_000_000,
            b in -100_000_000_000i64..100_000_000_000,
            (xm, xs) in (-1_000_000_000i64..1_000_000_000, 0u32..12),
            (ym, ys) in (-1_000_000_000i64..1_000_000_000, 0u32..12),
        ) {
            let (a, b) = (Money::from_cents(a), Money::from_cents(b));
            let (x, y) = (Decimal::new(xm, xs), Decimal::new(ym, ys));
            proptest::prop_assert_eq!(
                Money::mul_add(a, x, b, y),
                Money::saturating(a.dec() * x + b.dec() * y)
            );
        }
    }

    #[test]
    fn mul_add_matches_decimal_arithmetic() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let cases = [
            (15_000, "1", 1_915_764, "0.008"),
            (38_315, "1", 1_915_764, "0.0125"),
            (-38_315, "0.5", 1_915_765, "0.005"),
            (0, "0", 600_000, "0.03"),
            (
                12_345,
                "0.333333333333333333",
                99_999,
                "0.000000000000000001",
            ),
            (1, "0.5", 0, "0"),
            (-1, "0.5", 0, "0"),
        ];
        for (a, x, b, y) in cases {
            let (a, b) = (Money::from_cents(a), Money::from_cents(b));
            let (x, y) = (d(x), d(y));
            let via_decimal = Money::saturating(a.dec() * x + b.dec() * y);
            assert_eq!(
                Money::mul_add(a, x, b, y),
                via_decimal,
                "{a} × {x} + {b} × {y}"
            );
        }
        // Too wide for 128 bits: the Decimal path.
        let huge = Money::from_cents(100_000_000_000_000);
        let wide = d("0.999999999999999999999999999");
        assert_eq!(
            Money::mul_add(huge, wide, Money::ZERO, Decimal::ZERO),
            Money::saturating(huge.dec() * wide)
        );
    }

    #[test]
    fn decimals_round_half_up_to_cents() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            Money::from_decimal(d("1.005")),
            Some(Money::from_cents(101))
        );
        assert_eq!(
            Money::from_decimal(d("-1.005")),
            Some(Money::from_cents(-101))
        );
        assert_eq!(
            Money::from_decimal(d("1.004999")),
            Some(Money::from_cents(100))
        );
        assert_eq!(Money::from_decimal(d("7")), Some(Money::from_cents(700)));
        assert_eq!(Money::from_decimal(d("0.1")), Some(Money::from_cents(10)));
        assert_eq!(
            Money::from_decimal(d("79228162514264337593543950.335")),
            None
        );
    }
}
