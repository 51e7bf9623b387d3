//! Conservation on generated data: every line of every input is read and ends accepted,
//! rejected or skipped; every accepted contribution period is in months.csv; every
//! accepted statement row lands in exactly one column of the bridge.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Rng, id};
use proptest::prelude::*;
use rust_decimal::Decimal;
use yibao_recon::ingest::{InputFile, ingest};
use yibao_recon::lang::Lang;
use yibao_recon::policy::Policy;
use yibao_recon::reconcile::{Options, reconcile};

/// Statement kinds with the bridge column each belongs to and its sign on the way in.
const KINDS: [(&str, &str); 12] = [
    ("101", "credits"),
    ("个人账户划入", "credits"),
    ("201", "spending"),
    ("药店购药", "spending"),
    ("205", "family"),
    ("203", "clearing"),
    ("207", "clearing"),
    ("107", "clearing"),
    ("102", "interest"),
    ("医保退费", "interest"),
    ("其他业务", "unclassified"),
    ("113", "interest"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn every_row_is_accounted_for(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let dir = tempfile::tempdir().unwrap();
        let people: Vec<String> = (0..3).map(|i| id(&format!("3101151990010{i}00{}", rng.next(10)))).collect();

        // Contributions: a title, a blank line, the header, data with bad rows, a total.
        let mut lines = vec!["缴费明细".to_string(), String::new(), "身份证号,费款所属期,缴费基数,个人缴费".to_string()];
        let mut good: BTreeSet<(String, String)> = BTreeSet::new();
        for p in &people {
            for m in 1..=6 {
                match rng.next(12) {
                    0 => lines.push(format!("{p},2024-{m:02},abc,100")),
                    1 => lines.push(format!(",2024-{m:02},5000,100")),
                    2 => lines.push(String::new()),
                    _ => {
                        lines.push(format!("{p},2024{m:02},5000,100"));
                        good.insert((p.clone(), format!("2024-{m:02}")));
                    }
                }
            }
        }
        lines.push("合计,,,999".to_string());
        let c_path = dir.path().join("c.csv");
        std::fs::write(&c_path, lines.join("\n") + "\n").unwrap();
        let c_lines = lines.len() as u64;

        // Statement: every kind, signed amounts, sums per person and column remembered.
        let mut s_lines = vec!["身份证号,交易时间,交易类型,发生金额".to_string()];
        let mut sums: BTreeMap<(String, &str), Decimal> = BTreeMap::new();
        for p in &people {
            for k in 0..10 {
                let (kind, column) = KINDS[rng.next(KINDS.len() as u64) as usize];
                let cents = 100 + rng.next(20_000) as i64;
                let outflow = matches!(kind, "201" | "药店购药" | "205" | "203" | "207");
                let signed = Decimal::new(if outflow { -cents } else { cents }, 2);
                s_lines.push(format!("{p},2024-{:02}-{:02} 10:00:00,{kind},{signed}", 2 + k % 6, 1 + k));
                // Outflow columns count positive; clearing also nets transfers in.
                let counted = match column {
                    "spending" | "family" | "clearing" => -signed,
                    _ => signed,
                };
                *sums.entry((p.clone(), column)).or_default() += counted;
            }
        }
        let s_path = dir.path().join("s.csv");
        std::fs::write(&s_path, s_lines.join("\n") + "\n").unwrap();

        let inputs = [c_path, s_path].map(InputFile::new);
        let batch = ingest(&inputs);
        let policy = Policy::load("samples/policy.toml").unwrap();
        let run = reconcile(&batch, &policy, Options { as_of: None, lang: Lang::En, shard: None, keep_entries: false });

        // 1. Every line read, and read = accepted + rejected + skipped.
        let reads: Vec<u64> = batch.sources.iter().map(|s| s.counts.read).collect();
        prop_assert_eq!(reads, vec![c_lines, s_lines.len() as u64]);
        for s in &batch.sources {
            prop_assert_eq!(s.counts.read, s.counts.accepted + s.counts.rejected + s.counts.skipped);
        }
        prop_assert_eq!(batch.contributions.len(), good.len());

        // 2. Every accepted contribution period once in months.
        let months: Vec<(String, String)> = run
            .persons
            .iter()
            .flat_map(|p| p.months.iter().map(move |m| (p.id.to_string(), m.period.to_string())))
            .collect();
        let unique: BTreeSet<_> = months.iter().cloned().collect();
        prop_assert_eq!(unique.len(), months.len());
        prop_assert!(good.is_subset(&unique));

        // 3. Every statement row in exactly one bridge column.
        for p in &run.persons {
            let get = |c: &str| sums.get(&(p.id.to_string(), c)).copied().unwrap_or_default();
            let b = &p.bridge;
            prop_assert_eq!(Decimal::from(b.credits), get("credits"));
            prop_assert_eq!(Decimal::from(b.spending), get("spending"));
            prop_assert_eq!(Decimal::from(b.family_sharing), get("family"));
            prop_assert_eq!(Decimal::from(b.clearing_transfers), get("clearing"));
            prop_assert_eq!(Decimal::from(b.interest_adjustments), get("interest"));
            prop_assert_eq!(Decimal::from(b.unclassified), get("unclassified"));
        }
    }
}
