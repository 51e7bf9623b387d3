//! Policy: a region's crediting rules, from a TOML file of SPEC's format or an embedded
//! preset. Parsed with serde, then validated into [`Policy`], whose numbers are exact
//! decimals and whose rules are in date order.

pub mod presets;

use rust_decimal::Decimal;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::records::{Insurance, Period};

/// A policy file that cannot be used, with the key at fault.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("{origin}: not a valid policy file: {message}")]
    Syntax { origin: String, message: String },
    #[error("{origin}: {key}: {reason}")]
    Invalid {
        origin: String,
        key: String,
        reason: String,
    },
    #[error("no preset named '{0}' and no such file; presets: {1}")]
    Unknown(String, String),
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
}

/// A number written as a TOML string (`"0.008"`, exact) or a TOML number.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
enum Num {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Num {
    fn decimal(&self) -> Option<Decimal> {
        match self {
            Num::Text(s) => s.trim().parse().ok(),
            Num::Int(i) => Some(Decimal::from(*i)),
            Num::Float(f) => format!("{f}").parse().ok(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    title: Option<String>,
    source: Option<String>,
    #[serde(default)]
    timing: TimingFile,
    #[serde(default)]
    tolerance: ToleranceFile,
    #[serde(default)]
    no_account: NoAccountFile,
    #[serde(default)]
    rates: RatesFile,
    #[serde(default)]
    retirement: RetirementFile,
    #[serde(default)]
    rule: Vec<RuleFile>,
}

/// `[retirement]`: statutory ages, for explanations only (SPEC 2.2).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RetirementFile {
    male: Option<u32>,
    female: Option<u32>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TimingFile {
    credit_lag_months: Option<i64>,
    grace_months: Option<i64>,
    backpay_credited: Option<bool>,
    pair_within_months: Option<i64>,
    base_adjust_month: Option<u32>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ToleranceFile {
    amount: Option<Num>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoAccountFile {
    #[serde(default)]
    insurance: Vec<String>,
    #[serde(default)]
    tiers: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RatesFile {
    employee: Option<Num>,
    /// `[rates.tiers]`: the employee's rate in a tier that has its own (`"二档" = "0.002"`).
    #[serde(default)]
    tiers: std::collections::BTreeMap<String, Num>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    from: String,
    employee_share: Option<Num>,
    #[serde(default)]
    employer_to_account: Vec<BandFile>,
    flexible_to_account: Option<Num>,
    #[serde(default)]
    retiree: Vec<RetireeFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BandFile {
    below_age: Option<u32>,
    rate: Num,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetireeFile {
    below_age: Option<u32>,
    amount: Num,
}

/// A value by age band: the first band whose `below_age` is above the age applies; the
/// last band may have no bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bands(Vec<(Option<u32>, Decimal)>);

impl Bands {
    /// The value at `age`; zero when no band covers it (or there are none).
    pub fn at(&self, age: u32) -> Decimal {
        self.0
            .iter()
            .find(|(below, _)| below.is_none_or(|b| age < b))
            .map(|(_, v)| *v)
            .unwrap_or(Decimal::ZERO)
    }
}

/// One crediting rule, in force from `from` until the next rule's `from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub from: Period,
    /// Fraction of the employee's own contribution credited.
    pub employee_share: Decimal,
    /// Fraction of the base credited from the employer, by age band.
    pub employer_to_account: Bands,
    /// Fraction of the base credited to flexible workers with an account.
    pub flexible_to_account: Decimal,
    /// Yuan per month credited to retirees, by age band.
    pub retiree: Bands,
}

/// A validated policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub title: String,
    pub source: String,
    /// SHA-256 of the policy text, for summary.json.
    pub sha256: String,
    pub credit_lag_months: i64,
    pub grace_months: i64,
    pub backpay_credited: bool,
    pub pair_within_months: i64,
    pub tolerance: Decimal,
    /// Insurance kinds without an account: `employee`, `flexible`, `resident`.
    pub no_account_insurance: Vec<String>,
    /// Tier names without an account, matched as contained in the tier cell.
    pub no_account_tiers: Vec<String>,
    /// `rates.employee`: enables RATE_MISMATCH. Read through [`Policy::employee_rate_for`].
    pub employee_rate: Option<Decimal>,
    /// `[rates.tiers]`: tiers whose employee rate differs from `rates.employee`, matched as
    /// contained in the tier cell (as `no_account.tiers`).
    pub tier_rates: Vec<(String, Decimal)>,
    /// `[retirement]`: statutory retirement ages, for explanations only (SPEC 2.2).
    pub retirement: RetirementAges,
    /// `timing.base_adjust_month`: the month contribution bases are reset each year.
    pub base_adjust_month: u32,
    pub rules: Vec<Rule>,
}

/// Statutory retirement ages (default 60 / 50). Retirement here only explains a credit
/// change or stop; a person is a retiree for expected credits only by roster or
/// category (SPEC 2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetirementAges {
    pub male: u32,
    pub female: u32,
}

impl Default for RetirementAges {
    fn default() -> Self {
        RetirementAges {
            male: 60,
            female: 50,
        }
    }
}

impl Policy {
    /// The employee's contribution rate in `tier`: `[rates.tiers]`'s entry whose name the
    /// tier cell contains (the longest, when several do), else `rates.employee`.
    pub fn employee_rate_for(&self, tier: Option<&str>) -> Option<Decimal> {
        let tier = tier.unwrap_or("");
        self.tier_rates
            .iter()
            .filter(|(name, _)| !tier.is_empty() && tier.contains(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map(|(_, rate)| *rate)
            .or(self.employee_rate)
    }

    /// The employee rate RATE_MISMATCH checks a period against: the tier's own rate when
    /// `[rates.tiers]` names it; else `rates.employee`, but only for a tier that has an
    /// account — a no-account tier (二档, 单建统筹) pays its own rate, which the standard
    /// rate says nothing about.
    pub fn rate_to_check(&self, ins: &Insurance, tier: Option<&str>) -> Option<Decimal> {
        let own = tier.filter(|t| !t.is_empty()).and_then(|t| {
            self.tier_rates
                .iter()
                .filter(|(name, _)| t.contains(name.as_str()))
                .max_by_key(|(name, _)| name.len())
                .map(|(_, rate)| *rate)
        });
        own.or_else(|| {
            self.has_account(ins, tier)
                .then_some(self.employee_rate)
                .flatten()
        })
    }

    /// The rule in force for period `p`; before the first rule, the first rule.
    pub fn rule_at(&self, p: Period) -> &Rule {
        let i = self.rules.partition_point(|r| r.from <= p);
        &self.rules[i.saturating_sub(1)]
    }

    /// Whether insurance `ins` with tier `tier` has no personal account.
    pub fn has_account(&self, ins: &Insurance, tier: Option<&str>) -> bool {
        let kind = match ins {
            Insurance::Other(_) => return false,
            other => other.as_str(),
        };
        if self.no_account_insurance.iter().any(|k| k == kind) {
            return false;
        }
        let Some(tier) = tier else {
            return true;
        };
        let tier = crate::aliases::normalize_header(tier);
        !self
            .no_account_tiers
            .iter()
            .any(|t| tier.contains(&crate::aliases::normalize_header(t)))
    }

    /// Parses and validates policy TOML; `origin` names it in messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let file: File = toml::from_str(text).map_err(|e| PolicyError::Syntax {
            origin: origin.to_string(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        let invalid = |key: String, reason: &str| PolicyError::Invalid {
            origin: origin.to_string(),
            key,
            reason: reason.to_string(),
        };
        let fraction = |key: String, n: &Num| -> Result<Decimal, PolicyError> {
            let d = n
                .decimal()
                .ok_or_else(|| invalid(key.clone(), "not a number"))?;
            if d < Decimal::ZERO || d > Decimal::ONE {
                return Err(invalid(key, "a rate must be between 0 and 1"));
            }
            Ok(d)
        };
        let months = |key: &str, v: Option<i64>, default: i64| -> Result<i64, PolicyError> {
            let v = v.unwrap_or(default);
            if !(0..=120).contains(&v) {
                return Err(invalid(format!("timing.{key}"), "must be 0 to 120 months"));
            }
            Ok(v)
        };
        if file.name.trim().is_empty() {
            return Err(invalid("name".into(), "must not be empty"));
        }
        let tolerance = match &file.tolerance.amount {
            None => Decimal::new(1, 2),
            Some(n) => {
                let d = n
                    .decimal()
                    .ok_or_else(|| invalid("tolerance.amount".into(), "not a number"))?;
                if d < Decimal::ZERO {
                    return Err(invalid("tolerance.amount".into(), "must not be negative"));
                }
                d
            }
        };
        for (i, k) in file.no_account.insurance.iter().enumerate() {
            if !matches!(k.as_str(), "employee" | "flexible" | "resident") {
                return Err(invalid(
                    format!("no_account.insurance[{i}]"),
                    "must be employee, flexible or resident",
                ));
            }
        }
        let employee_rate = match &file.rates.employee {
            None => None,
            Some(n) => Some(fraction("rates.employee".into(), n)?),
        };
        let mut tier_rates = Vec::with_capacity(file.rates.tiers.len());
        for (tier, n) in &file.rates.tiers {
            if tier.trim().is_empty() {
                return Err(invalid("rates.tiers".into(), "a tier name is empty"));
            }
            tier_rates.push((tier.clone(), fraction(format!("rates.tiers.{tier}"), n)?));
        }
        if file.rule.is_empty() {
            return Err(invalid("rule".into(), "at least one [[rule]] is needed"));
        }
        let mut rules: Vec<Rule> = Vec::with_capacity(file.rule.len());
        for (i, r) in file.rule.iter().enumerate() {
            let key = |k: &str| format!("rule[{i}].{k}");
            let from = Period::parse_canonical(&r.from)
                .ok_or_else(|| invalid(key("from"), "must be a month as YYYY-MM"))?;
            if let Some(prev) = rules.last()
                && prev.from >= from
            {
                return Err(invalid(
                    key("from"),
                    "rules must be in date order, each after the one before",
                ));
            }
            let bands =
                |name: &str, items: Vec<(Option<u32>, Decimal)>| -> Result<Bands, PolicyError> {
                    let mut last: Option<u32> = None;
                    for (j, (below, _)) in items.iter().enumerate() {
                        match below {
                            None if j + 1 != items.len() => {
                                return Err(invalid(
                                    format!("{}[{j}]", key(name)),
                                    "only the last age band may have no below_age",
                                ));
                            }
                            Some(b) if last.is_some_and(|l| *b <= l) => {
                                return Err(invalid(
                                    format!("{}[{j}].below_age", key(name)),
                                    "age bands must be in increasing order of below_age",
                                ));
                            }
                            Some(b) => last = Some(*b),
                            None => {}
                        }
                    }
                    Ok(Bands(items))
                };
            let employer = r
                .employer_to_account
                .iter()
                .enumerate()
                .map(|(j, b)| {
                    Ok((
                        b.below_age,
                        fraction(format!("{}[{j}].rate", key("employer_to_account")), &b.rate)?,
                    ))
                })
                .collect::<Result<Vec<_>, PolicyError>>()?;
            let retiree = r
                .retiree
                .iter()
                .enumerate()
                .map(|(j, b)| {
                    let k = format!("{}[{j}].amount", key("retiree"));
                    let d = b
                        .amount
                        .decimal()
                        .ok_or_else(|| invalid(k.clone(), "not a number"))?;
                    if d < Decimal::ZERO {
                        return Err(invalid(k, "must not be negative"));
                    }
                    Ok((b.below_age, d))
                })
                .collect::<Result<Vec<_>, PolicyError>>()?;
            rules.push(Rule {
                from,
                employee_share: match &r.employee_share {
                    Some(n) => fraction(key("employee_share"), n)?,
                    None => Decimal::ONE,
                },
                employer_to_account: bands("employer_to_account", employer)?,
                flexible_to_account: match &r.flexible_to_account {
                    Some(n) => fraction(key("flexible_to_account"), n)?,
                    None => Decimal::ZERO,
                },
                retiree: bands("retiree", retiree)?,
            });
        }
        let age = |key: &str, v: Option<u32>, default: u32| -> Result<u32, PolicyError> {
            let v = v.unwrap_or(default);
            if !(40..=80).contains(&v) {
                return Err(invalid(
                    format!("retirement.{key}"),
                    "must be an age from 40 to 80",
                ));
            }
            Ok(v)
        };
        let defaults = RetirementAges::default();
        let retirement = RetirementAges {
            male: age("male", file.retirement.male, defaults.male)?,
            female: age("female", file.retirement.female, defaults.female)?,
        };
        let base_adjust_month = file.timing.base_adjust_month.unwrap_or(7);
        if !(1..=12).contains(&base_adjust_month) {
            return Err(invalid(
                "timing.base_adjust_month".into(),
                "must be a month from 1 to 12",
            ));
        }
        let digest = Sha256::digest(text.as_bytes());
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Policy {
            name: file.name,
            title: file.title.unwrap_or_default(),
            source: file.source.unwrap_or_default(),
            sha256,
            credit_lag_months: months("credit_lag_months", file.timing.credit_lag_months, 1)?,
            grace_months: months("grace_months", file.timing.grace_months, 2)?,
            backpay_credited: file.timing.backpay_credited.unwrap_or(true),
            pair_within_months: months("pair_within_months", file.timing.pair_within_months, 12)?,
            tolerance,
            no_account_insurance: file.no_account.insurance,
            no_account_tiers: file.no_account.tiers,
            employee_rate,
            tier_rates,
            retirement,
            base_adjust_month,
            rules,
        })
    }

    /// A preset by name, or a TOML file by path.
    pub fn load(name_or_path: &str) -> Result<Policy, PolicyError> {
        if let Some(text) = presets::get(name_or_path) {
            return Policy::from_toml(text, name_or_path);
        }
        let path = std::path::Path::new(name_or_path);
        if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Io {
                path: name_or_path.to_string(),
                message: e.to_string(),
            })?;
            return Policy::from_toml(&text, name_or_path);
        }
        Err(PolicyError::Unknown(
            name_or_path.to_string(),
            presets::names().collect::<Vec<_>>().join(", "),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
name = "example"
title = "示例市职工医保个人账户划入规则"
source = "SPEC example"

[timing]
credit_lag_months = 1
grace_months = 2
backpay_credited = true
pair_within_months = 12

[tolerance]
amount = "0.01"

[no_account]
insurance = ["resident"]
tiers = ["二档", "三档", "单建统筹", "住院统筹"]

[rates]
employee = "0.02"

[[rule]]
from = "2001-04"
employee_share = "1"
employer_to_account = [
  { below_age = 35, rate = "0.008" },
  { below_age = 45, rate = "0.01" },
  { rate = "0.02" },
]
flexible_to_account = "0.02"
retiree = [ { below_age = 70, amount = "100.00" }, { amount = "110.00" } ]

[[rule]]
from = "2022-09"
employee_share = "1"
employer_to_account = []
flexible_to_account = "0.02"
retiree = [ { amount = "83.00" } ]
"#;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_spec_example() {
        let p = Policy::from_toml(EXAMPLE, "example.toml").unwrap();
        assert_eq!(p.credit_lag_months, 1);
        assert_eq!(p.tolerance, dec("0.01"));
        assert_eq!(p.employee_rate, Some(dec("0.02")));
        assert_eq!(p.employee_rate_for(Some("二档")), Some(dec("0.02")));
        let old = p.rule_at(Period::new(2022, 8).unwrap());
        assert_eq!(old.employer_to_account.at(34), dec("0.008"));
        assert_eq!(old.employer_to_account.at(35), dec("0.01"));
        assert_eq!(old.employer_to_account.at(60), dec("0.02"));
        assert_eq!(old.retiree.at(69), dec("100"));
        assert_eq!(old.retiree.at(70), dec("110"));
        let new = p.rule_at(Period::new(2022, 9).unwrap());
        assert_eq!(new.employer_to_account.at(50), Decimal::ZERO);
        assert_eq!(new.retiree.at(80), dec("83"));
        assert_eq!(
            p.rule_at(Period::new(1999, 1).unwrap()).from,
            Period::new(2001, 4).unwrap()
        );
        assert!(!p.has_account(&Insurance::Resident, None));
        assert!(!p.has_account(&Insurance::Employee, Some("医保二档")));
        assert!(p.has_account(&Insurance::Employee, Some("一档")));
        assert_eq!(p.sha256.len(), 64);
        assert_eq!(
            p.retirement,
            RetirementAges {
                male: 60,
                female: 50
            }
        );
        assert_eq!(p.base_adjust_month, 7);
    }

    #[test]
    fn reads_retirement_ages_and_the_base_adjustment_month() {
        let text = EXAMPLE.replace(
            "pair_within_months = 12",
            "pair_within_months = 12\nbase_adjust_month = 1\n[retirement]\nmale = 63\nfemale = 55",
        );
        let p = Policy::from_toml(&text, "p.toml").unwrap();
        assert_eq!(
            p.retirement,
            RetirementAges {
                male: 63,
                female: 55
            }
        );
        assert_eq!(p.base_adjust_month, 1);
        let bad = EXAMPLE.replace("pair_within_months = 12", "base_adjust_month = 13");
        assert!(
            Policy::from_toml(&bad, "p.toml")
                .unwrap_err()
                .to_string()
                .contains("timing.base_adjust_month")
        );
    }

    #[test]
    fn errors_name_the_key() {
        let bad = |from: &str, to: &str| {
            Policy::from_toml(&EXAMPLE.replace(from, to), "p.toml")
                .unwrap_err()
                .to_string()
        };
        assert!(
            bad("from = \"2022-09\"", "from = \"2000-01\"")
                .contains("rule[1].from: rules must be in date order")
        );
        assert!(
            bad("rate = \"0.008\"", "rate = \"1.5\"")
                .contains("rule[0].employer_to_account[0].rate: a rate must be between 0 and 1")
        );
        assert!(
            bad("below_age = 45", "below_age = 30")
                .contains("rule[0].employer_to_account[1].below_age")
        );
        assert!(
            bad(
                "{ rate = \"0.02\" },",
                "{ rate = \"0.02\" }, { below_age = 80, rate = \"0.03\" },"
            )
            .contains("only the last age band")
        );
        assert!(bad("grace_months = 2", "grace_months = 2\nsurprise = 1").contains("surprise"));
        assert!(
            bad("insurance = [\"resident\"]", "insurance = [\"residents\"]")
                .contains("no_account.insurance[0]")
        );
        assert!(
            bad("from = \"2001-04\"", "from = \"April 2001\"")
                .contains("rule[0].from: must be a month")
        );
    }
}
